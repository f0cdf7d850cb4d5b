"""The named-query reader: headers, their errors, and every queries/*.rq on the real graph."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from partnergraph.errors import ConfigurationError
from partnergraph.loader import data_files, load_store
from partnergraph.materialise import materialise
from partnergraph.namespaces import Namespaces
from partnergraph.queries import (
    NamedQuery,
    Parameter,
    QueryFileError,
    literal_term,
    load_queries,
    query_variables,
    read_query,
    rebase,
    resolve_iri,
)

from .paths import BASE, ROOT

GOOD = """\
#+ title: Partners of a municipality
#+ description: >-
#+   Every partnership of one municipality,
#+   with its type.
#+ parameters:
#+   - name: city
#+     type: iri
#+     class: schema:City
#+     required: true
#+     example: <id/city/lund>
#+     description: The municipality.
#+   - name: since
#+     type: date
#+     default: 2000-01-01
#+   - name: kind
#+     type: concept
#+     scheme: <def/partnership-type>
#+ tags: [partnerships, municipalities]
PREFIX pg: <https://w3id.org/partnergraph/def/>
SELECT ?partner ?city ?kind ?since WHERE {
  ?p pg:party ?city, ?partner ; pg:partnershipType ?kind ; pg:start ?start .
  FILTER (?start >= $since)
}
"""


def write(tmp_path: Path, text: str, name: str = "partners-of-city") -> Path:
    path = tmp_path / f"{name}.rq"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_header_becomes_a_frozen_value(tmp_path: Path) -> None:
    query = read_query(write(tmp_path, GOOD))

    assert query.name == "partners-of-city"
    assert query.title == "Partners of a municipality"
    assert query.description == "Every partnership of one municipality, with its type."
    assert query.tags == ("partnerships", "municipalities")
    assert query.query.startswith("PREFIX pg:")
    assert "#+" not in query.query
    assert query.parameters == (
        Parameter(
            name="city",
            type="iri",
            description="The municipality.",
            required=True,
            example="<id/city/lund>",
            cls="schema:City",
            line=6,
        ),
        Parameter(name="since", type="date", default="2000-01-01", line=12),
        Parameter(name="kind", type="concept", scheme="<def/partnership-type>", line=15),
    )
    assert query.parameter("since") == query.parameters[1]
    assert query.parameter("nothing") is None
    with pytest.raises(AttributeError):
        query.title = "changed"  # type: ignore[misc]


def test_a_header_needs_only_a_title(tmp_path: Path) -> None:
    query = read_query(write(tmp_path, "#+ title: All\nSELECT * WHERE { ?s ?p ?o }\n"))

    assert (query.title, query.description, query.parameters, query.tags) == ("All", "", (), ())
    assert query.query == "SELECT * WHERE { ?s ?p ?o }\n"


def header(*lines: str, query: str = "SELECT ?city WHERE { ?city ?p ?o }") -> str:
    return "".join(f"#+ {line}\n" for line in lines) + query + "\n"


BROKEN = [
    pytest.param(
        header("title: [unclosed", "description: x"), 2, "broken YAML header", id="broken-yaml"
    ),
    pytest.param(header("title: x", "  description: y"), 2, "broken YAML", id="bad-indent"),
    pytest.param(header("title: x", "author: me"), 2, "unknown key 'author'", id="unknown-key"),
    pytest.param(
        header("title: x", "parameters:", "  - name: city", "    type: iri", "    kind: x"),
        5,
        "unknown key 'kind' in a parameter",
        id="unknown-parameter-key",
    ),
    pytest.param(header("title: x", "title: y"), 2, "'title' appears twice", id="repeated-key"),
    pytest.param(
        header("title: x", "parameters:", "  - name: town", "    type: iri"),
        3,
        "parameter 'town' has no matching variable ?town",
        id="parameter-without-variable",
    ),
    pytest.param(
        header(
            "title: x",
            "parameters:",
            "  - name: town",
            "    type: iri",
            query="SELECT ?city WHERE { ?city ?p '?town' } # ?town",
        ),
        3,
        "no matching variable ?town",
        id="variable-only-in-string-and-comment",
    ),
    pytest.param(
        header(
            "title: x",
            "parameters:",
            "  - name: town",
            "    type: iri",
            query="SELECT ?city WHERE { ?city ?p ?town }",
        ),
        3,
        "?town must be in the SELECT projection",
        id="parameter-not-projected",
    ),
    pytest.param(
        header(
            "title: x",
            "parameters:",
            "  - name: city",
            "    type: iri",
            "  - name: city",
            "    type: string",
        ),
        5,
        "declared twice",
        id="repeated-parameter",
    ),
    pytest.param("SELECT * WHERE { ?s ?p ?o }\n", 1, "no header", id="no-header"),
    pytest.param(
        header("title: x", query="SELECT * WHERE {\n#+ tags: [late]\n?s ?p ?o }"),
        3,
        "after the query has begun",
        id="late-header-line",
    ),
    pytest.param(header("description: x"), 1, "has no 'title'", id="no-title"),
    pytest.param(header("title: ''"), 1, "'title' must be a non-empty text", id="empty-title"),
    pytest.param(header("- title"), 1, "the header must be a mapping", id="not-a-mapping"),
    pytest.param(
        header("title: x", "tags: partnerships"), 2, "'tags' must be a list", id="tags-not-list"
    ),
    pytest.param(
        header("title: x", "parameters:", "  - name: city", "    type: town"),
        4,
        "unknown parameter type 'town'",
        id="unknown-type",
    ),
    pytest.param(
        header("title: x", "parameters:", "  - name: city"),
        3,
        "'type' must be a non-empty text",
        id="no-type",
    ),
    pytest.param(
        header("title: x", "parameters:", "  - name: 2city", "    type: iri"),
        3,
        "no SPARQL variable name",
        id="bad-name",
    ),
    pytest.param(
        header(
            "title: x",
            "parameters:",
            "  - name: city",
            "    type: iri",
            "    required: true",
            "    default: <id/city/lund>",
        ),
        6,
        "is required and has a default",
        id="required-with-default",
    ),
    pytest.param(
        header("title: x", "parameters:", "  - name: city", "    type: iri", "    required: yes!"),
        5,
        "'required' must be true or false",
        id="required-not-boolean",
    ),
    pytest.param(
        header(
            "title: x", "parameters:", "  - name: city", "    type: integer", "    default: ten"
        ),
        5,
        "'default' 'ten' is not an integer",
        id="default-of-wrong-type",
    ),
    pytest.param(
        header("title: x", "parameters:", "  - name: city", "    type: date", "    example: 2020"),
        5,
        "is not a date",
        id="example-of-wrong-type",
    ),
    pytest.param(
        header("title: x", "parameters:", "  - name: city", "    type: concept"),
        3,
        "needs a 'scheme'",
        id="concept-without-scheme",
    ),
    pytest.param(
        header(
            "title: x", "parameters:", "  - name: city", "    type: iri", "    class: nope:City"
        ),
        5,
        "'nope:City' is no IRI",
        id="unknown-prefix",
    ),
    pytest.param(
        header(
            "title: x", "parameters:", "  - name: city", "    type: string", "    class: pg:City"
        ),
        5,
        "'class' does not apply",
        id="class-on-a-string",
    ),
    pytest.param(
        header("title: x", query="SELECT ?city WHERE {\n  ?city ?p \n}}"),
        3,
        "the query does not parse",
        id="query-syntax",
    ),
]


@pytest.mark.parametrize(("text", "line", "message"), BROKEN)
def test_a_broken_header_names_the_file_and_line(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    path = write(tmp_path, text)

    with pytest.raises(QueryFileError) as caught:
        read_query(path)

    assert caught.value.path == path
    assert caught.value.line == line, str(caught.value)
    assert message in caught.value.detail
    assert str(caught.value).startswith(f"{path}:{line}: ")


def test_the_error_stops_start_up_as_a_configuration_error(tmp_path: Path) -> None:
    write(tmp_path, GOOD, name="good")
    write(tmp_path, header("title: x", "author: me"), name="bad")

    with pytest.raises(ConfigurationError, match=r"bad\.rq:2: unknown key 'author'"):
        load_queries(tmp_path)


def test_a_file_name_must_be_a_slug(tmp_path: Path) -> None:
    with pytest.raises(QueryFileError, match="no URL slug"):
        read_query(write(tmp_path, GOOD, name="Partners_of_City"))


def test_a_file_must_be_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin.rq"
    path.write_bytes(b"#+ title: x\n# V\xe4nort\nSELECT * WHERE { ?s ?p ?o }\n")

    with pytest.raises(QueryFileError) as caught:
        read_query(path)

    assert (caught.value.line, caught.value.detail) == (2, "not valid UTF-8")


def test_a_missing_folder_is_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="is not a folder"):
        load_queries(tmp_path / "nowhere")


def test_variables_are_found_outside_strings_iris_and_comments() -> None:
    query = """SELECT ?a $b WHERE { ?a <http://x/?c> "?d" ; <p> '''?e''' . # ?f
      FILTER (?a<?g && ?h>1) }"""

    assert query_variables(query) == {"a", "b", "g", "h"}


def test_header_iris_resolve_against_the_base() -> None:
    base = "https://example.org/pg/"
    assert resolve_iri("<id/city/lund>", base) == base + "id/city/lund"
    assert resolve_iri("<https://schema.org/City>", base) == "https://schema.org/City"
    assert resolve_iri("schema:City", base) == "https://schema.org/City"
    assert resolve_iri("pg:Network", base) == base + "def/Network"
    with pytest.raises(ValueError, match="no IRI"):
        resolve_iri("id/city/lund", base)


def test_rebase_moves_the_written_base() -> None:
    text = "SELECT * WHERE { <https://w3id.org/partnergraph/id/city/lund> ?p ?o }"

    assert rebase(text, BASE) == text
    assert rebase(text, "http://localhost:5000/") == (
        "SELECT * WHERE { <http://localhost:5000/id/city/lund> ?p ?o }"
    )


# ---- every queries/*.rq over the real graph ------------------------------------------

QUERIES = load_queries(ROOT / "queries")


@pytest.fixture(scope="module")
def graph() -> ox.Store:
    store = load_store(data_files([ROOT / "graph"]), BASE)
    materialise(store, Namespaces(BASE))
    return store


def rows(store: ox.Store, query: str, bindings: dict[ox.Variable, ox.Term] | None = None) -> int:
    result = store.query(query, use_default_graph_as_union=True, substitutions=bindings)
    assert isinstance(result, ox.QuerySolutions)
    return len(list(result))


def test_there_are_example_queries_for_the_editor() -> None:
    names = {q.name for q in QUERIES}
    assert len(QUERIES) >= 12
    assert {"partners-of-city", "network-members", "completeness-report"} <= names
    assert "partnership-sources" in names


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
def test_every_query_runs_on_the_real_graph_and_returns_rows(
    graph: ox.Store, query: NamedQuery
) -> None:
    assert rows(graph, query.query) > 0


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
def test_every_query_returns_rows_for_its_examples(graph: ox.Store, query: NamedQuery) -> None:
    bindings: dict[ox.Variable, ox.Term] = {}
    for param in query.parameters:
        value = param.example or param.default
        assert value is not None, f"{query.name}: parameter {param.name} has no example"
        if param.type in {"iri", "concept"}:
            bindings[ox.Variable(param.name)] = ox.NamedNode(resolve_iri(value, BASE))
        else:
            bindings[ox.Variable(param.name)] = literal_term(param.type, value)

    assert rows(graph, query.query, bindings) > 0


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
def test_every_query_declares_its_parameters_with_words(query: NamedQuery) -> None:
    assert query.description, f"{query.name} has no description"
    for param in query.parameters:
        assert param.description, f"{query.name}: parameter {param.name} has no description"
