"""The cases of the W3C SPARQL 1.1 Graph Store HTTP Protocol test suite, on ``/store``.

The suite is in https://github.com/w3c/rdf-tests, read at commit
ad541a5f0479f0798608c4801369d97b8e08b36f, in two manifests:

- ``sparql/sparql11/http-rdf-update/manifest.ttl`` (``HTTP_RDF_UPDATE``): eighteen
  requests in prose, one sequence (each case reads the state the earlier ones
  left). The suite marks them deprecated in favour of the next manifest, but they
  still describe the protocol's interactions one by one.
- ``sparql/sparql11/graph-store-protocol/manifest.ttl``, which includes
  ``manifest-direct.ttl`` and ``manifest-indirect.ttl`` (``GRAPH_STORE_PROTOCOL``):
  fourteen cases, each a connection of several requests, each case once with
  direct and once with indirect graph identification.

How the cases apply to partnergraph:

- ``/store`` identifies graphs **indirectly** only (``/store?graph=IRI``,
  ``/store?default``). The cases that require direct identification
  (``mf:DirectGraphIdentification``: the graph's IRI is the request's URL) do not
  apply; ``test_direct_identification_is_not_served`` checks that such a URL is a
  404 that writes nothing. The deprecated manifest writes its graph IRIs as paths
  under the store (``$GRAPHSTORE$/person/1.ttl``), but a graph is the same graph
  whatever request names it: each of its cases is run with ``?graph=`` naming it.
- The default graph is the union of the named graphs: a write to it is refused
  with a 405 that says why (``REFUSED``); its ``GET`` answers the union.
- The suite's payloads describe people with blank-node vCards; partnergraph
  refuses blank nodes and gates every write by ``shapes/``. Every case here sends
  payloads of its own: source documents (``pg:SourceDocument``: an English label,
  exactly one ``schema:url``, itself as its ``dcterms:source``), more labels in
  sv and fi, a title. Answers are compared as graphs.
- Where the deprecated manifest expects ``200 OK`` for a ``DELETE`` or a ``POST``
  to an existing graph, partnergraph answers ``204 No Content`` (the newer
  manifest accepts both).
- Its case "DELETE - existing graph" deletes ``person/2``, which no earlier case
  makes: the sequence here ``PUT``s that graph first. Its "GET of POST - existing
  graph" expects the graph without the triple the ``POST`` added (a slip in the
  suite): here the ``GET`` must show the merge. Its "GET of POST - after noop"
  has no request between the two ``GET``s; here the no-op is a ``POST`` of what
  the graph already holds: no change logged, the same graph, the same ``ETag``.

The sequence of the deprecated manifest runs on the Flask test client over
``create_app`` (a writable copy of the project) and, as a whole, on the real
server (``partnergraph serve`` in a copy, its token made by ``partnergraph token
create``), through the same checks.

``test_every_case_of_both_manifests_is_covered_or_does_not_apply`` keeps the
lists honest: when a manifest gains a case, add its name to the manifest's tuple
and then to the covered cases (with a test) or to ``NOT_APPLICABLE`` (with why).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pyoxigraph as ox
import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from partnergraph.app import create_app
from partnergraph.writes import log
from partnergraph.writes.tokens import create

from .paths import BASE
from .served import serve_copy
from .webapp import ENV_PREFIX, clean_environment
from .writing import Project, built_template, project_from

#: The entries of http-rdf-update/manifest.ttl, in its order.
HTTP_RDF_UPDATE = (
    "put__initial_state",
    "get_of_put__initial_state",
    "put__graph_already_in_store",
    "get_of_put__graph_already_in_store",
    "put__default_graph",
    "get_of_put__default_graph",
    "delete__existing_graph",
    "get_of_delete__existing_graph",
    "delete__nonexistent_graph",
    "post__existing_graph",
    "get_of_post__existing_graph",
    "post__multipart_formdata",
    "get_of_post__multipart_formdata",
    "post__create__new_graph",
    "get_of_post__create__new_graph",
    "get_of_post__after_noop",
    "head_on_an_existing_graph",
    "head_on_a_nonexisting_graph",
)
#: The entries of graph-store-protocol/manifest-direct.ttl, then manifest-indirect.ttl.
GRAPH_STORE_PROTOCOL = (
    "put_get_repeat_direct",
    "put_delete_get_delete_direct",
    "post_get_post_get_direct",
    "head_existing_direct",
    "head_non_existing_direct",
    "put_get_repeat_indirect",
    "put_get_default",
    "put_delete_get_delete_indirect",
    "post_get_post_get_indirect",
    "post_get_new_graph",
    "head_existing_indirect",
    "head_non_existing_indirect",
    "put_get_uri_pct_encoded_indirect",
    "put_get_uri_pct_encoded_twice",
)
_DIRECT = (
    "requires direct graph identification (the graph's IRI as the request URL); "
    "/store identifies graphs indirectly only (?graph=, ?default)"
)
#: The cases that do not apply, and why.
NOT_APPLICABLE = {
    "put_get_repeat_direct": _DIRECT,
    "put_delete_get_delete_direct": _DIRECT,
    "post_get_post_get_direct": _DIRECT,
    "head_existing_direct": _DIRECT,
    "head_non_existing_direct": _DIRECT,
}
#: The cases that write the default graph: refused by policy, the refusal tested.
REFUSED = {
    "put__default_graph": "a PUT of the default graph is a 405 (the union of the named graphs)",
    "get_of_put__default_graph": "the GET answers the union, without the refused payload",
    "put_get_default": "the PUT is a 405, then the GET answers the union",
}

TURTLE = "text/turtle"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
TURTLE_UTF8 = "text/turtle; charset=utf-8"
NTRIPLES = "application/n-triples"
GRAPH = BASE + "graph/"
SOURCE = BASE + "id/source/"
DEFAULT_REFUSAL = "the default graph is the union of the named graphs"
PREFIXES = """\
@prefix pg: <https://w3id.org/partnergraph/def/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix schema: <https://schema.org/> .
"""


# --- payloads ----------------------------------------------------------------------------


def source_document(key: str, label: str) -> bytes:
    """A source document ``{base}id/source/{key}`` valid against the shapes, in Turtle."""
    return (
        PREFIXES
        + f"""<{SOURCE}{key}> a pg:SourceDocument ;
    rdfs:label "{label}"@en ;
    schema:url <https://example.org/w3c-gsp/{key}> ;
    dcterms:source <{SOURCE}{key}> .
"""
    ).encode()


def more(key: str, predicate: str, text: str, language: str) -> bytes:
    """One more fact about the source document ``key``, in Turtle."""
    return f'{PREFIXES}<{SOURCE}{key}> {predicate} "{text}"@{language} .\n'.encode()


def ntriple(key: str, predicate: str, text: str, language: str) -> bytes:
    """One fact about the source document ``key``, in N-Triples (full IRIs only)."""
    return f'<{SOURCE}{key}> <{predicate}> "{text}"@{language} .\n'.encode()


def multipart(*parts: tuple[str, bytes]) -> tuple[bytes, str]:
    """A ``multipart/form-data`` body of RDF documents (media type, bytes), each a file.

    Returns:
        The body and its ``Content-Type`` (with the boundary).
    """
    boundary = f"pg-{uuid.uuid4().hex}"
    body = b""
    for number, (media_type, data) in enumerate(parts, 1):
        body += (
            f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="part{number}"; filename="part{number}"\r\n'
            f"Content-Type: {media_type}\r\n\r\n"
        ).encode()
        body += data + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def graph(*turtles: bytes) -> Graph:
    """The union of Turtle documents, as an rdflib graph."""
    union = Graph()
    for text in turtles:
        union.parse(data=text, format="turtle")
    return union


def rdf_graph(data: bytes, media_type: str) -> Graph:
    """An RDF document as an rdflib graph, read by pyoxigraph (whose JSON-LD reader does
    not go through rdflib's deprecated ConjunctiveGraph)."""
    syntax = ox.RdfFormat.from_media_type(media_type.split(";", maxsplit=1)[0].strip())
    assert syntax is not None, media_type
    triples = ox.serialize(ox.parse(data, format=syntax), format=ox.RdfFormat.N_TRIPLES)
    return Graph().parse(data=triples or b"", format="nt")


def at(iri: str) -> str:
    """``/store?graph=`` naming ``iri``, percent-encoded once."""
    return "/store?graph=" + quote(iri, safe="")


# --- one interface over the Flask test client and a real server ---------------------------


@dataclass(frozen=True)
class Answer:
    """An HTTP response, whoever sent the request.

    Attributes:
        status: the status code.
        headers: the headers, names in lower case.
        body: the body's bytes.
    """

    status: int
    headers: Mapping[str, str]
    body: bytes

    @property
    def text(self) -> str:
        """The body as UTF-8 text."""
        return self.body.decode()

    def graph(self) -> Graph:
        """The body parsed as the RDF format its Content-Type names."""
        return rdf_graph(self.body, self.headers["content-type"])

    def detail(self) -> str:
        """The ``detail`` of the one JSON error body."""
        assert self.headers["content-type"].startswith("application/json"), self.headers
        body = json.loads(self.body)
        assert set(body["error"]) == {"status", "title", "detail"}, body
        assert body["error"]["status"] == self.status
        detail: str = body["error"]["detail"]
        return detail


#: Sends one request: method, path with its query, headers, body.
Send = Callable[[str, str, dict[str, str], bytes | None], Answer]


def flask_sender(client: FlaskClient) -> Send:
    """Requests through the Flask test client."""

    def send(method: str, path: str, headers: dict[str, str], body: bytes | None) -> Answer:
        response = client.open(path, method=method, headers=headers, data=body)
        lowered = {name.lower(): value for name, value in response.headers.items()}
        return Answer(response.status_code, lowered, response.get_data())

    return send


def http_sender(http: httpx.Client) -> Send:
    """Requests over HTTP to a running server."""

    def send(method: str, path: str, headers: dict[str, str], body: bytes | None) -> Answer:
        response = http.request(method, path, headers=headers, content=body)
        lowered = {name.lower(): value for name, value in response.headers.items()}
        return Answer(response.status_code, lowered, response.content)

    return send


def assert_same_graph(got: Graph, expected: Graph) -> None:
    """Fail with the triples only one side has, unless the graphs are isomorphic."""
    if isomorphic(got, expected):
        return
    _, only_got, only_expected = graph_diff(to_isomorphic(got), to_isomorphic(expected))
    pytest.fail(
        "the graphs differ\nonly in the answer:\n"
        + only_got.serialize(format="nt")
        + "only expected:\n"
        + only_expected.serialize(format="nt")
    )


# --- the sequence of the http-rdf-update manifest ----------------------------------------

PERSON_1 = GRAPH + "w3c-update-person-1"
PERSON_2 = GRAPH + "w3c-update-person-2"
PERSON_4 = GRAPH + "w3c-update-person-4"  # never written
ONE = "w3c-update-1"
FIRST = source_document(ONE, "First test source")
FIRST_REVISED = source_document(ONE, "First test source, revised")
SWEDISH = more(ONE, "rdfs:label", "Första testkällan", "sv")
FINNISH = more(ONE, "rdfs:label", "Ensimmäinen testilähde", "fi")
TITLE = ntriple(ONE, "http://purl.org/dc/terms/title", "A title sent as N-Triples", "en")
SECOND = source_document("w3c-update-2", "Second test source")
THIRD = source_document("w3c-update-3", "Third test source, in a graph the store names")
TO_DEFAULT = source_document("w3c-update-default", "Sent to the default graph")


@dataclass(frozen=True)
class Step:
    """One request of a case, its answer and the log's length after it.

    Attributes:
        answer: the response.
        logged: how many changes the log holds after the request.
    """

    answer: Answer
    logged: int


#: The steps of each case of the sequence, by case name.
Run = dict[str, list[Step]]


def run_sequence(send: Send, token: str, changes_dir: Path) -> Run:
    """Send the requests of the http-rdf-update manifest in its order.

    Args:
        send: how to send a request.
        token: a write token.
        changes_dir: the change log's folder, to count the changes after each step.

    Returns:
        Every case's steps.
    """
    auth = {"Authorization": f"Bearer {token}"}
    run: Run = {}

    def step(
        case: str, method: str, path: str, headers: dict[str, str], body: bytes | None = None
    ) -> Answer:
        answer = send(method, path, headers, body)
        run.setdefault(case, []).append(Step(answer, len(list(log.entries(changes_dir)))))
        return answer

    def write(case: str, method: str, path: str, content_type: str, body: bytes) -> Answer:
        return step(case, method, path, {**auth, "Content-Type": content_type}, body)

    get_turtle = {"Accept": TURTLE}
    write("put__initial_state", "PUT", at(PERSON_1), TURTLE_UTF8, FIRST)
    step("get_of_put__initial_state", "GET", at(PERSON_1), get_turtle)
    write("put__graph_already_in_store", "PUT", at(PERSON_1), TURTLE_UTF8, FIRST_REVISED)
    step("get_of_put__graph_already_in_store", "GET", at(PERSON_1), get_turtle)
    write("put__default_graph", "PUT", "/store?default", TURTLE_UTF8, TO_DEFAULT)
    step("get_of_put__default_graph", "GET", "/store?default", get_turtle)
    write("delete__existing_graph", "PUT", at(PERSON_2), TURTLE_UTF8, SECOND)  # made first
    step("delete__existing_graph", "DELETE", at(PERSON_2), dict(auth))
    step("get_of_delete__existing_graph", "GET", at(PERSON_2), {})
    step("delete__nonexistent_graph", "DELETE", at(PERSON_2), dict(auth))
    write("post__existing_graph", "POST", at(PERSON_1), TURTLE_UTF8, SWEDISH)
    step("get_of_post__existing_graph", "GET", at(PERSON_1), get_turtle)
    body, content_type = multipart((TURTLE_UTF8, FINNISH), (NTRIPLES, TITLE))
    write("post__multipart_formdata", "POST", at(PERSON_1), content_type, body)
    step("get_of_post__multipart_formdata", "GET", at(PERSON_1), {})
    made = write("post__create__new_graph", "POST", "/store", TURTLE_UTF8, THIRD)
    location = made.headers.get("location", GRAPH + "no-location")
    step("get_of_post__create__new_graph", "GET", at(location), get_turtle)
    write("get_of_post__after_noop", "POST", at(location), TURTLE_UTF8, THIRD)  # the no-op
    step("get_of_post__after_noop", "GET", at(location), get_turtle)
    step("head_on_an_existing_graph", "GET", at(PERSON_1), {})
    step("head_on_an_existing_graph", "HEAD", at(PERSON_1), {})
    step("head_on_a_nonexisting_graph", "HEAD", at(PERSON_4), {})
    return run


#: The check of each case of the sequence.
CHECKS: dict[str, Callable[[Run], None]] = {}


def check(case: str) -> Callable[[Callable[[Run], None]], Callable[[Run], None]]:
    """Register the check of a case of the sequence."""

    def register(function: Callable[[Run], None]) -> Callable[[Run], None]:
        CHECKS[case] = function
        return function

    return register


def changes_before(run: Run, case: str) -> int:
    """How many changes the log held before the case's first request."""
    cases = list(run)
    previous = cases[cases.index(case) - 1]
    return run[previous][-1].logged


def turtle_graph(answer: Answer) -> Graph:
    """The graph of a 200 answer in Turtle (UTF-8), as the suite expects it."""
    assert answer.status == 200, answer.text
    assert answer.headers["content-type"] == TURTLE_UTF8
    assert int(answer.headers["content-length"]) == len(answer.body)
    return answer.graph()


@check("put__initial_state")
def _put_initial_state(run: Run) -> None:
    [put] = run["put__initial_state"]
    assert put.answer.status == 201, put.answer.text
    assert put.logged == 1


@check("get_of_put__initial_state")
def _get_of_put_initial_state(run: Run) -> None:
    [got] = run["get_of_put__initial_state"]
    assert_same_graph(turtle_graph(got.answer), graph(FIRST))


@check("put__graph_already_in_store")
def _put_graph_already_in_store(run: Run) -> None:
    [put] = run["put__graph_already_in_store"]
    assert put.answer.status == 204, put.answer.text
    assert put.answer.body == b""
    assert put.logged == 2


@check("get_of_put__graph_already_in_store")
def _get_of_put_graph_already_in_store(run: Run) -> None:
    [got] = run["get_of_put__graph_already_in_store"]
    assert_same_graph(turtle_graph(got.answer), graph(FIRST_REVISED))  # replaced, not merged


@check("put__default_graph")
def _put_default_graph(run: Run) -> None:
    [put] = run["put__default_graph"]
    assert put.answer.status == 405
    assert DEFAULT_REFUSAL in put.answer.detail()
    assert "?graph=" in put.answer.detail()
    assert put.logged == changes_before(run, "put__default_graph")


@check("get_of_put__default_graph")
def _get_of_put_default_graph(run: Run) -> None:
    [got] = run["get_of_put__default_graph"]
    union = turtle_graph(got.answer)
    assert "x-partnergraph-truncated" not in got.answer.headers
    for fact in graph(FIRST_REVISED):  # the named graphs' triples are in their union
        assert fact in union, fact
    refused = URIRef(SOURCE + "w3c-update-default")
    assert not list(union.triples((refused, None, None)))


@check("delete__existing_graph")
def _delete_existing_graph(run: Run) -> None:
    made, deleted = run["delete__existing_graph"]
    assert made.answer.status == 201, made.answer.text
    assert deleted.answer.status == 204, deleted.answer.text
    assert deleted.logged == made.logged + 1


@check("get_of_delete__existing_graph")
def _get_of_delete_existing_graph(run: Run) -> None:
    [got] = run["get_of_delete__existing_graph"]
    assert got.answer.status == 404
    assert PERSON_2 in got.answer.detail()


@check("delete__nonexistent_graph")
def _delete_nonexistent_graph(run: Run) -> None:
    [deleted] = run["delete__nonexistent_graph"]
    assert deleted.answer.status == 404
    assert deleted.logged == changes_before(run, "delete__nonexistent_graph")


@check("post__existing_graph")
def _post_existing_graph(run: Run) -> None:
    [posted] = run["post__existing_graph"]
    assert posted.answer.status == 204, posted.answer.text
    assert posted.logged == changes_before(run, "post__existing_graph") + 1


@check("get_of_post__existing_graph")
def _get_of_post_existing_graph(run: Run) -> None:
    [got] = run["get_of_post__existing_graph"]
    assert_same_graph(turtle_graph(got.answer), graph(FIRST_REVISED, SWEDISH))  # merged


@check("post__multipart_formdata")
def _post_multipart_formdata(run: Run) -> None:
    [posted] = run["post__multipart_formdata"]
    assert posted.answer.status == 204, posted.answer.text
    assert posted.logged == changes_before(run, "post__multipart_formdata") + 1  # one change


@check("get_of_post__multipart_formdata")
def _get_of_post_multipart_formdata(run: Run) -> None:
    [got] = run["get_of_post__multipart_formdata"]  # without Accept: Turtle
    expected = graph(FIRST_REVISED, SWEDISH, FINNISH, TITLE)
    assert_same_graph(turtle_graph(got.answer), expected)


@check("post__create__new_graph")
def _post_create_new_graph(run: Run) -> None:
    [made] = run["post__create__new_graph"]
    assert made.answer.status == 201, made.answer.text
    location = made.answer.headers["location"]
    assert location.startswith(GRAPH)
    assert uuid.UUID(location.removeprefix(GRAPH))
    assert made.logged == changes_before(run, "post__create__new_graph") + 1


@check("get_of_post__create__new_graph")
def _get_of_post_create_new_graph(run: Run) -> None:
    [got] = run["get_of_post__create__new_graph"]
    assert_same_graph(turtle_graph(got.answer), graph(THIRD))


@check("get_of_post__after_noop")
def _get_of_post_after_noop(run: Run) -> None:
    noop, got = run["get_of_post__after_noop"]
    assert noop.answer.status == 204, noop.answer.text
    assert noop.logged == changes_before(run, "get_of_post__after_noop")  # nothing changed
    assert_same_graph(turtle_graph(got.answer), graph(THIRD))
    [before] = run["get_of_post__create__new_graph"]
    assert got.answer.headers["etag"] == before.answer.headers["etag"]


@check("head_on_an_existing_graph")
def _head_on_an_existing_graph(run: Run) -> None:
    got, head = run["head_on_an_existing_graph"]
    assert head.answer.status == 200
    assert head.answer.body == b""
    for name in ("content-type", "etag", "content-length", "last-modified", "vary"):
        assert head.answer.headers[name] == got.answer.headers[name], name
    assert head.answer.headers["content-type"] == TURTLE_UTF8
    assert int(head.answer.headers["content-length"]) == len(got.answer.body)


@check("head_on_a_nonexisting_graph")
def _head_on_a_nonexisting_graph(run: Run) -> None:
    [head] = run["head_on_a_nonexisting_graph"]
    assert head.answer.status == 404
    assert head.answer.body == b""


# --- the lists -----------------------------------------------------------------------------


def test_every_case_of_both_manifests_is_covered_or_does_not_apply() -> None:
    manifest = [*HTTP_RDF_UPDATE, *GRAPH_STORE_PROTOCOL]
    assert len(set(manifest)) == len(manifest)
    assert set(CHECKS).isdisjoint(NOT_APPLICABLE)
    assert set(REFUSED) <= set(manifest)
    assert sorted(CHECKS) == sorted(HTTP_RDF_UPDATE)  # every case of the sequence is checked
    tests = {name.removeprefix("test_") for name in globals() if name.startswith("test_")}
    covered = tests & set(GRAPH_STORE_PROTOCOL)
    assert sorted([*covered, *NOT_APPLICABLE]) == sorted(GRAPH_STORE_PROTOCOL)
    assert set(NOT_APPLICABLE).isdisjoint(tests)
    assert all(NOT_APPLICABLE.values())
    assert all(REFUSED.values())


# --- fixtures ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project with a built snapshot, copied for each app of the module."""
    return built_template(tmp_path_factory.mktemp("template") / "project")


def app_over(project: Project) -> Flask:
    """The real app over a writable copy of the project (no dumps: not needed here)."""
    s = project.settings
    names = ("graph_dir", "shapes_dir", "queries_dir", "output_dir", "changes_dir")
    config: dict[str, Any] = {name: getattr(s, name) for name in names}
    config |= {"tokens_file": s.tokens_file, "dumps": False, "query_workers": 1}
    with clean_environment():
        return create_app(config)


@pytest.fixture(scope="module")
def project(template: Path, tmp_path_factory: pytest.TempPathFactory) -> Project:
    """One writable copy for the module's tests: each writes graphs of its own."""
    return project_from(template, tmp_path_factory.mktemp("gsp") / "project")


@pytest.fixture(scope="module")
def client(project: Project) -> FlaskClient:
    return app_over(project).test_client()


@pytest.fixture(scope="module")
def token(project: Project) -> str:
    return create(project.settings, "w3c")


@pytest.fixture(scope="module")
def send(client: FlaskClient) -> Send:
    return flask_sender(client)


@pytest.fixture(scope="module")
def sequence(template: Path, tmp_path_factory: pytest.TempPathFactory) -> Run:
    """The http-rdf-update sequence, run once on a copy of its own (its checks count
    the changes in the log from the first)."""
    project = project_from(template, tmp_path_factory.mktemp("sequence") / "project")
    send = flask_sender(app_over(project).test_client())
    return run_sequence(send, create(project.settings, "w3c"), project.settings.changes_dir)


def logged(project: Project) -> int:
    """How many changes the module's log holds."""
    return len(list(log.entries(project.settings.changes_dir)))


def put(send: Send, token: str, iri: str, body: bytes, content_type: str = TURTLE) -> Answer:
    """PUT a payload as the graph ``iri``."""
    headers = {"Authorization": f"Bearer {token}", "Content-Type": content_type}
    return send("PUT", at(iri), headers, body)


def post(send: Send, token: str, path: str, body: bytes, content_type: str = TURTLE) -> Answer:
    """POST a payload to a path of the store."""
    headers = {"Authorization": f"Bearer {token}", "Content-Type": content_type}
    return send("POST", path, headers, body)


# --- the http-rdf-update manifest, case by case ------------------------------------------


@pytest.mark.parametrize("case", HTTP_RDF_UPDATE)
def test_http_rdf_update_case(case: str, sequence: Run) -> None:
    """Each case of the deprecated manifest, on the state its predecessors left."""
    CHECKS[case](sequence)


def test_the_sequence_on_the_real_server(tmp_path: Path) -> None:
    """The whole sequence over HTTP against ``partnergraph serve``; then the curated
    files and the log say what the server answers."""
    with serve_copy(tmp_path) as served, served.client() as http:
        token = partnergraph(served.folder, "token", "create", "w3c-served")
        run = run_sequence(http_sender(http), token, served.folder / "changes")
        for case in HTTP_RDF_UPDATE:
            CHECKS[case](run)
        served_graph = http_sender(http)("GET", at(PERSON_1), {"Accept": NTRIPLES}, None).graph()
    files = served.folder / "graph"
    assert_same_graph(curated(files / "w3c-update-person-1.trig", PERSON_1), served_graph)
    assert not (files / "w3c-update-person-2.trig").exists()  # made, then deleted
    partnergraph(served.folder, "log", "--verify")


def curated(path: Path, name: str) -> Graph:
    """The triples a curated TriG file holds in the named graph ``name``."""
    quads = ox.parse(path=path, format=ox.RdfFormat.TRIG, base_iri=BASE)
    triples = [
        ox.Triple(q.subject, q.predicate, q.object) for q in quads if q.graph_name.value == name
    ]
    assert triples, f"{path} holds nothing in <{name}>"
    text = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    return Graph().parse(data=text or b"", format="nt")


def partnergraph(folder: Path, *args: str) -> str:
    """Run the ``partnergraph`` command in ``folder`` as a user would; its stdout.

    Raises:
        subprocess.CalledProcessError: it exited with another code than 0.
    """
    env = {key: value for key, value in os.environ.items() if not key.startswith(ENV_PREFIX)}
    done = subprocess.run(
        [str(Path(sys.executable).parent / "partnergraph"), *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return done.stdout.strip()


# --- the graph-store-protocol manifest (indirect identification), case by case ------------


def test_put_get_repeat_indirect(send: Send, token: str) -> None:
    iri = GRAPH + "w3c-repeat"
    first = source_document("w3c-repeat", "Repeated source")
    second = source_document("w3c-repeat", "Repeated source, replaced")
    assert put(send, token, iri, first, TURTLE_UTF8).status == 201
    assert_same_graph(turtle_graph(send("GET", at(iri), {"Accept": TURTLE}, None)), graph(first))
    replaced = put(send, token, iri, second, TURTLE_UTF8)
    assert replaced.status in (200, 204), replaced.text
    assert_same_graph(turtle_graph(send("GET", at(iri), {"Accept": TURTLE}, None)), graph(second))


def test_put_get_default(send: Send, token: str, project: Project) -> None:
    before = logged(project)
    refused = send(
        "PUT",
        "/store?default",
        {"Authorization": f"Bearer {token}", "Content-Type": TURTLE_UTF8},
        source_document("w3c-default", "Meant for the default graph"),
    )
    assert refused.status == 405
    assert DEFAULT_REFUSAL in refused.detail()
    assert "GET" in refused.headers["allow"]
    union = turtle_graph(send("GET", "/store?default", {"Accept": TURTLE}, None))
    assert len(union) > 1000  # the curated data, every named graph
    assert not list(union.triples((URIRef(SOURCE + "w3c-default"), None, None)))
    assert logged(project) == before


def test_put_delete_get_delete_indirect(send: Send, token: str, project: Project) -> None:
    iri = GRAPH + "w3c-put-delete"
    auth = {"Authorization": f"Bearer {token}"}
    assert put(send, token, iri, source_document("w3c-put-delete", "Short-lived")).status == 201
    file = project.folder / "graph" / "w3c-put-delete.trig"
    assert file.exists()
    deleted = send("DELETE", at(iri), auth, None)
    assert deleted.status == 204, deleted.text
    assert not file.exists()  # a file a write made, with no block left, is removed
    assert send("GET", at(iri), {}, None).status == 404
    before = logged(project)
    assert send("DELETE", at(iri), auth, None).status == 404
    assert logged(project) == before


def test_post_get_post_get_indirect(send: Send, token: str) -> None:
    iri = GRAPH + "w3c-post-post"
    key = "w3c-post-post"
    first = source_document(key, "Posted source")
    made = post(send, token, at(iri), first, TURTLE_UTF8)
    assert made.status == 201, made.text  # the graph was new
    assert_same_graph(turtle_graph(send("GET", at(iri), {"Accept": TURTLE}, None)), graph(first))
    swedish = more(key, "rdfs:label", "Postad källa", "sv")
    finnish = more(key, "rdfs:label", "Postattu lähde", "fi")
    body, content_type = multipart((TURTLE_UTF8, swedish), (TURTLE_UTF8, finnish))
    merged = post(send, token, at(iri), body, content_type)
    assert merged.status in (200, 204), merged.text
    got = turtle_graph(send("GET", at(iri), {"Accept": TURTLE}, None))
    assert_same_graph(got, graph(first, swedish, finnish))


def test_post_get_new_graph(send: Send, token: str) -> None:
    payload = source_document("w3c-new-graph", "In a graph the store names")
    made = post(send, token, "/store", payload, TURTLE_UTF8)
    assert made.status == 201, made.text
    location = made.headers["location"]
    assert location.startswith(GRAPH)
    got = send("GET", f"/store?graph={location}", {"Accept": TURTLE}, None)  # as the case does
    assert_same_graph(turtle_graph(got), graph(payload))


def test_head_existing_indirect(send: Send, token: str) -> None:
    iri = GRAPH + "w3c-head"
    assert put(send, token, iri, source_document("w3c-head", "Seen by HEAD")).status == 201
    head = send("HEAD", at(iri), {"Accept": TURTLE_UTF8}, None)
    assert head.status == 200
    assert head.headers["content-type"] == TURTLE_UTF8
    assert head.body == b""


def test_head_non_existing_indirect(send: Send) -> None:
    head = send("HEAD", at(GRAPH + "w3c-never-written"), {"Accept": TURTLE_UTF8}, None)
    assert head.status == 404
    assert head.body == b""


def test_put_get_uri_pct_encoded_indirect(send: Send, token: str) -> None:
    iri = GRAPH + "w3c-encodings"
    payload = source_document("w3c-encodings", "Named with and without percent-encoding")
    assert put(send, token, iri, payload, TURTLE_UTF8).status == 201  # ?graph= encoded
    got = send("GET", f"/store?graph={iri}", {"Accept": TURTLE}, None)  # ?graph= as it is
    assert_same_graph(turtle_graph(got), graph(payload))


def test_put_get_uri_pct_encoded_twice(send: Send, token: str, client: FlaskClient) -> None:
    """``%31`` in the query is ``1``; ``%2531`` is ``%31``: two graphs, not one."""
    one = source_document("w3c-twice-a", "Named with %31")
    other = source_document("w3c-twice-b", "Named with %2531")
    headers = {"Authorization": f"Bearer {token}", "Content-Type": TURTLE_UTF8}
    assert send("PUT", f"/store?graph={GRAPH}w3c-twice-%31", headers, one).status == 201
    assert send("PUT", f"/store?graph={GRAPH}w3c-twice-%2531", headers, other).status == 201
    got = send("GET", f"/store?graph={GRAPH}w3c-twice-%31", {"Accept": TURTLE}, None)
    assert_same_graph(turtle_graph(got), graph(one))
    got = send("GET", f"/store?graph={GRAPH}w3c-twice-%2531", {"Accept": TURTLE}, None)
    assert_same_graph(turtle_graph(got), graph(other))
    assert graphs_named(client, "w3c-twice-") == {GRAPH + "w3c-twice-1", GRAPH + "w3c-twice-%31"}


def graphs_named(client: FlaskClient, part: str) -> set[str]:
    """The named graphs of the served dataset whose IRI contains ``part``."""
    query = (
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
        f'FILTER(CONTAINS(STR(?g), "{part}")) }}'
    )
    answer = client.get(
        "/sparql",
        query_string={"query": query},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert answer.status_code == 200, answer.text
    return {row["g"]["value"] for row in answer.get_json()["results"]["bindings"]}


# --- more of the protocol ----------------------------------------------------------------


def test_direct_identification_is_not_served(send: Send, token: str, project: Project) -> None:
    before = logged(project)
    payload = source_document("w3c-direct", "Named by the request URL")
    headers = {"Authorization": f"Bearer {token}", "Content-Type": TURTLE}
    for method in ("PUT", "POST", "GET", "HEAD", "DELETE"):
        answer = send(method, "/store/w3c/person/1.ttl", headers, payload)
        assert answer.status == 404, (method, answer.text)
    assert logged(project) == before


def test_graph_is_decoded_exactly_once(send: Send, token: str, client: FlaskClient) -> None:
    """An IRI with ``%2F`` or ``%25`` in it, sent percent-encoded once, is that IRI."""
    slash = GRAPH + "w3c-once-a%2Fb"
    percent = GRAPH + "w3c-once-c%25d"
    assert at(slash).endswith("w3c-once-a%252Fb")  # what goes on the wire
    for iri, key in ((slash, "w3c-once-slash"), (percent, "w3c-once-percent")):
        payload = source_document(key, f"In the graph {key}")
        made = put(send, token, iri, payload)
        assert made.status == 201, made.text
        assert_same_graph(turtle_graph(send("GET", at(iri), {}, None)), graph(payload))
    assert graphs_named(client, "w3c-once-") == {slash, percent}  # not …/a/b, not …/c%d
    assert send("GET", at(GRAPH + "w3c-once-a/b"), {}, None).status == 404


def test_get_without_accept_answers_turtle(send: Send) -> None:
    lahti = GRAPH + "lahti-kansainvalinen-lahti"
    got = send("GET", at(lahti), {}, None)
    assert got.status == 200
    assert got.headers["content-type"] == TURTLE_UTF8
    assert len(got.graph()) > 10
    assert got.headers["etag"]


@pytest.mark.parametrize("accept", [TURTLE, NTRIPLES, "application/ld+json"])
def test_head_has_the_headers_of_get_and_no_body(send: Send, accept: str) -> None:
    lahti = GRAPH + "lahti-kansainvalinen-lahti"
    got = send("GET", at(lahti), {"Accept": accept}, None)
    head = send("HEAD", at(lahti), {"Accept": accept}, None)
    assert got.status == head.status == 200
    assert head.body == b""
    assert got.headers["content-type"].startswith(accept)
    for name in ("content-type", "etag", "content-length", "last-modified", "cache-control"):
        assert head.headers[name] == got.headers[name], name
    assert int(head.headers["content-length"]) == len(got.body)


def test_an_unknown_media_type_is_415(send: Send, token: str, project: Project) -> None:
    before = logged(project)
    payload = source_document("w3c-unknown-type", "Sent as an unknown type")
    for content_type in ("text/x-unknown", "application/json", "text/plain"):
        answer = put(send, token, GRAPH + "w3c-unknown-type", payload, content_type)
        assert answer.status == 415, (content_type, answer.text)
        assert content_type in answer.detail()
        assert TURTLE in answer.detail()
    body, content_type = multipart((TURTLE, payload), ("text/x-unknown", payload))
    assert post(send, token, at(GRAPH + "w3c-unknown-type"), body, content_type).status == 415
    assert logged(project) == before


@pytest.mark.parametrize(
    ("content_type", "payload", "where"),
    [
        (TURTLE, PREFIXES.encode() + b"<a> rdfs:label 'x'@en\n<b> rdfs:label 'y'@en .\n", "line 6"),
        (NTRIPLES, b'<http://a/s> <http://a/p> "x" .\n<http://a/s> <http://a/p> x .\n', "line 2"),
        ("application/ld+json", b'{"@id": "http://a/s",\n "http://a/p": }', "line 2"),
    ],
)
def test_a_payload_that_does_not_parse_is_400_with_line_and_column(
    send: Send, token: str, project: Project, content_type: str, payload: bytes, where: str
) -> None:
    before = logged(project)
    answer = put(send, token, GRAPH + "w3c-broken", payload, content_type)
    assert answer.status == 400, answer.text
    detail = answer.detail()
    assert "line" in detail, detail
    assert "column" in detail, detail
    assert where in detail, detail
    assert logged(project) == before


def test_an_rdfxml_payload_that_does_not_parse_is_400_with_line_and_column(
    send: Send, token: str
) -> None:
    broken = b'<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="%s">\n<rdf:Description' % RDF.encode()
    answer = put(send, token, GRAPH + "w3c-broken", broken, "application/rdf+xml")
    assert answer.status == 400, answer.text
    detail = answer.detail()
    assert "line" in detail, detail
    assert "column" in detail, detail


def test_multipart_parts_in_different_formats(send: Send, token: str, project: Project) -> None:
    """Each part is read as its own media type: Turtle and N-Triples together work, and
    Turtle sent as N-Triples is refused."""
    iri = GRAPH + "w3c-multipart"
    key = "w3c-multipart"
    turtle = source_document(key, "Sent in two parts")
    nt = ntriple(key, "http://www.w3.org/2000/01/rdf-schema#label", "Skickad i två delar", "sv")
    body, content_type = multipart((TURTLE, turtle), (NTRIPLES, nt))
    made = post(send, token, at(iri), body, content_type)
    assert made.status == 201, made.text
    assert_same_graph(turtle_graph(send("GET", at(iri), {}, None)), graph(turtle, nt))
    before = logged(project)
    finnish = more(key, "rdfs:label", "Lähetetty kahdessa osassa", "fi")  # uses a prefix
    body, content_type = multipart((NTRIPLES, finnish))
    refused = post(send, token, at(iri), body, content_type)
    assert refused.status == 400, refused.text
    assert logged(project) == before


def test_jsonld_and_rdfxml_payloads(send: Send, token: str) -> None:
    iri = GRAPH + "w3c-formats"
    subject = SOURCE + "w3c-formats"
    jsonld = f"""{{
  "@context": {{"rdfs": "http://www.w3.org/2000/01/rdf-schema#",
                "schema": "https://schema.org/", "dcterms": "http://purl.org/dc/terms/"}},
  "@id": "{subject}",
  "@type": "https://w3id.org/partnergraph/def/SourceDocument",
  "rdfs:label": {{"@value": "Sent as JSON-LD", "@language": "en"}},
  "schema:url": {{"@id": "https://example.org/w3c-gsp/formats"}},
  "dcterms:source": {{"@id": "{subject}"}}
}}""".encode()
    rdfxml = f"""<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">
  <rdf:Description rdf:about="{subject}">
    <rdfs:label xml:lang="sv">Skickad som RDF/XML</rdfs:label>
  </rdf:Description>
</rdf:RDF>
""".encode()
    made = put(send, token, iri, jsonld, "application/ld+json")
    assert made.status == 201, made.text
    merged = post(send, token, at(iri), rdfxml, "application/rdf+xml")
    assert merged.status == 204, merged.text
    expected = rdf_graph(jsonld, "application/ld+json") + rdf_graph(rdfxml, "application/rdf+xml")
    assert (URIRef(subject), None, Literal("Skickad som RDF/XML", lang="sv")) in expected
    for accept in (TURTLE, "application/rdf+xml"):
        got = send("GET", at(iri), {"Accept": accept}, None)
        assert got.status == 200
        assert got.headers["content-type"].startswith(accept)
        assert_same_graph(got.graph(), expected)
    got = send("GET", at(iri), {"Accept": "application/ld+json"}, None)
    assert got.headers["content-type"].startswith("application/ld+json")
    document = json.loads(got.body)  # compacted against the published context: inline it
    context = send("GET", "/" + document["@context"].split("/", 3)[3], {}, None)
    document["@context"] = json.loads(context.body)["@context"]
    assert_same_graph(rdf_graph(json.dumps(document).encode(), "application/ld+json"), expected)


def test_a_payload_against_the_shapes_is_422(send: Send, token: str, project: Project) -> None:
    before = logged(project)
    key = "w3c-two-locators"
    two = source_document(key, "With two locators")  # a schema:url and a pg:referenceFile
    two += f'<{SOURCE}{key}> pg:referenceFile "notes.csv" .\n'.encode()
    refused = put(send, token, GRAPH + key, two)
    assert refused.status == 422, refused.text
    body = json.loads(refused.body)
    assert any(key in result["focus"] for result in body["report"]["results"]), body
    unsourced = source_document(key, "Without its source").replace(
        f"dcterms:source <{SOURCE}{key}>".encode(), 'rdfs:label "Utan källa"@sv'.encode()
    )
    assert put(send, token, GRAPH + key, unsourced).status == 422
    blank = PREFIXES.encode() + b'[] a pg:SourceDocument ; rdfs:label "Blank"@en .\n'
    assert put(send, token, GRAPH + key, blank).status == 400
    assert send("GET", at(GRAPH + key), {}, None).status == 404
    assert logged(project) == before


def test_the_405_of_the_default_graph_allows_only_reads(send: Send, token: str) -> None:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": TURTLE}
    refused = send("POST", "/store?default", headers, source_document("w3c-allow", "Allowed?"))
    assert refused.status == 405
    allowed = {method.strip() for method in refused.headers["allow"].split(",")}
    assert allowed <= {"GET", "HEAD", "OPTIONS"}, allowed


def test_a_multipart_part_without_a_filename_is_read_or_refused(
    send: Send, token: str, project: Project
) -> None:
    iri = GRAPH + "w3c-unnamed-part"
    key = "w3c-unnamed-part"
    first = source_document(key, "A part with a file name")
    second = more(key, "rdfs:label", "En del utan filnamn", "sv")
    boundary = "pg-unnamed-part"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="a"; filename="a.ttl"\r\n'
        f"Content-Type: {TURTLE}\r\n\r\n".encode()
        + first
        + f'\r\n--{boundary}\r\nContent-Disposition: form-data; name="b"\r\n'
        f"Content-Type: {TURTLE}\r\n\r\n".encode()
        + second
        + f"\r\n--{boundary}--\r\n".encode()
    )
    before = logged(project)
    answer = post(send, token, at(iri), body, f"multipart/form-data; boundary={boundary}")
    if 400 <= answer.status < 500:  # refused whole: nothing written
        assert logged(project) == before
        assert send("GET", at(iri), {}, None).status == 404
    else:  # accepted whole: both parts written
        assert answer.status == 201, answer.text
        assert_same_graph(send("GET", at(iri), {}, None).graph(), graph(first, second))
