"""What a view asks the store: the statements about the nodes around a resource,
each with the named graph that states it, and the names of what they link to.

A view names its nodes by an *anchor*: fixed patterns of this package, each of which
binds ``?x`` to nodes from the resource ``?s`` (``?s pg:party ?x`` and ``?s
dcterms:source ?x`` for a partnership); their other variables are their own (none may
be named ``?fact_…``). Each pattern is joined with what is asked of its nodes inside
its own branch of a ``UNION``: joined after the union, the engine would read every
quad of the store to join them (500 ms at 10 000 triples, against 11 ms).

:func:`fetch` asks two queries through the query service with ``?s`` bound as a
term, never written into the text:

* the quads of every node (``?x ?p ?o`` in graph ``?g``), at most :data:`LIMIT`;
* the ``rdfs:label`` of every IRI they link to.

The labels of the vocabulary (its properties, classes and concepts) are asked once
per snapshot (:func:`vocabulary_labels`). :class:`Facts` indexes the answer by
subject and predicate, keeping the graph of each statement so that a fact can be
shown with the source of its graph.

Warning:
    The anchor is query text: it must be a constant of this package, never built
    from a request. Values go in ``bindings``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

from partnergraph.describe import Description, add_labels
from partnergraph.namespaces import RDF, RDFS, Namespaces
from partnergraph.service import QueryService
from partnergraph.store.base import Term

#: The most statements (and, apart, labels) one view asks for.
LIMIT = 20_000

Node = ox.NamedNode | ox.Literal | ox.BlankNode

#: What each branch of the anchor is joined with (the anchor's own variables must
#: not be named ``?fact_…``).
_NODES = "GRAPH ?fact_g { ?x ?fact_p ?fact_o }"
_LABELS = (
    "GRAPH ?fact_g { ?x ?fact_p ?fact_o } FILTER (isIRI(?fact_o)) "
    "?fact_o <http://www.w3.org/2000/01/rdf-schema#label> ?fact_label"
)

_VOCABULARY = """SELECT ?y ?label WHERE {
  GRAPH ?v { ?y <http://www.w3.org/2000/01/rdf-schema#label> ?label }
}"""


@dataclass
class Facts:
    """Statements about some nodes, by subject and predicate, with their graphs.

    Attributes:
        by: subject IRI → predicate IRI → [(object, graph IRI)], in a stable order.
        labels: IRI → language → label, for naming what the statements link to.
        cut: whether a query was cut at :data:`LIMIT`.
    """

    by: dict[str, dict[str, list[tuple[Node, str]]]] = field(default_factory=dict)
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    cut: bool = False

    def add(self, subject: str, predicate: str, obj: Node, graph: str) -> None:
        """Add one statement (kept once per graph)."""
        found = self.by.setdefault(subject, {}).setdefault(predicate, [])
        if (obj, graph) not in found:
            found.append((obj, graph))

    def values(self, subject: str, predicate: str) -> list[Node]:
        """The distinct objects of ``subject``'s ``predicate``, in a stable order."""
        found = {obj: None for obj, _ in self.by.get(subject, {}).get(predicate, [])}
        return sorted(found, key=_order)

    def iris(self, subject: str, predicate: str) -> list[str]:
        """The IRIs ``subject``'s ``predicate`` links to, sorted."""
        return [v.value for v in self.values(subject, predicate) if isinstance(v, ox.NamedNode)]

    def one(self, subject: str, predicate: str) -> Node | None:
        """The first object of ``subject``'s ``predicate``, or None."""
        found = self.values(subject, predicate)
        return found[0] if found else None

    def subjects(self, predicate: str, obj: str | None = None) -> list[str]:
        """The subjects with ``predicate`` (linking to the IRI ``obj`` when given), sorted."""
        target = ox.NamedNode(obj) if obj is not None else None
        return sorted(
            subject
            for subject, properties in self.by.items()
            if predicate in properties
            and (target is None or any(o == target for o, _ in properties[predicate]))
        )

    def is_a(self, subject: str, *classes: str) -> bool:
        """Whether ``subject`` has one of ``classes`` as its ``rdf:type``."""
        types = set(self.iris(subject, RDF + "type"))
        return any(c in types for c in classes)

    def in_graphs(self, subject: str) -> dict[str, dict[str, list[Node]]]:
        """What each graph states about ``subject``: graph → predicate → objects."""
        graphs: dict[str, dict[str, list[Node]]] = defaultdict(lambda: defaultdict(list))
        for predicate, pairs in self.by.get(subject, {}).items():
            for obj, graph in pairs:
                graphs[graph][predicate].append(obj)
        return {g: dict(by_predicate) for g, by_predicate in sorted(graphs.items())}

    def merge(self, other: Facts) -> Facts:
        """These facts and ``other``'s, in a new index."""
        merged = Facts(cut=self.cut or other.cut)
        for facts in (self, other):
            for subject, properties in facts.by.items():
                for predicate, pairs in properties.items():
                    for obj, graph in pairs:
                        merged.add(subject, predicate, obj, graph)
            for iri, by_language in facts.labels.items():
                for language, text in by_language.items():
                    merged.labels.setdefault(iri, {}).setdefault(language, text)
        return merged


def _order(term: Node) -> tuple[str, str, str]:
    if isinstance(term, ox.Literal):
        return ("1", term.value, term.language or term.datatype.value)
    return ("0" if isinstance(term, ox.NamedNode) else "2", term.value, "")


def of_description(description: Description) -> Facts:
    """The facts of a resource's own description (its outgoing statements and labels)."""
    facts = Facts(cut=description.cut)
    for quad in description.quads:
        if isinstance(quad.graph_name, ox.NamedNode) and not isinstance(quad.object, ox.Triple):
            facts.add(description.iri, quad.predicate.value, quad.object, quad.graph_name.value)
    for iri, by_language in description.labels.by_iri.items():
        facts.labels[iri] = dict(by_language)
    return facts


def fetch(
    service: QueryService, anchor: Sequence[str], bindings: Mapping[str, Term], ns: Namespaces
) -> Facts:
    """The statements about the nodes ``anchor`` binds to ``?x``, and the labels of
    what they link to: two queries.

    Args:
        service: the query service (its limits hold).
        anchor: patterns of this package, each binding ``?x`` (``pg:``, ``schema:``,
            ``org:``, ``dcterms:``, ``skos:`` … prefixes are declared).
        bindings: the values of its variables (``?s``, the resource).
        ns: the namespaces of the base IRI.

    Returns:
        The facts; ``cut`` when a query hit :data:`LIMIT`.
    """
    prologue = ns.sparql_prologue()
    nodes = service.select(
        prologue + _query("?x ?fact_p ?fact_o ?fact_g", anchor, _NODES), bindings, LIMIT
    )
    facts = Facts(cut=nodes.truncated)
    for row in nodes.rows:
        x, p, o, g = row["x"], row["fact_p"], row["fact_o"], row["fact_g"]
        if (
            isinstance(x, ox.NamedNode)
            and isinstance(p, ox.NamedNode)
            and isinstance(o, ox.NamedNode | ox.Literal | ox.BlankNode)
            and isinstance(g, ox.NamedNode)
        ):
            facts.add(x.value, p.value, o, g.value)
    labels = service.select(
        prologue + _query("?fact_o ?fact_label", anchor, _LABELS), bindings, LIMIT
    )
    facts.cut = facts.cut or labels.truncated
    add_labels(facts.labels, ((row["fact_o"], row["fact_label"]) for row in labels.rows))
    for subject, properties in facts.by.items():
        add_labels(
            facts.labels,
            ((ox.NamedNode(subject), obj) for obj, _ in properties.get(RDFS + "label", [])),
        )
    return facts


def _query(projection: str, anchor: Sequence[str], asked: str) -> str:
    """``SELECT DISTINCT projection`` over the union of each anchor pattern joined
    with ``asked``."""
    if not anchor:
        raise ValueError("a view's anchor needs at least one pattern")
    branches = "\n  UNION ".join(f"{{ {pattern} {asked} }}" for pattern in anchor)
    return f"SELECT DISTINCT {projection} WHERE {{\n  {branches}\n}}"


def vocabulary_labels(service: QueryService, ns: Namespaces) -> dict[str, dict[str, str]]:
    """The labels of the vocabulary graph's terms (classes, properties, concepts)."""
    graph = {"v": ox.NamedNode(ns.named_graph("vocabulary"))}
    rows = service.select(_VOCABULARY, graph, LIMIT).rows
    labels: dict[str, dict[str, str]] = {}
    add_labels(labels, ((row["y"], row["label"]) for row in rows))
    return labels


def merge_labels(*sources: Mapping[str, Mapping[str, str]]) -> dict[str, dict[str, str]]:
    """Labels from several sources; the first source's label of a language wins."""
    merged: dict[str, dict[str, str]] = {}
    for source in sources:
        for iri, by_language in source.items():
            for language, text in by_language.items():
                merged.setdefault(iri, {}).setdefault(language, text)
    return merged


def iris(values: Iterable[Node]) -> list[str]:
    """The IRIs among ``values``."""
    return [v.value for v in values if isinstance(v, ox.NamedNode)]
