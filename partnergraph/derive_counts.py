"""The statistics of the derived graph, moved by a change rather than counted anew.

Notation as in :mod:`partnergraph.derive`: ``C`` the curated triples, ``S`` the
shortcuts derived from them, ``B = C | S``, "before" and "after" either side of
the change. :class:`Union` answers whether ``B`` matches a triple pattern before
or after; :func:`statistics_changes` turns that into the statistics triples to
add and to remove.

Statistics. ``materialise`` counts twice: first ``f1 = f(B)``, then ``f2 = f(B | X)``
where ``X`` holds the first count's statistics (the dataset's type, labels and
sources and the five counts of ``f1``), and keeps ``X`` with the values of ``f2``.
Adding ``X`` to ``B`` adds: to triples, the triples of ``X`` not in ``B``; to
subjects, properties and classes, those of ``X`` that ``B`` lacks; to entities, the
typed subjects of ``X`` under ``{base}id/`` that have no type in ``B``. The old
``f1`` is the stored ``f2`` less those additions, computed against ``B`` before
(exact while ``C`` states no ``void:triples`` of the dataset, whose value could
coincide with the first count's own: then a full derivation runs). ``f1`` moves
with ``B``: every triple of the change and of the shortcut delta counts +1 if it
is in ``B`` after and not before, -1 the other way round; every subject,
predicate, class and entity of those triples likewise, asking the store whether
``B`` holds any triple with it before and after.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import TypeGuard, cast

import pyoxigraph as ox

from partnergraph.materialise import VOID, dataset_iri
from partnergraph.namespaces import DCTERMS, RDF, XSD, Namespaces

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
Pattern = tuple[Term | None, Term | None, Term | None]

TYPE = ox.NamedNode(RDF + "type")
SOURCE = ox.NamedNode(DCTERMS + "source")
#: The counts of the statistics, each the local name of its VoID predicate.
COUNTS = ("triples", "entities", "distinctSubjects", "properties", "classes")
_COUNT_PREDICATES = {ox.NamedNode(VOID + name): name for name in COUNTS}
_INTEGER = ox.NamedNode(XSD + "integer")

#: How many named graphs are searched one by one before a SPARQL query searches all.
_FIRST_GRAPHS = 8
#: Every solution of one triple pattern in a named graph other than the derived one.
_PATTERN = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } FILTER (?g != {derived}) }"


def is_curated(graph: ox.NamedNode | ox.BlankNode | ox.DefaultGraph, derived: ox.NamedNode) -> bool:
    """Whether ``graph`` is a curated named graph (neither the default nor the derived one)."""
    return not isinstance(graph, ox.DefaultGraph) and graph != derived


def can_be_subject(term: Term | None) -> TypeGuard[ox.NamedNode | ox.BlankNode]:
    """Whether ``term`` can be the subject of a triple (an IRI or a blank node)."""
    return isinstance(term, ox.NamedNode | ox.BlankNode)


# ---- which patterns B holds, before and after ------------------------------------------------


class _Index:
    """Triples looked up by a pattern (``None`` matches anything)."""

    def __init__(self, triples: Iterable[ox.Triple]) -> None:
        self._by: tuple[dict[Term, list[ox.Triple]], ...] = ({}, {}, {})
        self._any = False
        for triple in triples:
            self._any = True
            for position, term in enumerate(_terms(triple)):
                self._by[position].setdefault(term, []).append(triple)

    def with_subject(self, subject: Term) -> list[ox.Triple]:
        """The triples with ``subject``."""
        return self._by[0].get(subject, [])

    def match(self, pattern: Pattern) -> bool:
        """Whether some triple matches ``pattern``."""
        bound = [(i, term) for i, term in enumerate(pattern) if term is not None]
        if not bound:
            return self._any
        position, term = bound[0]
        return any(
            all(want is None or want == have for want, have in zip(pattern, _terms(t), strict=True))
            for t in self._by[position].get(term, ())
        )


def _terms(triple: ox.Triple) -> tuple[Term, Term, Term]:
    return triple.subject, triple.predicate, triple.object


class Union:
    """Whether ``B`` (curated triples and shortcuts) matches a pattern before or after.

    After is the store's curated graphs and its derived shortcuts updated by the
    shortcut delta; before is the same, less the added quads and plus the removed
    ones. Where no triple of the change or of the shortcut delta matches a pattern,
    before and after agree, and the answer is looked up once.

    Args:
        store: the store with the change applied to its curated named graphs.
        derived: the derived graph, still as before the change.
        change: the quads the change added and removed.
        shortcuts: the shortcut triples it adds and removes.
        shortcut_predicates: the predicates of the shortcuts.

    Attributes:
        shortcut_predicates: the predicates of the shortcuts.
    """

    def __init__(
        self,
        store: ox.Store,
        derived: ox.NamedNode,
        *,
        change: tuple[Collection[ox.Quad], Collection[ox.Quad]],
        shortcuts: tuple[set[ox.Triple], set[ox.Triple]],
        shortcut_predicates: set[ox.NamedNode],
    ) -> None:
        added, removed = change
        born, dead = shortcuts
        self._store = store
        self._derived = derived
        self._added = set(added)
        self._removed = _Index(q.triple for q in removed)
        self._born = _Index(born)
        self._dead = dead
        self._touched = _Index([*(q.triple for q in [*added, *removed]), *born, *dead])
        self._pattern = _PATTERN.replace("{derived}", str(derived))
        self.shortcut_predicates = shortcut_predicates
        self._first_graphs = [
            g for g in itertools.islice(store.named_graphs(), _FIRST_GRAPHS) if g != derived
        ]
        self._memo: dict[tuple[Pattern, bool], bool] = {}
        self._subjects: dict[tuple[Term, bool], set[ox.Triple]] = {}

    def has(self, pattern: Pattern, *, before: bool) -> bool:
        """Whether some triple of ``B`` matches ``pattern``, before or after the change."""
        before = before and self._touched.match(pattern)
        s, p, o = pattern
        if can_be_subject(s) and p is None and o is None:
            return bool(self.about(s, before=before))
        key = (pattern, before)
        if key not in self._memo:
            self._memo[key] = self._shortcut(pattern, before) or self._curated(pattern, before)
        return self._memo[key]

    def about(self, subject: ox.NamedNode | ox.BlankNode, *, before: bool) -> set[ox.Triple]:
        """Every triple of ``B`` with ``subject``, before or after the change."""
        before = before and self._touched.match((subject, None, None))
        key = (subject, before)
        if key not in self._subjects:
            curated = list(self._query_quads((subject, None, None)))
            shortcuts = {
                q.triple
                for p in self.shortcut_predicates
                for q in self._store.quads_for_pattern(subject, p, None, self._derived)
            }
            if before:
                found = {q.triple for q in curated if q not in self._added} | shortcuts
                found |= set(self._removed.with_subject(subject))
            else:
                found = {q.triple for q in curated} | (shortcuts - self._dead)
                found |= set(self._born.with_subject(subject))
            self._subjects[key] = found
        return self._subjects[key]

    def _curated(self, pattern: Pattern, before: bool) -> bool:
        if before and self._removed.match(pattern):
            return True
        return any(not before or q not in self._added for q in self._curated_quads(pattern))

    def _curated_quads(self, pattern: Pattern) -> Iterator[ox.Quad]:
        """The curated quads matching ``pattern``, lazily, some maybe twice.

        The default graph (a stale copy of the union) is skipped: read through a
        subject's quads, or graph by graph, or by a SPARQL ``GRAPH ?g`` pattern. The
        first few graphs are tried before the query, which is slow to start on a
        predicate with many triples.
        """
        s, p, o = pattern
        if s is not None:
            for quad in self._store.quads_for_pattern(s, p, o, None):  # type: ignore[arg-type]
                if is_curated(quad.graph_name, self._derived):
                    yield quad
            return
        for graph in self._first_graphs:
            yield from self._store.quads_for_pattern(None, p, o, graph)  # type: ignore[arg-type]
        yield from self._query_quads(pattern)

    def _query_quads(self, pattern: Pattern) -> Iterator[ox.Quad]:
        """The curated quads matching ``pattern``, by SPARQL (graphs compared unread)."""
        bindings = {ox.Variable(n): t for n, t in zip("spo", pattern, strict=True) if t is not None}
        for row in cast(
            ox.QuerySolutions, self._store.query(self._pattern, substitutions=bindings)
        ):
            yield ox.Quad(row["s"], row["p"], row["o"], row["g"])

    def _shortcut(self, pattern: Pattern, before: bool) -> bool:
        s, p, o = pattern
        if p is not None and p not in self.shortcut_predicates:
            return False
        if not before and self._born.match(pattern):
            return True
        return any(
            q.predicate in self.shortcut_predicates and (before or q.triple not in self._dead)
            for q in self._store.quads_for_pattern(s, p, o, self._derived)  # type: ignore[arg-type]
        )


# ---- statistics ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Sources:
    """The source documents the statistics name, one ``dcterms:source`` triple each.

    They are many, so they are never listed: ``stored`` says whether the derived
    graph names one, ``changed`` overrides it for the few the change touches.
    """

    count: int
    stored: Callable[[Term], bool]
    changed: Mapping[Term, bool] = field(default_factory=dict)

    def __contains__(self, term: Term) -> bool:
        return self.changed[term] if term in self.changed else self.stored(term)


@dataclass(frozen=True)
class _Statistics:
    """The statistics triples: of ``dataset``, a constant part (its type and labels),
    one ``dcterms:source`` per source document, and one triple per count."""

    dataset: ox.NamedNode
    constant: frozenset[ox.Triple]
    sources: _Sources
    counts: Mapping[str, int]

    def values(self) -> set[ox.Triple]:
        """The triples of the counts."""
        return {
            ox.Triple(self.dataset, ox.NamedNode(VOID + n), ox.Literal(str(c), datatype=_INTEGER))
            for n, c in self.counts.items()
        }

    def changes(self, stored: _Statistics) -> tuple[set[ox.Triple], set[ox.Triple]]:
        """The triples to add to the ``stored`` statistics and to remove from them."""
        new, old = self.values(), stored.values()
        sources = [
            (ox.Triple(self.dataset, SOURCE, s), now) for s, now in self.sources.changed.items()
        ]
        return (
            (new - old) | {t for t, now in sources if now and t.object not in stored.sources},
            (old - new) | {t for t, now in sources if not now and t.object in stored.sources},
        )


def statistics_changes(
    store: ox.Store,
    ns: Namespaces,
    union: Union,
    changed: list[ox.Quad],
    shortcuts: set[ox.Triple],
) -> tuple[set[ox.Triple], set[ox.Triple]] | None:
    """The statistics triples to add and to remove, or None when only a full run can tell.

    Args:
        store: the store with the change applied to its curated named graphs and
            the derived graph (the stored statistics) still as before it.
        ns: the namespaces of the configured base IRI.
        union: ``B`` before and after the change.
        changed: the quads the change added and removed.
        shortcuts: the shortcut triples the change adds and removes.

    Returns:
        The statistics triples to add and to remove, or None when the stored
        statistics are not each there once or ``C`` states a ``void:triples``
        of the dataset.
    """
    stored = _stored_statistics(store, ns, union.shortcut_predicates)
    if stored is None or union.has(
        (stored.dataset, ox.NamedNode(VOID + "triples"), None), before=True
    ):
        return None
    first = _first_count(ns, union, stored)
    moved = _count_changes(ns, union, {q.triple for q in changed} | shortcuts)
    after = replace(
        stored,
        sources=_sources_after(ns, union, changed, stored.sources),
        counts={name: first[name] + moved[name] for name in COUNTS},
    )
    growth = _growth(ns, union, after, before=False)
    after = replace(after, counts={n: after.counts[n] + growth[n] for n in COUNTS})
    return after.changes(stored)


def _stored_statistics(
    store: ox.Store, ns: Namespaces, shortcut_predicates: set[ox.NamedNode]
) -> _Statistics | None:
    """The statistics in the derived graph, or None unless each count is there once."""
    dataset, derived = ox.NamedNode(dataset_iri(ns)), ox.NamedNode(ns.named_graph("derived"))
    skipped = ", ".join(str(p) for p in shortcut_predicates | {SOURCE})
    rows = store.query(
        f"SELECT ?p ?o WHERE {{ GRAPH {derived} {{ {dataset} ?p ?o }} "
        f"FILTER (?p NOT IN ({skipped})) }}"
    )
    statements = {ox.Triple(dataset, r["p"], r["o"]) for r in cast(ox.QuerySolutions, rows)}
    counted = store.query(
        f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {derived} {{ {dataset} {SOURCE} ?s }} }}"
    )
    sources = _Sources(
        int(next(iter(cast(ox.QuerySolutions, counted)))["n"].value),
        lambda s: ox.Quad(dataset, SOURCE, s, derived) in store,
    )
    values = [(t.predicate, t.object) for t in statements if t.predicate in _COUNT_PREDICATES]
    counts = {
        _COUNT_PREDICATES[p]: int(o.value)
        for p, o in values
        if isinstance(o, ox.Literal) and o.datatype == _INTEGER and o.value.isdigit()
    }
    if not len(counts) == len(values) == len(COUNTS):
        return None
    constant = frozenset(t for t in statements if t.predicate not in _COUNT_PREDICATES)
    return _Statistics(dataset, constant, sources, counts)


def _sources_after(
    ns: Namespaces, union: Union, changed: list[ox.Quad], before: _Sources
) -> _Sources:
    """The source documents after the change: the typed ones of ``B``."""
    kind = ox.NamedNode(ns.term("SourceDocument"))
    touched = {q.subject for q in changed if (q.predicate, q.object) == (TYPE, kind)}
    now: dict[Term, bool] = {s: union.has((s, TYPE, kind), before=False) for s in touched}
    count = before.count + sum(int(now[s]) - int(s in before) for s in touched)
    return replace(before, count=count, changed=now)


def _first_count(ns: Namespaces, union: Union, stored: _Statistics) -> dict[str, int]:
    """The first count before the change, from the stored second one.

    Only the ``triples`` growth depends on the values of the first count, and the
    first count's own ``void:triples`` triple is outside ``B`` whatever its value
    (the caller checked that ``C`` states none), so a placeholder stands for it.
    """
    growth = _growth(ns, union, replace(stored, counts=dict.fromkeys(COUNTS, 0)), before=True)
    first = {name: stored.counts[name] - growth[name] for name in COUNTS}
    growth = _growth(ns, union, replace(stored, counts=first | {"triples": 0}), before=True)
    return first | {"triples": stored.counts["triples"] - growth["triples"]}


def _growth(
    ns: Namespaces, union: Union, statistics: _Statistics, *, before: bool
) -> dict[str, int]:
    """What adding ``statistics`` to ``B`` adds to each count.

    The sources, one triple each, are many: they are counted, not listed.
    """
    dataset, sources = statistics.dataset, statistics.sources
    few = statistics.constant | statistics.values()
    typed = [t for t in few if t.predicate == TYPE]
    subjects = {t.subject for t in few} | ({dataset} if sources.count else set())
    held: dict[Term, set[ox.Triple]] = {
        s: union.about(s, before=before) for s in subjects if can_be_subject(s)
    }
    stated = {t.object for t in held.get(dataset, set()) if t.predicate == SOURCE}
    predicates: set[Term] = {t.predicate for t in few}
    if sources.count:
        predicates.add(SOURCE)
    return {
        "triples": sum(t not in held.get(t.subject, set()) for t in few)
        + sources.count
        - sum(s in sources for s in stated),
        "distinctSubjects": sum(not triples for triples in held.values()),
        "properties": _lacking(union, predicates, _as_predicate, before),
        "classes": _lacking(union, {t.object for t in typed}, _as_class, before),
        "entities": _lacking(
            union, {t.subject for t in typed if _is_entity(ns, t.subject)}, _as_entity, before
        ),
    }


def _lacking(
    union: Union, terms: set[Term], pattern: Callable[[Term], Pattern], before: bool
) -> int:
    return sum(not union.has(pattern(term), before=before) for term in terms)


def _as_subject(term: Term) -> Pattern:
    return term, None, None


def _as_predicate(term: Term) -> Pattern:
    return None, term, None


def _as_class(term: Term) -> Pattern:
    return None, TYPE, term


def _as_entity(term: Term) -> Pattern:
    return term, TYPE, None


def _is_entity(ns: Namespaces, term: Term) -> bool:
    return isinstance(term, ox.NamedNode) and term.value.startswith(ns.id)


def _count_changes(ns: Namespaces, union: Union, triples: set[ox.Triple]) -> dict[str, int]:
    """How much each count of ``B`` moves, given every triple that may have come or gone."""
    before = {t: union.has(_terms(t), before=True) for t in triples}
    after = {t: union.has(_terms(t), before=False) for t in triples}

    def moved(key: Callable[[ox.Triple], Term | None], pattern: Callable[[Term], Pattern]) -> int:
        groups: dict[Term, list[ox.Triple]] = defaultdict(list)
        for triple in triples:
            term = key(triple)
            if term is not None:
                groups[term].append(triple)
        change = 0
        for term, group in groups.items():
            was = any(before[t] for t in group) or union.has(pattern(term), before=True)
            now = any(after[t] for t in group) or union.has(pattern(term), before=False)
            change += now - was
        return change

    return {
        "triples": sum(after.values()) - sum(before.values()),
        "distinctSubjects": moved(lambda t: t.subject, _as_subject),
        "properties": moved(lambda t: t.predicate, _as_predicate),
        "classes": moved(lambda t: t.object if t.predicate == TYPE else None, _as_class),
        "entities": moved(
            lambda t: t.subject if t.predicate == TYPE and _is_entity(ns, t.subject) else None,
            _as_entity,
        ),
    }
