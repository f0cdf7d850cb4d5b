"""Start-up time: ``partnergraph serve`` on new data, then restarted on the same data.

For each size and engine, two starts on the same project copy and the same
folders: a *first start* with the engine's folders emptied (partnergraph builds
and validates the graph, and loads its store; Oxigraph server on disk is loaded
with ``oxigraph load``), then a *restart* on what the first start left
(partnergraph finds the built snapshot of unchanged data; Oxigraph server opens
its loaded folder). Each is timed from the moment the process is started to the
first answered query (an ``ASK``, a text of its own each time so that no result
cache answers it), and to the moment every query worker of a partnergraph server
answers ("all workers").

Engines (as in ``endpoint.py``): ``pg-oxigraph`` (in memory), ``pg-oxigraph-disk``,
and, for reference, ``oxigraph-server-disk`` (on the same dataset, ``served.nq``)
and ``oxigraph-server`` (in memory: every start loads the data by ``POST /store``).

Page cache: ``warm`` (the data files read just before) and ``cold`` (``sync`` and
``echo 3 > /proc/sys/vm/drop_caches`` before each start: the interpreter, the
libraries and the data come from the disk; needs root, skipped with a note
otherwise).

Usage::

    python benchmarks/startup.py                          # 100 000 and 1 000 000 triples
    python benchmarks/startup.py --sizes 10000 --cache warm

Results go to ``benchmarks/results/startup-<time>.json`` (or ``--out``) and a
table is printed. See ``benchmarks/README.md``, section "Start-up benchmark".
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from endpoint import machine
from endpointlib.common import BENCH
from endpointlib.data import prepare_data, write_served
from endpointlib.engines import (
    RUNNING,
    Setup,
    launch_engine,
    stop_group,
    stop_on_signals,
    wait_until_answering,
)
from endpointlib.markdown import fmt_ratio, ratio, table
from endpointlib.options import add_partnergraph_options

ENGINES = ("pg-oxigraph", "pg-oxigraph-disk", "oxigraph-server-disk", "oxigraph-server")

CACHES = ("warm", "cold")

DROP_CACHES = Path("/proc/sys/vm/drop_caches")


def drop_caches() -> str:
    """Write back and drop the page cache; returns "" or why it could not."""
    os.sync()
    try:
        DROP_CACHES.write_text("3\n")
    except OSError as exc:
        return f"cannot drop the page cache ({exc}); run as root on a machine that allows it"
    return ""


def warm(paths: Sequence[Path]) -> None:
    """Read files once, so that the next start finds them in the page cache."""
    for path in paths:
        with path.open("rb") as stream:
            while stream.read(1 << 20):
                pass


def timed_start(name: str, setup: Setup, fresh: bool) -> dict[str, float]:
    """Start one engine, time it to its first answer and to every worker's, stop it."""
    engine = launch_engine(name, setup, fresh)
    try:
        wait_until_answering(engine, engine.deadline, poll=0.02)
        answers = time.monotonic() - engine.launched
        workers = setup.args.query_workers * setup.args.pg_workers if name.startswith("pg-") else 1
        wait_until_answering(engine, engine.deadline, workers, poll=0.02)
        ready = time.monotonic() - engine.launched
    finally:
        engine.stop()
    return {"answers": answers, "all_workers": ready, "store_mb": engine.disk_mb()}


def start_twice(name: str, setup: Setup, cache: str) -> dict[str, Any]:
    """The first start (folders emptied) and the restart (the same folders)."""
    out: dict[str, Any] = {"engine": name, "cache": cache, "size": setup.size}
    for start, fresh in (("first", True), ("restart", False)):
        if cache == "cold":
            drop_caches()
        else:
            warm([setup.trig, setup.served_file])
        out[start] = timed_start(name, setup, fresh)
        print(
            f"  {name:22} {cache} {start:8} answers after {out[start]['answers']:.2f} s, "
            f"all workers {out[start]['all_workers']:.2f} s",
            file=sys.stderr,
        )
    return out


def run_size(size: int, args: argparse.Namespace, caches: list[str]) -> list[dict[str, Any]]:
    setup = prepare_data(size, args, build=True)  # the dataset the Oxigraph servers load
    write_served(setup)
    return [start_twice(name, setup, cache) for cache in caches for name in args.engines]


def report(runs: list[dict[str, Any]], notes: list[str]) -> str:
    """The printed table: seconds to the first answer (and to every worker's)."""
    rows = []
    for r in runs:
        first, again = r["first"], r["restart"]
        rows.append(
            [
                f"{r['size']:,}".replace(",", " "),
                r["engine"],
                r["cache"],
                f"{first['answers']:.2f} / {first['all_workers']:.2f}",
                f"{again['answers']:.2f} / {again['all_workers']:.2f}",
                fmt_ratio(ratio(again["answers"], first["answers"])),
                _mb(again["store_mb"]),
            ]
        )
    header = ["triples", "engine", "page cache", "first start s", "restart s", "restart/first"]
    header.append("store on disk MB")
    out = [
        "## Start-up: seconds from process start to the first answer / to every query "
        "worker's answer",
        "",
        table(header, rows),
        "",
    ]
    out += [_restart_ratios(runs), ""]
    out += [f"Note: {note}" for note in notes]
    return "\n".join(out)


def _mb(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:.0f}"


def _restart_ratios(runs: list[dict[str, Any]]) -> str:
    """Restart of partnergraph against Oxigraph server's on the same data on disk."""
    peer = {(r["size"], r["cache"]): r for r in runs if r["engine"] == "oxigraph-server-disk"}
    parts = []
    for r in runs:
        other = peer.get((r["size"], r["cache"]))
        if r["engine"].startswith("pg-") and other is not None:
            value = ratio(r["restart"]["answers"], other["restart"]["answers"])
            parts.append(f"{r['engine']} {r['size']} {r['cache']}: {fmt_ratio(value)}")
    return "Restart ratio partnergraph / Oxigraph server on disk: " + ("; ".join(parts) or "-")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[100_000, 1_000_000], help="triples"
    )
    parser.add_argument("--engines", nargs="+", choices=ENGINES, default=list(ENGINES))
    parser.add_argument(
        "--cache", nargs="+", choices=CACHES, default=list(CACHES), help="page cache states"
    )
    add_partnergraph_options(parser)
    parser.add_argument(
        "--request-timeout", type=float, default=300.0, help="PARTNERGRAPH_QUERY_TIMEOUT"
    )
    parser.add_argument(
        "--startup-timeout", type=float, default=3600.0, help="seconds a start may take"
    )
    parser.add_argument("--report", type=Path, help="only print the report of a results JSON")
    parser.add_argument("--data", type=Path, default=BENCH / "data", help="generated data folder")
    parser.add_argument(
        "--workdir", type=Path, default=BENCH / "data" / "startup", help="builds, stores, logs"
    )
    parser.add_argument(
        "--out", type=Path, help="results JSON (default benchmarks/results/startup-<time>.json)"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.report:
        earlier = json.loads(args.report.read_text(encoding="utf-8"))
        print(report(earlier["runs"], earlier["notes"]))
        return 0
    args.workdir, args.data = args.workdir.resolve(), args.data.resolve()
    out = args.out or BENCH / "results" / time.strftime("startup-%Y%m%d-%H%M%S.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    stop_on_signals()
    caches, notes = list(args.cache), []
    if "cold" in caches:
        why = drop_caches()
        if why:
            caches.remove("cold")
            notes.append(f"cold starts skipped: {why}")
    document: dict[str, Any] = {
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "machine": machine(),
        "settings": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
        "notes": notes,
        "runs": [],
    }
    try:
        for size in args.sizes:
            document["runs"] += run_size(size, args, caches)
            out.write_text(json.dumps(document, indent=1), encoding="utf-8")
    finally:
        for process in RUNNING:
            stop_group(process)
    print(report(document["runs"], notes))
    print(f"results: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
