"""What a remote engine does differently from SPARQL 1.1, corrected at the boundary.

https://www.w3.org/TR/sparql11-protocol/ and
https://www.w3.org/TR/sparql11-results-json/

The ``remote`` backend speaks the protocol to any endpoint (:data:`STANDARD`); an
engine known to deviate gets a dialect that asks it for the formats it writes
correctly, adds the pragmas that give the standard semantics, repairs what it
writes and translates its refusals; it also sets the engine's own time limit on
each request where the engine has a parameter for it, and recognises the answer
of a query the engine's time limit stopped (partial, so never passed on). The
engine is recognised by the ``Server`` header of its answers (:func:`dialect_of`).
``docs/engines.md`` lists every deviation and the test that shows it.

Warning:
    The repairs work on untrusted bytes; they only rewrite fixed tokens of the
    engine's own serialisation, and pyoxigraph then parses the result.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from typing import ClassVar

import httpx

from partnergraph.errors import PartnergraphError, QueryTimeout, StoreUnavailable
from partnergraph.store.base import QueryForm, QuerySyntaxError, Term
from partnergraph.store.bindings import with_binds, with_constants
from partnergraph.store.lexer import CLOSERS, OPENERS, TokenKind, tokens

#: A graph that no store holds: an empty part of a dataset.
NO_GRAPH = "urn:partnergraph:no-graph"
_GRAPHS = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.8"
_PLACES = (
    re.compile(r"error at (\d+):(\d+)"),
    re.compile(r"line:?\s*(\d+),?\s*col(?:umn)?:?\s*(\d+)", re.IGNORECASE),
)


class Dialect:
    """A SPARQL 1.1 endpoint that follows the standard: nothing to correct."""

    name = "SPARQL 1.1"
    accept: ClassVar[Mapping[QueryForm, str]] = {
        QueryForm.SELECT: "text/tab-separated-values, application/sparql-results+json;q=0.9, "
        "application/sparql-results+xml;q=0.8",
        QueryForm.ASK: "application/sparql-results+json, application/sparql-results+xml;q=0.9",
        QueryForm.CONSTRUCT: _GRAPHS,
        QueryForm.DESCRIBE: _GRAPHS,
    }

    def probed(self, ask: Callable[[str], bool | None]) -> Dialect:
        """This dialect, made exact for one engine by asking it what it has.

        Args:
            ask: sends an ``ASK`` query as written (no prologue) and gives its answer,
                or None when the engine did not answer it.
        """
        return self

    def prologue(self, form: QueryForm, dataset_named: bool) -> str:
        """Lines written before the query (each ending in a newline).

        Args:
            form: the query's form.
            dataset_named: the request or the query names its dataset.
        """
        return ""

    def dataset(
        self, defaults: tuple[str, ...], named: tuple[str, ...]
    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The ``default-graph-uri`` and ``named-graph-uri`` values to send."""
        return defaults, named

    def bind(self, query: str, bindings: tuple[tuple[str, Term], ...]) -> str:
        """``query`` with ``bindings`` written in: IRIs as constants where that answers
        the same, else a ``VALUES`` block (:func:`~partnergraph.store.bindings.with_constants`)."""
        return with_constants(query, bindings)

    def query_text(self, text: str, dataset_named: bool) -> str:
        """The query as sent, when the dataset is sent as protocol parameters or not."""
        return text

    def repair(self, data: bytes, media_type: str) -> bytes:
        """The response body with what the engine writes wrongly written right."""
        return data

    def cut_by_engine(self, headers: httpx.Headers) -> bool:
        """The engine says that a cap of its own cut the result."""
        return False

    def limit_parameters(self, timeout: float) -> dict[str, str]:
        """Request parameters of the engine's own that stop the query on the engine
        after ``timeout`` seconds. SPARQL 1.1 has none: the engine's configuration
        must set its time limit (``docs/engines.md``, "Time limits on the engine")."""
        return {}

    def stopped_by_engine(self, headers: httpx.Headers, ending: bytes) -> str | None:
        """The engine's words when its own time limit stopped the query, else None.

        Whatever the engine answered alongside them is partial and must not be
        passed on as the result.

        Args:
            headers: the response's headers.
            ending: the last bytes of the response body.
        """
        return None

    def refusal(self, status: int, message: str, query: str, lines_added: int) -> PartnergraphError:
        """The error for a response of ``status`` (not 200) saying ``message``.

        Args:
            status: the HTTP status.
            message: the start of the response body.
            query: the query the client sent (without the lines added here).
            lines_added: how many lines were written before ``query``.
        """
        if status == 400:
            return _placed(" ".join(message.split()), lines_added)
        reason = httpx.codes.get_reason_phrase(status)
        return StoreUnavailable(f"the remote endpoint answered {status} {reason}".rstrip())


def _placed(detail: str, lines_added: int) -> QuerySyntaxError:
    """A syntax error with the line and column the message gives, if it gives them."""
    detail = detail or "the remote endpoint refused the query"
    for pattern in _PLACES:
        match = pattern.search(detail)
        if match is not None:
            line, column = max(1, int(match.group(1)) - lines_added), int(match.group(2))
            if match.start() == 0:  # "error at 3:7: expected …": keep the reason
                detail = detail[match.end() :].lstrip(": ") or detail
            return QuerySyntaxError(detail, line, column)
    return QuerySyntaxError(detail)


class OxigraphServer(Dialect):
    """Oxigraph server (``Server: Oxigraph/…``)."""

    name = "Oxigraph server"
    CANCELLED = b"The SPARQL operation has been cancelled"

    def stopped_by_engine(self, headers: httpx.Headers, ending: bytes) -> str | None:
        """Past its ``--timeout-s`` it writes ``The SPARQL operation has been cancelled``
        at the end of the body: after the results written so far, with the status 200
        already sent (a 500 with those words only, when nothing was written yet)."""
        return self.CANCELLED.decode() if ending.rstrip().endswith(self.CANCELLED) else None


class Virtuoso(Dialect):
    """Virtuoso Open Source 7 (``Server: Virtuoso/07…``).

    Args:
        grouped: the engine has the graph group :data:`OWN_GRAPHS` of its
            :data:`SYSTEM_GRAPHS` (:meth:`probed` finds out), so one pragma leaves them
            out of the default graph; otherwise a pragma per graph does.
    """

    name = "Virtuoso"
    #: Graphs a new Virtuoso database holds for itself, in every default graph.
    SYSTEM_GRAPHS = (
        "http://www.openlinksw.com/schemas/virtrdf#",
        "http://www.w3.org/ns/ldp#",
        "http://localuriqaserver/sparql",
    )
    #: The graph group of :data:`SYSTEM_GRAPHS` (``docs/engines.md`` says how to make it).
    OWN_GRAPHS = "urn:partnergraph:virtuoso-own-graphs"
    #: A triple of each system graph, as patterns: ``ASK`` finds none once they are left out.
    _MARKERS = (
        "{ ?s a <http://www.openlinksw.com/schemas/virtrdf#QuadMap> }",
        "{ <http://localuriqaserver/sparql> a ?type }",
        "{ ?container <http://www.w3.org/2000/01/rdf-schema#subClassOf> "
        "<http://www.w2.org/ns/ldp#Container> }",
    )
    # Its TSV quotes IRIs and literals alike and drops language tags and datatypes.
    accept: ClassVar[Mapping[QueryForm, str]] = {
        **Dialect.accept,
        QueryForm.SELECT: "application/sparql-results+json, application/sparql-results+xml;q=0.9",
    }
    _BNODE = re.compile(rb'(<bnode>|"type": "bnode", "value": ")nodeID://')
    _STAR_FAKE = re.compile(rb'"_star_fake"(: \{[^{}]*\})?')
    _SYNTAX = re.compile(r"line (\d+): (syntax error at '([^']*)'.*)")
    #: SQL states of a query its time limit stopped: partial answer, time out.
    _STOPPED_STATES = ("S1TAT", "S1T00")
    _STOPPED = re.compile(r"Virtuoso (S1TAT|S1T00) Error ([^\n]*)")

    def __init__(self, grouped: bool = False) -> None:
        self.grouped = grouped

    def probed(self, ask: Callable[[str], bool | None]) -> Virtuoso:
        """Grouped when the engine has :data:`OWN_GRAPHS` holding every system graph:
        a triple of each is found without the exclusion and none with it. Two or more
        ``input:default-graph-exclude`` pragmas make Virtuoso fail to plan some valid
        queries (``SQ200: Stack Overflow``); one naming the group does not."""
        every = ask("ASK { " + " ".join(self._MARKERS) + " }")
        any_left = "ASK { " + " UNION ".join(self._MARKERS) + " }"
        left = ask(f"define input:default-graph-exclude <{self.OWN_GRAPHS}> {any_left}")
        return Virtuoso(grouped=every is True and left is False)

    def prologue(self, form: QueryForm, dataset_named: bool) -> str:
        """Pragmas: leave out Virtuoso's own graphs when the query names no dataset
        (by their group when the engine has it); ``DESCRIBE`` as the concise bounded
        description (its default adds the triples that point at the resource and
        leaves blank nodes open)."""
        defines = []
        if not dataset_named:
            left_out = (self.OWN_GRAPHS,) if self.grouped else self.SYSTEM_GRAPHS
            defines += [f"define input:default-graph-exclude <{g}>" for g in left_out]
            defines += [f"define input:named-graph-exclude <{g}>" for g in self.SYSTEM_GRAPHS]
        if form is QueryForm.DESCRIBE:
            defines.append('define sql:describe-mode "CBD"')
        return " ".join(defines) + "\n" if defines else ""

    def dataset(
        self, defaults: tuple[str, ...], named: tuple[str, ...]
    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """A dataset that names one kind of graph only gets an empty graph of the
        other kind: Virtuoso fills a kind not named with every graph it has."""
        if defaults and not named:
            return defaults, (NO_GRAPH,)
        if named and not defaults:
            return (NO_GRAPH,), named
        return defaults, named

    def bind(self, query: str, bindings: tuple[tuple[str, Term], ...]) -> str:
        """``BIND`` clauses opening the group: Virtuoso plans IRIs written as constants
        slower (a municipality's page: 300 ms against 220 ms at 100 000 triples) and
        estimates a ``VALUES`` join so costly that it refuses some named queries."""
        return with_binds(query, bindings)

    def query_text(self, text: str, dataset_named: bool) -> str:
        """Without ``FROM`` clauses when the dataset is sent as parameters (they
        name the same graphs, or the protocol's win): Virtuoso merges the two."""
        return without_from(text) if dataset_named else text

    def repair(self, data: bytes, media_type: str) -> bytes:
        """Blank nodes without Virtuoso's ``nodeID://`` (not a blank node label);
        ``SELECT *`` over no variable without its ``_star_fake`` variable."""
        data = self._BNODE.sub(rb"\1", data)
        if b'"_star_fake"' in data and media_type == "application/sparql-results+json":
            data = self._STAR_FAKE.sub(b"", data)
        return data

    def cut_by_engine(self, headers: httpx.Headers) -> bool:
        """Its ``ResultSetMaxRows`` cut a ``SELECT``: ``X-SPARQL-MaxRows`` says so."""
        return "x-sparql-maxrows" in headers

    def limit_parameters(self, timeout: float) -> dict[str, str]:
        """``timeout`` in milliseconds (Virtuoso's "anytime query"): it stops the query
        at its next check past it (measured: 2 s for 1 s, 4 s for 2.5 s), or at
        ``MaxQueryExecutionTime`` when that is shorter."""
        return {"timeout": str(max(1, math.ceil(timeout * 1000)))}

    def stopped_by_engine(self, headers: httpx.Headers, ending: bytes) -> str | None:
        """Past the ``timeout`` parameter it answers what it has so far: a 200 with
        ``X-SQL-State: S1TAT`` (no solution, ``false`` or a graph of its own when it had
        none yet), or a 500 with the solutions found so far and ``Virtuoso S1TAT Error``
        at the end. Past ``MaxQueryExecutionTime`` without the parameter: a 500,
        ``Virtuoso S1T00 Error SR171: Transaction timed out``."""
        state = headers.get("x-sql-state", "")
        if state in self._STOPPED_STATES:
            return f"Virtuoso {state}: {_without_activity(headers.get('x-sql-message', ''))}"
        match = self._STOPPED.search(ending.decode("utf-8", errors="replace"))
        if match is not None:
            return f"Virtuoso {match.group(1)}: {_without_activity(match.group(2))}"
        return None

    def refusal(self, status: int, message: str, query: str, lines_added: int) -> PartnergraphError:
        """Syntax errors placed (Virtuoso gives the line and the token, not the column);
        its refusal of a query estimated to take too long is a timeout."""
        detail = " ".join(message.split("SPARQL query:", maxsplit=1)[0].split())
        if "exceeds the limit" in detail:
            return QueryTimeout(f"the remote endpoint refused the query: {detail}")
        if status == 400:
            match = self._SYNTAX.search(detail)
            if match is None:
                return _placed(detail, lines_added)
            line = max(1, int(match.group(1)) - lines_added)
            lines = query.split("\n")
            found = lines[line - 1].find(match.group(3)) if line <= len(lines) else -1
            return QuerySyntaxError(match.group(2), line, found + 1 if found >= 0 else None)
        return StoreUnavailable(f"the remote endpoint answered {status}: {detail[:300]}")


def _without_activity(message: str) -> str:
    """Virtuoso's message without its ``RC...:`` prefix and its ``Activity:`` figures."""
    return message.split("Activity:", maxsplit=1)[0].removeprefix("RC...:").strip()


def without_from(text: str) -> str:
    """``text`` with its ``FROM`` and ``FROM NAMED`` clauses blanked out (spaces, so
    that lines and columns stay where they were)."""
    spans: list[tuple[int, int]] = []
    depth, start = 0, -1
    for token in tokens(text):
        if token.kind is TokenKind.PUNCT:
            depth += int(token.text in OPENERS) - int(token.text in CLOSERS)
        if token.keyword == "FROM" and depth == 0:
            start = token.start
        elif start >= 0 and token.keyword != "NAMED":
            if token.kind in (TokenKind.IRI, TokenKind.PNAME):
                spans.append((start, token.start + len(token.text)))
            start = -1
    for begin, end in reversed(spans):
        text = text[:begin] + " " * (end - begin) + text[end:]
    return text


STANDARD = Dialect()
OXIGRAPH_SERVER = OxigraphServer()
VIRTUOSO = Virtuoso()


def dialect_of(headers: httpx.Headers) -> Dialect:
    """The dialect of the engine that sent ``headers``."""
    server = headers.get("server", "")
    if server.startswith("Virtuoso/"):
        return VIRTUOSO
    if server.startswith("Oxigraph/"):
        return OXIGRAPH_SERVER
    return STANDARD
