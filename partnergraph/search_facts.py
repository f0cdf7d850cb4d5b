"""What the text index takes from a snapshot: the names and classes of its resources,
and what it shows and sorts of each.

The resources indexed are those under ``{base}id/`` and ``{base}def/``; their names
are their ``rdfs:label``, ``skos:prefLabel`` and ``skos:altLabel`` (any language),
each stated in one or more named graphs (a snapshot's default graph is their union,
and is skipped). A name is indexed *folded*
(:func:`partnergraph.curation.matching.fold`: accents and case dropped, ø/æ/ß/ł…
spelled out, punctuation one space), as ``" " + folded`` so that a space marks where
each word starts (:func:`words_of`). Folding here rather than in FTS5's tokenizer
(``unicode61 remove_diacritics 2``) also folds the letters Unicode does not decompose
(ø, æ, ł, ß), and one trigram table answers both word prefixes and infixes.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Final

import pyoxigraph as ox

from partnergraph.curation.matching import fold
from partnergraph.namespaces import RDF, RDFS, SKOS, Namespaces
from partnergraph.search_kinds import kind_of

#: The languages whose label a resource is sorted by, the first there is (then any).
SORTED_BY: Final = ("en", "sv", "fi")
#: The name predicates, by their code in the index.
NAME_PREDICATES: Final = (RDFS + "label", SKOS + "prefLabel", SKOS + "altLabel")
#: What a fact of a class has for its predicate code.
TYPE_CODE: Final = -1
_TYPE: Final = RDF + "type"

#: One fact for the index: (subject, predicate code, language, text); for a class the
#: code is :data:`TYPE_CODE`, the language empty and the text the class's IRI.
Fact = tuple[str, int, str, str]


@dataclass
class Facts:
    """What the store says of one resource: its names and classes, each with the
    number of named graphs that state it.

    Attributes:
        names: (predicate code, language, text) → graphs.
        classes: class IRI → graphs.
    """

    names: dict[tuple[int, str, str], int] = field(default_factory=dict)
    classes: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Summary:
    """What the index shows and sorts of a resource.

    Attributes:
        kind: its kind's key.
        rank: its kind's rank.
        type: the class that decided its kind, or None.
        labels: its label by language (``rdfs:label``, else ``skos:prefLabel``).
        sort: the folded label it is sorted by.
        words: its distinct names as the index holds them (:func:`words_of`).
    """

    kind: str
    rank: int
    type: str | None
    labels: dict[str, str]
    sort: str
    words: tuple[str, ...]

    def row(self, number: int, iri: str) -> tuple[object, ...]:
        """The resource's row of the ``resource`` table."""
        labels = json.dumps(self.labels, ensure_ascii=False, sort_keys=True)
        return (number, iri, self.kind, self.rank, self.type, labels, self.sort)

    def order(self, iri: str) -> list[tuple[int, str, str, str]]:
        """The place of each of its names in search order: (rank, sort, IRI, name)."""
        return [(self.rank, self.sort, iri, words) for words in self.words]


@lru_cache(maxsize=1 << 16)
def words_of(text: str) -> str:
    """``text`` as the index holds it: folded, a space before every word ("" for no word).

    Remembered: a build folds the same labels in three languages, and for its sort key.
    """
    folded = fold(text)
    return " " + folded if folded else ""


def summary(
    iri: str, names: Iterable[tuple[int, str, str]], classes: frozenset[str], base_iri: str
) -> Summary:
    """What the index shows and sorts of a resource, from its names and classes.

    Args:
        iri: the resource.
        names: its names: (predicate code, language, text).
        classes: its classes.
        base_iri: the base IRI.
    """
    names = sorted(names)
    kind, decided = kind_of(classes, base_iri)
    labels: dict[str, str] = {}
    for code in (0, 1):  # rdfs:label, else skos:prefLabel, per language
        for name_code, lang, text in names:
            if name_code == code and lang and lang not in labels:
                labels[lang] = text
    shown = next((labels[lang] for lang in (*SORTED_BY, *sorted(labels)) if lang in labels), None)
    plain = next((text for _, lang, text in names if not lang), None)
    sort = words_of(shown or plain or iri)[1:]
    words = tuple(sorted({w for _, _, text in names if (w := words_of(text))}))
    return Summary(kind.name, kind.rank, decided, labels, sort, words)


def quads_of(source: ox.Store | Path) -> Iterator[ox.Quad]:
    """The name and type quads of a snapshot (those of the default graph are skipped
    later, by :func:`fact`).

    Args:
        source: the snapshot's store (open, or the folder of an on-disk one, opened
            read-only here) or its N-Quads file.

    Raises:
        OSError: ``source`` cannot be read.
    """
    wanted = {*NAME_PREDICATES, _TYPE}
    if isinstance(source, Path) and source.is_dir():
        source = ox.Store.read_only(str(source))
    if isinstance(source, ox.Store):  # graph by graph: the default graph is their union
        for graph in sorted(source.named_graphs(), key=str):
            for predicate in sorted(wanted):
                yield from source.quads_for_pattern(None, ox.NamedNode(predicate), None, graph)
        return
    for quad in ox.parse(path=str(source), format=ox.RdfFormat.N_QUADS):
        if quad.predicate.value in wanted:
            yield quad


def indexed(base_iri: str) -> tuple[str, ...]:
    """The IRI prefixes of the resources indexed: ``{base}id/`` and ``{base}def/``."""
    ns = Namespaces(base_iri)
    return ns.id, ns.pg


def fact(quad: ox.Quad, prefixes: tuple[str, ...]) -> Fact | None:
    """What a quad says for the index, or None when it says nothing of it.

    Args:
        quad: the quad.
        prefixes: the IRI prefixes of the resources indexed (:func:`indexed`).

    Returns:
        (subject, predicate code, language, text) for a name; (subject,
        :data:`TYPE_CODE`, "", class) for a type; None for anything else, and for a
        quad of the default graph (a snapshot's union, counted per named graph).
    """
    subject = quad.subject
    if isinstance(quad.graph_name, ox.DefaultGraph):
        return None
    if not isinstance(subject, ox.NamedNode) or not subject.value.startswith(prefixes):
        return None
    predicate, obj = quad.predicate.value, quad.object
    if predicate == _TYPE:
        return (subject.value, TYPE_CODE, "", obj.value) if isinstance(obj, ox.NamedNode) else None
    if predicate in NAME_PREDICATES and isinstance(obj, ox.Literal):
        return subject.value, NAME_PREDICATES.index(predicate), obj.language or "", obj.value
    return None


def collect(quads: Iterable[ox.Quad], base_iri: str) -> dict[str, Facts]:
    """The facts of every resource indexed, from a snapshot's name and type quads."""
    facts: dict[str, Facts] = defaultdict(Facts)
    prefixes = indexed(base_iri)
    for quad in quads:
        found = fact(quad, prefixes)
        if found is None:
            continue
        subject, code, lang, text = found
        known = facts[subject]
        if code == TYPE_CODE:
            known.classes[text] = known.classes.get(text, 0) + 1
        else:
            key = (code, lang, text)
            known.names[key] = known.names.get(key, 0) + 1
    return facts
