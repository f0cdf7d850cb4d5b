"""Writes as people make them: real clients against ``partnergraph serve``.

The server runs as the README starts it (``partnergraph serve`` in a copy of the
project, :func:`tests.served.serve_copy`); its write token is made the way a user
makes one, by ``partnergraph token create`` in the copy's folder while the server
runs (the server sees new and revoked tokens from its next request on). Then:

- SPARQLWrapper 2.0: an ``INSERT DATA`` sent by ``POST``, directly
  (``application/sparql-update``) and as a form, the token in a custom header; a
  ``SELECT`` through SPARQLWrapper sees what it wrote;
- rdflib's ``SPARQLUpdateStore`` under a ``Dataset``: triples added to a named graph
  (rdflib sends ``INSERT DATA``), the token as a header, read back by a query;
- the curl binary with the README's command lines: an update from a file, a
  Graph Store ``PUT`` of a Turtle file, ``curl -I``, ``curl -X DELETE``;
- without a token each of them gets a 401 and nothing changes;
- after each write: the curated files of the copy's ``graph/`` hold it,
  ``partnergraph log --verify`` passes, ``/changes`` lists it (HTML and JSON) and
  its link leads to its RDF Patch.

Every test writes its own resources (each source document in the data is described
in a named graph of its own), so the tests share one server and do not depend on
their order. The address's budget of refused tokens (``auth_failures_per_minute``,
10 by default) is raised for the server, since this module's refusals all come from
127.0.0.1 within a minute.
"""

from __future__ import annotations

import gc
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.error import HTTPError

import httpx
import pyoxigraph as ox
import pytest
from rdflib import Dataset, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS
from rdflib.plugins.stores.sparqlstore import SPARQLUpdateStore
from rdflib.term import Node
from SPARQLWrapper import JSON, POST, POSTDIRECTLY, URLENCODED, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import Unauthorized

from .paths import BASE
from .served import Served, links, serve_copy
from .webapp import ENV_PREFIX
from .writing import LAHTI_GRAPH

GRAPH = BASE + "graph/"
SOURCE = BASE + "id/source/"
PG = Namespace(BASE + "def/")
TOKEN_NAME = "clients"
CURL = shutil.which("curl")


# --- the server, its token, the user's commands --------------------------------------------


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """``partnergraph serve`` in a copy of the project, for the whole module."""
    scratch = tmp_path_factory.mktemp("write-clients")
    with serve_copy(scratch, settings={ENV_PREFIX + "AUTH_FAILURES_PER_MINUTE": "100"}) as running:
        yield running


@pytest.fixture(scope="module")
def token(served: Served) -> str:
    """A token made by ``partnergraph token create`` while the server runs."""
    made = partnergraph(served.folder, "token", "create", TOKEN_NAME)
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip()
    assert token.startswith("pg_"), made.stdout
    assert "\n" not in token
    return token


@pytest.fixture
def http(served: Served) -> Iterator[httpx.Client]:
    with served.client() as client:
        yield client


def endpoint(served: Served) -> str:
    return served.base + "/sparql"


def partnergraph(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the ``partnergraph`` command in ``folder``, as a user would (no settings from
    this shell's environment)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(ENV_PREFIX)}
    return subprocess.run(
        [str(Path(sys.executable).parent / "partnergraph"), *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def curl(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the curl binary; its exit code is not checked here."""
    assert CURL is not None, "the curl binary is not installed"
    return subprocess.run(
        [CURL, "--silent", "--show-error", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


# --- what the tests write and how they check it -------------------------------------------


def comment_update(key: str, comment: str, language: str) -> str:
    """An ``INSERT DATA`` adding an ``rdfs:comment`` (which no shape constrains on a
    source document) to the source document ``key``, in its own named graph."""
    return (
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        f"INSERT DATA {{ GRAPH <{GRAPH}{key}> {{\n"
        f'  <{SOURCE}{key}> rdfs:comment "{comment}"@{language} .\n'
        "} }\n"
    )


def comment_quad(key: str, comment: str, language: str) -> ox.Quad:
    return ox.Quad(
        ox.NamedNode(SOURCE + key),
        ox.NamedNode(str(RDFS.comment)),
        ox.Literal(comment, language=language),
        ox.NamedNode(GRAPH + key),
    )


def comments(served: Served, key: str) -> set[str]:
    """The comments of the source document ``key`` in its graph, read by SPARQLWrapper."""
    reader = SPARQLWrapper(endpoint(served))
    reader.setReturnFormat(JSON)
    pattern = f"<{SOURCE}{key}> <{RDFS.comment}> ?comment"
    reader.setQuery(f"SELECT ?comment WHERE {{ GRAPH <{GRAPH}{key}> {{ {pattern} }} }}")
    result = reader.query()
    try:
        answer = result.convert()
    finally:
        result.response.close()
    assert isinstance(answer, dict)
    return {row["comment"]["value"] for row in answer["results"]["bindings"]}


def curated(served: Served) -> set[ox.Quad]:
    """Every quad the copy's curated files hold now."""
    quads: set[ox.Quad] = set()
    for path in sorted((served.folder / "graph").glob("*.trig")):
        quads.update(ox.parse(path=path, format=ox.RdfFormat.TRIG, base_iri=BASE))
    return quads


def files_of(served: Served, graph: str, subjects: str) -> list[str]:
    """The curated files, in their order, that describe subjects under ``subjects`` in
    the named graph ``graph``."""
    wanted = ox.NamedNode(graph)
    names = []
    for path in sorted((served.folder / "graph").glob("*.trig")):
        quads = ox.parse(path=path, format=ox.RdfFormat.TRIG, base_iri=BASE)
        if any(q.graph_name == wanted and q.subject.value.startswith(subjects) for q in quads):
            names.append(path.name)
    return names


def holder(served: Served, text: str) -> list[str]:
    """The curated files whose text has ``text``."""
    files = sorted((served.folder / "graph").glob("*.trig"))
    return [path.name for path in files if text in path.read_text(encoding="utf-8")]


def change_with(http: httpx.Client, text: str, kind: str = "A") -> dict[str, object]:
    """The one change of ``/changes`` (JSON) whose RDF Patch adds (``kind`` ``A``) or
    deletes (``D``) a quad with ``text``."""
    listed = http.get("/changes", headers={"Accept": "application/json"})
    assert listed.status_code == 200, listed.text
    found: list[dict[str, object]] = []
    for change in listed.json()["changes"]:
        patch = http.get(str(change["patch"]))
        assert patch.status_code == 200
        assert patch.headers["content-type"].startswith("application/rdf-patch")
        if any(line.startswith(f"{kind} ") and text in line for line in patch.text.splitlines()):
            found.append(change)
    assert len(found) == 1, (text, found)
    return found[0]


def assert_logged(served: Served, http: httpx.Client, text: str, added: int) -> None:
    """The change that wrote ``text`` is in the log (chain intact), in ``/changes`` as
    JSON and as HTML, and its page links to its RDF Patch."""
    change = change_with(http, text)
    assert change["who"] == TOKEN_NAME
    assert change["added"] == added
    assert change["removed"] == 0
    verified = partnergraph(served.folder, "log", "--verify")
    assert verified.returncode == 0, verified.stderr
    assert "hash chain intact" in verified.stderr
    index = http.get("/changes", headers={"Accept": "text/html"})
    assert index.headers["content-type"].startswith("text/html")
    page_path = f"/changes/{change['number']}"
    assert page_path in links(str(index.url), index.text)
    page = http.get(page_path, headers={"Accept": "text/html"})
    assert page.status_code == 200
    [patch_link] = [link for link in links(str(page.url), page.text) if "format=patch" in link]
    patch = http.get(patch_link)
    assert patch.headers["content-type"].startswith("application/rdf-patch")
    assert text in patch.text
    assert sum(line.startswith("A ") for line in patch.text.splitlines()) == added


# --- SPARQLWrapper ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("request_method", "key"),
    [(POSTDIRECTLY, "randers-twin-cities"), (URLENCODED, "hamar-kommune-category5428")],
)
def test_sparqlwrapper_update_then_select(
    served: Served, token: str, http: httpx.Client, request_method: str, key: str
) -> None:
    comment = f"Kontrollerad med SPARQLWrapper, {request_method}: åäö"
    writer = SPARQLWrapper(endpoint(served), updateEndpoint=endpoint(served))
    writer.setMethod(POST)
    writer.setRequestMethod(request_method)
    writer.addCustomHttpHeader("Authorization", f"Bearer {token}")
    writer.setQuery(comment_update(key, comment, "sv"))
    assert writer.isSparqlUpdateRequest()
    result = writer.query()
    try:
        assert result.response.status == 200
        body = json.loads(result.response.read())
    finally:
        result.response.close()
    assert body["changed"] is True
    assert body["added"] == 1
    assert comment in comments(served, key)
    assert comment_quad(key, comment, "sv") in curated(served)
    assert_logged(served, http, comment, added=1)


# --- rdflib's SPARQLUpdateStore ----------------------------------------------------------------


# rdflib's SPARQLConnector never closes the responses it reads: the sockets are
# reported when they are collected. The collection is forced inside the test.
@pytest.mark.filterwarnings(
    "ignore:Exception ignored in. <socket.socket:pytest.PytestUnraisableExceptionWarning"
)
def test_rdflib_sparql_update_store_adds_to_a_named_graph(
    served: Served, token: str, http: httpx.Client
) -> None:
    store = SPARQLUpdateStore(
        query_endpoint=endpoint(served),
        update_endpoint=endpoint(served),
        headers={"Authorization": f"Bearer {token}"},  # passed on to every request
    )
    dataset = Dataset(store=store, default_union=True)
    lahti = URIRef(LAHTI_GRAPH)
    [beside, *_] = files_of(served, LAHTI_GRAPH, BASE + "id/partnership/")
    partnership = URIRef(BASE + "id/partnership/lahti-lund")
    label = Literal("Lahti - Lund cooperation, added by rdflib", lang="en")
    facts = [
        (partnership, RDF.type, PG.Partnership),
        (partnership, RDFS.label, label),
        (partnership, PG.partnershipType, PG["partnership-type/cooperation-agreement"]),
        (partnership, PG.party, URIRef(BASE + "id/city/lahti")),
        (partnership, PG.party, URIRef(BASE + "id/city/lund")),
        (partnership, DCTERMS.source, URIRef(SOURCE + "lahti-kansainvalinen-lahti")),
    ]
    named = dataset.get_context(lahti)  # no CREATE GRAPH (dataset.graph() would send one)
    try:
        dataset.addN((s, p, o, named) for s, p, o in facts)  # one INSERT DATA
        rows = dataset.query(
            "SELECT ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }",
            initBindings={"g": lahti, "s": partnership},
        )
        got = {(row[0], row[1]) for row in rows}  # type: ignore[index]
    finally:
        dataset.close()
        gc.collect()
    assert got == {(p, o) for _, p, o in facts}
    kept = curated(served)
    for s, p, o in facts:
        quad = ox.Quad(ox.NamedNode(s), ox.NamedNode(p), to_ox(o), ox.NamedNode(LAHTI_GRAPH))
        assert quad in kept, quad
    assert holder(served, "added by rdflib") == [beside]  # beside the graph's partnerships
    assert_logged(served, http, "added by rdflib", added=len(facts))  # one change, not six


def to_ox(term: Node) -> ox.NamedNode | ox.Literal:
    if isinstance(term, Literal):
        return ox.Literal(str(term), language=term.language)
    return ox.NamedNode(str(term))


@pytest.mark.filterwarnings(
    "ignore:Exception ignored in. <socket.socket:pytest.PytestUnraisableExceptionWarning"
)
def test_rdflib_dataset_graph_of_an_existing_graph_is_a_400_that_says_why(
    served: Served, token: str
) -> None:
    """``Dataset.graph(IRI)`` sends ``CREATE GRAPH <IRI>``, which fails on a graph that
    exists (SPARQL 1.1 Update, section 3.2.3): a 400 that says so, nothing changed."""
    store = SPARQLUpdateStore(
        endpoint(served), endpoint(served), headers={"Authorization": f"Bearer {token}"}
    )
    dataset = Dataset(store=store, default_union=True)
    try:
        with pytest.raises(HTTPError) as refused:
            dataset.graph(URIRef(LAHTI_GRAPH))
        detail = json.loads(refused.value.read())["error"]["detail"]
        refused.value.close()
    finally:
        dataset.close()
        gc.collect()
    assert refused.value.code == 400
    assert f"<{LAHTI_GRAPH}> already exists" in detail


# --- curl ------------------------------------------------------------------------------------


def test_curl_update_from_a_file(
    served: Served, token: str, http: httpx.Client, tmp_path: Path
) -> None:
    key = "psv-lahti-park"
    comment = "Tarkistettu curlilla"
    change = tmp_path / "change.ru"
    change.write_text(comment_update(key, comment, "fi"), encoding="utf-8")
    answer = tmp_path / "answer.json"
    done = curl(
        "-X", "POST", endpoint(served),
        "-H", f"Authorization: Bearer {token}",
        "-H", "Content-Type: application/sparql-update",
        "--data-binary", f"@{change}",
        "-o", str(answer), "-w", "%{http_code}",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout == "200", answer.read_text()
    body = json.loads(answer.read_text())
    assert body["changed"] is True
    assert body["link"] == f"/changes/{body['change']}"
    assert comment in comments(served, key)
    assert comment_quad(key, comment, "fi") in curated(served)
    assert_logged(served, http, comment, added=1)


def test_curl_graph_store_put_head_delete(
    served: Served, token: str, http: httpx.Client, tmp_path: Path
) -> None:
    graph = GRAPH + "clients-curl"
    url = f"{served.base}/store?graph={graph}"  # as the README writes it
    document = tmp_path / "source.ttl"
    document.write_text(
        "@prefix pg: <https://w3id.org/partnergraph/def/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        f"<{SOURCE}clients-curl> a pg:SourceDocument ;\n"
        '    rdfs:label "A source sent by curl"@en ;\n'
        "    <https://schema.org/url> <https://example.org/clients-curl> ;\n"
        f"    <http://purl.org/dc/terms/source> <{SOURCE}clients-curl> .\n",
        encoding="utf-8",
    )
    auth = f"Authorization: Bearer {token}"
    put = curl(
        "-X", "PUT", url, "-H", auth, "-H", "Content-Type: text/turtle",
        "--data-binary", f"@{document}", "-o", os.devnull, "-w", "%{http_code}",
    )  # fmt: skip
    assert put.returncode == 0, put.stderr
    assert put.stdout == "201"
    assert holder(served, "A source sent by curl") == ["clients-curl.trig"]
    assert_logged(served, http, "A source sent by curl", added=4)

    got = curl("-D", "-", "-o", str(tmp_path / "got.ttl"), url)
    head = curl("-I", url)
    assert head.returncode == 0, head.stderr
    assert head.stdout.startswith("HTTP/1.1 200")
    head_headers, got_headers = headers_of(head.stdout), headers_of(got.stdout)
    assert head_headers["content-type"] == "text/turtle; charset=utf-8"
    for name in ("content-type", "etag", "content-length"):
        assert head_headers[name] == got_headers[name], name
    assert int(head_headers["content-length"]) == (tmp_path / "got.ttl").stat().st_size

    deleted = curl("-X", "DELETE", url, "-H", auth, "-o", os.devnull, "-w", "%{http_code}")
    assert deleted.returncode == 0, deleted.stderr
    assert deleted.stdout == "204"
    assert curl("-I", url).stdout.startswith("HTTP/1.1 404")
    assert curl("--fail", "-I", url).returncode == 22  # curl's exit code for an HTTP error
    assert not (served.folder / "graph" / "clients-curl.trig").exists()
    removal = change_with(http, "A source sent by curl", kind="D")
    assert removal["removed"] == 4
    assert removal["added"] == 0
    verified = partnergraph(served.folder, "log", "--verify")
    assert verified.returncode == 0, verified.stderr


def headers_of(dump: str) -> dict[str, str]:
    """The header fields of curl's dump of one response (``-I`` or ``-D -``)."""
    fields = {}
    for line in dump.splitlines()[1:]:
        if not line.strip():
            break
        name, _, value = line.partition(":")
        fields[name.strip().lower()] = value.strip()
    return fields


# --- without a token ---------------------------------------------------------------------------


@pytest.mark.filterwarnings(
    "ignore:Exception ignored in. <socket.socket:pytest.PytestUnraisableExceptionWarning"
)
def test_without_a_token_every_client_gets_401_and_nothing_changes(
    served: Served, token: str, http: httpx.Client, tmp_path: Path
) -> None:
    key = "wikizero-lahtis"
    comment = "Never written"
    update = comment_update(key, comment, "en")
    before = http.get("/-/health").json()["snapshot"]
    logged = http.get("/changes", headers={"Accept": "application/json"}).json()["changes"]

    writer = SPARQLWrapper(endpoint(served), updateEndpoint=endpoint(served))
    writer.setMethod(POST)
    writer.setRequestMethod(POSTDIRECTLY)
    writer.setQuery(update)
    with pytest.raises(Unauthorized):
        writer.query()

    url = endpoint(served)
    for store in (  # no credentials; the token as a Basic password
        SPARQLUpdateStore(url, url),
        SPARQLUpdateStore(url, url, auth=(TOKEN_NAME, token)),
    ):
        dataset = Dataset(store=store, default_union=True)
        triple = (URIRef(SOURCE + key), RDFS.comment, Literal(comment, lang="en"))
        refused = refusal(dataset, (*triple, dataset.get_context(URIRef(GRAPH + key))))
        assert refused.code == 401
        assert refused.headers["WWW-Authenticate"].startswith("Bearer")

    (tmp_path / "change.ru").write_text(update, encoding="utf-8")
    for extra in ((), ("-H", "Authorization: Bearer pg_not-a-token")):
        done = curl(
            "-X", "POST", endpoint(served), *extra,
            "-H", "Content-Type: application/sparql-update",
            "--data-binary", f"@{tmp_path / 'change.ru'}",
            "-D", "-", "-o", os.devnull,
        )  # fmt: skip
        assert done.stdout.startswith("HTTP/1.1 401"), done.stdout
        assert headers_of(done.stdout)["www-authenticate"].startswith('Bearer realm="partnergraph"')
    put = curl(
        "-X", "PUT", f"{served.base}/store?graph={GRAPH}{key}",
        "-H", "Content-Type: text/turtle", "--data-binary", "@" + os.devnull,
        "-o", os.devnull, "-w", "%{http_code}",
    )  # fmt: skip
    assert put.stdout == "401"

    assert comment not in comments(served, key)
    assert http.get("/-/health").json()["snapshot"] == before
    after = http.get("/changes", headers={"Accept": "application/json"}).json()["changes"]
    assert after == logged
    assert holder(served, comment) == []


def refusal(dataset: Dataset, quad: tuple[Any, Any, Any, Any]) -> HTTPError:
    """The error rdflib raises when the server refuses to add ``quad``."""
    try:
        dataset.addN([quad])
    except HTTPError as refused:
        refused.close()
        return refused
    finally:
        dataset.close()
        gc.collect()
    pytest.fail("the write was accepted")


def test_a_token_made_or_revoked_while_serving_counts_at_once(
    served: Served, http: httpx.Client
) -> None:
    made = partnergraph(served.folder, "token", "create", "short-lived")
    assert made.returncode == 0, made.stderr
    headers = {
        "Authorization": f"Bearer {made.stdout.strip()}",
        "Content-Type": "application/sparql-update",
    }
    key = "yle-74-20051471"
    already = (  # a fact the data has: accepted, and changes nothing
        f"INSERT DATA {{ GRAPH <{GRAPH}{key}> {{ <{SOURCE}{key}> a <{PG.SourceDocument}> }} }}"
    )
    accepted = http.post("/sparql", content=already, headers=headers)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["changed"] is False
    revoked = partnergraph(served.folder, "token", "revoke", "short-lived")
    assert revoked.returncode == 0, revoked.stderr
    refused = http.post("/sparql", content=already, headers=headers)
    assert refused.status_code == 401
    assert 'error="invalid_token"' in refused.headers["WWW-Authenticate"]
