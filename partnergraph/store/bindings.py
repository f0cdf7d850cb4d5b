"""Values bound to a query's variables, written as a ``VALUES`` block.

https://www.w3.org/TR/sparql11-query/#inline-data

pyoxigraph's ``substitutions`` accept only variables of the ``SELECT``
projection and leave ``BOUND(?x)`` false for a substituted ``?x``, and a remote
endpoint has no binding API at all, so the Oxigraph and remote backends bind
values the way SPARQL itself offers: an inline ``VALUES`` block at the start of
the outermost group. The terms are written by pyoxigraph (N-Triples syntax,
escaped), never pasted from a request, so a value can neither end the block nor
change the query around it. (rdflib binds through ``initBindings``; the store
suite checks that every backend answers alike.)

Oxigraph joins such a block to the group without pushing it into the branches
of a ``UNION``, so a query of unions runs over every resource before the join (a
municipality page's contacts: 6.6 s instead of 54 ms at 100 000 triples). For
Oxigraph the group is therefore made the right side of a ``LATERAL`` join
(https://github.com/w3c/sparql-dev/blob/main/SEP/SEP-0006/sep-0006.md, which
Oxigraph implements): it is evaluated once per row of values, with the values
bound, as if they were written in its place.
"""

from __future__ import annotations

from partnergraph.errors import BadRequest
from partnergraph.store.base import Term
from partnergraph.store.lexer import where_group_span


def with_values(query: str, bindings: tuple[tuple[str, Term], ...], lateral: bool = False) -> str:
    """``query`` with ``bindings`` as a ``VALUES`` block opening its outermost group.

    Joined at the start of the group, the values are in scope for its
    patterns, filters and projection (not inside a sub-select, whose variables
    are its own).

    Args:
        query: the query.
        bindings: (variable name, term) pairs.
        lateral: make the rest of the group the right side of ``LATERAL`` (an
            engine that implements SEP-0006 then evaluates it with the values bound).

    Raises:
        BadRequest: the query has no group to bind values in.
    """
    if not bindings:
        return query
    span = where_group_span(query)
    if span is None:
        raise BadRequest("this query has no WHERE group to bind parameters in")
    start, end = span
    names = " ".join(f"?{name}" for name, _ in bindings)
    values = " ".join(str(term) for _, term in bindings)
    block = f" VALUES ({names}) {{ ({values}) }} "
    if lateral:
        return f"{query[:start]}{block}LATERAL {{ {query[start:end]} }} {query[end:]}"
    return f"{query[:start]}{block}{query[start:]}"
