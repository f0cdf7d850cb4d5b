"""Validating a change: only the focus nodes whose findings it can change.

SHACL: https://www.w3.org/TR/shacl/. A write changes a few triples of a large
graph; validating every focus node again would take seconds. The findings about a
focus node depend only on the triples its shapes read (:mod:`.reach`), so a change
can change the findings of the focus nodes its triples are read for, and no other.

The guarantee, with F(x) the findings of a full validation of store x and A the
focus nodes :func:`affected_focus` returns for a change from ``before`` to
``after``: {f in F(after) : f.focus in A} is what :func:`validate_change` returns,
and {f in F(after) : f.focus not in A} = {f in F(before) : f.focus not in A}. So
when ``before`` has no violation and :func:`validate_change` reports none, ``after``
has none either.

Everything is validated instead when the change touches ``rdfs:subClassOf`` (which
nodes are instances of which class), when a blank node is affected (both engines
restrict a run to focus nodes named by IRIs; the curated data has no blank nodes),
when the shapes are outside the analysed subset, or when the change or its focus
nodes are too many for a partial run to be worth it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
from rdflib import Graph

from partnergraph.errors import ConfigurationError
from partnergraph.terms import rdflib_graph
from partnergraph.validation.compiled import CompiledShapes, UnsupportedShapes, compile_shapes
from partnergraph.validation.compiled.queries import focus_enumeration
from partnergraph.validation.findings import Finding
from partnergraph.validation.reach import RDF_TYPE, RDFS_SUBCLASS, THIS, Read, shape_reads

#: Above this many changed triples, everything is validated.
MAX_CHANGES = 5000
#: Above this many affected focus nodes, everything is validated (a partial run of
#: 2 000 nodes takes about as long as a full run of 100 000 triples).
MAX_NODES = 2000


@dataclass(frozen=True)
class Affected:
    """The focus nodes a change can change the findings of.

    Attributes:
        nodes: the nodes, IRIs in N-Triples syntax (``<iri>``, as
            :attr:`Finding.focus` writes them); empty when ``everything``.
        everything: every focus node is affected.
        reason: why everything is affected, or empty.
    """

    nodes: frozenset[str] = frozenset()
    everything: bool = False
    reason: str = ""

    def __contains__(self, focus: object) -> bool:
        return self.everything or focus in self.nodes


class ChangeValidator:
    """The shapes, compiled and analysed once, to validate change after change.

    Args:
        shapes: the shapes graph.
        choice: the engine, ``compiled``, ``pyshacl`` or ``auto`` (the compiled
            engine when the shapes are in its subset), as the ``validator`` setting.
        max_changes: above this many changed triples, everything is validated.
        max_nodes: above this many affected focus nodes, everything is validated.

    Raises:
        ConfigurationError: ``compiled`` was asked for and a shape is outside its subset.
    """

    def __init__(
        self,
        shapes: Graph,
        choice: str = "auto",
        max_changes: int = MAX_CHANGES,
        max_nodes: int = MAX_NODES,
    ) -> None:
        self.shapes = shapes
        self.max_changes = max_changes
        self.max_nodes = max_nodes
        self.compiled: CompiledShapes | None = None
        self.reads: tuple[Read, ...] | None = None
        self.unsupported = ""
        try:
            self.reads = shape_reads(shapes)
            if choice != "pyshacl":
                self.compiled = compile_shapes(shapes)
        except UnsupportedShapes as exc:
            if choice == "compiled":
                raise ConfigurationError(f"validator 'compiled' cannot run: {exc}") from exc
            self.unsupported = str(exc)
        self.by_predicate: dict[str, list[Read]] = {}
        self.any_predicate: list[Read] = []
        for read in self.reads or ():
            predicate = read.pattern.predicate
            if isinstance(predicate, ox.NamedNode):
                self.by_predicate.setdefault(predicate.value, []).append(read)
            else:
                self.any_predicate.append(read)

    @property
    def engine(self) -> str:
        """The engine that validates: ``compiled`` or ``pyshacl``."""
        return "compiled" if self.compiled is not None else "pyshacl"

    def affected(
        self,
        before: ox.Store,
        after: ox.Store,
        added: Collection[ox.Quad],
        removed: Collection[ox.Quad],
    ) -> Affected:
        """The focus nodes whose findings the change can change.

        Args:
            before: the data before the change (holds the removed quads).
            after: the data after the change (holds the added quads), derived
                graph included.
            added: the quads the change adds, derived ones included.
            removed: the quads the change removes, derived ones included.

        Returns:
            The affected focus nodes, or everything.
        """
        if self.reads is None:
            return Affected(
                everything=True, reason=f"shapes outside the analysed subset: {self.unsupported}"
            )
        changes = [(after, _triple(q)) for q in added] + [(before, _triple(q)) for q in removed]
        if len(changes) > self.max_changes:
            return Affected(everything=True, reason=f"{len(changes)} changed triples")
        if any(t.predicate == RDFS_SUBCLASS for _store, t in changes):
            return Affected(everything=True, reason="the change touches rdfs:subClassOf")
        subclasses = _subclasses(after, self.reads) if _types(changes) else {}
        found = _Found(after, self.max_nodes)
        for store, triple in changes:
            for read in self._candidates(triple):
                binding = read.pattern.bind(triple, subclasses)
                if binding is None:
                    continue
                if read.opaque or not read.anchored:
                    found.focus_of(read.classes)
                elif THIS in binding:
                    found.add(binding[THIS])
                else:
                    found.query(store, read, binding)
                if found.overflow:
                    return Affected(
                        everything=True, reason=f"more than {self.max_nodes} focus nodes"
                    )
        return found.result()

    def _candidates(self, triple: ox.Triple) -> Iterable[Read]:
        predicate = triple.predicate
        named = (
            self.by_predicate.get(predicate.value, [])
            if isinstance(predicate, ox.NamedNode)
            else []
        )
        return [*named, *self.any_predicate]

    def findings(self, after: ox.Store, affected: Affected) -> list[Finding]:
        """The findings about the affected focus nodes in ``after`` (all, for everything)."""
        focus = None if affected.everything else affected.nodes
        if self.compiled is not None:
            return self.compiled.run(after, focus=focus)
        from partnergraph.validation.pyshacl_engine import validate_with_pyshacl  # loads slowly

        return validate_with_pyshacl(rdflib_graph(after), self.shapes, focus=focus)

    def validate(
        self,
        before: ox.Store,
        after: ox.Store,
        added: Collection[ox.Quad],
        removed: Collection[ox.Quad],
    ) -> list[Finding]:
        """The findings about the focus nodes the change affects, in ``after``.

        See :meth:`affected` for the arguments.
        """
        return self.findings(after, self.affected(before, after, added, removed))


def affected_focus(
    before: ox.Store,
    after: ox.Store,
    shapes: Graph,
    added: Collection[ox.Quad],
    removed: Collection[ox.Quad],
) -> Affected:
    """The focus nodes whose findings a change can change.

    Analyses the shapes on every call; keep a :class:`ChangeValidator` to validate
    more than one change.

    Args:
        before: the data before the change (it holds the removed quads).
        after: the data after the change (the candidate: it holds the added quads),
            derived graph included.
        shapes: the shapes graph.
        added: the quads the change adds, derived ones included.
        removed: the quads the change removes, derived ones included.

    Returns:
        The affected focus nodes, or everything.
    """
    return ChangeValidator(shapes, "pyshacl").affected(before, after, added, removed)


def validate_change(
    before: ox.Store,
    after: ox.Store,
    shapes: Graph,
    added: Collection[ox.Quad],
    removed: Collection[ox.Quad],
    *,
    choice: str = "auto",
) -> list[Finding]:
    """The findings about the focus nodes a change affects, in ``after``.

    Compiles and analyses the shapes on every call; keep a :class:`ChangeValidator`
    to validate more than one change.

    Args:
        before: the data before the change.
        after: the data after the change, derived graph included.
        shapes: the shapes graph.
        added: the quads the change adds, derived ones included.
        removed: the quads the change removes, derived ones included.
        choice: ``compiled``, ``pyshacl`` or ``auto``.

    Returns:
        The findings, sorted: every finding of ``after`` when everything is affected.

    Raises:
        ConfigurationError: ``compiled`` was asked for and a shape is outside its subset.
    """
    return ChangeValidator(shapes, choice).validate(before, after, added, removed)


def _triple(quad: ox.Quad) -> ox.Triple:
    return ox.Triple(quad.subject, quad.predicate, quad.object)


def _types(changes: list[tuple[ox.Store, ox.Triple]]) -> bool:
    return any(t.predicate == RDF_TYPE for _store, t in changes)


def _subclasses(store: ox.Store, reads: Iterable[Read]) -> dict[str, frozenset[str]]:
    """The classes ``rdfs:subClassOf*`` each class of an instance pattern, itself included."""
    classes = {
        r.pattern.object.value
        for r in reads
        if r.pattern.instance and isinstance(r.pattern.object, ox.NamedNode)
    }
    found: dict[str, set[str]] = {c: {c} for c in classes}
    if classes:
        values = " ".join(f"<{c}>" for c in sorted(classes))
        rows = store.query(
            f"SELECT ?c ?sub WHERE {{ VALUES ?c {{ {values} }} ?sub {RDFS_SUBCLASS}+ ?c }}",
            use_default_graph_as_union=True,
        )
        for row in rows:  # type: ignore[union-attr]
            if isinstance(row["sub"], ox.NamedNode):
                found[row["c"].value].add(row["sub"].value)
    return {c: frozenset(subs) for c, subs in found.items()}


class _Found:
    """The affected nodes as they are found, with the queries that find them once."""

    def __init__(self, after: ox.Store, limit: int) -> None:
        self.after = after
        self.limit = limit
        self.nodes: set[Any] = set()
        self.asked: set[tuple[int, str, tuple[tuple[str, str], ...]]] = set()
        self.classes: set[tuple[str, ...]] = set()

    @property
    def overflow(self) -> bool:
        return len(self.nodes) > self.limit

    def add(self, node: Any) -> None:
        if isinstance(node, ox.NamedNode | ox.BlankNode):
            self.nodes.add(node)

    def query(self, store: ox.Store, read: Read, binding: dict[ox.Variable, Any]) -> None:
        """Add the focus nodes ``read`` joins a triple (its ``binding``) to, in ``store``."""
        text = read.query(binding)
        key = (id(store), text, tuple(sorted((str(v), str(t)) for v, t in binding.items())))
        if key in self.asked:
            return
        self.asked.add(key)
        used = {v: binding[v] for v in read.linked(binding)}
        for row in store.query(text, use_default_graph_as_union=True, substitutions=used):  # type: ignore[union-attr]
            self.add(row["this"])

    def focus_of(self, classes: tuple[str, ...]) -> None:
        """Add every focus node of ``classes`` (in ``after``)."""
        if classes in self.classes:
            return
        self.classes.add(classes)
        rows = self.after.query(
            f"SELECT ?this WHERE {{ {focus_enumeration(classes)} }}",
            use_default_graph_as_union=True,
        )
        for row in rows:  # type: ignore[union-attr]
            self.add(row["this"])

    def result(self) -> Affected:
        blank = next((n for n in self.nodes if isinstance(n, ox.BlankNode)), None)
        if blank is not None:  # the engines list focus nodes by IRI
            return Affected(everything=True, reason=f"the blank node {blank} is affected")
        return Affected(frozenset(str(n) for n in self.nodes))
