"""What the description of one resource is: its triples, the labels of what it links
to, and who links to it — bounded, and asked of the store with the IRI bound as a
term.

https://www.w3.org/TR/cooluris/ (what a document about a resource holds)

A description has three blocks, each one SPARQL query through the
:class:`~partnergraph.service.QueryService` (so the time and row limits
hold):

* **outgoing**: every triple whose subject is the resource, with the named graph
  it is stated in (the pages pair each source with the quotes of its graph); at
  most :data:`OUTGOING_LIMIT` of them, a cut description says so;
* **labels**: the ``rdfs:label`` of every IRI the outgoing triples link to, of
  their predicates and of the predicates of the incoming links;
* **incoming**: the links to the resource (subject, predicate), with the labels
  of their subjects, a page of :data:`INCOMING_PAGE` at a time in a stable order;
  ``more_incoming`` says when there is a next page.

As RDF, a description is the union of these triples (:meth:`Description.triples`),
which is what the linked-data documents serve in every format.

Warning:
    The IRI comes from a request URL. It is bound to the query's variable as an
    RDF term (:attr:`~partnergraph.store.base.QueryRequest.bindings`), never
    written into the query text.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

import pyoxigraph as ox

from partnergraph.namespaces import RDFS
from partnergraph.service import QueryService

#: The most outgoing triples a description holds.
OUTGOING_LIMIT = 2000
#: Incoming links per page.
INCOMING_PAGE = 100
#: The languages labels are asked in (the shapes allow no other).
LANGUAGES = ("en", "sv", "fi")

LABEL = ox.NamedNode(RDFS + "label")

_OUTGOING = """
SELECT ?g ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }
ORDER BY ?p ?o ?g
"""

_LABELS = f"""
SELECT DISTINCT ?x ?label WHERE {{
  {{ ?s ?p ?x FILTER (isIRI(?x)) }} UNION {{ ?s ?x ?o }} UNION {{ ?y ?x ?s }}
  ?x <{RDFS}label> ?label
}}
"""

_INCOMING = (
    "SELECT ?x ?p "
    + " ".join(f"(SAMPLE(?l_{lang}) AS ?label_{lang})" for lang in LANGUAGES)
    + " WHERE { ?x ?p ?s FILTER (isIRI(?x)) "
    + " ".join(
        f'OPTIONAL {{ ?x <{RDFS}label> ?l_{lang} FILTER (LANG(?l_{lang}) = "{lang}") }}'
        for lang in LANGUAGES
    )
    + " } GROUP BY ?x ?p ORDER BY ?x ?p LIMIT {limit} OFFSET {offset}"
)


@dataclass(frozen=True)
class Labels:
    """The labels of IRIs, by language.

    Attributes:
        by_iri: IRI → language tag → label.
    """

    by_iri: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def of(self, iri: str) -> Mapping[str, str]:
        """The labels of ``iri`` by language (empty when it has none)."""
        return self.by_iri.get(iri, {})

    def pick(self, iri: str, language: str) -> tuple[str, str] | None:
        """The label of ``iri`` for a reader of ``language``, with its own language.

        Falls back to English, then Swedish, then Finnish, then any label.

        Returns:
            (label, its language tag), or None when ``iri`` has no label.
        """
        return pick(self.of(iri), language)

    def triples(self) -> Iterator[ox.Triple]:
        """The labels as ``rdfs:label`` triples."""
        for iri, labels in self.by_iri.items():
            for lang, text in labels.items():
                yield ox.Triple(ox.NamedNode(iri), LABEL, ox.Literal(text, language=lang))


def pick(labels: Mapping[str, str], language: str) -> tuple[str, str] | None:
    """The best of ``labels`` (language → text) for a reader of ``language``.

    Returns:
        (text, language tag), or None when there is no label at all.
    """
    for lang in (language, *LANGUAGES, *sorted(labels)):
        if lang in labels:
            return labels[lang], lang
    return None


@dataclass(frozen=True)
class Description:
    """The description of one resource.

    Attributes:
        iri: the resource.
        quads: the triples whose subject it is, each with the graph it is stated in.
        labels: the labels of what it links to and of who links to it.
        incoming: (subject, predicate) of the links to it, this page of them.
        page: the page of incoming links (1 is the first).
        more_incoming: whether there is a next page of incoming links.
        cut: whether the outgoing triples were cut at :data:`OUTGOING_LIMIT`.
    """

    iri: str
    quads: tuple[ox.Quad, ...]
    labels: Labels
    incoming: tuple[tuple[ox.NamedNode, ox.NamedNode], ...]
    page: int = 1
    more_incoming: bool = False
    cut: bool = False

    @property
    def exists(self) -> bool:
        """Whether the store says anything about the resource."""
        return bool(self.quads)

    def triples(self) -> list[ox.Triple]:
        """The description as one graph: outgoing, labels, incoming; no duplicates."""
        node = ox.NamedNode(self.iri)
        seen: dict[ox.Triple, None] = {}
        for quad in self.quads:
            seen.setdefault(ox.Triple(quad.subject, quad.predicate, quad.object))
        for triple in self.labels.triples():
            seen.setdefault(triple)
        for subject, predicate in self.incoming:
            seen.setdefault(ox.Triple(subject, predicate, node))
        return list(seen)

    def values(self, predicate: str) -> list[ox.NamedNode | ox.Literal | ox.BlankNode]:
        """The distinct objects of ``predicate`` (an IRI) in the outgoing triples."""
        found: dict[ox.NamedNode | ox.Literal | ox.BlankNode, None] = {}
        for quad in self.quads:
            if quad.predicate.value == predicate and not isinstance(quad.object, ox.Triple):
                found.setdefault(quad.object)
        return list(found)


def describe(service: QueryService, iri: str, page: int = 1) -> Description:
    """Describe ``iri``: three queries, each with the IRI bound as a term.

    Args:
        service: the query service (its limits hold for every query).
        iri: the resource.
        page: which page of incoming links (from 1).

    Returns:
        The description; :attr:`Description.exists` is False for an IRI the
        store says nothing about.

    Raises:
        ValueError: ``page`` is below 1.
    """
    if page < 1:
        raise ValueError(f"page must be 1 or more, got {page}")
    subject = ox.NamedNode(iri)
    outgoing = service.select(_OUTGOING, {"s": subject}, OUTGOING_LIMIT)
    rows, cut = outgoing.rows, outgoing.truncated
    quads = tuple(
        ox.Quad(subject, p, o, g)
        for row in rows
        if isinstance(p := row["p"], ox.NamedNode)
        and isinstance(o := row["o"], ox.NamedNode | ox.BlankNode | ox.Literal)
        and isinstance(g := row["g"], ox.NamedNode)
    )
    if not quads:
        return Description(iri, (), Labels(), (), page)
    labels: dict[str, dict[str, str]] = {}
    add_labels(labels, ((subject, q.object) for q in quads if q.predicate == LABEL))
    label_rows = service.select(_LABELS, {"s": subject}, OUTGOING_LIMIT * len(LANGUAGES)).rows
    add_labels(labels, ((row["x"], row["label"]) for row in label_rows))
    query = _INCOMING.replace("{limit}", str(INCOMING_PAGE + 1)).replace(
        "{offset}", str((page - 1) * INCOMING_PAGE)
    )
    incoming_rows = service.select(query, {"s": subject}, INCOMING_PAGE + 1).rows
    incoming: list[tuple[ox.NamedNode, ox.NamedNode]] = []
    for row in incoming_rows[:INCOMING_PAGE]:
        source, predicate = row["x"], row["p"]
        if isinstance(source, ox.NamedNode) and isinstance(predicate, ox.NamedNode):
            incoming.append((source, predicate))
            add_labels(labels, ((source, row[f"label_{lang}"]) for lang in LANGUAGES))
    return Description(
        iri,
        quads,
        Labels(labels),
        tuple(incoming),
        page,
        more_incoming=len(incoming_rows) > INCOMING_PAGE,
        cut=cut,
    )


def add_labels(labels: dict[str, dict[str, str]], pairs: Iterable[tuple[object, object]]) -> None:
    """Add (IRI, language-tagged literal) pairs to ``labels``; others are skipped."""
    for iri, label in pairs:
        if isinstance(iri, ox.NamedNode) and isinstance(label, ox.Literal) and label.language:
            labels.setdefault(iri.value, {}).setdefault(label.language, label.value)
