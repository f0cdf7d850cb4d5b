"""The project vocabulary as a whole: what ``{base}def/`` answers, and its
documentation.

https://www.w3.org/TR/swbp-vocab-pub/ (publishing RDF vocabularies)

The vocabulary's IRI is the namespace of its terms. Dereferenced, it gives the
whole graph ``{base}graph/vocabulary``: the ontology, its classes and properties,
and the concept schemes with their concepts (one query, the graph's name bound as
a term). Each term, scheme and concept also dereferences on its own, like every
resource (:mod:`partnergraph.describe`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import pyoxigraph as ox

from partnergraph.describe import Labels, add_labels
from partnergraph.namespaces import OWL, RDF, RDFS, SKOS, Namespaces
from partnergraph.service import QueryService

#: The most triples the vocabulary may have.
LIMIT = 50_000

_GRAPH = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"


@dataclass(frozen=True)
class Term:
    """A class, property, scheme or concept, as its documentation shows it.

    Attributes:
        iri: the term.
        comments: language → ``rdfs:comment`` or ``skos:definition``.
        links: (predicate, objects) for its domain, range, super-classes and
            super-properties, and scheme.
        members: for a scheme, its concepts.
    """

    iri: str
    comments: dict[str, str]
    links: tuple[tuple[str, tuple[str, ...]], ...] = ()
    members: tuple[Term, ...] = ()


@dataclass(frozen=True)
class Documentation:
    """The vocabulary's documentation: the ontology, its terms, its schemes."""

    ontology: Term
    classes: tuple[Term, ...]
    properties: tuple[Term, ...]
    schemes: tuple[Term, ...]
    labels: Labels


def graph(service: QueryService, ns: Namespaces) -> list[ox.Triple]:
    """Every triple of the vocabulary graph."""
    name = ox.NamedNode(ns.named_graph("vocabulary"))
    return service.construct(_GRAPH, {"g": name}, LIMIT)


def document(triples: list[ox.Triple], ns: Namespaces) -> Documentation:
    """Read the vocabulary's triples into its documentation."""
    by: dict[str, dict[str, list[ox.NamedNode | ox.Literal]]] = defaultdict(
        lambda: defaultdict(list)
    )
    labels: dict[str, dict[str, str]] = {}
    for t in triples:
        if isinstance(t.subject, ox.NamedNode) and isinstance(t.object, ox.NamedNode | ox.Literal):
            by[t.subject.value][t.predicate.value].append(t.object)
            if t.predicate.value == RDFS + "label":
                add_labels(labels, [(t.subject, t.object)])

    def iris(subject: str, predicate: str) -> tuple[str, ...]:
        return tuple(sorted(v.value for v in by[subject][predicate] if isinstance(v, ox.NamedNode)))

    def term(iri: str, link_predicates: tuple[str, ...], members: tuple[Term, ...] = ()) -> Term:
        comments: dict[str, str] = {}
        for predicate in (RDFS + "comment", SKOS + "definition"):
            for value in by[iri][predicate]:
                if isinstance(value, ox.Literal) and value.language:
                    comments.setdefault(value.language, value.value)
        links = tuple((p, iris(iri, p)) for p in link_predicates if iris(iri, p))
        return Term(iri, comments, links, members)

    def typed(kind: str) -> list[str]:
        return sorted(s for s in by if RDF + "type" in by[s] and kind in iris(s, RDF + "type"))

    classes = [c for c in typed(RDFS + "Class") if c.startswith(ns.pg)]
    properties = [p for p in typed(RDF + "Property") if p.startswith(ns.pg)]
    schemes = typed(SKOS + "ConceptScheme")
    return Documentation(
        term(ns.pg, ()),
        tuple(term(c, (RDFS + "subClassOf",)) for c in classes),
        tuple(
            term(p, (RDFS + "domain", RDFS + "range", RDFS + "subPropertyOf", OWL + "inverseOf"))
            for p in properties
        ),
        tuple(
            term(
                s,
                (),
                tuple(
                    term(c, ()) for c in typed(SKOS + "Concept") if s in iris(c, SKOS + "inScheme")
                ),
            )
            for s in schemes
        ),
        Labels(labels),
    )
