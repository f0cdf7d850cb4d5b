"""The text index of a snapshot, for the site search: given to each new snapshot, or
made at the first search of a snapshot that has none.

https://www.sqlite.org/fts5.html

Each snapshot folder holds one index, ``search.sqlite``: SQLite FTS5 with the
``trigram`` tokenizer over the folded names of the snapshot's resources. It is made
by these modules, each with one job:

| module | its job |
| --- | --- |
| :mod:`partnergraph.search_kinds` | the kinds of resource and their ranks |
| :mod:`partnergraph.search_facts` | the names and classes read from a store, folded |
| :mod:`partnergraph.search_file` | the file: its layout, opened to read, written whole |
| :mod:`partnergraph.search_build` | an index made whole from a snapshot |
| :mod:`partnergraph.search_update` | a write's index, from the previous one and a change |

This module is what the build (:mod:`partnergraph.snapshots`) and a write
(:mod:`partnergraph.writes.commit`) call for a new snapshot (:func:`index_snapshot`),
and what a search calls for the index of the snapshot it reads (:func:`ensure`).
It is read by :mod:`partnergraph.search` and :mod:`partnergraph.search_suggest`.
"""

from __future__ import annotations

import fcntl
import logging
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Final

import pyoxigraph as ox

from partnergraph.search_build import build
from partnergraph.search_file import FILE, usable
from partnergraph.search_update import update

log = logging.getLogger(__name__)

#: Held while an index is made for a snapshot that has none.
LOCK: Final = ".search.lock"


def index_snapshot(
    folder: Path,
    base_iri: str,
    source: ox.Store | Path,
    previous: Path | None = None,
    change: tuple[Iterable[ox.Quad], Iterable[ox.Quad]] = ((), ()),
) -> Path | None:
    """Give a new snapshot its index while it is made (the call of the build and of a
    write): from the previous snapshot's index and the change when ``previous`` is
    given, else built from ``source``.

    A failure is logged, not raised: the snapshot is whole without its index, and the
    first search of it makes one (:func:`ensure`).

    Args:
        folder: the new snapshot's (candidate) folder.
        base_iri: the base IRI.
        source: its store (open, or its folder) or its N-Quads file.
        previous: the folder of the snapshot a write changed, or None for a build.
        change: the quads the write added and removed (with ``previous``).

    Returns:
        The index file, or None when it could not be made.
    """
    try:
        if previous is None:
            return build(source, folder, base_iri)
        added, removed = change
        return update(
            previous, folder, added=added, removed=removed, base_iri=base_iri, source=source
        )
    except (OSError, sqlite3.Error) as exc:
        log.warning("no search index made in %s (%s): it is made at its first search", folder, exc)
        return None


def ensure(folder: Path, base_iri: str, source: Path) -> Path:
    """The index of the snapshot in ``folder``, made first when it has none (an older
    snapshot, or one whose index has another layout): one process makes it (a lock in
    the folder), the others wait for it.

    Args:
        folder: the snapshot's folder.
        base_iri: the base IRI.
        source: the snapshot's store folder or N-Quads file.

    Returns:
        The index file.

    Raises:
        OSError: the folder cannot be written.
        sqlite3.Error: this SQLite has no FTS5.
    """
    path = folder / FILE
    if usable(path):
        return path
    with (folder / LOCK).open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not usable(path):
                build(source, folder, base_iri)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return path
