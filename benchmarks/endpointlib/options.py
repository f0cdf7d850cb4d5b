"""The command line of the endpoint benchmark."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from .common import BENCH, ENGINES, QUERIES

#: The phases ``--phases`` chooses from (sanity and warm-up always run).
PHASES = ("latency", "hot", "throughput", "repeat", "memory", "breakdown")


def _phases(text: str) -> tuple[str, ...]:
    chosen = tuple(p.strip() for p in text.split(",") if p.strip())
    unknown = [p for p in chosen if p not in PHASES]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown phase {unknown[0]!r}; choose from {PHASES}")
    return chosen


def parse_args(argv: Sequence[str] | None, description: str) -> argparse.Namespace:
    """The command line of ``benchmarks/endpoint.py``."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[100_000, 1_000_000], help="triples"
    )
    parser.add_argument("--engines", nargs="+", choices=ENGINES, default=list(ENGINES))
    parser.add_argument("--only", nargs="*", default=(), help="query names to run (default: all)")
    parser.add_argument(
        "--phases",
        type=_phases,
        default=PHASES,
        help=f"comma-separated phases after sanity and warm-up (default: {','.join(PHASES)})",
    )
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
        "--throughput-seconds",
        type=float,
        default=10.0,
        help="one window of the throughput and repeat phases (0: neither)",
    )
    parser.add_argument(
        "--throughput-windows", type=int, default=3, help="windows per engine, interleaved"
    )
    parser.add_argument(
        "--repeat-share",
        type=float,
        default=0.8,
        help="repeat workload: the share of requests that repeat an earlier one",
    )
    parser.add_argument("--repeat-seed", type=int, default=1, help="repeat workload: its seed")
    parser.add_argument(
        "--memory-interval",
        type=float,
        default=1.0,
        help="seconds between two memory samples during the load phases",
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
    add_partnergraph_options(parser)
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


def add_partnergraph_options(parser: argparse.ArgumentParser) -> None:
    """The options of how ``partnergraph serve`` runs, shared by the benchmarks."""
    parser.add_argument(
        "--pg-workers", type=int, default=1, help="gunicorn workers of partnergraph"
    )
    parser.add_argument("--pg-threads", type=int, default=8, help="gunicorn threads per worker")
    parser.add_argument("--query-workers", type=int, default=2, help="PARTNERGRAPH_QUERY_WORKERS")
    parser.add_argument(
        "--row-cap", type=int, default=0, help="PARTNERGRAPH_ROW_CAP (0: the default)"
    )
    parser.add_argument(
        "--pg-setting",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="another partnergraph setting for its servers (repeatable), e.g. slow_query_seconds=5",
    )
