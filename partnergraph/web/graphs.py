"""Named graphs answer at their IRIs: ``/graph/{name}``.

https://www.w3.org/TR/rdf11-concepts/#section-dataset

Every fact lives in the named graph of its source (``{base}graph/{slug}``, see
docs/model.md), and those IRIs appear where people click: the graph column of a
query's answer, the pages of the API. A named graph is a document, so its IRI
answers ``200`` with the graph's triples in the RDF format asked for (Turtle when
nothing is asked). A browser that asks for HTML is sent (``303 See Other``) to the
page of what the graph is about: the source document ``{base}id/source/{slug}``
whose facts it holds, or the vocabulary; a graph with no such page (the derived
graph) answers its triples.

Warning:
    The name comes from the request: only a plain slug makes an IRI, and the IRI
    is bound to the queries as a term, never pasted into their text.
"""

from __future__ import annotations

import re

import pyoxigraph as ox
from flask import Blueprint, Response, request

from partnergraph import documents
from partnergraph.errors import NotFound
from partnergraph.formats import by_key
from partnergraph.namespaces import Namespaces
from partnergraph.web import headers
from partnergraph.web.graph_store import graph_document, graph_exists
from partnergraph.web.negotiation import negotiate
from partnergraph.web.state import state

bp = Blueprint("graphs", __name__)

_SLUG = re.compile(r"[a-z0-9][a-z0-9_-]*")
_DESCRIBED = "SELECT ?p WHERE { ?source ?p ?o } LIMIT 1"


@bp.get("/graph/<name>")
def named_graph(name: str) -> Response:
    """A named graph: its triples, or (HTML) a 303 to the page of its source."""
    current = state()
    ns = Namespaces(current.settings.base_iri)
    graph = ox.NamedNode(ns.named_graph(name)) if _SLUG.fullmatch(name) else None
    if graph is None or not graph_exists(graph.value):
        raise NotFound(f"there is no named graph {request.path!r} in this dataset")
    page = _page_of(name, ns)
    html = by_key("html")
    candidates = [*documents.document_formats(), *([html] if page and html else [])]
    requested = tuple(value for value in request.args.getlist("format") if value)
    fmt = negotiate(candidates, requested, what="a named graph")
    if fmt.key == "html" and page:
        response = Response(status=303, headers={"Location": request.script_root + page})
        response.headers["Cache-Control"] = headers.REDIRECT
        response.vary.add("Accept")
        return response
    return graph_document(graph.value, known=True)


def _page_of(name: str, ns: Namespaces) -> str | None:
    """The path of the page about what graph ``name`` holds, if there is one."""
    if ns.named_graph(name) == ns.named_graph("vocabulary"):
        return "/doc/def"
    source = ox.NamedNode(ns.id + "source/" + name)
    if state().service.select(_DESCRIBED, {"source": source}, 1).rows:
        return f"/doc/source/{name}"
    return None
