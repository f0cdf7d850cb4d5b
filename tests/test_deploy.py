"""``partnergraph deploy``: HAProxy, two read replicas and a writer, run from a copy of the
project on loopback ports, under load from client threads; the readers on the embedded
snapshots, then each over an Oxigraph server of its own (``--reader-store
oxigraph-server``), then each over a Virtuoso of its own (``--reader-store
virtuoso-server``: skipped where Virtuoso is not installed).

A reader killed with SIGKILL costs no failed request and is started again on the
current version; a write through HAProxy lands on the writer, and afterwards every
replica serves the new version, while no client ever sees a version older than one
it saw before. Over an engine, each reader runs one engine, over the snapshot it
serves: a write gives every reader a new engine, and the old one stops once no request
can still use it.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest

from .served import copy_project
from .virtuoso_server import installed
from .webapp import ENV_PREFIX

pytestmark = pytest.mark.slow

ASK = {"query": "ASK { ?s ?p ?o }"}
JSON_RESULTS = {"Accept": "application/sparql-results+json"}
GRAPH = "https://w3id.org/partnergraph/graph/"
SOURCE = "https://w3id.org/partnergraph/id/source/"
READERS = ("reader1", "reader2")
#: Seconds a query may run: short, so that an old engine is stopped soon after a write
#: (``Settings.request_timeout``: this and 30 s).
QUERY_TIMEOUT = 3


@dataclass(frozen=True)
class Deployment:
    """A running ``partnergraph deploy``: its URL, project copy and process."""

    base: str
    folder: Path
    process: subprocess.Popen[bytes]
    reader_store: str

    @property
    def run(self) -> Path:
        return self.folder / "out" / "deploy"

    def state(self) -> dict[str, Any]:
        found: dict[str, Any] = json.loads((self.run / "state.json").read_text())
        return found

    def replica(self, name: str) -> dict[str, Any]:
        return next(r for r in self.state()["replicas"] if r["name"] == name)

    def current_version(self) -> str:
        return (self.folder / "out" / "snapshots" / "current").read_text().strip()

    def server_status(self) -> dict[str, str]:
        """Each server's status as HAProxy's stats socket says (``UP``, ``DOWN``...)."""
        with socket.socket(socket.AF_UNIX) as stats:
            stats.connect(self.state()["haproxy"]["socket"])
            stats.sendall(b"show stat\n")
            text = b"".join(iter(lambda: stats.recv(65536), b"")).decode()
        header, *rows = [line for line in text.splitlines() if line]
        names = header.lstrip("# ").split(",")
        found = {}
        for row in rows:
            values = dict(zip(names, row.split(","), strict=False))
            if values["svname"] not in ("FRONTEND", "BACKEND"):
                found[values["svname"]] = values["status"]
        return found


def free_ports(count: int) -> int:
    """The first of ``count`` consecutive TCP ports of 127.0.0.1 that nothing listens on.

    Each pytest-xdist worker searches its own band of ports below the kernel's
    ephemeral range (32768-), so two deployments started at once by two workers never
    pick overlapping blocks between probing a port and binding it.
    """
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
    band = 20000 + (worker % 8) * 1500
    start = band + (os.getpid() % 100) * count
    for base in range(start, band + 1500 - count, count):
        try:
            for port in range(base, base + count):
                with socket.socket() as probe:
                    probe.bind(("127.0.0.1", port))
        except OSError:
            continue
        return base
    raise RuntimeError("no free block of ports")


def engine_version(line: list[str]) -> tuple[Path, str] | None:
    """The folder an engine's command line names (under the project copy), and the
    version it serves: an Oxigraph server reads the snapshot's store, a Virtuoso's
    database folder is named after the snapshot it was loaded from."""
    if "serve-read-only" in line:
        store = Path(line[line.index("--location") + 1])
        return store, store.parent.name
    if "+configfile" in line:
        ini = Path(line[line.index("+configfile") + 1])
        return ini, ini.parent.name.split("-")[2]
    return None


def engines(deployed: Deployment, name: str) -> list[str]:
    """The versions the engines of replica ``name`` serve (its process tree); empty
    for a replica on the embedded snapshots."""
    root = psutil.Process(deployed.replica(name)["pid"])
    found = []
    for process in [root, *root.children(recursive=True)]:
        with contextlib.suppress(psutil.NoSuchProcess):
            served = engine_version(process.cmdline())
            if served is not None:
                found.append(served[1])
    return sorted(found)


def all_engines(deployed: Deployment) -> list[str]:
    """The versions served by every engine of the deployment on this machine."""
    found = []
    for process in psutil.process_iter(["cmdline"]):
        served = engine_version(process.info["cmdline"] or [])
        if served is not None and served[0].is_relative_to(deployed.folder):
            found.append(served[1])
    return sorted(found)


def health(port: int) -> dict[str, Any]:
    answer = httpx.get(f"http://127.0.0.1:{port}/-/health", timeout=10)
    assert answer.status_code == 200, answer.text
    found: dict[str, Any] = answer.json()
    return found


def wait_for(what: str, check: Any, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except (OSError, httpx.HTTPError, KeyError, ValueError, StopIteration):
            pass
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def command(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``partnergraph`` in ``folder`` as a user would."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(ENV_PREFIX)}
    return subprocess.run(
        [str(Path(sys.executable).parent / "partnergraph"), *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module", params=["embedded", "oxigraph-server", "virtuoso-server"])
def deployed(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Deployment]:
    if request.param == "virtuoso-server":
        installed()
    folder = copy_project(tmp_path_factory.mktemp("deploy") / "project")
    port = free_ports(4)
    env = {key: value for key, value in os.environ.items() if not key.startswith(ENV_PREFIX)}
    env[ENV_PREFIX + "QUERY_TIMEOUT"] = str(QUERY_TIMEOUT)
    chosen = [] if request.param == "embedded" else ["--reader-store", request.param]
    log = (folder / "deploy.log").open("wb")
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "partnergraph"), "deploy", "--port", str(port), *chosen],
        cwd=folder,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        process_group=0,
    )
    running = Deployment(f"http://127.0.0.1:{port}", folder, process, request.param)
    try:
        wait_for(
            "the deployment",
            lambda: (
                process.poll() is None
                and (running.run / "state.json").exists()
                and httpx.get(running.base + "/-/health", timeout=5).status_code == 200
            ),
            seconds=240,
        )
        yield running
    finally:
        started = running.state() if (running.run / "state.json").exists() else None
        process.send_signal(signal.SIGTERM)
        try:
            code = process.wait(timeout=90)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            code = process.wait()
        log.close()
        leftover = []
        for pid in [r["pid"] for r in (started or {}).get("replicas", [])]:
            try:
                os.killpg(pid, signal.SIGKILL)  # a process group the deployment started
                leftover.append(pid)
            except ProcessLookupError:
                pass
        assert code == 0, (folder / "deploy.log").read_text()[-3000:]
        assert not leftover, f"replicas left running after the stop: {leftover}"


@dataclass
class Load:
    """Client threads sending queries through HAProxy, each on its own connection."""

    base: str
    threads: int = 4
    seen: list[list[tuple[float, float, str]]] = field(default_factory=list)
    failures: list[tuple[float, str]] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _running: list[threading.Thread] = field(default_factory=list)

    def __enter__(self) -> Load:
        for _ in range(self.threads):
            mine: list[tuple[float, float, str]] = []
            self.seen.append(mine)
            thread = threading.Thread(target=self._send, args=(mine,), daemon=True)
            thread.start()
            self._running.append(thread)
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        for thread in self._running:
            thread.join(timeout=60)

    def _send(self, mine: list[tuple[float, float, str]]) -> None:
        with httpx.Client(base_url=self.base, timeout=30) as client:
            while not self._stop.is_set():
                started = time.monotonic()
                try:
                    answer = client.get("/sparql", params=ASK, headers=JSON_RESULTS)
                except httpx.HTTPError as exc:
                    self.failures.append((started, f"{type(exc).__name__}: {exc}"))
                    continue
                if answer.status_code != 200:
                    self.failures.append((started, f"{answer.status_code}: {answer.text[:200]}"))
                    continue
                version = answer.headers["ETag"].strip('"').split("-")[0]
                mine.append((started, time.monotonic(), version))

    def answered(self) -> int:
        return sum(len(mine) for mine in self.seen)


def test_a_killed_reader_costs_no_request_and_rejoins(deployed: Deployment) -> None:
    victim = deployed.replica("reader1")
    with Load(deployed.base) as load:
        wait_for("answers", lambda: load.answered() > 50)
        killed = time.monotonic()
        os.killpg(victim["pid"], signal.SIGKILL)
        wait_for("a new reader1", lambda: deployed.replica("reader1")["pid"] != victim["pid"])

        wait_for("reader1 UP again", lambda: deployed.server_status()["reader1"] == "UP")
        before = load.answered()
        wait_for("answers after the restart", lambda: load.answered() > before + 50)
    # HAProxy sends again a request that reached no server or got no answer; only one
    # whose answer the killed replica had begun (one per client at most) cannot be
    cut = [what for started, what in load.failures if started <= killed]
    assert len(cut) == len(load.failures), f"failed after the kill: {load.failures}"
    assert len(cut) <= load.threads, cut
    assert all("RemoteProtocolError" in what or what.startswith("502") for what in cut), cut
    assert health(victim["port"])["snapshot"]["version"] == deployed.current_version()
    if deployed.reader_store != "embedded":  # the killed reader's engine went too
        assert not psutil.pid_exists(victim["pid"])
        assert engines(deployed, "reader1") == [deployed.current_version()]
        assert all_engines(deployed) == [deployed.current_version()] * len(READERS)
    restarted = (deployed.run / "reader1.log").read_text().rsplit("Starting gunicorn", 1)[1]
    assert "GET /sparql" in restarted, "HAProxy sent the restarted reader1 no query"


def comment_update(key: str, comment: str) -> str:
    return (
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        f"INSERT DATA {{ GRAPH <{GRAPH}{key}> {{ <{SOURCE}{key}> rdfs:comment "
        f'"{comment}"@en }} }}\n'
    )


def posts_to_sparql(name: str, deployed: Deployment) -> int:
    return (deployed.run / f"{name}.log").read_text().count('"POST /sparql')


def test_b_a_write_moves_every_reader_to_its_version(deployed: Deployment) -> None:
    made = command(deployed.folder, "token", "create", "deploy-test")
    assert made.returncode == 0, made.stderr
    auth = {"Authorization": f"Bearer {made.stdout.strip()}"}
    before = deployed.current_version()
    posts = {name: posts_to_sparql(name, deployed) for name in ("writer", *READERS)}
    with Load(deployed.base) as load, httpx.Client(base_url=deployed.base, timeout=60) as http:
        wait_for("answers", lambda: load.answered() > 50)
        update = comment_update("yle-74-20051471", "deployed")
        headers = auth | {"Content-Type": "application/sparql-update"}
        written = http.post("/sparql", content=update, headers=headers)
        answered = time.monotonic()
        assert written.status_code == 200, written.text
        after = written.json()["version"]
        form = {"update": comment_update("yle-74-20051471", "by form")}
        by_form = http.post("/sparql", data=form, headers=auth)
        assert by_form.status_code == 200, by_form.text
        for _ in range(4):  # a query POSTed as a form goes to the readers
            asked = http.post("/sparql", data=ASK, headers=JSON_RESULTS)
            assert asked.status_code == 200, asked.text
        latest = by_form.json()["version"]
        wait_for("answers after the writes", lambda: load.answered() > 50 + len(load.seen[0]))
    assert before != after != latest
    assert latest == deployed.current_version()
    assert not load.failures, load.failures[:5]
    for replica in deployed.state()["replicas"]:  # each moves by itself, within seconds
        wait_for(
            f"{replica['name']} on {latest}",
            lambda port=replica["port"]: health(port)["snapshot"]["version"] == latest,
            seconds=60,
        )
    if deployed.reader_store != "embedded":
        for name in READERS:  # a new engine per version; the old ones stop once unused
            assert latest in engines(deployed, name), name
        deadline = time.monotonic() + QUERY_TIMEOUT + 30 + 20
        while time.monotonic() < deadline and any(
            engines(deployed, name) != [latest] for name in READERS
        ):
            time.sleep(0.5)
        left = {name: engines(deployed, name) for name in READERS}
        assert all(found == [latest] for found in left.values()), f"{latest}: {left}"
    order = {before[:32]: 0, after[:32]: 1, latest[:32]: 2}
    for mine in load.seen:
        ranks = [order[version] for _, _, version in mine]
        assert ranks == sorted(ranks), "a client saw a version older than one it saw before"
        late = [order[version] for started, _, version in mine if started > answered]
        assert late, "a client thread sent nothing after the write"
        assert min(late) >= 1, "a query sent after the write was answered from before it"
    now = {name: posts_to_sparql(name, deployed) for name in posts}
    assert now["writer"] - posts["writer"] == 2, "both updates went to the writer"
    assert sum(now[name] - posts[name] for name in READERS) == 4, "form queries: readers"
