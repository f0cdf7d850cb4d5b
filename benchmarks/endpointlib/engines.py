"""Starting, watching and stopping the engines, and the data they serve."""

from __future__ import annotations

import argparse
import contextlib
import http.client
import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

from .client import Client, free_port
from .common import BIN, ROOT
from .queries import Query
from .variants import variant


@dataclass
class Engine:
    """One server under test."""

    name: str
    port: int
    path: str
    log: Path
    process: subprocess.Popen[bytes] | None = None
    startup_seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    launched: float = 0.0
    deadline: float = 0.0
    store: Path | None = None  # the on-disk store's folder, if any
    form: bool = False  # queries sent as a form (see :class:`.client.Client`)
    vary: bool = True  # cold workload: False sends the texts as written (no variants)

    def client(self, timeout: float) -> Client:
        return Client(self.port, self.path, timeout, self.form)

    def tree(self) -> list[psutil.Process]:
        """The server's processes (children included)."""
        if self.process is None:
            return []
        try:
            parent = psutil.Process(self.process.pid)
            return [parent, *parent.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def cpu_seconds(self) -> float:
        return sum(self.cpu_by_role().values())

    def cpu_by_role(self) -> dict[str, float]:
        """CPU seconds of the server's processes: ``worker`` for partnergraph's query
        worker processes (multiprocessing ``spawn`` children), ``front`` for the rest
        (gunicorn, Flask, HTTP; the whole server for the others)."""
        roles = {"front": 0.0, "worker": 0.0}
        for process in self.tree():
            with contextlib.suppress(psutil.NoSuchProcess):
                times = process.cpu_times()
                role = "worker" if "spawn_main" in " ".join(process.cmdline()) else "front"
                roles[role] += times.user + times.system
        return roles

    def rss_mb(self) -> float:
        total = 0
        for process in self.tree():
            with contextlib.suppress(psutil.NoSuchProcess):
                total += process.memory_info().rss
        return total / 2**20

    def disk_mb(self) -> float:
        """The size of the on-disk store's files (NaN for an engine in memory)."""
        if self.store is None or not self.store.exists():
            return math.nan
        files = (p for p in self.store.rglob("*") if p.is_file())
        return sum(p.stat().st_size for p in files) / 2**20

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        """Stop the server's process group."""
        if self.process is not None:
            stop_group(self.process)


def launch(
    command: list[str], log: Path, env: dict[str, str] | None = None, cwd: Path = ROOT
) -> subprocess.Popen[bytes]:
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        process = subprocess.Popen(
            command,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=cwd,
            env=env,
            start_new_session=True,  # its own process group: stopped as a whole
        )
    RUNNING.append(process)
    return process


#: Every process group this run has started, stopped at the end whatever happens.
RUNNING: list[subprocess.Popen[bytes]] = []


def stop_on_signals() -> None:
    """On SIGTERM or SIGINT, stop every server started here (whole process groups)."""

    def stop_all(*_: Any) -> None:
        for process in RUNNING:
            stop_group(process)
        raise SystemExit(130)

    signal.signal(signal.SIGTERM, stop_all)
    signal.signal(signal.SIGINT, stop_all)


def stop_group(process: subprocess.Popen[bytes]) -> None:
    """Stop a server: SIGTERM to it (gunicorn stops its own workers), then SIGKILL to any
    of its descendants still there, by their process ids."""
    if process.poll() is not None:
        return
    try:
        descendants = psutil.Process(process.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        descendants = []
    with contextlib.suppress(ProcessLookupError):
        process.send_signal(signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(30)
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
    for leftover in descendants:
        with contextlib.suppress(psutil.NoSuchProcess):
            leftover.kill()  # psutil checks that the pid is still the same process
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(10)


def tail(log: Path, lines: int = 15) -> str:
    with contextlib.suppress(OSError):
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    return ""


def wait_until_answering(
    engine: Engine, deadline: float, concurrent: int = 1, poll: float = 0.3
) -> None:
    """Poll with a tiny ASK until the engine answers (``concurrent`` at a time, so that
    every query worker of a partnergraph server has started and loaded the store).

    Every poll is a text of its own (:func:`.variants.variant` numbered by the clock),
    so that a result cache, even one left from an earlier start, never answers it."""
    ask = Query("ready", "ASK { ?s ?p ?o }", "ask")
    while time.monotonic() < deadline:
        if not engine.alive():
            raise RuntimeError(f"{engine.name} ended during start-up:\n{tail(engine.log)}")
        client = engine.client(timeout=max(1.0, deadline - time.monotonic()))
        try:
            if client.query(variant(ask, time.time_ns())).status == 200:
                break
        except OSError:
            pass
        finally:
            client.close()
        time.sleep(poll)
    else:
        raise RuntimeError(f"{engine.name} did not answer in time:\n{tail(engine.log)}")
    if concurrent > 1:
        # threads, joined when the block ends (no thread is left when clients are forked)
        with ThreadPoolExecutor(concurrent) as pool:
            for _ in range(2):
                statuses = list(
                    pool.map(
                        _one_query,
                        [engine.port] * concurrent,
                        [engine.path] * concurrent,
                        [variant(ask, time.time_ns() + k) for k in range(concurrent)],
                        [deadline - time.monotonic()] * concurrent,
                    )
                )
                if any(status != 200 for status in statuses):
                    raise RuntimeError(f"{engine.name}: start-up queries failed: {statuses}")


def _one_query(port: int, path: str, query: Query, timeout: float) -> int:
    client = Client(port, path, max(1.0, timeout))
    try:
        return client.query(query).status
    finally:
        client.close()


@dataclass
class Setup:
    """What every engine of one size is started from."""

    size: int
    trig: Path
    graph_dir: Path
    data_file: Path  # the built N-Quads
    work: Path
    args: argparse.Namespace

    @property
    def served_file(self) -> Path:
        """The dataset partnergraph's Oxigraph store serves, as N-Quads: the built
        named graphs and, in the default graph, every distinct triple of them."""
        return self.data_file.with_name("served.nq")


def partnergraph_env(setup: Setup, name: str, store: str, store_dir: Path | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARTNERGRAPH_")}
    env.update(
        {
            "PARTNERGRAPH_GRAPH_DIR": str(setup.graph_dir),
            "PARTNERGRAPH_OUTPUT_DIR": str(setup.work / name / "out"),
            "PARTNERGRAPH_STORE": store,
            "PARTNERGRAPH_QUERY_TIMEOUT": str(setup.args.request_timeout),
            "PARTNERGRAPH_QUERY_WORKERS": str(setup.args.query_workers),
        }
    )
    if setup.args.row_cap:
        env["PARTNERGRAPH_ROW_CAP"] = str(setup.args.row_cap)
    for pair in getattr(setup.args, "pg_setting", []):
        name, _, value = pair.partition("=")
        env["PARTNERGRAPH_" + name.strip().upper()] = value.strip()
    if store_dir is not None:
        env["PARTNERGRAPH_STORE_DIR"] = str(store_dir)
    elif store == "oxigraph" and "store_memory" in _setting_names():
        env["PARTNERGRAPH_STORE_MEMORY"] = "true"  # in memory where the store can be on disk
    return env


def _setting_names() -> set[str]:
    """The settings this copy of partnergraph knows (an unknown one stops it)."""
    sys.path.insert(0, str(ROOT))
    from partnergraph.settings import documented

    return {name for name, _, _ in documented()}


def start_engine(name: str, setup: Setup, fresh: bool = True) -> Engine:
    """Start one engine on the built data and wait until it answers."""
    return finish_engine(launch_engine(name, setup, fresh), setup)


def finish_engine(engine: Engine, setup: Setup) -> Engine:
    """Wait until a launched engine answers (every query worker of a partnergraph server)."""
    concurrent = (
        setup.args.query_workers * setup.args.pg_workers if engine.name.startswith("pg-") else 1
    )
    wait_until_answering(engine, engine.deadline, concurrent)
    engine.startup_seconds = time.monotonic() - engine.launched
    return engine


def launch_engine(name: str, setup: Setup, fresh: bool = True) -> Engine:
    """Start one engine on the built data (``setup.data_file``; partnergraph builds its own
    from ``setup.graph_dir``); returns before it answers.

    ``fresh``: the engine's folders (partnergraph's output folder, with its snapshots and
    result cache, and the on-disk stores) are emptied first, so it builds and loads
    everything; otherwise a restart finds what the previous start left."""
    port = free_port()
    log = setup.work / "logs" / f"{name}.log"
    log.unlink(missing_ok=True)
    deadline = time.monotonic() + setup.args.startup_timeout
    oxigraph = str(BIN / "oxigraph")
    engine = Engine(name, port, "/query" if name.startswith("oxigraph") else "/sparql", log)
    engine.launched, engine.deadline = time.monotonic(), deadline
    if name == "oxigraph-server":
        engine.process = launch([oxigraph, "serve", "--bind", f"127.0.0.1:{port}"], log)
        _wait_for_port(engine, deadline)
        _post_store(port, setup.served_file, deadline - time.monotonic())
    elif name == "oxigraph-server-union":
        engine.process = launch(
            [oxigraph, "serve", "--bind", f"127.0.0.1:{port}", "--union-default-graph"], log
        )
        _wait_for_port(engine, deadline)
        _post_store(port, setup.data_file, deadline - time.monotonic())
    elif name == "oxigraph-server-disk":
        location = engine.store = setup.work / name / "store"
        if fresh or not location.exists():
            _oxigraph_load(setup, location, log, deadline)
        engine.process = launch(
            [
                oxigraph,
                "serve",
                "--location",
                str(location),
                "--bind",
                f"127.0.0.1:{port}",
            ],
            log,
        )
    elif name in ("pg-oxigraph", "pg-oxigraph-disk", "pg-memory"):
        store = "memory" if name == "pg-memory" else "oxigraph"
        store_dir = setup.work / name / "store" if name == "pg-oxigraph-disk" else None
        engine.store = store_dir
        if fresh:  # a first start: the graph is built, the store loaded
            for folder in (store_dir, setup.work / name / "out"):
                if folder is not None:
                    shutil.rmtree(folder, ignore_errors=True)
        command = [
            str(BIN / "partnergraph"),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(setup.args.pg_workers),
            "--threads",
            str(setup.args.pg_threads),
        ]
        engine.process = launch(command, log, partnergraph_env(setup, name, store, store_dir))
        engine.notes.append(
            f"gunicorn workers={setup.args.pg_workers} threads={setup.args.pg_threads}, "
            f"query_workers={setup.args.query_workers} (per gunicorn worker), "
            f"query_timeout={setup.args.request_timeout:g}"
            + (f", row_cap={setup.args.row_cap}" if setup.args.row_cap else ", row_cap default")
        )
    elif name == "rdflib-endpoint":
        engine.path = "/"
        engine.process = launch(
            [
                str(BIN / "rdflib-endpoint"),
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                str(setup.data_file),
            ],
            log,
        )
    else:
        raise ValueError(name)
    return engine


def _oxigraph_load(setup: Setup, location: Path, log: Path, deadline: float) -> None:
    """``oxigraph load`` of the served dataset into an empty folder."""
    shutil.rmtree(location, ignore_errors=True)
    location.parent.mkdir(parents=True, exist_ok=True)
    loader = launch(
        [
            str(BIN / "oxigraph"),
            "load",
            "--location",
            str(location),
            "--file",
            str(setup.served_file),
        ],
        log,
    )
    if loader.wait(max(1.0, deadline - time.monotonic())) != 0:
        raise RuntimeError(f"oxigraph load failed:\n{tail(log)}")


def _wait_for_port(engine: Engine, deadline: float) -> None:
    while time.monotonic() < deadline:
        if not engine.alive():
            raise RuntimeError(f"{engine.name} ended during start-up:\n{tail(engine.log)}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", engine.port), 1):
            return
        time.sleep(0.2)
    raise RuntimeError(f"{engine.name} did not listen in time")


def _post_store(port: int, data_file: Path, timeout: float) -> None:
    """Load N-Quads into an in-memory Oxigraph server (Graph Store Protocol, ``POST /store``)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=max(1.0, timeout))
    try:
        with data_file.open("rb") as body:
            connection.request(
                "POST",
                "/store",
                body=body,
                headers={
                    "Content-Type": "application/n-quads",
                    "Content-Length": str(data_file.stat().st_size),
                },
            )
            response = connection.getresponse()
            text = response.read()
        if response.status >= 300:
            raise RuntimeError(
                f"loading the Oxigraph server failed: {response.status} {text[:300]!r}"
            )
    finally:
        connection.close()
