"""An on-disk Oxigraph store that is loaded once per build.

The folder (``store_dir``) holds one RocksDB store per build, named by the
SHA-256 of the build's N-Quads, and a ``.ready`` file beside it once it is
completely loaded::

    store_dir/
        .lock
        builds/3f1a…/            the RocksDB store of that build
        builds/3f1a….ready       written last: the store is complete

A restart on a folder that holds the same build opens it at once; a new build
is loaded beside the old one and only then replaces it, so readers never see a
half-loaded store. Processes that prepare the same folder at the same time (the
workers of a server started without ``--preload``) wait for each other on the
lock file, and all but the first find the store ready.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import shutil
from pathlib import Path

import pyoxigraph as ox

from partnergraph.store.oxigraph import add_union_default_graph

log = logging.getLogger(__name__)

BUILDS = "builds"
READY = ".ready"
LOCK = ".lock"


def build_digest(data_file: Path) -> str:
    """The SHA-256 (hex) of a built N-Quads file: the identity of the build."""
    with data_file.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def prepare(directory: Path, data_file: Path) -> Path:
    """Make sure ``directory`` holds a complete store of ``data_file``; load it if not.

    Args:
        directory: the ``store_dir`` folder (created when missing).
        data_file: the built N-Quads file.

    Returns:
        The folder of the RocksDB store of this build, for
        :meth:`~partnergraph.store.oxigraph.OxigraphStore.read_only`.

    Raises:
        OSError: the folder cannot be written or the store cannot be opened.
    """
    builds = directory / BUILDS
    builds.mkdir(parents=True, exist_ok=True)
    digest = build_digest(data_file)
    target = builds / digest
    ready = builds / (digest + READY)
    with (directory / LOCK).open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not ready.exists():
                _load(target, data_file)
                ready.write_text(f"{digest}  {data_file.name}\n", encoding="utf-8")
                log.info("loaded %s into %s", data_file, target)
            _remove_others(builds, digest)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return target


def _load(target: Path, data_file: Path) -> None:
    if target.exists():  # a load that was interrupted: start again
        shutil.rmtree(target)
    store = ox.Store(str(target))
    store.bulk_load(path=str(data_file), format=ox.RdfFormat.N_QUADS)
    add_union_default_graph(store)
    store.flush()
    store.optimize()
    del store  # closes the database before any reader opens it


def _remove_others(builds: Path, keep: str) -> None:
    for path in builds.iterdir():
        if path.name in {keep, keep + READY}:
            continue
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
