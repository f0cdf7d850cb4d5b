"""Snapshots, served: a restart on unchanged data builds nothing, and a server switches
between snapshots under load without a failed request or an answer of the wrong version.

``partnergraph serve`` (two gunicorn workers) runs in a copy of the project, as the
README starts it. A second snapshot is built beside the first (the same graph
without the personal data graph: fewer quads), then ``partnergraph switch`` moves
the server between the two twenty times while four clients query it. Every answer
names its version in its ``ETag``; its count must be that version's.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from .served import copy_project, serve_copy, serve_in

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
CSV = {"Accept": "text/csv"}
SWITCHES = 20

pytestmark = pytest.mark.serial  # it runs a server and many clients


def partnergraph(folder: Path, *args: str, **settings: str) -> str:
    """Run the ``partnergraph`` command in ``folder``; what it wrote to stderr."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARTNERGRAPH_")}
    env.update(settings)
    done = subprocess.run(
        [str(Path(sys.executable).parent / "partnergraph"), *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return done.stdout + done.stderr


def kept(folder: Path) -> dict[str, int]:
    """The kept snapshots: version → quads, from ``partnergraph snapshots``."""
    listing = partnergraph(folder, "snapshots")
    return {m[1]: int(m[2]) for m in re.finditer(r"^[* ] (\w+)  \S+  (\d+) quads$", listing, re.M)}


def count_of(response: httpx.Response) -> int:
    return int(response.text.splitlines()[1])


def test_issue11_a_restart_on_unchanged_data_builds_nothing(tmp_path: Path) -> None:
    with serve_copy(tmp_path) as served, served.client() as http:
        first = http.get("/-/health").json()["snapshot"]
        folder = served.folder
    assert "built and validated snapshot" in served.log.read_text(errors="replace")
    started = time.monotonic()
    with serve_in(folder, tmp_path / "again.log") as again, again.client() as http:
        answer = http.get("/sparql", params={"query": COUNT}, headers=CSV)
        took = time.monotonic() - started
        assert http.get("/-/health").json()["snapshot"] == first
    log = (tmp_path / "again.log").read_text(errors="replace")
    assert "inputs unchanged: serving snapshot " + first["version"][:12] in log
    assert "built and validated" not in log
    assert count_of(answer) == first["quads"]
    assert took < 10  # a build of the real graph alone takes longer; measured in benchmarks/


def test_issue11_twenty_switches_under_load_fail_nothing_and_mix_no_versions(
    tmp_path: Path,
) -> None:
    with serve_copy(
        tmp_path, "--workers", "2", settings={"PARTNERGRAPH_QUERY_WORKERS": "1"}
    ) as served:
        folder = served.folder
        partnergraph(folder, "build", PARTNERGRAPH_PERSONAL_DATA="false")
        quads = kept(folder)
        assert len(quads) == 2, quads
        assert len(set(quads.values())) == 2, quads
        versions = sorted(quads)
        stop = threading.Event()
        seen: list[tuple[str, int]] = []
        failures: list[str] = []

        def client(number: int) -> None:
            with served.client() as http:
                turn = 0
                while not stop.is_set():
                    turn += 1
                    # every other request is new to the result cache: the engine answers
                    query = COUNT if turn % 2 else f"{COUNT} LIMIT {number * 100_000 + turn}"
                    try:
                        response = http.get("/sparql", params={"query": query}, headers=CSV)
                    except httpx.HTTPError as exc:
                        failures.append(f"client {number}: {exc!r}")
                        continue
                    if response.status_code != 200:
                        failures.append(f"client {number}: {response.status_code} {response.text}")
                        continue
                    tag = response.headers["ETag"].strip('"').split("-")[0]
                    seen.append((tag, count_of(response)))

        threads = [threading.Thread(target=client, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        try:
            for turn in range(SWITCHES):
                partnergraph(folder, "switch", versions[turn % 2])
                time.sleep(0.2)
        finally:
            stop.set()
            for thread in threads:
                thread.join(60)

    assert not failures, failures[:5]
    expected = {version[:32]: n for version, n in quads.items()}
    wrong = [(tag, n) for tag, n in seen if expected.get(tag) != n]
    assert not wrong, wrong[:5]
    assert {tag for tag, _ in seen} == set(expected)  # both versions were served
    assert len(seen) > 100


def test_issue11_serve_runs_from_any_folder(tmp_path: Path) -> None:
    """No server.py where it runs: the folders are settings."""
    project = copy_project(tmp_path / "project")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    settings = {
        "PARTNERGRAPH_GRAPH_DIR": str(project / "graph"),
        "PARTNERGRAPH_SHAPES_DIR": str(project / "shapes"),
        "PARTNERGRAPH_QUERIES_DIR": str(project / "queries"),
    }
    with (
        serve_in(elsewhere, tmp_path / "serve.log", settings=settings) as served,
        served.client() as http,
    ):
        answer = http.get("/sparql", params={"query": COUNT}, headers=CSV)
        assert answer.status_code == 200
        assert count_of(answer) > 2500
    assert (elsewhere / "out" / "snapshots" / "current").is_file()
