"""The inputs of a build and their digest: what tells that a kept snapshot is still right.

A build reads the files of ``graph_dir`` and ``shapes_dir``, a few settings and
the package's code; :func:`sources_digest` digests all of them, so that a start
on unchanged inputs can serve the snapshot it finds (:mod:`partnergraph.snapshots`)
instead of building again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from pathlib import Path
from typing import Any

import partnergraph
from partnergraph import snapshots
from partnergraph.atomic import write_atomically
from partnergraph.settings import Settings

#: The settings that change what a build makes (besides the files it reads).
BUILD_SETTINGS = ("base_iri", "personal_data", "dumps", "licence")
#: In the snapshots' ``sources/``: input files' digests by their ``stat``.
FILE_DIGESTS = ".files.json"


def sources_digest(settings: Settings, known: FileDigests | None = None) -> str:
    """The digest of everything a build reads: the files of ``graph_dir`` and
    ``shapes_dir``, the settings that change its result and the code that builds.

    Any change to one of them gives another digest (and so a build); the same
    inputs give the same digest on any machine with the same code. A file whose
    size, modification and change times and inode are those recorded at the last
    digest is not read again (as git's index does): a start on 150 MB of unchanged
    TriG costs a ``stat`` per file instead of 0.35 s of hashing.

    Args:
        settings: the settings.
        known: the digests remembered (:meth:`FileDigests.kept_for`); the caller saves
            them once the digest was used (nothing is written here).
    """
    known = known or FileDigests.kept_for(settings)
    digest = hashlib.sha256()
    digest.update(f"partnergraph {partnergraph.__version__}\n".encode())
    for name in BUILD_SETTINGS:
        digest.update(f"{name}={getattr(settings, name, None)!r}\n".encode())
    for label, given in (("graph", settings.graph_dir), ("shapes", settings.shapes_dir)):
        root = Path(given)
        if not root.is_dir():
            digest.update(f"{label}: missing\n".encode())
            continue
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            digest.update(f"{label}/{path.relative_to(root)}\0{known.of(path)}\n".encode())
    package = Path(partnergraph.__file__).parent
    code = [p for p in sorted(package.rglob("*.py")) if "web" not in p.relative_to(package).parts]
    for path in code:
        digest.update(f"code/{path.relative_to(package)}\0{known.of(path)}\n".encode())
    return digest.hexdigest()


class FileDigests:
    """The SHA-256 of files, remembered by their ``stat`` (size, times, inode).

    Args:
        record: the JSON file they are remembered in (created when missing).
    """

    def __init__(self, record: Path) -> None:
        self.record = record
        try:
            self.known: dict[str, list[Any]] = json.loads(record.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.known = {}
        self.seen: dict[str, list[Any]] = {}

    @classmethod
    def kept_for(cls, settings: Settings) -> FileDigests:
        """The digests remembered in the snapshots folder of ``settings``."""
        return cls(snapshots.folder(settings) / snapshots.SOURCES / FILE_DIGESTS)

    def of(self, path: Path) -> str:
        """The hex SHA-256 of ``path``'s content."""
        found = path.stat()
        stamp = [found.st_size, found.st_mtime_ns, found.st_ctime_ns, found.st_ino]
        key = str(path.absolute())
        entry = self.known.get(key)
        if not (isinstance(entry, list) and entry[:4] == stamp and len(entry) == 5):
            with path.open("rb") as stream:
                entry = [*stamp, hashlib.file_digest(stream, "sha256").hexdigest()]
        self.seen[key] = entry
        return str(entry[4])

    def save(self) -> None:
        """Remember the files digested since this was made (only those), if they changed."""
        if self.seen == self.known:
            return
        with contextlib.suppress(OSError):  # a read-only folder: hash again next time
            write_atomically(json.dumps(self.seen, sort_keys=True).encode(), self.record)
