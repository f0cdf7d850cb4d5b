"""Parameter values: lexical forms, RDF terms, graph checks, and values crafted to break out."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pyoxigraph as ox
import pytest

from partnergraph.queries import (
    NamedQuery,
    ParameterError,
    QueryFileError,
    literal_term,
    read_query,
)
from partnergraph.queries.binding import bind, default_term, short_names

from .paths import BASE

XSD = "http://www.w3.org/2001/XMLSchema#"
CITY = "https://schema.org/City"
LUND = BASE + "id/city/lund"
LUND_ORG = BASE + "id/organization/lund"
PT = BASE + "def/partnership-type/"


class FakeGraph:
    """A graph that knows three instances and one scheme, and records what is asked."""

    def __init__(self) -> None:
        self.types = {
            LUND: CITY,
            BASE + "id/city/lahti": CITY,
            BASE + "id/town/lahti": CITY,  # a second 'lahti' slug, under another kind
            "https://example.org/elsewhere/lund": CITY,
        }
        self.asked: list[tuple[str, str]] = []

    def is_instance(self, iri: str, cls: str) -> bool:
        self.asked.append((iri, cls))
        return self.types.get(iri) == cls

    def instances(self, cls: str) -> Sequence[str]:
        return sorted(iri for iri, kind in self.types.items() if kind == cls)

    def concepts(self, scheme: str) -> Sequence[str]:
        assert scheme == BASE + "def/partnership-type"
        return [PT + "twin-town", PT + "cooperation-agreement"]


QUERY = """\
#+ title: Test
#+ parameters:
#+   - name: city
#+     type: iri
#+     class: schema:City
#+   - name: thing
#+     type: iri
#+   - name: kind
#+     type: concept
#+     scheme: <def/partnership-type>
#+   - name: text
#+     type: string
#+   - name: lang
#+     type: language
#+     default: en
#+   - name: n
#+     type: integer
#+   - name: day
#+     type: date
#+   - name: year
#+     type: year
#+   - name: must
#+     type: string
#+     required: true
SELECT * WHERE { ?city ?thing ?kind . FILTER (?text || ?lang || ?n || ?day || ?year || ?must) }
"""


@pytest.fixture
def query(tmp_path: Path) -> NamedQuery:
    path = tmp_path / "test.rq"
    path.write_text(QUERY, encoding="utf-8")
    return read_query(path)


def bound(query: NamedQuery, **given: str) -> dict[str, ox.NamedNode | ox.Literal]:
    return dict(bind(query, {"must": "x", **given}, BASE, FakeGraph()))


def typed(value: str, datatype: str) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(XSD + datatype))


@pytest.mark.parametrize(
    ("kind", "text", "term"),
    [
        ("string", "Lund", ox.Literal("Lund")),
        ("string", 'a "quoted" } text\n', ox.Literal('a "quoted" } text\n')),
        ("language", "SV", ox.Literal("sv")),
        ("language", "en-GB", ox.Literal("en-gb")),
        ("integer", "+007", typed("7", "integer")),
        ("integer", "-9223372036854775808", typed("-9223372036854775808", "integer")),
        ("date", "2024-02-29", typed("2024-02-29", "date")),
        ("year", "1947", typed("1947", "gYear")),
    ],
)
def test_a_value_becomes_a_literal_in_canonical_form(
    kind: str, text: str, term: ox.Literal
) -> None:
    assert literal_term(kind, text) == term


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        ("language", "en_GB"),
        ("language", 'en") || true || ("'),
        ("integer", "1.5"),
        ("integer", "9223372036854775808"),
        ("integer", "12345678901234567890123"),
        ("date", "2023-02-29"),
        ("date", "2023-1-1"),
        ("date", '2023-01-01"^^<x> } #'),
        ("year", "194"),
        ("year", "1947 "),
    ],
)
def test_a_value_of_the_wrong_form_is_refused(kind: str, text: str) -> None:
    with pytest.raises(ValueError, match="expects"):
        literal_term(kind, text)


def test_values_are_bound_as_terms_defaults_apply_and_empty_is_not_given(
    query: NamedQuery,
) -> None:
    terms = bound(query, city=LUND, thing="urn:isbn:0451450523", kind="twin-town", text="", n="3")

    assert terms == {
        "city": ox.NamedNode(LUND),
        "thing": ox.NamedNode("urn:isbn:0451450523"),
        "kind": ox.NamedNode(PT + "twin-town"),
        "lang": ox.Literal("en"),
        "n": typed("3", "integer"),
        "must": ox.Literal("x"),
    }
    assert list(dict(bind(query, {"must": "x"}, BASE, FakeGraph()))) == ["lang", "must"]


def test_an_iri_must_be_an_instance_of_the_class_in_the_graph(query: NamedQuery) -> None:
    graph = FakeGraph()
    bind(query, {"must": "x", "city": LUND}, BASE, graph)
    assert graph.asked == [(LUND, CITY)]

    with pytest.raises(ParameterError) as caught:
        bound(query, city=BASE + "id/partnership/lund-nevers")
    assert caught.value.parameter == "city"
    assert "is no schema:City in the graph" in str(caught.value)
    assert caught.value.status == 400


def test_a_slug_stands_for_the_one_instance_with_it(query: NamedQuery) -> None:
    assert bound(query, city="lund")["city"] == ox.NamedNode(LUND)

    with pytest.raises(ParameterError, match="ambiguous: give the full IRI") as caught:
        bound(query, city="lahti")
    assert f"<{BASE}id/city/lahti>" in str(caught.value)
    with pytest.raises(ParameterError, match="no schema:City in the graph has the slug 'nevers'"):
        bound(query, city="nevers")
    with pytest.raises(ParameterError, match="is no IRI"):
        bound(query, thing="lund")  # no class: no short form


@pytest.mark.parametrize(
    "value",
    [
        f"{LUND}> }} UNION {{ ?s ?p ?o }} #",
        f"{LUND}>",
        "http://example.org/a b",
        'http://example.org/"',
        "http://example.org/{x}",
        "lund } #",
        "Lund",
        "../id/city/lund",
        "<https://w3id.org/partnergraph/id/city/lund>",
        "",
    ],
)
def test_an_iri_crafted_to_break_out_is_refused(query: NamedQuery, value: str) -> None:
    if value == "":
        with pytest.raises(ParameterError, match="'must': is required"):
            bind(query, {"must": value}, BASE, FakeGraph())
        return
    with pytest.raises(ParameterError) as caught:
        bound(query, city=value)
    assert caught.value.parameter == "city"
    assert "expects the IRI of a schema:City" in str(caught.value)


def test_a_concept_is_one_of_its_scheme(query: NamedQuery) -> None:
    assert bound(query, kind=PT + "cooperation-agreement")["kind"] == ox.NamedNode(
        PT + "cooperation-agreement"
    )
    with pytest.raises(ParameterError) as caught:
        bound(query, kind="friendship")
    assert caught.value.parameter == "kind"
    assert "one of cooperation-agreement, twin-town (or the concept's IRI)" in str(caught.value)


def test_short_names_leave_out_the_ambiguous() -> None:
    names = short_names(["http://a/x", "http://b/x", "http://a#y"])
    assert names == {"y": "http://a#y"}


@pytest.mark.parametrize(
    ("name", "value", "expects"),
    [
        ("n", "ten", "expects an integer"),
        ("day", "2023-02-30", "a real day"),
        ("year", "19470", "expects a year, YYYY"),
        ("lang", "en us", "expects a language tag"),
    ],
)
def test_a_wrong_typed_value_names_the_parameter_and_what_it_expects(
    query: NamedQuery, name: str, value: str, expects: str
) -> None:
    with pytest.raises(ParameterError) as caught:
        bound(query, **{name: value})
    assert caught.value.parameter == name
    assert str(caught.value).startswith(f"parameter {name!r}: {value!r} is not a value")
    assert expects in str(caught.value)


def test_a_default_is_a_term_of_its_type(query: NamedQuery) -> None:
    lang = query.parameter("lang")
    assert lang is not None
    assert default_term(lang, BASE) == ox.Literal("en")


def header(*lines: str, query: str = "SELECT ?limit WHERE { ?limit ?p ?o }") -> str:
    return "".join(f"#+ {line}\n" for line in lines) + query + "\n"


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        pytest.param(
            header("title: x", "parameters:", "  - name: limit", "    type: integer"),
            3,
            "parameter name 'limit' is reserved",
            id="reserved-name",
        ),
        pytest.param(
            header("title: x", query="CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"),
            2,
            "must be a SELECT query",
            id="not-a-select",
        ),
        pytest.param(
            header(
                "title: x",
                "parameters:",
                "  - name: limit2",
                "    type: integer",
                "    default: 99999999999999999999",
                query="SELECT ?limit2 WHERE { ?limit2 ?p ?o }",
            ),
            5,
            "is not an integer",
            id="default-out-of-range",
        ),
    ],
)
def test_a_header_the_api_cannot_serve_stops_start_up(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    path = tmp_path / "bad.rq"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(QueryFileError) as caught:
        read_query(path)
    assert caught.value.line == line, str(caught.value)
    assert message in caught.value.detail


def test_the_columns_are_the_projection_in_order(query: NamedQuery, tmp_path: Path) -> None:
    assert query.columns == ()
    path = tmp_path / "cols.rq"
    path.write_text(header("title: x", query="SELECT ?b ?a (1 AS ?c) WHERE { ?a ?b ?o }"))
    assert read_query(path).columns == ("b", "a", "c")
