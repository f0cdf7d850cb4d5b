"""The SPARQL 1.1 Graph Store HTTP Protocol at ``/store``.

https://www.w3.org/TR/sparql11-http-rdf-update/

Indirect identification only: ``/store?graph=IRI`` names a named graph,
``/store?default`` the default graph (``graph`` is decoded once, by Werkzeug,
and must be an absolute IRI).

- ``GET``/``HEAD``: the graph's triples in the RDF format asked for (Turtle
  without ``Accept``); ``HEAD`` gives the same headers without the body; a graph
  with no triples is a 404.
- ``PUT``: replace the graph (``201`` when it was new, ``204`` when replaced);
  ``POST``: add to it (``201`` new, ``204`` merged), also as
  ``multipart/form-data`` (every part one RDF document); ``POST /store`` (no
  graph named) makes a new graph ``{base}graph/{uuid}`` and answers ``201`` with
  its IRI in ``Location``; ``DELETE``: remove the graph (``204``; ``404`` when it
  has no triples).
- The default graph is the union of the named graphs: it is read here, never
  written (``405``).

Every write needs a token and goes through the gate (:mod:`partnergraph.web.writes`).
Payloads are read by :mod:`partnergraph.writes.payload`: a media type it does not
know is a 415, one that does not parse a 400 with line and column.
"""

from __future__ import annotations

import uuid

import pyoxigraph as ox
from flask import Blueprint, Response, request

from partnergraph import documents
from partnergraph.errors import BadRequest, MethodNotAllowed, NotFound
from partnergraph.namespaces import Namespaces
from partnergraph.web import headers
from partnergraph.web.negotiation import negotiate
from partnergraph.web.protocol import read_bounded
from partnergraph.web.sparql import TRUNCATED
from partnergraph.web.state import state
from partnergraph.web.writes import perform, written_response
from partnergraph.writes.operations import DeleteGraph, PutGraph
from partnergraph.writes.payload import PayloadLimits, parse_graph

bp = Blueprint("graph_store", __name__)

_EXISTS = "SELECT ?s WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 1"
_NAMED = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"
_DEFAULT = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
_READ_ONLY_DEFAULT = (
    "the default graph is the union of the named graphs: it is read here, never written; "
    "write to a named graph with ?graph="
)
MULTIPART = "multipart/form-data"


@bp.route("/store", methods=["GET", "HEAD", "PUT", "POST", "DELETE"])
def store() -> Response:
    """One Graph Store Protocol request."""
    graph = _graph()
    method = request.method
    if method in ("GET", "HEAD"):
        if graph is None and "default" not in request.args:
            raise BadRequest("name a graph: /store?graph=IRI, or /store?default")
        return graph_document(graph)
    if graph is None and "default" in request.args:
        raise MethodNotAllowed(_READ_ONLY_DEFAULT, allow=("GET", "HEAD"))
    if method == "DELETE":
        return _delete(graph)
    if graph is None:
        if method != "POST":
            raise BadRequest("name a graph: /store?graph=IRI (POST /store makes a new one)")
        return _create()
    return _put_or_post(graph, replace=method == "PUT")


def _graph() -> str | None:
    names = request.args.getlist("graph")
    if "default" in request.args and names:
        raise BadRequest("give ?graph= or ?default, not both")
    if len(names) > 1:
        raise BadRequest("?graph= is given more than once; name one graph")
    if not names:
        return None
    try:
        ox.NamedNode(names[0])
    except ValueError:
        raise BadRequest(f"graph must be an absolute IRI, got {names[0]!r}") from None
    if ":" not in names[0]:
        raise BadRequest(f"graph must be an absolute IRI, got {names[0]!r}")
    return names[0]


def graph_document(graph: str | None, known: bool = False) -> Response:
    """A graph's triples (``graph`` None: the default graph) in the negotiated format
    (the ``format`` parameter, else ``Accept``; Turtle without either).

    Args:
        graph: the graph's IRI, or None for the default graph.
        known: the caller has checked that the graph exists.

    Raises:
        NotFound: the named graph has no triples.
    """
    current = state()
    ns = Namespaces(current.settings.base_iri)
    if graph is not None and not known and not graph_exists(graph):
        raise NotFound(f"there is no graph <{graph}> in this dataset")
    requested = tuple(value for value in request.args.getlist("format") if value)
    fmt = negotiate(documents.document_formats(), requested, what="a graph")
    cap = current.settings.row_cap
    if graph is None:
        triples = current.service.construct(_DEFAULT, None, cap)
    else:
        triples = current.service.construct(_NAMED, {"g": ox.NamedNode(graph)}, cap)
    context_url = request.url_root + documents.CONTEXT_PATH
    body = documents.serialize(triples, fmt, ns, context_url)
    response = Response(body, content_type=fmt.content_type)
    if len(triples) >= cap:
        response.headers[TRUNCATED] = "true"
    return headers.conditional(response, f"graph-{fmt.key}", headers.DATA)


def graph_exists(graph: str) -> bool:
    """Whether the served data has a named graph ``graph`` (with a triple)."""
    return bool(state().service.select(_EXISTS, {"g": ox.NamedNode(graph)}, 1).rows)


def _payload(graph: str) -> list[ox.Quad]:
    settings = state().settings
    limits = PayloadLimits(settings.max_write_quads, settings.max_jsonld_depth)
    target = ox.NamedNode(graph)
    if request.mimetype == MULTIPART:
        quads: list[ox.Quad] = []
        if request.form:
            names = ", ".join(sorted(request.form))
            raise BadRequest(
                f"the multipart/form-data body has parts that are not files ({names}): send "
                "each RDF document as a file part with its media type; nothing was changed"
            )
        if not request.files:
            raise BadRequest("the multipart/form-data body holds no file")
        for part in request.files.values():
            media_type = (part.mimetype or "").split(";")[0].strip()
            quads.extend(parse_graph(part.read(), media_type, target, settings.base_iri, limits))
        return quads
    body = read_bounded(request.stream, settings.max_request_bytes)
    return parse_graph(body, request.mimetype, target, settings.base_iri, limits)


def _put_or_post(graph: str, replace: bool) -> Response:
    existed = graph_exists(graph)
    written = perform(
        lambda: PutGraph(graph, _payload(graph), replace, "PUT" if replace else "POST")
    )
    return written_response(written, 204 if existed else 201)


def _create() -> Response:
    ns = Namespaces(state().settings.base_iri)
    graph = ns.named_graph(str(uuid.uuid4()))
    written = perform(lambda: PutGraph(graph, _payload(graph), False, "POST"))
    response = written_response(written, 201)
    response.headers["Location"] = graph
    return response


def _delete(graph: str | None) -> Response:
    if graph is None:
        raise BadRequest("name the graph to delete: /store?graph=IRI")

    def operation() -> DeleteGraph:  # after the token is checked
        if not graph_exists(graph):
            raise NotFound(f"there is no graph <{graph}> in this dataset")
        return DeleteGraph(graph)

    return written_response(perform(operation), 204)
