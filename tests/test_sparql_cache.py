"""The result cache as a client of ``/sparql`` and of the pages meets it.

Answers to identical requests on one snapshot come from the shared cache with the
headers of a fresh answer; a new snapshot has new keys; errors are never kept.
The served product's cache is exercised end to end by tests/test_served_snapshots.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from partnergraph import snapshots
from partnergraph.web.state import served, state

from .webapp import web_app

JSON = {"Accept": "application/sparql-results+json"}
LABELS = "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label }"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    with web_app("oxigraph", tmp_path_factory.mktemp("cache"), row_cap=3) as made:
        yield made


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def ask(client: FlaskClient, query: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    response = client.get("/sparql", query_string={"query": query}, headers={**JSON, **headers})
    return response.status_code, dict(response.headers), response.data


def test_issue11_a_repeated_request_is_a_hit_with_the_same_headers(client: FlaskClient) -> None:
    query = LABELS + " LIMIT 5"
    status, first, body = ask(client, query)
    assert status == 200
    assert first["Cache-Status"] == "partnergraph; fwd=miss"
    status, again, same = ask(client, query)
    assert again["Cache-Status"] == "partnergraph; hit"
    assert same == body
    for header in ("ETag", "Content-Type", "X-Partnergraph-Truncated", "Cache-Control"):
        assert again[header] == first[header]  # the row cap's notice too
    assert first["X-Partnergraph-Truncated"] == "true"
    assert b'"link"' in same
    assert first["Cache-Control"] == "public, no-cache"
    assert first["Server-Timing"].startswith("app;dur=")


def test_issue11_whitespace_and_comments_do_not_matter_strings_do(client: FlaskClient) -> None:
    base = 'SELECT ?s WHERE { ?s ?p "Lund" }'
    assert ask(client, base)[1]["Cache-Status"].endswith("miss")
    spaced = 'SELECT  ?s\n  WHERE {   # the city\n ?s ?p "Lund" }'
    assert ask(client, spaced)[1]["Cache-Status"] == "partnergraph; hit"
    other = 'SELECT ?s WHERE { ?s ?p "Lund " }'
    assert ask(client, other)[1]["Cache-Status"].endswith("miss")
    as_csv = ask(client, base, Accept="text/csv")[1]
    assert as_csv["Cache-Status"].endswith("miss")  # another format, another answer


def test_issue11_a_current_copy_revalidates_without_a_query(client: FlaskClient) -> None:
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o } LIMIT 7"
    _, first, _ = ask(client, query)
    status, again, body = ask(client, query, **{"If-None-Match": first["ETag"]})
    assert status == 304
    assert body == b""
    assert again["ETag"] == first["ETag"]


def test_issue11_errors_are_not_kept(client: FlaskClient) -> None:
    broken = "SELECT ?s WHERE { ?s ?p }"
    for _ in range(2):
        status, headers, _ = ask(client, broken)
        assert status == 400
        assert "Cache-Status" not in headers


def test_issue11_the_pages_use_the_same_cache(app: Flask, client: FlaskClient) -> None:
    cache = served(app).service._cache
    assert cache is not None
    before = cache.stats()
    assert client.get("/doc/city/lund", headers={"Accept": "text/html"}).status_code == 200
    assert client.get("/doc/city/lund", headers={"Accept": "text/html"}).status_code == 200
    after = cache.stats()
    assert after.stored > before.stored
    assert after.hits > before.hits


def test_issue11_a_new_snapshot_has_new_keys(app: Flask, tmp_path: Path) -> None:
    holder = served(app)
    first = state(app).snapshot
    query = LABELS + " LIMIT 6"
    assert ask(app.test_client(), query)[1]["Cache-Status"].endswith("miss")
    assert ask(app.test_client(), query)[1]["Cache-Status"].endswith("hit")
    copy = tmp_path / "partnergraph.nq"
    lines = first.data_file.read_bytes().splitlines(keepends=True)
    copy.write_bytes(b"".join(lines[1:]))  # one quad fewer: another version
    other = snapshots.of_file(holder.settings, copy)
    try:
        holder.switch(other)
        _, headers, _ = ask(app.test_client(), query)
        assert headers["Cache-Status"].endswith("miss")
        assert headers["ETag"].strip('"').startswith(other.version[:32])
    finally:
        holder.switch(first)
    assert ask(app.test_client(), query)[1]["Cache-Status"].endswith("hit")
