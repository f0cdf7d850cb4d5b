"""A running ``partnergraph deploy``: started, read from its ``state.json``, measured
per process role, pinned to cores, stopped.

The deployment runs in a process group of its own (``launch``, so Ctrl-C and errors
stop it through :data:`.engines.RUNNING`); ``partnergraph deploy`` itself starts
HAProxy, the writer and the readers each in a group of its own and stops them all on
SIGTERM. What runs is read from ``{output_dir}/deploy/state.json`` (ports and pids).

Roles of the processes, for CPU seconds and PSS:

=================  ==============================================================
role               processes
=================  ==============================================================
``haproxy``        HAProxy (one process, its threads)
``web``            each reader's gunicorn master and worker (HTTP, Flask, the
                   query service), its multiprocessing resource tracker
``query workers``  each reader's query worker processes (``spawn`` children);
                   also the CPU of those that ended meanwhile (reaped by their
                   gunicorn worker)
``engine``         an Oxigraph server or a Virtuoso a reader started (its
                   ``oxigraph`` or ``virtuoso-t`` child), and the engines started
                   beside the deployment (Virtuoso, an Oxigraph server measured
                   directly)
``writer``         the writer's whole tree (idle: it takes HAProxy's checks)
``deploy``         the ``partnergraph deploy`` process that watches the others
=================  ==============================================================
"""

from __future__ import annotations

import configparser
import contextlib
import json
import os
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.request import urlopen

import psutil

from .common import BIN
from .engines import Engine, launch, stop_group, tail
from .memory import summed_by_role

ROLES = ("haproxy", "web", "query workers", "engine", "writer", "deploy")


@dataclass
class Deployment:
    """One ``partnergraph deploy --readers N`` and the engine processes beside it."""

    readers: int
    env: dict[str, str]
    log: Path
    reader_store: str | None = None
    engines: list[int] = field(default_factory=list)  # pids of engines started beside it
    process: subprocess.Popen[bytes] | None = None
    state: dict[str, Any] = field(default_factory=dict)
    startup_seconds: float = 0.0
    pinned: dict[str, int] = field(default_factory=dict)

    @property
    def folder(self) -> Path:
        return Path(self.env["PARTNERGRAPH_OUTPUT_DIR"]) / "deploy"

    def start(self, port: int, timeout: float) -> None:
        """Start it on HAProxy port ``port`` (replicas on the next ports) and wait for a
        fresh ``state.json`` (written once every replica answers its health check)."""
        state_file = self.folder / "state.json"
        state_file.unlink(missing_ok=True)
        command = [str(BIN / "partnergraph"), "deploy", "--readers", str(self.readers)]
        command += ["--port", str(port)]
        if self.reader_store:
            command += ["--reader-store", self.reader_store]
        started = time.monotonic()
        self.process = launch(command, self.log, self.env, Path(self.env["PYTHONPATH"]))
        deadline = started + timeout
        while not state_file.exists():
            if self.process.poll() is not None:
                raise RuntimeError(f"partnergraph deploy ended:\n{tail(self.log, 30)}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"partnergraph deploy did not start in time:\n{tail(self.log)}")
            time.sleep(0.3)
        self.state = json.loads(state_file.read_text(encoding="utf-8"))
        self._wait_for_haproxy(deadline)
        self.startup_seconds = time.monotonic() - started

    def _wait_for_haproxy(self, deadline: float) -> None:
        """Wait until HAProxy answers ``/-/health`` with 200: ``state.json`` is written
        as soon as HAProxy is started, before it listens."""
        url = f"http://127.0.0.1:{self.port}/-/health"
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), urlopen(url, timeout=5) as answer:
                if answer.status == 200:
                    return
            time.sleep(0.2)
        raise RuntimeError(f"HAProxy did not answer {url} in time:\n{tail(self.log)}")

    def stop(self) -> None:
        """SIGTERM to ``partnergraph deploy`` (it stops what it started), then SIGKILL to
        whatever of its descendants is left (:func:`.engines.stop_group`)."""
        if self.process is not None:
            stop_group(self.process)

    @property
    def port(self) -> int:
        return int(self.state["haproxy"]["port"])

    def reader_entries(self) -> list[dict[str, Any]]:
        return [r for r in self.state["replicas"] if r["name"] != "writer"]

    def target(self, name: str, port: int, path: str = "/sparql", form: bool = False) -> Target:
        """Something to send the mix to, whose CPU is this deployment's."""
        return Target(name, port, path, self.log, deployment=self, form=form, vary=False)

    def haproxy(self) -> Target:
        return self.target("haproxy", self.port)

    def reader(self, index: int = 0) -> Target:
        """Reader ``index`` (0: reader1) directly, without HAProxy."""
        return self.target(f"reader{index + 1}", int(self.reader_entries()[index]["port"]))

    def reader_engine_port(self, index: int = 0) -> int | None:
        """The port an ``oxigraph`` child of reader ``index`` listens on, if it has one."""
        for process in _tree(self.reader_entries()[index]["pid"]):
            with contextlib.suppress(psutil.Error):
                if "oxigraph" in process.name():
                    for connection in process.net_connections(kind="tcp"):
                        if connection.status == psutil.CONN_LISTEN:
                            return int(connection.laddr.port)
        return None

    def reader_virtuoso_port(self, index: int = 0) -> int | None:
        """The HTTP port of the ``virtuoso-t`` child of reader ``index``, if it has one:
        ``[HTTPServer] ServerPort`` of the ini file its ``+configfile`` names
        (``{output_dir}/engines/virtuoso-{pid}-{version}-*/virtuoso.ini``; the server
        also listens on its SQL port, so its listening sockets do not tell)."""
        for process in _tree(self.reader_entries()[index]["pid"]):
            with contextlib.suppress(psutil.Error):
                line = process.cmdline()
                if "virtuoso" in process.name() and "+configfile" in line:
                    ini = configparser.ConfigParser(strict=False, interpolation=None)
                    ini.read(line[line.index("+configfile") + 1], encoding="utf-8")
                    address = ini.get("HTTPServer", "ServerPort", fallback="")
                    if address:
                        return int(address.rsplit(":", 1)[-1])
        return None

    def processes(self) -> list[tuple[str, psutil.Process, bool]]:
        """``(role, process, reaped children count as query workers)`` of every process."""
        out: list[tuple[str, psutil.Process, bool]] = []
        if self.process is not None:
            with contextlib.suppress(psutil.Error):
                out.append(("deploy", psutil.Process(self.process.pid), False))
        out += [("haproxy", p, False) for p in _tree(self.state["haproxy"]["pid"])]
        for replica in self.state["replicas"]:
            for process in _tree(replica["pid"]):
                if replica["name"] == "writer":
                    out.append(("writer", process, False))
                    continue
                name = _role(process)
                out.append((name, process, name == "web" and process.pid != replica["pid"]))
        for pid in self.engines:
            out += [("engine", p, False) for p in _tree(pid)]
        return out

    def cpu_by_role(self) -> dict[str, float]:
        """CPU seconds so far per role (live processes, and the children they reaped)."""
        roles = dict.fromkeys(ROLES, 0.0)
        for name, process, reaped_are_workers in self.processes():
            with contextlib.suppress(psutil.Error):
                times = process.cpu_times()
                roles[name] += times.user + times.system
                reaped = times.children_user + times.children_system
                roles["query workers" if reaped_are_workers else name] += reaped
        return roles

    def memory_by_role(self) -> dict[str, dict[str, float]]:
        """Per role: processes, RSS and PSS in MB (``smaps_rollup``, :mod:`.memory`)."""
        return summed_by_role((name, process) for name, process, _ in self.processes())

    def pin(self) -> dict[str, int]:
        """Pin reader i's whole tree (an engine child included, every thread) to
        core (i-1) mod cpus with ``taskset -a -cp``. HAProxy, the writer, a shared engine
        and the load generator stay on every core."""
        cpus = os.cpu_count() or 1
        for index, replica in enumerate(self.reader_entries()):
            core = index % cpus
            for process in _tree(replica["pid"]):
                subprocess.run(
                    ["taskset", "-a", "-cp", str(core), str(process.pid)],
                    capture_output=True,
                    check=True,
                )
            self.pinned[replica["name"]] = core
        return self.pinned


def _tree(pid: int) -> list[psutil.Process]:
    try:
        parent = psutil.Process(pid)
        return [parent, *parent.children(recursive=True)]
    except psutil.Error:
        return []


def _role(process: psutil.Process) -> str:
    """The role of a process of a reader's tree."""
    try:
        name = process.name()
        if "oxigraph" in name or "virtuoso" in name:
            return "engine"
        command = " ".join(process.cmdline())
    except psutil.Error:
        return "web"
    return "query workers" if "spawn_main" in command else "web"


@dataclass
class Target(Engine):
    """An entry the mix is sent to (HAProxy, a reader, an engine); its CPU is the whole
    deployment's, so that :func:`.throughput.window` counts every layer.

    The mix is sent as written (``vary`` False): Virtuoso refuses the variants
    (``ASK … LIMIT`` is a syntax error there, a constant sort key an out-of-range column
    index), so every engine gets the same texts and the deployments run with the result
    cache off (``PARTNERGRAPH_CACHE_MB=0``) instead."""

    deployment: Deployment | None = None

    def cpu_by_role(self) -> dict[str, float]:
        if self.deployment is None:
            return {"front": 0.0, "worker": 0.0}
        roles = self.deployment.cpu_by_role()
        workers = roles["query workers"]
        return {"front": sum(roles.values()) - workers, "worker": workers}

    def alive(self) -> bool:
        return self.deployment is not None and self.deployment.process is not None
