"""The row cap applied while pyoxigraph writes a result: exact in every format.

Results are written by pyoxigraph itself (a SPARQL JSON document is parsed and
written again in each format), then fed to :class:`SolutionLimit` in chunks of
every size, so that a cut can fall anywhere: what is kept must be the first
``cap`` solutions, parse as its format, and say it was cut exactly when there
were more.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
from typing import Any

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partnergraph import formats
from partnergraph.formats import Format, Kind
from partnergraph.store.base import QueryForm, QueryRequest
from partnergraph.store.oxigraph import OxigraphStore
from partnergraph.store.results import Written, announce, write_solutions, write_triples
from partnergraph.store.scanners import Enough, SolutionLimit, scanner_for

LINK = "https://example.org/-/limits#row-cap"
RESULT_FORMATS = [fmt for fmt in formats.FORMATS if fmt.kind is Kind.RESULTS]
EX = "http://example.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"

#: Literal texts that look like the structure of some format.
TRICKY = [
    "plain",
    "two\nlines",
    "crlf\r\nend",
    "tab\there",
    'say "hi"',
    '"',
    "a,b",
    "<result>",
    "</result><result>",
    "},{",
    '},{"',
    '},{"x":{"type":"uri","value":"http://x/"}}',
    "},{}",
    "{}",
    "}",
    "]",
    "[{",
    '[{"',
    "]}}",
    "back\\",
    "\\",
    '\\"},{',
    "é ünïcödé ⟨⟩",
]


def _fmt(key: str) -> Format:
    fmt = formats.by_key(key)
    assert fmt is not None
    return fmt


def _oxigraph(fmt: Format) -> ox.QueryResultsFormat:
    assert isinstance(fmt.oxigraph, ox.QueryResultsFormat)
    return fmt.oxigraph


def _document(variables: list[str], rows: list[dict[str, Any]]) -> bytes:
    return json.dumps({"head": {"vars": variables}, "results": {"bindings": rows}}).encode()


def _rows_of(body: bytes, fmt: Format) -> list[tuple[Any, ...]]:
    if fmt.key == "csv":  # pyoxigraph reads no CSV: it loses the kind of each term
        return [tuple(row) for row in csv.reader(io.StringIO(body.decode(), newline=""))][1:]
    parsed = ox.parse_query_results(body, _oxigraph(fmt))
    assert isinstance(parsed, ox.QuerySolutions)
    names = [variable.value for variable in parsed.variables]
    return [tuple(solution[name] for name in names) for solution in parsed]


def _written_in(document: bytes, fmt: Format) -> bytes:
    """What pyoxigraph writes for ``document`` in ``fmt``."""
    solutions = ox.parse_query_results(document, ox.QueryResultsFormat.JSON)
    assert isinstance(solutions, ox.QuerySolutions)
    body = solutions.serialize(format=_oxigraph(fmt))
    assert body is not None
    return body


def _feed(body: bytes, fmt: Format, cap: int, size: int) -> Written:
    """``body`` written into a :class:`SolutionLimit` ``size`` bytes at a time, each
    write scanned (not in batches), so that a scan may end anywhere."""
    sink = SolutionLimit(scanner_for(_oxigraph(fmt)), cap)
    sink.BATCH = 1
    with contextlib.suppress(Enough):
        for start in range(0, len(body), size):
            sink.write(body[start : start + size])
    body, rows, truncated = sink.kept()
    return Written(announce(body, fmt, LINK) if truncated else body, rows, truncated)


def _check_cut(written: Written, full: bytes, fmt: Format, cap: int) -> None:
    expected = _rows_of(full, fmt)
    assert _rows_of(written.body, fmt) == expected[:cap]
    assert written.rows == min(cap, len(expected))
    assert written.truncated == (len(expected) > cap)
    if fmt.key in ("json", "xml"):
        assert (LINK.encode() in written.body) == written.truncated
    if not written.truncated:
        assert written.body == full


def _literal(text: str, lang: str | None = None, datatype: str | None = None) -> dict[str, str]:
    cell = {"type": "literal", "value": text}
    if lang is not None:
        cell["xml:lang"] = lang
    if datatype is not None:
        cell["datatype"] = datatype
    return cell


def _tricky_rows(empty: bool) -> list[dict[str, Any]]:
    """Solutions whose literals look like structure; with ``empty``, solutions that bind
    nothing and literals that look like them too (SPARQL JSON is then read strictly)."""
    rows: list[dict[str, Any]] = []
    for index, text in enumerate(TRICKY):
        if not empty and "},{}" in text:
            continue
        rows.append({"s": {"type": "uri", "value": f"{EX}{index}"}, "o": _literal(text)})
        rows.append({"o": _literal(text, lang="sv")})
        rows.append({"s": {"type": "bnode", "value": f"b{index}"}, "o": _literal(text, None, EX)})
        if empty:
            rows.append({})
    return rows


@pytest.mark.parametrize("fmt", RESULT_FORMATS, ids=lambda fmt: fmt.key)
@pytest.mark.parametrize("size", [1, 2, 3, 5, 7, 64, 8192])
@pytest.mark.parametrize("empty", [False, True], ids=["bound", "with-empty"])
def test_a_cut_falls_exactly_at_the_cap(fmt: Format, size: int, empty: bool) -> None:
    rows = _tricky_rows(empty)
    full = _written_in(_document(["s", "o"], rows), fmt)
    for cap in [0, 1, 2, 3, 4, 5, 17, 50, len(rows) - 1, len(rows), len(rows) + 1]:
        _check_cut(_feed(full, fmt, cap, size), full, fmt, cap)


@pytest.mark.parametrize("fmt", RESULT_FORMATS, ids=lambda fmt: fmt.key)
@pytest.mark.parametrize("bound", [True, False], ids=["bound", "unbound"])
def test_solutions_with_no_variable_or_no_binding(fmt: Format, bound: bool) -> None:
    variables = ["x"] if bound else []
    rows: list[dict[str, Any]] = [{"x": _literal("{}")} if bound else {} for _ in range(6)]
    full = _written_in(_document(variables, rows), fmt)
    for size in (1, 3, 8192):
        for cap in range(8):
            _check_cut(_feed(full, fmt, cap, size), full, fmt, cap)


@pytest.mark.parametrize("fmt", RESULT_FORMATS, ids=lambda fmt: fmt.key)
def test_an_empty_result_is_whole(fmt: Format) -> None:
    full = _written_in(_document(["x", "y"], []), fmt)
    for cap in (0, 1):
        written = _feed(full, fmt, cap, 1)
        assert (written.body, written.rows, written.truncated) == (full, 0, False)


_TERMS = st.one_of(
    st.builds(lambda text: {"type": "uri", "value": EX + text}, st.sampled_from(["a", "b%7B"])),
    st.builds(lambda text: {"type": "bnode", "value": text}, st.sampled_from(["b0", "b1"])),
    st.builds(
        _literal,
        st.text(alphabet='{}[],:"\\\n\r\t<>&/ab', max_size=12),
        st.sampled_from([None, "en", "sv-SE"]),
    ),
    st.builds(
        lambda text: _literal(text, None, XSD + "string2"),
        st.text(alphabet='{}",\\', max_size=6),
    ),
)


@given(
    rows=st.lists(
        st.dictionaries(st.sampled_from(["a", "b", "c"]), _TERMS, min_size=1), max_size=12
    ),
    empty=st.sets(st.integers(0, 12), max_size=2),
    cap=st.integers(0, 13),
    size=st.integers(1, 40),
)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_result_is_cut_exactly(
    rows: list[dict[str, Any]], empty: set[int], cap: int, size: int
) -> None:
    for index in sorted(empty):  # solutions that bind nothing, here and there
        rows.insert(min(index, len(rows)), {})
    document = _document(["a", "b", "c"], rows)
    for fmt in RESULT_FORMATS:
        full = _written_in(document, fmt)
        _check_cut(_feed(full, fmt, cap, size), full, fmt, cap)


# -- through pyoxigraph's own writes --------------------------------------------------


@pytest.fixture(scope="module")
def store() -> OxigraphStore:
    """Enough solutions that the writer flushes several times before the cut."""
    quads = [
        ox.Quad(
            ox.NamedNode(f"{EX}s{index:05}"),
            ox.NamedNode(EX + "p"),
            ox.Literal(f"{TRICKY[index % len(TRICKY)]} {index}", language="en"),
            ox.NamedNode(EX + "g"),
        )
        for index in range(3000)
    ]
    store = OxigraphStore(row_cap_link=LINK)
    store.replace(quads)
    return store


SELECT = "SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s"


@pytest.mark.parametrize("fmt", RESULT_FORMATS, ids=lambda fmt: fmt.key)
@pytest.mark.parametrize("cap", [1, 999, 2999, 3000, 3001])
def test_the_engine_is_stopped_at_the_cap(store: OxigraphStore, fmt: Format, cap: int) -> None:
    full = store.store.query(SELECT).serialize(format=_oxigraph(fmt))
    assert full is not None
    result = store.store.query(SELECT)
    assert isinstance(result, ox.QuerySolutions)
    _check_cut(write_solutions(result, fmt, cap, LINK), full, fmt, cap)


@pytest.mark.parametrize("fmt", RESULT_FORMATS, ids=lambda fmt: fmt.key)
def test_an_ask_is_written_as_it_is(store: OxigraphStore, fmt: Format) -> None:
    result = store.query(QueryRequest("ASK { ?s ?p ?o }", QueryForm.ASK, row_cap=1), fmt)
    assert result.body == store.store.query("ASK { ?s ?p ?o }").serialize(format=_oxigraph(fmt))
    assert (result.rows, result.truncated) == (None, False)


@pytest.mark.parametrize("key", ["nt", "nq", "ttl"])
@pytest.mark.parametrize("cap", [1, 2999, 3000, 3001])
def test_triples_are_cut_at_the_cap(store: OxigraphStore, key: str, cap: int) -> None:
    fmt = _fmt(key)
    assert isinstance(fmt.oxigraph, ox.RdfFormat)
    result = store.store.query("CONSTRUCT WHERE { ?s ?p ?o }")
    assert isinstance(result, ox.QueryTriples)
    written = write_triples(result, fmt, cap, LINK)
    kept = list(ox.parse(written.body, format=fmt.oxigraph))
    assert written.rows == len(kept) == min(cap, 3000)
    assert written.truncated == (cap < 3000)


def test_a_format_written_whole_has_no_scanner() -> None:
    with pytest.raises(ValueError, match="an item at a time"):
        scanner_for(ox.RdfFormat.TURTLE)
