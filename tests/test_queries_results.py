"""A result as a table: typed JSON values, SPARQL JSON and the W3C CSV format."""

from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox
import pytest

from partnergraph.queries.results import (
    Table,
    csv_text,
    read_table,
    rows_json,
    sparql_json,
    typed_value,
)

XSD = "http://www.w3.org/2001/XMLSchema#"


def literal(value: str, datatype: str | None = None, lang: str | None = None) -> dict[str, str]:
    cell = {"type": "literal", "value": value}
    if datatype:
        cell["datatype"] = XSD + datatype
    if lang:
        cell["xml:lang"] = lang
    return cell


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        (None, None),
        ({"type": "uri", "value": "http://x/a"}, "http://x/a"),
        ({"type": "bnode", "value": "b0"}, "b0"),
        (literal("Lund", lang="sv"), "Lund"),
        (literal("8", "integer"), 8),
        (literal(" 12 ", "nonNegativeInteger"), 12),
        (literal("123456789012345678901234567890", "integer"), 123456789012345678901234567890),
        (literal("2.5", "decimal"), 2.5),
        (literal("1.0E3", "double"), 1000.0),
        (literal("NaN", "double"), "NaN"),
        (literal("INF", "float"), "INF"),
        (literal("true", "boolean"), True),
        (literal("0", "boolean"), False),
        (literal("eight", "integer"), "eight"),
        (literal("1947", "gYear"), "1947"),
        (literal("1967-05-22", "date"), "1967-05-22"),
    ],
)
def test_a_term_becomes_a_typed_json_value(cell: dict[str, str] | None, value: object) -> None:
    assert typed_value(cell) == value
    assert type(typed_value(cell)) is type(value)


def result_of(query: str) -> bytes:
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://x/lund"), ox.NamedNode("http://x/p"), ox.Literal("a")))
    return store.query(query).serialize(format=ox.QueryResultsFormat.JSON)


QUERY = """SELECT ?s ?name ?n ?none ?b WHERE {
  ?s ?p ?o
  BIND ("Lund, \\"Sk\u00e5ne\\"\\nSweden"@sv AS ?name)
  BIND (42 AS ?n)
  BIND (BNODE("x") AS ?b)
}"""


def test_a_sparql_json_result_is_read_in_the_projection_order() -> None:
    table = read_table(result_of(QUERY))

    assert table.columns == ("s", "name", "n", "none", "b")
    assert table.rows[0]["name"] == literal('Lund, "Sk\u00e5ne"\nSweden', lang="sv")
    assert "none" not in table.rows[0]


def test_rows_have_every_column_and_typed_values() -> None:
    rows = json.loads(rows_json(read_table(result_of(QUERY))))

    assert rows[0]["s"] == "http://x/lund"
    assert rows[0]["name"] == 'Lund, "Sk\u00e5ne"\nSweden'
    assert rows[0]["n"] == 42
    assert rows[0]["none"] is None
    assert list(rows[0]) == ["s", "name", "n", "none", "b"]


def test_csv_is_the_w3c_sparql_results_csv() -> None:
    text = csv_text(read_table(result_of(QUERY))).decode("utf-8")

    assert text.startswith("s,name,n,none,b\r\n")
    assert text.endswith("\r\n")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[1][:4] == ["http://x/lund", 'Lund, "Sk\u00e5ne"\nSweden', "42", ""]
    assert rows[1][4].startswith("_:")
    assert '"Lund, ""Sk\u00e5ne""\nSweden"' in text  # RFC 4180 quoting


def test_sparql_json_keeps_the_terms_and_announces_a_cut() -> None:
    table = read_table(result_of(QUERY))
    data = json.loads(sparql_json(table, link="https://example.org/-/limits#row-cap"))

    assert data["head"] == {
        "vars": list(table.columns),
        "link": ["https://example.org/-/limits#row-cap"],
    }
    assert data["results"]["bindings"] == [dict(row) for row in table.rows]
    assert "link" not in json.loads(sparql_json(table))["head"]


def test_a_window_is_a_page_of_rows() -> None:
    rows = tuple({"i": literal(str(i), "integer")} for i in range(10))
    table = Table(("i",), rows)

    assert [r["i"]["value"] for r in table.window(3, 4).rows] == ["3", "4", "5", "6"]
    assert table.window(8, 5).rows == rows[8:]
    assert table.window(20, 5).rows == ()
