"""Content negotiation on every negotiated route family: media-type parameters
other than ``q`` never stop a match (RFC 9110 §12.5.1), while q-values, ``q=0``
and wildcards keep working.

Issue 10, point 7: ``Accept: application/sparql-results+json; charset=utf-8`` was a
406 (Werkzeug matches an accepted media type with parameters only to an offer
with the very same parameters), and so were ``text/turtle; charset=utf-8`` on a
resource, ``text/html; charset=UTF-8`` on a page, ``application/json;
charset=utf-8`` on the API and ``text/turtle;charset=utf-8`` on a CONSTRUCT.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from partnergraph.web.negotiation import accepted, prefers_html
from partnergraph.web.state import state

from .paths import BASE
from .realapp import real_app

LUND = BASE + "id/city/lund"
SELECT = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1"
ASK = "ASK { ?s ?p ?o }"
CONSTRUCT = "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1"
DESCRIBE = f"DESCRIBE <{LUND}>"
JSONLD_PROFILE = 'application/ld+json; profile="http://www.w3.org/ns/json-ld#compacted"'


def sparql(query: str) -> str:
    return "/sparql?" + urlencode({"query": query})


#: (route, Accept with parameters, the media type that must answer). Every route
#: family that negotiates: the endpoint (each query form and the service
#: description), resources and their documents, pages, the API, the dumps'
#: listings, the limits, the dataset description and the shapes.
CASES = [
    (
        sparql(SELECT),
        "application/sparql-results+json; charset=utf-8",
        "application/sparql-results+json",
    ),
    (sparql(SELECT), "text/csv; charset=utf-8; header=present", "text/csv"),
    (sparql(ASK), "application/sparql-results+xml;charset=UTF-8", "application/sparql-results+xml"),
    (sparql(CONSTRUCT), "text/turtle;charset=utf-8", "text/turtle"),
    (sparql(DESCRIBE), "application/n-triples; charset=utf-8", "application/n-triples"),
    ("/sparql", "text/turtle; charset=utf-8", "text/turtle"),
    ("/sparql", "text/html; charset=UTF-8", "text/html"),
    ("/doc/city/lund", "text/turtle; charset=utf-8", "text/turtle"),
    ("/doc/city/lund", "text/html; charset=UTF-8", "text/html"),
    ("/doc/city/lund", JSONLD_PROFILE, "application/ld+json"),
    ("/doc/def", "text/html; charset=UTF-8", "text/html"),
    ("/doc/def/Partnership", "application/rdf+xml; charset=utf-8", "application/rdf+xml"),
    ("/", "text/html; charset=UTF-8", "text/html"),
    ("/api/queries", "application/json; charset=utf-8", "application/json"),
    ("/api/queries", "text/html; charset=utf-8", "text/html"),
    ("/api/queries/dataset-statistics", "application/json; charset=utf-8", "application/json"),
    ("/api/queries/dataset-statistics", "text/csv; charset=utf-8", "text/csv"),
    ("/api/queries/dataset-statistics", "text/html; charset=UTF-8", "text/html"),
    ("/dumps/", "text/html; charset=UTF-8", "text/html"),
    ("/dumps/", "application/json; charset=utf-8", "application/json"),
    ("/-/limits", "text/html; charset=UTF-8", "text/html"),
    ("/-/limits", "application/json; charset=utf-8", "application/json"),
    ("/.well-known/void", "text/turtle; charset=utf-8", "text/turtle"),
    ("/.well-known/void", "application/ld+json;charset=utf-8", "application/ld+json"),
    ("/shapes", "text/turtle; charset=utf-8", "text/turtle"),
    ("/shapes", "text/html; charset=UTF-8", "text/html"),
    ("/graph/vocabulary", "text/turtle; charset=utf-8", "text/turtle"),
]


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    with real_app("oxigraph", tmp_path_factory.mktemp("negotiation")) as made:
        yield made


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def get(client: FlaskClient, url: str, accept: str) -> TestResponse:
    response = client.get(url, headers={"Accept": accept})
    response.get_data()
    response.close()
    return response


@pytest.mark.parametrize(("url", "accept", "media_type"), CASES)
def test_issue10_point7_parameters_other_than_q_do_not_stop_a_match(
    client: FlaskClient, url: str, accept: str, media_type: str
) -> None:
    response = get(client, url, accept)

    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == media_type


def test_issue10_point7_a_release_page_and_a_resource_negotiate_with_parameters(
    app: Flask, client: FlaskClient
) -> None:
    release = state(app).release
    assert release is not None
    page = get(client, f"/dumps/{release.id}/", "text/html; charset=utf-8")
    assert (page.status_code, page.mimetype) == (200, "text/html")
    manifest = get(client, f"/dumps/{release.id}/", "application/json; charset=utf-8")
    assert (manifest.status_code, manifest.mimetype) == (200, "application/json")
    see_other = get(client, "/id/city/lund", "text/turtle; charset=utf-8")
    assert see_other.status_code == 303
    unknown = get(client, "/id/city/nowhere", "text/turtle; charset=utf-8")
    assert (unknown.status_code, unknown.mimetype) == (404, "text/turtle")


@pytest.mark.parametrize(
    ("url", "accept", "media_type"),
    [
        # q=0 still refuses, whatever the parameters.
        (
            "/doc/city/lund",
            "text/turtle;charset=utf-8;q=0, application/n-triples",
            "application/n-triples",
        ),
        # q-values still order.
        (
            "/doc/city/lund",
            "text/turtle; charset=utf-8; q=0.5, application/ld+json;q=0.9",
            "application/ld+json",
        ),
        ("/api/queries/dataset-statistics", "text/html;charset=utf-8;q=0.5, text/csv", "text/csv"),
        # wildcards with parameters still match, canonical types first.
        (sparql(SELECT), "text/*; charset=utf-8", "text/csv"),
        (sparql(CONSTRUCT), "*/*; charset=utf-8", "text/turtle"),
        # the same type twice: its highest q-value counts.
        (
            "/doc/city/lund",
            "text/turtle;charset=latin1;q=0.1, text/turtle;q=1, application/n-triples;q=0.5",
            "text/turtle",
        ),
    ],
)
def test_issue10_point7_q_values_and_wildcards_keep_working(
    client: FlaskClient, url: str, accept: str, media_type: str
) -> None:
    response = get(client, url, accept)

    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == media_type


@pytest.mark.parametrize(
    ("url", "accept"),
    [
        (sparql(SELECT), "text/turtle; charset=utf-8"),
        (sparql(CONSTRUCT), "text/csv;charset=utf-8"),
        ("/doc/city/lund", "image/png; charset=utf-8"),
        ("/api/queries/dataset-statistics", "application/xml; charset=utf-8"),
        ("/doc/city/lund", "text/turtle;charset=utf-8;q=0"),
    ],
)
def test_issue10_point7_what_nothing_can_carry_is_still_a_406(
    client: FlaskClient, url: str, accept: str
) -> None:
    assert get(client, url, accept).status_code == 406


def test_issue10_point7_accepted_drops_parameters_and_keeps_q(app: Flask) -> None:
    accept = 'text/turtle; charset="utf-8"; q=0.5, text/*;level=1;q=0.2, */*;q=0'
    with app.test_request_context(headers={"Accept": accept}):
        parsed = accepted()
        assert sorted(parsed) == [("*/*", 0), ("text/*", 0.2), ("text/turtle", 0.5)]
        assert parsed.best_match(["text/csv", "text/turtle"]) == "text/turtle"
        assert parsed.best_match(["application/json"]) is None
    with app.test_request_context():
        assert not accepted().provided
        assert not prefers_html()
    with app.test_request_context(headers={"Accept": "text/html; charset=UTF-8"}):
        assert prefers_html()
