"""Making a write's text index from the previous snapshot's and the write's change.

The previous file is copied and the change's name and type quads counted in or out
(each fact holds the number of named graphs stating it); every resource touched then
has its names taken out and put back where its order now puts them. A new name takes
a rowid in the gap between its neighbours in search order; when a gap is used up the
names are numbered afresh (:data:`partnergraph.search_file.GAP` apart). The words
that suggestions may offer are counted in and out with the names that hold them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from partnergraph.search_build import build
from partnergraph.search_facts import TYPE_CODE, Fact, fact, indexed, summary
from partnergraph.search_file import FILE, FIRST, GAP, usable, vocabulary, writing
from partnergraph.search_kinds import OTHER

#: The place of a name in search order: (rank, sort key, IRI, name).
_Key = tuple[int, str, str, str]


def update(
    previous: Path,
    folder: Path,
    *,
    added: Iterable[ox.Quad],
    removed: Iterable[ox.Quad],
    base_iri: str,
    source: ox.Store | Path,
) -> Path:
    """Make the index of a new snapshot from the previous snapshot's and a change.

    The previous index is copied and the change's name and type quads applied;
    when the previous snapshot has no usable index, one is built from ``source``.

    Args:
        previous: the folder of the snapshot the change was made to.
        folder: the new snapshot's (candidate) folder.
        added: the quads the change added (every one new in its graph).
        removed: the quads it removed (every one there before).
        base_iri: the base IRI.
        source: the new snapshot's store or N-Quads, for a build when needed.

    Returns:
        The index file.

    Raises:
        OSError: a folder cannot be read or written.
        sqlite3.Error: a SQLite failure.
    """
    if not usable(previous / FILE):
        return build(source, folder, base_iri)
    changes = [(quad, -1) for quad in removed] + [(quad, 1) for quad in added]
    with writing(folder, copy_of=previous / FILE) as connection:
        touched: set[int] = set()
        prefixes = indexed(base_iri)
        for quad, sign in changes:
            found = fact(quad, prefixes)
            if found is not None:
                touched.add(_apply(connection, found, sign))
        _refresh(connection, touched, base_iri)
    return folder / FILE


def _apply(connection: sqlite3.Connection, found: Fact, sign: int) -> int:
    """Count one name or type quad in (``sign`` 1) or out (-1); the resource's id."""
    iri, code, lang, text = found
    row = connection.execute("SELECT id FROM resource WHERE iri = ?", (iri,)).fetchone()
    if row is None:
        cursor = connection.execute(
            "INSERT INTO resource (iri, kind, rank, labels, sort) VALUES (?, ?, ?, '{}', ?)",
            (iri, OTHER.name, OTHER.rank, iri),
        )
        resource = int(cursor.lastrowid or 0)
    else:
        resource = int(row[0])
    if code == TYPE_CODE:
        connection.execute("INSERT OR IGNORE INTO class (iri) VALUES (?)", (text,))
        (cls,) = connection.execute("SELECT id FROM class WHERE iri = ?", (text,)).fetchone()
        connection.execute(
            "INSERT INTO typed VALUES (?, ?, ?) ON CONFLICT (resource, class) "
            "DO UPDATE SET graphs = graphs + excluded.graphs",
            (resource, cls, sign),
        )
        connection.execute("DELETE FROM typed WHERE graphs <= 0 AND resource = ?", (resource,))
    else:
        connection.execute(
            "INSERT INTO label VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (resource, predicate, lang, text) "
            "DO UPDATE SET graphs = graphs + excluded.graphs",
            (resource, code, lang, text, sign),
        )
        connection.execute("DELETE FROM label WHERE graphs <= 0 AND resource = ?", (resource,))
    return resource


def _refresh(connection: sqlite3.Connection, touched: set[int], base_iri: str) -> None:
    """Make the rows of the ``touched`` resources what their facts now say: their
    names taken out first, then each put back at its place in the search order."""
    for resource in touched:
        for rowid, words in connection.execute(
            "SELECT id, words FROM name WHERE resource = ?", (resource,)
        ).fetchall():
            connection.execute(
                "INSERT INTO name_grams (name_grams, rowid, words) VALUES ('delete', ?, ?)",
                (rowid, words),
            )
            _count_words(connection, words, -1)
        connection.execute("DELETE FROM name WHERE resource = ?", (resource,))
    placed: list[tuple[_Key, int]] = []
    for resource in sorted(touched):
        (iri,) = connection.execute("SELECT iri FROM resource WHERE id = ?", (resource,)).fetchone()
        names = connection.execute(
            "SELECT predicate, lang, text FROM label WHERE resource = ?", (resource,)
        ).fetchall()
        classes = connection.execute(
            "SELECT c.iri FROM typed t JOIN class c ON c.id = t.class WHERE t.resource = ?",
            (resource,),
        ).fetchall()
        if not names and not classes:
            connection.execute("DELETE FROM resource WHERE id = ?", (resource,))
            continue
        found = summary(iri, names, frozenset(c for (c,) in classes), base_iri)
        connection.execute(
            "UPDATE resource SET kind = ?, rank = ?, type = ?, labels = ?, sort = ? WHERE id = ?",
            (*found.row(resource, iri)[2:], resource),
        )
        placed.extend((key, resource) for key in found.order(iri))
    for key, resource in placed:
        rowid = _free_rowid(connection, key)
        if rowid is None:
            _renumber(connection)
            rowid = _free_rowid(connection, key)
        connection.execute("INSERT INTO name VALUES (?, ?, ?)", (rowid, resource, key[3]))
        connection.execute("INSERT INTO name_grams (rowid, words) VALUES (?, ?)", (rowid, key[3]))
        _count_words(connection, key[3], 1)


def _count_words(connection: sqlite3.Connection, words: str, sign: int) -> None:
    """Count the words of one name (``" " + folded``) in (``sign`` 1) or out (-1)."""
    for word in vocabulary(words):
        row = connection.execute("SELECT id, names FROM word WHERE text = ?", (word,)).fetchone()
        if row is None:
            if sign > 0:
                cursor = connection.execute(
                    "INSERT INTO word (text, names) VALUES (?, ?)", (word, sign)
                )
                connection.execute(
                    "INSERT INTO word_grams (rowid, text) VALUES (?, ?)", (cursor.lastrowid, word)
                )
            continue
        number, names = row
        if names + sign > 0:
            connection.execute("UPDATE word SET names = ? WHERE id = ?", (names + sign, number))
            continue
        connection.execute(
            "INSERT INTO word_grams (word_grams, rowid, text) VALUES ('delete', ?, ?)",
            (number, word),
        )
        connection.execute("DELETE FROM word WHERE id = ?", (number,))


def _free_rowid(connection: sqlite3.Connection, key: _Key) -> int | None:
    """A rowid between the names before ``key`` in search order and those after it
    (a binary search over rowids: they are in that order), or None when there is no gap."""
    low, high = connection.execute("SELECT min(id), max(id) FROM name").fetchone()
    if low is None:
        return FIRST
    before: int | None = None
    after: int | None = None
    while low <= high:
        middle = (low + high) // 2
        row = connection.execute(
            "SELECT n.id, r.rank, r.sort, r.iri, n.words FROM name n "
            "JOIN resource r ON r.id = n.resource WHERE n.id >= ? ORDER BY n.id LIMIT 1",
            (middle,),
        ).fetchone()
        if row is None or row[0] > high:
            high = middle - 1
        elif tuple(row[1:]) < key:
            before, low = row[0], row[0] + 1
        else:
            after, high = row[0], middle - 1
    if before is None:
        return int(after) - GAP if after is not None else FIRST
    if after is None:
        return before + GAP
    return (before + after) // 2 if after - before >= 2 else None


def _renumber(connection: sqlite3.Connection) -> None:
    """Spread the names' rowids out again (a gap was used up), in the same order."""
    rows = connection.execute("SELECT resource, words FROM name ORDER BY id").fetchall()
    connection.execute("INSERT INTO name_grams (name_grams) VALUES ('delete-all')")
    connection.execute("DELETE FROM name")
    connection.executemany(
        "INSERT INTO name VALUES (?, ?, ?)",
        ((FIRST + i * GAP, resource, words) for i, (resource, words) in enumerate(rows)),
    )
    connection.execute("INSERT INTO name_grams (name_grams) VALUES ('rebuild')")
