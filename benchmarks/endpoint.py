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
import json
import math
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import psutil
import pyoxigraph as ox
from endpointlib.breakdown import breakdown
from endpointlib.common import BENCH, BIN, ENGINES, QUERIES
from endpointlib.engines import (
    RUNNING,
    Engine,
    build_digest,
    finish_engine,
    launch_engine,
    prepare_data,
    stop_group,
    write_served,
)
from endpointlib.measure import bursts, latency, sanity, throughput, warm_up
from endpointlib.queries import choose_parameters, load_queries
from endpointlib.report import report, summarise


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
