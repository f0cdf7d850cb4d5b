"""The SPARQL endpoint benchmark: partnergraph against Oxigraph server and rdflib-endpoint.

One run, per data size, starts every engine on the same built graph, then
measures them side by side, interleaved:

* ``oxigraph-server``: Oxigraph server 0.5 (``oxigraph serve``, in memory) holding
  exactly the dataset partnergraph's Oxigraph store serves: the built named
  graphs plus their union, as a set, in the default graph (``served.nq``, posted
  to ``/store``);
* ``oxigraph-server-disk``: the same on disk (``oxigraph load`` then
  ``oxigraph serve --location``);
* ``oxigraph-server-union``: for reference, Oxigraph server in memory on the
  built named graphs with ``--union-default-graph``: Oxigraph's union view is a
  multiset (a triple stated in two graphs is matched twice, so ``COUNT(*)``
  overcounts), which partnergraph does not serve; its query plans are faster on
  some queries, so the report shows it beside the like-for-like peers;
* ``pg-oxigraph``: ``partnergraph serve`` with the ``oxigraph`` backend in memory;
* ``pg-oxigraph-disk``: the same on disk (``PARTNERGRAPH_STORE_DIR``);
* ``pg-memory``: ``partnergraph serve`` with the ``memory`` (rdflib) backend;
* ``rdflib-endpoint``: the Python peer (PyPI ``rdflib-endpoint``, its own CLI).

The data is ``benchmarks/generate.py``'s (made when missing), built once by
``partnergraph build`` (the derived graph included); every engine serves that
build's N-Quads, so each answers the same dataset (the Oxigraph peers with the
default graph that partnergraph's store adds, see above).

Phases (each bounded):

1. sanity: every query once on every engine; the number of results (solutions,
   distinct triples, the ASK answer) must agree; a differing count is printed;
2. warm-up: the mix once more on every engine;
3. latency: ``--rounds`` rounds; in each round every query is sent to every
   engine in turn (the engine order rotates), one request at a time from one
   client with a kept-alive connection; median and p95 per query and engine. A
   slow (engine, query) pair gets fewer rounds: at most ``--latency-budget``
   seconds, at least one;
4. throughput: ``--concurrency`` client processes, each running the whole mix
   (from its own starting point) over and over until ``--throughput-seconds``
   have passed at a mix boundary; queries per second over the window, engines
   interleaved over ``--throughput-windows`` windows (an engine whose one
   window already took as long as all of them gets no more);
5. breakdown (``pg-oxigraph`` only, after the servers have stopped): the same
   queries in-process through each layer of partnergraph (pyoxigraph alone, the
   store layer, the query worker, Flask without HTTP) to say where the time goes.

Usage::

    python benchmarks/endpoint.py                       # 100 000 and 1 000 000 triples
    python benchmarks/endpoint.py --sizes 100000 --rounds 30

Results go to ``benchmarks/results/endpoint-<time>.json`` (or ``--out``) and a
report is printed. See ``benchmarks/README.md``, section "Endpoint benchmark".
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import http.client
import json
import math
import multiprocessing
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil
import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks"
QUERIES = BENCH / "queries"
BIN = Path(sys.executable).parent

PREFIXES = """PREFIX pg: <https://w3id.org/partnergraph/def/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
ENGINES = (
    "oxigraph-server",
    "oxigraph-server-disk",
    "oxigraph-server-union",
    "pg-oxigraph",
    "pg-oxigraph-disk",
    "pg-memory",
    "rdflib-endpoint",
)
#: partnergraph engine -> the Oxigraph server on the same kind of storage.
PEERS = {"pg-oxigraph": "oxigraph-server", "pg-oxigraph-disk": "oxigraph-server-disk"}
#: Ratios shown for reference only (no target): against Oxigraph's multiset union view.
REFERENCE = ("pg-oxigraph", "oxigraph-server-union")
ACCEPT = {
    "select": "application/sparql-results+json",
    "ask": "application/sparql-results+json",
    "construct": "application/n-triples",
    "describe": "application/n-triples",
}
LATENCY_TARGET = 1.1
THROUGHPUT_TARGET = 0.9
PEER_TARGET = 20.0


# ---- queries ---------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    """One query of the mix, its placeholders filled in."""

    name: str
    text: str
    form: str

    @property
    def body(self) -> bytes:
        return self.text.encode("utf-8")

    @property
    def accept(self) -> str:
        return ACCEPT[self.form]


_FORM = re.compile(r"^\s*(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE | re.MULTILINE)


def query_form(text: str) -> str:
    """The form of a query (the first form keyword at the start of a line)."""
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    match = _FORM.search(body)
    if match is None:
        raise ValueError(f"no query form in {text[:60]!r}")
    return match.group(1).lower()


def choose_parameters(data_file: Path) -> dict[str, str]:
    """The IRIs and the search term the queries use, chosen from the data by fixed rules.

    * ``city``: the municipality with the most partners (ties: the smallest IRI);
    * ``other``: its partner with the smallest IRI (the ASK is true);
    * ``network``: the network with the most members (ties: the smallest IRI);
    * ``term``: the English name of ``city``, lower-cased (the label search).
    """
    store = ox.Store()
    store.bulk_load(path=str(data_file), format=ox.RdfFormat.N_QUADS)

    def first(query: str, var: str) -> Any:
        for solution in store.query(PREFIXES + query, use_default_graph_as_union=True):
            return solution[var]
        raise RuntimeError(f"no answer to {query}")

    city = first(
        "SELECT ?c (COUNT(DISTINCT ?x) AS ?n) WHERE { ?c pg:partner ?x } "
        "GROUP BY ?c ORDER BY DESC(?n) STR(?c) LIMIT 1",
        "c",
    )
    other = first(f"SELECT ?x WHERE {{ {city} pg:partner ?x }} ORDER BY STR(?x) LIMIT 1", "x")
    network = first(
        "SELECT ?n (COUNT(DISTINCT ?m) AS ?k) WHERE { ?m org:memberOf ?n } "
        "GROUP BY ?n ORDER BY DESC(?k) STR(?n) LIMIT 1",
        "n",
    )
    label = first(f'SELECT ?l WHERE {{ {city} rdfs:label ?l FILTER (LANG(?l) = "en") }}', "l")
    return {
        "city": str(city),
        "other": str(other),
        "network": str(network),
        "term": json.dumps(label.value.lower(), ensure_ascii=False),
    }


def load_queries(folder: Path, parameters: dict[str, str], only: Sequence[str] = ()) -> list[Query]:
    """The ``*.rq`` files of ``folder``, ``{{name}}`` placeholders filled in, by name."""
    queries = []
    for path in sorted(folder.glob("*.rq")):
        name = path.stem
        if only and not any(name == o or name.split("-", 1)[-1] == o for o in only):
            continue
        text = path.read_text(encoding="utf-8")
        for key, value in parameters.items():
            text = text.replace("{{" + key + "}}", value)
        left = re.search(r"\{\{\w+\}\}", text)
        if left:
            raise ValueError(f"{path.name}: no value for {left.group(0)}")
        queries.append(Query(name, text, query_form(text)))
    if not queries:
        raise SystemExit(f"no queries in {folder}")
    return queries


# ---- an HTTP client --------------------------------------------------------------


@dataclass
class Answer:
    """One response: status, selected headers, body, and the seconds it took."""

    status: int
    body: bytes
    seconds: float
    truncated: bool = False
    content_type: str = ""


class Client:
    """A SPARQL client on one kept-alive connection (``http.client``: little overhead).

    Queries are sent as ``POST`` with ``application/sparql-query`` (the SPARQL 1.1
    Protocol's direct body); the time runs from before the request is written until
    the whole body is read.
    """

    def __init__(self, port: int, path: str, timeout: float) -> None:
        self.port = port
        self.path = path
        self.timeout = timeout
        self.connection: http.client.HTTPConnection | None = None

    def _connect(self) -> http.client.HTTPConnection:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        connection.connect()
        connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return connection

    def query(self, query: Query) -> Answer:
        headers = {"Content-Type": "application/sparql-query", "Accept": query.accept}
        for attempt in range(2):
            fresh = self.connection is None
            if self.connection is None:
                self.connection = self._connect()
            start = time.perf_counter()
            try:
                self.connection.request("POST", self.path, body=query.body, headers=headers)
                response = self.connection.getresponse()
                body = response.read()
            except (http.client.RemoteDisconnected, ConnectionError, BrokenPipeError):
                self.close()
                if fresh or attempt:
                    raise
                continue  # the server closed a kept-alive connection: once more, afresh
            seconds = time.perf_counter() - start
            if response.getheader("Connection", "").lower() == "close":
                self.close()
            return Answer(
                response.status,
                body,
                seconds,
                truncated=response.getheader("X-Partnergraph-Truncated") is not None,
                content_type=response.getheader("Content-Type", ""),
            )
        raise RuntimeError("unreachable")

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def count_results(query: Query, answer: Answer) -> Any:
    """The number of results of an answer: solutions (with the value of a single
    aggregate), distinct triples, or the boolean."""
    if query.form == "ask":
        return bool(json.loads(answer.body)["boolean"])
    if query.form == "select":
        document = json.loads(answer.body)
        rows = document["results"]["bindings"]
        if len(rows) == 1 and len(document["head"]["vars"]) == 1:  # an aggregate: its value
            value = next(iter(rows[0].values()), {}).get("value")
            return f"1 ({value})"
        return len(rows)
    text = answer.body.lstrip()
    if text.startswith(b"<?xml") or b"<rdf:RDF" in text[:500]:
        fmt = ox.RdfFormat.RDF_XML  # rdflib-endpoint answers DESCRIBE in RDF/XML, whatever Accept
    else:
        fmt = ox.RdfFormat.N_TRIPLES
    return len({str(triple) for triple in ox.parse(answer.body, format=fmt)})


# ---- engines ---------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


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

    def client(self, timeout: float) -> Client:
        return Client(self.port, self.path, timeout)

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

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        """Stop the server's process group."""
        if self.process is not None:
            stop_group(self.process)


def launch(
    command: list[str], log: Path, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        process = subprocess.Popen(
            command,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=ROOT,
            env=env,
            start_new_session=True,  # its own process group: stopped as a whole
        )
    RUNNING.append(process)
    return process


#: Every process group this run has started, stopped at the end whatever happens.
RUNNING: list[subprocess.Popen[bytes]] = []


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


def wait_until_answering(engine: Engine, deadline: float, concurrent: int = 1) -> None:
    """Poll with a tiny ASK until the engine answers (``concurrent`` at a time, so that
    every query worker of a partnergraph server has started and loaded the store)."""
    ask = Query("ready", "ASK { ?s ?p ?o }", "ask")
    while time.monotonic() < deadline:
        if not engine.alive():
            raise RuntimeError(f"{engine.name} ended during start-up:\n{tail(engine.log)}")
        client = engine.client(timeout=max(1.0, deadline - time.monotonic()))
        try:
            if client.query(ask).status == 200:
                break
        except OSError:
            pass
        finally:
            client.close()
        time.sleep(0.3)
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
                        [ask] * concurrent,
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


def write_served(setup: Setup) -> None:
    """Write ``setup.served_file`` with partnergraph's own store loader."""
    sys.path.insert(0, str(ROOT))
    from partnergraph.store.oxigraph import add_union_default_graph

    store = ox.Store()
    store.bulk_load(path=str(setup.data_file), format=ox.RdfFormat.N_QUADS)
    add_union_default_graph(store)
    store.dump(output=str(setup.served_file), format=ox.RdfFormat.N_QUADS)


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
    if store_dir is not None:
        env["PARTNERGRAPH_STORE_DIR"] = str(store_dir)
    return env


def start_engine(name: str, setup: Setup) -> Engine:
    """Start one engine on the built data and wait until it answers."""
    return finish_engine(launch_engine(name, setup), setup)


def finish_engine(engine: Engine, setup: Setup) -> Engine:
    """Wait until a launched engine answers (every query worker of a partnergraph server)."""
    concurrent = (
        setup.args.query_workers * setup.args.pg_workers if engine.name.startswith("pg-") else 1
    )
    wait_until_answering(engine, engine.deadline, concurrent)
    engine.startup_seconds = time.monotonic() - engine.launched
    return engine


def launch_engine(name: str, setup: Setup) -> Engine:
    """Start one engine on the built data (``setup.data_file``; partnergraph builds its own
    from ``setup.graph_dir``); returns before it answers."""
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
        location = setup.work / name / "store"
        shutil.rmtree(location, ignore_errors=True)
        location.parent.mkdir(parents=True, exist_ok=True)
        loader = launch(
            [oxigraph, "load", "--location", str(location), "--file", str(setup.served_file)],
            log,
        )
        if loader.wait(max(1.0, deadline - time.monotonic())) != 0:
            raise RuntimeError(f"oxigraph load failed:\n{tail(log)}")
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
        if store_dir is not None:
            shutil.rmtree(store_dir, ignore_errors=True)  # a cold start: the store is loaded
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


# ---- data ------------------------------------------------------------------------


def prepare_data(size: int, args: argparse.Namespace, build: bool = True) -> Setup:
    """Generate (when missing) and build the data of one size (``build``: with
    ``partnergraph build``; otherwise the partnergraph servers' own build is used)."""
    sys.path.insert(0, str(BENCH))
    import generate  # benchmarks/generate.py

    work = args.workdir / str(size)
    work.mkdir(parents=True, exist_ok=True)
    trig = generate.output_path(size, 0, "trig", args.data)
    if not trig.exists():
        print(f"generating {trig} ...", file=sys.stderr)
        generate.main(["--triples", str(size), "--out", str(args.data)])
    graph_dir = work / "graph"  # a folder holding only the generated file
    graph_dir.mkdir(exist_ok=True)
    for old in graph_dir.iterdir():
        old.unlink()
    (graph_dir / trig.name).symlink_to(trig.resolve())
    out = work / "build"
    if not build:
        return Setup(size, trig, graph_dir, out / "partnergraph.nq", work, args)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARTNERGRAPH_")}
    env.update({"PARTNERGRAPH_GRAPH_DIR": str(graph_dir), "PARTNERGRAPH_OUTPUT_DIR": str(out)})
    print(f"building {trig.name} ...", file=sys.stderr)
    started = time.monotonic()
    done = subprocess.run(
        [str(BIN / "partnergraph"), "build"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=args.startup_timeout,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(
            f"partnergraph build failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
        )
    print(f"  {done.stderr.strip()} in {time.monotonic() - started:.1f} s", file=sys.stderr)
    return Setup(size, trig, graph_dir, out / "partnergraph.nq", work, args)


# ---- measuring -------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q`` quantile (0..1) by linear interpolation between closest ranks."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    position = (len(ordered) - 1) * q
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def rotate(items: Sequence[Any], by: int) -> list[Any]:
    by %= max(1, len(items))
    return [*items[by:], *items[:by]]


def sanity(
    engines: list[Engine], queries: list[Query], timeout: float
) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, float]]]:
    """Every query once on every engine: the result counts, and the seconds it took."""
    counts: dict[str, dict[str, Any]] = {q.name: {} for q in queries}
    seconds: dict[str, dict[str, float]] = {q.name: {} for q in queries}
    for engine in engines:
        client = engine.client(timeout)
        try:
            for query in queries:
                try:
                    answer = client.query(query)
                except (OSError, http.client.HTTPException) as exc:
                    counts[query.name][engine.name] = f"error: {exc}"
                    seconds[query.name][engine.name] = timeout
                    client.close()
                    continue
                seconds[query.name][engine.name] = answer.seconds
                if answer.status != 200:
                    text = answer.body[:200].decode(errors="replace")
                    counts[query.name][engine.name] = f"HTTP {answer.status}: {text}"
                    continue
                count = count_results(query, answer)
                counts[query.name][engine.name] = (
                    f"{count} (truncated)" if answer.truncated else count
                )
                print(
                    f"  {engine.name:22} {query.name:26} {answer.seconds * 1000:10.1f} ms  {count}",
                    file=sys.stderr,
                )
        finally:
            client.close()
    return counts, seconds


def warm_up(
    engines: list[Engine], queries: list[Query], timeout: float, first: dict[str, dict[str, float]]
) -> None:
    """The mix once more on every engine whose mix is quick (a slow one is warm enough)."""
    for engine in engines:
        if sum(first[q.name][engine.name] for q in queries) > 60:
            continue
        client = engine.client(timeout)
        try:
            for query in queries:
                client.query(query)
        finally:
            client.close()


def latency(
    engines: list[Engine],
    queries: list[Query],
    rounds: int,
    budget: float,
    timeout: float,
    first: dict[str, dict[str, float]],
) -> dict[str, dict[str, list[float]]]:
    """Sequential latencies, interleaved: per round, per query, each engine in turn.

    A pair whose sanity run took longer than ``budget`` is not run again: that run
    is its one sample."""
    planned = {
        (q.name, e.name): min(rounds, int(budget // max(first[q.name][e.name], 1e-6)))
        for q in queries
        for e in engines
    }
    samples: dict[str, dict[str, list[float]]] = {
        q.name: {
            e.name: [] if planned[(q.name, e.name)] else [first[q.name][e.name]] for e in engines
        }
        for q in queries
    }
    clients = {e.name: e.client(timeout) for e in engines}
    try:
        for r in range(rounds):
            for query in queries:
                for engine in rotate(engines, r):
                    if planned[(query.name, engine.name)] <= r:
                        continue
                    try:
                        answer = clients[engine.name].query(query)
                    except (OSError, http.client.HTTPException):
                        clients[engine.name].close()
                        continue
                    if answer.status == 200:
                        samples[query.name][engine.name].append(answer.seconds)
            print(f"  latency round {r + 1}/{rounds}", file=sys.stderr)
    finally:
        for client in clients.values():
            client.close()
    return samples


def bursts(
    engines: list[Engine],
    queries: list[Query],
    size: int,
    budget: float,
    timeout: float,
    first: dict[str, dict[str, float]],
) -> dict[str, dict[str, list[float]]]:
    """Hot latencies: per query, each engine in turn (rotating) gets ``size`` requests
    back to back, so no idle gap precedes a request (the interleaved rounds have one)."""
    samples: dict[str, dict[str, list[float]]] = {
        q.name: {e.name: [] for e in engines} for q in queries
    }
    for index, query in enumerate(queries):
        for engine in rotate(engines, index):
            if first[query.name][engine.name] * size > budget:
                continue
            client = engine.client(timeout)
            try:
                client.query(query)  # the first of a burst follows an idle gap: not counted
                for _ in range(size):
                    answer = client.query(query)
                    if answer.status == 200:
                        samples[query.name][engine.name].append(answer.seconds)
            except (OSError, http.client.HTTPException):
                pass
            finally:
                client.close()
    return samples


def busy_cpu_seconds() -> float:
    """CPU seconds the whole machine has been busy (every process)."""
    times = psutil.cpu_times()
    return float(times.user + times.nice + times.system + times.irq + times.softirq + times.steal)


def _load_client(
    port: int,
    path: str,
    queries: list[Query],
    offset: int,
    start_at: float,
    deadline: float,
    timeout: float,
    results: Any,
) -> None:
    """One closed-loop client: whole mixes from ``offset`` until ``deadline`` (checked
    at the end of each mix). Sends (done, failed, finished_at, cpu seconds)."""
    client = Client(port, path, timeout)
    order = rotate(queries, offset)
    done = failed = 0
    now = time.monotonic()
    if start_at > now:
        time.sleep(start_at - now)
    try:
        while True:
            for query in order:
                try:
                    answer = client.query(query)
                    if answer.status == 200:
                        done += 1
                    else:
                        failed += 1
                except (OSError, http.client.HTTPException):
                    client.close()
                    failed += 1
            if time.monotonic() >= deadline:
                break
    finally:
        client.close()
        cpu = time.process_time()
        results.put((done, failed, time.monotonic(), cpu))


def throughput_window(
    engine: Engine, queries: list[Query], concurrency: int, seconds: float, timeout: float
) -> dict[str, float]:
    """One window of ``concurrency`` clients against one engine."""
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    start_at = time.monotonic() + 0.3
    deadline = start_at + seconds
    step = max(1, len(queries) // concurrency)
    cpu_before = engine.cpu_by_role()
    busy_before = busy_cpu_seconds()
    processes = [
        context.Process(
            target=_load_client,
            args=(
                engine.port,
                engine.path,
                queries,
                k * step,
                start_at,
                deadline,
                timeout,
                results,
            ),
        )
        for k in range(concurrency)
    ]
    for process in processes:
        process.start()
    reports = []
    limit = deadline + timeout * len(queries) + 30
    for _ in processes:
        reports.append(results.get(timeout=max(1.0, limit - time.monotonic())))
    for process in processes:
        process.join(10)
    elapsed = max(r[2] for r in reports) - start_at
    cpu_after = engine.cpu_by_role()
    worker_cpu = cpu_after["worker"] - cpu_before["worker"]
    server_cpu = cpu_after["front"] - cpu_before["front"] + worker_cpu
    client_cpu = sum(r[3] for r in reports)
    return {
        "done": sum(r[0] for r in reports),
        "failed": sum(r[1] for r in reports),
        "seconds": elapsed,
        "server_cpu": server_cpu,
        "worker_cpu": worker_cpu,
        "client_cpu": client_cpu,
        # CPU used by anything else on the machine meanwhile (other people's jobs)
        "other_cpu": max(0.0, busy_cpu_seconds() - busy_before - server_cpu - client_cpu),
    }


def throughput(
    engines: list[Engine],
    queries: list[Query],
    concurrency: int,
    seconds: float,
    windows: int,
    timeout: float,
    medians: dict[str, dict[str, list[float]]],
    max_mix: float,
    parallel: dict[str, int] | None = None,
) -> dict[str, dict[str, Any]]:
    """Queries per second with ``concurrency`` clients, engines interleaved window by window.

    An engine whose one pass over the mix takes longer than ``max_mix`` seconds (the
    rdflib engines at 1 000 000 triples) is not run: its throughput is derived from
    its latencies as ``parallel`` * queries / (sum of the median latencies), where
    ``parallel`` is how many queries it can run at once (1 for rdflib-endpoint, whose
    handler runs the query on its event loop; partnergraph's query workers, at most
    one per CPU, for pg-memory). That is exact for a serial server and an upper bound
    otherwise; the report marks it "derived".
    """
    parallel = parallel or {}
    mix = {
        e.name: sum(statistics.median(medians[q.name][e.name]) for q in queries)
        for e in engines
        if all(medians[q.name][e.name] for q in queries)
    }
    derived: dict[str, dict[str, float]] = {}
    for e in engines:
        if e.name in mix and mix[e.name] > max_mix:
            qps = parallel.get(e.name, 1) * len(queries) / mix[e.name]
            derived[e.name] = {
                "qps": qps,
                "derived": True,
                "mix_seconds": mix[e.name],
                "parallel": parallel.get(e.name, 1),
                "done": 0,
                "failed": 0,
                "seconds": 0.0,
                "server_cpu": 0.0,
                "worker_cpu": 0.0,
                "client_cpu": 0.0,
                "other_cpu": 0.0,
                "windows": 0,
                "server_cpu_ms_per_query": math.nan,
            }
            print(
                f"  throughput {e.name}: one mix takes {mix[e.name]:.0f} s, derived "
                f"{qps:.3f} q/s from the latencies",
                file=sys.stderr,
            )
    engines = [e for e in engines if e.name not in derived]
    total: dict[str, dict[str, float]] = {
        e.name: {
            "done": 0,
            "failed": 0,
            "seconds": 0.0,
            "server_cpu": 0.0,
            "worker_cpu": 0.0,
            "client_cpu": 0.0,
            "other_cpu": 0.0,
            "windows": 0,
        }
        for e in engines
    }
    for w in range(windows):
        for engine in rotate(engines, w):
            if total[engine.name]["seconds"] >= seconds * windows:
                continue  # one window of this engine took as long as all of them
            window = throughput_window(engine, queries, concurrency, seconds, timeout)
            for key, value in window.items():
                total[engine.name][key] += value
            total[engine.name]["windows"] += 1
            print(
                f"  throughput window {w + 1}/{windows} {engine.name:22} "
                f"{window['done'] / window['seconds']:8.1f} q/s ({window['failed']:g} failed)",
                file=sys.stderr,
            )
    for entry in total.values():
        entry["qps"] = entry["done"] / entry["seconds"] if entry["seconds"] else math.nan
        entry["server_cpu_ms_per_query"] = (
            1000 * entry["server_cpu"] / entry["done"] if entry["done"] else math.nan
        )
    return {**total, **derived}


# ---- where the time goes (partnergraph, oxigraph backend, in memory) ---------------


def breakdown(setup: Setup, queries: list[Query], rounds: int) -> dict[str, dict[str, float]]:
    """Median seconds per query through each layer of partnergraph, in this process.

    * ``engine-union``: pyoxigraph on the N-Quads with the union default graph mode,
      serialised natively: what Oxigraph server does, without HTTP;
    * ``engine-pg``: pyoxigraph on the store as partnergraph lays it out (whatever
      ``OxigraphStore.load`` makes of the file), serialised natively;
    * ``store``: partnergraph's ``OxigraphStore.query`` (the row cap through TSV);
    * ``service``: ``QueryService.run``: the guard, the hop to a query worker
      process and back;
    * ``flask``: the Flask test client (the protocol, negotiation, the response),
      no HTTP and no gunicorn.
    """
    from partnergraph import formats
    from partnergraph.limits.guard import inspect_query
    from partnergraph.limits.workers import open_query_service
    from partnergraph.settings import load
    from partnergraph.store.base import QueryRequest
    from partnergraph.store.oxigraph import OxigraphStore

    sys.path.insert(0, str(ROOT))
    from server import create_app

    config: dict[str, Any] = {
        "graph_dir": setup.graph_dir,
        "output_dir": setup.work / "breakdown" / "out",
        "store": "oxigraph",
        "store_dir": "",
        "query_timeout": setup.args.request_timeout,
        "query_workers": setup.args.query_workers,
    }
    if setup.args.row_cap:
        config["row_cap"] = setup.args.row_cap
    settings = load(config)
    union = ox.Store()
    union.bulk_load(path=str(setup.data_file), format=ox.RdfFormat.N_QUADS)
    store = OxigraphStore()
    store.load(setup.data_file)
    own_default = any(
        True for _ in store.store.quads_for_pattern(None, None, None, ox.DefaultGraph())
    )
    service = open_query_service(settings, setup.data_file)
    service.wait_ready(setup.args.startup_timeout)
    # The app builds and validates the graph again: only at sizes where that is quick.
    app = create_app(config) if setup.size <= setup.args.flask_breakdown_max else None
    web = app.test_client() if app is not None else None
    if app is not None:
        app.extensions["partnergraph"].service.wait_ready(setup.args.startup_timeout)
    fmt_of = {"select": "json", "ask": "json", "construct": "nt", "describe": "nt"}

    def native(target: ox.Store, text: str, as_union: bool) -> None:
        result = target.query(text, use_default_graph_as_union=as_union)
        if isinstance(result, ox.QueryTriples):
            result.serialize(format=ox.RdfFormat.N_TRIPLES)
        else:
            result.serialize(format=ox.QueryResultsFormat.JSON)

    def layered(query: Query) -> dict[str, Callable[[], Any]]:
        fmt = formats.by_key(fmt_of[query.form])
        request = QueryRequest(
            query.text, inspect_query(query.text, settings), row_cap=settings.row_cap
        )
        headers = {"Content-Type": "application/sparql-query", "Accept": query.accept}
        steps: dict[str, Callable[[], Any]] = {
            "engine-union": lambda: native(union, query.text, True),
            "engine-pg": lambda: native(store.store, query.text, not own_default),
            "store": lambda: store.query(request, fmt),
            "service": lambda: service.run(request, fmt),
        }
        if web is not None:
            steps["flask"] = lambda: web.post(
                "/sparql", data=query.body, headers=headers
            ).get_data()
        return steps

    out: dict[str, dict[str, float]] = {}
    try:
        for query in queries:
            steps = layered(query)
            times: dict[str, list[float]] = {k: [] for k in steps}
            for step in steps.values():
                step()  # once untimed: caches, page cache, a worker's first query
            for r in range(rounds):
                for name, step in rotate(list(steps.items()), r):
                    if len(times[name]) >= 3 and sum(times[name]) > 10:
                        continue  # a slow step: enough samples
                    started = time.perf_counter()
                    step()
                    times[name].append(time.perf_counter() - started)
            out[query.name] = {k: statistics.median(v) for k, v in times.items()}
    finally:
        service.close()
        if app is not None:
            app.extensions["partnergraph"].service.close()
    return out


# ---- report ----------------------------------------------------------------------


def ms(value: float) -> str:
    if value is None or math.isnan(value):
        return "-"
    value *= 1000
    return f"{value:.2f}" if value < 10 else f"{value:.1f}" if value < 1000 else f"{value:.0f}"


def ratio(a: float, b: float) -> float:
    if not a or not b or math.isnan(a) or math.isnan(b):
        return math.nan
    return a / b


def fmt_ratio(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:.2f}"


def table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(c)) for c in column) for column in zip(header, *rows, strict=True)]
    lines = ["| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |"]
    lines.append("| " + " | ".join("-" * w for w in widths) + " |")
    for row in rows:
        lines.append(
            "| " + " | ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) + " |"
        )
    return "\n".join(lines)


def report(result: dict[str, Any]) -> str:
    """The printed report of one size."""
    names = [e["name"] for e in result["engines"]]
    queries = list(result["latency"])
    out = [
        f"## {result['size']:,} generated triples ({result['quads']:,} quads built)".replace(
            ",", " "
        )
    ]
    out.append("")
    out.append("Parameters: " + ", ".join(f"{k}={v}" for k, v in result["parameters"].items()))
    load = result.get("load_average")
    if load:
        out.append(
            "Load average (1/5/15 min) before: "
            + " ".join(f"{x:.2f}" for x in load["before"])
            + "; after: "
            + " ".join(f"{x:.2f}" for x in load["after"])
        )
    out.append("")
    rows = [
        [
            e["name"],
            f"{e['startup_seconds']:.1f}",
            f"{e['rss_mb']:.0f}",
            "; ".join(e["notes"]),
        ]
        for e in result["engines"]
    ]
    out.append(table(["engine", "start-up s", "RSS MB", "configuration"], rows))
    out.append("")
    out.append("### Results per query (sanity: solutions, distinct triples or the ASK answer)")
    rows = []
    for q in queries:
        counts = [str(result["counts"][q].get(n, "-")) for n in names]
        same = len(set(counts)) == 1
        rows.append([q, *counts, "yes" if same else "**NO**"])
    out.append(table(["query", *names, "same"], rows))
    out.append("")
    out.append("### Latency, one client: median / p95 ms (n = samples)")
    rows = []
    for q in queries:
        row = [q]
        for n in names:
            s = result["latency"][q][n]
            row.append(f"{ms(s['median'])} / {ms(s['p95'])} (n={s['n']})" if s["n"] else "-")
        rows.append(row)
    out.append(table(["query", *names], rows))
    out.append("")
    out.append(
        f"### Latency ratios (median): partnergraph / Oxigraph server (target <= {LATENCY_TARGET})"
    )
    pairs = [(pg, ox_) for pg, ox_ in PEERS.items() if pg in names and ox_ in names]
    extra = [
        n for n in ("pg-memory", "rdflib-endpoint") if n in names and "oxigraph-server" in names
    ]
    reference = "/".join(REFERENCE) if all(n in names for n in REFERENCE) else ""
    rows = []
    for q in queries:
        row = [q]
        for pg, ox_ in pairs:
            value = result["ratios"]["latency"][q].get(f"{pg}/{ox_}", math.nan)
            mark = "" if math.isnan(value) else (" ok" if value <= LATENCY_TARGET else " MISS")
            row.append(fmt_ratio(value) + mark)
        for n in extra:
            row.append(
                fmt_ratio(result["ratios"]["latency"][q].get(f"{n}/oxigraph-server", math.nan))
            )
        if reference:
            row.append(fmt_ratio(result["ratios"]["latency"][q].get(reference, math.nan)))
        rows.append(row)
    head = [f"{pg}/{ox_}" for pg, ox_ in pairs] + [f"{n}/oxigraph-server" for n in extra]
    head += [f"{reference} (reference)"] if reference else []
    out.append(table(["query", *head], rows))
    out.append("")
    hot = result.get("hot") or {}
    if any(v["n"] for per in hot.values() for v in per.values()):
        out.append(
            "### Hot latency: median ms of back-to-back requests (no idle gap before each); "
            "ratio partnergraph / Oxigraph server"
        )
        rows = []
        for q in queries:
            row = [q]
            for n in names:
                h = hot[q][n]
                row.append(ms(h["median"]) if h["n"] else "-")
            for pg, ox_ in pairs:
                row.append(fmt_ratio(ratio(hot[q][pg]["median"], hot[q][ox_]["median"])))
            rows.append(row)
        out.append(table(["query", *names, *[f"{pg}/{ox_}" for pg, ox_ in pairs]], rows))
        out.append("")
    tp = result["throughput"]
    if tp:
        out.append(
            f"### Throughput, {result['concurrency']} concurrent clients running the whole mix"
        )
        rows = [
            [
                n,
                f"{tp[n]['qps']:.3g} (derived: mix {tp[n]['mix_seconds']:.0f} s, "
                f"{tp[n]['parallel']} at once)"
                if tp[n].get("derived")
                else f"{tp[n]['qps']:.1f}",
                f"{tp[n]['done']:g}",
                f"{tp[n]['failed']:g}",
                f"{tp[n]['seconds']:.1f}",
                f"{tp[n]['server_cpu_ms_per_query']:.2f}",
                f"{1000 * tp[n]['worker_cpu'] / max(tp[n]['done'], 1):.2f}"
                if n.startswith("pg-")
                else "-",
                f"{tp[n]['client_cpu'] / max(tp[n]['done'], 1) * 1000:.2f}",
                f"{tp[n]['other_cpu'] / max(tp[n]['seconds'], 1e-9):.2f}",
            ]
            for n in names
            if n in tp
        ]
        out.append(
            table(
                [
                    "engine",
                    "queries/s",
                    "done",
                    "failed",
                    "seconds",
                    "server CPU ms/query",
                    "of it in query workers",
                    "client CPU ms/query",
                    "other CPUs busy",
                ],
                rows,
            )
        )
        out.append("")
        rows = []
        for key, value in result["ratios"]["throughput"].items():
            if key == "/".join(REFERENCE):
                rows.append([key, fmt_ratio(value), "(reference)", ""])
                continue
            target = THROUGHPUT_TARGET if "oxigraph-server" in key else PEER_TARGET
            rows.append(
                [key, fmt_ratio(value), f">= {target:g}", "ok" if value >= target else "MISS"]
            )
        out.append(table(["throughput ratio", "value", "target", ""], rows))
        out.append("")
    if result.get("breakdown"):
        out.append("### Where partnergraph's time goes (oxigraph backend, in memory; median ms)")
        out.append(
            "engine-union = pyoxigraph in-process on the N-Quads in union-default-graph mode "
            "(Oxigraph server's work without HTTP); engine-pg = pyoxigraph on the store as "
            "partnergraph lays it out; store = partnergraph's store layer; service = + guard "
            "+ query-worker hop; flask = + Flask/Werkzeug, no HTTP; HTTP = measured through "
            "gunicorn (interleaved / hot); oxigraph-server = measured (interleaved / hot)."
        )
        rows = []
        for q, b in result["breakdown"].items():
            lat_q, hot_q = result["latency"][q], (result.get("hot") or {}).get(q, {})

            def both(
                name: str, lat_q: dict[str, Any] = lat_q, hot_q: dict[str, Any] = hot_q
            ) -> str:
                cold = lat_q.get(name, {}).get("median", math.nan)
                warm = hot_q.get(name, {}).get("median", math.nan)
                return f"{ms(cold)} / {ms(warm)}"

            rows.append(
                [
                    q,
                    ms(b["engine-union"]),
                    ms(b["engine-pg"]),
                    ms(b["store"]),
                    ms(b["service"]),
                    ms(b.get("flask", math.nan)),
                    both("pg-oxigraph"),
                    both("oxigraph-server"),
                ]
            )
        out.append(
            table(
                [
                    "query",
                    "engine-union",
                    "engine-pg",
                    "store",
                    "service",
                    "flask",
                    "HTTP pg",
                    "oxigraph-server",
                ],
                rows,
            )
        )
        out.append("")
    return "\n".join(out)


def summarise(
    size: int,
    setup: Setup,
    engines: list[Engine],
    parameters: dict[str, str],
    counts: dict[str, dict[str, Any]],
    samples: dict[str, dict[str, list[float]]],
    tp: dict[str, dict[str, float]],
    rss: dict[str, float],
    args: argparse.Namespace,
) -> dict[str, Any]:
    names = [e.name for e in engines]
    lat = {
        q: {
            n: {
                "median": statistics.median(v) if v else math.nan,
                "p95": percentile(v, 0.95) if v else math.nan,
                "n": len(v),
                "samples": v,
            }
            for n, v in per.items()
        }
        for q, per in samples.items()
    }
    ratios: dict[str, Any] = {"latency": {}, "throughput": {}}
    for q in lat:
        r = ratios["latency"][q] = {}
        for pg, ox_ in PEERS.items():
            if pg in names and ox_ in names:
                r[f"{pg}/{ox_}"] = ratio(lat[q][pg]["median"], lat[q][ox_]["median"])
        for n in ("pg-memory", "rdflib-endpoint"):
            if n in names and "oxigraph-server" in names:
                r[f"{n}/oxigraph-server"] = ratio(
                    lat[q][n]["median"], lat[q]["oxigraph-server"]["median"]
                )
        pg, ref = REFERENCE
        if pg in names and ref in names:
            r[f"{pg}/{ref}"] = ratio(lat[q][pg]["median"], lat[q][ref]["median"])
    if tp:
        for pg, ox_ in PEERS.items():
            if pg in tp and ox_ in tp:
                ratios["throughput"][f"{pg}/{ox_}"] = ratio(tp[pg]["qps"], tp[ox_]["qps"])
        pg, ref = REFERENCE
        if pg in tp and ref in tp:
            ratios["throughput"][f"{pg}/{ref}"] = ratio(tp[pg]["qps"], tp[ref]["qps"])
        for pg in ("pg-oxigraph", "pg-oxigraph-disk"):
            if pg in tp and "rdflib-endpoint" in tp:
                ratios["throughput"][f"{pg}/rdflib-endpoint"] = ratio(
                    tp[pg]["qps"], tp["rdflib-endpoint"]["qps"]
                )
    quads = sum(1 for _ in setup.data_file.open("rb"))
    return {
        "size": size,
        "quads": quads,
        "data": str(setup.trig.relative_to(ROOT))
        if setup.trig.is_relative_to(ROOT)
        else str(setup.trig),
        "parameters": parameters,
        "concurrency": args.concurrency,
        "engines": [
            {
                "name": e.name,
                "startup_seconds": e.startup_seconds,
                "rss_mb": rss.get(e.name, math.nan),
                "notes": e.notes,
            }
            for e in engines
        ],
        "counts": counts,
        "latency": lat,
        "throughput": tp,
        "ratios": ratios,
    }


# ---- main ------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        "cpus": os.cpu_count(),
        "cpu": model,
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "pyoxigraph": ox.__version__,
        "oxigraph_server": subprocess.run(
            [str(BIN / "oxigraph"), "--version"], capture_output=True, text=True, check=False
        ).stdout.strip(),
        "rdflib_endpoint": _version("rdflib-endpoint"),
        "rdflib": _version("rdflib"),
    }


def _version(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return "not installed"


def build_digest(path: Path) -> str:
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def run_size(size: int, args: argparse.Namespace, started: list[Engine]) -> dict[str, Any]:
    pg_first = [n for n in args.engines if n.startswith("pg-")]
    setup = prepare_data(size, args, build=not pg_first)
    names = [
        n
        for n in args.engines
        if not (
            n == "rdflib-endpoint"
            and args.skip_rdflib_endpoint_above
            and size > args.skip_rdflib_endpoint_above
        )
    ]
    names = [
        n
        for n in names
        if not (n == "pg-memory" and args.skip_memory_above and size > args.skip_memory_above)
    ]
    engines: list[Engine] = []
    load_before = os.getloadavg()
    try:
        # The partnergraph servers build (and validate) the graph when they start, the
        # slow part at 1 000 000 triples: they start together, and their build is the
        # file every other engine serves.
        pg_names = [n for n in names if n.startswith("pg-")]
        if pg_names:
            print(f"starting {', '.join(pg_names)} together on {size} triples ...", file=sys.stderr)
        launched = [launch_engine(name, setup) for name in pg_names]
        for engine in launched:
            started.append(engine)
            engines.append(finish_engine(engine, setup))
            engine.notes.append("started together with the other partnergraph servers")
            print(f"  {engine.name} answers after {engine.startup_seconds:.1f} s", file=sys.stderr)
        if pg_names:
            builds = {n: setup.work / n / "out" / "partnergraph.nq" for n in pg_names}
            digests = {n: build_digest(path) for n, path in builds.items()}
            if len(set(digests.values())) != 1:
                raise RuntimeError(f"the partnergraph servers built different graphs: {digests}")
            setup.data_file.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(builds[pg_names[0]], setup.data_file)
        if any(n.startswith("oxigraph-") for n in names):
            write_served(setup)
        parameters = choose_parameters(setup.data_file)
        queries = load_queries(args.queries, parameters, args.only)
        for name in [n for n in names if n not in pg_names]:
            print(f"starting {name} on {size} triples ...", file=sys.stderr)
            engine = launch_engine(name, setup)
            started.append(engine)
            engines.append(finish_engine(engine, setup))
            print(f"  {name} answers after {engine.startup_seconds:.1f} s", file=sys.stderr)
        engines.sort(key=lambda e: names.index(e.name))
        print("sanity: every query once on every engine", file=sys.stderr)
        counts, first = sanity(engines, queries, args.request_timeout)
        warm_up(engines, queries, args.request_timeout, first)
        rss = {e.name: e.rss_mb() for e in engines}
        print("latency", file=sys.stderr)
        samples = latency(
            engines, queries, args.rounds, args.latency_budget, args.request_timeout, first
        )
        hot: dict[str, dict[str, list[float]]] = {}
        if args.burst > 0:
            print("hot latency (bursts)", file=sys.stderr)
            hot = bursts(
                engines, queries, args.burst, args.latency_budget, args.request_timeout, first
            )
        tp: dict[str, dict[str, float]] = {}
        if args.throughput_seconds > 0:
            print("throughput", file=sys.stderr)
            tp = throughput(
                engines,
                queries,
                args.concurrency,
                args.throughput_seconds,
                args.throughput_windows,
                args.request_timeout,
                samples,
                args.max_mix_seconds,
                {
                    "pg-memory": min(
                        args.concurrency, args.query_workers * args.pg_workers, os.cpu_count() or 1
                    )
                },
            )
    finally:
        for engine in engines:
            engine.stop()
    result = summarise(size, setup, engines, parameters, counts, samples, tp, rss, args)
    result["hot"] = {
        q: {
            n: {"median": statistics.median(v) if v else math.nan, "n": len(v)}
            for n, v in per.items()
        }
        for q, per in hot.items()
    }
    result["load_average"] = {"before": load_before, "after": os.getloadavg()}
    if args.breakdown and "pg-oxigraph" in names:
        print("breakdown of partnergraph's layers", file=sys.stderr)
        result["breakdown"] = breakdown(setup, queries, min(args.rounds, 15))
    return result


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[100_000, 1_000_000], help="triples"
    )
    parser.add_argument("--engines", nargs="+", choices=ENGINES, default=list(ENGINES))
    parser.add_argument("--only", nargs="*", default=(), help="query names to run (default: all)")
    parser.add_argument(
        "--rounds", type=int, default=30, help="latency rounds per query and engine"
    )
    parser.add_argument(
        "--latency-budget",
        type=float,
        default=30.0,
        help="seconds of latency rounds per (engine, query) pair at most (at least one round)",
    )
    parser.add_argument(
        "--burst",
        type=int,
        default=10,
        help="back-to-back requests per (query, engine) for the hot latency (0: none)",
    )
    parser.add_argument("--concurrency", type=int, default=4, help="clients in the throughput test")
    parser.add_argument(
        "--throughput-seconds", type=float, default=10.0, help="one window, 0: no throughput"
    )
    parser.add_argument(
        "--throughput-windows", type=int, default=3, help="windows per engine, interleaved"
    )
    parser.add_argument(
        "--max-mix-seconds",
        type=float,
        default=120.0,
        help="an engine whose one pass over the mix takes longer gets a throughput derived "
        "from its latencies instead of a measured one",
    )
    parser.add_argument(
        "--request-timeout", type=float, default=300.0, help="seconds a request may take"
    )
    parser.add_argument(
        "--startup-timeout", type=float, default=3600.0, help="seconds an engine may take to start"
    )
    parser.add_argument(
        "--pg-workers", type=int, default=1, help="gunicorn workers of partnergraph"
    )
    parser.add_argument("--pg-threads", type=int, default=8, help="gunicorn threads per worker")
    parser.add_argument("--query-workers", type=int, default=2, help="PARTNERGRAPH_QUERY_WORKERS")
    parser.add_argument(
        "--row-cap", type=int, default=0, help="PARTNERGRAPH_ROW_CAP (0: the default)"
    )
    parser.add_argument(
        "--skip-rdflib-endpoint-above",
        type=int,
        default=0,
        metavar="TRIPLES",
        help="leave rdflib-endpoint out above this size (0: never)",
    )
    parser.add_argument(
        "--skip-memory-above",
        type=int,
        default=0,
        metavar="TRIPLES",
        help="leave partnergraph's memory backend out above this size (0: never)",
    )
    parser.add_argument(
        "--flask-breakdown-max",
        type=int,
        default=200_000,
        metavar="TRIPLES",
        help="the breakdown's Flask layer needs one more build of the graph: only up to this size",
    )
    parser.add_argument(
        "--no-breakdown", dest="breakdown", action="store_false", help="skip the layer breakdown"
    )
    parser.add_argument("--report", type=Path, help="only print the report of a results JSON")
    parser.add_argument("--queries", type=Path, default=QUERIES, help="folder of the query mix")
    parser.add_argument("--data", type=Path, default=BENCH / "data", help="generated data folder")
    parser.add_argument(
        "--workdir", type=Path, default=BENCH / "data" / "endpoint", help="builds, stores, logs"
    )
    parser.add_argument(
        "--out", type=Path, help="results JSON (default benchmarks/results/endpoint-<time>.json)"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.report:  # print the report of an earlier run
        document = json.loads(args.report.read_text(encoding="utf-8"))
        for result in document["sizes"]:
            print(report(result))
            print()
        print(f"command: {document['command']}")
        print(f"machine: {document['machine']}")
        return 0
    args.workdir = args.workdir.resolve()
    args.data = args.data.resolve()
    out = args.out or BENCH / "results" / time.strftime("endpoint-%Y%m%d-%H%M%S.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    started: list[Engine] = []

    def stop_all(*_: Any) -> None:
        for process in RUNNING:
            stop_group(process)
        raise SystemExit(130)

    signal.signal(signal.SIGTERM, stop_all)
    signal.signal(signal.SIGINT, stop_all)
    document: dict[str, Any] = {
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "machine": machine(),
        "settings": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
        "sizes": [],
    }
    try:
        for size in args.sizes:
            result = run_size(size, args, started)
            document["sizes"].append(result)
            out.write_text(json.dumps(document, indent=1, default=str), encoding="utf-8")
            print(report(result), flush=True)
            print(flush=True)
    finally:
        for process in RUNNING:
            stop_group(process)
    m = document["machine"]
    print(
        f"machine: {m['cpus']} CPUs ({m['cpu']}), {m['memory_gib']} GiB; Python {m['python']}, "
        f"pyoxigraph {m['pyoxigraph']}, {m['oxigraph_server']}, rdflib {m['rdflib']}, "
        f"rdflib-endpoint {m['rdflib_endpoint']}"
    )
    print(f"results: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
