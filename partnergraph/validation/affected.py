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

import contextlib
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
from partnergraph.validation.reach import (
    RDF_TYPE,
    RDFS_SUBCLASS,
    THIS,
    Read,
    Term,
    shape_reads,
    task_reads,
)

#: Above this many changed triples, everything is validated.
MAX_CHANGES = 5000
#: How many matching triples one query of a read lists.
ROWS_PER_QUERY = 500
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
            if choice != "pyshacl":
                self.compiled = compile_shapes(shapes)
                self.reads = task_reads((task.spec, task.classes) for task in self.compiled.tasks)
            else:
                self.reads = shape_reads(shapes)
        except UnsupportedShapes as exc:
            if choice == "compiled":
                raise ConfigurationError(f"validator 'compiled' cannot run: {exc}") from exc
            self.unsupported = str(exc)
            with contextlib.suppress(UnsupportedShapes):  # Oxigraph refused a query rdflib reads
                self.reads = shape_reads(shapes)
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
        *,
        default_is_union: bool = False,
    ) -> Affected:
        """The focus nodes whose findings the change can change.

        Args:
            before: the data before the change (holds the removed quads).
            after: the data after the change (holds the added quads), derived
                graph included.
            added: the quads the change adds, derived ones included.
            removed: the quads the change removes, derived ones included.
            default_is_union: the default graph of both stores holds the union of
                their named graphs (a snapshot's store and its candidate): it is
                read alone, many times faster than the union of every graph.

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
        found = _Found(after, self.max_nodes, default_is_union)
        for store, triple in changes:
            found.match(store, triple, self._candidates(triple), subclasses)
            if found.overflow:
                break
        else:
            found.joined()
        if found.overflow:
            return Affected(everything=True, reason=f"more than {self.max_nodes} focus nodes")
        return found.result()

    def _candidates(self, triple: ox.Triple) -> Iterable[Read]:
        predicate = triple.predicate
        named = (
            self.by_predicate.get(predicate.value, [])
            if isinstance(predicate, ox.NamedNode)
            else []
        )
        return [*named, *self.any_predicate]

    def findings(
        self, after: ox.Store, affected: Affected, *, default_is_union: bool = False
    ) -> list[Finding]:
        """The findings about the affected focus nodes in ``after`` (all, for everything).

        Args:
            after: the data after the change.
            affected: what :meth:`affected` found.
            default_is_union: as for :meth:`affected`.
        """
        focus = None if affected.everything else affected.nodes
        if self.compiled is not None:
            return self.compiled.run(after, focus=focus, default_is_union=default_is_union)
        from partnergraph.validation.pyshacl_engine import validate_with_pyshacl  # loads slowly

        return validate_with_pyshacl(rdflib_graph(after), self.shapes, focus=focus)

    def validate(
        self,
        before: ox.Store,
        after: ox.Store,
        added: Collection[ox.Quad],
        removed: Collection[ox.Quad],
        *,
        default_is_union: bool = False,
    ) -> list[Finding]:
        """The findings about the focus nodes the change affects, in ``after``.

        See :meth:`affected` for the arguments.
        """
        affected = self.affected(before, after, added, removed, default_is_union=default_is_union)
        return self.findings(after, affected, default_is_union=default_is_union)


def affected_focus(
    before: ox.Store,
    after: ox.Store,
    shapes: Graph,
    added: Collection[ox.Quad],
    removed: Collection[ox.Quad],
    *,
    default_is_union: bool = False,
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
        default_is_union: the default graph of both stores holds the union of their
            named graphs (see :meth:`ChangeValidator.affected`).

    Returns:
        The affected focus nodes, or everything.
    """
    validator = ChangeValidator(shapes, "pyshacl")
    return validator.affected(before, after, added, removed, default_is_union=default_is_union)


def validate_change(
    before: ox.Store,
    after: ox.Store,
    shapes: Graph,
    added: Collection[ox.Quad],
    removed: Collection[ox.Quad],
    *,
    choice: str = "auto",
    default_is_union: bool = False,
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
        default_is_union: the default graph of both stores holds the union of their
            named graphs (see :meth:`ChangeValidator.affected`).

    Returns:
        The findings, sorted: every finding of ``after`` when everything is affected.

    Raises:
        ConfigurationError: ``compiled`` was asked for and a shape is outside its subset.
    """
    validator = ChangeValidator(shapes, choice)
    return validator.validate(before, after, added, removed, default_is_union=default_is_union)


def _listable(term: Term) -> bool:
    """Whether pyoxigraph writes ``term`` as SPARQL a VALUES block can hold."""
    return isinstance(term, ox.NamedNode | ox.Literal)


def _triple(quad: ox.Quad) -> ox.Triple:
    return ox.Triple(quad.subject, quad.predicate, quad.object)


def _types(changes: list[tuple[ox.Store, ox.Triple]]) -> bool:
    return any(t.predicate == RDF_TYPE for _store, t in changes)


def _subclasses(store: ox.Store, reads: Iterable[Read]) -> dict[str, frozenset[str]]:
    """The classes ``rdfs:subClassOf*`` each class of an instance pattern, itself included."""
    below: dict[str, set[str]] = {}
    for quad in store.quads_for_pattern(None, RDFS_SUBCLASS, None):
        if isinstance(quad.subject, ox.NamedNode) and isinstance(quad.object, ox.NamedNode):
            below.setdefault(quad.object.value, set()).add(quad.subject.value)
    found: dict[str, frozenset[str]] = {}
    for read in reads:
        cls = read.pattern.object
        if read.pattern.instance and isinstance(cls, ox.NamedNode) and cls.value not in found:
            closure, todo = {cls.value}, [cls.value]
            while todo:
                for sub in below.get(todo.pop(), ()):
                    if sub not in closure:
                        closure.add(sub)
                        todo.append(sub)
            found[cls.value] = frozenset(closure)
    return found


class _Found:
    """The affected nodes as they are found.

    The reads that join a changed triple to its focus nodes through other triples
    are queried together at the end, one query per read and store, with the
    values of every triple that matched the read listed (a blank node is bound
    alone instead: it cannot be written into a query).
    """

    def __init__(self, after: ox.Store, limit: int, default_is_union: bool) -> None:
        self.after = after
        self.limit = limit
        self.union = not default_is_union
        self.nodes: set[Any] = set()
        self.pending: dict[tuple[int, Read], set[tuple[Term, ...]]] = {}
        self.stores: dict[int, ox.Store] = {}
        self.classes: set[tuple[str, ...]] = set()

    @property
    def overflow(self) -> bool:
        return len(self.nodes) > self.limit

    def add(self, node: Any) -> None:
        if isinstance(node, ox.NamedNode | ox.BlankNode):
            self.nodes.add(node)

    def match(
        self,
        store: ox.Store,
        triple: ox.Triple,
        reads: Iterable[Read],
        subclasses: dict[str, frozenset[str]],
    ) -> None:
        """Add the focus nodes a changed triple (in ``store``) is read for directly,
        and note the reads that join it to its focus nodes through other triples."""
        for read in reads:
            binding = read.pattern.bind(triple, subclasses)
            if binding is None:
                continue
            if read.opaque or not read.anchored:
                self.focus_of(read.classes)
            elif THIS in binding:
                self.add(binding[THIS])
            else:
                self.stores[id(store)] = store
                row = tuple(binding[v] for v in read.linked(binding))
                self.pending.setdefault((id(store), read), set()).add(row)

    def joined(self) -> None:
        """Add the focus nodes of every noted triple; stop early on overflow."""
        for (key, read), rows in self.pending.items():
            store = self.stores[key]
            variables = read.linked(read.pattern.variables())
            listed = sorted((r for r in rows if all(_listable(t) for t in r)), key=str)
            for start in range(0, len(listed), ROWS_PER_QUERY):
                self._select(store, read.query(variables, listed[start : start + ROWS_PER_QUERY]))
            for row in rows.difference(listed):
                values = dict(zip(variables, row, strict=True))
                self._select(store, read.query(variables, None), values)
            if self.overflow:
                return

    def _select(
        self, store: ox.Store, query: str, values: dict[ox.Variable, Any] | None = None
    ) -> None:
        rows = store.query(query, use_default_graph_as_union=self.union, substitutions=values or {})
        for row in rows:  # type: ignore[union-attr]
            self.add(row["this"])

    def focus_of(self, classes: tuple[str, ...]) -> None:
        """Add every focus node of ``classes`` (in ``after``)."""
        if classes in self.classes:
            return
        self.classes.add(classes)
        rows = self.after.query(
            f"SELECT ?this WHERE {{ {focus_enumeration(classes)} }}",
            use_default_graph_as_union=self.union,
        )
        for row in rows:  # type: ignore[union-attr]
            self.add(row["this"])

    def result(self) -> Affected:
        blank = next((n for n in self.nodes if isinstance(n, ox.BlankNode)), None)
        if blank is not None:  # the engines list focus nodes by IRI
            return Affected(everything=True, reason=f"the blank node {blank} is affected")
        return Affected(frozenset(str(n) for n in self.nodes))
