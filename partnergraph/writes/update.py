"""A SPARQL 1.1 Update request, checked and made ready for the candidate store.

https://www.w3.org/TR/sparql11-update/ and
https://www.w3.org/TR/sparql11-protocol/#update-operation

Before anything runs:

- ``LOAD`` (it reads the network or files) and ``SERVICE`` are refused, found by
  the lexer so that the words in strings, IRIs and names do not count;
- Oxigraph parses the update (its message names line and column);
- the operations are read (rdflib's algebra) to know which named graphs the
  update can change, so that only those are compared after it ran; an operation
  that writes the default graph is refused: the default graph is the union of
  the named graphs, and every fact belongs in the named graph of its source;
- ``using-graph-uri`` and ``using-named-graph-uri`` become ``USING`` and
  ``USING NAMED`` clauses of each ``DELETE``/``INSERT … WHERE`` operation, and are
  an error with an operation that has its own ``USING``, ``USING NAMED`` or
  ``WITH`` (the protocol, §2.2.3).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
from rdflib.term import URIRef, Variable

from partnergraph.errors import BadRequest, PayloadTooLarge, QueryRejected
from partnergraph.store.lexer import find_keyword, position
from partnergraph.writes import update_text

_DEFAULT_REFUSED = (
    "the default graph is the union of the named graphs and cannot be written: every "
    "fact belongs in the named graph of its source (write inside GRAPH <…> { … }, or "
    "with WITH <…>)"
)


@dataclass(frozen=True)
class UpdateRequest:
    """An update as the protocol carries it.

    Attributes:
        text: the update.
        using_graph_uris: the ``using-graph-uri`` parameters, in order.
        using_named_graph_uris: the ``using-named-graph-uri`` parameters, in order.
    """

    text: str
    using_graph_uris: tuple[str, ...] = ()
    using_named_graph_uris: tuple[str, ...] = ()


@dataclass(frozen=True)
class Piece:
    """One operation of an update, ready to run alone.

    Attributes:
        text: the prologue in force and the operation (with the protocol's dataset).
        graphs: the named graphs it can change, or None when it can change any.
    """

    text: str
    graphs: frozenset[str] | None


@dataclass(frozen=True)
class PreparedUpdate:
    """An update ready to run on the candidate, operation by operation.

    Attributes:
        pieces: its operations, in order.
        request: the update as the client sent it.
    """

    pieces: tuple[Piece, ...]
    request: UpdateRequest

    @property
    def graphs(self) -> frozenset[str] | None:
        """The named graphs the update can change, or None when it can change any."""
        found: set[str] = set()
        for piece in self.pieces:
            if piece.graphs is None:
                return None
            found |= piece.graphs
        return frozenset(found)


#: The largest operation (other than INSERT DATA / DELETE DATA) read to know which
#: graphs it changes: rdflib's reading of an update grows fast with its length.
MAX_ANALYSED_CHARACTERS = 20_000


def prepare(request: UpdateRequest, base_iri: str) -> PreparedUpdate:
    """Check an update and work out what each of its operations can change.

    Args:
        request: the update and its protocol dataset.
        base_iri: the base of relative IRIs in the update.

    Returns:
        The update ready to run.

    Raises:
        QueryRejected: ``LOAD`` or ``SERVICE``.
        BadRequest: a syntax error, an operation that writes the default graph, or
            the protocol's dataset with an operation that names its own.
        PayloadTooLarge: a DELETE/INSERT … WHERE operation too long to analyse.
    """
    text = request.text
    if not text.strip():
        raise BadRequest("the update is empty")
    for word, why in (
        (
            "LOAD",
            "a write never reads the network or files; send the data itself "
            "(INSERT DATA, or PUT/POST to /store)",
        ),
        ("SERVICE", "a write never queries another endpoint"),
    ):
        token = find_keyword(text, frozenset({word}))
        if token is not None:
            line, column = position(text, token.start)
            raise QueryRejected(f"{word} is not accepted (line {line}, column {column}): {why}")
    for iri in (*request.using_graph_uris, *request.using_named_graph_uris):
        _absolute(iri)
    _syntax(text, base_iri)
    pieces = tuple(_piece(op, base_iri, request) for op in update_text.operations(text))
    return PreparedUpdate(pieces, request)


def _absolute(iri: str) -> None:
    try:
        ox.NamedNode(iri)
    except ValueError:
        raise BadRequest(
            f"using-graph-uri and using-named-graph-uri take IRIs, not {iri!r}"
        ) from None


def _piece(op: update_text.OperationText, base_iri: str, request: UpdateRequest) -> Piece:
    if op.data is not None:
        graphs = _data_graphs(op, base_iri)
        if graphs is not None:
            return Piece(op.text, graphs)
    if len(op.body) > MAX_ANALYSED_CHARACTERS:
        raise PayloadTooLarge(
            f"an update operation other than INSERT DATA or DELETE DATA may be at most "
            f"{MAX_ANALYSED_CHARACTERS} characters; send data with INSERT DATA or the Graph "
            "Store Protocol"
        )
    operations = _operations(op.text, base_iri)
    graphs = _graphs(operations)
    if graphs is not None and update_text.uncertain_iris(op.text):
        graphs = None  # compare every graph rather than trust rdflib's reading of an IRI
    run = op.text
    if request.using_graph_uris or request.using_named_graph_uris:
        run = _with_using(run, operations, request)
    return Piece(run, graphs)


def _data_graphs(op: update_text.OperationText, base_iri: str) -> frozenset[str] | None:
    """The graphs of INSERT DATA / DELETE DATA, read by Oxigraph's TriG parser (fast on
    any size); None when its quad data is not also TriG (triples without a final ``.``).

    Raises:
        BadRequest: quad data in the default graph.
    """
    try:
        quads = ox.parse(f"{op.prologue}\n{op.data}", format=ox.RdfFormat.TRIG, base_iri=base_iri)
        names = {q.graph_name for q in quads}
    except SyntaxError:
        return None
    if any(isinstance(name, ox.DefaultGraph) for name in names):
        raise BadRequest(_DEFAULT_REFUSED)
    return frozenset(name.value for name in names if isinstance(name, ox.NamedNode))


def _syntax(text: str, base_iri: str) -> None:
    """Let Oxigraph parse the update (run on an empty store: nothing to change)."""
    try:
        ox.Store().update(text, base_iri=base_iri)
    except SyntaxError as exc:
        raise BadRequest(f"the update does not parse: {exc}") from None
    except (OSError, ValueError, RuntimeError):
        pass  # it parsed; what it does is decided on the candidate


def _operations(text: str, base_iri: str) -> list[Any]:
    from rdflib.plugins.sparql.algebra import translateUpdate
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        parsed = parseUpdate(text)
        if not parsed.request:  # comments or a prologue only: no operation
            return []
        return list(translateUpdate(parsed, base=base_iri).algebra)
    except Exception as exc:  # rdflib raises pyparsing's and its own errors
        raise BadRequest(f"the update could not be read: {exc}") from None


def _part(op: Any, name: str) -> Any:
    """A part of an rdflib algebra node, or None (its ``get`` answers a missing part
    with the part's name)."""
    return op[name] if name in op else None  # noqa: SIM401 - get(name, x): x is not a default


def _graphs(operations: list[Any]) -> frozenset[str] | None:
    """The named graphs the operations can change; None when any.

    Raises:
        BadRequest: an operation writes or clears the default graph.
    """
    found: set[str] = set()
    any_graph = False
    for op in operations:
        name = op.name
        if name in ("InsertData", "DeleteData", "DeleteWhere"):
            any_graph |= _templates(op, None, found)
        elif name == "Modify":
            target = _part(op, "withClause")
            for clause in (_part(op, "delete"), _part(op, "insert")):
                if clause is not None:
                    any_graph |= _templates(clause, target, found)
        elif name in ("Clear", "Drop"):
            iri = _part(op, "graphiri")
            if iri == "DEFAULT":
                raise BadRequest(f"{name.upper()} DEFAULT: {_DEFAULT_REFUSED}")
            if iri in ("NAMED", "ALL"):
                any_graph = True
            else:
                found.add(str(iri))
        elif name in ("Add", "Copy", "Move"):
            source, target = _part(op, "graph")
            if target == "DEFAULT" or (name == "Move" and source == "DEFAULT"):
                raise BadRequest(f"{name.upper()} … DEFAULT: {_DEFAULT_REFUSED}")
            found.add(str(target))
            if name == "Move":
                found.add(str(source))
        elif name != "Create":
            raise BadRequest(f"the update operation {name} is not accepted")
    return None if any_graph else frozenset(found)


def _templates(clause: Any, target: Any, found: set[str]) -> bool:
    """Add the graphs of a quad template to ``found``; True when a graph is a variable."""
    if _part(clause, "triples"):
        if target is None:
            raise BadRequest(_DEFAULT_REFUSED)
        found.add(str(target))
    any_graph = False
    for graph in _part(clause, "quads") or {}:
        if isinstance(graph, Variable):
            any_graph = True
        elif isinstance(graph, URIRef):
            found.add(str(graph))
    return any_graph


def _with_using(text: str, operations: list[Any], request: UpdateRequest) -> str:
    """``text`` with the protocol's dataset as USING clauses before each WHERE of a
    DELETE/INSERT operation.

    Raises:
        BadRequest: an operation has its own USING, USING NAMED or WITH.
    """
    modify = [op for op in operations if op.name == "Modify"]
    if any(_part(op, "using") or _part(op, "withClause") is not None for op in modify):
        raise BadRequest(
            "using-graph-uri and using-named-graph-uri cannot be given for an update that "
            "has USING, USING NAMED or WITH (SPARQL 1.1 Protocol, §2.2.3)"
        )
    clauses = "".join(f" USING <{iri}>" for iri in request.using_graph_uris) + "".join(
        f" USING NAMED <{iri}>" for iri in request.using_named_graph_uris
    )
    places = update_text.modify_wheres(text)
    if len(places) != len(modify):
        raise BadRequest("the update's DELETE/INSERT operations could not be given the dataset")
    for offset in reversed(places):
        text = f"{text[:offset]}{clauses} {text[offset:]}"
    return text
