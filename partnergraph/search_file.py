"""The file of a snapshot's text index, ``search.sqlite``: its layout, opened to read,
written whole.

https://www.sqlite.org/fts5.html

The tables:

- ``resource``: one row per resource indexed (IRI, kind, rank, the class that
  decided its kind, its labels by language as JSON, its sort key);
- ``label`` and ``typed``: the facts it was made from, each with the number of
  named graphs stating it (what a write's change is counted against), ``class``
  the classes by number;
- ``name``: one row per distinct folded name of a resource, ``" " + folded``, so that
  a space marks where each word starts; its rowid is its place in the order results
  are shown in (rank, then sort key), :data:`FIRST` then every :data:`GAP`, so that a
  name added later takes a rowid between its neighbours;
- ``name_grams``: FTS5 with the ``trigram`` tokenizer over ``name.words``;
- ``word`` and ``word_grams``: every word of the names that suggestions may offer
  (:func:`vocabulary`), ``" " + word`` with the number of names holding it, and FTS5
  trigrams over them (:mod:`partnergraph.search_suggest` finds the words nearest to
  a misspelt one there: a few thousand rows where ``name`` has hundreds of thousands).

A file is written once, under a temporary name, and renamed into place
(:func:`writing`); once there it never changes and is read as immutable.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import sqlite3
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Final

from partnergraph.atomic import sync_folder

#: The index's file in a snapshot folder.
FILE: Final = "search.sqlite"
#: The layout of the file (``PRAGMA user_version``); another layout is made again.
#: 1: names and their trigrams; 2: the words of suggestions added.
FORMAT: Final = 2
#: The rowid of the first name, in search order.
FIRST: Final = 1 << 32
#: The room between two names' rowids when they are numbered afresh.
GAP: Final = 1 << 16
#: The fewest characters of a word that suggestions may offer.
SHORTEST_WORD: Final = 3

SCHEMA_SQL: Final = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE resource (
  id INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,
  rank INTEGER NOT NULL, type TEXT, labels TEXT NOT NULL, sort TEXT NOT NULL);
CREATE TABLE label (
  resource INTEGER NOT NULL, predicate INTEGER NOT NULL, lang TEXT NOT NULL,
  text TEXT NOT NULL, graphs INTEGER NOT NULL,
  PRIMARY KEY (resource, predicate, lang, text)) WITHOUT ROWID;
CREATE TABLE class (id INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE);
CREATE TABLE typed (
  resource INTEGER NOT NULL, class INTEGER NOT NULL, graphs INTEGER NOT NULL,
  PRIMARY KEY (resource, class)) WITHOUT ROWID;
CREATE TABLE name (id INTEGER PRIMARY KEY, resource INTEGER NOT NULL, words TEXT NOT NULL);
CREATE INDEX name_words ON name (words);
CREATE INDEX name_resource ON name (resource);
CREATE VIRTUAL TABLE name_grams USING fts5 (
  words, content='name', content_rowid='id', tokenize='trigram');
CREATE TABLE word (id INTEGER PRIMARY KEY, text TEXT NOT NULL UNIQUE, names INTEGER NOT NULL);
CREATE VIRTUAL TABLE word_grams USING fts5 (
  text, content='word', content_rowid='id', tokenize='trigram');
"""


def vocabulary(words: str) -> set[str]:
    """The words of a name (``" " + folded``) that suggestions may offer, each as
    ``" " + word``: those of :data:`SHORTEST_WORD` characters or more, without a digit
    (a number is not misspelt the way a name is)."""
    return {
        " " + word
        for word in words.split()
        if len(word) >= SHORTEST_WORD and not any(c.isdigit() for c in word)
    }


def labels_of(stored: str) -> dict[str, str]:
    """A resource's labels by language, from the index's ``resource.labels`` column."""
    labels = json.loads(stored)
    return (
        {str(lang): str(text) for lang, text in labels.items()} if isinstance(labels, dict) else {}
    )


@contextlib.contextmanager
def open_read_only(path: Path) -> Iterator[sqlite3.Connection]:
    """The index at ``path`` opened read-only (it never changes once in place)."""
    connection = sqlite3.connect(
        f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True, check_same_thread=False
    )
    try:
        yield connection
    finally:
        connection.close()


def usable(path: Path) -> bool:
    """Whether ``path`` is an index of this layout (read once per file version)."""
    try:
        found = path.stat()
    except OSError:
        return False
    return _usable(path, found.st_ino, found.st_mtime_ns, found.st_size)


@lru_cache(maxsize=64)
def _usable(path: Path, _inode: int, _changed: int, _size: int) -> bool:
    try:
        with open_read_only(path) as connection:
            return bool(connection.execute("PRAGMA user_version").fetchone()[0] == FORMAT)
    except sqlite3.Error:
        return False


@contextlib.contextmanager
def writing(folder: Path, copy_of: Path | None = None) -> Iterator[sqlite3.Connection]:
    """A new index file in ``folder``, renamed into place once the block ends.

    Args:
        folder: the snapshot's (candidate) folder.
        copy_of: an index to start from (copied), or None for an empty one of this layout.

    Yields:
        The open file: on leaving the block without an error it is marked with
        :data:`FORMAT`, committed, synced and renamed to :data:`FILE`; removed otherwise.

    Raises:
        OSError: ``folder`` cannot be written, or ``copy_of`` read.
        sqlite3.Error: a SQLite failure (this SQLite has no FTS5, say).
    """
    temporary = folder / f".search-{os.getpid()}-{secrets.token_hex(4)}.sqlite"
    if copy_of is not None:
        shutil.copyfile(copy_of, temporary)
    connection = sqlite3.connect(temporary)
    try:
        connection.execute("PRAGMA journal_mode = OFF")
        connection.execute("PRAGMA synchronous = OFF")
        if copy_of is None:
            connection.executescript(SCHEMA_SQL)
        yield connection
        connection.execute(f"PRAGMA user_version = {FORMAT}")
        connection.commit()
        connection.close()
        with temporary.open("rb+") as stream:
            os.fsync(stream.fileno())
        os.replace(temporary, folder / FILE)
        sync_folder(folder)
    finally:
        connection.close()
        temporary.unlink(missing_ok=True)
