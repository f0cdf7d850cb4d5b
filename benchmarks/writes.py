"""Write latency: one partnership written through SPARQL 1.1 Update, answered when served.

For the real graph (``graph/``) and generated data (``--sizes``, one curated file per
named graph, as the write path lays files out), ``partnergraph serve`` (2 gunicorn
workers x 1 query process, a write token) takes ``--writes`` updates, each adding one
new partnership (6 triples) between two existing municipalities in the graph of an
existing source. A write is timed from the request to its answer: by then it is
validated, committed to the change log, written back into ``graph/``, and served by
every process (checked: right after each answer, an ``ASK`` on two new connections
must see it; a miss is counted and reported). The release of dumps is written after
the answer and is not timed.

The peer is Oxigraph server on the same data (on disk, ``oxigraph load`` then
``oxigraph serve``), taking the same updates at ``/update``: a store that validates
nothing, logs nothing and rewrites no file: what the gate, the log and the files cost
is the ratio.

Usage::

    python benchmarks/writes.py                        # the real graph and 100 000 triples
    python benchmarks/writes.py --sizes 0 --writes 10  # the real graph only

Results go to ``benchmarks/results/writes-<time>.json`` and a table is printed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
from endpointlib.client import free_port
from endpointlib.common import BENCH, BIN, ROOT
from endpointlib.engines import launch, stop_group, stop_on_signals

BASE = "https://w3id.org/partnergraph/"
PREFIXES = {
    "pg": BASE + "def/",
    "pt": BASE + "def/partnership-type/",
    "city": BASE + "id/city/",
    "partnership": BASE + "id/partnership/",
    "source": BASE + "id/source/",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "dcterms": "http://purl.org/dc/terms/",
    "schema": "https://schema.org/",
    "org": "http://www.w3.org/ns/org#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        default=[0, 100_000],
        help="0 is the real graph; others are generated triples",
    )
    parser.add_argument("--writes", type=int, default=20, help="updates per engine")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/pgperf/writes"))
    parser.add_argument("--data", type=Path, default=BENCH / "data")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    stop_on_signals()
    results: list[dict[str, Any]] = []
    for size in args.sizes:
        project = _project(size, args)
        pairs = _pairs(size, args.writes)
        results.append(_partnergraph(project, size, pairs, args))
        results.append(_oxigraph(project, size, pairs, args))
    _report(results, args)
    return 0


def _project(size: int, args: argparse.Namespace) -> Path:
    """A project folder: graph/ (real, or generated with one file per graph), shapes/, queries/."""
    project = args.workdir / (str(size) if size else "real") / "project"
    shutil.rmtree(project.parent, ignore_errors=True)
    project.mkdir(parents=True)
    for name in ("shapes", "queries"):
        shutil.copytree(ROOT / name, project / name)
    if not size:
        shutil.copytree(ROOT / "graph", project / "graph")
        return project
    sys.path.insert(0, str(BENCH))
    import generate  # benchmarks/generate.py

    trig = generate.output_path(size, 0, "trig", args.data)
    if not trig.exists():
        generate.main(["--triples", str(size), "--out", str(args.data)])
    graphs: dict[str, list[ox.Quad]] = {}
    for quad in ox.parse(path=str(trig), format=ox.RdfFormat.TRIG):
        assert isinstance(quad.graph_name, ox.NamedNode)
        graphs.setdefault(quad.graph_name.value, []).append(quad)
    (project / "graph").mkdir()
    for name, quads in graphs.items():
        file = project / "graph" / (name.rsplit("/", 1)[-1] + ".trig")
        data = ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=PREFIXES)
        file.write_bytes(data or b"")
    return project


def _pairs(size: int, count: int) -> list[tuple[str, str, str, str]]:
    """(graph, source, city a, city b) of each write: existing resources, new pairs."""
    if not size:
        graph, source = BASE + "graph/lahti-kansainvalinen-lahti", "lahti-kansainvalinen-lahti"
        others = ["lund", "akureyri", "randers", "vasteras", "alesund", "pecs", "narva", "hamar"]
        return [(graph, source, "lahti", others[i % len(others)]) for i in range(count)]
    return [
        (BASE + f"graph/gen-city-{i}", f"gen-city-{i}", f"gen-{i}", f"gen-{i + 7}")
        for i in range(count)
    ]


def _update(pair: tuple[str, str, str, str], number: int) -> str:
    graph, source, a, b = pair
    prologue = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
    return f"""{prologue}INSERT DATA {{ GRAPH <{graph}> {{
  partnership:bench-{number}-{a}-{b} a pg:Partnership ;
    rdfs:label "Benchmark partnership {number}"@en ;
    pg:partnershipType pt:cooperation-agreement ;
    pg:party city:{a}, city:{b} ;
    dcterms:source source:{source} .
}} }}"""


def _ask(number: int, pair: tuple[str, str, str, str]) -> str:
    _, _, a, b = pair
    return f"ASK {{ GRAPH ?g {{ <{BASE}id/partnership/bench-{number}-{a}-{b}> ?p ?o }} }}"


def _partnergraph(
    project: Path, size: int, pairs: list[tuple[str, str, str, str]], args: argparse.Namespace
) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARTNERGRAPH_")}
    env["PARTNERGRAPH_QUERY_WORKERS"] = "1"
    for setting, folder in (
        ("GRAPH_DIR", "graph"),
        ("SHAPES_DIR", "shapes"),
        ("QUERIES_DIR", "queries"),
        ("OUTPUT_DIR", "out"),
        ("CHANGES_DIR", "changes"),
        ("TOKENS_FILE", "tokens.json"),
    ):
        env["PARTNERGRAPH_" + setting] = str(project / folder)
    token = subprocess.run(
        [str(BIN / "partnergraph"), "token", "create", "bench"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    port = free_port()
    log = project.parent / "serve.log"
    started = time.monotonic()
    process = launch(
        [
            str(BIN / "partnergraph"),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "2",
            "--threads",
            "16",
        ],
        log,
        env,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        _wait(url + "/-/health", process, log)
        startup = time.monotonic() - started
        times, missed = [], 0
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/sparql-update"}
        with httpx.Client(timeout=120) as client:
            for number, pair in enumerate(pairs):
                began = time.perf_counter()
                answer = client.post(
                    url + "/sparql", content=_update(pair, number), headers=headers
                )
                times.append(time.perf_counter() - began)
                if answer.status_code != 200:
                    raise RuntimeError(
                        f"write {number}: {answer.status_code} {answer.text[-1500:]}"
                    )
                missed += _unseen(url + "/sparql", _ask(number, pair))
        return {
            "engine": "partnergraph",
            "size": size,
            "seconds": times,
            "missed": missed,
            "startup": startup,
        }
    finally:
        stop_group(process)


def _unseen(endpoint: str, ask: str) -> int:
    """How many of two new connections do not see the write yet."""
    missed = 0
    for _ in range(2):
        with httpx.Client(timeout=60) as fresh:
            answer = fresh.get(
                endpoint,
                params={"query": ask},
                headers={"Accept": "application/sparql-results+json"},
            )
            missed += 0 if answer.json().get("boolean") else 1
    return missed


def _oxigraph(
    project: Path, size: int, pairs: list[tuple[str, str, str, str]], args: argparse.Namespace
) -> dict[str, Any]:
    location = project.parent / "oxigraph-store"
    files = sorted((project / "graph").glob("*.trig"))
    for file in files:
        subprocess.run(
            [
                str(BIN / "oxigraph"),
                "load",
                "--location",
                str(location),
                "--file",
                str(file),
                "--base",
                BASE,
            ],
            check=True,
            capture_output=True,
        )
    port = free_port()
    log = project.parent / "oxigraph.log"
    process = launch(
        [
            str(BIN / "oxigraph"),
            "serve",
            "--location",
            str(location),
            "--bind",
            f"127.0.0.1:{port}",
        ],
        log,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        _wait(url + "/query?query=ASK%7B%7D", process, log)
        times, missed = [], 0
        with httpx.Client(timeout=120) as client:
            for number, pair in enumerate(pairs):
                began = time.perf_counter()
                answer = client.post(
                    url + "/update",
                    content=_update(pair, number),
                    headers={"Content-Type": "application/sparql-update"},
                )
                times.append(time.perf_counter() - began)
                if answer.status_code >= 300:
                    raise RuntimeError(
                        f"oxigraph write {number}: {answer.status_code} {answer.text}"
                    )
                missed += _unseen(url + "/query", _ask(number, pair))
        return {"engine": "oxigraph-server-disk", "size": size, "seconds": times, "missed": missed}
    finally:
        stop_group(process)


def _wait(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 900
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped: {log.read_text(errors='replace')[-2000:]}")
        try:
            if httpx.get(url, timeout=5).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the server did not answer: {log}")


def _report(results: list[dict[str, Any]], args: argparse.Namespace) -> None:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    out = args.out or BENCH / "results" / f"writes-{stamp}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print("| data | engine | writes | median ms | p90 ms | max ms | unseen after answer | ratio |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    peers = {
        r["size"]: statistics.median(r["seconds"]) for r in results if r["engine"] != "partnergraph"
    }
    for r in results:
        times = sorted(r["seconds"])
        median = statistics.median(times)
        p90 = times[min(len(times) - 1, int(0.9 * len(times)))]
        data = "real graph" if not r["size"] else f"{r['size']:,} triples"
        ratio = f"{median / peers[r['size']]:.1f}x" if r["engine"] == "partnergraph" else "1"
        print(
            f"| {data} | {r['engine']} | {len(times)} | {median * 1000:.0f} | {p90 * 1000:.0f} "
            f"| {times[-1] * 1000:.0f} | {r['missed']} | {ratio} |"
        )
    print(f"\nresults: {out}")


if __name__ == "__main__":
    sys.exit(main())
