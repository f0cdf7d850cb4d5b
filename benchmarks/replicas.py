"""Throughput of the query mix through ``partnergraph deploy`` with 1, 2 and 4 read
replicas, the cost of each layer, and replicas pinned to one core each.

Per data size (``generate.py``'s data, built once by ``partnergraph build`` into
``{workdir}/{size}/out``, which every deployment of that size reuses) and per reader
engine:

* ``embedded``: ``partnergraph deploy --readers N`` (each reader over the snapshot's
  on-disk pyoxigraph store, in its query workers);
* ``virtuoso``: one Virtuoso Open Source (``tests/virtuoso_server.py``) loaded with the
  snapshot's N-Quads, and ``--reader-store remote`` over it;
* ``oxigraph-server``: ``--reader-store oxigraph-server`` (each reader starts its own
  ``oxigraph serve-read-only`` over the snapshot's store); skipped with the reason
  printed when the backend registry has no such backend;
* ``virtuoso-server``: ``--reader-store virtuoso-server`` (each reader starts its own
  Virtuoso over a new database loaded with the snapshot's N-Quads); skipped with the
  reason printed when ``virtuoso-t`` is not installed.

For N in ``--replicas``, the mix is sent through HAProxy by the closed loop of
:class:`endpointlib.throughput.Cold` (``--concurrency`` client processes, each running
the whole mix over and over). The texts are sent as written, not as variants (Virtuoso
refuses them), so the deployments run with the result cache off; a query that some
layer of a deployment does not answer is left out of that deployment's mix (listed).
At N=1 it is also sent directly to the reader's port and directly to the engine
(the shared Virtuoso's ``/sparql``, the reader's Oxigraph server's ``/query``, the
reader's own Virtuoso's ``/sparql``), windows
interleaved, and the CPU seconds each process role spends per request are read with
psutil (HAProxy, web, query workers, engine). At N=1 and N=2 each reader's whole
process tree is then pinned to one core (``taskset -a -cp``, reader i on core (i-1) mod
CPUs) and the mix sent through HAProxy again. HAProxy, the clients and a shared
Virtuoso stay on every core.

Usage::

    python benchmarks/replicas.py                                   # the full run
    python benchmarks/replicas.py --sizes 10000 --seconds 3         # a check, minutes

Results go to ``benchmarks/results/replicas-<time>.json`` beside the printed tables.
See ``benchmarks/README.md``, section "Replicas benchmark".
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from endpointlib.common import BENCH, BIN, QUERIES, ROOT
from endpointlib.data import prepare_data
from endpointlib.deployments import Deployment
from endpointlib.engines import RUNNING, Engine
from endpointlib.layers import measure
from endpointlib.measure import sanity
from endpointlib.queries import Query, choose_parameters, load_queries
from endpointlib.replicas_report import report
from endpointlib.runs import run_sizes
from endpointlib.throughput import Cold, Plan
from endpointlib.variants import Numbering

ENGINES = ("embedded", "virtuoso", "oxigraph-server", "virtuoso-server")
#: The ``--reader-store`` of each engine (None: the readers use the store setting).
READER_STORE = {
    "embedded": None,
    "virtuoso": "remote",
    "oxigraph-server": "oxigraph-server",
    "virtuoso-server": "virtuoso-server",
}
#: Replica counts also measured pinned, one core per reader.
PINNED = (1, 2)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--engines", nargs="+", choices=ENGINES, default=list(ENGINES))
    parser.add_argument("--replicas", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--seconds", type=float, default=15.0, help="seconds per window")
    parser.add_argument("--windows", type=int, default=2, help="windows per measurement")
    parser.add_argument("--concurrency", type=int, default=8, help="client processes")
    parser.add_argument("--request-timeout", type=float, default=60.0, help="query time limit")
    parser.add_argument("--no-pin", action="store_true", help="leave out the pinned runs")
    parser.add_argument("--data", type=Path, default=BENCH / "data", help="generated data")
    parser.add_argument("--workdir", type=Path, default=BENCH / "data" / "replicas")
    parser.add_argument("--startup-timeout", type=float, default=1800.0, help="build, start")
    parser.add_argument("--out", type=Path, help="results file (default: results/replicas-…)")
    parser.add_argument(
        "--code-commit", help="run partnergraph as this git commit has it (default: work tree)"
    )
    args = parser.parse_args(argv)
    args.workdir, args.data = args.workdir.resolve(), args.data.resolve()
    return args


def unavailable(engine: str) -> str | None:
    """Why ``engine`` cannot run here, or None."""
    from partnergraph.store.registry import BACKENDS

    store = READER_STORE[engine]
    if store is not None and store not in BACKENDS:
        return f"the backend registry has no {store!r} backend (partnergraph/store/registry.py)"
    if engine in ("virtuoso", "virtuoso-server") and shutil.which("virtuoso-t") is None:
        return "virtuoso-t is not installed (Debian package virtuoso-opensource)"
    if shutil.which("haproxy") is None:
        return "haproxy is not installed"
    return None


def base_env(work: Path, graph_dir: Path, code: Path, args: argparse.Namespace) -> dict[str, str]:
    """The settings of every deployment of one size (the same output folder: built once)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARTNERGRAPH_")}
    env.update(
        {
            "PYTHONPATH": str(code),
            "PARTNERGRAPH_GRAPH_DIR": str(graph_dir),
            "PARTNERGRAPH_SHAPES_DIR": str(ROOT / "shapes"),
            "PARTNERGRAPH_QUERIES_DIR": str(ROOT / "queries"),
            "PARTNERGRAPH_OUTPUT_DIR": str(work / "out"),
            "PARTNERGRAPH_CHANGES_DIR": str(work / "changes"),
            "PARTNERGRAPH_TOKENS_FILE": str(work / "tokens.json"),
            "PARTNERGRAPH_DUMPS": "false",
            # the mix is sent as written (Virtuoso refuses the variants): no result cache
            "PARTNERGRAPH_CACHE_MB": "0",
            "PARTNERGRAPH_QUERY_TIMEOUT": str(args.request_timeout),
            # the clients all come from 127.0.0.1: let each have a long query in flight
            "PARTNERGRAPH_MAX_LONG_QUERIES_PER_CLIENT": str(args.concurrency),
            "PARTNERGRAPH_MAX_LONG_QUERIES": str(max(8, args.concurrency)),
        }
    )
    return env


def build(env: dict[str, str], timeout: float) -> dict[str, Any]:
    """``partnergraph build`` (nothing to do when the inputs did not change); the
    current snapshot's folder."""
    started = time.monotonic()
    done = subprocess.run(
        [str(BIN / "partnergraph"), "build"],
        cwd=env["PYTHONPATH"],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"partnergraph build failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    snapshots = Path(env["PARTNERGRAPH_OUTPUT_DIR"]) / "snapshots"
    version = (snapshots / "current").read_text(encoding="ascii").strip()
    seconds = time.monotonic() - started
    print(f"  {done.stderr.strip().splitlines()[-1]} ({seconds:.1f} s)", file=sys.stderr)
    return {"seconds": seconds, "version": version, "folder": snapshots / version}


def free_block(count: int) -> int:
    """The first of ``count`` consecutive free ports on 127.0.0.1."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            first = int(probe.getsockname()[1])
        if first + count < 65000 and all(_free(first + k) for k in range(1, count)):
            return first
    raise RuntimeError(f"no {count} consecutive free ports")


def _free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def run_engine(
    engine: str,
    env: dict[str, str],
    work: Path,
    data_file: Path,
    queries: list[Query],
    args: argparse.Namespace,
    numbering: Numbering,
) -> dict[str, Any]:
    """Every replica count of one engine; the engine beside the deployment started first."""
    result: dict[str, Any] = {"replicas": {}}
    with ExitStack() as stack:
        engine_pids: list[int] = []
        direct: tuple[int, str, bool] | None = None
        if engine == "virtuoso":
            sys.path.insert(0, str(ROOT))
            from tests.virtuoso_server import started as virtuoso_started

            folder = work / "virtuoso"
            shutil.rmtree(folder, ignore_errors=True)
            server = stack.enter_context(
                virtuoso_started(
                    folder,
                    max_query_execution_time=int(args.request_timeout),
                    max_query_cost_estimation_time=0,  # as docs/engines.md advises
                )
            )
            RUNNING.append(server.process)
            started = time.monotonic()
            server.load_nquads(data_file)
            result["load_seconds"] = time.monotonic() - started
            print(f"  Virtuoso loaded in {result['load_seconds']:.1f} s", file=sys.stderr)
            env = {**env, "PARTNERGRAPH_REMOTE_ENDPOINT": server.query_url}
            engine_pids.append(server.process.pid)
            direct = (int(server.url.rsplit(":", 1)[1]), "/sparql", True)
        for count in args.replicas:
            result["replicas"][str(count)] = run_deployment(
                engine, count, env, work, engine_pids, direct, queries, args, numbering
            )
    return result


def run_deployment(
    engine: str,
    count: int,
    env: dict[str, str],
    work: Path,
    engine_pids: list[int],
    direct: tuple[int, str, bool] | None,
    queries: list[Query],
    args: argparse.Namespace,
    numbering: Numbering,
) -> dict[str, Any]:
    """One deployment of ``count`` readers: through HAProxy (and at 1 the layers), then
    pinned; stopped afterwards."""
    log = work / "logs" / f"deploy-{engine}-{count}.log"
    log.unlink(missing_ok=True)
    deployment = Deployment(count, env, log, READER_STORE[engine], list(engine_pids))
    print(f"  {engine}: deploy --readers {count}", file=sys.stderr, flush=True)
    deployment.start(free_block(count + 2), args.startup_timeout)
    plan = Plan(args.concurrency, args.seconds, args.windows, args.request_timeout)
    cold = Cold(numbering)
    out: dict[str, Any] = {"startup_seconds": deployment.startup_seconds}
    try:
        targets = [deployment.haproxy()]
        if count == 1:
            targets.insert(0, deployment.reader())
            if engine == "oxigraph-server":
                port = deployment.reader_engine_port()
                direct = None if port is None else (port, "/query", False)
            elif engine == "virtuoso-server":  # the form POST, as for the shared Virtuoso
                port = deployment.reader_virtuoso_port()
                direct = None if port is None else (port, "/sparql", True)
            if direct is not None:
                targets.insert(0, deployment.target("engine", direct[0], direct[1], direct[2]))
        engines: list[Engine] = list(targets)
        out["counts"], _ = sanity(engines, queries, args.request_timeout)
        out["left_out"] = unanswered(out["counts"])
        if out["left_out"]:
            print(f"    left out of the mix: {out['left_out']}", file=sys.stderr)
        queries = [q for q in queries if q.name not in out["left_out"]]
        if not queries:
            raise RuntimeError(f"{engine}, {count} readers: no query was answered")
        sanity(engines, queries, args.request_timeout)  # the warm-up: the mix once more
        out["layers"] = measure(deployment, targets, queries, cold, plan)
        out["memory"] = deployment.memory_by_role()
        if count in PINNED and not args.no_pin:
            out["pinned_cores"] = deployment.pin()
            print(f"    pinned: {out['pinned_cores']}", file=sys.stderr)
            out["pinned"] = measure(deployment, [deployment.haproxy()], queries, cold, plan)
        out["load_average"] = os.getloadavg()
    finally:
        deployment.stop()
    return out


def unanswered(counts: dict[str, dict[str, Any]]) -> dict[str, str]:
    """The queries some target did not answer (an error instead of a count), with the
    first error: they are left out of this deployment's mix, so every layer is
    measured on the same queries."""
    out: dict[str, str] = {}
    for name, per in counts.items():
        for target, count in per.items():
            if isinstance(count, str) and count.startswith(("HTTP", "error")):
                out.setdefault(name, f"{target}: {count[:300]}")
    return out


def run_size(
    size: int, args: argparse.Namespace, code: Path, numbering: Numbering
) -> dict[str, Any]:
    setup = prepare_data(size, args, build=False)
    work = setup.work
    env = base_env(work, setup.graph_dir, code, args)
    print(f"{size} triples: building (once per size) ...", file=sys.stderr)
    built = build(env, args.startup_timeout)
    data_file = Path(built["folder"]) / "partnergraph.nq"
    queries = load_queries(QUERIES, choose_parameters(data_file))
    result: dict[str, Any] = {
        "size": size,
        "snapshot": built["version"],
        "build_seconds": built["seconds"],
        "quads": sum(1 for _ in data_file.open("rb")),
        "load_average_before": os.getloadavg(),
        "engines": {},
        "skipped": {},
    }
    for engine in args.engines:
        reason = unavailable(engine)
        if reason:
            print(f"  {engine}: skipped: {reason}", file=sys.stderr)
            result["skipped"][engine] = reason
            continue
        result["engines"][engine] = run_engine(
            engine, env, work, data_file, queries, args, numbering
        )
    return result


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    numbering = Numbering(time.time_ns() // 1000)
    return run_sizes(
        "replicas",
        args,
        lambda size, code: run_size(size, args, code, numbering),
        report,
        sys.argv if argv is None else ["replicas.py", *argv],
    )


if __name__ == "__main__":
    sys.exit(main())
