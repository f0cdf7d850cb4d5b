"""System pages: /-/health and /-/limits (where a cut result links to)."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator

import pytest
from flask import Flask

from .webapp import web_app


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    with web_app("oxigraph", tmp_path_factory.mktemp("system"), row_cap=3) as made:
        yield made


def test_health_reports_starting_then_ok(app: Flask) -> None:
    client = app.test_client()
    deadline = time.monotonic() + 30
    response = client.get("/-/health")
    while response.status_code == 503 and time.monotonic() < deadline:
        assert response.get_json()["status"] == "starting"
        time.sleep(0.1)
        response = client.get("/-/health")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["backend"] == "oxigraph"
    assert body["triples"] > 0
    assert response.headers["Cache-Control"] == "no-store"


def test_limits_page_lists_the_limits_in_force(app: Flask) -> None:
    client = app.test_client()
    page = client.get("/-/limits", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert page.mimetype == "text/html"
    text = page.get_data(as_text=True)
    assert 'id="row-cap"' in text
    assert "<code>row_cap</code>: 3" in text
    data = client.get("/-/limits", headers={"Accept": "application/json"}).get_json()
    assert data["limits"]["row_cap"] == 3
    assert data["limits"]["allow_federation"] is False


def test_a_cut_result_links_to_the_limits_page(app: Flask) -> None:
    client = app.test_client()
    response = client.get(
        "/sparql",
        query_string={"query": "SELECT * WHERE { ?s ?p ?o }"},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert response.status_code == 200
    assert response.headers["X-Partnergraph-Truncated"] == "true"
    link = response.get_json()["head"]["link"]
    assert link == ["https://w3id.org/partnergraph/-/limits#row-cap"]
    assert client.get("/-/limits").status_code == 200


def dead(pid: int) -> bool:
    """Whether our child ``pid`` has ended, every thread of it (waitable, left unreaped).

    ``/proc/<pid>/stat`` says ``Z`` as soon as the main thread has exited, while
    the other threads of a killed worker may still be tearing down.
    """
    try:
        return os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None
    except ChildProcessError:  # reaped already
        return True


def test_issue10_point13_health_says_when_its_only_worker_was_killed(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    with web_app("oxigraph", tmp_path_factory.mktemp("health"), query_workers=1) as app:
        client = app.test_client()
        service = app.extensions["partnergraph"].service
        assert service.wait_ready(30)
        before = client.get("/-/health")
        assert before.status_code == 200
        assert before.get_json()["workers"]["ready"] == 1
        assert before.get_json()["snapshot"]["loaded"] is True
        [pid] = service.worker_pids()

        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while not dead(pid) and time.monotonic() < deadline:
            time.sleep(0.01)
        after = client.get("/-/health")

        assert after.status_code == 503, after.get_json()
        body = after.get_json()
        assert body["status"] in {"starting", "unavailable"}
        assert body["workers"]["ready"] == 0
        assert body["snapshot"] == {**before.get_json()["snapshot"], "loaded": False}
        assert after.headers["Retry-After"] == "1"
        deadline = time.monotonic() + 30  # the worker is replaced, and health says so
        while client.get("/-/health").status_code != 200 and time.monotonic() < deadline:
            time.sleep(0.1)
        healed = client.get("/-/health").get_json()
        assert healed["status"] == "ok"
        assert service.worker_pids() != [pid]
        assert client.get("/sparql", query_string={"query": "ASK {}"}).status_code == 200
