"""Making a snapshot's text index whole, from its store or its N-Quads.

Every resource under ``{base}id/`` and ``{base}def/`` with its names and classes
(:mod:`partnergraph.search_facts`) is written to a new ``search.sqlite``
(:mod:`partnergraph.search_file`): its names numbered in the order results are
shown in (rank, then label), so that a search reads FTS5 matches in order and stops
at its limit; then their trigrams, and the words that suggestions may offer.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from pathlib import Path

import pyoxigraph as ox

from partnergraph.search_facts import Facts, collect, quads_of, summary
from partnergraph.search_file import FILE, FIRST, FORMAT, GAP, vocabulary, writing


def build(source: ox.Store | Path, folder: Path, base_iri: str) -> Path:
    """Make the index of a snapshot in ``folder`` (a temporary file renamed into place).

    Args:
        source: the snapshot's store (open, or the folder of an on-disk one, opened
            read-only here) or its N-Quads file. Only quads in named graphs count
            (a snapshot's default graph is their union).
        folder: the snapshot's folder (or the candidate folder of one).
        base_iri: the base IRI: resources under ``{base}id/`` and ``{base}def/`` are indexed.

    Returns:
        The index file.

    Raises:
        OSError: ``folder`` cannot be written, or ``source`` cannot be read.
        sqlite3.Error: this SQLite has no FTS5 (or another SQLite failure).
    """
    facts = collect(quads_of(source), base_iri)
    with writing(folder) as connection:
        _fill(connection, facts, base_iri)
    return folder / FILE


def _fill(connection: sqlite3.Connection, facts: dict[str, Facts], base_iri: str) -> None:
    """Write every resource, its facts and its names (rowids in search order)."""
    classes: dict[str, int] = {}
    ordered: list[tuple[tuple[int, str, str, str], int]] = []
    resource_rows: list[tuple[object, ...]] = []
    label_rows: list[tuple[object, ...]] = []
    typed_rows: list[tuple[int, int, int]] = []
    for number, (iri, known) in enumerate(sorted(facts.items()), start=1):
        found = summary(iri, known.names, frozenset(known.classes), base_iri)
        resource_rows.append(found.row(number, iri))
        label_rows.extend((number, *key, count) for key, count in known.names.items())
        for cls, count in known.classes.items():
            typed_rows.append((number, classes.setdefault(cls, len(classes) + 1), count))
        ordered.extend((key, number) for key in found.order(iri))
    ordered.sort()
    connection.executemany("INSERT INTO resource VALUES (?, ?, ?, ?, ?, ?, ?)", resource_rows)
    connection.executemany("INSERT INTO label VALUES (?, ?, ?, ?, ?)", label_rows)
    connection.executemany("INSERT INTO class VALUES (?, ?)", ((n, c) for c, n in classes.items()))
    connection.executemany("INSERT INTO typed VALUES (?, ?, ?)", typed_rows)
    connection.executemany(
        "INSERT INTO name VALUES (?, ?, ?)",
        ((FIRST + i * GAP, number, key[3]) for i, (key, number) in enumerate(ordered)),
    )
    connection.execute("INSERT INTO name_grams (name_grams) VALUES ('rebuild')")
    connection.execute("INSERT INTO name_grams (name_grams) VALUES ('optimize')")
    words = Counter(word for key, _ in ordered for word in vocabulary(key[3]))
    connection.executemany("INSERT INTO word (text, names) VALUES (?, ?)", sorted(words.items()))
    connection.execute("INSERT INTO word_grams (word_grams) VALUES ('rebuild')")
    connection.execute("INSERT INTO word_grams (word_grams) VALUES ('optimize')")
    connection.executemany(
        "INSERT INTO meta VALUES (?, ?)", (("base_iri", base_iri), ("format", str(FORMAT)))
    )
