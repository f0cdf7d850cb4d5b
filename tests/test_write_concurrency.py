"""Concurrent writers and readers on the real server: every acknowledged write is there
exactly once, the log holds exactly them and verifies, no reader fails, and no reader
ever sees the data go back to an older version.

``partnergraph serve --workers 2`` runs in a copy of the project; 8 writer threads,
each with its own connection, send a sequence of SPARQL Updates (each adds one
distinct comment to a town, in one of two named graphs kept in two files), while 4
reader threads query ``/sparql`` and fetch a town's page in a loop. The writes are
serialised by the write lock across the two server processes; every answer's ETag
names the version it was computed on, and the log says in which order the versions
were made.
"""

from __future__ import annotations

import itertools
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from partnergraph.build import build
from partnergraph.writes import log

from .served import serve_copy
from .writing import LAHTI_GRAPH, PROLOGUE, settings_in

WRITERS = 8
WRITES_PER_WRITER = 5
READERS = 4
LUND_GRAPH = "https://w3id.org/partnergraph/graph/lund-internationellt-arbete"
TOWNS = ((LAHTI_GRAPH, "city:lahti"), (LUND_GRAPH, "city:lund"))
COUNT = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s rdfs:comment ?c } }"""
COMMENTS = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?c (COUNT(*) AS ?n) WHERE {
  GRAPH ?g { ?s rdfs:comment ?c FILTER(STRSTARTS(STR(?c), "Concurrent write ")) }
} GROUP BY ?c"""
JSON_RESULTS = "application/sparql-results+json"


def comment(writer: int, number: int) -> str:
    """The comment write ``number`` of writer ``writer`` adds."""
    return f"Concurrent write {number} of writer {writer}"


def version_of(etag: str) -> str:
    """The dataset version (32 hex digits) an ETag names."""
    found = re.fullmatch(r'(?:W/)?"([0-9a-f]{32})-[^"]*"', etag)
    assert found is not None, f"an ETag that names no version: {etag}"
    return found.group(1)


def update(writer: int, number: int) -> str:
    """The SPARQL Update of write ``number`` of writer ``writer``."""
    graph, town = TOWNS[(writer + number) % 2]
    return (
        f"{PROLOGUE}INSERT DATA {{ GRAPH <{graph}> {{ "
        f'{town} rdfs:comment "{comment(writer, number)}"@en }} }}'
    )


@dataclass
class Outcomes:
    """What the threads saw.

    Attributes:
        acknowledged: comment → the write's answer (JSON).
        seconds: each write's time from request to answer.
        errors: every failed request, with who made it.
        seen: per reader, the versions (ETag prefixes) of its answers, in order.
        reads: how many reads were answered.
    """

    acknowledged: dict[str, dict[str, object]] = field(default_factory=dict)
    seconds: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seen: dict[int, list[str]] = field(default_factory=dict)
    reads: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def _write_sequence(base: str, token: str, writer: int, out: Outcomes) -> None:
    headers = {
        "Authorization": f"Bearer {token}",
        "Content-Type": "application/sparql-update",
    }
    with httpx.Client(base_url=base, timeout=600) as client:
        for number in range(WRITES_PER_WRITER):
            started = time.perf_counter()
            try:
                answer = client.post("/sparql", content=update(writer, number), headers=headers)
            except httpx.HTTPError as exc:
                with out.lock:
                    out.errors.append(f"writer {writer}, write {number}: {exc!r}")
                continue
            took = time.perf_counter() - started
            with out.lock:
                if answer.status_code == 200:
                    out.acknowledged[comment(writer, number)] = answer.json()
                    out.seconds.append(took)
                else:
                    out.errors.append(
                        f"writer {writer}, write {number}: {answer.status_code} {answer.text}"
                    )


def _read_loop(base: str, reader: int, done: threading.Event, out: Outcomes) -> None:
    seen: list[str] = []
    with httpx.Client(base_url=base, timeout=120) as client:
        while not done.is_set():
            for path, params, accept in (
                ("/sparql", {"query": COUNT}, JSON_RESULTS),
                ("/doc/city/lahti", {}, "text/html"),
            ):
                try:
                    answer = client.get(path, params=params, headers={"Accept": accept})
                except httpx.HTTPError as exc:
                    with out.lock:
                        out.errors.append(f"reader {reader}, {path}: {exc!r}")
                    continue
                if answer.status_code != 200:
                    with out.lock:
                        said = answer.text[:300]  # what the server said, for the next reader
                        out.errors.append(f"reader {reader}, {path}: {answer.status_code} {said}")
                    continue
                if path == "/sparql":
                    seen.append(version_of(answer.headers["ETag"]))
                with out.lock:
                    out.reads += 1
    with out.lock:
        out.seen[reader] = seen


def _token(folder: Path) -> str:
    made = subprocess.run(
        [str(Path(sys.executable).parent / "partnergraph"), "token", "create", "concurrency"],
        cwd=folder,
        env=_environment(),
        capture_output=True,
        text=True,
        check=True,
    )
    return made.stdout.strip()


def _environment() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PARTNERGRAPH_")}
    env["PARTNERGRAPH_DUMPS"] = "false"
    return env


@pytest.mark.slow
def test_concurrent_writers_and_readers_lose_nothing_and_never_go_back(
    tmp_path: Path, record_property: Callable[[str, object], None]
) -> None:
    with serve_copy(tmp_path, "--workers", "2", settings={"PARTNERGRAPH_DUMPS": "false"}) as served:
        token = _token(served.folder)
        out = Outcomes()
        done = threading.Event()
        readers = [
            threading.Thread(target=_read_loop, args=(served.base, n, done, out))
            for n in range(READERS)
        ]
        writers = [
            threading.Thread(target=_write_sequence, args=(served.base, token, n, out))
            for n in range(WRITERS)
        ]
        started = time.perf_counter()
        for thread in readers + writers:
            thread.start()
        for thread in writers:
            thread.join()
        elapsed = time.perf_counter() - started
        done.set()
        for thread in readers:
            thread.join()
        with served.client() as client:
            counted = client.get(
                "/sparql", params={"query": COMMENTS}, headers={"Accept": JSON_RESULTS}
            )
            final = client.get("/sparql", params={"query": COUNT}, headers={"Accept": JSON_RESULTS})
    total = WRITERS * WRITES_PER_WRITER
    record_property("writes", total)
    record_property("seconds", round(elapsed, 2))
    record_property("seconds_per_write", round(elapsed / total, 2))
    record_property("slowest_answer", round(max(out.seconds, default=0), 2))
    record_property("reads", out.reads)
    assert out.errors == []
    assert len(out.acknowledged) == total
    assert out.reads > 0

    # the log: exactly the acknowledged writes, in one chain of versions
    folder = served.folder
    checked = subprocess.run(
        [str(Path(sys.executable).parent / "partnergraph"), "log", "--verify"],
        cwd=folder,
        env=_environment(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    entries = list(log.entries(folder / "changes"))
    assert [e.number for e in entries] == list(range(1, total + 1))
    for earlier, later in itertools.pairwise(entries):
        assert later.before == earlier.after, f"change {later.number} lost an earlier change"
    by_number = {e.number: e for e in entries}
    for text, answer in out.acknowledged.items():
        entry = by_number[int(str(answer["change"]))]
        assert answer["version"] == entry.after
        assert text in entry.patch
    versions = [entries[0].before] + [e.after for e in entries]

    # every acknowledged write is served exactly once, and written once in graph/
    assert counted.status_code == 200
    rows = counted.json()["results"]["bindings"]
    assert {row["c"]["value"]: int(row["n"]["value"]) for row in rows} == dict.fromkeys(
        out.acknowledged, 1
    )
    assert version_of(final.headers["ETag"]) == versions[-1][:32]
    files = "".join(p.read_text(encoding="utf-8") for p in (folder / "graph").glob("*.trig"))
    for text in out.acknowledged:
        assert len(re.findall(re.escape(f'"{text}"@en'), files)) == 1, text
    assert build(settings_in(folder), write=False).version == versions[-1]

    # readers only ever moved forward, through versions the log made
    order = {version[:32]: index for index, version in enumerate(versions)}
    assert len({v for seen in out.seen.values() for v in seen}) > 1, "no read during the writes"
    for reader, seen in out.seen.items():
        unknown = [v for v in seen if v not in order]
        assert unknown == [], f"reader {reader} saw versions the log never made"
        steps = [order[v] for v in seen]
        assert steps == sorted(steps), f"reader {reader} went back to an older version"
