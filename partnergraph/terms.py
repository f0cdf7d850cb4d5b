"""Converting RDF terms between rdflib and pyoxigraph (one place, both directions)."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node


def to_oxigraph(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """An rdflib term as a pyoxigraph term.

    Raises:
        TypeError: for terms that are not IRIs, blank nodes or literals.
    """
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"cannot convert {term!r} to a pyoxigraph term")


def to_rdflib(term: object) -> Node:
    """A pyoxigraph term as an rdflib term.

    Raises:
        TypeError: for terms that are not IRIs, blank nodes or literals.
    """
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == "http://www.w3.org/2001/XMLSchema#string":
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    raise TypeError(f"cannot convert {term!r} to an rdflib term")


def rdflib_graph(quads: Iterable[ox.Quad]) -> Graph:
    """The union of quads as one rdflib graph (graph names dropped)."""
    graph = Graph()
    for quad in quads:
        graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    return graph


def nt(term: object) -> str:
    """A term from rdflib or pyoxigraph in N-Triples syntax, the same for both."""
    if isinstance(term, Node):
        return str(to_oxigraph(term))
    return str(term)
