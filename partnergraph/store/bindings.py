"""Values bound to a query's variables, written as a ``VALUES`` block.

https://www.w3.org/TR/sparql11-query/#inline-data

pyoxigraph's ``substitutions`` accept only variables of the ``SELECT``
projection, and a remote endpoint has no binding API at all, so the Oxigraph
and remote backends bind values the way SPARQL itself offers: an inline
``VALUES`` block at the start of the outermost group. The terms are written by
pyoxigraph (N-Triples syntax, escaped), never pasted from a request, so a value
can neither end the block nor change the query around it. (rdflib binds through
``initBindings``; the store suite checks that every backend answers alike.)
"""

from __future__ import annotations

from partnergraph.errors import BadRequest
from partnergraph.store.base import Term
from partnergraph.store.lexer import where_group_start


def with_values(query: str, bindings: tuple[tuple[str, Term], ...]) -> str:
    """``query`` with ``bindings`` as a ``VALUES`` block opening its outermost group.

    Joined at the start of the group, the values are in scope for its
    patterns, filters and projection (not inside a sub-select, whose variables
    are its own).

    Raises:
        BadRequest: the query has no group to bind values in.
    """
    if not bindings:
        return query
    start = where_group_start(query)
    if start is None:
        raise BadRequest("this query has no WHERE group to bind parameters in")
    names = " ".join(f"?{name}" for name, _ in bindings)
    values = " ".join(str(term) for _, term in bindings)
    return f"{query[:start]} VALUES ({names}) {{ ({values}) }} {query[start:]}"
