"""What the build derives: shortcuts, listed counts, statistics."""

from __future__ import annotations

import pyoxigraph as ox

from partnergraph.materialise import dataset_iri, materialise
from partnergraph.namespaces import Namespaces

from .paths import BASE

NS = Namespaces(BASE)
DATA = """
@prefix city: <id/city/> .
@prefix pg: <def/> .
@prefix pt: <def/partnership-type/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix schema: <https://schema.org/> .
GRAPH <graph/a> {
    <id/partnership/a-b> a pg:Partnership ; pg:partnershipType pt:twin-town ;
        pg:party city:a, city:b .
    <id/partnership/a-c> a pg:Partnership ; pg:partnershipType pt:twin-town .
    <id/membership/a-n> a org:Membership ; org:member city:a ; org:organization <id/network/n> .
    city:a pg:figure <id/figure/a-twins>, <id/figure/a-friends> .
    <id/figure/a-twins> a pg:DeclaredCount ; pg:countOf pt:twin-town ; schema:value 3 .
    <id/figure/a-friends> a pg:DeclaredCount ; pg:countOf pt:friendship-municipality ;
        schema:value 4 .
}
GRAPH <graph/b> {
    <id/partnership/a-c> pg:party city:a, city:c .
}
"""


def derived(store: ox.Store, query: str) -> list[tuple[str, ...]]:
    result = store.query(NS.sparql_prologue() + query, use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    return sorted(tuple(str(v) for v in row) for row in result)


def loaded() -> ox.Store:
    store = ox.Store()
    store.load(DATA.encode(), ox.RdfFormat.TRIG, base_iri=BASE)
    materialise(store, NS)
    return store


def test_partner_shortcut_both_ways_across_graphs() -> None:
    rows = derived(
        loaded(), f"SELECT ?a ?b WHERE {{ GRAPH <{BASE}graph/derived> {{ ?a pg:partner ?b }} }}"
    )
    city = f"<{BASE}id/city/"
    assert rows == [
        (city + "a>", city + "b>"),
        (city + "a>", city + "c>"),
        (city + "b>", city + "a>"),
        (city + "c>", city + "a>"),
    ]


def test_member_of_and_listed_counts() -> None:
    store = loaded()
    assert derived(store, "SELECT ?m ?o WHERE { ?m org:memberOf ?o }") == [
        (f"<{BASE}id/city/a>", f"<{BASE}id/network/n>")
    ]
    counts = derived(store, "SELECT ?f ?n WHERE { ?f pg:listedCount ?n }")
    integer = "^^<http://www.w3.org/2001/XMLSchema#integer>"
    assert counts == [
        (f"<{BASE}id/figure/a-friends>", f'"0"{integer}'),
        (f"<{BASE}id/figure/a-twins>", f'"2"{integer}'),
    ]


def test_statistics_and_idempotence() -> None:
    store = loaded()
    before = len(store)
    materialise(store, NS)
    assert len(store) == before
    rows = derived(store, f"SELECT ?t WHERE {{ <{dataset_iri(NS)}> void:triples ?t }}")
    curated, shortcuts = 19, 7  # 4 pg:partner, 1 org:memberOf, 2 pg:listedCount
    statistics = 9  # a void:Dataset, 3 labels, 5 counts
    assert rows == [
        (f'"{curated + shortcuts + statistics}"^^<http://www.w3.org/2001/XMLSchema#integer>',)
    ]


def test_statistics_count_the_served_union_themselves_included() -> None:
    """Regression (issue 4): void:triples disagreed with the service description."""
    store = loaded()
    graph_a = ox.NamedNode(BASE + "graph/a")
    first = next(iter(store.quads_for_pattern(None, None, None, graph_a)))
    store.add(ox.Quad(*first.triple, ox.NamedNode(BASE + "graph/c")))  # stated twice
    materialise(store, NS)
    quads = list(store.quads_for_pattern(None, None, None, None))
    expected = {
        "triples": len({q.triple for q in quads}),
        "distinctSubjects": len({q.subject for q in quads}),
        "properties": len({q.predicate for q in quads}),
    }
    for name, value in expected.items():
        rows = derived(store, f"SELECT ?n WHERE {{ <{dataset_iri(NS)}> void:{name} ?n }}")
        assert [int(r[0].split('"')[1]) for r in rows] == [value], name
