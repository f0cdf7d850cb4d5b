"""Re-deriving ``{base}graph/derived`` from a change, as a full materialise would.

A full :func:`~partnergraph.materialise.materialise` reads every triple (about a
second at 100 000 triples); :func:`rederive` reads only what the change can affect.

Notation: ``C`` is the set of curated triples (every named graph but the derived
one; a triple held by two graphs is one triple), ``S`` the shortcuts derived from
``C``, ``B = C | S``; "before" and "after" are the states either side of the change.
The shortcut predicates (``pg:partner``, ``org:memberOf``, ``pg:listedCount``)
occur in no shortcut pattern and no statistics triple, so ``S`` depends on ``C``
alone and the three kinds of shortcut never overlap.

Shortcuts. A shortcut appears or vanishes only when a triple it rests on does:
- ``a pg:partner b``: through a partnership ``p`` that is the subject of a changed
  ``rdf:type`` or ``pg:party`` quad, with ``a`` and ``b`` among its parties before or
  after (its parties now plus the objects of changed ``pg:party`` quads). Every
  shortcut touching those parties is recomputed and compared with the old graph.
- ``m org:memberOf o``: likewise through the memberships that are subjects of a
  changed ``rdf:type``, ``org:member`` or ``org:organization`` quad; recomputed for
  their members.
- ``f pg:listedCount n``: ``f`` is the object of a changed ``pg:figure`` quad or the
  subject of a changed ``rdf:type`` or ``pg:countOf`` quad, or a figure (now) of a
  party, before or after, of a partnership whose ``rdf:type``,
  ``pg:partnershipType`` or ``pg:party`` changed; recomputed for those figures.

Statistics: see :mod:`partnergraph.derive_counts`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from typing import cast

import pyoxigraph as ox

from partnergraph.derive_counts import (
    TYPE,
    Term,
    Union,
    can_be_subject,
    is_curated,
    statistics_changes,
)
from partnergraph.materialise import materialise
from partnergraph.namespaces import ORG, Namespaces

MEMBER_OF = ox.NamedNode(ORG + "memberOf")
_PARTNERS = """
SELECT ?a ?b WHERE {
  {values}
  GRAPH ?g1 { ?p pg:party ?a } GRAPH ?g2 { ?p a pg:Partnership } GRAPH ?g3 { ?p pg:party ?b }
  FILTER (?a != ?b)
  FILTER (?g1 != {derived} && ?g2 != {derived} && ?g3 != {derived})
}"""
_MEMBERSHIPS = """
SELECT ?m ?o WHERE {
  {values}
  GRAPH ?g1 { ?ms org:member ?m } GRAPH ?g2 { ?ms a org:Membership }
  GRAPH ?g3 { ?ms org:organization ?o }
  FILTER (?g1 != {derived} && ?g2 != {derived} && ?g3 != {derived})
}"""
_LISTED_COUNTS = """
SELECT ?f (COUNT(DISTINCT ?p) AS ?n) WHERE {
  {values}
  GRAPH ?g1 { ?city pg:figure ?f } GRAPH ?g2 { ?f a pg:DeclaredCount }
  GRAPH ?g3 { ?f pg:countOf ?type }
  FILTER (?g1 != {derived} && ?g2 != {derived} && ?g3 != {derived})
  OPTIONAL {
    GRAPH ?g4 { ?p pg:party ?city } GRAPH ?g5 { ?p pg:partnershipType ?type }
    GRAPH ?g6 { ?p a pg:Partnership }
    FILTER (?g4 != {derived} && ?g5 != {derived} && ?g6 != {derived})
  }
} GROUP BY ?f"""


#: A change of more than this share of the store's quads is derived in full: the
#: incremental way costs about 150 µs per changed triple, a full materialise about
#: 15 µs per quad of the store (an import of 16 000 quads into 3 000: 2.9 s against
#: 0.3 s).
FULL_SHARE = 1 / 8


def rederive(
    store: ox.Store,
    ns: Namespaces,
    added: Collection[ox.Quad],
    removed: Collection[ox.Quad],
    size: int | None = None,
) -> tuple[set[ox.Quad], set[ox.Quad]]:
    """Update the derived graph of ``store`` after a change to its curated graphs.

    Afterwards the derived graph is what :func:`~partnergraph.materialise.materialise`
    would make of the curated graphs. The default graph is never read (a served
    store keeps a copy of the union there, stale until the caller updates it).

    Args:
        store: the store with the change applied to its curated named graphs and
            the derived graph still as ``materialise`` left it before the change.
        ns: the namespaces of the configured base IRI.
        added: the quads the change added (not in the store before, in it now).
        removed: the quads the change removed (in the store before, not now).
        size: how many quads the store held before the change, if known: a change
            larger than :data:`FULL_SHARE` of it is derived in full.

    Returns:
        The quads added to the derived graph and the quads removed from it.

    Raises:
        ValueError: a quad of the change is in the default or the derived graph,
            or the store does not reflect it.
    """
    derived = ox.NamedNode(ns.named_graph("derived"))
    _check_change(store, derived, added, removed)
    if size is not None and len(added) + len(removed) > size * FULL_SHARE:
        return _replace(store, derived, _derive_in_full(store, ns, derived))
    born, dead = _shortcut_changes(store, ns, derived, [*added, *removed])
    union = Union(
        store,
        derived,
        change=(added, removed),
        shortcuts=(born, dead),
        shortcut_predicates=_shortcut_predicates(ns),
    )
    statistics = statistics_changes(store, ns, union, [*added, *removed], born | dead)
    if statistics is None:
        return _replace(store, derived, _derive_in_full(store, ns, derived))
    to_add = {_in_graph(t, derived) for t in born | statistics[0]}
    to_remove = {_in_graph(t, derived) for t in dead | statistics[1]}
    for quad in to_remove:
        store.remove(quad)
    store.extend(to_add)
    return to_add, to_remove


def _check_change(
    store: ox.Store, derived: ox.NamedNode, added: Iterable[ox.Quad], removed: Iterable[ox.Quad]
) -> None:
    for quad, kind, present in [(q, "added", True) for q in added] + [
        (q, "removed", False) for q in removed
    ]:
        if not is_curated(quad.graph_name, derived):
            raise ValueError(f"the {kind} quad {quad} is not in a curated named graph")
        if (quad in store) != present:
            raise ValueError(f"the {kind} quad {quad} is {'not ' if present else ''}in the store")


def _in_graph(triple: ox.Triple, graph: ox.NamedNode) -> ox.Quad:
    return ox.Quad(triple.subject, triple.predicate, triple.object, graph)


# ---- shortcuts -----------------------------------------------------------------------------


def _shortcut_changes(
    store: ox.Store, ns: Namespaces, derived: ox.NamedNode, changed: list[ox.Quad]
) -> tuple[set[ox.Triple], set[ox.Triple]]:
    """The shortcut triples the change adds and removes."""
    pg = ns.term
    party, partnership = ox.NamedNode(pg("party")), ox.NamedNode(pg("Partnership"))
    member, membership = ox.NamedNode(ORG + "member"), ox.NamedNode(ORG + "Membership")
    figure, partnership_type = ox.NamedNode(pg("figure")), ox.NamedNode(pg("partnershipType"))
    partnerships = {
        q.subject
        for q in changed
        if q.predicate in (party, partnership_type)
        or (q.predicate, q.object) == (TYPE, partnership)
    }
    parties = _objects(store, derived, partnerships, party) | {
        q.object for q in changed if q.predicate == party
    }
    memberships = {
        q.subject
        for q in changed
        if q.predicate in (member, ox.NamedNode(ORG + "organization"))
        or (q.predicate, q.object) == (TYPE, membership)
    }
    members = _objects(store, derived, memberships, member) | {
        q.object for q in changed if q.predicate == member
    }
    figures = (
        _objects(store, derived, parties, figure)
        | {q.object for q in changed if q.predicate == figure}
        | {q.subject for q in changed if q.predicate in (TYPE, ox.NamedNode(pg("countOf")))}
    )
    run = _Runner(store, ns, derived)
    partner, listed = ox.NamedNode(pg("partner")), ox.NamedNode(pg("listedCount"))
    new = {
        ox.Triple(x, partner, y)
        for a, b in run(_PARTNERS, "a", parties)
        for x, y in ((a, b), (b, a))
        if can_be_subject(x)
    }
    new |= {
        ox.Triple(m, MEMBER_OF, o) for m, o in run(_MEMBERSHIPS, "m", members) if can_be_subject(m)
    }
    new |= {
        ox.Triple(f, listed, n) for f, n in run(_LISTED_COUNTS, "f", figures) if can_be_subject(f)
    }
    old = (
        _derived_touching(store, derived, partner, parties, both_ways=True)
        | _derived_touching(store, derived, MEMBER_OF, members)
        | _derived_touching(store, derived, listed, figures)
    )
    return new - old, old - new


def _objects(
    store: ox.Store, derived: ox.NamedNode, subjects: Iterable[Term], predicate: ox.NamedNode
) -> set[Term]:
    """The objects of ``predicate`` for ``subjects`` in the curated graphs."""
    return {
        q.object
        for s in subjects
        if can_be_subject(s)
        for q in store.quads_for_pattern(s, predicate, None, None)
        if is_curated(q.graph_name, derived)
    }


def _derived_touching(
    store: ox.Store,
    derived: ox.NamedNode,
    predicate: ox.NamedNode,
    nodes: Iterable[Term],
    *,
    both_ways: bool = False,
) -> set[ox.Triple]:
    """The derived ``predicate`` triples with a subject (or object) in ``nodes``."""
    found = set()
    for node in nodes:
        if can_be_subject(node):
            found |= {q.triple for q in store.quads_for_pattern(node, predicate, None, derived)}
        if both_ways:
            found |= {q.triple for q in store.quads_for_pattern(None, predicate, node, derived)}
    return found


class _Runner:
    """Runs a shortcut query restricted to some values of one of its variables."""

    def __init__(self, store: ox.Store, ns: Namespaces, derived: ox.NamedNode) -> None:
        self._store = store
        self._prologue = ns.sparql_prologue()
        self._derived = str(derived)

    def __call__(self, query: str, variable: str, keys: set[Term]) -> Iterator[tuple[Term, Term]]:
        """The two projected values of each solution whose ``variable`` is in ``keys``.

        Keys are written into a ``VALUES`` block in Oxigraph's own N-Triples syntax
        (terms of the store, not user text); a blank node or triple term cannot be
        written there, so then the query runs unrestricted and Python filters.
        """
        if not keys:
            return
        writable = all(isinstance(k, ox.NamedNode | ox.Literal) for k in keys)
        values = f"VALUES ?{variable} {{ {' '.join(map(str, keys))} }}" if writable else ""
        text = query.replace("{values}", values).replace("{derived}", self._derived)
        solutions = cast(ox.QuerySolutions, self._store.query(self._prologue + text))
        for row in solutions:
            first, second = cast(Term, row[0]), cast(Term, row[1])
            if writable or row[variable] in keys:
                yield first, second


def _shortcut_predicates(ns: Namespaces) -> set[ox.NamedNode]:
    return {ox.NamedNode(ns.term("partner")), MEMBER_OF, ox.NamedNode(ns.term("listedCount"))}


# ---- the full derivation, when the change alone cannot tell ----------------------------------


def _derive_in_full(store: ox.Store, ns: Namespaces, derived: ox.NamedNode) -> set[ox.Quad]:
    """The derived graph of a copy of the curated graphs, by a full materialise."""
    copy = ox.Store()
    copy.bulk_extend(
        q
        for q in store.quads_for_pattern(None, None, None, None)
        if is_curated(q.graph_name, derived)
    )
    materialise(copy, ns)
    return set(copy.quads_for_pattern(None, None, None, derived))


def _replace(
    store: ox.Store, derived: ox.NamedNode, quads: set[ox.Quad]
) -> tuple[set[ox.Quad], set[ox.Quad]]:
    """Make ``quads`` the derived graph; return the quads added and removed."""
    old = set(store.quads_for_pattern(None, None, None, derived))
    for quad in old - quads:
        store.remove(quad)
    store.extend(quads - old)
    return quads - old, old - quads
