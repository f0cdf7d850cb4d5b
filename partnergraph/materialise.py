"""What the build derives from the curated graph, into ``{base}graph/derived``.

- ``pg:partner`` between the two parties of every ``pg:Partnership`` (both
  directions), like Wikidata's truthy ``wdt:P190`` beside its full statements;
- ``org:memberOf`` for every ``org:Membership``;
- ``pg:listedCount`` on every ``pg:DeclaredCount``: how many partnerships of the
  declared type the graph enumerates for that municipality;
- the dataset's statistics (VoID counts) on ``{base}id/dataset/partnergraph``.

Each step is a SPARQL Update run by Oxigraph, so the derivation is declarative
and the same on any store.
"""

from __future__ import annotations

from typing import cast

import pyoxigraph as ox

from partnergraph.namespaces import Namespaces

_SHORTCUTS = (
    """
CONSTRUCT { ?a pg:partner ?b . ?b pg:partner ?a }
WHERE { ?p a pg:Partnership ; pg:party ?a, ?b . FILTER (?a != ?b) }
""",
    """
CONSTRUCT { ?m org:memberOf ?o }
WHERE { ?ms a org:Membership ; org:member ?m ; org:organization ?o }
""",
    """
CONSTRUCT { ?f pg:listedCount ?n }
WHERE {
  SELECT ?f (COUNT(DISTINCT ?p) AS ?n) WHERE {
    ?city pg:figure ?f . ?f a pg:DeclaredCount ; pg:countOf ?type .
    OPTIONAL { ?p a pg:Partnership ; pg:partnershipType ?type ; pg:party ?city }
  } GROUP BY ?f
}
""",
)

_STATISTICS = """
CONSTRUCT {
  <{dataset}> a void:Dataset ;
    rdfs:label "partnergraph"@en, "partnergraph"@sv, "partnergraph"@fi ;
    dcterms:source ?source ;
    void:triples ?triples ;
    void:entities ?entities ;
    void:distinctSubjects ?subjects ;
    void:properties ?properties ;
    void:classes ?classes .
}
WHERE {
  { SELECT (COUNT(*) AS ?triples) WHERE {
      SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } } }
  { SELECT (COUNT(DISTINCT ?e) AS ?entities) WHERE {
      GRAPH ?g { ?e a ?t } FILTER (STRSTARTS(STR(?e), "{ids}")) } }
  { SELECT (COUNT(DISTINCT ?s) AS ?subjects) WHERE { GRAPH ?g { ?s ?p ?o } } }
  { SELECT (COUNT(DISTINCT ?p) AS ?properties) WHERE { GRAPH ?g { ?s ?p ?o } } }
  { SELECT (COUNT(DISTINCT ?t) AS ?classes) WHERE { GRAPH ?g { ?s a ?t } } }
  OPTIONAL { ?source a pg:SourceDocument }
}
"""


VOID = "http://rdfs.org/ns/void#"


def dataset_iri(ns: Namespaces) -> str:
    """The IRI of the dataset as a whole."""
    return ns.id + "dataset/partnergraph"


def materialise(store: ox.Store, ns: Namespaces) -> None:
    """Add the derived graph to ``store``, replacing any earlier one.

    The statistics count the distinct triples of every graph, the derived
    shortcuts and the statistics themselves included, so that ``void:triples``
    is the number of triples the endpoint's default graph (their union) holds.
    They are counted twice: the second count, over the store that already holds
    the first, replaces only the values of the first, which changes no count,
    so the statistics count themselves exactly.

    Args:
        store: the loaded curated graph.
        ns: the namespaces of the configured base IRI.
    """
    derived = ox.NamedNode(ns.named_graph("derived"))
    store.remove_graph(derived)
    prologue = ns.sparql_prologue()
    for query in _SHORTCUTS:
        _construct_into(store, prologue + query, derived)
    statistics = _STATISTICS.replace("{dataset}", dataset_iri(ns)).replace("{ids}", ns.id)
    _construct_into(store, prologue + statistics, derived)
    recount = _constructed(store, prologue + statistics, derived)
    dataset = ox.NamedNode(dataset_iri(ns))
    for quad in list(store.quads_for_pattern(dataset, None, None, derived)):
        if quad.predicate.value.startswith(VOID) and isinstance(quad.object, ox.Literal):
            store.remove(quad)
    store.extend(recount)


def _construct_into(store: ox.Store, query: str, graph: ox.NamedNode) -> None:
    store.extend(_constructed(store, query, graph))


def _constructed(store: ox.Store, query: str, graph: ox.NamedNode) -> list[ox.Quad]:
    triples = store.query(query, use_default_graph_as_union=True)
    return [
        ox.Quad(t.subject, t.predicate, t.object, graph) for t in cast(ox.QueryTriples, triples)
    ]
