"""Values bound to a query's variables: a ``VALUES`` block, ``BIND`` clauses, or constants.

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

A remote engine has no ``LATERAL`` (SEP-0006 is not SPARQL 1.1), and Oxigraph
server joins a ``VALUES`` block as late as the embedded store does (a
municipality's page: 360 ms at 100 000 triples). :func:`with_constants` writes
the term itself in place of the variable instead, where that gives the same
solutions: when every occurrence of the variable is in a triple pattern of the
outermost group, of a group, a ``UNION`` branch or a ``GRAPH`` block within it
(not in ``OPTIONAL``, ``MINUS``, ``EXISTS``, ``SERVICE``, a sub-select, an
expression, a ``VALUES`` block or the clauses around the group). The join of a
one-row ``VALUES`` block with such a group distributes over its joins, unions and
graphs down to the triple patterns, where binding the variable and writing the
term are the same. A variable anywhere else, or bound to a literal (which
cannot be written where a subject is), keeps its ``VALUES`` block. The IRI is
written by pyoxigraph (``<…>``, escaped), so it stays one term.
"""

from __future__ import annotations

from pyoxigraph import NamedNode

from partnergraph.errors import BadRequest
from partnergraph.store.base import Term
from partnergraph.store.lexer import CLOSERS, OPENERS, Token, TokenKind, tokens, where_group_span

#: Keywords whose group does not distribute a join of the values over its patterns.
_OPAQUE = frozenset({"OPTIONAL", "MINUS", "EXISTS", "SERVICE", "VALUES", "SELECT"})


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


def with_constants(query: str, bindings: tuple[tuple[str, Term], ...]) -> str:
    """``query`` with each bound variable written as its term where that answers the
    same solutions (see the module's text), and a ``VALUES`` block for the others.

    Args:
        query: the query.
        bindings: (variable name, term) pairs.

    Raises:
        BadRequest: the query has no group to bind values in.
    """
    if not bindings:
        return query
    span = where_group_span(query)
    if span is None:
        raise BadRequest("this query has no WHERE group to bind parameters in")
    terms = dict(bindings)
    places: dict[str, list[Token]] = {name: [] for name in terms}
    unsafe: set[str] = set()
    for token, safe in _variables(query, span):
        name = token.text[1:]
        if name in terms:
            places[name].append(token)
            if not safe or not isinstance(terms[name], NamedNode):  # a literal subject is no term
                unsafe.add(name)
    written = sorted(
        (token.start, len(token.text), str(terms[name]))
        for name, found in places.items()
        if name not in unsafe
        for token in found
    )
    for start, length, term in reversed(written):
        query = query[:start] + term + query[start + length :]
    return with_values(query, tuple((name, term) for name, term in bindings if name in unsafe))


def _variables(query: str, span: tuple[int, int]) -> list[tuple[Token, bool]]:
    """Every variable of ``query``, and whether it stands in a triple pattern that a
    join of values distributes to (inside ``span``, the outermost group's body)."""
    found: list[tuple[Token, bool]] = []
    stack: list[bool] = []  # per open bracket: whether what it holds is distributable
    previous = ""
    for token in tokens(query):
        inside = span[0] <= token.start < span[1]
        if token.kind is TokenKind.PUNCT and token.text in OPENERS:
            if token.start == span[0] - 1:  # the outermost group itself
                stack.append(True)
            else:
                clear = bool(stack) and stack[-1] and token.text == "{" and inside
                stack.append(clear and previous not in _OPAQUE)
        elif token.kind is TokenKind.PUNCT and token.text in CLOSERS:
            if stack:
                stack.pop()
        elif token.kind is TokenKind.VAR:
            found.append((token, inside and (not stack or stack[-1])))
        if token.keyword == "SELECT" and inside:
            stack[-1:] = [False] * len(stack[-1:])  # a sub-select: its variables are its own
        previous = token.keyword or previous if token.kind is TokenKind.WORD else ""
    return found


def with_binds(query: str, bindings: tuple[tuple[str, Term], ...]) -> str:
    """``query`` with ``bindings`` as ``BIND`` clauses opening its outermost group.

    The same solutions as a one-row ``VALUES`` block there (the join of one
    solution with the group); for an engine that plans a ``VALUES`` block worse
    (Virtuoso estimates a join with one as costly enough to refuse the query).

    Raises:
        BadRequest: the query has no group to bind values in.
    """
    if not bindings:
        return query
    span = where_group_span(query)
    if span is None:
        raise BadRequest("this query has no WHERE group to bind parameters in")
    start = span[0]
    block = " ".join(f"BIND ({term} AS ?{name})" for name, term in bindings)
    return f"{query[:start]} {block} {query[start:]}"
