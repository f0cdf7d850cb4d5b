"""Snapshots: the validated dataset of one version, on disk, immutable, shared by every process.

A build turns ``graph/`` into a snapshot named by its dataset version (the
SHA-256 of the sorted canonical N-Quads, as the releases use)::

    {store_dir}/                    (default {output_dir}/snapshots)
        .lock                       held while a snapshot is made, switched to or removed
        current                     the version served (a text file, replaced by rename)
        sources/<digest>            the version that inputs with this digest build to
        sources/.files.json         input files' SHA-256 by their stat, not read again
        <version>/                  a snapshot; it never changes once it is here
            store/                  the on-disk Oxigraph store (RocksDB), union graph added
            partnergraph.nq         the canonical N-Quads (what in-memory stores load)
            shapes.ttl              the shapes it was validated against
            snapshot.json           version, build time, counts, release, inputs digest
            .readers                every process that has it open holds a shared lock

A snapshot is written into a hidden folder beside the others and renamed into
place, so nothing ever sees half of one. Every server process and every query
worker opens the current snapshot's store read-only: the machine holds one copy
of the data, in the kernel's page cache, whatever the number of processes.

A start on unchanged inputs finds the snapshot through the digest of its inputs
(:mod:`partnergraph.inputs`) and serves it without building,
validating or writing anything. :func:`switch` makes another complete snapshot
the current one; running servers follow ``current`` on their next request.
The newest ``snapshots_kept`` are kept (and the current one); older ones are
removed once no process holds them (:func:`prune`).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import secrets
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

import pyoxigraph as ox

import partnergraph
from partnergraph import search_index
from partnergraph.atomic import sync_folder, write_atomically
from partnergraph.errors import ConfigurationError
from partnergraph.settings import Settings
from partnergraph.statistics import DatasetStats
from partnergraph.store.disk import write_store

log = logging.getLogger(__name__)

CURRENT = "current"
SOURCES = "sources"
LOCK = ".lock"
READERS = ".readers"
METADATA = "snapshot.json"
STORE = "store"
DATA = "partnergraph.nq"
SHAPES = "shapes.ttl"
RELEASE = "release"


@dataclass(frozen=True)
class Snapshot:
    """One complete snapshot.

    Attributes:
        version: the dataset version (SHA-256 hex of the sorted canonical N-Quads).
        folder: its folder.
        built: when it was built (UTC, whole seconds).
        stats: the counts of its dataset.
        quads: the quads of its named graphs.
        release: the id of the release of dumps the build wrote, or None.
        sources: the digest of the inputs it was built from.
    """

    version: str
    folder: Path
    built: datetime
    stats: DatasetStats
    quads: int
    release: str | None
    sources: str

    @property
    def store(self) -> Path:
        """The folder of its on-disk Oxigraph store."""
        return self.folder / STORE

    @property
    def data_file(self) -> Path:
        """Its canonical N-Quads."""
        return self.folder / DATA

    @property
    def shapes_file(self) -> Path:
        """The shapes it was validated against (Turtle)."""
        return self.folder / SHAPES


def folder(settings: Settings) -> Path:
    """The folder of the snapshots: ``store_dir``, else ``{output_dir}/snapshots``."""
    return Path(settings.store_dir) if settings.store_dir else settings.output_dir / "snapshots"


def find(settings: Settings, sources: str) -> Snapshot | None:
    """The complete snapshot that inputs with digest ``sources`` built to, if kept."""
    root = folder(settings)
    try:
        version = (root / SOURCES / sources).read_text(encoding="ascii").strip()
    except OSError:
        return None
    return read(root, version)


def read(root: Path, version: str) -> Snapshot | None:
    """The complete snapshot ``version`` of ``root``, or None."""
    if not version or "/" in version or version.startswith("."):
        return None
    base = root / version
    try:
        meta = json.loads((base / METADATA).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if meta.get("version") != version or not (base / STORE).is_dir():
        return None
    stats = DatasetStats(int(meta["triples"]), tuple((g, int(n)) for g, n in meta["graphs"]))
    return Snapshot(
        version,
        base,
        datetime.fromisoformat(meta["built"]),
        stats,
        int(meta["quads"]),
        meta.get("release") or later_release(base),
        meta.get("sources", ""),
    )


def later_release(base: Path) -> str | None:
    """The release recorded for a snapshot after it was made (:func:`remember_release`)."""
    try:
        return (base / RELEASE).read_text(encoding="ascii").strip() or None
    except OSError:
        return None


def snapshots(settings: Settings) -> list[Snapshot]:
    """Every complete snapshot, newest first."""
    root = folder(settings)
    found = []
    if root.is_dir():
        for child in root.iterdir():
            if child.is_dir() and not child.name.startswith(".") and child.name != SOURCES:
                snapshot = read(root, child.name)
                if snapshot is not None:
                    found.append(snapshot)
    return sorted(found, key=_age, reverse=True)


def _age(snapshot: Snapshot) -> tuple[datetime, int]:
    """Build time, then when it was written (builds within one second)."""
    try:
        written = (snapshot.folder / METADATA).stat().st_mtime_ns
    except OSError:
        written = 0
    return snapshot.built, written


def current_version(settings: Settings) -> str | None:
    """The version ``current`` names, or None."""
    try:
        return (folder(settings) / CURRENT).read_text(encoding="ascii").strip() or None
    except OSError:
        return None


def current(settings: Settings) -> Snapshot | None:
    """The current snapshot, or None when there is none (or it is incomplete)."""
    version = current_version(settings)
    return read(folder(settings), version) if version else None


def resolve(settings: Settings, prefix: str) -> Snapshot:
    """The kept snapshot whose version starts with ``prefix`` (at least 6 characters).

    Raises:
        ConfigurationError: none, or more than one, matches.
    """
    matches = [s for s in snapshots(settings) if len(prefix) >= 6 and s.version.startswith(prefix)]
    if len(matches) != 1:
        what = "no snapshot" if not matches else f"{len(matches)} snapshots"
        raise ConfigurationError(f"{what} in {folder(settings)} with a version starting {prefix!r}")
    return matches[0]


def switch(settings: Settings, snapshot: Snapshot) -> None:
    """Make ``snapshot`` the current one: running servers serve it from their next request."""
    root = folder(settings)
    with locked(root):
        write_atomically(f"{snapshot.version}\n".encode(), root / CURRENT)
    log.info("serving snapshot %s", snapshot.version)


@dataclass(frozen=True)
class Contents:
    """What a validated build gives a new snapshot.

    Attributes:
        version: the build's dataset version.
        built: when it was built.
        data_file: the build's canonical N-Quads (hard-linked where possible).
        shapes_turtle: the shapes the data was validated against, as Turtle.
        release: the release of dumps the build wrote, or None.
        sources: the digest of the build's inputs (:func:`partnergraph.inputs.sources_digest`).
    """

    version: str
    built: datetime
    data_file: Path
    shapes_turtle: bytes
    release: str | None
    sources: str


def create(settings: Settings, contents: Contents) -> Snapshot:
    """Write the snapshot of a validated build, unless it is there already.

    Returns:
        The snapshot.

    Raises:
        ConfigurationError: the folder cannot be written.
    """
    root = folder(settings)
    try:
        root.mkdir(parents=True, exist_ok=True)
        with locked(root):
            snapshot = read(root, contents.version)
            if snapshot is None:
                snapshot = _write(root, contents, settings.base_iri)
            write_atomically(f"{contents.version}\n".encode(), root / SOURCES / contents.sources)
            return snapshot
    except OSError as exc:
        raise ConfigurationError(f"cannot write a snapshot into {root}: {exc}") from exc


def of_file(settings: Settings, data_file: Path, built: datetime | None = None) -> Snapshot:
    """The snapshot of an N-Quads file that was built and validated before (a build's
    ``partnergraph.nq``): for serving a given file, without the build's inputs.

    Its version is the SHA-256 of the file, which is the dataset version when the
    file is a build's sorted canonical N-Quads.
    """
    with data_file.open("rb") as stream:
        version = hashlib.file_digest(stream, "sha256").hexdigest()
    moment = built or datetime.now(UTC).replace(microsecond=0)
    return create(settings, Contents(version, moment, data_file, b"", None, "file:" + version))


def _write(root: Path, contents: Contents, base_iri: str) -> Snapshot:
    temporary = root / f".new-{contents.version[:16]}-{os.getpid()}"
    shutil.rmtree(temporary, ignore_errors=True)
    temporary.mkdir()
    (temporary / READERS).touch()
    try:
        os.link(contents.data_file, temporary / DATA)
    except OSError:
        shutil.copyfile(contents.data_file, temporary / DATA)
    store = write_store(temporary / STORE, temporary / DATA)
    stats = DatasetStats.of(store)
    search_index.index_snapshot(temporary, base_iri, store)  # the text index of /search
    del store  # closes the database before any reader opens it
    return _seal(root, temporary, contents, stats)


def _seal(root: Path, temporary: Path, contents: Contents, stats: DatasetStats) -> Snapshot:
    """Write the shapes and ``snapshot.json`` into ``temporary`` and rename it into place."""
    version = contents.version
    (temporary / SHAPES).write_bytes(contents.shapes_turtle)
    quads = sum(n for _, n in stats.graphs)
    meta = {
        "version": version,
        "built": contents.built.isoformat(),
        "quads": quads,
        "triples": stats.triples,
        "graphs": [list(pair) for pair in stats.graphs],
        "release": contents.release,
        "sources": contents.sources,
        "partnergraph": partnergraph.__version__,
    }
    (temporary / METADATA).write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    sync_folder(temporary)
    os.rename(temporary, root / version)
    sync_folder(root)
    log.info("wrote snapshot %s (%d quads)", version, quads)
    return Snapshot(
        version, root / version, contents.built, stats, quads, contents.release, contents.sources
    )


def candidate(settings: Settings, base: Snapshot) -> Path:
    """A new, unnamed snapshot folder whose store is a checkpoint of ``base``'s store.

    A checkpoint hard-links the store's immutable files (2 ms at 100 000 triples):
    the candidate can be changed without touching ``base``. Give it to :func:`adopt`,
    or remove it (:func:`discard`).
    """
    root = folder(settings)
    temporary = root / f".new-write-{os.getpid()}-{secrets.token_hex(4)}"
    temporary.mkdir(parents=True)
    (temporary / READERS).touch()
    ox.Store.read_only(str(base.store)).backup(str(temporary / STORE))
    return temporary


def adopt(settings: Settings, temporary: Path, contents: Contents, stats: DatasetStats) -> Snapshot:
    """Make a candidate folder (its store closed, its ``DATA`` written) the snapshot
    ``contents.version``; when that version is kept already, it is used and the
    candidate removed.
    """
    root = folder(settings)
    with locked(root):
        found = read(root, contents.version)
        if found is not None:
            discard(temporary)
            return found
        return _seal(root, temporary, contents, stats)


def discard(temporary: Path) -> None:
    """Remove a candidate folder that will not become a snapshot."""
    shutil.rmtree(temporary, ignore_errors=True)


def remember_sources(settings: Settings, sources: str, version: str) -> None:
    """Record that inputs with digest ``sources`` build to snapshot ``version``."""
    root = folder(settings)
    with locked(root):
        write_atomically(f"{version}\n".encode(), root / SOURCES / sources)


def remember_release(settings: Settings, version: str, release: str) -> None:
    """Record the release of dumps written for snapshot ``version`` after it was made."""
    write_atomically(f"{release}\n".encode(), folder(settings) / version / RELEASE)


def prune(settings: Settings, keep: int | None = None) -> list[str]:
    """Remove snapshots beyond the newest ``keep`` (``snapshots_kept``) that no process holds.

    The current snapshot is always kept. A snapshot a process still holds is left
    for a later prune.

    Returns:
        The versions removed.
    """
    keep = settings.snapshots_kept if keep is None else keep
    root = folder(settings)
    removed: list[str] = []
    if not root.is_dir():
        return removed
    with locked(root):
        served = current_version(settings)
        old = [s for s in snapshots(settings) if s.version != served][max(0, keep - 1) :]
        for snapshot in old:
            if _remove_unheld(root, snapshot):
                removed.append(snapshot.version)
        _forget_sources(root)
        for leftover in root.glob(".new-*"):  # a writer that died
            shutil.rmtree(leftover, ignore_errors=True)
    return removed


def _remove_unheld(root: Path, snapshot: Snapshot) -> bool:
    try:
        stream = (snapshot.folder / READERS).open("rb")
    except OSError:
        return False
    with stream:
        try:
            fcntl.flock(stream, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False  # open in some process
        trash = root / f".old-{snapshot.version[:16]}-{os.getpid()}"
        os.rename(snapshot.folder, trash)
    shutil.rmtree(trash, ignore_errors=True)
    log.info("removed snapshot %s", snapshot.version)
    return True


def _forget_sources(root: Path) -> None:
    sources = root / SOURCES
    if not sources.is_dir():
        return
    for entry in sources.iterdir():
        if entry.name.startswith("."):
            continue
        with contextlib.suppress(OSError):
            if not (root / entry.read_text(encoding="ascii").strip()).is_dir():
                entry.unlink()


class Hold:
    """A shared lock on a snapshot: :func:`prune` leaves it alone while this is open.

    Args:
        snapshot_folder: the snapshot's folder.
    """

    def __init__(self, snapshot_folder: Path) -> None:
        self._stream: IO[bytes] | None = (snapshot_folder / READERS).open("rb")
        fcntl.flock(self._stream, fcntl.LOCK_SH)

    def release(self) -> None:
        """Let the snapshot go (once)."""
        if self._stream is not None:
            self._stream.close()
            self._stream = None


@contextlib.contextmanager
def locked(root: Path) -> Iterator[None]:
    """Hold the snapshots folder's lock (one maker, switcher or remover at a time)."""
    root.mkdir(parents=True, exist_ok=True)
    with (root / LOCK).open("a") as stream:
        fcntl.flock(stream, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(stream, fcntl.LOCK_UN)
