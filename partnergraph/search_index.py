"""The text index of a snapshot: SQLite FTS5 over folded labels, for the site search.

https://www.sqlite.org/fts5.html

Each snapshot folder holds one index, ``search.sqlite``, made from the snapshot's
store: every resource under ``{base}id/`` and ``{base}def/`` with its
``rdfs:label``, ``skos:prefLabel`` and ``skos:altLabel`` (any language), and its
classes. A name is indexed *folded* (:func:`partnergraph.curation.matching.fold`:
accents and case dropped, ø/æ/ß/ł… spelled out, punctuation one space), as
``" " + folded`` so that a space marks where each word starts, with FTS5's
``trigram`` tokenizer: a phrase ``" lun"`` finds every name with a word that starts
with "lun", a phrase ``"und"`` every name holding "und" anywhere. Folding here
rather than in the tokenizer (``unicode61 remove_diacritics 2``) also folds the
letters Unicode does not decompose (ø, æ, ł, ß), and one trigram table answers
both word prefixes and infixes.

Every name's rowid is its place in the order results are shown in (the kind of
resource: municipalities and networks first; then the label), with gaps between, so
that a search (:mod:`partnergraph.search`) reads FTS5 matches in order and stops at its
limit. The file's tables: ``resource`` (IRI, kind, labels, sort key), ``label`` and
``typed`` (the facts, each with the number of named graphs stating it), ``name``
(one row per distinct folded name of a resource) and ``name_grams`` (FTS5 over it).

A write's snapshot gets its index from the previous one (:func:`update`): the file
copied and the change's name and type quads counted in or out; a name the write
adds takes a rowid in the gap where its order puts it (the rowids are spread out
again when a gap is used up).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import secrets
import shutil
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Final

import pyoxigraph as ox

from partnergraph.atomic import sync_folder
from partnergraph.curation.matching import fold
from partnergraph.namespaces import ORG, OWL, RDF, RDFS, SCHEMA, SKOS, Namespaces

log = logging.getLogger(__name__)

#: The index's file in a snapshot folder.
FILE: Final = "search.sqlite"
#: Held while an index is made for a snapshot that has none.
LOCK: Final = ".search.lock"
#: The layout of the file (``PRAGMA user_version``); another layout is made again.
FORMAT: Final = 1
#: The languages whose label a resource is sorted by, the first there is (then any).
SORTED_BY: Final = ("en", "sv", "fi")
#: The name predicates, by their code in the index.
NAME_PREDICATES: Final = (RDFS + "label", SKOS + "prefLabel", SKOS + "altLabel")
_TYPE: Final = RDF + "type"
_FIRST: Final = 1 << 32
_GAP: Final = 1 << 16

_SCHEMA_SQL: Final = """
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
"""


@dataclass(frozen=True)
class Kind:
    """A kind of resource, found by its classes.

    Attributes:
        name: its key (``municipality``, ``network``…).
        rank: its place in a tier (0 first).
        any_of: it has one of these classes…
        all_of: …and every one of these.
    """

    name: str
    rank: int
    any_of: frozenset[str]
    all_of: frozenset[str] = frozenset()

    def fits(self, classes: frozenset[str]) -> str | None:
        """The class of ``classes`` that makes it this kind (the first by IRI), or None."""
        if not self.all_of <= classes:
            return None
        return min(self.any_of & classes, default=None)


#: What is not any of the kinds.
OTHER: Final = Kind("other", 2, frozenset())


@lru_cache(maxsize=8)
def kinds(base_iri: str) -> tuple[Kind, ...]:
    """The kinds of resource under ``base_iri``, in the order they are tried."""
    pg = Namespaces(base_iri).pg

    def of(name: str, rank: int, any_of: str, all_of: str = "") -> Kind:
        return Kind(name, rank, frozenset(any_of.split()), frozenset(all_of.split()))

    s, org, owl, rdfs, skos = SCHEMA, ORG, OWL, RDFS, SKOS
    return (
        of("municipality", 0, f"{s}City", all_of=f"{org}Organization"),
        of("network", 0, f"{pg}Network"),
        of("place", 1, f"{s}City {s}Country {s}Place"),
        of("partnership", 1, f"{pg}Partnership"),
        of("programme", 1, f"{pg}Programme {s}Project {s}FundingScheme"),
        of("event", 1, f"{s}Event {s}EventSeries"),
        of("organisation", 1, f"{org}Organization {s}Organization {s}CollegeOrUniversity "
           f"{s}ResearchOrganization {s}GovernmentOrganization"),
        of("source", 2, f"{pg}SourceDocument"),
        of("contact", 2, f"{s}ContactPoint {org}Post {s}Person"),
        of("concept", 2, f"{skos}Concept {skos}ConceptScheme"),
        of("term", 2, f"{owl}Class {rdfs}Class {RDF}Property {owl}ObjectProperty "
           f"{owl}DatatypeProperty {owl}AnnotationProperty"),
    )  # fmt: skip


def kind_rank(name: str) -> int:
    """The rank of the kind ``name`` (:attr:`Kind.rank`; :data:`OTHER`'s when unknown)."""
    return next((k.rank for k in kinds("") if k.name == name), OTHER.rank)


@lru_cache(maxsize=1024)
def kind_of(classes: frozenset[str], base_iri: str) -> tuple[Kind, str | None]:
    """The kind of a resource with ``classes``, and the class that decided it (for
    :data:`OTHER`: the first of its classes by IRI, or None)."""
    for kind in kinds(base_iri):
        found = kind.fits(classes)
        if found is not None:
            return kind, found
    return OTHER, min(classes, default=None)


@dataclass
class _Facts:
    """What the store says of one resource: its names and classes, each with the
    number of named graphs that state it."""

    names: dict[tuple[int, str, str], int] = field(default_factory=dict)
    classes: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class _Summary:
    kind: str
    rank: int
    type: str | None
    labels: dict[str, str]
    sort: str
    words: tuple[str, ...]


@lru_cache(maxsize=1 << 16)
def words_of(text: str) -> str:
    """``text`` as the index holds it: folded, a space before every word ("" for no word).

    Remembered: a build folds the same labels in three languages, and for its sort key.
    """
    folded = fold(text)
    return " " + folded if folded else ""


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
    facts = _collect(_quads(source), base_iri)
    with _writing(folder) as connection:
        _fill(connection, facts, base_iri)
    return folder / FILE


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
    with _writing(folder, copy_of=previous / FILE) as connection:
        touched: set[int] = set()
        indexed = _indexed(base_iri)
        for quad, sign in changes:
            fact = _fact(quad, indexed)
            if fact is not None:
                touched.add(_apply(connection, fact, sign))
        _refresh(connection, touched, base_iri)
    return folder / FILE


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


def labels_of(stored: str) -> dict[str, str]:
    """A resource's labels by language, from the index's ``resource.labels`` column."""
    labels = json.loads(stored)
    return (
        {str(lang): str(text) for lang, text in labels.items()} if isinstance(labels, dict) else {}
    )


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


def ensure(folder: Path, base_iri: str, source: Path) -> Path:
    """The index of the snapshot in ``folder``, made first when it has none (an older
    snapshot): one process makes it (a lock in the folder), the others wait for it.

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


# ---- reading the store ------------------------------------------------------------


def _quads(source: ox.Store | Path) -> Iterator[ox.Quad]:
    """The name and type quads of ``source`` (those of the default graph are skipped later)."""
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


def _fact(quad: ox.Quad, indexed: tuple[str, ...]) -> tuple[str, int, str, str] | None:
    """What a quad says for the index: (subject, predicate code, language, text) for a
    name (code -1 and the class for a type), or None when it says nothing of it.

    Args:
        quad: the quad.
        indexed: the IRI prefixes of the resources indexed (:func:`_indexed`).
    """
    subject = quad.subject
    if isinstance(quad.graph_name, ox.DefaultGraph):  # a snapshot's union: counted per graph
        return None
    if not isinstance(subject, ox.NamedNode) or not subject.value.startswith(indexed):
        return None
    predicate, obj = quad.predicate.value, quad.object
    if predicate == _TYPE:
        return (subject.value, -1, "", obj.value) if isinstance(obj, ox.NamedNode) else None
    if predicate in NAME_PREDICATES and isinstance(obj, ox.Literal):
        return subject.value, NAME_PREDICATES.index(predicate), obj.language or "", obj.value
    return None


def _indexed(base_iri: str) -> tuple[str, ...]:
    """The IRI prefixes of the resources indexed: ``{base}id/`` and ``{base}def/``."""
    ns = Namespaces(base_iri)
    return ns.id, ns.pg


def _collect(quads: Iterable[ox.Quad], base_iri: str) -> dict[str, _Facts]:
    facts: dict[str, _Facts] = defaultdict(_Facts)
    indexed = _indexed(base_iri)
    for quad in quads:
        fact = _fact(quad, indexed)
        if fact is None:
            continue
        subject, code, lang, text = fact
        known = facts[subject]
        if code < 0:
            known.classes[text] = known.classes.get(text, 0) + 1
        else:
            key = (code, lang, text)
            known.names[key] = known.names.get(key, 0) + 1
    return facts


def _summary(
    iri: str, names: Iterable[tuple[int, str, str]], classes: frozenset[str], base: str
) -> _Summary:
    """What the index shows and sorts of a resource, from its names and classes."""
    names = sorted(names)
    kind, decided = kind_of(classes, base)
    labels: dict[str, str] = {}
    for code in (0, 1):  # rdfs:label, else skos:prefLabel, per language
        for name_code, lang, text in names:
            if name_code == code and lang and lang not in labels:
                labels[lang] = text
    shown = next((labels[lang] for lang in (*SORTED_BY, *sorted(labels)) if lang in labels), None)
    plain = next((text for _, lang, text in names if not lang), None)
    sort = words_of(shown or plain or iri)[1:]
    words = tuple(sorted({w for _, _, text in names if (w := words_of(text))}))
    return _Summary(kind.name, kind.rank, decided, labels, sort, words)


# ---- writing the file ----------------------------------------------------------------


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


@contextlib.contextmanager
def _writing(folder: Path, copy_of: Path | None = None) -> Iterator[sqlite3.Connection]:
    """A new index file in ``folder`` (empty, or a copy of ``copy_of``), renamed into
    place once the block ends without an error, synced; removed otherwise."""
    temporary = folder / f".search-{os.getpid()}-{secrets.token_hex(4)}.sqlite"
    if copy_of is not None:
        shutil.copyfile(copy_of, temporary)
    connection = sqlite3.connect(temporary)
    try:
        connection.execute("PRAGMA journal_mode = OFF")
        connection.execute("PRAGMA synchronous = OFF")
        if copy_of is None:
            connection.executescript(_SCHEMA_SQL)
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


def _fill(connection: sqlite3.Connection, facts: dict[str, _Facts], base_iri: str) -> None:
    """Write every resource, its facts and its names (rowids in search order)."""
    classes: dict[str, int] = {}
    ordered: list[tuple[tuple[int, str, str, str], int]] = []
    resource_rows: list[tuple[object, ...]] = []
    label_rows: list[tuple[object, ...]] = []
    typed_rows: list[tuple[int, int, int]] = []
    for number, (iri, known) in enumerate(sorted(facts.items()), start=1):
        summary = _summary(iri, known.names, frozenset(known.classes), base_iri)
        resource_rows.append(_resource_row(number, iri, summary))
        label_rows.extend((number, *key, count) for key, count in known.names.items())
        for cls, count in known.classes.items():
            typed_rows.append((number, classes.setdefault(cls, len(classes) + 1), count))
        ordered.extend(((summary.rank, summary.sort, iri, w), number) for w in summary.words)
    ordered.sort()
    connection.executemany("INSERT INTO resource VALUES (?, ?, ?, ?, ?, ?, ?)", resource_rows)
    connection.executemany("INSERT INTO label VALUES (?, ?, ?, ?, ?)", label_rows)
    connection.executemany("INSERT INTO class VALUES (?, ?)", ((n, c) for c, n in classes.items()))
    connection.executemany("INSERT INTO typed VALUES (?, ?, ?)", typed_rows)
    connection.executemany(
        "INSERT INTO name VALUES (?, ?, ?)",
        ((_FIRST + i * _GAP, number, key[3]) for i, (key, number) in enumerate(ordered)),
    )
    connection.execute("INSERT INTO name_grams (name_grams) VALUES ('rebuild')")
    connection.execute("INSERT INTO name_grams (name_grams) VALUES ('optimize')")
    connection.executemany(
        "INSERT INTO meta VALUES (?, ?)", (("base_iri", base_iri), ("format", str(FORMAT)))
    )


def _resource_row(number: int, iri: str, summary: _Summary) -> tuple[object, ...]:
    labels = json.dumps(summary.labels, ensure_ascii=False, sort_keys=True)
    return (number, iri, summary.kind, summary.rank, summary.type, labels, summary.sort)


def _apply(connection: sqlite3.Connection, fact: tuple[str, int, str, str], sign: int) -> int:
    """Count one name or type quad in (``sign`` 1) or out (-1); the resource's id."""
    iri, code, lang, text = fact
    found = connection.execute("SELECT id FROM resource WHERE iri = ?", (iri,)).fetchone()
    if found is None:
        cursor = connection.execute(
            "INSERT INTO resource (iri, kind, rank, labels, sort) VALUES (?, ?, ?, '{}', ?)",
            (iri, OTHER.name, OTHER.rank, iri),
        )
        resource = int(cursor.lastrowid or 0)
    else:
        resource = int(found[0])
    if code < 0:
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
        connection.execute("DELETE FROM name WHERE resource = ?", (resource,))
    placed: list[tuple[tuple[int, str, str, str], int]] = []
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
        summary = _summary(iri, names, frozenset(c for (c,) in classes), base_iri)
        connection.execute(
            "UPDATE resource SET kind = ?, rank = ?, type = ?, labels = ?, sort = ? WHERE id = ?",
            (*_resource_row(resource, iri, summary)[2:], resource),
        )
        placed.extend(((summary.rank, summary.sort, iri, w), resource) for w in summary.words)
    for key, resource in placed:
        rowid = _free_rowid(connection, key)
        if rowid is None:
            _renumber(connection)
            rowid = _free_rowid(connection, key)
        connection.execute("INSERT INTO name VALUES (?, ?, ?)", (rowid, resource, key[3]))
        connection.execute("INSERT INTO name_grams (rowid, words) VALUES (?, ?)", (rowid, key[3]))


def _free_rowid(connection: sqlite3.Connection, key: tuple[int, str, str, str]) -> int | None:
    """A rowid between the names before ``key`` in search order and those after it
    (a binary search over rowids: they are in that order), or None when there is no gap."""
    low, high = connection.execute("SELECT min(id), max(id) FROM name").fetchone()
    if low is None:
        return _FIRST
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
        return int(after) - _GAP if after is not None else _FIRST
    if after is None:
        return before + _GAP
    return (before + after) // 2 if after - before >= 2 else None


def _renumber(connection: sqlite3.Connection) -> None:
    """Spread the names' rowids out again (a gap was used up), in the same order."""
    rows = connection.execute("SELECT resource, words FROM name ORDER BY id").fetchall()
    connection.execute("INSERT INTO name_grams (name_grams) VALUES ('delete-all')")
    connection.execute("DELETE FROM name")
    connection.executemany(
        "INSERT INTO name VALUES (?, ?, ?)",
        ((_FIRST + i * _GAP, resource, words) for i, (resource, words) in enumerate(rows)),
    )
    connection.execute("INSERT INTO name_grams (name_grams) VALUES ('rebuild')")
