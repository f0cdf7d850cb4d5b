"""The cases of the W3C SPARQL 1.1 Protocol test suite, on every store backend.

The suite is the manifest ``sparql/sparql11/protocol/manifest.ttl`` of
https://github.com/w3c/rdf-tests (read at commit ad541a5f0479f0798608c4801369d97b8e08b36f):
each case is a request in prose and the response it expects. Every case that
applies has its own test here, ``test_<case>``, written from the case's
description (the suite's text is not copied). The cases that expect an update to
succeed write the default graph, which partnergraph never writes (it is the union
of the named graphs; every fact goes into the named graph of its source): they
are refused with a 400 and do not apply as written; the update path itself is
walked case by case in ``test_w3c_update.py``. The cases that expect an update to
be *refused* with a 4xx are covered here, sent with a write token so that the
refusal is about the update, not about who sends it.

``test_every_case_of_the_manifest_is_covered_or_does_not_apply`` keeps the lists
honest: when the manifest gains a case, add its name to ``MANIFEST`` and then to
``COVERED`` (with a test) or to ``NOT_APPLICABLE`` (with the reason).

The data is the suite's: three named graphs, ``data1.rdf``, ``data2.rdf`` and
``data3.rdf``, each stating that its document is a ``foaf:Document``
(``tests/data/protocol/``). The suite's requests go to ``/sparql/``; as the
manifest allows, they go to this endpoint's path, ``/sparql``.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from urllib.parse import urlencode

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from partnergraph.writes.tokens import Tokens

from .paths import BASE, DATA
from .webapp import BACKENDS, web_app

DATA1 = "http://kasei.us/2009/09/sparql/data/data1.rdf"
DATA2 = "http://kasei.us/2009/09/sparql/data/data2.rdf"
DATA3 = "http://kasei.us/2009/09/sparql/data/data3.rdf"
DATA0 = "http://kasei.us/2009/09/sparql/data/data0.rdf"  # named by the suite, holds nothing

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"

#: The entries of the manifest, in its order.
MANIFEST = (
    "query_post_form",
    "query_dataset_default_graphs_get",
    "query_dataset_default_graphs_post",
    "query_dataset_named_graphs_post",
    "query_dataset_named_graphs_get",
    "query_dataset_full",
    "query_multiple_dataset",
    "query_get",
    "query_content_type_select",
    "query_content_type_ask",
    "query_content_type_describe",
    "query_content_type_construct",
    "update_dataset_default_graph",
    "update_dataset_default_graphs",
    "update_dataset_named_graphs",
    "update_dataset_full",
    "update_post_form",
    "update_post_direct",
    "update_base_uri",
    "query_post_direct",
    "bad_query_method",
    "bad_multiple_queries",
    "bad_query_wrong_media_type",
    "bad_query_missing_form_type",
    "bad_query_missing_direct_type",
    "bad_query_non_utf8",
    "bad_query_syntax",
    "bad_update_get",
    "bad_multiple_updates",
    "bad_update_wrong_media_type",
    "bad_update_missing_form_type",
    "bad_update_non_utf8",
    "bad_update_syntax",
    "bad_update_dataset_conflict",
)

#: The cases this module tests, each as ``test_<case>``.
COVERED = (
    "query_post_form",
    "query_dataset_default_graphs_get",
    "query_dataset_default_graphs_post",
    "query_dataset_named_graphs_post",
    "query_dataset_named_graphs_get",
    "query_dataset_full",
    "query_multiple_dataset",
    "query_get",
    "query_content_type_select",
    "query_content_type_ask",
    "query_content_type_describe",
    "query_content_type_construct",
    "query_post_direct",
    "bad_query_method",
    "bad_multiple_queries",
    "bad_query_wrong_media_type",
    "bad_query_missing_form_type",
    "bad_query_missing_direct_type",
    "bad_query_non_utf8",
    "bad_query_syntax",
    "bad_update_get",
    "bad_multiple_updates",
    "bad_update_wrong_media_type",
    "bad_update_missing_form_type",
    "bad_update_non_utf8",
    "bad_update_syntax",
    "bad_update_dataset_conflict",
)

_WRITES = (
    "expects an update of the default graph to succeed (2xx); partnergraph never writes "
    "the default graph (the union of the named graphs) and answers 400; the update path "
    "is walked in test_w3c_update.py"
)

#: The cases that do not apply to a read-only endpoint, and why.
NOT_APPLICABLE = {
    "update_dataset_default_graph": _WRITES + " (then reads what the update wrote)",
    "update_dataset_default_graphs": _WRITES + " (then reads what the update wrote)",
    "update_dataset_named_graphs": _WRITES + " (then reads what the update wrote)",
    "update_dataset_full": _WRITES + " (then reads what the update wrote)",
    "update_post_form": _WRITES,
    "update_post_direct": _WRITES,
    "update_base_uri": _WRITES + " (then reads what the update wrote)",
}


def test_every_case_of_the_manifest_is_covered_or_does_not_apply() -> None:
    assert len(set(MANIFEST)) == len(MANIFEST)
    assert set(COVERED).isdisjoint(NOT_APPLICABLE)
    assert sorted([*COVERED, *NOT_APPLICABLE]) == sorted(MANIFEST)
    tests = {name.removeprefix("test_") for name in globals() if name.startswith("test_")}
    assert set(COVERED) <= tests, set(COVERED) - tests
    assert all(reason for reason in NOT_APPLICABLE.values())


@pytest.fixture(scope="module", params=BACKENDS)
def client(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[FlaskClient]:
    """A client of an app over the suite's three graphs, on each store backend."""
    output = tmp_path_factory.mktemp(f"w3c-{request.param}")
    tokens = output / "tokens.json"
    token = Tokens(tokens, "https://w3id.org/partnergraph/").create("w3c")
    with web_app(
        request.param,
        output,
        graph_dir=DATA / "protocol",
        tokens_file=tokens,
        changes_dir=output / "changes",
    ) as app:
        client = app.test_client()
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"  # a writer's client
        yield client


def ask_both(first: str, second: str) -> str:
    """ASK whether both documents are typed, in the default graph."""
    return f"ASK {{ <{first}> a ?type . <{second}> a ?type . }}"


def ask_named(first: str, second: str) -> str:
    """ASK whether two named graphs type the two documents."""
    return f"ASK {{ GRAPH ?g1 {{ <{first}> a ?type }} GRAPH ?g2 {{ <{second}> a ?type }} }}"


def dataset(**parameters: list[str]) -> str:
    """A query string of dataset parameters (``default_graph_uri=[…]``)."""
    pairs = [
        (name.replace("_", "-"), value) for name, values in parameters.items() for value in values
    ]
    return urlencode(pairs)


def boolean(response: TestResponse) -> bool:
    """The answer of an ASK, after checking it is a success in a boolean format."""
    assert 200 <= response.status_code < 400, response.get_data(as_text=True)
    if response.mimetype == "application/sparql-results+json":
        answer = json.loads(response.data)["boolean"]
        assert isinstance(answer, bool)
        return answer
    assert response.mimetype == "application/sparql-results+xml", response.mimetype
    element = ET.fromstring(response.data).find("{http://www.w3.org/2005/sparql-results#}boolean")
    assert element is not None
    assert element.text in ("true", "false")
    return element.text == "true"


def refused(response: TestResponse) -> int:
    """The status of a refusal, after checking it is a 4xx in the one error shape."""
    assert 400 <= response.status_code < 500, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"status", "title", "detail"}
    assert body["error"]["status"] == response.status_code
    return response.status_code


# --- query cases -----------------------------------------------------------------------


def test_query_post_form(client: FlaskClient) -> None:
    """A form POST: ``query=`` in the body, the dataset in the URL (issue 10, point 8)."""
    response = client.post(
        "/sparql?" + dataset(default_graph_uri=[DATA0]),
        data=urlencode({"query": "ASK {}"}),
        content_type=FORM,
    )
    assert boolean(response) is True


def test_query_dataset_default_graphs_get(client: FlaskClient) -> None:
    """GET with two default graphs: the default graph is their merge."""
    both = {"query": ask_both(DATA1, DATA2)}
    merged = client.get(
        "/sparql?" + urlencode(both) + "&" + dataset(default_graph_uri=[DATA1, DATA2])
    )
    assert boolean(merged) is True
    only_one = client.get("/sparql?" + urlencode(both) + "&" + dataset(default_graph_uri=[DATA1]))
    assert boolean(only_one) is False


def test_query_dataset_default_graphs_post(client: FlaskClient) -> None:
    """A direct POST whose URL names two default graphs."""
    query = ask_both(DATA1, DATA2)
    merged = client.post(
        "/sparql?" + dataset(default_graph_uri=[DATA1, DATA2]), data=query, content_type=DIRECT
    )
    assert boolean(merged) is True
    other = client.post(
        "/sparql?" + dataset(default_graph_uri=[DATA2, DATA3]), data=query, content_type=DIRECT
    )
    assert boolean(other) is False


def test_query_dataset_named_graphs_post(client: FlaskClient) -> None:
    """A direct POST whose URL names two named graphs."""
    query = ask_named(DATA1, DATA2)
    named = client.post(
        "/sparql?" + dataset(named_graph_uri=[DATA1, DATA2]), data=query, content_type=DIRECT
    )
    assert boolean(named) is True
    one_missing = client.post(
        "/sparql?" + dataset(named_graph_uri=[DATA1, DATA3]), data=query, content_type=DIRECT
    )
    assert boolean(one_missing) is False


def test_query_dataset_named_graphs_get(client: FlaskClient) -> None:
    """GET with two named graphs."""
    query = {"query": ask_named(DATA1, DATA2)}
    named = client.get(
        "/sparql?" + urlencode(query) + "&" + dataset(named_graph_uri=[DATA1, DATA2])
    )
    assert boolean(named) is True
    only_one = client.get("/sparql?" + urlencode(query) + "&" + dataset(named_graph_uri=[DATA2]))
    assert boolean(only_one) is False


def test_query_dataset_full(client: FlaskClient) -> None:
    """A default graph and two named graphs, all from the protocol."""
    query = f"""ASK {{
  <{DATA3}> a ?type
  GRAPH ?g1 {{ <{DATA1}> a ?type }}
  GRAPH ?g2 {{ <{DATA2}> a ?type }}
}}"""
    full = dataset(default_graph_uri=[DATA3], named_graph_uri=[DATA1, DATA2])
    assert boolean(client.post("/sparql?" + full, data=query, content_type=DIRECT)) is True
    swapped = dataset(default_graph_uri=[DATA1], named_graph_uri=[DATA2, DATA3])
    assert boolean(client.post("/sparql?" + swapped, data=query, content_type=DIRECT)) is False


def test_query_multiple_dataset(client: FlaskClient) -> None:
    """A query with FROM, sent with a protocol dataset: the protocol's is used (§2.1.4)."""
    query = f"ASK FROM <{DATA3}> " + ask_named(DATA1, DATA2).removeprefix("ASK ")
    named = dataset(named_graph_uri=[DATA1, DATA2])
    assert boolean(client.post("/sparql?" + named, data=query, content_type=DIRECT)) is True
    from_only = client.post("/sparql", data=query, content_type=DIRECT)
    assert boolean(from_only) is False  # FROM alone: no named graph at all


def test_query_get(client: FlaskClient) -> None:
    """GET with a query and a default graph that holds nothing."""
    response = client.get(
        "/sparql?" + urlencode({"query": "ASK {}"}) + "&" + dataset(default_graph_uri=[DATA0])
    )
    assert boolean(response) is True


def test_query_content_type_select(client: FlaskClient) -> None:
    """A SELECT is answered in a tabular results format (XML, JSON, CSV or TSV)."""
    response = client.post(
        "/sparql?" + dataset(default_graph_uri=[DATA0]),
        data="SELECT (1 AS ?value) {}",
        content_type=DIRECT,
    )
    assert response.status_code == 200
    assert response.mimetype == "application/sparql-results+json"
    rows = response.get_json()["results"]["bindings"]
    assert [row["value"]["value"] for row in rows] == ["1"]


def test_query_content_type_ask(client: FlaskClient) -> None:
    """An ASK is answered in a boolean results format (XML or JSON)."""
    url = "/sparql?" + dataset(default_graph_uri=[DATA0])
    response = client.post(url, data="ASK {}", content_type=DIRECT)
    assert response.mimetype == "application/sparql-results+json"
    assert boolean(response) is True
    xml = "application/sparql-results+xml"
    as_xml = client.post(url, data="ASK {}", content_type=DIRECT, headers={"Accept": xml})
    assert as_xml.mimetype == xml
    assert boolean(as_xml) is True


def rdf_answer(response: TestResponse) -> list[ox.Triple]:
    """The triples of a success in an RDF format the suite names."""
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype in ("application/rdf+xml", "text/turtle", "application/n-triples")
    fmt = ox.RdfFormat.from_media_type(response.mimetype)
    assert fmt is not None
    return [quad.triple for quad in ox.parse(response.data, format=fmt)]


def test_query_content_type_describe(client: FlaskClient) -> None:
    """A DESCRIBE is answered in an RDF format."""
    response = client.post(
        "/sparql?" + dataset(default_graph_uri=[DATA0]),
        data="DESCRIBE <http://example.org/>",
        content_type=DIRECT,
    )
    assert rdf_answer(response) == []


def test_query_content_type_construct(client: FlaskClient) -> None:
    """A CONSTRUCT is answered in an RDF format; its relative IRIs resolve against the
    service's base IRI (§2.3), the dataset's."""
    response = client.post(
        "/sparql?" + dataset(default_graph_uri=[DATA0]),
        data="CONSTRUCT { <s> <p> 1 } WHERE {}",
        content_type=DIRECT,
    )
    one = ox.Literal("1", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
    assert rdf_answer(response) == [
        ox.Triple(ox.NamedNode(BASE + "s"), ox.NamedNode(BASE + "p"), one)
    ]


def test_query_post_direct(client: FlaskClient) -> None:
    """A direct POST without a dataset: the endpoint's own (every graph)."""
    assert boolean(client.post("/sparql", data="ASK {}", content_type=DIRECT)) is True
    everything = client.post("/sparql", data=ask_both(DATA1, DATA3), content_type=DIRECT)
    assert boolean(everything) is True


# --- requests a query endpoint refuses -------------------------------------------------


def test_bad_query_method(client: FlaskClient) -> None:
    """PUT is not a way to send a query."""
    response = client.put(
        "/sparql?" + urlencode({"query": "ASK {}"}) + "&" + dataset(default_graph_uri=[DATA0]),
        content_type=FORM,
    )
    assert refused(response) == 405
    assert {"GET", "POST"} <= {method.strip() for method in response.headers["Allow"].split(",")}


def test_bad_multiple_queries(client: FlaskClient) -> None:
    """Two queries in one request."""
    response = client.get("/sparql?" + urlencode([("query", "ASK {}"), ("query", "SELECT * {}")]))
    assert refused(response) == 400


def test_bad_query_wrong_media_type(client: FlaskClient) -> None:
    """A query POSTed as ``text/plain``."""
    assert refused(client.post("/sparql", data="ASK {}", content_type="text/plain")) == 415


def test_bad_query_missing_form_type(client: FlaskClient) -> None:
    """A form body POSTed without its media type."""
    assert refused(client.post("/sparql", data=urlencode({"query": "ASK {}"}))) == 415


def test_bad_query_missing_direct_type(client: FlaskClient) -> None:
    """A query POSTed without a media type."""
    assert refused(client.post("/sparql", data="ASK {}")) == 415


def test_bad_query_non_utf8(client: FlaskClient) -> None:
    """A direct POST in UTF-16, which it says."""
    response = client.post(
        "/sparql", data="ASK {}".encode("utf-16"), content_type=DIRECT + "; charset=UTF-16"
    )
    assert refused(response) == 415


def test_bad_query_syntax(client: FlaskClient) -> None:
    """A query that does not parse."""
    assert refused(client.get("/sparql?" + urlencode({"query": "ASK {"}))) == 400


# --- updates, which a read-only endpoint refuses as the suite expects ----------------------


def test_bad_update_get(client: FlaskClient) -> None:
    """An update by GET."""
    assert refused(client.get("/sparql?" + urlencode({"update": "CLEAR ALL"}))) == 405


def test_bad_multiple_updates(client: FlaskClient) -> None:
    """Two updates in one form."""
    body = urlencode([("update", "CLEAR NAMED"), ("update", "CLEAR DEFAULT")])
    assert refused(client.post("/sparql", data=body, content_type=FORM)) == 400


def test_bad_update_wrong_media_type(client: FlaskClient) -> None:
    """An update POSTed as ``text/plain``."""
    assert refused(client.post("/sparql", data="CLEAR NAMED", content_type="text/plain")) == 415


def test_bad_update_missing_form_type(client: FlaskClient) -> None:
    """An update form POSTed without its media type."""
    assert refused(client.post("/sparql", data=urlencode({"update": "CLEAR NAMED"}))) == 415


def test_bad_update_non_utf8(client: FlaskClient) -> None:
    """A direct update in UTF-16."""
    response = client.post(
        "/sparql", data="CLEAR NAMED".encode("utf-16"), content_type=UPDATE + "; charset=UTF-16"
    )
    assert refused(response) == 415


def test_bad_update_syntax(client: FlaskClient) -> None:
    """An update that does not parse."""
    body = urlencode({"update": "CLEAR XYZ"})
    assert refused(client.post("/sparql", data=body, content_type=FORM)) == 400


def test_bad_update_dataset_conflict(client: FlaskClient) -> None:
    """An update with both a ``using-named-graph-uri`` and a ``WITH`` clause."""
    update = """PREFIX foaf: <http://xmlns.com/foaf/0.1/>
WITH <http://example/addresses>
DELETE { ?who foaf:givenName "Bill" } INSERT { ?who foaf:givenName "William" }
WHERE { ?who foaf:givenName "Bill" }"""
    response = client.post(
        "/sparql?" + urlencode({"using-named-graph-uri": "http://example/people"}),
        data=update,
        content_type=UPDATE,
    )
    assert refused(response) == 400


# --- the protocol's dataset against the query's (§2.1.4), beyond the suite ------------------


@pytest.mark.parametrize(
    ("query", "protocol", "expected"),
    [
        # FROM alone picks the default graph.
        (f"ASK FROM <{DATA3}> {{ <{DATA3}> a ?t }}", {}, True),
        (f"ASK FROM <{DATA3}> {{ <{DATA1}> a ?t }}", {}, False),
        # A protocol default graph replaces FROM.
        (f"ASK FROM <{DATA3}> {{ <{DATA1}> a ?t }}", {"default_graph_uri": [DATA1]}, True),
        (f"ASK FROM <{DATA3}> {{ <{DATA3}> a ?t }}", {"default_graph_uri": [DATA1]}, False),
        # Protocol named graphs replace FROM too: the default graph is then empty.
        (f"ASK FROM <{DATA3}> {{ ?s ?p ?o }}", {"named_graph_uri": [DATA1]}, False),
        # A protocol default graph replaces FROM NAMED: no named graph is left.
        (
            f"ASK FROM NAMED <{DATA3}> {{ GRAPH ?g {{ ?s ?p ?o }} }}",
            {"default_graph_uri": [DATA1]},
            False,
        ),
        (
            f"ASK FROM NAMED <{DATA3}> {{ GRAPH ?g {{ <{DATA2}> a ?t }} }}",
            {"named_graph_uri": [DATA2]},
            True,
        ),
    ],
)
@pytest.mark.parametrize("via", ["GET", "form POST"])
def test_issue10_point8_the_protocol_dataset_replaces_the_querys(
    client: FlaskClient, query: str, protocol: dict[str, list[str]], expected: bool, via: str
) -> None:
    if via == "GET":
        response = client.get("/sparql?" + urlencode({"query": query}) + "&" + dataset(**protocol))
    else:
        response = client.post(
            "/sparql?" + dataset(**protocol), data=urlencode({"query": query}), content_type=FORM
        )
    assert boolean(response) is expected
