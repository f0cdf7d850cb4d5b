"""SPARQL 1.1 Update on /sparql, the Graph Store Protocol on /store, /changes: the HTTP side.

The app is the real one (``create_app``) over a writable copy of the project; every
refusal is checked to have changed nothing (no log entry, the same version).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from partnergraph import snapshots
from partnergraph.app import create_app
from partnergraph.settings import Settings
from partnergraph.writes import log
from partnergraph.writes.tokens import create

from .webapp import clean_environment
from .writing import (
    LAHTI_GRAPH,
    NEW_PARTNERSHIP,
    PARTNERSHIP_WITHOUT_PARTIES,
    Project,
    built_template,
    project_from,
)

UPDATE = "application/sparql-update"
FORM = "application/x-www-form-urlencoded"
NEW_GRAPH = "https://w3id.org/partnergraph/graph/lund-http-source"
SOURCE_TTL = b"""@prefix pg: <https://w3id.org/partnergraph/def/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<https://w3id.org/partnergraph/id/source/lund-http-source> a pg:SourceDocument ;
    rdfs:label "A source sent over HTTP"@en ;
    <https://schema.org/url> <https://example.org/lund-http-source> ;
    dcterms:source <https://w3id.org/partnergraph/id/source/lund-http-source> .
"""


def app_config(settings: Settings, *more: str) -> dict[str, Any]:
    """The app's settings over a project copy (one query process)."""
    names = ("graph_dir", "shapes_dir", "queries_dir", "output_dir", "changes_dir")
    config: dict[str, Any] = {
        n: getattr(settings, n) for n in (*names, "tokens_file", "dumps", *more)
    }
    config["query_workers"] = 1
    return config


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built_template(tmp_path_factory.mktemp("template") / "project")


@pytest.fixture
def project(template: Path, tmp_path: Path) -> Project:
    return project_from(template, tmp_path / "project")


@pytest.fixture
def app(project: Project) -> Iterator[Flask]:
    config = app_config(project.settings)
    with clean_environment():
        yield create_app(config)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def token(project: Project) -> str:
    return create(project.settings, "tester")


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _nothing_changed(project: Project, version: str | None) -> None:
    assert list(log.entries(project.settings.changes_dir)) == []
    assert snapshots.current_version(project.settings) == version


def test_an_update_with_a_token_is_committed_and_served(
    client: FlaskClient, project: Project, token: str
) -> None:
    answer = client.post("/sparql", data=NEW_PARTNERSHIP, content_type=UPDATE, headers=_auth(token))
    assert answer.status_code == 200, answer.text
    body = answer.get_json()
    assert body["changed"]
    assert body["change"] == 1
    assert body["added"] == 6
    ask = "ASK { <https://w3id.org/partnergraph/id/partnership/lahti-lund> ?p ?o }"
    seen = client.get(
        "/sparql",
        query_string={"query": ask},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert seen.get_json()["boolean"] is True
    assert body["version"][:32] in seen.headers["ETag"]
    listed = client.get("/changes", headers={"Accept": "application/json"}).get_json()
    assert [c["number"] for c in listed["changes"]] == [1]
    patch = client.get("/changes/1?format=patch")
    assert patch.mimetype == "application/rdf-patch"
    assert "A <https://w3id.org/partnergraph/id/partnership/lahti-lund>" in patch.text
    assert client.get("/changes").mimetype == "text/html"


def test_a_form_update_with_using_graph_uri(
    client: FlaskClient, project: Project, token: str
) -> None:
    update = (
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
        f'INSERT {{ GRAPH <{LAHTI_GRAPH}> {{ ?s rdfs:comment "seen"@en }} }} '
        "WHERE { ?s a <https://w3id.org/partnergraph/def/SourceDocument> }"
    )
    answer = client.post(
        "/sparql",
        data={"update": update, "using-graph-uri": LAHTI_GRAPH},
        headers=_auth(token),
    )
    assert answer.status_code == 200, answer.text
    assert answer.get_json()["added"] == 1  # only the source described in that graph


def test_a_write_without_a_valid_token_is_401_and_changes_nothing(
    client: FlaskClient, project: Project, token: str
) -> None:
    version = snapshots.current_version(project.settings)
    for headers in (
        {},
        {"Authorization": "Bearer pg_not-a-token"},
        {"Authorization": "Basic eDp5"},
    ):
        answer = client.post("/sparql", data=NEW_PARTNERSHIP, content_type=UPDATE, headers=headers)
        assert answer.status_code == 401
        assert answer.headers["WWW-Authenticate"].startswith("Bearer")
        answer = client.put(
            f"/store?graph={NEW_GRAPH}",
            data=SOURCE_TTL,
            content_type="text/turtle",
            headers=headers,
        )
        assert answer.status_code == 401
    _nothing_changed(project, version)


def test_an_invalid_update_is_422_with_the_report(
    client: FlaskClient, project: Project, token: str
) -> None:
    version = snapshots.current_version(project.settings)
    answer = client.post(
        "/sparql", data=PARTNERSHIP_WITHOUT_PARTIES, content_type=UPDATE, headers=_auth(token)
    )
    assert answer.status_code == 422
    body = answer.get_json()
    focus = [f["focus"] for f in body["report"]["results"]]
    assert any("lahti-nowhere" in f for f in focus), body
    turtle = client.post(
        "/sparql",
        data=PARTNERSHIP_WITHOUT_PARTIES,
        content_type=UPDATE,
        headers={**_auth(token), "Accept": "text/turtle"},
    )
    assert turtle.status_code == 422
    assert turtle.mimetype == "text/turtle"
    assert "sh:ValidationReport" in turtle.text or "ValidationReport" in turtle.text
    _nothing_changed(project, version)


@pytest.mark.parametrize(
    ("method", "kwargs", "status"),
    [
        ("get", {"query_string": {"update": "CLEAR ALL"}}, 405),
        ("post", {"data": {"update": "CLEAR ALL", "query": "ASK {}"}}, 400),
        ("post", {"data": "update=CLEAR+ALL&update=CLEAR+ALL", "content_type": FORM}, 400),
        ("post", {"data": "CLEAR ALL", "content_type": "text/plain"}, 415),
        ("post", {"data": "CLEAR ALL"}, 415),
        (
            "post",
            {"data": "CLEAR ALL".encode("utf-16"), "content_type": UPDATE + "; charset=UTF-16"},
            415,
        ),
        (
            "post",
            {
                "data": b'INSERT DATA { GRAPH <http://g> { <http://s> <http://p> "\xff" } }',
                "content_type": UPDATE,
            },
            400,
        ),
        ("post", {"data": "LOAD <http://example.org/x.ttl>", "content_type": UPDATE}, 400),
        ("post", {"data": "INSERT DATA { <http://s> <http://p> 1 }", "content_type": UPDATE}, 400),
    ],
)
def test_protocol_errors_are_4xx_and_execute_nothing(
    client: FlaskClient,
    project: Project,
    token: str,
    method: str,
    kwargs: dict[str, Any],
    status: int,
) -> None:
    version = snapshots.current_version(project.settings)
    answer = getattr(client, method)("/sparql", headers=_auth(token), **kwargs)
    assert answer.status_code == status, answer.text
    assert answer.get_json()["error"]["detail"]
    _nothing_changed(project, version)


def test_graph_store_put_get_post_delete(client: FlaskClient, project: Project, token: str) -> None:
    url = f"/store?graph={NEW_GRAPH}"
    assert client.get(url).status_code == 404
    assert client.head(url).status_code == 404
    made = client.put(url, data=SOURCE_TTL, content_type="text/turtle", headers=_auth(token))
    assert made.status_code == 201, made.text
    got = client.get(url)
    assert got.status_code == 200
    assert got.mimetype == "text/turtle"
    assert "A source sent over HTTP" in got.text
    head = client.head(url)
    assert head.status_code == 200
    assert head.data == b""
    assert head.headers["Content-Type"] == got.headers["Content-Type"]
    replaced = client.put(url, data=SOURCE_TTL, content_type="text/turtle", headers=_auth(token))
    assert replaced.status_code == 204
    more = SOURCE_TTL.replace(b"A source sent over HTTP", b"Une source")
    merged = client.post(
        url, data=more.replace(b'"@en', b'"@sv'), content_type="text/turtle", headers=_auth(token)
    )
    assert merged.status_code == 204, merged.text
    assert "Une source" in client.get(url).text
    assert client.delete(url, headers=_auth(token)).status_code == 204
    assert client.get(url).status_code == 404
    assert client.delete(url, headers=_auth(token)).status_code == 404
    numbers = [e.number for e in log.entries(project.settings.changes_dir)]
    assert numbers == [1, 2, 3]  # the same PUT twice changed nothing the second time


def test_graph_store_refusals(client: FlaskClient, project: Project, token: str) -> None:
    version = snapshots.current_version(project.settings)
    url = f"/store?graph={NEW_GRAPH}"
    assert (
        client.put(
            url, data=SOURCE_TTL, content_type="text/x-unknown", headers=_auth(token)
        ).status_code
        == 415
    )
    broken = client.put(url, data=b"<a> <b> .\n", content_type="text/turtle", headers=_auth(token))
    assert broken.status_code == 400
    assert "line 1" in broken.get_json()["error"]["detail"]
    assert (
        client.put(
            "/store?default", data=SOURCE_TTL, content_type="text/turtle", headers=_auth(token)
        ).status_code
        == 405
    )
    assert (
        client.put(
            "/store?graph=not-absolute",
            data=SOURCE_TTL,
            content_type="text/turtle",
            headers=_auth(token),
        ).status_code
        == 400
    )
    laughs = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]><r/>'
    assert (
        client.put(
            url, data=laughs, content_type="application/rdf+xml", headers=_auth(token)
        ).status_code
        == 400
    )
    remote = b'{"@context": "https://schema.org/", "@id": "http://x/a", "name": "x"}'
    answer = client.put(url, data=remote, content_type="application/ld+json", headers=_auth(token))
    assert answer.status_code == 400
    assert "remote" in answer.get_json()["error"]["detail"]
    deep = b'{"@id": "http://x/a", "http://x/p": ' + b"[" * 100 + b"]" * 100 + b"}"
    assert (
        client.put(
            url, data=deep, content_type="application/ld+json", headers=_auth(token)
        ).status_code
        == 400
    )
    blank = b'[] <http://www.w3.org/2000/01/rdf-schema#label> "x" .'
    assert (
        client.put(url, data=blank, content_type="text/turtle", headers=_auth(token)).status_code
        == 400
    )
    _nothing_changed(project, version)


def test_get_without_accept_answers_turtle_and_default_graph_is_readable(
    client: FlaskClient,
) -> None:
    got = client.get(f"/store?graph={LAHTI_GRAPH}")
    assert got.status_code == 200
    assert got.mimetype == "text/turtle"
    assert client.get("/store?default").status_code == 200
    assert client.get("/store").status_code == 400


def test_post_to_the_store_makes_a_new_graph(client: FlaskClient, token: str) -> None:
    made = client.post("/store", data=SOURCE_TTL, content_type="text/turtle", headers=_auth(token))
    assert made.status_code == 201, made.text
    graph = made.headers["Location"]
    assert graph.startswith("https://w3id.org/partnergraph/graph/")
    assert client.get("/store", query_string={"graph": graph}).status_code == 200


def test_markup_in_a_literal_is_stored_as_text_and_shown_escaped(
    client: FlaskClient, token: str
) -> None:
    markup = "<script>alert(1)</script>"
    evil = SOURCE_TTL.replace(b"A source sent over HTTP", markup.encode())
    url = f"/store?graph={NEW_GRAPH}"
    put = client.put(url, data=evil, content_type="text/turtle", headers=_auth(token))
    assert put.status_code == 201
    lahti = "<https://w3id.org/partnergraph/id/city/lahti>"
    comment = (
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> INSERT DATA { GRAPH "
        f'<{LAHTI_GRAPH}> {{ {lahti} rdfs:comment "{markup}"@en }} }}'
    )
    update = client.post("/sparql", data=comment, content_type=UPDATE, headers=_auth(token))
    assert update.status_code == 200, update.text
    stored = client.get(
        "/sparql",
        query_string={"query": f'ASK {{ ?s ?p "{markup}"@en }}'},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert stored.get_json()["boolean"] is True  # stored as the text it is
    pages = [
        "/doc/source/lund-http-source",
        "/doc/city/lahti",
        "/changes",
        "/changes/1",
        "/changes/2",
        "/api/queries/describe-resource?resource=https://w3id.org/partnergraph/id/city/lahti",
        "/?q=script",
        "/",
    ]
    for path in pages:
        page = client.get(path, headers={"Accept": "text/html"}, follow_redirects=True)
        assert page.status_code == 200, path
        assert markup not in page.text, f"{path} shows the markup as markup"
    shown = client.get("/doc/city/lahti", headers={"Accept": "text/html"}).text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown


def test_undo_over_http(client: FlaskClient, project: Project, token: str) -> None:
    version = snapshots.current_version(project.settings)
    client.post("/sparql", data=NEW_PARTNERSHIP, content_type=UPDATE, headers=_auth(token))
    assert client.post("/changes/1/undo").status_code == 401
    undone = client.post("/changes/1/undo", headers=_auth(token))
    assert undone.status_code == 200, undone.text
    assert undone.get_json()["version"] == version
    assert client.post("/changes/1/undo", headers=_auth(token)).status_code == 409
    assert client.get("/changes/9").status_code == 404


def test_service_description_announces_updates(client: FlaskClient) -> None:
    text = client.get("/sparql", headers={"Accept": "text/turtle"}).text
    assert "SPARQL11Update" in text
    assert "/store" in text


def test_payload_limits_are_413_and_change_nothing(
    template: Path, tmp_path: Path, project: Project
) -> None:
    small = project_from(template, tmp_path / "small", max_write_quads=3, max_request_bytes=4000)
    s = small.settings
    config = app_config(s, "max_write_quads", "max_request_bytes")
    token = create(s, "tester")
    version = snapshots.current_version(s)
    with clean_environment():
        client = create_app(config).test_client()
    url = f"/store?graph={NEW_GRAPH}"
    too_many = client.put(url, data=SOURCE_TTL, content_type="text/turtle", headers=_auth(token))
    assert too_many.status_code == 413
    assert "3" in too_many.get_json()["error"]["detail"]
    big = b"# " + b"x" * 5000 + b"\n" + SOURCE_TTL
    too_big = client.put(url, data=big, content_type="text/turtle", headers=_auth(token))
    assert too_big.status_code == 413
    update = client.post("/sparql", data=NEW_PARTNERSHIP, content_type=UPDATE, headers=_auth(token))
    assert update.status_code == 413  # 6 quads, more than 3
    _nothing_changed(small, version)


def test_a_writes_release_of_dumps_follows_it(template: Path, tmp_path: Path) -> None:
    with_dumps = project_from(template, tmp_path / "dumps", dumps=True)
    s = with_dumps.settings
    from partnergraph.build import publish

    publish(s, rebuild=True)  # the template was built without dumps
    config = app_config(s)
    token = create(s, "tester")
    with clean_environment():
        client = create_app(config).test_client()
    first = client.get("/dumps/latest/", follow_redirects=False).headers["Location"]
    written = client.post(
        "/sparql", data=NEW_PARTNERSHIP, content_type=UPDATE, headers=_auth(token)
    )
    assert written.status_code == 200
    version = written.get_json()["version"]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        latest = client.get("/dumps/latest/", follow_redirects=False).headers["Location"]
        if latest != first:
            break
        time.sleep(0.2)
    assert latest != first, "the release of the write's version was not written"
    release = latest.rstrip("/").rsplit("/", 1)[-1]
    assert version.startswith(release)
    void = client.get("/.well-known/void", headers={"Accept": "text/turtle"}).text
    assert f"dumps/{release}/" in void
    assert "/changes" in void
