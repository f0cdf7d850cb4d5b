"""The SPARQL lexer's helpers that locate places in a query (partnergraph.store.lexer)."""

from __future__ import annotations

import pytest

from partnergraph.store.lexer import where_group_span, where_group_start


@pytest.mark.parametrize(
    ("query", "before"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", "SELECT * WHERE {"),
        ("SELECT * { ?s ?p ?o }", "SELECT * {"),
        ("ASK { ?s ?p ?o }", "ASK {"),
        ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "CONSTRUCT { ?s ?p ?o } WHERE {"),
        ("CONSTRUCT { ?s ?p ?o } { ?s ?p ?o }", "CONSTRUCT { ?s ?p ?o } {"),
        ("CONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT WHERE {"),
        ("DESCRIBE ?s WHERE { ?s ?p ?o }", "DESCRIBE ?s WHERE {"),
        (
            "SELECT (EXISTS { ?s ?p ?o } AS ?e) WHERE { ?s ?p ?o }",
            "SELECT (EXISTS { ?s ?p ?o } AS ?e) WHERE {",
        ),
        ('SELECT * WHERE { ?s ?p "{" }', "SELECT * WHERE {"),
        ("# { a comment\nSELECT * WHERE { ?s ?p ?o }", "# { a comment\nSELECT * WHERE {"),
    ],
)
def test_where_group_start(query: str, before: str) -> None:
    assert query[: where_group_start(query)] == before


def test_describe_without_a_group_has_none() -> None:
    assert where_group_start("DESCRIBE <http://example.org/x>") is None


@pytest.mark.parametrize(
    ("query", "body"),
    [
        ("SELECT * WHERE { ?s ?p ?o } LIMIT 1", " ?s ?p ?o "),
        (
            "CONSTRUCT { ?s ?p ?o } WHERE { { ?s ?p ?o } UNION { ?o ?p ?s } }",
            " { ?s ?p ?o } UNION { ?o ?p ?s } ",
        ),
        ('ASK { ?s ?p "}" }', ' ?s ?p "}" '),
    ],
)
def test_where_group_span(query: str, body: str) -> None:
    span = where_group_span(query)
    assert span is not None
    assert query[span[0] : span[1]] == body
