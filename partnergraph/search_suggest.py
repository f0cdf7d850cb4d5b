"""The names nearest to a text that finds nothing: the site search's "Did you mean …".

Read from the text index (:mod:`partnergraph.search_file`), never by a scan of every
name, in three steps:

1. **words**: each word of the folded text that no name holds (and that has
   :data:`~partnergraph.search_file.SHORTEST_WORD` letters or more, no digit) is
   replaced by its nearest words of the index's ``word`` table: those sharing
   trigrams with it, or with it spelt with two neighbouring letters swapped ("lhati"
   shares no trigram with "lahti", "lahti" is one swap away), the best
   :data:`CANDIDATES` by FTS5's bm25 ranked again by :func:`similarity`, kept from
   :data:`WORD_CUT` up, at most :data:`CHOICES` a word. A text with more than
   :data:`MOST_UNKNOWN` such words, or one of more than :data:`LONGEST_WORD` letters,
   is near nothing;
2. **names**: each of the best :data:`CORRECTIONS` texts so made finds names: equal to
   it, then holding each of its words at a word's start (FTS5, in search order), at
   most :data:`NAMES`;
3. **ranked**: each name found is compared with the text as typed (:func:`score`); a
   resource counts by its best name; those from :data:`CUT` up are kept, best first,
   then in search order (municipalities and networks first). Of resources whose best
   name is the same (5 000 posts named "International Secretary" at 1 000 000
   triples) the first stands for all (:attr:`Suggestion.shared`).

A text with a word that nothing is near ("zzzzqqq") suggests nothing. At 1 000 000
triples the ``word`` table holds about 5 000 words where ``name`` holds 190 000 names,
so the bm25 ranking of step 1 reads a few thousand rows at most (benchmarks/search.py).

Warning:
    The text comes from a request: it is folded first (letters, digits and single
    spaces are left), and reaches SQLite only as bound parameters, every trigram and
    word quoted as an FTS5 string.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Final

from partnergraph.search_facts import words_of
from partnergraph.search_file import SHORTEST_WORD, labels_of, open_read_only

#: The most suggestions.
LIMIT: Final = 5
#: Words of the index read (by bm25) for each word that no name holds.
CANDIDATES: Final = 40
#: The fewest a word of the index must have of :func:`similarity` to stand for one typed.
WORD_CUT: Final = 0.7
#: The most words that may stand for one word typed.
CHOICES: Final = 3
#: The most words of a text that no name holds: a text with more is near nothing.
MOST_UNKNOWN: Final = 3
#: The longest word that is looked for among the words of the index.
LONGEST_WORD: Final = 30
#: The most texts (the words typed, some replaced) whose names are read.
CORRECTIONS: Final = 3
#: The most names read for each text.
NAMES: Final = 40
#: The fewest a name must have of :func:`score` to be suggested.
CUT: Final = 0.75
#: What a match of the text within a longer name counts, against a match of the whole.
WITHIN: Final = 0.9

_WORDS: Final = (
    "SELECT w.text, w.names FROM word w JOIN (SELECT rowid AS id, rank FROM word_grams "
    "WHERE word_grams MATCH ? ORDER BY rank LIMIT ?) g ON g.id = w.id"
)
_EQUAL: Final = "SELECT id, resource, words FROM name WHERE words = ? ORDER BY id LIMIT ?"
_HOLDING: Final = (
    "SELECT n.id, n.resource, n.words FROM name_grams g JOIN name n ON n.id = g.rowid "
    "WHERE name_grams MATCH ? ORDER BY g.rowid LIMIT ?"
)


@dataclass(frozen=True)
class Suggestion:
    """A resource whose name is near the text searched for.

    Attributes:
        iri: the resource.
        labels: its labels by language.
        type: the class that decided its kind, or None.
        kind: its kind (``municipality``…, or ``other``).
        score: how near its nearest name is (:func:`score`, 0 to 1).
        shared: whether other resources have that name too (a search for it finds
            them all).
    """

    iri: str
    labels: dict[str, str] = field(default_factory=dict)
    type: str | None = None
    kind: str = "other"
    score: float = 0.0
    shared: bool = False


def similarity(typed: str, found: str) -> float:
    """How alike two folded texts are, 0 to 1 (difflib's ratio: twice the letters they
    share in order over the letters of both)."""
    return SequenceMatcher(None, typed, found, autojunk=False).ratio()


def score(typed: str, name: str) -> float:
    """How near a name (folded) is to the text typed (folded): the :func:`similarity` of
    the whole name, or :data:`WITHIN` times that of its best run of as many words as
    the text has, whichever is more ("eurocitys" is near "eurocities culture forum")."""
    whole = similarity(typed, name)
    words, width = name.split(), len(typed.split())
    if len(words) <= width:
        return whole
    runs = (" ".join(words[i : i + width]) for i in range(len(words) - width + 1))
    return max(whole, WITHIN * max(similarity(typed, run) for run in runs))


def suggest(path: Path, text: str, limit: int = LIMIT) -> list[Suggestion]:
    """The resources whose names are nearest to ``text``, best first.

    Args:
        path: the index file.
        text: what was typed (folded here).
        limit: the most suggestions.

    Returns:
        At most ``limit`` suggestions; none when a word of ``text`` has nothing near it.

    Raises:
        sqlite3.Error: the file is not an index of this layout.
    """
    typed = words_of(text)[1:]
    if not typed or limit < 1:
        return []
    with open_read_only(path) as connection:
        unknown = {word for word in set(typed.split()) if not _known(connection, word)}
        if len(unknown) > MOST_UNKNOWN:
            return []
        nearest = {word: _nearest_words(connection, word) for word in unknown}
        choices = [nearest.get(word, [(word, 1.0)]) for word in typed.split()]
        if not all(choices):
            return []
        best: dict[int, _Near] = {}
        for corrected in _corrections(choices):
            for rowid, resource, words in _names(connection, corrected):
                found = round(score(typed, words[1:]), 6)
                known = best.get(resource)
                if found >= CUT and (known is None or (-found, rowid) < known[:2]):
                    best[resource] = (-found, rowid, words)
        return _suggestions(connection, _chosen(best, limit))


#: How near a resource is: (-score, rowid of its nearest name, that name).
_Near = tuple[float, int, str]


def _chosen(best: dict[int, _Near], limit: int) -> list[tuple[int, float, bool]]:
    """The first ``limit`` resources of ``best`` (nearest first, then in search order),
    one for each name: (resource, score, whether others share its name)."""
    chosen: dict[str, tuple[int, float, bool]] = {}
    for resource, (near, _, words) in sorted(best.items(), key=lambda item: item[1]):
        if words in chosen:
            first, found, _ = chosen[words]
            chosen[words] = (first, found, True)
        elif len(chosen) < limit:
            chosen[words] = (resource, -near, False)
    return list(chosen.values())


def _known(connection: sqlite3.Connection, word: str) -> bool:
    """Whether ``word`` stands as typed: a name holds it, or it is not of the words of
    suggestions (too short, or with a digit)."""
    if len(word) < SHORTEST_WORD or any(c.isdigit() for c in word):
        return True
    return bool(connection.execute("SELECT 1 FROM word WHERE text = ?", (" " + word,)).fetchone())


def _nearest_words(connection: sqlite3.Connection, word: str) -> list[tuple[str, float]]:
    """The words of the index that may stand for ``word`` (which no name holds), with
    their similarity, nearest first; none for a word over :data:`LONGEST_WORD`."""
    if len(word) > LONGEST_WORD:
        return []
    grams = sorted({g for spelt in (word, *_swapped(word)) for g in _trigrams(" " + spelt)})
    match = " OR ".join(_phrase(g) for g in grams)
    found = []
    for text, names in connection.execute(_WORDS, (match, CANDIDATES)):
        near = similarity(word, text[1:])
        if near >= WORD_CUT:
            found.append((-near, -names, text[1:]))
    return [(text, -near) for near, _, text in sorted(found)[:CHOICES]]


def _corrections(choices: list[list[tuple[str, float]]]) -> list[str]:
    """The best :data:`CORRECTIONS` texts made of one choice per word, by the product of
    their similarities (word by word, the best so far kept: the best texts begin with
    the best beginnings)."""
    made: list[tuple[float, str]] = [(-1.0, "")]  # (minus the product, the text so far)
    for options in choices:
        longer = ((less * near, f"{text} {word}") for less, text in made for word, near in options)
        made = sorted(longer)[:CORRECTIONS]
    return [text.lstrip() for _, text in made]


def _names(connection: sqlite3.Connection, corrected: str) -> list[tuple[int, int, str]]:
    """The names equal to ``corrected``, then those holding each of its words at a
    word's start (in search order): (rowid, resource, name) each."""
    rows = connection.execute(_EQUAL, (" " + corrected, NAMES)).fetchall()
    long = [word for word in corrected.split() if len(word) >= 2]  # " x": no trigram
    if long:
        match = " AND ".join(_phrase(" " + word) for word in long)
        rows += connection.execute(_HOLDING, (match, NAMES)).fetchall()
    return rows


def _suggestions(
    connection: sqlite3.Connection, chosen: list[tuple[int, float, bool]]
) -> list[Suggestion]:
    """The resources of ``chosen`` ((resource, score, shared) each), in its order."""
    if not chosen:
        return []
    marks = ",".join("?" * len(chosen))
    rows = connection.execute(
        f"SELECT id, iri, labels, type, kind FROM resource WHERE id IN ({marks})",  # noqa: S608
        tuple(resource for resource, _, _ in chosen),
    ).fetchall()
    by_id = {row[0]: row[1:] for row in rows}
    made = []
    for resource, found, shared in chosen:
        if resource in by_id:
            iri, labels, type_, kind = by_id[resource]
            made.append(Suggestion(iri, labels_of(labels), type_, kind, found, shared))
    return made


def _swapped(word: str) -> set[str]:
    """``word`` with each pair of neighbouring letters swapped."""
    return {word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1)}


def _trigrams(text: str) -> set[str]:
    return {text[i : i + 3] for i in range(len(text) - 2)}


def _phrase(text: str) -> str:
    """``text`` as one FTS5 string: quoted, a quote in it doubled."""
    return '"' + text.replace('"', '""') + '"'
