"""A municipality's page on every engine: the embedded store, Oxigraph server, Virtuoso.

The generated data of ``--size`` triples (``generate.py``, reused when it exists) is
built once into a snapshot (dumps off), then served by one app per engine, each made
by ``create_app`` in this process with the result cache off:

* ``embedded``: the snapshot's on-disk pyoxigraph store (``store: oxigraph``, one
  query worker);
* ``oxigraph-server``: ``store: remote`` over ``oxigraph serve`` (PyPI ``oxigraph``,
  in memory, union default graph), loaded with the snapshot's N-Quads;
* ``virtuoso``: ``store: remote`` over Virtuoso Open Source (Debian
  ``virtuoso-opensource``), bulk-loaded with the snapshot's N-Quads.

Each page of ``--pages`` (municipalities gen-0, gen-1 and gen-(n/2) by default) is
asked through the Flask test client, once to warm up, then ``--rounds`` times
interleaved; median and p95 per engine and page, and the ratio of each median to
the embedded store's. The target of issue 15: under 300 ms at 100 000 triples on
every engine.

Usage::

    python benchmarks/engine_pages.py                        # 100 000 triples, 20 rounds
    python benchmarks/engine_pages.py --size 10000 --rounds 5

Results go to ``benchmarks/results/engine-pages-<time>.json`` beside the printed table.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from endpointlib.common import BENCH, ROOT
from endpointlib.measure import percentile

sys.path.insert(0, str(ROOT))

from flask import Flask

from partnergraph.build import snapshot
from partnergraph.settings import load
from partnergraph.snapshots import Snapshot
from server import create_app
from tests.oxigraph_server import OxigraphServer
from tests.virtuoso_server import started

TARGET_MS = 300.0
ENGINES = ("embedded", "oxigraph-server", "virtuoso")
HTML = {"Accept": "text/html"}


def main(argv: list[str] | None = None) -> int:
    """Measure, print the table and write the results file; 1 when a page misses the target."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000, help="triples of generated data")
    parser.add_argument("--rounds", type=int, default=20, help="timed requests per page")
    parser.add_argument("--pages", nargs="*", help="page paths (default: three municipalities)")
    parser.add_argument("--engines", nargs="*", choices=ENGINES, default=list(ENGINES))
    parser.add_argument("--data", type=Path, default=BENCH / "data", help="generated data")
    parser.add_argument("--workdir", type=Path, default=BENCH / "data" / "engine-pages")
    args = parser.parse_args(argv)

    values = _built(args.size, args)
    made, _ = snapshot(load(values, environ={}))
    pages = args.pages or [f"/doc/city/gen-{i}" for i in (0, 1, _cities(made) // 2)]
    timings: dict[str, dict[str, list[float]]] = {}
    for engine in args.engines:
        with _app(engine, values, made) as app:
            timings[engine] = _timed(app, pages, args.rounds)
    result = {
        "size": args.size,
        "rounds": args.rounds,
        "when": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "pages": {
            engine: {page: _summary(times) for page, times in by_page.items()}
            for engine, by_page in timings.items()
        },
    }
    _report(result)
    out = BENCH / "results" / f"engine-pages-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"results: {out}", file=sys.stderr)
    slow = [
        (engine, page)
        for engine, by_page in result["pages"].items()
        for page, summary in by_page.items()
        if summary["median_ms"] > TARGET_MS
    ]
    return 1 if slow else 0


def _built(size: int, args: argparse.Namespace) -> dict[str, Any]:
    """The settings of an app over the generated data of ``size`` (generated once)."""
    sys.path.insert(0, str(BENCH))
    import generate  # benchmarks/generate.py

    trig = generate.output_path(size, 0, "trig", args.data)
    if not trig.exists():
        generate.main(["--triples", str(size), "--out", str(args.data)])
    work = (args.workdir / str(size)).resolve()
    graph = work / "graph"
    graph.mkdir(parents=True, exist_ok=True)
    link = graph / trig.name
    if not link.exists():
        link.symlink_to(trig.resolve())
    return {
        "graph_dir": graph,
        "shapes_dir": ROOT / "shapes",
        "queries_dir": ROOT / "queries",
        "output_dir": work / "out",
        "dumps": False,
        "cache_mb": 0,
        "query_workers": 1,
        "map_tiles": "",
        "store": "oxigraph",
    }


def _cities(made: Snapshot) -> int:
    """How many generated municipalities the snapshot holds (``id/city/gen-N``)."""
    marker = b"<https://w3id.org/partnergraph/id/city/gen-"
    found = set()
    with made.data_file.open("rb") as lines:
        for line in lines:
            if line.startswith(marker):
                found.add(line.split(b">", 1)[0])
    return len(found)


@contextmanager
def _app(engine: str, values: dict[str, Any], made: Snapshot) -> Iterator[Flask]:
    """An app over ``made`` on ``engine``, its engine loaded; all stopped afterwards."""
    with ExitStack() as stack:
        config = dict(values)
        if engine == "oxigraph-server":
            server = stack.enter_context(OxigraphServer.start())
            _loaded("Oxigraph server", lambda: server.load_nquads(made.data_file))
            config.update(store="remote", remote_endpoint=server.query_url)
        elif engine == "virtuoso":
            folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="virtuoso-"))
            virtuoso = stack.enter_context(started(Path(folder)))
            _loaded("Virtuoso", lambda: virtuoso.load_nquads(made.data_file))
            config.update(store="remote", remote_endpoint=virtuoso.query_url)
        app = create_app(config)
        stack.callback(app.extensions["partnergraph"].service.close)
        yield app


def _loaded(name: str, load_it: Callable[[], None]) -> None:
    started = time.monotonic()
    load_it()
    print(f"{name}: loaded in {time.monotonic() - started:.1f} s", file=sys.stderr)


def _timed(app: Flask, pages: list[str], rounds: int) -> dict[str, list[float]]:
    """Milliseconds of each page, ``rounds`` times interleaved after one warm-up each."""
    client = app.test_client()
    times: dict[str, list[float]] = {page: [] for page in pages}
    for page in pages:
        response = client.get(page, headers=HTML)
        if response.status_code != 200:
            raise RuntimeError(f"{page} answered {response.status_code}")
    for _ in range(rounds):
        for page in pages:
            started = time.perf_counter()
            response = client.get(page, headers=HTML)
            response.get_data()
            times[page].append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise RuntimeError(f"{page} answered {response.status_code}")
    return times


def _summary(times: list[float]) -> dict[str, float]:
    return {
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(percentile(times, 0.95), 1),
    }


def _report(result: dict[str, Any]) -> None:
    engines = list(result["pages"])
    reference = result["pages"].get("embedded", {})
    print(f"\nA municipality's page at {result['size']:,} triples, {result['rounds']} rounds")
    print("page".ljust(24) + "".join(e.rjust(28) for e in engines))
    for page in next(iter(result["pages"].values())):
        cells = []
        for engine in engines:
            summary = result["pages"][engine][page]
            ratio = ""
            if page in reference and engine != "embedded":
                ratio = f" x{summary['median_ms'] / reference[page]['median_ms']:.1f}"
            cells.append(f"{summary['median_ms']:.1f} / {summary['p95_ms']:.1f} ms{ratio}")
        print(page.ljust(24) + "".join(c.rjust(28) for c in cells))
    print("(median / p95; x: the median against the embedded store's)")


if __name__ == "__main__":
    sys.exit(main())
