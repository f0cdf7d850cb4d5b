"""Named graphs answer at their IRIs (``/graph/{name}``), as the pages link them.

Found by following the served product's links (issue 10, point 6): the graph column
of a named query's HTML answer links ``/graph/…``, which was a 404. Each graph's
document is compared with what the build output holds in that graph.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from flask import Flask
from flask.testing import FlaskClient

from partnergraph.terms import rdflib_graph

from .linkeddata import PARSERS, assert_isomorphic, built_store, parse, real_app
from .paths import BASE

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
SOURCE = "visualarkiv-lund-arkivbildare-69"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    with real_app("oxigraph", tmp_path_factory.mktemp("graphs")) as made:
        yield made


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def in_graph(app: Flask, name: str) -> ox.Store:
    store = ox.Store()
    graph = ox.NamedNode(BASE + "graph/" + name)
    store.extend(
        ox.Quad(q.subject, q.predicate, q.object)
        for q in built_store(app).quads_for_pattern(None, None, None, graph)
    )
    return store


@pytest.mark.parametrize("key", sorted(PARSERS))
def test_issue10_point6_a_named_graph_answers_its_triples(
    app: Flask, client: FlaskClient, key: str
) -> None:
    response = client.get(f"/graph/{SOURCE}", query_string={"format": key})
    assert response.status_code == 200, response.get_data(as_text=True)
    got = parse(client, response.data, key, BASE)
    assert_isomorphic(got, rdflib_graph(in_graph(app, SOURCE)))
    assert response.headers["ETag"]


def test_issue10_point6_a_named_graph_without_accept_is_turtle(client: FlaskClient) -> None:
    response = client.get(f"/graph/{SOURCE}")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/turtle")


def test_issue10_point6_a_browser_is_sent_to_the_page_of_the_graphs_source(
    client: FlaskClient,
) -> None:
    response = client.get(f"/graph/{SOURCE}", headers={"Accept": BROWSER})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/doc/source/{SOURCE}"
    assert client.get(response.headers["Location"], headers={"Accept": BROWSER}).status_code == 200
    vocabulary = client.get("/graph/vocabulary", headers={"Accept": BROWSER})
    assert vocabulary.status_code == 303
    assert vocabulary.headers["Location"] == "/doc/def"


def test_issue10_point6_a_graph_without_a_page_answers_its_triples_to_a_browser(
    client: FlaskClient,
) -> None:
    response = client.get("/graph/derived", headers={"Accept": BROWSER})
    assert response.status_code == 200
    # the browser's application/xml;q=0.9 is RDF/XML's alias, before */*
    assert response.headers["Content-Type"] == "application/rdf+xml; charset=utf-8"


@pytest.mark.parametrize("name", ["nope", "Derived", "..", "derived.ttl"])
def test_an_unknown_named_graph_is_a_404(client: FlaskClient, name: str) -> None:
    response = client.get(f"/graph/{name}")
    assert response.status_code == 404
    assert response.get_json()["error"]["status"] == 404
