"""The pages, the named-query API and the search answer alike on every engine.

One app over the real graph per engine: the embedded Oxigraph store (the
reference), the ``remote`` backend over an Oxigraph server, and the ``remote``
backend over Virtuoso Open Source (bulk-loaded with the same snapshot; skipped
where Virtuoso is not installed). A municipality's, a network's and a
partnership's page must be the same HTML byte for byte, every named query must
answer the same rows for the examples of its header, and ``/search`` the same
results: the queries behind them are portable SPARQL 1.1 (no ``LATERAL``, no
engine's own functions), whatever each engine makes of them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import httpx
import pyoxigraph as ox
import pytest
from flask import Flask

from partnergraph.queries import NamedQuery, load_queries
from partnergraph.queries.openapi import request_form
from partnergraph.store.bindings import with_binds, with_constants, with_values

from .paths import BASE, ROOT
from .realapp import real_app

QUERIES = load_queries(ROOT / "queries")
HTML = {"Accept": "text/html"}
JSON = {"Accept": "application/json"}
#: The engines compared with the embedded store, and the ``Server`` header of each.
ENGINES = {"remote": "Oxigraph/", "virtuoso": "Virtuoso/"}
PAGES = (
    "/doc/city/lund?lang=sv",
    "/doc/city/lahti",
    "/doc/city/lahti?lang=fi",
    "/doc/network/eurocities",
    "/doc/partnership/lund-dalvik",
    "/doc/partnership/lahti-akureyri?lang=sv",
)
SEARCHES = (
    "/search?q=lund",
    "/search?q=eurocities&lang=fi",
    "/search?q=lhati",  # nothing found: "Did you mean"
    "/search.json?q=lahti",
    "/search.json?q=twin",
)


@pytest.fixture(scope="module")
def embedded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    with real_app("oxigraph", tmp_path_factory.mktemp("embedded"), map_tiles="") as app:
        yield app


@pytest.fixture(scope="module", params=sorted(ENGINES))
def engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Flask]:
    """An app on the remote backend over one engine, checked to be that engine."""
    name: str = request.param
    with real_app(name, tmp_path_factory.mktemp(name), map_tiles="") as app:
        endpoint = app.extensions["partnergraph"].settings.remote_endpoint
        answer = httpx.get(endpoint, params={"query": "ASK {}"}, timeout=10)
        assert answer.headers.get("server", "").startswith(ENGINES[name]), answer.headers
        yield app


def example_url(query: NamedQuery) -> str:
    """The query's API URL with the examples of its header, and room for every row."""
    values = {
        p.name: str(request_form(p.type, p.example, BASE))
        for p in query.parameters
        if p.example is not None
    }
    return f"/api/queries/{query.name}?{urlencode({**values, 'limit': '10000'})}"


def unordered(query: NamedQuery, rows: list[dict[str, Any]]) -> list[str]:
    """Rows in a form free of the order of rows and of the members of each
    ``GROUP_CONCAT`` column (an engine may concatenate a group in any order)."""
    text = query.path.read_text(encoding="utf-8")
    concatenated = {
        match.group(2): match.group(1)
        for match in re.finditer(
            r'GROUP_CONCAT\(.*?separator\s*=\s*"([^"]*)"\s*\)\s*AS\s*\?(\w+)', text, re.S
        )
    }

    def members(column: str, value: Any) -> Any:
        if column in concatenated and isinstance(value, str):
            return sorted(value.split(concatenated[column]))
        return value

    return sorted(json.dumps({k: members(k, v) for k, v in row.items()}) for row in rows)


@pytest.mark.slow
@pytest.mark.parametrize("url", PAGES)
def test_pages_are_the_same_html_on_every_engine(embedded: Flask, engine: Flask, url: str) -> None:
    want = embedded.test_client().get(url, headers=HTML)
    got = engine.test_client().get(url, headers=HTML)

    assert want.status_code == 200
    assert got.status_code == 200
    assert got.get_data(as_text=True) == want.get_data(as_text=True)


@pytest.mark.slow
@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
def test_named_queries_answer_the_same_rows_on_every_engine(
    embedded: Flask, engine: Flask, query: NamedQuery
) -> None:
    url = example_url(query)
    want = embedded.test_client().get(url, headers=JSON)
    got = engine.test_client().get(url, headers=JSON)

    assert want.status_code == 200, want.get_data(as_text=True)
    assert got.status_code == 200, got.get_data(as_text=True)
    assert want.get_json(), f"{query.name} gives no rows for its examples"
    assert unordered(query, got.get_json()) == unordered(query, want.get_json())


#: ``contact-points`` as first written (Lund a constant): the municipality's units,
#: found by the path, joined with the UNION directly. The named query finds them in a
#: subquery instead, because Virtuoso loses rows of this form (docs/engines.md).
JOINED_DIRECTLY = """
PREFIX pg: <https://w3id.org/partnergraph/def/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX schema: <https://schema.org/>
SELECT DISTINCT ?unit ?kind ?contact ?holder ?email ?telephone ?street
WHERE {
  <https://w3id.org/partnergraph/id/city/lund> a schema:City .
  ?unit org:subOrganizationOf* <https://w3id.org/partnergraph/id/city/lund> .
  {
    ?contact a org:Post ; org:postIn ?unit .
    BIND ("post" AS ?kind)
    OPTIONAL {
      ?person org:holds ?contact ; schema:name ?holder .
      OPTIONAL { ?person schema:email ?email }
      OPTIONAL { ?person schema:telephone ?telephone }
    }
  } UNION {
    ?unit schema:contactPoint ?contact .
    BIND ("contact point" AS ?kind)
    OPTIONAL { ?contact schema:email ?email }
    OPTIONAL { ?contact schema:telephone ?telephone }
  } UNION {
    ?unit pg:postalAddress ?contact .
    BIND ("postal address" AS ?kind)
  } UNION {
    ?unit pg:visitingAddress ?contact .
    BIND ("visiting address" AS ?kind)
  }
  OPTIONAL { ?contact schema:streetAddress ?street }
}"""


def solutions(app: Flask, query: str) -> list[str]:
    answer = app.test_client().post(
        "/sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"}
    )
    assert answer.status_code == 200, answer.get_data(as_text=True)
    rows = answer.get_json()["results"]["bindings"]
    return sorted(json.dumps({k: v["value"] for k, v in row.items()}) for row in rows)


@pytest.mark.slow
def test_virtuoso_loses_rows_where_a_path_joins_a_union_directly(
    embedded: Flask, engine: Flask, request: pytest.FixtureRequest
) -> None:
    """Stated deviation: Virtuoso answers 4 of the 9 rows (every branch loses some);
    Oxigraph server answers them all. The named query's subquery form is compared on
    every engine by the test above."""
    want, got = solutions(embedded, JOINED_DIRECTLY), solutions(engine, JOINED_DIRECTLY)
    assert len(want) == 9
    if request.node.callspec.params["engine"] == "virtuoso":
        assert set(got) < set(want)
        assert len(got) == 4
    else:
        assert got == want


@pytest.mark.slow
@pytest.mark.parametrize("url", SEARCHES)
def test_search_finds_the_same_on_every_engine(embedded: Flask, engine: Flask, url: str) -> None:
    want = embedded.test_client().get(url)
    got = engine.test_client().get(url)

    assert want.status_code == 200
    assert got.status_code == 200
    assert got.get_data(as_text=True) == want.get_data(as_text=True)


#: Queries where writing the bound IRI as a constant would change the answer, and
#: where it does not; the bound variable is ``?s``.
BOUND_QUERIES = (
    "SELECT ?x WHERE { { ?x <urn:p> ?s } UNION { GRAPH ?g { ?s <urn:q> ?x } } }",
    "SELECT ?x ?y WHERE { ?x <urn:p> ?y OPTIONAL { ?y <urn:q> ?s } }",
    "SELECT ?x WHERE { ?x <urn:p> ?y FILTER (?y != ?s) }",
    "SELECT ?x WHERE { ?x <urn:p> ?y MINUS { ?s <urn:q> ?z } }",  # only ?s is shared
    "SELECT ?x WHERE { { SELECT ?x ?s WHERE { ?x <urn:p> ?s } } }",
    "SELECT ?s ?x WHERE { ?x <urn:p>/<urn:q>* ?s }",
)


@pytest.mark.parametrize("query", BOUND_QUERIES)
def test_a_bound_iri_written_as_a_constant_answers_as_its_values_block(query: str) -> None:
    g, a, b, c = (ox.NamedNode(f"urn:{n}") for n in "gabc")
    p, q = ox.NamedNode("urn:p"), ox.NamedNode("urn:q")
    store = ox.Store()
    store.extend(
        ox.Quad(*spo, g) for spo in ((a, p, b), (b, q, c), (c, p, a), (a, q, b), (b, p, b))
    )
    for node in (a, b, c):
        bound = (("s", node),)

        def answer(text: str) -> list[str]:
            found = store.query(text, use_default_graph_as_union=True)
            assert isinstance(found, ox.QuerySolutions)
            return sorted(str(list(row)) for row in found)

        want = answer(with_values(query, bound))
        assert answer(with_constants(query, bound)) == want
        assert answer(with_binds(query, bound)) == want
