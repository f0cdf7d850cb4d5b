"""The SPARQL 1.1 Service Description of the endpoint, with VoID counts.

https://www.w3.org/TR/sparql11-service-description/

Served by ``GET /sparql`` without a query. The description names the endpoint by
the URL the client used, the result formats (by their W3C format IRIs,
https://www.w3.org/ns/formats/), the features, and the default dataset: the
default graph (the union of the named graphs) and each named graph, with
``void:triples`` counts taken from the built graph.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox

from partnergraph.formats import Format, Kind, of_kind
from partnergraph.namespaces import RDF, RDFS, VOID
from partnergraph.settings import Settings
from partnergraph.statistics import DatasetStats

SD = "http://www.w3.org/ns/sparql-service-description#"
W3C_FORMATS = "http://www.w3.org/ns/formats/"
SIMPLE_ENTAILMENT = "http://www.w3.org/ns/entailment/Simple"

#: The W3C format IRI of each format key of :mod:`partnergraph.formats`.
FORMAT_IRIS = {
    "json": W3C_FORMATS + "SPARQL_Results_JSON",
    "xml": W3C_FORMATS + "SPARQL_Results_XML",
    "csv": W3C_FORMATS + "SPARQL_Results_CSV",
    "tsv": W3C_FORMATS + "SPARQL_Results_TSV",
    "ttl": W3C_FORMATS + "Turtle",
    "nt": W3C_FORMATS + "N-Triples",
    "jsonld": W3C_FORMATS + "JSON-LD",
    "rdf": W3C_FORMATS + "RDF_XML",
    "nq": W3C_FORMATS + "N-Quads",
    "trig": W3C_FORMATS + "TriG",
}

_PREFIXES = {"sd": SD, "void": VOID, "formats": W3C_FORMATS}


def formats() -> list[Format]:
    """The formats the description itself can be written in (RDF graph formats)."""
    return [fmt for fmt in of_kind(Kind.GRAPH) if fmt.kind is Kind.GRAPH]


def describe(endpoint: str, settings: Settings, stats: DatasetStats) -> list[ox.Triple]:
    """The service description as triples.

    Args:
        endpoint: the URL of the endpoint as the client used it.
        settings: the settings (for the federation feature).
        stats: the counts of the served dataset.

    Returns:
        The triples, service first.
    """
    return list(_triples(endpoint, settings, stats))


def _triples(endpoint: str, settings: Settings, stats: DatasetStats) -> Iterator[ox.Triple]:
    a = ox.NamedNode(RDF + "type")
    service, dataset, default = ox.BlankNode(), ox.BlankNode(), ox.BlankNode()
    yield ox.Triple(service, a, _sd("Service"))
    yield ox.Triple(service, _sd("endpoint"), ox.NamedNode(endpoint))
    yield ox.Triple(service, _sd("supportedLanguage"), _sd("SPARQL11Query"))
    # updates go to the same endpoint, with a write token (docs/writes.md)
    yield ox.Triple(service, _sd("supportedLanguage"), _sd("SPARQL11Update"))
    store = ox.NamedNode(endpoint.rsplit("/sparql", 1)[0] + "/store")
    yield ox.Triple(service, ox.NamedNode(RDFS + "seeAlso"), store)
    yield ox.Triple(
        store,
        ox.NamedNode(RDFS + "comment"),
        ox.Literal("SPARQL 1.1 Graph Store HTTP Protocol (writes need a token)", language="en"),
    )
    yield ox.Triple(service, _sd("defaultEntailmentRegime"), ox.NamedNode(SIMPLE_ENTAILMENT))
    yield ox.Triple(service, _sd("feature"), _sd("UnionDefaultGraph"))
    if settings.allow_federation:
        yield ox.Triple(service, _sd("feature"), _sd("BasicFederatedQuery"))
    for fmt in of_kind(Kind.RESULTS, Kind.GRAPH, Kind.DATASET):
        yield ox.Triple(service, _sd("resultFormat"), ox.NamedNode(FORMAT_IRIS[fmt.key]))
    yield ox.Triple(service, _sd("defaultDataset"), dataset)
    yield ox.Triple(dataset, a, _sd("Dataset"))
    yield ox.Triple(dataset, _sd("defaultGraph"), default)
    yield from _graph(default, stats.triples)
    for name, triples in stats.graphs:
        named, graph = ox.BlankNode(), ox.BlankNode()
        yield ox.Triple(dataset, _sd("namedGraph"), named)
        yield ox.Triple(named, a, _sd("NamedGraph"))
        yield ox.Triple(named, _sd("name"), ox.NamedNode(name))
        yield ox.Triple(named, _sd("graph"), graph)
        yield from _graph(graph, triples)


def _graph(node: ox.BlankNode, triples: int) -> Iterator[ox.Triple]:
    a = ox.NamedNode(RDF + "type")
    yield ox.Triple(node, a, _sd("Graph"))
    yield ox.Triple(
        node,
        ox.NamedNode(VOID + "triples"),
        ox.Literal(str(triples), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
    )


def serialize(triples: list[ox.Triple], fmt: Format) -> bytes:
    """Write ``triples`` in ``fmt`` (one of :func:`formats`).

    Raises:
        ValueError: ``fmt`` is not an RDF graph format.
    """
    if not isinstance(fmt.oxigraph, ox.RdfFormat):
        raise ValueError(f"{fmt.key} is not an RDF format")
    body = ox.serialize(triples, format=fmt.oxigraph, prefixes=_PREFIXES)
    return body if body is not None else b""


def _sd(name: str) -> ox.NamedNode:
    return ox.NamedNode(SD + name)
