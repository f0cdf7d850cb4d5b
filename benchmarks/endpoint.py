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

Phases (each bounded; ``--phases`` picks among 3 to 8, sanity and warm-up always run):

1. sanity: every query once on every engine; the number of results (solutions,
   distinct triples, the ASK answer) must agree; a differing count is printed;
2. warm-up: the mix once more on every engine, as variants: their counts must
   equal the originals';
3. ``latency``: ``--rounds`` rounds; in each round every query is sent to every
   engine in turn (the engine order rotates), one request at a time from one
   client with a kept-alive connection; median and p95 per query and engine. A
   slow (engine, query) pair gets fewer rounds: at most ``--latency-budget``
   seconds, at least one;
4. ``hot``: ``--burst`` requests back to back per query and engine;
5. ``throughput`` (cold): ``--concurrency`` client processes, each running the
   whole mix (from its own starting point) over and over until
   ``--throughput-seconds`` have passed at a mix boundary; queries per second over
   the window, engines interleaved over ``--throughput-windows`` windows (an
   engine whose one window already took as long as all of them gets no more);
6. ``repeat``: the same clients and windows on a public workload: ``--repeat-share``
   (0.8) of the requests repeat an earlier text, the rest are fresh variants of a
   query drawn from the mix; queries per second, the share of answers with
   ``Cache-Status: …; hit`` and their latency;
7. ``memory``: RSS and PSS of every engine's process tree, per process role,
   sampled every ``--memory-interval`` seconds during phases 5 and 6 (the last
   sample and the most), and the baselines of idle Python processes;
8. ``breakdown`` (``pg-oxigraph`` only, after the servers have stopped): the same
   queries in-process through each layer of partnergraph (pyoxigraph alone, the
   store layer, the query worker, Flask without HTTP) to say where the time goes.

From the warm-up on, no request text is sent twice except the repeat workload's
repeats: each is a *variant* (``endpointlib/variants.py``: a ``LIMIT`` far above
the result, or a constant last sort key), so partnergraph's result cache cannot
answer the cold phases.

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
from endpointlib.common import BENCH, BIN
from endpointlib.data import build_digest, prepare_data, write_served
from endpointlib.engines import (
    RUNNING,
    Engine,
    Setup,
    finish_engine,
    launch_engine,
    stop_group,
    stop_on_signals,
)
from endpointlib.measure import bursts, latency, sanity, warm_up
from endpointlib.memory import Watch, baselines
from endpointlib.options import parse_args
from endpointlib.queries import Query, choose_parameters, load_queries
from endpointlib.report import report, summarise
from endpointlib.throughput import Plan, Repeat, run, throughput, too_slow
from endpointlib.variants import Numbering


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


def run_size(
    size: int, args: argparse.Namespace, started: list[Engine], numbering: Numbering
) -> dict[str, Any]:
    names = engines_for(size, args)
    load_before = os.getloadavg()
    setup, engines = start_engines(size, names, args, started)
    try:
        parameters = choose_parameters(setup.data_file)
        queries = load_queries(args.queries, parameters, args.only)
        measured = measure(engines, queries, args, numbering)
    finally:
        for engine in engines:
            engine.stop()
    result = summarise(setup, engines, parameters, measured, args)
    result["hot"] = {
        q: {
            n: {"median": statistics.median(v) if v else math.nan, "n": len(v)}
            for n, v in per.items()
        }
        for q, per in measured["hot"].items()
    }
    result["load_average"] = {"before": load_before, "after": os.getloadavg()}
    if "breakdown" in args.phases and args.breakdown and "pg-oxigraph" in names:
        print("breakdown of partnergraph's layers", file=sys.stderr)
        result["breakdown"] = breakdown(setup, queries, min(args.rounds, 15))
    return result


def engines_for(size: int, args: argparse.Namespace) -> list[str]:
    """The engines of one size: ``--engines`` less the slow ones left out above a size."""
    skip = {
        "rdflib-endpoint": args.skip_rdflib_endpoint_above,
        "pg-memory": args.skip_memory_above,
    }
    return [n for n in args.engines if not (skip.get(n) and size > skip[n])]


def start_engines(
    size: int, names: list[str], args: argparse.Namespace, started: list[Engine]
) -> tuple[Setup, list[Engine]]:
    """Start the engines of one size; returns them in the order of ``names``.

    The partnergraph servers build (and validate) the graph when they start, the slow
    part at 1 000 000 triples: they start together, and their build is the file every
    other engine serves."""
    pg_names = [n for n in names if n.startswith("pg-")]
    setup = prepare_data(size, args, build=not pg_names)
    engines: list[Engine] = []
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
    for name in [n for n in names if n not in pg_names]:
        print(f"starting {name} on {size} triples ...", file=sys.stderr)
        engine = launch_engine(name, setup)
        started.append(engine)
        engines.append(finish_engine(engine, setup))
        print(f"  {name} answers after {engine.startup_seconds:.1f} s", file=sys.stderr)
    engines.sort(key=lambda e: names.index(e.name))
    return setup, engines


def measure(
    engines: list[Engine], queries: list[Query], args: argparse.Namespace, numbering: Numbering
) -> dict[str, Any]:
    """The phases of ``args.phases`` on running engines (sanity and warm-up always)."""
    timeout = args.request_timeout
    print("sanity: every query once on every engine", file=sys.stderr)
    counts, first = sanity(engines, queries, timeout)
    measured: dict[str, Any] = {
        "counts": counts,
        "variant_counts": warm_up(engines, queries, timeout, first, numbering),
        "rss": {e.name: e.rss_mb() for e in engines},
        "samples": {q.name: {e.name: [] for e in engines} for q in queries},
        "hot": {},
        "throughput": {},
        "repeat": {},
        "memory": {},
    }
    if "latency" in args.phases:
        print("latency", file=sys.stderr)
        measured["samples"] = latency(
            engines, queries, args.rounds, args.latency_budget, timeout, first, numbering
        )
    if "hot" in args.phases and args.burst > 0:
        print("hot latency (bursts)", file=sys.stderr)
        measured["hot"] = bursts(
            engines, queries, args.burst, args.latency_budget, timeout, first, numbering
        )
    # a slow engine's pass over the mix, from its latencies (or its one sanity run)
    medians = measured["samples"] if "latency" in args.phases else _as_samples(first)
    measured.update(load_phases(engines, queries, args, numbering, medians))
    if "memory" in args.phases:
        measured["memory"] = memory_of(engines, measured["throughput"], measured["repeat"])
    return measured


def load_phases(
    engines: list[Engine],
    queries: list[Query],
    args: argparse.Namespace,
    numbering: Numbering,
    medians: dict[str, dict[str, list[float]]],
) -> dict[str, Any]:
    """The cold throughput and the repeat workload, as ``args.phases`` asks."""
    out: dict[str, Any] = {"throughput": {}, "repeat": {}}
    plan = Plan(
        args.concurrency,
        args.throughput_seconds,
        args.throughput_windows,
        args.request_timeout,
        args.memory_interval if "memory" in args.phases else 0.0,
    )
    if plan.seconds <= 0:
        return out
    if "throughput" in args.phases:
        print("throughput (cold: no text twice)", file=sys.stderr)
        parallel = min(args.concurrency, args.query_workers * args.pg_workers, os.cpu_count() or 1)
        out["throughput"] = throughput(
            engines,
            queries,
            plan,
            numbering,
            medians,
            args.max_mix_seconds,
            {"pg-memory": parallel},
        )
    if "repeat" in args.phases:
        print(f"repeat workload ({args.repeat_share:.0%} repeats)", file=sys.stderr)
        slow = too_slow(engines, queries, medians, args.max_mix_seconds)
        if slow:
            print(
                f"  left out (one mix over --max-mix-seconds): {', '.join(slow)}", file=sys.stderr
            )
        workload = Repeat(numbering.take(REPEAT_NUMBERS), args.repeat_seed, args.repeat_share)
        out["repeat"] = run([e for e in engines if e.name not in slow], queries, workload, plan)
    return out


#: Variant numbers the repeat workload may use (its positions).
REPEAT_NUMBERS = 10**9


def _as_samples(first: dict[str, dict[str, float]]) -> dict[str, dict[str, list[float]]]:
    return {q: {e: [seconds] for e, seconds in per.items()} for q, per in first.items()}


def memory_of(
    engines: list[Engine], *phases: dict[str, dict[str, Any]]
) -> dict[str, dict[str, Any]]:
    """Each engine's memory per load phase (taken out of the phase results), or one
    sample now ("idle") when no load phase ran on it."""
    out: dict[str, dict[str, Any]] = {}
    for engine in engines:
        mine = out[engine.name] = {}
        for name, results in zip(("throughput", "repeat"), phases, strict=True):
            if "memory" in results.get(engine.name, {}):
                mine[name] = results[engine.name].pop("memory")
        if not mine:
            watch = Watch(engine, 0.0)
            watch.sample()
            mine["idle"] = watch.result()
    return out


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv, __doc__.split("\n\n")[0])
    if args.report:  # print the report of an earlier run
        earlier = json.loads(args.report.read_text(encoding="utf-8"))
        for result in earlier["sizes"]:
            print(report(result))
            print()
        print(f"command: {earlier['command']}")
        print(f"machine: {earlier['machine']}")
        return 0
    args.workdir = args.workdir.resolve()
    args.data = args.data.resolve()
    out = args.out or BENCH / "results" / time.strftime("endpoint-%Y%m%d-%H%M%S.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    started: list[Engine] = []
    stop_on_signals()
    document: dict[str, Any] = {
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "machine": machine(),
        "settings": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
        "sizes": [],
    }
    numbering = Numbering(time.time_ns() // 1000)  # variants no earlier run has sent
    try:
        if "memory" in args.phases:
            print("memory baselines (idle Python processes)", file=sys.stderr)
            document["baselines"] = baselines()
        for size in args.sizes:
            result = run_size(size, args, started, numbering)
            result["baselines"] = document.get("baselines", {})
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
