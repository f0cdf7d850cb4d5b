"""Facts with their sources: the numbered list of sources at the end of a page.

Every named graph of the curated data holds what one source document states, and
each node described in it carries that graph's ``dcterms:source``. A view cites a
node (:meth:`Citations.cite`): each graph that describes it adds a *claim* under
the graph's source — what the node is, which of its properties the graph states,
and the sentences quoted from the source (``pg:quote``) — and the view gets the
numbers of those sources to print beside the fact. The sources are numbered in
the order the page first cites them; a sentence quoted for several nodes (the one
sentence of Lahti's page that names four twin cities) is printed once, with every
node it is cited for.

A source shows its name (``rdfs:label``) linking to its web address
(``schema:url``), or says that no address is known; its publisher, language,
publication and retrieval dates where the graph has them (``dcterms:publisher``,
``dcterms:language``, ``dcterms:issued`` or ``dcterms:date``, and
:data:`RETRIEVED`).

Statements in a graph without a source (the vocabulary, what the build derives)
are listed apart, by what states them (:meth:`Citations.unsourced`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from partnergraph.namespaces import DCTERMS, RDF, RDFS, SCHEMA, Namespaces
from partnergraph.web.present import Presenter, Value
from partnergraph.web.views.facts import Facts, iris

#: The local name (in the project vocabulary) of a source's retrieval date.
RETRIEVED: Final = "retrieved"
_NOT_STATED: Final = frozenset({RDF + "type", RDFS + "label", DCTERMS + "source"})


@dataclass
class Claim:
    """What one source states about one or more nodes.

    Attributes:
        about: the nodes.
        states: the properties it states of them (named).
        quotes: the sentences it is quoted with.
    """

    about: list[Value]
    states: list[Value]
    quotes: list[Value]


@dataclass
class Source:
    """A source document as the list of sources shows it.

    Attributes:
        number: its number on this page (from 1).
        iri: the source document.
        title: its name, linking to its own page here.
        url: its web address (``http`` or ``https``), or None: no link known.
        publishers: who published it.
        languages: the languages it is written in.
        published: when it was published, or None.
        retrieved: when it was read, or None.
        claims: what it states on this page.
    """

    number: int
    iri: str
    title: Value
    url: str | None
    publishers: list[Value] = field(default_factory=list)
    languages: list[Value] = field(default_factory=list)
    published: Value | None = None
    retrieved: Value | None = None
    claims: list[Claim] = field(default_factory=list)

    def claim(self, about: Value, states: list[Value], quotes: list[Value]) -> None:
        """Add what the source states about one node; a node quoted with the same
        sentences as another joins that one's claim."""
        key = [q.text for q in quotes]
        for claim in self.claims:
            if key and [q.text for q in claim.quotes] == key:
                if about not in claim.about:
                    claim.about.append(about)
                claim.states.extend(s for s in states if s not in claim.states)
                return
        self.claims.append(Claim([about], states, quotes))


@dataclass(frozen=True)
class Unsourced:
    """Statements of a graph without a source document.

    Attributes:
        graph: the graph.
        about: the node.
        states: the properties the graph states of it.
        derived: whether the build derived them (the graph ``{base}graph/derived``).
    """

    graph: Value
    about: Value
    states: list[Value]
    derived: bool


class Citations:
    """The sources a page cites, numbered in the order it cites them."""

    def __init__(self, facts: Facts, show: Presenter) -> None:
        self.facts = facts
        self.show = show
        self.quote = show.ns.term("quote")
        self._sources: dict[str, Source] = {}
        self._unsourced: list[Unsourced] = []
        self._seen: set[str] = set()
        self._numbers: dict[tuple[str, str], list[int]] = {}

    def cite(self, node: str, about: Value | None = None) -> list[int]:
        """Cite every source that states something about ``node``.

        Args:
            node: a node of the facts.
            about: how to name it (its label by default).

        Returns:
            The numbers of its sources, in order.
        """
        named = about or self.show.label(node)
        numbers: list[int] = []
        for graph, stated in self.facts.in_graphs(node).items():
            sources = iris(stated.get(DCTERMS + "source", []))
            states = sorted(
                (self.show.label(p) for p in stated if p not in _NOT_STATED and p != self.quote),
                key=lambda v: v.text.casefold(),
            )
            quotes = sorted(
                (self.show.term(q) for q in stated.get(self.quote, [])), key=lambda v: v.text
            )
            if not sources:
                if node not in self._seen and states:
                    derived = graph == self.show.ns.named_graph("derived")
                    self._unsourced.append(Unsourced(self._graph(graph), named, states, derived))
                continue
            in_graph = []
            for iri in sources:
                source = self._source(iri)
                if node not in self._seen:
                    source.claim(named, states, quotes)
                in_graph.append(source.number)
            self._numbers[(node, graph)] = sorted(in_graph)
            numbers.extend(in_graph)
        self._seen.add(node)
        return sorted(set(numbers))

    def numbers(self, node: str, graph: str) -> list[int]:
        """The numbers of the sources of what ``graph`` states about ``node`` (cited)."""
        return self._numbers.get((node, graph), [])

    def sources(self) -> list[Source]:
        """The sources cited so far, by number."""
        return sorted(self._sources.values(), key=lambda s: s.number)

    def unsourced(self) -> list[Unsourced]:
        """The statements cited so far that no source document states."""
        return list(self._unsourced)

    def _source(self, iri: str) -> Source:
        found = self._sources.get(iri)
        if found is not None:
            return found
        facts, show = self.facts, self.show
        url = next(
            (
                v.value
                for v in facts.values(iri, SCHEMA + "url")
                if v.value.startswith(("https://", "http://"))
            ),
            None,
        )
        published = facts.one(iri, DCTERMS + "issued") or facts.one(iri, DCTERMS + "date")
        retrieved = facts.one(iri, show.ns.term(RETRIEVED))
        source = Source(
            len(self._sources) + 1,
            iri,
            show.label(iri),
            url,
            [show.term(p) for p in facts.values(iri, DCTERMS + "publisher")],
            [show.term(lang) for lang in facts.values(iri, DCTERMS + "language")],
            show.term(published) if published is not None else None,
            show.term(retrieved) if retrieved is not None else None,
        )
        self._sources[iri] = source
        return source

    def _graph(self, graph: str) -> Value:
        ns: Namespaces = self.show.ns
        if graph == ns.named_graph("vocabulary"):
            return self.show.label(ns.pg)
        return Value(graph.removeprefix(ns.graph))
