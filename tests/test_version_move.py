"""Moving to a new version where opening a version starts an engine: the
``virtuoso-server`` backend (a Virtuoso per snapshot, started and bulk-loaded by
partnergraph) and ``Served.follow``, which makes the move in a thread of its own while
requests wait for it at most ``version_wait`` seconds.

Everything here is real: Debian's ``virtuoso-opensource`` started by the backend on
127.0.0.1, the app made by ``create_app`` over the web fixture graph, new versions made
as snapshots and made current the way ``partnergraph switch`` does.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from flask import Flask

from partnergraph import formats, snapshots
from partnergraph.errors import StoreUnavailable
from partnergraph.settings import load
from partnergraph.snapshots import Snapshot
from partnergraph.store import engine_processes, open_store
from partnergraph.store.base import QueryForm, QueryRequest, StoreSpec
from partnergraph.store.virtuoso_server import ENGINES, VirtuosoServerStore
from partnergraph.web import state as state_module
from partnergraph.web.state import served
from partnergraph.web.system import HEALTH_WAIT_SECONDS

from .virtuoso_server import installed
from .webapp import web_app, web_config

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
CSV = {"Accept": "text/csv"}
JSON = formats.by_key("json")


@pytest.fixture(autouse=True)
def _virtuoso_installed() -> None:
    installed()


def another_version(app: Flask, folder: Path, drop: int = 1) -> Snapshot:
    """A snapshot of the served data less its first ``drop`` quads (another version)."""
    first = served(app).current.snapshot
    lines = first.data_file.read_bytes().splitlines(keepends=True)
    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / "partnergraph.nq"
    copy.write_bytes(b"".join(lines[drop:]))
    return snapshots.of_file(served(app).settings, copy)


def version_of(response: httpx.Response | object) -> str:
    etag: str = response.headers["ETag"]  # type: ignore[attr-defined]
    return etag.strip('W/"')[:32]


def count_of(text: str) -> int:
    return int(text.splitlines()[1])


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    with web_app("virtuoso-server", tmp_path / "out", version_wait=30) as made:
        yield made


def engines_running(app: Flask) -> list[Path]:
    """The database folders of the Virtuoso servers the app runs."""
    return sorted((served(app).settings.output_dir / ENGINES).glob("virtuoso-*"))


def test_a_snapshot_gets_a_virtuoso_of_its_own_loaded_with_its_data(app: Flask) -> None:
    current = served(app).current
    store = current.service._store
    assert isinstance(store, VirtuosoServerStore)
    assert engine_processes.running(store.process.pid)
    answer = app.test_client().get("/sparql", query_string={"query": COUNT}, headers=CSV)
    assert answer.status_code == 200, answer.text
    assert count_of(answer.text) == current.snapshot.quads
    assert [store.engine.folder] == engines_running(app)
    listen = {line.split()[1] for line in Path("/proc/net/tcp").read_text().splitlines()[1:]}
    port = int(store.endpoint.rsplit(":", 1)[1].split("/")[0])
    assert f"0100007F:{port:04X}" in listen  # 127.0.0.1 only


def test_a_request_during_a_move_waits_for_it_and_answers_from_the_new_version(
    app: Flask, tmp_path: Path
) -> None:
    before = served(app).current
    old = before.service._store
    assert isinstance(old, VirtuosoServerStore)
    new = another_version(app, tmp_path / "new")
    snapshots.switch(served(app).settings, new)
    asked = time.monotonic()
    answer = app.test_client().get("/sparql", query_string={"query": COUNT}, headers=CSV)
    waited = time.monotonic() - asked
    assert answer.status_code == 200, answer.text
    assert version_of(answer) == new.version[:32]
    assert count_of(answer.text) == new.quads == before.snapshot.quads - 1
    assert waited > 0.5  # a Virtuoso was started and loaded meanwhile
    assert len(engines_running(app)) == 2  # the old one serves what began on it
    old.close()  # what the retirement does after request_timeout
    assert not engine_processes.running(old.process.pid)
    assert engines_running(app) == [served(app).current.service._store.engine.folder]  # type: ignore[union-attr]


def test_the_health_check_waits_for_a_move_at_most_a_second(app: Flask, tmp_path: Path) -> None:
    """HAProxy gives a check 3 s (``timeout check``) and takes a replica out after two
    failures: a check that waited ``version_wait`` (30 s here) for a Virtuoso to load
    would take every moving reader out at once (as benchmarks/version_move.py saw at
    1 000 000 triples). It waits at most ``HEALTH_WAIT_SECONDS``, then says the
    version it serves; the move it started goes on."""
    before = served(app).current.snapshot
    new = another_version(app, tmp_path / "new")
    snapshots.switch(served(app).settings, new)
    client = app.test_client()
    asked = time.monotonic()
    checked = client.get("/-/health")
    assert time.monotonic() - asked < HEALTH_WAIT_SECONDS + 0.5
    assert checked.status_code == 200
    assert checked.get_json()["snapshot"]["version"] in (before.version, new.version)
    deadline = time.monotonic() + 60
    while client.get("/-/health").get_json()["snapshot"]["version"] != new.version:
        assert time.monotonic() < deadline, "the move the health check started did not end"
        time.sleep(0.1)


def test_past_version_wait_a_request_is_answered_from_the_version_before(
    tmp_path: Path,
) -> None:
    with web_app("virtuoso-server", tmp_path / "out", version_wait=0) as app:
        before = served(app).current.snapshot
        new = another_version(app, tmp_path / "new")
        snapshots.switch(served(app).settings, new)
        client = app.test_client()
        first = client.get("/sparql", query_string={"query": COUNT}, headers=CSV)
        assert version_of(first) == before.version[:32]
        assert count_of(first.text) == before.quads  # whole, and of the version it names
        deadline = time.monotonic() + 60
        seen = [version_of(first)]
        while seen[-1] != new.version[:32] and time.monotonic() < deadline:
            answer = client.get("/sparql", query_string={"query": COUNT}, headers=CSV)
            assert count_of(answer.text) == (
                new.quads if version_of(answer) == new.version[:32] else before.quads
            )
            seen.append(version_of(answer))
            time.sleep(0.05)
        assert seen[-1] == new.version[:32], "the move did not end"
        assert seen == sorted(seen, key=[before.version[:32], new.version[:32]].index)


def test_a_move_that_fails_keeps_the_version_before_and_is_tried_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(state_module, "RETRY_SECONDS", 1.0)
    with web_app("virtuoso-server", tmp_path / "out", version_wait=30) as app:
        before = served(app).current.snapshot
        new = another_version(app, tmp_path / "new")
        monkeypatch.setenv("PATH", str(tmp_path / "nothing"))  # virtuoso-t cannot be found
        snapshots.switch(served(app).settings, new)
        client = app.test_client()
        with caplog.at_level(logging.ERROR, logger="partnergraph.web.state"):
            failed = client.get("/sparql", query_string={"query": COUNT}, headers=CSV)
        assert failed.status_code == 200
        assert version_of(failed) == before.version[:32]
        assert "could not move to the new version" in caplog.text
        assert "Virtuoso is not installed" in caplog.text
        asked = time.monotonic()
        again = client.get("/sparql", query_string={"query": COUNT}, headers=CSV)
        assert time.monotonic() - asked < 0.5  # not tried again within RETRY_SECONDS
        assert version_of(again) == before.version[:32]
        monkeypatch.undo()
        monkeypatch.setattr(state_module, "RETRY_SECONDS", 1.0)
        time.sleep(1.1)
        moved = client.get("/sparql", query_string={"query": COUNT}, headers=CSV)
        assert version_of(moved) == new.version[:32]
        assert count_of(moved.text) == new.quads


KILLED = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from partnergraph.settings import load
    from partnergraph.store import open_store
    from partnergraph.store.base import StoreSpec
    settings = load({"output_dir": sys.argv[1], "store": "virtuoso-server"}, environ={})
    store = open_store(StoreSpec("virtuoso-server", data_file=Path(sys.argv[2])), settings)
    print(store.process.pid, store.engine.folder, flush=True)
    time.sleep(600)
    """
)


def test_a_killed_process_leaves_no_engine_and_its_database_is_removed_later(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data.nq"
    data.write_text('<urn:x:s> <urn:x:p> "o" <urn:x:g> .\n', encoding="utf-8")
    opener = subprocess.Popen(
        [sys.executable, "-c", KILLED, str(tmp_path / "out"), str(data)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert opener.stdout is not None
        pid, folder = opener.stdout.readline().split()
    finally:
        os.kill(opener.pid, signal.SIGKILL)
        opener.wait()
        if opener.stdout is not None:
            opener.stdout.close()
    deadline = time.monotonic() + 15
    while engine_processes.running(int(pid)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not engine_processes.running(int(pid)), "the engine outlived its process"
    assert Path(folder).is_dir()  # nobody could remove it
    settings = load({"output_dir": tmp_path / "out", "store": "virtuoso-server"}, environ={})
    store = open_store(StoreSpec("virtuoso-server", data_file=data), settings)
    try:
        assert not Path(folder).exists()
        answer = store.query(
            QueryRequest("ASK { GRAPH <urn:x:g> { <urn:x:s> <urn:x:p> 'o' } }", QueryForm.ASK),
            JSON,
        )
        assert b"true" in answer.body
    finally:
        store.close()
    assert not store.engine.folder.exists()


def test_the_snapshot_data_file_is_needed(tmp_path: Path) -> None:
    settings = load(web_config(tmp_path / "out", store="virtuoso-server"), environ={})
    with pytest.raises(StoreUnavailable, match="loads the snapshot's N-Quads"):
        open_store(StoreSpec("virtuoso-server", data_file=tmp_path / "missing.nq"), settings)
