"""The starvation benchmark (issue 10, point 10): small queries while expensive ones run.

One run starts partnergraph (``partnergraph serve``: gunicorn, as the README
serves it) and Oxigraph server (``oxigraph serve --timeout-s``, in memory, the
same dataset) with the same time limit, and in each of these scenarios measures
the latency of small queries sent one after another by one client of their own:

* ``alone``: nothing else runs;
* ``one client``: one client (one address) keeps 8 expensive queries in flight,
  each sent again as soon as it ends; a 429 or 503 with ``Retry-After`` is
  honoured (the client waits);
* ``one client, impolite``: the same, but every answer is followed at once by
  the next request, ``Retry-After`` or not;
* ``eight clients``: eight clients (eight addresses) keep one expensive query
  each in flight, politely.

The expensive query is a cartesian ``COUNT`` of the graph with its first
``--expensive-rows`` triples (2 000: about 2 s of one core at 10 000 triples).
It ends: the four-way product of the issue never does, and Oxigraph server's
``--timeout-s`` answers it but does not stop its evaluation, so a run with it
would leave Oxigraph computing every query ever sent (a load of 35 on the
2-core machine after one short trial).

Clients are told apart by their source address: every client binds its own
loopback address (``127.0.0.x``, all routed to ``lo`` on Linux). Reported per
engine and scenario: the small queries' p50, p99 and worst latency, how many
were answered, and the expensive queries' outcomes by status; and the ratios
partnergraph / Oxigraph of the small queries' p50 and p99.

Usage::

    python benchmarks/starvation.py                          # 10 000 triples, 20 s a scenario
    python benchmarks/starvation.py --size 100000 --seconds 30 --timeout 10

Results go to ``benchmarks/results/starvation-<time>.json`` beside the printed
table. See ``benchmarks/README.md``, section "Starvation benchmark".
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import socket
import statistics
import sys
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from endpointlib.client import free_port
from endpointlib.common import BENCH, BIN, PREFIXES
from endpointlib.data import prepare_data, write_served
from endpointlib.engines import (
    RUNNING,
    Engine,
    Setup,
    _post_store,
    _wait_for_port,
    launch,
    launch_engine,
    stop_group,
    stop_on_signals,
    wait_until_answering,
)
from endpointlib.queries import choose_parameters


def expensive(rows: int) -> str:
    """A cartesian COUNT of the graph with its first ``rows`` triples: expensive, finite."""
    return f"SELECT (COUNT(*) AS ?n) {{ ?a ?b ?c . {{ SELECT ?d {{ ?d ?e ?f }} LIMIT {rows} }} }}"


#: The address the small queries come from.
SMALL_CLIENT = "127.0.0.2"
#: The addresses of the clients that send expensive queries.
HEAVY_CLIENTS = [f"127.0.0.{10 + i}" for i in range(8)]


@dataclass(frozen=True)
class Scenario:
    """Who sends expensive queries: ``clients`` addresses, ``streams`` queries in flight."""

    name: str
    clients: int
    streams: int
    polite: bool = True


ENGINES = ("partnergraph", "oxigraph-server")
SCENARIOS = (
    Scenario("alone", 0, 0),
    Scenario("one client", 1, 8),
    Scenario("one client, impolite", 1, 8, polite=False),
    Scenario("eight clients", 8, 8),
)


class Connection:
    """A kept-alive HTTP connection from one source address."""

    def __init__(self, port: int, path: str, source: str, timeout: float) -> None:
        self.port, self.path, self.source, self.timeout = port, path, source, timeout
        self.http: http.client.HTTPConnection | None = None

    def post(self, query: str) -> tuple[int, float, str]:
        """Send ``query``; the status, the seconds it took and any ``Retry-After``."""
        for attempt in range(2):
            if self.http is None:
                self.http = http.client.HTTPConnection(
                    "127.0.0.1", self.port, timeout=self.timeout, source_address=(self.source, 0)
                )
                self.http.connect()
                self.http.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            started = time.perf_counter()
            try:
                self.http.request(
                    "POST",
                    self.path,
                    body=query.encode("utf-8"),
                    headers={
                        "Content-Type": "application/sparql-query",
                        "Accept": "application/sparql-results+json",
                    },
                )
                response = self.http.getresponse()
                response.read()
            except (http.client.HTTPException, OSError):
                self.close()
                if attempt:
                    return 0, time.perf_counter() - started, ""
                continue
            seconds = time.perf_counter() - started
            if response.getheader("Connection", "").lower() == "close":
                self.close()
            return response.status, seconds, response.getheader("Retry-After") or ""
        return 0, 0.0, ""

    def close(self) -> None:
        if self.http is not None:
            self.http.close()
            self.http = None


@dataclass
class Outcome:
    """What one scenario measured on one engine."""

    small: list[float] = field(default_factory=list)
    small_failed: Counter[int] = field(default_factory=Counter)
    heavy: Counter[int] = field(default_factory=Counter)

    def summary(self) -> dict[str, Any]:
        ordered = sorted(self.small)

        def quantile(q: float) -> float:
            return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0

        return {
            "small_answered": len(ordered),
            "small_failed": dict(self.small_failed),
            "p50_ms": round(statistics.median(ordered) * 1000, 2) if ordered else None,
            "p99_ms": round(quantile(0.99) * 1000, 2) if ordered else None,
            "max_ms": round(ordered[-1] * 1000, 2) if ordered else None,
            "heavy_statuses": {str(k): v for k, v in sorted(self.heavy.items())},
        }


def run_scenario(
    engine: Engine, scenario: Scenario, smalls: list[str], args: argparse.Namespace
) -> Outcome:
    """Keep the expensive streams going for ``args.seconds``; meanwhile time small queries."""
    outcome = Outcome()
    stop = threading.Event()
    lock = threading.Lock()

    def heavy(source: str) -> None:
        connection = Connection(engine.port, engine.path, source, args.timeout * 10 + 60)
        try:
            while not stop.is_set():
                status, _, retry = connection.post(expensive(args.expensive_rows))
                with lock:
                    outcome.heavy[status] += 1
                if scenario.polite and retry.isdigit():
                    stop.wait(int(retry))
        finally:
            connection.close()

    streams = [
        threading.Thread(target=heavy, args=(HEAVY_CLIENTS[i % scenario.clients],))
        for i in range(scenario.streams)
    ]
    for thread in streams:
        thread.start()
    time.sleep(args.settle if streams else 0)
    small = Connection(engine.port, engine.path, SMALL_CLIENT, 60)
    deadline = time.monotonic() + args.seconds
    turn = 0
    while time.monotonic() < deadline:
        status, seconds, _ = small.post(smalls[turn % len(smalls)])
        turn += 1
        if status == 200:
            outcome.small.append(seconds)
        else:
            outcome.small_failed[status] += 1
        time.sleep(args.pause)
    small.close()
    stop.set()
    for thread in streams:
        thread.join(args.timeout * 10 + 60)
    return outcome


def start_oxigraph(setup: Setup, timeout: float) -> Engine:
    """Oxigraph server in memory with the same time limit, on partnergraph's dataset."""
    port = free_port()
    log = setup.work / "logs" / "oxigraph-server-starvation.log"
    log.unlink(missing_ok=True)
    engine = Engine("oxigraph-server", port, "/query", log)
    engine.launched = time.monotonic()
    engine.deadline = engine.launched + setup.args.startup_timeout
    engine.process = launch(
        [
            str(BIN / "oxigraph"),
            "serve",
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout-s",
            str(int(timeout)),
        ],
        log,
    )
    _wait_for_port(engine, engine.deadline)
    _post_store(port, setup.served_file, engine.deadline - time.monotonic())
    wait_until_answering(engine, engine.deadline)
    return engine


def start_partnergraph(setup: Setup) -> Engine:
    engine = launch_engine("pg-oxigraph", setup)
    wait_until_answering(engine, engine.deadline, setup.args.query_workers)
    return engine


def run(args: argparse.Namespace) -> dict[str, Any]:
    setup = prepare_data(args.size, args)
    write_served(setup)
    parameters = choose_parameters(setup.data_file)
    smalls = ["ASK {}"]
    smalls.append(
        PREFIXES + f"ASK {{ ?partnership pg:party {parameters['city']}, {parameters['other']} }}"
    )
    results: dict[str, Any] = {}
    starts = {
        "partnergraph": lambda: start_partnergraph(setup),
        "oxigraph-server": lambda: start_oxigraph(setup, args.timeout),
    }
    for name in args.engines:
        print(f"starting {name} ...", file=sys.stderr, flush=True)
        engine = starts[name]()
        results[name] = {}
        try:
            for scenario in (s for s in SCENARIOS if s.name in args.scenarios):
                print(f"  {name}: {scenario.name} ...", file=sys.stderr, flush=True)
                measured = run_scenario(engine, scenario, smalls, args)
                results[name][scenario.name] = measured.summary()
                print(f"    {results[name][scenario.name]}", file=sys.stderr, flush=True)
        finally:
            engine.stop()
    return results


def report(results: dict[str, Any]) -> str:
    """The table: per scenario, each engine's small-query latencies and the ratios."""
    lines = [
        f"{'scenario':22} {'engine':16} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>9} "
        f"{'answered':>8}  expensive queries by status",
    ]
    for scenario in SCENARIOS:
        engines = [e for e in ENGINES if scenario.name in results.get(e, {})]
        for engine in engines:
            row = results[engine][scenario.name]
            lines.append(
                f"{scenario.name:22} {engine:16} {row['p50_ms']:>8} {row['p99_ms']:>8} "
                f"{row['max_ms']:>9} {row['small_answered']:>8}  {row['heavy_statuses']}"
                + (f" small failed {row['small_failed']}" if row["small_failed"] else "")
            )
        if len(engines) < len(ENGINES):
            continue
        pg, ox = results["partnergraph"][scenario.name], results["oxigraph-server"][scenario.name]
        if pg["p50_ms"] and ox["p50_ms"]:
            lines.append(
                f"{'':22} {'ratio pg/ox':16} {pg['p50_ms'] / ox['p50_ms']:>8.2f} "
                f"{pg['p99_ms'] / ox['p99_ms']:>8.2f} {pg['max_ms'] / ox['max_ms']:>9.2f}"
            )
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=10_000, help="triples of generated data")
    parser.add_argument("--engines", nargs="+", choices=ENGINES, default=list(ENGINES))
    parser.add_argument(
        "--scenarios",
        nargs="+",
        choices=[s.name for s in SCENARIOS],
        default=[s.name for s in SCENARIOS],
    )
    parser.add_argument("--seconds", type=float, default=20.0, help="small queries per scenario")
    parser.add_argument("--settle", type=float, default=2.0, help="seconds before timing")
    parser.add_argument("--pause", type=float, default=0.02, help="seconds between small queries")
    parser.add_argument("--timeout", type=float, default=10.0, help="both engines' time limit")
    parser.add_argument(
        "--expensive-rows", type=int, default=2000, help="the expensive query's second factor"
    )
    parser.add_argument("--pg-workers", type=int, default=1, help="gunicorn workers")
    parser.add_argument(
        "--pg-threads",
        type=int,
        default=16,
        help="gunicorn threads per worker (above max_long_queries + query_workers)",
    )
    parser.add_argument("--query-workers", type=int, default=2, help="PARTNERGRAPH_QUERY_WORKERS")
    parser.add_argument("--startup-timeout", type=float, default=600.0)
    parser.add_argument("--data", type=Path, default=BENCH / "data", help="generated data folder")
    parser.add_argument(
        "--workdir", type=Path, default=BENCH / "data" / "starvation", help="builds, logs"
    )
    parser.add_argument("--out", type=Path, help="results JSON")
    args = parser.parse_args(argv)
    args.request_timeout = args.timeout  # what endpointlib gives PARTNERGRAPH_QUERY_TIMEOUT
    args.row_cap = 0
    args.workdir = args.workdir.resolve()
    args.data = args.data.resolve()
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    stop_on_signals()
    out = args.out or BENCH / "results" / time.strftime("starvation-%Y%m%d-%H%M%S.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()
    try:
        results = run(args)
    finally:
        for process in RUNNING:
            stop_group(process)
    document = {
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "settings": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
        "load_average": {"before": load_before, "after": os.getloadavg()},
        "cpus": os.cpu_count(),
        "results": results,
    }
    out.write_text(json.dumps(document, indent=1), encoding="utf-8")
    print(report(results))
    print(f"load average before {load_before}, after {os.getloadavg()}; results: {out}")
    with contextlib.suppress(Exception):
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
