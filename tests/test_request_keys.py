"""The keys of query answers (partnergraph.request_keys)."""

from __future__ import annotations

from dataclasses import replace

import pyoxigraph as ox
import pytest

from partnergraph.request_keys import is_request_key, normalise_query, request_key
from partnergraph.store.base import QueryForm, QueryRequest

IRI = ox.NamedNode("http://example.org/a")
VERSION = "a" * 64
OTHER_VERSION = "b" * 64
QUERY = 'SELECT ?s WHERE { ?s <http://example.org/name> "Lund # Sweden" } LIMIT 5'
REQUEST = QueryRequest(QUERY, QueryForm.SELECT)


def key(version: str = VERSION, request: QueryRequest = REQUEST, variant: str = "json") -> str:
    return request_key(version, request, variant)


@pytest.mark.parametrize(
    "text",
    [
        'SELECT ?s WHERE {\n  ?s <http://example.org/name> "Lund # Sweden"\n} LIMIT 5\n',
        '# who is called Lund?\nSELECT ?s   WHERE { ?s <http://example.org/name> "Lund # Sweden" }'
        " # a comment\n\tLIMIT 5",
        'SELECT ?s WHERE { ?s <http://example.org/name> "Lund # Sweden" # "x"\n } LIMIT 5',
    ],
)
def test_whitespace_and_comments_do_not_change_the_key(text: str) -> None:
    assert key(request=replace(REQUEST, query=text)) == key()


@pytest.mark.parametrize(
    "text",
    [
        'SELECT ?s WHERE { ?s <http://example.org/name> "Lund  # Sweden" } LIMIT 5',
        'SELECT ?s WHERE { ?s <http://example.org/name> "Lund" } LIMIT 5',
        'SELECT ?s WHERE { ?s <http://example.org/name> """Lund # Sweden""" } LIMIT 5',
        'SELECT ?s WHERE { ?s <http://example.org/name#x> "Lund # Sweden" } LIMIT 5',
        'SELECT ?S WHERE { ?S <http://example.org/name> "Lund # Sweden" } LIMIT 5',
        'SELECT ?s WHERE { ?s <http://example.org/name> "Lund # Sweden" } LIMIT 6',
    ],
)
def test_a_difference_in_a_string_iri_or_name_changes_the_key(text: str) -> None:
    assert key(request=replace(REQUEST, query=text)) != key()


def test_normalising_keeps_where_a_gap_was() -> None:
    assert normalise_query("SELECT * {}") == ("SELECT", "", "*", "", "{", "}")
    assert normalise_query("SELECT*{}") == ("SELECT", "*", "{", "}")
    assert normalise_query("  ASK #c\n{ }  ") == normalise_query("ASK {\n}")


@pytest.mark.parametrize(
    ("version", "request_", "variant"),
    [
        (OTHER_VERSION, REQUEST, "json"),
        (VERSION, REQUEST, "xml"),
        (VERSION, replace(REQUEST, form=QueryForm.ASK), "json"),
        (VERSION, replace(REQUEST, default_graph_uris=("http://example.org/g",)), "json"),
        (VERSION, replace(REQUEST, named_graph_uris=("http://example.org/g",)), "json"),
        (VERSION, replace(REQUEST, row_cap=10), "json"),
        (VERSION, replace(REQUEST, base_iri="http://example.org/"), "json"),
        (
            VERSION,
            replace(REQUEST, bindings=(("s", ox.NamedNode("http://example.org/a")),)),
            "json",
        ),
        (VERSION, replace(REQUEST, bindings=(("s", ox.Literal(IRI.value)),)), "json"),
        (
            VERSION,
            replace(REQUEST, bindings=(("o", ox.NamedNode("http://example.org/a")),)),
            "json",
        ),
    ],
)
def test_anything_that_changes_the_answer_changes_the_key(
    version: str, request_: QueryRequest, variant: str
) -> None:
    assert request_key(version, request_, variant) != key()


def test_the_order_of_dataset_graphs_does_not_matter() -> None:
    graphs = ("http://example.org/a", "http://example.org/b")
    one = replace(REQUEST, default_graph_uris=graphs, named_graph_uris=graphs)
    other = replace(REQUEST, default_graph_uris=graphs[::-1], named_graph_uris=graphs[::-1])
    assert key(request=one) == key(request=other)
    swapped = replace(REQUEST, default_graph_uris=graphs[:1], named_graph_uris=graphs[1:])
    assert key(request=swapped) != key(request=replace(swapped, named_graph_uris=graphs[:1]))


def test_a_key_has_the_form_it_is_checked_for() -> None:
    assert is_request_key(key())
    assert key(version=VERSION.upper()) == key()
    assert not is_request_key(key().upper())
    assert not is_request_key(key()[:-1])
    assert not is_request_key(None)


@pytest.mark.parametrize(
    ("version", "variant", "message"),
    [("v1", "json", "version"), (VERSION[:-1], "json", "version"), (VERSION, "", "variant")],
)
def test_a_wrong_argument_is_an_error(version: str, variant: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        request_key(version, REQUEST, variant)
