"""Finding resources by their names: the site search, its suggestions and the home page's.

A search reads the snapshot's text index (:mod:`partnergraph.search_index`), in
four tiers, each cut as soon as enough resources are found:

1. exact: a name equal to the folded text (a B-tree lookup);
2. label prefix: a name that starts with it (a B-tree range);
3. word prefix: every word of the text starts a word of one name (FTS5 trigrams);
4. within a word: the text inside a name (FTS5 trigrams; three letters or more).

Within a tier, municipalities and networks come first, then places and the other
things of the model, then sources, contacts and terms; then by label. The names'
rowids are that order, so the FTS5 tiers read their matches in order and stop at
the limit; the exact and label-prefix tiers sort what their B-tree range finds (at
1 000 000 triples, the 6 575 names that start with "la": 2 ms).

A text that finds nothing may have suggestions, the names nearest to it ("Did you mean
…": :func:`suggest`, :mod:`partnergraph.search_suggest`).

A snapshot made before the index existed gets one the first time it is searched
(:func:`partnergraph.search_index.ensure`). Where no index can be made (a folder
that cannot be written, a SQLite without FTS5) the search falls back to
:func:`scan`, the SPARQL query that served before the index (and is the peer of
``benchmarks/search.py``); such a search suggests nothing.

Warning:
    The search text comes from a request. It is cut to :data:`MAX_LENGTH`
    characters and folded (letters, digits and single spaces are left); it reaches
    SQLite only as bound parameters, each word quoted in the FTS5 query, so no text
    is FTS5 syntax (``"``, ``*``, ``NEAR(``); the fallback binds it to the SPARQL
    query as a literal.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import pyoxigraph as ox

from partnergraph import search_index, search_suggest, snapshots
from partnergraph.curation.matching import fold
from partnergraph.describe import LANGUAGES, pick
from partnergraph.namespaces import RDF, RDFS
from partnergraph.search_facts import words_of
from partnergraph.search_file import labels_of, open_read_only
from partnergraph.search_kinds import kind_rank
from partnergraph.search_suggest import Suggestion
from partnergraph.service import QueryService

log = logging.getLogger(__name__)

#: The most results.
LIMIT: Final = 50
#: The longest search text used.
MAX_LENGTH: Final = 100
#: The fewest letters (after folding) that are searched for.
MIN_LENGTH: Final = 2
#: The tiers of a match, best first (:attr:`Hit.rank`).
EXACT, PREFIX, WORD, INFIX = 0, 1, 2, 3

_LAST_CHARACTER: Final = "\U0010ffff"
_NAMES: Final = "SELECT n.resource FROM name_grams g JOIN name n ON n.id = g.rowid WHERE "


@dataclass(frozen=True)
class Hit:
    """One resource found.

    Attributes:
        iri: the resource.
        labels: its labels by language (``rdfs:label``, else ``skos:prefLabel``).
        type: the class that decided its kind (else one of its classes), or None.
        kind: its kind (:func:`partnergraph.search_kinds.kinds`): ``municipality``,
            ``network``… or ``other``.
        rank: how it matched: 0 exact, 1 label prefix, 2 word prefix, 3 within a word.
    """

    iri: str
    labels: dict[str, str] = field(default_factory=dict)
    type: str | None = None
    kind: str = "other"
    rank: int = INFIX


def clean(text: str) -> str:
    """``text`` as searched: spaces at its ends dropped, cut to :data:`MAX_LENGTH`."""
    return text.strip()[:MAX_LENGTH].strip()


def searchable(text: str) -> bool:
    """Whether ``text`` has enough letters to be searched for (:data:`MIN_LENGTH`, folded)."""
    return len(words_of(clean(text))) - 1 >= MIN_LENGTH


def search(service: QueryService, text: str, limit: int = LIMIT, language: str = "en") -> list[Hit]:
    """The resources whose names match ``text`` in the snapshot ``service`` answers from.

    Args:
        service: the query service of the snapshot (its folder holds the index).
        text: what was typed; under :data:`MIN_LENGTH` letters finds nothing.
        limit: the most resources (at most :data:`LIMIT`).
        language: the reader's language (the order of labels within a tier).

    Returns:
        The hits, best first.
    """
    text = clean(text)
    limit = max(0, min(limit, LIMIT))
    if not searchable(text) or limit == 0:
        return []
    folder = service.spec.snapshot
    if folder is None:
        return scan(service, text, limit)
    try:
        path = search_index.ensure(folder, service.settings.base_iri, _source(folder))
        return find(path, text, limit, language)
    except (OSError, sqlite3.Error) as exc:
        log.warning("no search index in %s (%s): searching by a scan of the labels", folder, exc)
        return scan(service, text, limit)


def suggest(
    service: QueryService, text: str, limit: int = search_suggest.LIMIT
) -> list[Suggestion]:
    """The resources whose names are nearest to ``text`` ("Did you mean …"), for a text
    that finds nothing (:func:`partnergraph.search_suggest.suggest`).

    Args:
        service: the query service of the snapshot (its folder holds the index).
        text: what was typed; under :data:`MIN_LENGTH` letters suggests nothing.
        limit: the most suggestions (at most :data:`partnergraph.search_suggest.LIMIT`).

    Returns:
        The suggestions, nearest first; none where the snapshot has no index.
    """
    text = clean(text)
    folder = service.spec.snapshot
    limit = max(0, min(limit, search_suggest.LIMIT))
    if folder is None or not searchable(text) or limit == 0:
        return []
    try:
        path = search_index.ensure(folder, service.settings.base_iri, _source(folder))
        return search_suggest.suggest(path, text, limit)
    except (OSError, sqlite3.Error) as exc:
        log.warning("no search index in %s (%s): no suggestions", folder, exc)
        return []


def _source(folder: Path) -> Path:
    """What an index of the snapshot in ``folder`` is made from: its store, else its N-Quads."""
    store = folder / snapshots.STORE
    return store if store.is_dir() else folder / snapshots.DATA


def find(path: Path, text: str, limit: int, language: str = "en") -> list[Hit]:
    """The resources of the index ``path`` whose names match ``text``, best first.

    Args:
        path: the index file.
        text: what was typed (folded here; under :data:`MIN_LENGTH` letters finds nothing).
        limit: the most resources to return.
        language: the reader's language: the hits of one tier and kind are shown in
            the order of their labels in it (the index chose them in the order of
            their English labels).

    Returns:
        The hits: by tier, within a tier by kind and label.

    Raises:
        sqlite3.Error: the file is not an index.
    """
    words = words_of(text)  # " " + the folded text
    if len(words) - 1 < MIN_LENGTH or limit < 1:
        return []
    with open_read_only(path) as connection:
        ranks: dict[int, int] = {}
        for tier in _tiers(words):
            _read_tier(connection, tier, ranks, limit)
            if len(ranks) >= limit:
                break
        hits = _hits(connection, ranks)
    if language != "en":
        hits.sort(key=lambda h: (h.rank, kind_rank(h.kind), _sort_label(h, language)))
    return hits


def _sort_label(hit: Hit, language: str) -> str:
    found = pick(hit.labels, language)
    return fold(found[0]) if found else hit.iri


#: A tier: its rank, its query (rows of resource ids, in order), the query's parameters.
_Tier = tuple[int, str, tuple[str, ...]]


def _tiers(words: str) -> Iterator[_Tier]:
    """Each tier's query (rows of resource ids, in order) for ``words`` (" " + folded)."""
    yield EXACT, "SELECT resource FROM name WHERE words = ? ORDER BY id", (words,)
    yield (
        PREFIX,
        "SELECT resource FROM name WHERE words >= ? AND words < ? ORDER BY id",
        (words, words + _LAST_CHARACTER),
    )
    terms = words.split()
    long = [term for term in terms if len(term) >= 2]  # " x" is too short for a trigram
    if long:
        short = [f"% {term}%" for term in terms if len(term) < 2]
        match = " AND ".join(_phrase(" " + term) for term in long)
        filters = " AND n.words LIKE ?" * len(short)
        yield WORD, f"{_NAMES}name_grams MATCH ?{filters} ORDER BY g.rowid", (match, *short)
    if len(words) > 3:
        yield INFIX, f"{_NAMES}name_grams MATCH ? ORDER BY g.rowid", (_phrase(words[1:]),)


def _phrase(text: str) -> str:
    """``text`` as one FTS5 string: quoted, a quote in it doubled."""
    return '"' + text.replace('"', '""') + '"'


def _read_tier(
    connection: sqlite3.Connection, tier: _Tier, ranks: dict[int, int], limit: int
) -> None:
    """Add the resources of one tier to ``ranks`` (in order) until ``limit`` are known,
    reading its rows a page at a time (a resource may match by several names)."""
    rank, sql, parameters = tier
    offset, page = 0, 4 * limit + len(ranks)
    while len(ranks) < limit:
        rows = connection.execute(f"{sql} LIMIT ? OFFSET ?", (*parameters, page, offset))
        count = 0
        for (resource,) in rows:
            count += 1
            ranks.setdefault(resource, rank)
            if len(ranks) >= limit:
                return
        if count < page:
            return
        offset, page = offset + page, page * 2


def _hits(connection: sqlite3.Connection, ranks: dict[int, int]) -> list[Hit]:
    """The resources of ``ranks``, in its order."""
    if not ranks:
        return []
    marks = ",".join("?" * len(ranks))
    rows = connection.execute(
        f"SELECT id, iri, labels, type, kind FROM resource WHERE id IN ({marks})",  # noqa: S608
        tuple(ranks),
    ).fetchall()
    by_id = {row[0]: row[1:] for row in rows}
    hits = []
    for resource, rank in ranks.items():
        if resource in by_id:
            iri, labels, type_, kind = by_id[resource]
            hits.append(Hit(iri, labels_of(labels), type_, kind, rank))
    return hits


_SCAN = (
    "SELECT ?x (MIN(STR(?t)) AS ?type) "
    + " ".join(f"(SAMPLE(?l_{lang}) AS ?label_{lang})" for lang in LANGUAGES)
    + f" WHERE {{ ?x <{RDFS}label> ?hit FILTER (isIRI(?x) && CONTAINS(LCASE(STR(?hit)), ?q)) "
    + f"OPTIONAL {{ ?x <{RDF}type> ?t }} "
    + " ".join(
        f'OPTIONAL {{ ?x <{RDFS}label> ?l_{lang} FILTER (LANG(?l_{lang}) = "{lang}") }}'
        for lang in LANGUAGES
    )
    + " } GROUP BY ?x ORDER BY ?x LIMIT {limit}"
)


def scan(service: QueryService, text: str, limit: int = LIMIT) -> list[Hit]:
    """The resources whose ``rdfs:label`` contains ``text`` lower-cased (SPARQL's ``LCASE``;
    no accents folded), by IRI: one query over every label, no index.

    Returns:
        The hits (rank 3, kind ``other``), at most ``limit``.
    """
    text = clean(text).lower()
    if len(text) < MIN_LENGTH or limit < 1:
        return []
    query = _SCAN.replace("{limit}", str(min(limit, LIMIT)))
    rows = service.select(query, {"q": ox.Literal(text)}, limit).rows
    hits = []
    for row in rows:
        iri, kind = row["x"], row["type"]
        if not isinstance(iri, ox.NamedNode):
            continue
        labels = {
            lang: label.value
            for lang in LANGUAGES
            if isinstance(label := row[f"label_{lang}"], ox.Literal)
        }
        hits.append(Hit(iri.value, labels, kind.value if isinstance(kind, ox.Literal) else None))
    return hits
