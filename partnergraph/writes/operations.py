"""What a write does, run on the candidate store; the change it made is read back.

Each operation names the named graphs it can change (None: any). The candidate
is read in those graphs before and after the operation runs, and the difference
is the change: so a SPARQL Update is run by Oxigraph exactly as it defines it,
and what the log, the files and the validation see is what the store did (the
store's own form of every literal included).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import pyoxigraph as ox

from partnergraph.errors import BadRequest, Conflict
from partnergraph.writes.change import Change
from partnergraph.writes.update import PreparedUpdate


class Operation(Protocol):
    """A write to run on the candidate."""

    @property
    def graphs(self) -> frozenset[str] | None:
        """The named graphs it can change, or None for any."""
        ...

    def run(self, store: ox.Store, base_iri: str) -> None:
        """Do it to ``store``."""
        ...

    def summary(self) -> dict[str, object]:
        """What was asked, for the change log."""
        ...


@dataclass(frozen=True)
class SparqlUpdate:
    """A SPARQL 1.1 Update.

    Attributes:
        update: the prepared update.
        union_default: the store's default graph is the union of its named graphs
            (a snapshot's store), kept in step between the operations; False for a
            plain dataset, whose default graph is a graph of its own.
    """

    update: PreparedUpdate
    union_default: bool = True

    @property
    def graphs(self) -> frozenset[str] | None:
        return self.update.graphs

    def run(self, store: ox.Store, base_iri: str) -> None:
        """Run the operations one by one, the union default graph kept in step between
        them, so that an operation reads what the ones before it wrote."""
        pieces = self.update.pieces
        for number, piece in enumerate(pieces):
            last = number == len(pieces) - 1 or not self.union_default
            before = set() if last else _named_quads(store, piece.graphs)
            try:
                store.update(piece.text, base_iri=base_iri)
            except SyntaxError as exc:  # pragma: no cover - prepare() parsed it
                raise BadRequest(f"the update does not parse: {exc}") from None
            except (OSError, ValueError, RuntimeError) as exc:
                raise BadRequest(f"the update failed: {exc}") from None
            if not last:
                after = _named_quads(store, piece.graphs)
                keep_union(store, Change(frozenset(after - before), frozenset(before - after)))

    def summary(self) -> dict[str, object]:
        request = self.update.request
        return {
            "operation": "SPARQL Update",
            "update": request.text,
            "using-graph-uri": list(request.using_graph_uris),
            "using-named-graph-uri": list(request.using_named_graph_uris),
        }


@dataclass(frozen=True)
class PutGraph:
    """Graph Store Protocol PUT (``replace``) or POST (merge) of triples into a graph."""

    graph: str
    quads: Sequence[ox.Quad]
    replace: bool
    method: str = "PUT"

    @property
    def graphs(self) -> frozenset[str] | None:
        return frozenset({self.graph})

    def run(self, store: ox.Store, base_iri: str) -> None:
        if self.replace:
            store.remove_graph(ox.NamedNode(self.graph))
        store.extend(self.quads)

    def summary(self) -> dict[str, object]:
        return {"operation": f"Graph Store {self.method}", "graph": self.graph}


@dataclass(frozen=True)
class DeleteGraph:
    """Graph Store Protocol DELETE of a graph."""

    graph: str

    @property
    def graphs(self) -> frozenset[str] | None:
        return frozenset({self.graph})

    def run(self, store: ox.Store, base_iri: str) -> None:
        store.remove_graph(ox.NamedNode(self.graph))

    def summary(self) -> dict[str, object]:
        return {"operation": "Graph Store DELETE", "graph": self.graph}


@dataclass(frozen=True)
class ApplyChange:
    """A known change (an undo, an import): every removed quad must be there and
    every added quad absent, else it does not apply to the data as it is now."""

    change: Change
    what: dict[str, object] = field(default_factory=dict)

    @property
    def graphs(self) -> frozenset[str] | None:
        return frozenset(self.change.graphs())

    def run(self, store: ox.Store, base_iri: str) -> None:
        gone = [q for q in self.change.removed if q not in store]
        there = [q for q in self.change.added if q in store]
        if gone or there:
            example = (gone or there)[0]
            raise Conflict(
                f"the change no longer applies to the data: {len(gone)} of the quads it "
                f"removes are already gone and {len(there)} of those it adds are already "
                f"there (for example {example}); nothing was changed"
            )
        for quad in self.change.removed:
            store.remove(quad)
        store.extend(self.change.added)

    def summary(self) -> dict[str, object]:
        return {"operation": "apply change", **self.what}


def run(operation: Operation, store: ox.Store, base_iri: str) -> Change:
    """Run ``operation`` on ``store`` and return what it changed in the named graphs.

    The default graph (the union copy of a snapshot's store) is neither read nor
    compared: operations that would write it are refused before they run.
    """
    graphs = operation.graphs
    before = _named_quads(store, graphs)
    operation.run(store, base_iri)
    after = _named_quads(store, graphs)
    return Change(frozenset(after - before), frozenset(before - after))


def keep_union(store: ox.Store, change: Change) -> None:
    """Keep the store's default graph the union of its named graphs after ``change``."""
    default = ox.DefaultGraph()
    for quad in change.removed:
        triple = (quad.subject, quad.predicate, quad.object)
        still = any(
            not isinstance(q.graph_name, ox.DefaultGraph)
            for q in store.quads_for_pattern(*triple, None)
        )
        in_default = ox.Quad(*triple, default)
        if not still and in_default in store:
            store.remove(in_default)
    for quad in change.added:
        store.add(ox.Quad(quad.subject, quad.predicate, quad.object, default))


def _named_quads(store: ox.Store, graphs: Iterable[str] | None) -> set[ox.Quad]:
    names: Iterable[ox.NamedNode | ox.BlankNode] = (
        store.named_graphs() if graphs is None else [ox.NamedNode(g) for g in graphs]
    )
    found: set[ox.Quad] = set()
    for name in list(names):
        found.update(store.quads_for_pattern(None, None, None, name))
    return found
