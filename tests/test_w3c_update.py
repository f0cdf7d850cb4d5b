"""The W3C SPARQL 1.1 Update test suites, case by case, against partnergraph's update path.

The suites are the manifests of https://github.com/w3c/rdf-tests read at commit
ad541a5f0479f0798608c4801369d97b8e08b36f (``sparql/sparql11/<suite>/manifest.ttl``):
the evaluation suites add, basic-update, clear, copy, delete, delete-data,
delete-insert, delete-where, drop, move and update-silent, and the syntax suites
syntax-update-1 and syntax-update-2. The cases are rewritten in
:mod:`tests.w3c_update_cases` (own data, own update texts, the same scenarios);
nothing of the suite's files is copied.

Three levels:

1. Engine, every evaluation case (``test_evaluation_case``): an in-memory
   pyoxigraph store holds the case's state, the update goes through
   ``update.prepare`` and ``operations.run``, and the store must end in the
   expected state, with the ``Change`` that ``run`` returns equal to the
   difference of the named graphs before and after, read over *every* named
   graph (what the change log and the gate rely on). ``prepare`` refuses an
   update that writes the default graph (the default graph is the union of the
   named graphs): for those cases the refusal is checked and the text run by
   Oxigraph itself to check the engine's semantics; each of them that is a
   DATA/WHERE/Modify update also has a *twin* (``test_named_graph_twin``): the same
   update written the partnergraph way, with what the case keeps in the default
   graph in ``g:main``, run through the pipeline. The USING cases that run also
   run with the dataset given by the protocol (``using-graph-uri``). ``ADD``/``COPY
   DEFAULT TO`` a named graph and a WHERE without USING or WITH only *read* the
   default graph and are accepted: on a snapshot they read the union of the named
   graphs (the derived graph included).
2. Endpoint, the cases that fit partnergraph's policy (named graphs, no blank
   nodes; listed in ``ENDPOINT``): the real app over a writable copy of the
   project with two small graphs of notes on Lahti (``graph/w3c-update.trig``),
   checking the HTTP answer, the change log and the data ``/sparql`` serves.
3. Syntax (``test_syntax_case``): every positive case is accepted by ``prepare``,
   or refused for a partnergraph policy (LOAD: tests 1-4 and 37; writes to the
   default graph: tests 6, 10, 16, 20, 23, 25, 29, 31 and 35); every negative case
   (and the negative syntax cases of delete-insert) is a ``BadRequest``, and the
   nearest valid text (``control``) parses, so the refusal is about the grammar
   point.

Blank nodes: the write path refuses blank nodes at commit (``commit._admissible``,
in the quads a change adds), not in ``run``. The cases with blank nodes are
basic-update's insert-05a, insert-data-same-bnode, insert-where-same-bnode and
insert-where-same-bnode2 (their blank nodes are made and dropped within the
request: the change adds none, so the commit would accept them; insert-05a also
starts from a blank node, which curated data never holds) and syntax-update-1's
test_53 (its change adds blank nodes: the commit refuses it, see
``test_endpoint_blank_nodes_are_refused``).

The walk found five bugs, each now fixed and kept by a test here: an update of only
comments or a prologue was refused (tests 38-40); graph IRIs that rdflib reads
otherwise than Oxigraph (a relative reference against a base with a fragment,
``<?>``, a relative BASE, an escaped local name) made the change miss a graph or
``run`` fail (an operation with such IRIs is now compared over every graph);
``prepare`` spliced protocol IRIs unchecked; and a later operation of a request did
not see, through the default graph, what an earlier one wrote (operations now run one
by one, the union kept in step between them).

``test_every_case_of_the_manifests_is_covered`` keeps the table honest: every
entry of the manifests is in it (all apply at engine level), and every case named
in ``ENDPOINT`` has its endpoint test.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from partnergraph import snapshots
from partnergraph.app import create_app
from partnergraph.build import publish
from partnergraph.errors import BadRequest, QueryRejected
from partnergraph.writes import log
from partnergraph.writes.change import Change, parse_patch
from partnergraph.writes.operations import SparqlUpdate, run
from partnergraph.writes.tokens import create
from partnergraph.writes.update import UpdateRequest, prepare

from .paths import BASE, ROOT
from .w3c_update_cases import (
    EVALUATION,
    MAIN,
    MANIFESTS,
    NOWHERE,
    SYNTAX,
    TRIG_PROLOGUE,
    UPDATE_PROLOGUE,
    Case,
    SyntaxCase,
    Treatment,
    Verdict,
)
from .webapp import clean_environment
from .writing import Project, settings_in

# ---- engine level ---------------------------------------------------------------------------


def _quads(trig: str, default_to: str | None = None) -> set[ox.Quad]:
    """The quads of a case's state; its default graph moved to ``default_to`` if given."""
    quads = ox.parse(TRIG_PROLOGUE + trig, format=ox.RdfFormat.TRIG)
    if default_to is None:
        return set(quads)
    target = ox.NamedNode(default_to)
    return {
        ox.Quad(q.subject, q.predicate, q.object, target)
        if isinstance(q.graph_name, ox.DefaultGraph)
        else q
        for q in quads
    }


def _store(quads: set[ox.Quad]) -> ox.Store:
    store = ox.Store()
    store.extend(quads)
    return store


def _named(store: ox.Store) -> set[ox.Quad]:
    """Every quad of every named graph."""
    return {q for q in store if not isinstance(q.graph_name, ox.DefaultGraph)}


def _run(request: UpdateRequest, store: ox.Store) -> Change:
    """Prepare and run ``request`` on ``store``; check the change is exactly what the
    named graphs gained and lost (read over all of them, not only those prepare named)."""
    prepared = prepare(request, BASE)
    before = _named(store)
    change = run(SparqlUpdate(prepared, union_default=False), store, BASE)
    after = _named(store)
    assert change == Change(frozenset(after - before), frozenset(before - after))
    if prepared.graphs is not None:
        assert change.graphs() <= prepared.graphs
    return change


def _id(case: Case | SyntaxCase) -> str:
    return f"{case.suite}:{case.name}"


@pytest.mark.parametrize("case", EVALUATION, ids=_id)
def test_evaluation_case(case: Case) -> None:
    """The store ends as the case expects; through the pipeline when prepare accepts."""
    store = _store(_quads(case.before))
    text = UPDATE_PROLOGUE + case.update
    if case.treatment is Treatment.RUNS:
        _run(UpdateRequest(text), store)
    elif case.treatment is Treatment.DEFAULT_GRAPH:
        with pytest.raises(BadRequest, match="default graph is the union of the named graphs"):
            prepare(UpdateRequest(text), BASE)
        store.update(text, base_iri=BASE)
    else:
        with pytest.raises(QueryRejected, match="LOAD is not accepted"):
            prepare(UpdateRequest(text), BASE)
        store.update(text, base_iri=BASE)  # an unfetchable IRI: nothing is read
    assert set(store) == _quads(case.after)


TWINS = [case for case in EVALUATION if case.twin is not None]


@pytest.mark.parametrize("case", TWINS, ids=_id)
def test_named_graph_twin(case: Case) -> None:
    """The default-graph case written for named graphs runs through the pipeline."""
    assert case.twin is not None
    store = _store(_quads(case.before, default_to=MAIN))
    change = _run(UpdateRequest(UPDATE_PROLOGUE + case.twin), store)
    assert set(store) == _quads(case.after, default_to=MAIN)
    assert change.graphs() <= {MAIN}


PROTOCOL = [case for case in EVALUATION if case.protocol is not None]


@pytest.mark.parametrize("case", PROTOCOL, ids=_id)
def test_using_given_by_the_protocol(case: Case) -> None:
    """``using-graph-uri``/``using-named-graph-uri`` do what the USING clauses do."""
    assert case.protocol is not None
    p = case.protocol
    store = _store(_quads(case.before))
    _run(UpdateRequest(UPDATE_PROLOGUE + p.update, p.graphs, p.named), store)
    assert set(store) == _quads(case.after)


BLANK = [case for case in EVALUATION if case.blank_nodes]


@pytest.mark.parametrize("case", BLANK, ids=_id)
def test_blank_nodes_of_these_cases_never_reach_the_change(case: Case) -> None:
    """The blank nodes are made and dropped inside the request: the change adds none,
    so the commit (which refuses added blank nodes) would accept these writes."""
    change = _run(UpdateRequest(UPDATE_PROLOGUE + case.update), _store(_quads(case.before)))
    assert change.added
    assert not any(_has_blank(q) for q in change.added)


def _has_blank(quad: ox.Quad) -> bool:
    return isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode)


def test_blank_nodes_written_by_insert_data_are_in_the_change() -> None:
    """syntax-update-1 test_53 runs, and its change adds blank nodes: the commit refuses it."""
    (case,) = [c for c in SYNTAX if c.name == "test_53"]
    change = _run(UpdateRequest(case.text), ox.Store())
    assert len(change.added) == 2
    assert all(_has_blank(q) for q in change.added)


# ---- syntax ----------------------------------------------------------------------------------


def _parses(text: str) -> None:
    """Oxigraph reads ``text`` as SPARQL 1.1 Update (running it on an empty store may fail
    for other reasons: a missing graph, an unfetchable IRI)."""
    try:
        ox.Store().update(text, base_iri=BASE)
    except SyntaxError as exc:
        pytest.fail(f"Oxigraph does not parse it: {exc}")
    except (OSError, ValueError, RuntimeError):
        pass


def _syntax_param(case: SyntaxCase) -> Any:
    return pytest.param(case, id=_id(case))


@pytest.mark.parametrize("case", [_syntax_param(c) for c in SYNTAX])
def test_syntax_case(case: SyntaxCase) -> None:
    """prepare accepts what the suite accepts, or refuses it for a stated policy."""
    request = UpdateRequest(case.text)
    if case.verdict is Verdict.SYNTAX_ERROR:
        with pytest.raises(BadRequest):
            prepare(request, BASE)
        with pytest.raises(SyntaxError):
            ox.Store().update(case.text, base_iri=BASE)
        if case.control is not None:
            _parses(case.control)
        return
    _parses(case.text)
    if case.verdict is Verdict.ACCEPTED:
        prepare(request, BASE)
    elif case.verdict is Verdict.DEFAULT_GRAPH:
        with pytest.raises(BadRequest, match="default graph is the union of the named graphs"):
            prepare(request, BASE)
    else:
        with pytest.raises(QueryRejected, match="LOAD is not accepted"):
            prepare(request, BASE)


# ---- what the pipeline reads otherwise than Oxigraph (bugs) ----------------------------------

_TRIPLE = "<http://example.org/twin/lund> <http://example.org/twin/name> 'Lund'"
_IRI_BUGS = {
    "a relative reference against a base with a fragment (rdflib keeps the fragment)": (
        f"BASE <http://example.org/graph/one#part> INSERT DATA {{ GRAPH <> {{ {_TRIPLE} }} }}"
    ),
    "an empty query <?> (rdflib drops the '?')": f"INSERT DATA {{ GRAPH <?> {{ {_TRIPLE} }} }}",
    "a BASE relative to the BASE before it (rdflib leaves the graph IRI relative)": (
        "BASE <http://example.org/graph/> BASE <nested/> "
        f"INSERT DATA {{ GRAPH <one> {{ {_TRIPLE} }} }}"
    ),
    "a base that is not hierarchical (rdflib leaves the graph IRI relative)": (
        f"BASE <urn:example:graph> INSERT DATA {{ GRAPH <one> {{ {_TRIPLE} }} }}"
    ),
    "an escaped character in a local name (rdflib keeps the backslash)": (
        f"PREFIX g: <http://example.org/graph/> INSERT DATA {{ GRAPH g:one\\-a {{ {_TRIPLE} }} }}"
    ),
}


@pytest.mark.parametrize("text", list(_IRI_BUGS.values()), ids=list(_IRI_BUGS))
def test_the_change_holds_the_graph_oxigraph_writes(text: str) -> None:
    store = ox.Store()
    _run(UpdateRequest(text), store)
    assert len(store) == 1


def test_prepare_refuses_a_protocol_iri_that_is_not_an_iri() -> None:
    sneaked = (
        "http://example.org/graph/x> WHERE { } ; DROP GRAPH <http://example.org/graph/one> ;"
        " INSERT { } USING <http://example.org/graph/x"
    )
    update = "INSERT { GRAPH <http://example.org/graph/two> { ?s ?p ?o } } WHERE { ?s ?p ?o }"
    with pytest.raises(BadRequest):
        prepare(UpdateRequest(update, (sneaked,)), BASE)


# ---- endpoint level -------------------------------------------------------------------------

ONE = f"{BASE}graph/w3c-update-one"
TWO = f"{BASE}graph/w3c-update-two"
LAHTI = f"{BASE}id/city/lahti"
NOTE = "http://www.w3.org/2004/02/skos/core#note"
PREFIXES = f"PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\nPREFIX city: <{BASE}id/city/>\n"
UPDATE = "application/sparql-update"
#: Two small graphs of notes on Lahti that the endpoint tests change.
SCRATCH = """\
# Two small graphs the W3C SPARQL 1.1 Update tests change (tests/test_w3c_update.py).

@prefix city: <id/city/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .

GRAPH <graph/w3c-update-one> {

    city:lahti skos:note "one"@en .
}

GRAPH <graph/w3c-update-two> {

    city:lahti skos:note "two"@en .
}
"""

#: The cases with an endpoint test, and its name (the others do what one of these does, or
#: write the default graph or blank nodes, which these show refused).
ENDPOINT = {
    "insert-data-spo-named2": "test_endpoint_insert_data",
    "dawg-delete-data-02": "test_endpoint_delete_data",
    "dawg-delete-data-04": "test_endpoint_delete_data",
    "dawg-delete-using-05": "test_endpoint_delete_insert_using",
    "dawg-delete-using-06a": "test_endpoint_using_named",
    "dawg-delete-with-01": "test_endpoint_with",
    "insert-where-03": "test_endpoint_with",
    "dawg-delete-where-02": "test_endpoint_delete_where_in_a_graph",
    "dawg-clear-graph-01": "test_endpoint_clear_graph",
    "dawg-drop-graph-01": "test_endpoint_drop_graph",
    "drop-silent": "test_endpoint_drop_graph",
    "add03": "test_endpoint_add",
    "copy03": "test_endpoint_copy",
    "move03": "test_endpoint_move",
    "create-silent": "test_endpoint_create",
    "clear-silent": "test_endpoint_silent_operations_on_missing_graphs",
    "copy-silent": "test_endpoint_silent_operations_on_missing_graphs",
    "move-silent": "test_endpoint_silent_operations_on_missing_graphs",
    "add-silent": "test_endpoint_silent_operations_on_missing_graphs",
    "insert-data-spo1": "test_endpoint_default_graph_writes_are_refused",
    "insert-where-01": "test_endpoint_default_graph_writes_are_refused",
    "dawg-delete-data-01": "test_endpoint_default_graph_writes_are_refused",
    "dawg-delete-where-01": "test_endpoint_default_graph_writes_are_refused",
    "dawg-clear-default-01": "test_endpoint_default_graph_writes_are_refused",
    "dawg-drop-default-01": "test_endpoint_default_graph_writes_are_refused",
    "add07": "test_endpoint_default_graph_writes_are_refused",
    "copy06": "test_endpoint_default_graph_writes_are_refused",
    "move01": "test_endpoint_default_graph_writes_are_refused",
    "move06": "test_endpoint_default_graph_writes_are_refused",
    "dawg-clear-named-01": "test_endpoint_every_graph_at_once_is_refused",
    "dawg-clear-all-01": "test_endpoint_every_graph_at_once_is_refused",
    "dawg-drop-named-01": "test_endpoint_every_graph_at_once_is_refused",
    "dawg-drop-all-01": "test_endpoint_every_graph_at_once_is_refused",
    "test_53": "test_endpoint_blank_nodes_are_refused",
    "load-silent": "test_endpoint_load_is_refused",
    "load-into-silent": "test_endpoint_load_is_refused",
}


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project with the two scratch graphs, built once for the module."""
    folder = tmp_path_factory.mktemp("w3c-update") / "project"
    for name in ("graph", "shapes", "queries"):
        shutil.copytree(ROOT / name, folder / name)
    (folder / "graph" / "w3c-update.trig").write_text(SCRATCH, encoding="utf-8")
    publish(settings_in(folder))
    return folder


def _copy(template: Path, target: Path) -> Project:
    shutil.copytree(template, target, symlinks=True)
    return Project(target, settings_in(target))


@contextmanager
def _client(project: Project) -> Iterator[FlaskClient]:
    """A test client of the real app over ``project``; its query workers stopped after."""
    s = project.settings
    names = ("graph_dir", "shapes_dir", "queries_dir", "output_dir", "changes_dir", "tokens_file")
    config: dict[str, Any] = {name: getattr(s, name) for name in names}
    config |= {"dumps": False, "query_workers": 1}
    with clean_environment():
        app = create_app(config)
    try:
        yield app.test_client()
    finally:
        app.extensions["partnergraph"].service.close()


@pytest.fixture
def project(template: Path, tmp_path: Path) -> Project:
    return _copy(template, tmp_path / "project")


@pytest.fixture
def client(project: Project) -> Iterator[FlaskClient]:
    with _client(project) as made:
        yield made


@pytest.fixture
def token(project: Project) -> str:
    return create(project.settings, "tester")


@dataclass(frozen=True)
class Quiet:
    """One project, app and token shared by the tests of updates that must change nothing
    (each checks that the log is still empty: a write by one would fail the others)."""

    project: Project
    client: FlaskClient
    token: str


@pytest.fixture(scope="module")
def quiet(template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Quiet]:
    project = _copy(template, tmp_path_factory.mktemp("quiet") / "project")
    with _client(project) as made:
        yield Quiet(project, made, create(project.settings, "tester"))


def _post(client: FlaskClient, token: str, text: str, **form: str) -> TestResponse:
    """Send an update (a form when ``form`` has protocol parameters)."""
    headers = {"Authorization": f"Bearer {token}"}
    if form:
        return client.post("/sparql", data={"update": text, **form}, headers=headers)
    return client.post("/sparql", data=text.encode(), content_type=UPDATE, headers=headers)


def _note(graph: str, text: str) -> ox.Quad:
    literal = ox.Literal(text, language="en")
    return ox.Quad(ox.NamedNode(LAHTI), ox.NamedNode(NOTE), literal, ox.NamedNode(graph))


def _notes(client: FlaskClient) -> set[tuple[str, str]]:
    """The notes on Lahti that /sparql serves in the scratch graphs, with their graph."""
    query = (
        f"{PREFIXES}SELECT ?g ?note WHERE {{ GRAPH ?g {{ city:lahti skos:note ?note }}"
        f' FILTER(STRSTARTS(STR(?g), "{BASE}graph/w3c-update")) }}'
    )
    answer = client.get(
        "/sparql",
        query_string={"query": query},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert answer.status_code == 200, answer.text
    rows = answer.get_json()["results"]["bindings"]
    return {(row["g"]["value"], row["note"]["value"]) for row in rows}


def _written(
    client: FlaskClient, project: Project, answer: TestResponse, text: str, expected: Change
) -> None:
    """The write was accepted as ``expected``: the answer, the one log entry, /changes."""
    assert answer.status_code == 200, answer.text
    body = answer.get_json()
    assert body["changed"] is True
    assert (body["added"], body["removed"]) == (len(expected.added), len(expected.removed))
    entries = list(log.entries(project.settings.changes_dir))
    assert [e.number for e in entries] == [1]
    assert entries[0].request["update"] == text
    assert entries[0].who == "tester"
    assert parse_patch(entries[0].patch) == expected
    served = client.get("/changes/1?format=patch")
    assert served.status_code == 200
    assert parse_patch(served.text) == expected
    assert snapshots.current_version(project.settings) == body["version"]


def _unchanged(project: Project, answer: TestResponse, version: str | None) -> None:
    """The update was accepted and changed nothing: no log entry, the same version."""
    assert answer.status_code == 200, answer.text
    assert answer.get_json()["changed"] is False
    assert list(log.entries(project.settings.changes_dir)) == []
    assert snapshots.current_version(project.settings) == version


def _refused(project: Project, answer: TestResponse, version: str | None, says: str) -> None:
    """The update was refused with a 400 that says why; nothing changed."""
    assert answer.status_code == 400, answer.text
    assert says in answer.get_json()["error"]["detail"]
    assert list(log.entries(project.settings.changes_dir)) == []
    assert snapshots.current_version(project.settings) == version


START = {(ONE, "one"), (TWO, "two")}


def test_endpoint_insert_data(client: FlaskClient, project: Project, token: str) -> None:
    """INSERT DATA into a named graph that holds another triple (insert-data-spo-named2)."""
    text = f'{PREFIXES}INSERT DATA {{ GRAPH <{ONE}> {{ city:lahti skos:note "uno"@en }} }}'
    answer = _post(client, token, text)
    _written(client, project, answer, text, Change(frozenset({_note(ONE, "uno")})))
    assert _notes(client) == START | {(ONE, "uno")}
    assert '"uno"@en' in (project.folder / "graph" / "w3c-update.trig").read_text()


def test_endpoint_delete_data(client: FlaskClient, project: Project, token: str) -> None:
    """DELETE DATA of a triple a graph lacks changes nothing (dawg-delete-data-04); of one
    it holds removes it (dawg-delete-data-02)."""
    version = snapshots.current_version(project.settings)
    missing = f'{PREFIXES}DELETE DATA {{ GRAPH <{ONE}> {{ city:lahti skos:note "two"@en }} }}'
    _unchanged(project, _post(client, token, missing), version)
    text = f'{PREFIXES}DELETE DATA {{ GRAPH <{ONE}> {{ city:lahti skos:note "one"@en }} }}'
    answer = _post(client, token, text)
    _written(client, project, answer, text, Change(removed=frozenset({_note(ONE, "one")})))
    assert _notes(client) == {(TWO, "two")}


def test_endpoint_delete_insert_using(client: FlaskClient, project: Project, token: str) -> None:
    """DELETE/INSERT in a graph, USING it as the WHERE's default graph (dawg-delete-using-05):
    without USING, the WHERE would read the union and match every note of the data."""
    text = (
        f"{PREFIXES}DELETE {{ GRAPH <{TWO}> {{ ?c skos:note ?n }} }}"
        f' INSERT {{ GRAPH <{TWO}> {{ ?c skos:note "deux"@en }} }}'
        f" USING <{TWO}> WHERE {{ ?c skos:note ?n }}"
    )
    answer = _post(client, token, text)
    expected = Change(frozenset({_note(TWO, "deux")}), frozenset({_note(TWO, "two")}))
    _written(client, project, answer, text, expected)
    assert _notes(client) == {(ONE, "one"), (TWO, "deux")}


def test_endpoint_using_named(client: FlaskClient, project: Project, token: str) -> None:
    """GRAPH in the WHERE reaches only the USING NAMED graphs (dawg-delete-using-06a), in the
    text and as ``using-named-graph-uri``."""
    version = snapshots.current_version(project.settings)
    outside = (
        f"{PREFIXES}DELETE {{ GRAPH <{TWO}> {{ ?c skos:note ?n }} }}"
        f" USING NAMED <{ONE}> WHERE {{ GRAPH <{TWO}> {{ ?c skos:note ?n }} }}"
    )
    _unchanged(project, _post(client, token, outside), version)
    text = (
        f"{PREFIXES}INSERT {{ GRAPH <{ONE}> {{ ?c skos:note ?n }} }}"
        " WHERE { GRAPH ?g { ?c skos:note ?n } }"
    )
    answer = _post(client, token, text, **{"using-named-graph-uri": TWO})
    _written(client, project, answer, text, Change(frozenset({_note(ONE, "two")})))
    assert _notes(client) == START | {(ONE, "two")}


def test_endpoint_with(client: FlaskClient, project: Project, token: str) -> None:
    """WITH names the graph the templates write and the WHERE reads (dawg-delete-with-01,
    insert-where-03)."""
    text = (
        f'{PREFIXES}WITH <{ONE}> DELETE {{ ?c skos:note ?n }} INSERT {{ ?c skos:note "uno"@en }}'
        " WHERE { ?c skos:note ?n }"
    )
    answer = _post(client, token, text)
    expected = Change(frozenset({_note(ONE, "uno")}), frozenset({_note(ONE, "one")}))
    _written(client, project, answer, text, expected)
    assert _notes(client) == {(ONE, "uno"), (TWO, "two")}


def test_endpoint_delete_where_in_a_graph(
    client: FlaskClient, project: Project, token: str
) -> None:
    """DELETE WHERE with GRAPH (dawg-delete-where-02)."""
    text = f"{PREFIXES}DELETE WHERE {{ GRAPH <{TWO}> {{ ?c skos:note ?n }} }}"
    answer = _post(client, token, text)
    _written(client, project, answer, text, Change(removed=frozenset({_note(TWO, "two")})))
    assert _notes(client) == {(ONE, "one")}


def test_endpoint_clear_graph(client: FlaskClient, project: Project, token: str) -> None:
    """CLEAR GRAPH (dawg-clear-graph-01)."""
    text = f"CLEAR GRAPH <{ONE}>"
    answer = _post(client, token, text)
    _written(client, project, answer, text, Change(removed=frozenset({_note(ONE, "one")})))
    assert _notes(client) == {(TWO, "two")}
    assert '"one"@en' not in (project.folder / "graph" / "w3c-update.trig").read_text()


def test_endpoint_drop_graph(client: FlaskClient, project: Project, token: str) -> None:
    """DROP SILENT of a missing graph changes nothing (drop-silent), DROP of a missing graph
    is an error, DROP GRAPH removes one (dawg-drop-graph-01)."""
    version = snapshots.current_version(project.settings)
    missing = f"{BASE}graph/w3c-update-missing"
    _unchanged(project, _post(client, token, f"DROP SILENT GRAPH <{missing}>"), version)
    _refused(project, _post(client, token, f"DROP GRAPH <{missing}>"), version, "does not exist")
    text = f"DROP GRAPH <{TWO}>"
    answer = _post(client, token, text)
    _written(client, project, answer, text, Change(removed=frozenset({_note(TWO, "two")})))
    assert _notes(client) == {(ONE, "one")}


def test_endpoint_add(client: FlaskClient, project: Project, token: str) -> None:
    """ADD a named graph to another (add03)."""
    text = f"ADD <{ONE}> TO <{TWO}>"
    answer = _post(client, token, text)
    _written(client, project, answer, text, Change(frozenset({_note(TWO, "one")})))
    assert _notes(client) == START | {(TWO, "one")}


def test_endpoint_copy(client: FlaskClient, project: Project, token: str) -> None:
    """COPY a named graph over another (copy03)."""
    text = f"COPY <{ONE}> TO <{TWO}>"
    answer = _post(client, token, text)
    expected = Change(frozenset({_note(TWO, "one")}), frozenset({_note(TWO, "two")}))
    _written(client, project, answer, text, expected)
    assert _notes(client) == {(ONE, "one"), (TWO, "one")}


def test_endpoint_move(client: FlaskClient, project: Project, token: str) -> None:
    """MOVE a named graph onto another (move03)."""
    text = f"MOVE <{ONE}> TO <{TWO}>"
    answer = _post(client, token, text)
    expected = Change(
        frozenset({_note(TWO, "one")}), frozenset({_note(ONE, "one"), _note(TWO, "two")})
    )
    _written(client, project, answer, text, expected)
    assert _notes(client) == {(TWO, "one")}


def test_endpoint_create(quiet: Quiet) -> None:
    """CREATE of a new graph changes nothing; of an existing one it is an error, unless
    SILENT (create-silent)."""
    project, client, token = quiet.project, quiet.client, quiet.token
    version = snapshots.current_version(project.settings)
    new = f"{BASE}graph/w3c-update-new"
    _unchanged(project, _post(client, token, f"CREATE GRAPH <{new}>"), version)
    _refused(project, _post(client, token, f"CREATE GRAPH <{ONE}>"), version, "already exists")
    _unchanged(project, _post(client, token, f"CREATE SILENT GRAPH <{ONE}>"), version)
    assert _notes(client) == START


def test_endpoint_silent_operations_on_missing_graphs(quiet: Quiet) -> None:
    """CLEAR, COPY, MOVE and ADD SILENT of a graph that does not exist (clear-silent,
    copy-silent, move-silent, add-silent)."""
    project, client, token = quiet.project, quiet.client, quiet.token
    version = snapshots.current_version(project.settings)
    missing = f"{BASE}graph/w3c-update-missing"
    elsewhere = f"{BASE}graph/w3c-update-elsewhere"
    for text in (
        f"CLEAR SILENT GRAPH <{missing}>",
        f"COPY SILENT GRAPH <{missing}> TO GRAPH <{elsewhere}>",
        f"MOVE SILENT GRAPH <{missing}> TO GRAPH <{elsewhere}>",
        f"ADD SILENT GRAPH <{missing}> TO GRAPH <{elsewhere}>",
    ):
        _unchanged(project, _post(client, token, text), version)
    assert _notes(client) == START


def test_endpoint_default_graph_writes_are_refused(quiet: Quiet) -> None:
    """Every write to the default graph is a 400 that says why; nothing changes."""
    project, client, token = quiet.project, quiet.client, quiet.token
    version = snapshots.current_version(project.settings)
    for text in (
        f'{PREFIXES}INSERT DATA {{ city:lahti skos:note "default"@en }}',
        f'{PREFIXES}INSERT {{ ?c skos:note "again"@en }} WHERE {{ ?c skos:note "one"@en }}',
        f'{PREFIXES}DELETE DATA {{ city:lahti skos:note "one"@en }}',
        f"{PREFIXES}DELETE WHERE {{ city:lahti skos:note ?n }}",
        "CLEAR DEFAULT",
        "DROP DEFAULT",
        f"ADD <{ONE}> TO DEFAULT",
        f"COPY <{ONE}> TO DEFAULT",
        f"MOVE DEFAULT TO <{ONE}>",
        f"MOVE <{ONE}> TO DEFAULT",
    ):
        answer = _post(client, token, text)
        _refused(project, answer, version, "the default graph is the union of the named graphs")
    assert _notes(client) == START


def test_endpoint_every_graph_at_once_is_refused(quiet: Quiet) -> None:
    """CLEAR/DROP NAMED/ALL pass prepare (any graph may change) and are refused at the
    commit: they would change the derived graph."""
    project, client, token = quiet.project, quiet.client, quiet.token
    version = snapshots.current_version(project.settings)
    for text in ("CLEAR NAMED", "CLEAR ALL", "DROP NAMED", "DROP ALL"):
        answer = _post(client, token, text)
        _refused(project, answer, version, "the derived graph is made by the build")
    assert _notes(client) == START


def test_endpoint_blank_nodes_are_refused(quiet: Quiet) -> None:
    """INSERT DATA of one blank node into two graphs (test_53): the commit refuses it."""
    project, client, token = quiet.project, quiet.client, quiet.token
    version = snapshots.current_version(project.settings)
    text = (
        f"{PREFIXES}INSERT DATA {{ GRAPH <{ONE}> {{ city:lahti skos:related _:x }}"
        f" GRAPH <{TWO}> {{ city:lahti skos:related _:x }} }}"
    )
    _refused(project, _post(client, token, text), version, "blank nodes are not accepted")


def test_endpoint_load_is_refused(quiet: Quiet) -> None:
    """LOAD SILENT, with and without INTO (load-silent, load-into-silent)."""
    project, client, token = quiet.project, quiet.client, quiet.token
    version = snapshots.current_version(project.settings)
    for text in (f"LOAD SILENT <{NOWHERE}>", f"LOAD SILENT <{NOWHERE}> INTO GRAPH <{ONE}>"):
        _refused(project, _post(client, token, text), version, "LOAD is not accepted")


def test_endpoint_using_graph_uri_that_is_not_an_iri_is_refused(quiet: Quiet) -> None:
    """The web layer checks the protocol's IRIs, so nothing reaches prepare's splicing."""
    project, client, token = quiet.project, quiet.client, quiet.token
    version = snapshots.current_version(project.settings)
    text = f"INSERT {{ GRAPH <{TWO}> {{ ?s ?p ?o }} }} WHERE {{ ?s ?p ?o }}"
    sneaked = f"{ONE}> WHERE {{ }} ; DROP GRAPH <{ONE}> ; INSERT {{ }} USING <{ONE}"
    answer = _post(client, token, text, **{"using-graph-uri": sneaked})
    _refused(project, answer, version, "using-graph-uri must be an absolute IRI")
    assert _notes(client) == START


def test_endpoint_a_relative_graph_iri_cannot_write_outside_the_token_scope(
    client: FlaskClient, project: Project
) -> None:
    scoped = create(project.settings, "one-only", ["graph/w3c-update-one"])
    text = (
        f"{PREFIXES}BASE <{TWO}#part> INSERT DATA {{"
        f' GRAPH <{ONE}> {{ city:lahti skos:note "allowed"@en }}'
        ' GRAPH <> { city:lahti skos:note "sneaked"@en } }'
    )
    answer = _post(client, scoped, text)
    assert (TWO, "sneaked") not in _notes(client)
    assert answer.status_code == 403, answer.text


def test_endpoint_a_later_operation_sees_what_an_earlier_one_wrote(
    client: FlaskClient, project: Project, token: str
) -> None:
    text = (
        f'{PREFIXES}INSERT DATA {{ GRAPH <{ONE}> {{ city:lahti skos:note "first"@en }} }} ;\n'
        f'INSERT {{ GRAPH <{ONE}> {{ ?c skos:note "second"@en }} }}'
        ' WHERE { ?c skos:note "first"@en }'
    )
    answer = _post(client, token, text)
    assert answer.status_code == 200, answer.text
    assert answer.get_json()["added"] == 2


def test_endpoint_an_escaped_local_name_as_graph_is_not_a_500(
    client: FlaskClient, project: Project, token: str
) -> None:
    text = (
        f"{PREFIXES}PREFIX g: <{BASE}graph/>\n"
        'INSERT DATA { GRAPH g:w3c\\-update\\-one { city:lahti skos:note "escaped"@en } }'
    )
    answer = _post(client, token, text)
    assert answer.status_code == 200, answer.text
    assert (ONE, "escaped") in _notes(client)


# ---- the table against the manifests --------------------------------------------------------


def test_every_case_of_the_manifests_is_covered() -> None:
    for names in MANIFESTS.values():
        assert len(set(names)) == len(names)
    manifest = {(suite, name) for suite, names in MANIFESTS.items() for name in names}
    table = [(c.suite, c.name) for c in EVALUATION] + [(c.suite, c.name) for c in SYNTAX]
    assert len(set(table)) == len(table), "a case is in the table twice"
    assert not manifest - set(table), f"not in the table: {sorted(manifest - set(table))}"
    assert not set(table) - manifest, f"not in a manifest: {sorted(set(table) - manifest)}"
    assert all(c.what for c in EVALUATION)
    assert set(ENDPOINT) <= {name for _, name in table}
    tests = {name for name in globals() if name.startswith("test_endpoint_")}
    assert set(ENDPOINT.values()) <= tests
