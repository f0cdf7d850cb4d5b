"""``/shapes``: the SHACL shapes in force, as Turtle or as a readable summary.

https://www.w3.org/TR/shacl/

The shapes are read once when the blueprint is registered, from ``shapes_dir``:
the same files the build validated the served graph against. ``Accept`` (or
``?format=``) chooses between the RDF formats and the HTML summary, which lists
every node shape with its targets and every property shape with its path,
constraints, severity and message.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox
from flask import Blueprint, Response, render_template, request
from rdflib import RDF, SH, Graph, URIRef
from rdflib.term import Node

from partnergraph import documents
from partnergraph.formats import by_key
from partnergraph.namespaces import Namespaces
from partnergraph.terms import to_oxigraph
from partnergraph.web import headers
from partnergraph.web.negotiation import negotiate
from partnergraph.web.state import once, state

bp = Blueprint("shapes", __name__)

#: Where the app keeps the shapes in force as pyoxigraph triples, converted once.
TRIPLES = "partnergraph.shapes.triples"

_NOT_CONSTRAINTS = {SH.path, SH.message, SH.severity, SH.property, SH.targetClass, SH.name}
_PREFIXES = {"sh": str(SH), "pgsh": "https://w3id.org/partnergraph/shapes/"}


@dataclass(frozen=True)
class Shape:
    """One shape as the summary shows it."""

    iri: str
    targets: tuple[str, ...]
    path: str | None
    constraints: tuple[tuple[str, str], ...]
    severity: str
    message: str | None
    properties: tuple[Shape, ...] = ()


def _triples() -> list[ox.Triple]:
    """The shapes the snapshot was validated against, as triples for the RDF formats."""
    return [
        ox.Triple(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o))  # type: ignore[arg-type]
        for s, p, o in state().shapes
    ]


@bp.get("/shapes")
def shapes() -> Response:
    """The shapes in force: RDF for machines, a summary for people."""
    graph = state().shapes
    page = by_key("html")
    candidates = [*documents.document_formats(), *([page] if page else [])]
    requested = tuple(v for v in request.args.getlist("format") if v)
    fmt = negotiate(candidates, requested, what="the shapes")
    ns = Namespaces(state().settings.base_iri)
    if fmt is page:
        body = render_template(
            "pages/shapes.html", shapes=summary(graph), language=headers.language(), ns=ns
        )
        response = headers.secure_page(Response(body, content_type=fmt.content_type))
        vary: tuple[str, ...] = ("Accept", "Accept-Language")
    else:
        triples = once(TRIPLES, _triples)
        context_url = request.url_root + documents.CONTEXT_PATH
        response = Response(
            documents.serialize(triples, fmt, ns, context_url, extra=_PREFIXES),
            content_type=fmt.content_type,
        )
        vary = ("Accept",)
    return headers.conditional(
        response, f"shapes-{fmt.key}-{headers.language()}", headers.DATA, vary
    )


def summary(graph: Graph) -> list[Shape]:
    """Every node shape with its property shapes, sorted by IRI."""
    node_shapes = sorted(set(graph.subjects(RDF.type, SH.NodeShape)), key=str)
    return [_shape(graph, s, with_properties=True) for s in node_shapes]


def _shape(graph: Graph, node: Node, with_properties: bool = False) -> Shape:
    constraints = tuple(
        sorted(
            (_short(p), _short(o))
            for p, o in graph.predicate_objects(node)
            if str(p).startswith(str(SH)) and p not in _NOT_CONSTRAINTS and p != RDF.type
        )
    )
    path = graph.value(node, SH.path)
    severity = graph.value(node, SH.severity)
    message = graph.value(node, SH.message)
    for constraint in graph.objects(node, SH.sparql):
        message = message or graph.value(constraint, SH.message)
    properties = (
        tuple(_shape(graph, p) for p in sorted(graph.objects(node, SH.property), key=str))
        if with_properties
        else ()
    )
    return Shape(
        str(node),
        tuple(sorted(_short(t) for t in graph.objects(node, SH.targetClass))),
        _short(path) if path is not None else None,
        constraints,
        _short(severity) if severity is not None else "",
        str(message) if message is not None else None,
        properties,
    )


def _short(term: Node) -> str:
    """A compact IRI where a prefix of the shapes files fits (they spell the default
    base out: shapes are not rebased)."""
    text = str(term)
    if isinstance(term, URIRef):
        for prefix, namespace in _SHAPES_PREFIXES.items():
            if text.startswith(namespace):
                return f"{prefix}:{text[len(namespace) :]}"
    return text


_SHAPES_PREFIXES = {
    **_PREFIXES,
    **Namespaces("https://w3id.org/partnergraph/").prefixes(),
}
