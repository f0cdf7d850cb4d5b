"""The endpoint used as people use it: real clients over real HTTP on 127.0.0.1.

SPARQLWrapper (JSON, XML, CSV, TSV; GET, form POST, direct POST), rdflib's
``SPARQLStore`` (a Graph over the endpoint), plain httpx with the exact headers
of the protocol. The server is the production one: gunicorn on
``server:create_app()`` (threaded workers; preloaded sync workers) and
``partnergraph serve``, each a subprocess on a free port of 127.0.0.1.
"""

from __future__ import annotations

import csv
import gc
import io
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from xml.dom.minidom import Document

import httpx
import pyoxigraph as ox
import pytest
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import (
    CSV,
    GET,
    JSON,
    JSONLD,
    POST,
    POSTDIRECTLY,
    TSV,
    TURTLE,
    URLENCODED,
    XML,
    SPARQLWrapper,
)
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, Unauthorized

from .oxigraph_server import free_port
from .paths import BASE, ROOT
from .processes import stop
from .webapp import WEB, server_environment, wait_until_up

SCHEMA = Namespace("https://schema.org/")
CITIES = "SELECT ?city WHERE { ?city a <https://schema.org/City> } ORDER BY ?city"
NAMES = ["aarhus", "hameenlinna", "lahti", "lund", "malmo", "oulu", "turku", "vaxjo"]
CONSTRUCT = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{BASE}graph/partnerships> {{ ?s ?p ?o }} }}"


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of /sparql of the app served by gunicorn (threaded workers), as in production."""
    port = free_port()
    command = [
        sys.executable, "-m", "gunicorn", "--no-control-socket", "--bind", f"127.0.0.1:{port}",
        "--workers", "1", "--worker-class", "gthread", "--threads", "4", "server:create_app()",
    ]  # fmt: skip
    with gunicorn(command, tmp_path_factory.mktemp("clients"), port) as url:
        yield url


@contextmanager
def gunicorn(command: list[str], output_dir: Path, port: int) -> Iterator[str]:
    """Run a server command in the project folder; yield the URL of its /sparql."""
    process = subprocess.Popen(
        command, cwd=ROOT, env=server_environment(output_dir, PARTNERGRAPH_QUERY_WORKERS="2"),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/sparql"
    try:
        wait_until_up(url, process)
        yield url
    finally:
        stop(process)


def wrapper(endpoint: str, query: str, fmt: str, method: str = GET) -> SPARQLWrapper:
    client = SPARQLWrapper(endpoint)
    client.setQuery(query)
    client.setReturnFormat(fmt)
    client.setMethod(method)
    return client


# --- SPARQLWrapper ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "request_method"),
    [(GET, URLENCODED), (POST, URLENCODED), (POST, POSTDIRECTLY)],
)
def test_sparqlwrapper_json(endpoint: str, method: str, request_method: str) -> None:
    client = wrapper(endpoint, CITIES, JSON, method)
    client.setRequestMethod(request_method)
    result = client.query()
    assert result.info()["content-type"].startswith("application/sparql-results+json")
    converted = result.convert()
    assert isinstance(converted, dict)
    rows = converted["results"]["bindings"]
    assert [row["city"]["value"].rsplit("/", 1)[1] for row in rows] == NAMES


def test_sparqlwrapper_xml(endpoint: str) -> None:
    document = wrapper(endpoint, CITIES, XML).query().convert()
    assert isinstance(document, Document)
    uris = [node.firstChild.data for node in document.getElementsByTagName("uri")]  # type: ignore[union-attr]
    assert [uri.rsplit("/", 1)[1] for uri in uris] == NAMES


@pytest.mark.parametrize(("fmt", "delimiter"), [(CSV, ","), (TSV, "\t")])
def test_sparqlwrapper_csv_and_tsv(endpoint: str, fmt: str, delimiter: str) -> None:
    body = wrapper(endpoint, CITIES, fmt, POST).query().convert()
    assert isinstance(body, bytes)
    rows = list(csv.reader(io.StringIO(body.decode()), delimiter=delimiter))
    assert rows[0][0].lstrip("?") == "city"
    assert [row[0].strip("<>").rsplit("/", 1)[1] for row in rows[1:]] == NAMES


def test_sparqlwrapper_ask(endpoint: str) -> None:
    converted = wrapper(endpoint, "ASK { ?s ?p ?o }", JSON).query().convert()
    assert isinstance(converted, dict)
    assert converted["boolean"] is True


@pytest.mark.parametrize(
    ("fmt", "media_type"),
    [(TURTLE, "text/turtle"), (XML, "application/rdf+xml"), (JSONLD, "application/ld+json")],
)
def test_sparqlwrapper_construct(endpoint: str, fmt: str, media_type: str) -> None:
    # Read the body rather than convert(): SPARQLWrapper converts RDF/XML and JSON-LD
    # with rdflib's ConjunctiveGraph, which warns that it is deprecated.
    result = wrapper(endpoint, CONSTRUCT, fmt).query()
    assert result.info()["content-type"] == f"{media_type}; charset=utf-8"
    triples = list(
        ox.parse(result.response.read(), format=ox.RdfFormat.from_media_type(media_type))
    )
    assert len(triples) == 9


def test_sparqlwrapper_bad_query(endpoint: str) -> None:
    with pytest.raises(QueryBadFormed, match="line"):
        wrapper(endpoint, "SELECT ?s WHERE { ?s ?p", JSON).query()


def test_sparqlwrapper_update_without_a_token_is_refused(endpoint: str) -> None:
    client = wrapper(endpoint, "INSERT DATA { <urn:a> <urn:b> <urn:c> }", JSON, POST)
    with pytest.raises(Unauthorized, match="Nothing was changed"):
        client.query()


# --- rdflib SPARQLStore ----------------------------------------------------------------


# rdflib's SPARQLConnector never closes the responses it reads: the sockets are
# reported when they are collected. The collection is forced inside the test.
@pytest.mark.filterwarnings(
    "ignore:Exception ignored in. <socket.socket:pytest.PytestUnraisableExceptionWarning"
)
@pytest.mark.parametrize("method", ["GET", "POST", "POST_FORM"])
def test_rdflib_sparqlstore(endpoint: str, method: str) -> None:
    graph = Graph(store=SPARQLStore(endpoint, method=method))
    try:
        rows = graph.query(CITIES)
        assert [str(row[0]).rsplit("/", 1)[1] for row in rows] == NAMES  # type: ignore[index]
        assert graph.query("ASK { ?s a <https://schema.org/City> }").askAnswer is True
        constructed = graph.query(CONSTRUCT).graph
        assert constructed is not None
        assert len(constructed) == 9
        lund = URIRef(BASE + "id/city/lund")
        assert (lund, RDF.type, SCHEMA.City) in graph
        assert set(graph.objects(lund, SCHEMA.population)) == {Literal(130000)}
    finally:
        graph.close()
        gc.collect()


# --- plain HTTP, exact protocol headers ------------------------------------------------


def test_httpx_get_with_accept(endpoint: str) -> None:
    response = httpx.get(
        endpoint,
        params={"query": CITIES},
        headers={"Accept": "application/sparql-results+xml", "Origin": "https://example.org"},
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/sparql-results+xml; charset=utf-8"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "Accept" in response.headers["vary"]
    assert response.headers["access-control-allow-origin"] == "*"
    assert int(response.headers["content-length"]) == len(response.content)


def test_httpx_form_and_direct_post(endpoint: str) -> None:
    form = httpx.post(
        endpoint,
        content=httpx.QueryParams({"query": CITIES}).__str__().encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/csv"},
    )
    direct = httpx.post(
        endpoint,
        content=CITIES.encode(),
        headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"},
    )
    for response in (form, direct):
        assert response.status_code == 200
        assert response.headers["content-type"] == "text/csv; charset=utf-8"
        assert len(response.text.splitlines()) == 1 + len(NAMES)


def test_httpx_head_and_preflight(endpoint: str) -> None:
    head = httpx.head(endpoint, params={"query": CITIES})
    assert head.status_code == 200
    assert head.content == b""
    preflight = httpx.options(
        endpoint,
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Content-Type",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "POST" in preflight.headers["access-control-allow-methods"]


def test_httpx_chunked_body_over_the_limit_is_413(endpoint: str) -> None:
    def chunks() -> Iterator[bytes]:
        yield b"ASK { ?s ?p ?o } #"
        for _ in range(20):
            yield b"x" * 100_000

    response = httpx.post(
        endpoint, content=chunks(), headers={"Content-Type": "application/sparql-query"}
    )
    assert response.status_code == 413
    assert response.json()["error"]["status"] == 413


def test_httpx_update_and_bad_query(endpoint: str) -> None:
    update = httpx.post(
        endpoint,
        content=b"CLEAR ALL",
        headers={"Content-Type": "application/sparql-update"},
    )
    assert update.status_code == 401
    assert "Nothing was changed" in update.json()["error"]["detail"]
    bad = httpx.get(endpoint, params={"query": "SELECT * WHERE { ?s ?p ?o"})
    assert bad.status_code == 400
    assert bad.json()["error"]["title"]


# --- gunicorn and `partnergraph serve` ---------------------------------------------------


def concurrent_queries(endpoint: str) -> None:
    def ask(index: int) -> int:
        query = f"SELECT ?city WHERE {{ ?city a <https://schema.org/City> }} LIMIT {index + 1}"
        response = httpx.get(endpoint, params={"query": query}, timeout=30)
        return len(response.json()["results"]["bindings"])

    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(ask, range(8))) == list(range(1, 9))


def test_gunicorn_preloaded_sync_workers(tmp_path: Path) -> None:
    port = free_port()
    command = [
        sys.executable, "-m", "gunicorn", "--no-control-socket", "--bind", f"127.0.0.1:{port}",
        "-w", "2", "--preload", "server:create_app()",
    ]  # fmt: skip
    with gunicorn(command, tmp_path, port) as url:
        concurrent_queries(url)


def test_partnergraph_serve(tmp_path: Path) -> None:
    port = free_port()
    command = [
        str(Path(sys.executable).parent / "partnergraph"), "serve",
        "--port", str(port), "--workers", "1", "--threads", "8",
    ]  # fmt: skip
    with gunicorn(command, tmp_path, port) as url:
        concurrent_queries(url)
        assert (tmp_path / "partnergraph.nq").is_file()


def test_partnergraph_serve_refuses_a_graph_with_violations(tmp_path: Path) -> None:
    env = server_environment(tmp_path, PARTNERGRAPH_QUERY_WORKERS="2")
    env["PARTNERGRAPH_GRAPH_DIR"] = str(WEB / "invalid")
    command = [str(Path(sys.executable).parent / "partnergraph"), "serve", "--port", "1"]
    done = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=120
    )
    assert done.returncode == 1
    assert "A town needs a label" in done.stdout + done.stderr
    assert "nothing is served" in done.stderr
