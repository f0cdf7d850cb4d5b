"""Re-deriving the derived graph from a change equals a full materialise.

The proof is by examples: seeded random changes, applied in chains, over a copy
of the real graph and over generated data (``benchmarks/generate.py``); after each
change the derived graph :func:`rederive` leaves must equal the derived graph a full
:func:`materialise` makes of a separate copy of the same curated graphs, and the
quads it returns must be the actual difference. Before every change the store's
default graph holds the union (as a served snapshot does), so the default graph
is stale while :func:`rederive` runs: reading it would show.
"""

from __future__ import annotations

import importlib.util
import random
import sys
from collections.abc import Callable, Iterable
from types import ModuleType
from typing import cast

import pyoxigraph as ox
import pytest

from partnergraph.derive import rederive
from partnergraph.materialise import dataset_iri, materialise
from partnergraph.namespaces import DCTERMS, ORG, RDF, RDFS, VOID, XSD, Namespaces
from partnergraph.settings import load
from partnergraph.store.oxigraph import add_union_default_graph
from partnergraph.validation.validate import load_data

from .paths import BASE, ROOT

NS = Namespaces(BASE)
DERIVED = ox.NamedNode(NS.named_graph("derived"))
DATASET = ox.NamedNode(dataset_iri(NS))
TYPE = ox.NamedNode(RDF + "type")
INTEGER = ox.NamedNode(XSD + "integer")

Change = tuple[set[ox.Quad], set[ox.Quad]]


def pg(name: str) -> ox.NamedNode:
    return ox.NamedNode(NS.term(name))


def org(name: str) -> ox.NamedNode:
    return ox.NamedNode(ORG + name)


# ---- the oracle ------------------------------------------------------------------------------


def curated(store: ox.Store) -> list[ox.Quad]:
    """Every quad of the named graphs but the derived one."""
    return [
        q
        for g in store.named_graphs()
        if g != DERIVED
        for q in store.quads_for_pattern(None, None, None, g)
    ]


def derived_graph(store: ox.Store) -> set[ox.Quad]:
    return set(store.quads_for_pattern(None, None, None, DERIVED))


def materialised(store: ox.Store) -> set[ox.Quad]:
    """The derived graph a full materialise makes of a copy of the curated graphs."""
    copy = ox.Store()
    copy.extend(curated(store))
    materialise(copy, NS)
    return derived_graph(copy)


def served(quads: Iterable[ox.Quad]) -> ox.Store:
    """A store of ``quads`` with its derived graph and the union in its default graph."""
    store = ox.Store()
    store.extend(quads)
    materialise(store, NS)
    add_union_default_graph(store)
    return store


def apply_and_check(store: ox.Store, added: set[ox.Quad], removed: set[ox.Quad]) -> Change:
    """Apply a change to the curated graphs, rederive, compare with a full materialise."""
    final = (set(curated(store)) - removed) | added
    effective_added = {q for q in added if q not in store}
    effective_removed = {q for q in removed if q in store and q not in added}
    for quad in effective_removed:
        store.remove(quad)
    store.extend(effective_added)
    assert set(curated(store)) == final
    before = derived_graph(store)
    result = rederive(store, NS, effective_added, effective_removed)
    after, want = derived_graph(store), materialised(store)
    assert after == want, diff(after, want)
    assert result == (after - before, before - after)
    add_union_default_graph(store)  # what the caller does after
    return effective_added, effective_removed


def in_graph(quad: ox.Quad, graph: ox.NamedNode) -> ox.Quad:
    return ox.Quad(quad.subject, quad.predicate, quad.object, graph)


def diff(got: set[ox.Quad], want: set[ox.Quad]) -> str:
    return f"extra {sorted(map(str, got - want))}, missing {sorted(map(str, want - got))}"


# ---- changes written out -------------------------------------------------------------------

SMALL = """
@prefix city: <id/city/> .
@prefix pg: <def/> .
@prefix pt: <def/partnership-type/> .
@prefix org: <http://www.w3.org/ns/org#> .
GRAPH <graph/a> {
    <id/partnership/a-b> a pg:Partnership ; pg:partnershipType pt:twin-town ;
        pg:party city:a, city:b .
    <id/membership/a-n> a org:Membership ; org:member city:a ; org:organization <id/network/n> .
    city:a pg:figure <id/figure/a-twins> .
    <id/figure/a-twins> a pg:DeclaredCount ; pg:countOf pt:twin-town .
    <id/source/s> a pg:SourceDocument .
}
GRAPH <graph/b> {
    city:c pg:label "C" .
}
"""


def small() -> ox.Store:
    store = ox.Store()
    store.load(SMALL.encode(), ox.RdfFormat.TRIG, base_iri=BASE)
    materialise(store, NS)
    add_union_default_graph(store)
    return store


def iri(path: str) -> ox.NamedNode:
    return ox.NamedNode(BASE + path)


def count(store: ox.Store, name: str) -> int:
    (quad,) = store.quads_for_pattern(DATASET, ox.NamedNode(VOID + name), None, DERIVED)
    return int(cast(ox.Literal, quad.object).value)


def test_one_partnership_added() -> None:
    store = small()
    p, a, c, graph = iri("id/partnership/a-c"), iri("id/city/a"), iri("id/city/c"), iri("graph/b")
    added = {
        ox.Quad(p, TYPE, pg("Partnership"), graph),
        ox.Quad(p, pg("partnershipType"), iri("def/partnership-type/twin-town"), graph),
        ox.Quad(p, pg("party"), a, graph),
        ox.Quad(p, pg("party"), c, graph),
    }
    triples, subjects = count(store, "triples"), count(store, "distinctSubjects")
    store.extend(added)
    new, gone = rederive(store, NS, added, set())
    twins = iri("id/figure/a-twins")
    assert {q.triple for q in new - gone if q.subject != DATASET} == {
        ox.Triple(a, pg("partner"), c),
        ox.Triple(c, pg("partner"), a),
        ox.Triple(twins, pg("listedCount"), ox.Literal("2", datatype=INTEGER)),
    }
    assert {q.triple for q in gone if q.subject != DATASET} == {
        ox.Triple(twins, pg("listedCount"), ox.Literal("1", datatype=INTEGER))
    }
    assert count(store, "triples") == triples + 4 + 2  # four curated, two partner shortcuts
    assert count(store, "distinctSubjects") == subjects + 1  # the partnership (c was one)
    assert derived_graph(store) == materialised(store)


def test_a_change_large_for_its_store_is_derived_in_full() -> None:
    store, reference = small(), small()
    p, a, c, graph = iri("id/partnership/a-c"), iri("id/city/a"), iri("id/city/c"), iri("graph/b")
    added = {
        ox.Quad(p, TYPE, pg("Partnership"), graph),
        ox.Quad(p, pg("partnershipType"), iri("def/partnership-type/twin-town"), graph),
        ox.Quad(p, pg("party"), a, graph),
        ox.Quad(p, pg("party"), c, graph),
    }
    store.extend(added)
    reference.extend(added)
    full = rederive(store, NS, added, set(), size=len(added))  # 4 > 4 / 8: in full
    incremental = rederive(reference, NS, added, set(), size=10_000)
    assert full == incremental
    assert derived_graph(store) == derived_graph(reference) == materialised(store)


def test_a_triple_in_two_graphs_counts_once() -> None:
    store = small()
    label = ox.Quad(iri("id/city/c"), pg("label"), ox.Literal("C"), iri("graph/b"))
    copy = in_graph(label, iri("graph/a"))
    triples = count(store, "triples")
    assert apply_and_check(store, {copy}, set()) == ({copy}, set())
    assert count(store, "triples") == triples
    apply_and_check(store, set(), {label})  # the copy in graph/a stays
    assert count(store, "triples") == triples
    assert count(store, "distinctSubjects") > 0
    apply_and_check(store, set(), {copy})  # the last copy
    assert count(store, "triples") == triples - 1


def test_nothing_changes_nothing() -> None:
    store = small()
    before = derived_graph(store)
    assert rederive(store, NS, set(), set()) == (set(), set())
    assert derived_graph(store) == before


def test_statements_about_the_dataset_that_coincide_with_its_statistics() -> None:
    store = small()
    graph = iri("graph/b")
    entities = next(iter(store.quads_for_pattern(DATASET, ox.NamedNode(VOID + "entities"), None)))
    statements: list[tuple[ox.NamedNode, ox.NamedNode | ox.Literal]] = [
        (TYPE, ox.NamedNode(VOID + "Dataset")),
        (ox.NamedNode(RDFS + "label"), ox.Literal("partnergraph", language="sv")),
        (ox.NamedNode(DCTERMS + "source"), iri("id/source/s")),
        (ox.NamedNode(VOID + "entities"), cast(ox.Literal, entities.object)),
        (ox.NamedNode(VOID + "triples"), ox.Literal("40", datatype=INTEGER)),
    ]
    for p, o in statements:
        apply_and_check(store, {ox.Quad(DATASET, p, o, graph)}, set())
    # the curated void:triples leaves the first count ambiguous: a full derivation runs
    apply_and_check(
        store, set(), {ox.Quad(iri("id/source/s"), TYPE, pg("SourceDocument"), iri("graph/a"))}
    )
    apply_and_check(store, set(), set(curated(store)))


def test_blank_nodes() -> None:
    store = small()
    figure, partnership, graph = ox.BlankNode("f"), ox.BlankNode("p"), iri("graph/b")
    twin = iri("def/partnership-type/twin-town")
    apply_and_check(
        store,
        {
            ox.Quad(iri("id/city/c"), pg("figure"), figure, graph),
            ox.Quad(figure, TYPE, pg("DeclaredCount"), graph),
            ox.Quad(figure, pg("countOf"), twin, graph),
            ox.Quad(partnership, TYPE, pg("Partnership"), graph),
            ox.Quad(partnership, pg("partnershipType"), twin, graph),
            ox.Quad(partnership, pg("party"), iri("id/city/c"), graph),
            ox.Quad(partnership, pg("party"), ox.BlankNode("city"), graph),
        },
        set(),
    )
    apply_and_check(store, set(), {ox.Quad(partnership, pg("party"), iri("id/city/c"), graph)})


def test_the_default_graph_is_not_read() -> None:
    store = small()
    junk = ox.Quad(iri("id/partnership/x"), TYPE, pg("Partnership"), ox.DefaultGraph())
    store.extend([junk, ox.Quad(iri("id/partnership/x"), pg("party"), iri("id/city/a"))])
    store.extend([ox.Quad(iri("id/partnership/x"), pg("party"), iri("id/city/b"))])
    added = ox.Quad(iri("id/partnership/x"), pg("party"), iri("id/city/c"), iri("graph/b"))
    store.add(added)
    rederive(store, NS, {added}, set())
    assert derived_graph(store) == materialised(store)


@pytest.mark.parametrize(
    ("kind", "quad"),
    [
        ("added", ox.Quad(iri("id/x"), TYPE, pg("Partnership"), DERIVED)),
        ("added", ox.Quad(iri("id/x"), TYPE, pg("Partnership"), ox.DefaultGraph())),
        ("added", ox.Quad(iri("id/x"), TYPE, pg("Partnership"), iri("graph/a"))),
        ("removed", ox.Quad(iri("id/source/s"), TYPE, pg("SourceDocument"), iri("graph/a"))),
    ],
)
def test_a_change_not_applied_to_curated_graphs_is_refused(kind: str, quad: ox.Quad) -> None:
    store = small()
    with pytest.raises(ValueError, match=f"the {kind} quad"):
        rederive(
            store, NS, {quad} if kind == "added" else set(), {quad} if kind == "removed" else set()
        )


# ---- random changes --------------------------------------------------------------------------


class Changes:
    """Random changes of the kinds a write makes, drawn from the store's own terms."""

    def __init__(self, store: ox.Store, rng: random.Random) -> None:
        self.store = store
        self.rng = rng
        self.fresh = 0
        self.all: list[ox.Quad] = []  # the curated quads, read once per change

    def new(self, kind: str, blank: float = 0.0) -> ox.NamedNode | ox.BlankNode:
        self.fresh += 1
        if self.rng.random() < blank:
            return ox.BlankNode(f"derivetest{self.fresh}")
        return ox.NamedNode(f"{NS.id}{kind}/test-{self.rng.random():.12f}-{self.fresh}")

    def quads(self, s: object = None, p: object = None, o: object = None) -> list[ox.Quad]:
        return [
            q
            for q in self.all
            if (s is None or q.subject == s)
            and (p is None or q.predicate == p)
            and (o is None or q.object == o)
        ]

    def pick(self, items: Iterable[ox.Quad]) -> list[ox.Quad]:
        items = sorted(items, key=str)
        return [self.rng.choice(items)] if items else []

    def graph(self) -> ox.NamedNode:
        graphs = sorted({str(q.graph_name) for q in self.all})
        if self.rng.random() < 0.1:
            return ox.NamedNode(NS.named_graph(f"test-{self.rng.randrange(3)}"))
        return ox.NamedNode(self.rng.choice(graphs)[1:-1])

    def objects(self, predicate: ox.NamedNode) -> list[ox.NamedNode]:
        found = {q.object for q in self.quads(p=predicate)}
        return sorted((o for o in found if isinstance(o, ox.NamedNode)), key=str)

    def cities(self) -> list[ox.NamedNode]:
        return self.objects(pg("party")) or [ox.NamedNode(NS.id + "city/test")]

    def kinds(self) -> list[ox.NamedNode]:
        return self.objects(pg("partnershipType")) + self.objects(pg("countOf"))

    # each method returns (added, removed)

    def new_partnership(self) -> Change:
        p, g = self.new("partnership", blank=0.2), self.graph()
        parties: list[ox.NamedNode | ox.Literal] = []
        parties += self.rng.sample(self.cities(), k=self.rng.choice((1, 2, 2, 3)))
        if self.rng.random() < 0.1:
            parties.append(ox.Literal("Somewhere"))  # a literal party
        typing = self.graph() if self.rng.random() < 0.3 else g  # type in another graph
        added = {ox.Quad(p, TYPE, pg("Partnership"), typing)}
        added |= {ox.Quad(p, pg("party"), c, g) for c in parties}
        added.add(ox.Quad(p, pg("partnershipType"), self.rng.choice(self.kinds()), g))
        added.add(ox.Quad(p, ox.NamedNode(RDFS + "label"), ox.Literal("Test", language="en"), g))
        return added, set()

    def drop_partnership(self) -> Change:
        chosen = self.pick(self.quads(p=TYPE, o=pg("Partnership")))
        return set(), {q for c in chosen for q in self.quads(s=c.subject)}

    def add_party(self) -> Change:
        chosen = self.pick(self.quads(p=TYPE, o=pg("Partnership")))
        city = self.rng.choice(self.cities())
        return {ox.Quad(c.subject, pg("party"), city, self.graph()) for c in chosen}, set()

    def drop_one(self, predicate: ox.NamedNode, o: object = None) -> Change:
        return set(), set(self.pick(self.quads(p=predicate, o=o)))

    def retype(self) -> Change:
        subject = self.rng.choice(self.quads()).subject
        classes = [pg("Partnership"), org("Membership"), pg("DeclaredCount")]
        classes += [pg("SourceDocument"), ox.NamedNode(NS.pg + f"Test{self.rng.randrange(3)}")]
        return {ox.Quad(subject, TYPE, self.rng.choice(classes), self.graph())}, set()

    def change_partnership_type(self) -> Change:
        chosen = self.pick(self.quads(p=pg("partnershipType")))
        kind = self.rng.choice(self.kinds())
        return {ox.Quad(c.subject, c.predicate, kind, c.graph_name) for c in chosen}, set(chosen)

    def new_membership(self) -> Change:
        ms, g = self.new("membership", blank=0.2), self.graph()
        organisations: list[ox.NamedNode | ox.BlankNode] = []
        organisations += self.objects(org("organization")) or [self.new("network")]
        return {
            ox.Quad(ms, TYPE, org("Membership"), g),
            ox.Quad(ms, org("member"), self.rng.choice(self.cities()), g),
            ox.Quad(ms, org("organization"), self.rng.choice(organisations), self.graph()),
        }, set()

    def new_figure(self) -> Change:
        f, g = self.new("figure", blank=0.2), self.graph()
        return {
            ox.Quad(self.rng.choice(self.cities()), pg("figure"), f, g),
            ox.Quad(f, TYPE, pg("DeclaredCount"), g),
            ox.Quad(f, pg("countOf"), self.rng.choice(self.kinds()), g),
        }, set()

    def change_count_of(self) -> Change:
        chosen = self.pick(self.quads(p=pg("countOf")))
        kind = self.rng.choice(self.kinds())
        return {ox.Quad(c.subject, c.predicate, kind, c.graph_name) for c in chosen}, set(chosen)

    def new_source(self) -> Change:
        return {ox.Quad(self.new("source"), TYPE, pg("SourceDocument"), self.graph())}, set()

    def duplicate(self) -> Change:
        quad = self.rng.choice(self.all)
        return {in_graph(quad, self.graph())}, set()

    def drop_duplicated(self) -> Change:
        by_triple: dict[ox.Triple, list[ox.Quad]] = {}
        for quad in self.all:
            by_triple.setdefault(quad.triple, []).append(quad)
        held_twice = [quads for quads in by_triple.values() if len(quads) > 1]
        if not held_twice:
            return self.duplicate()
        return set(), {self.rng.choice(self.rng.choice(held_twice))}

    def move(self) -> Change:
        quad = self.rng.choice(self.all)
        return {in_graph(quad, self.graph())}, {quad}

    def about_the_dataset(self) -> Change:
        """Curated statements that coincide with the statistics, or nearly."""
        counts = {q.predicate: q.object for q in self.quads_of_derived(DATASET)}
        options: list[tuple[ox.NamedNode, ox.NamedNode | ox.Literal | ox.BlankNode | ox.Triple]]
        options = [
            (TYPE, ox.NamedNode(VOID + "Dataset")),
            (TYPE, pg("Thing")),
            (ox.NamedNode(RDFS + "label"), ox.Literal("partnergraph", language="en")),
            (ox.NamedNode(DCTERMS + "source"), self.rng.choice(self.objects(TYPE))),
            (ox.NamedNode(VOID + "entities"), counts[ox.NamedNode(VOID + "entities")]),
            (ox.NamedNode(VOID + "classes"), ox.Literal("7", datatype=INTEGER)),
            (ox.NamedNode(VOID + "triples"), ox.Literal("12", datatype=INTEGER)),
        ]
        p, o = self.rng.choice(options)
        return {ox.Quad(DATASET, p, o, self.graph())}, set()

    def quads_of_derived(self, subject: ox.NamedNode) -> list[ox.Quad]:
        return list(self.store.quads_for_pattern(subject, None, None, DERIVED))

    def curated_shortcut(self) -> Change:
        """A curated triple that a shortcut also derives."""
        shortcuts = [
            q
            for q in self.store.quads_for_pattern(None, None, None, DERIVED)
            if q.predicate in (pg("partner"), org("memberOf"), pg("listedCount"))
        ]
        chosen = self.pick(shortcuts)
        return {in_graph(c, self.graph()) for c in chosen}, set()

    def new_predicate(self) -> Change:
        subject = self.rng.choice(self.all).subject
        predicate = ox.NamedNode(NS.pg + f"test{self.rng.randrange(3)}")
        return {ox.Quad(subject, predicate, ox.Literal("x"), self.graph())}, set()

    def drop_rare_predicate(self) -> Change:
        counts: dict[ox.NamedNode, list[ox.Quad]] = {}
        for quad in self.all:
            counts.setdefault(quad.predicate, []).append(quad)
        rare = sorted((p for p, qs in counts.items() if len(qs) <= 3), key=str)
        return set(), set(counts[self.rng.choice(rare)]) if rare else set()

    def drop_subject(self) -> Change:
        subject = self.rng.choice(self.all).subject
        return set(), set(self.quads(s=subject))

    def drop_random(self) -> Change:
        return set(), set(self.rng.sample(self.all, k=self.rng.randint(1, 5)))

    def any(self) -> Change:
        """One random change of one to three kinds at once."""
        kinds: list[Callable[[], Change]] = [
            self.new_partnership,
            self.drop_partnership,
            self.add_party,
            lambda: self.drop_one(pg("party")),
            lambda: self.drop_one(TYPE),
            lambda: self.drop_one(TYPE, pg("Partnership")),
            lambda: self.drop_one(TYPE, pg("SourceDocument")),
            lambda: self.drop_one(org("member")),
            lambda: self.drop_one(org("organization")),
            lambda: self.drop_one(pg("figure")),
            self.retype,
            self.change_partnership_type,
            self.new_membership,
            self.new_figure,
            self.change_count_of,
            self.new_source,
            self.duplicate,
            self.drop_duplicated,
            self.move,
            self.about_the_dataset,
            self.curated_shortcut,
            self.new_predicate,
            self.drop_rare_predicate,
            self.drop_subject,
            self.drop_random,
        ]
        self.all = sorted(curated(self.store), key=str)
        added: set[ox.Quad] = set()
        removed: set[ox.Quad] = set()
        for kind in self.rng.sample(kinds, k=self.rng.randint(1, 3)):
            more, fewer = kind()
            added |= more
            removed |= fewer
        return added, removed


# ---- the data --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real() -> list[ox.Quad]:
    settings = load({"graph_dir": ROOT / "graph"}, environ={})
    store, _ = load_data([settings.graph_dir], settings)
    return curated(store)


def generator() -> ModuleType:
    """``benchmarks/generate.py`` as a module."""
    spec = importlib.util.spec_from_file_location("generate", ROOT / "benchmarks" / "generate.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("generate", module)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generated() -> list[ox.Quad]:
    data = generator().generate(3000, violations=2, seed=5)
    return curated(data.store())


def run_chain(quads: list[ox.Quad], seed: int, steps: int = 4) -> None:
    store = served(quads)
    changes = Changes(store, random.Random(seed))
    for _ in range(steps):
        apply_and_check(store, *changes.any())


@pytest.mark.parametrize("seed", range(30))
def test_random_changes_to_the_real_graph(real: list[ox.Quad], seed: int) -> None:
    run_chain(real, seed)


@pytest.mark.parametrize("seed", range(30))
def test_random_changes_to_generated_data(generated: list[ox.Quad], seed: int) -> None:
    run_chain(generated, 1000 + seed)
