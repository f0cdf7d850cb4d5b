"""The /sparql endpoint speaks the SPARQL 1.1 Protocol exactly.

https://www.w3.org/TR/sparql11-protocol/ — query by GET, by form POST and by
direct POST, the RDF dataset parameters, HEAD, content negotiation and the
``format`` parameter, every client error as a 4xx in the one JSON error shape,
the limits on size and encoding, CORS, and the service description.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pyoxigraph as ox
import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from werkzeug.test import TestResponse

from partnergraph.settings import load
from partnergraph.web import service_description
from partnergraph.web.service_description import DatasetStats

from .paths import BASE
from .webapp import BACKENDS, web_app

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
JSON_RESULTS = "application/sparql-results+json; charset=utf-8"

CITIES = "SELECT ?city WHERE { ?city a <https://schema.org/City> } ORDER BY ?city"
ASK = "ASK { ?s ?p ?o }"
CONSTRUCT = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{BASE}graph/partnerships> {{ ?s ?p ?o }} }}"
DESCRIBE = f"DESCRIBE <{BASE}id/city/lund>"
TRIPLES = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"
TOWNS = BASE + "graph/towns"
PARTNERSHIPS = BASE + "graph/partnerships"


@pytest.fixture(scope="module", params=BACKENDS)
def backend_client(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[FlaskClient]:
    """A client of an app on each store backend."""
    with web_app(request.param, tmp_path_factory.mktemp(request.param)) as app:
        yield app.test_client()


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """An app on the default (oxigraph) backend."""
    with web_app("oxigraph", tmp_path_factory.mktemp("oxigraph")) as made:
        yield made


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def get(client: FlaskClient, query: str, **headers: str) -> TestResponse:
    return client.get("/sparql", query_string={"query": query}, headers=headers)


def bindings(response: TestResponse) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = response.get_json(force=True)["results"]["bindings"]
    return rows


def error(response: TestResponse, status: int) -> str:
    """The detail of a JSON error response, after checking its status and shape."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"status", "title", "detail"}
    assert body["error"]["status"] == status
    assert "Traceback" not in response.get_data(as_text=True)
    detail: str = body["error"]["detail"]
    return detail


def rdf(data: bytes, media_type: str) -> Graph:
    """Parse RDF into an rdflib graph (JSON-LD through pyoxigraph: rdflib's JSON-LD
    parser warns about its own deprecated ConjunctiveGraph)."""
    triples = ox.parse(data, format=ox.RdfFormat.from_media_type(media_type))
    return Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")


def city_names(response: TestResponse) -> list[str]:
    return [row["city"]["value"].rsplit("/", 1)[1] for row in bindings(response)]


EXPECTED_CITIES = sorted(
    ["aarhus", "hameenlinna", "lahti", "lund", "malmo", "oulu", "turku", "vaxjo"]
)


# --- the three ways to send a query, on every backend ----------------------------------


def test_get(backend_client: FlaskClient) -> None:
    response = get(backend_client, CITIES)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == JSON_RESULTS
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Accept" in response.headers["Vary"]
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "X-Partnergraph-Truncated" not in response.headers
    assert city_names(response) == EXPECTED_CITIES


def test_post_form(backend_client: FlaskClient) -> None:
    response = backend_client.post("/sparql", data=urlencode({"query": CITIES}), content_type=FORM)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == JSON_RESULTS
    assert city_names(response) == EXPECTED_CITIES


def test_post_direct(backend_client: FlaskClient) -> None:
    response = backend_client.post("/sparql", data=CITIES.encode(), content_type=DIRECT)
    assert response.status_code == 200
    assert city_names(response) == EXPECTED_CITIES


def test_post_direct_with_utf8_charset(client: FlaskClient) -> None:
    query = 'SELECT ?c WHERE { ?c ?p "Växjö"@sv }'
    response = client.post("/sparql", data=query.encode(), content_type=DIRECT + "; charset=UTF-8")
    assert [row["c"]["value"] for row in bindings(response)] == [BASE + "id/city/vaxjo"]


def test_non_ascii_query_by_get(client: FlaskClient) -> None:
    response = get(client, 'SELECT ?c WHERE { ?c ?p "Åbo"@sv }')
    assert [row["c"]["value"] for row in bindings(response)] == [BASE + "id/city/turku"]


def test_default_graph_uri(backend_client: FlaskClient) -> None:
    response = backend_client.get(
        "/sparql", query_string={"query": TRIPLES, "default-graph-uri": PARTNERSHIPS}
    )
    assert bindings(response)[0]["n"]["value"] == "9"
    both = backend_client.get(
        "/sparql?"
        + urlencode(
            [("query", TRIPLES), ("default-graph-uri", PARTNERSHIPS), ("default-graph-uri", TOWNS)]
        )
    )
    assert bindings(both)[0]["n"]["value"] == str(9 + 23)


def test_named_graph_uri(backend_client: FlaskClient) -> None:
    response = backend_client.get(
        "/sparql", query_string={"query": GRAPHS, "named-graph-uri": TOWNS}
    )
    assert [row["g"]["value"] for row in bindings(response)] == [TOWNS]


def test_dataset_in_the_body_of_a_form_post(client: FlaskClient) -> None:
    body = urlencode([("query", GRAPHS), ("named-graph-uri", PARTNERSHIPS)])
    response = client.post("/sparql", data=body, content_type=FORM)
    assert [row["g"]["value"] for row in bindings(response)] == [PARTNERSHIPS]


def test_dataset_in_the_url_of_a_direct_post(client: FlaskClient) -> None:
    response = client.post(
        "/sparql?" + urlencode({"named-graph-uri": TOWNS}), data=GRAPHS, content_type=DIRECT
    )
    assert [row["g"]["value"] for row in bindings(response)] == [TOWNS]


def test_head_is_get_without_a_body(client: FlaskClient) -> None:
    got = get(client, CITIES)
    head = client.head("/sparql", query_string={"query": CITIES})
    assert head.status_code == 200
    assert head.data == b""
    for name in ("Content-Type", "Content-Length", "Vary", "X-Content-Type-Options"):
        assert head.headers[name] == got.headers[name]


# --- negotiation -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "content_type"),
    [
        (CITIES, "application/sparql-results+json"),
        (ASK, "application/sparql-results+json"),
        (CONSTRUCT, "text/turtle"),
        (DESCRIBE, "text/turtle"),
    ],
)
def test_default_format_without_accept(
    backend_client: FlaskClient, query: str, content_type: str
) -> None:
    response = get(backend_client, query)
    assert response.status_code == 200
    assert response.mimetype == content_type


@pytest.mark.parametrize(
    ("query", "accept", "mimetype"),
    [
        (CITIES, "application/sparql-results+xml", "application/sparql-results+xml"),
        (CITIES, "text/csv", "text/csv"),
        (CITIES, "text/tab-separated-values", "text/tab-separated-values"),
        (CITIES, "application/json", "application/sparql-results+json"),
        (CITIES, "*/*", "application/sparql-results+json"),
        (CITIES, "text/*", "text/csv"),
        (
            CITIES,
            "text/csv;q=0.5, application/sparql-results+xml",
            "application/sparql-results+xml",
        ),
        (
            CITIES,
            "application/sparql-results+json;q=0.1, text/tab-separated-values;q=0.2",
            "text/tab-separated-values",
        ),
        # a browser opening a link to a query: the editor with the query, run (issue 14)
        (CITIES, "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"),
        (ASK, "application/sparql-results+xml", "application/sparql-results+xml"),
        (CONSTRUCT, "application/n-triples", "application/n-triples"),
        (CONSTRUCT, "application/ld+json", "application/ld+json"),
        (CONSTRUCT, "application/json", "application/ld+json"),
        (CONSTRUCT, "application/rdf+xml", "application/rdf+xml"),
        (CONSTRUCT, "application/n-quads", "application/n-quads"),
        (CONSTRUCT, "application/trig", "application/trig"),
        (CONSTRUCT, "text/*", "text/turtle"),
        (DESCRIBE, "application/n-triples;q=0.3, text/turtle;q=0.2", "application/n-triples"),
    ],
)
def test_accept(client: FlaskClient, query: str, accept: str, mimetype: str) -> None:
    response = get(client, query, Accept=accept)
    assert response.status_code == 200
    assert response.mimetype == mimetype
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("query", "value", "mimetype"),
    [
        (CITIES, "json", "application/sparql-results+json"),
        (CITIES, "xml", "application/sparql-results+xml"),
        (CITIES, "csv", "text/csv"),
        (CITIES, "tsv", "text/tab-separated-values"),
        (CITIES, "text/csv", "text/csv"),
        (CITIES, "application/sparql-results+xml", "application/sparql-results+xml"),
        (CONSTRUCT, "ttl", "text/turtle"),
        (CONSTRUCT, "nt", "application/n-triples"),
        (CONSTRUCT, "jsonld", "application/ld+json"),
        (CONSTRUCT, "rdf", "application/rdf+xml"),
        (CONSTRUCT, "nq", "application/n-quads"),
        (CONSTRUCT, "trig", "application/trig"),
        (CONSTRUCT, "application/rdf+xml", "application/rdf+xml"),
        (CONSTRUCT, "turtle", "text/turtle"),
        (CONSTRUCT, "xml", "application/rdf+xml"),
        (CONSTRUCT, "json", "application/ld+json"),
    ],
)
def test_format_parameter_overrides_accept(
    client: FlaskClient, query: str, value: str, mimetype: str
) -> None:
    response = client.get(
        "/sparql", query_string={"query": query, "format": value}, headers={"Accept": "text/html"}
    )
    assert response.status_code == 200
    assert response.mimetype == mimetype


def test_every_result_format_parses(client: FlaskClient) -> None:
    as_csv = get(client, CITIES, Accept="text/csv").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(as_csv)))
    assert [row["city"].rsplit("/", 1)[1] for row in rows] == EXPECTED_CITIES
    expected = rdf(get(client, CONSTRUCT).data, "text/turtle")
    assert len(expected) == 9
    for accept in ("application/n-triples", "application/ld+json", "application/rdf+xml"):
        assert rdf(get(client, CONSTRUCT, Accept=accept).data, accept).isomorphic(expected), accept
    for accept in ("application/n-quads", "application/trig"):
        quads = ox.parse(
            get(client, CONSTRUCT, Accept=accept).data, format=ox.RdfFormat.from_media_type(accept)
        )
        assert len(list(quads)) == 9, accept


@pytest.mark.parametrize(
    ("query", "accept"),
    [(CITIES, "text/turtle"), (CITIES, "image/png"), (CONSTRUCT, "text/csv"), (ASK, "*/*;q=0")],
)
def test_406_when_nothing_acceptable(client: FlaskClient, query: str, accept: str) -> None:
    detail = error(get(client, query, Accept=accept), 406)
    assert accept in detail


def test_a_browser_that_only_takes_html_gets_the_editor_with_the_query(
    client: FlaskClient,
) -> None:
    response = get(client, ASK, Accept="text/html")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert '"query": "ASK' in response.get_data(as_text=True)  # the editor's configuration
    posted = client.post("/sparql", data={"query": ASK}, headers={"Accept": "text/html"})
    assert posted.status_code == 406  # a form POST asks for results, not a page


@pytest.mark.parametrize(("query", "value"), [(CITIES, "ttl"), (CONSTRUCT, "csv"), (CITIES, "x")])
def test_406_for_a_format_that_cannot_carry_the_result(
    client: FlaskClient, query: str, value: str
) -> None:
    response = client.get("/sparql", query_string={"query": query, "format": value})
    assert f"format={value}" in error(response, 406)


def test_truncated_result_is_announced(tmp_path: Path) -> None:
    with web_app("oxigraph", tmp_path, row_cap=3) as capped:
        client = capped.test_client()
        response = get(client, CITIES)
        assert response.status_code == 200
        assert response.headers["X-Partnergraph-Truncated"] == "true"
        assert len(bindings(response)) == 3
        whole = get(client, "SELECT * WHERE { ?c a <https://schema.org/City> } LIMIT 3")
        assert "X-Partnergraph-Truncated" not in whole.headers


# --- client errors: always a 4xx with the one error shape --------------------------------


def test_syntax_error_says_what_and_where(backend_client: FlaskClient) -> None:
    detail = error(get(backend_client, "SELECT ?s WHERE {\n  ?s ?p \n}"), 400)
    assert re.search(r"line [23], column \d+", detail), detail


def test_repeated_query_is_400(client: FlaskClient) -> None:
    response = client.get("/sparql?" + urlencode([("query", ASK), ("query", ASK)]))
    assert "more than once" in error(response, 400)


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"method": "GET", "query_string": {"query": ASK, "update": "CLEAR ALL"}},
        {
            "method": "POST",
            "data": urlencode({"query": ASK, "update": "CLEAR ALL"}),
            "content_type": FORM,
        },
        {
            "method": "POST",
            "query_string": {"update": "CLEAR ALL"},
            "data": ASK,
            "content_type": DIRECT,
        },
    ],
)
def test_query_mixed_with_update_is_400(client: FlaskClient, request_kwargs: Any) -> None:
    assert "update" in error(client.open("/sparql", **request_kwargs), 400)


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {
            "method": "POST",
            "data": "INSERT DATA { <a:a> <a:b> <a:c> }",
            "content_type": "application/sparql-update",
        },
        {"method": "POST", "data": urlencode({"update": "CLEAR ALL"}), "content_type": FORM},
    ],
)
def test_an_update_without_a_token_is_401_with_a_message(
    client: FlaskClient, request_kwargs: Any
) -> None:
    response = client.open("/sparql", **request_kwargs)
    assert "Nothing was changed" in error(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_an_update_by_get_is_405(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"update": "CLEAR ALL"})
    assert "never by GET" in error(response, 405)
    assert "POST" in response.headers["Allow"]


@pytest.mark.parametrize("content_type", ["text/plain", "multipart/form-data; boundary=x", None])
def test_wrong_content_type_is_415(client: FlaskClient, content_type: str | None) -> None:
    response = client.post("/sparql", data=ASK, content_type=content_type)
    error(response, 415)


def test_non_utf8_charset_is_415(client: FlaskClient) -> None:
    response = client.post("/sparql", data=ASK, content_type=DIRECT + "; charset=latin-1")
    assert "UTF-8" in error(response, 415)


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"method": "POST", "data": b"", "content_type": DIRECT},
        {"method": "POST", "data": "", "content_type": FORM},
        {"method": "GET", "query_string": {"query": "  "}},
        {"method": "GET", "query_string": {"default-graph-uri": TOWNS}},
        {"method": "GET", "query_string": {"query": ASK, "default-graph-uri": "not an iri"}},
        {"method": "GET", "query_string": {"query": ASK, "named-graph-uri": "relative"}},
        {"method": "POST", "query_string": {"query": ASK}, "data": ASK, "content_type": DIRECT},
        {
            "method": "POST",
            "query_string": {"query": ASK},
            "data": urlencode({"query": ASK}),
            "content_type": FORM,
        },
    ],
)
def test_malformed_requests_are_400(client: FlaskClient, request_kwargs: Any) -> None:
    error(client.open("/sparql", **request_kwargs), 400)


def test_issue10_point8_form_post_takes_the_dataset_from_its_url(
    backend_client: FlaskClient,
) -> None:
    url = "/sparql?" + urlencode([("default-graph-uri", PARTNERSHIPS), ("named-graph-uri", TOWNS)])
    counted = backend_client.post(url, data=urlencode({"query": TRIPLES}), content_type=FORM)
    assert counted.status_code == 200, counted.get_data(as_text=True)
    assert bindings(counted)[0]["n"]["value"] == "9"
    graphs = backend_client.post(url, data=urlencode({"query": GRAPHS}), content_type=FORM)
    assert [row["g"]["value"] for row in bindings(graphs)] == [TOWNS]


@pytest.mark.parametrize(
    ("in_url", "in_body"),
    [
        ([("default-graph-uri", TOWNS)], [("default-graph-uri", TOWNS)]),
        ([("default-graph-uri", TOWNS)], [("default-graph-uri", PARTNERSHIPS)]),
        ([("named-graph-uri", TOWNS)], [("default-graph-uri", PARTNERSHIPS)]),
    ],
)
def test_issue10_point8_form_post_with_a_dataset_in_url_and_body_is_400(
    client: FlaskClient, in_url: list[tuple[str, str]], in_body: list[tuple[str, str]]
) -> None:
    response = client.post(
        "/sparql?" + urlencode(in_url),
        data=urlencode([("query", ASK), *in_body]),
        content_type=FORM,
    )
    assert "not in both" in error(response, 400)


def test_issue10_point8_relative_iris_resolve_against_the_base_iri(
    backend_client: FlaskClient,
) -> None:
    """The service defines its base IRI (SPARQL 1.1 Protocol §2.3): the dataset's."""
    select = get(backend_client, "SELECT ?name WHERE { <id/city/turku> ?p ?name } ORDER BY ?name")
    assert select.status_code == 200, select.get_data(as_text=True)
    assert "Åbo" in [row["name"]["value"] for row in bindings(select)]
    construct = backend_client.post(
        "/sparql", data="CONSTRUCT { <s> <p> 1 } WHERE {}", content_type=DIRECT
    )
    assert construct.status_code == 200, construct.get_data(as_text=True)
    expected = Graph()
    expected.add((URIRef(BASE + "s"), URIRef(BASE + "p"), Literal(1)))
    assert rdf(construct.data, "text/turtle").isomorphic(expected)


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"environ_overrides": {"QUERY_STRING": "query=ASK%20%7B%7D%FF"}},
        {"environ_overrides": {"QUERY_STRING": "query=ASK {\xff}"}},
        {"method": "POST", "data": b"query=ASK%20%7B%C3%7D", "content_type": FORM},
        {"method": "POST", "data": b"query=ASK {\xc3}", "content_type": FORM},
        {"method": "POST", "data": b'ASK { ?s ?p "\xe9" }', "content_type": DIRECT},
        {
            "method": "POST",
            "environ_overrides": {"QUERY_STRING": "named-graph-uri=http://x/%FF"},
            "data": ASK,
            "content_type": DIRECT,
        },
    ],
)
def test_invalid_utf8_is_400_never_decoded_lossily(
    client: FlaskClient, request_kwargs: Any
) -> None:
    response = client.open("/sparql", **request_kwargs)
    assert "UTF-8" in error(response, 400)
    assert "\ufffd" not in response.get_data(as_text=True)


def test_request_size_limit(tmp_path: Path) -> None:
    limit = 2000
    big = "ASK { ?s ?p ?o } #" + "x" * limit
    with web_app("oxigraph", tmp_path, max_request_bytes=limit) as small:
        client = small.test_client()
        assert get(client, "ASK { ?s ?p ?o } #" + "x" * 1500).status_code == 200
        error(get(client, big), 413)
        error(client.post("/sparql", data=big, content_type=DIRECT), 413)
        error(client.post("/sparql", data=urlencode({"query": big}), content_type=FORM), 413)
        chunked = client.post(
            "/sparql",
            input_stream=io.BytesIO(big.encode()),
            content_type=DIRECT,
            environ_base={"wsgi.input_terminated": True},
        )
        error(chunked, 413)


def test_a_body_of_exactly_the_limit_is_accepted(tmp_path: Path) -> None:
    """Werkzeug refuses to read a stream at its maximum; the body is read to its length."""
    limit = 2000
    query = "ASK { ?s ?p ?o } #"
    query += "x" * (limit - len(query))
    form_body = urlencode({"query": "ASK { ?s ?p ?o } #"})
    form_body += "x" * (limit - len(form_body))
    gunicorn_like = {"wsgi.input_terminated": True}  # as gunicorn, which ends the stream
    with web_app("oxigraph", tmp_path, max_request_bytes=limit) as small:
        client = small.test_client()
        direct = client.post("/sparql", data=query, content_type=DIRECT, environ_base=gunicorn_like)
        assert direct.status_code == 200, direct.get_data(as_text=True)
        form = client.post("/sparql", data=form_body, content_type=FORM, environ_base=gunicorn_like)
        assert form.status_code == 200, form.get_data(as_text=True)
        one_more = client.post(
            "/sparql", data=query + "x", content_type=DIRECT, environ_base=gunicorn_like
        )
        assert "2000 bytes" in error(one_more, 413)


def test_service_and_load_are_refused_before_running(client: FlaskClient) -> None:
    error(get(client, "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"), 400)
    error(get(client, "LOAD <http://127.0.0.1:9/data.ttl>"), 400)


def test_deep_nesting_is_400_and_the_server_lives_on(client: FlaskClient) -> None:
    deep = "SELECT * WHERE " + "{" * 5000 + "?s ?p ?o" + "}" * 5000
    error(get(client, deep), 400)
    assert get(client, ASK).status_code == 200


@pytest.mark.serial
def test_timeout_is_503_with_a_message(tmp_path: Path) -> None:
    explosive = (
        "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
    )
    with web_app("oxigraph", tmp_path, query_timeout=1) as slow:
        client = slow.test_client()
        response = get(client, explosive)
        assert "stopped" in error(response, 503)
        assert response.get_json()["error"]["title"] == "Query time limit reached"
        assert get(client, ASK).status_code == 200


def test_unknown_route_is_a_json_404_with_cors(client: FlaskClient) -> None:
    response = client.get("/sparql/nothing")
    error(response, 404)
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_other_methods_are_405(client: FlaskClient) -> None:
    response = client.put("/sparql", data=ASK)
    error(response, 405)
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}


# --- CORS ------------------------------------------------------------------------------


def test_cors_on_results_and_errors(client: FlaskClient) -> None:
    for response in (get(client, ASK), get(client, "SELECT"), client.get("/sparql")):
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert "X-Partnergraph-Truncated" in response.headers["Access-Control-Expose-Headers"]


def test_cors_preflight(client: FlaskClient) -> None:
    response = client.options(
        "/sparql",
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type, accept",
        },
    )
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert response.headers["Access-Control-Allow-Headers"] == "content-type, accept"
    assert int(response.headers["Access-Control-Max-Age"]) > 0


# --- the service description -----------------------------------------------------------


@pytest.mark.parametrize("accept", ["text/turtle", "application/rdf+xml", "application/ld+json"])
def test_service_description(client: FlaskClient, accept: str) -> None:
    response = client.get("/sparql", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.mimetype == accept
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Accept" in response.headers["Vary"]
    graph = rdf(response.data, accept)
    service = graph.value(predicate=RDF.type, object=SD.Service)
    assert service is not None
    assert graph.value(service, SD.endpoint) == URIRef("http://localhost/sparql")
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert (service, SD.feature, SD.UnionDefaultGraph) in graph
    assert (service, SD.feature, SD.BasicFederatedQuery) not in graph
    assert len(set(graph.objects(service, SD.resultFormat))) == 10
    dataset = graph.value(service, SD.defaultDataset)
    named = {
        str(graph.value(node, SD.name)): graph.value(graph.value(node, SD.graph), VOID.triples)
        for node in graph.objects(dataset, SD.namedGraph)
    }
    assert named[TOWNS] == Literal(23)
    assert named[PARTNERSHIPS] == Literal(9)
    default = graph.value(graph.value(dataset, SD.defaultGraph), VOID.triples)
    distinct = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"
    assert isinstance(default, Literal)
    assert default.value == int(bindings(get(client, distinct))[0]["n"]["value"])


def test_service_description_names_the_url_the_client_used(client: FlaskClient) -> None:
    response = client.get(
        "/sparql", base_url="https://example.org:8443/", headers={"Accept": "text/turtle"}
    )
    graph = Graph().parse(data=response.data, format="turtle")
    assert URIRef("https://example.org:8443/sparql") in set(graph.objects(None, SD.endpoint))


def test_service_description_is_turtle_without_accept(client: FlaskClient) -> None:
    response = client.get("/sparql")
    assert response.mimetype == "text/turtle"
    head = client.head("/sparql")
    assert head.status_code == 200
    assert head.data == b""


def test_federation_feature_only_when_allowed() -> None:
    stats = DatasetStats(1, ())
    for allowed in (False, True):
        settings = load({"allow_federation": allowed}, environ={})
        triples = service_description.describe("http://x/sparql", settings, stats)
        features = {str(t.object) for t in triples if t.predicate.value == str(SD.feature)}
        assert (f"<{SD.BasicFederatedQuery}>" in features) is allowed


def test_browser_gets_html(client: FlaskClient) -> None:
    response = client.get(
        "/sparql", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    )
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert "Accept" in response.headers["Vary"]


def test_result_json_is_sparql_json(client: FlaskClient) -> None:
    body = json.loads(get(client, ASK).data)
    assert body["boolean"] is True
