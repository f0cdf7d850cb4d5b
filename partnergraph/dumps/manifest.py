"""A release's manifest (``manifest.json``) and checksums (``SHA256SUMS``).

``SHA256SUMS`` is in the format ``sha256sum --check`` reads (GNU coreutils:
"<hex digest>  <file name>", two spaces, text mode), so a download is checked with
``sha256sum -c SHA256SUMS``. It lists every file of the release but itself.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from partnergraph.dumps.changes import ClassChanges
from partnergraph.dumps.dataset import DatasetInfo, Source

MANIFEST = "manifest.json"
SHA256SUMS = "SHA256SUMS"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class FileEntry:
    """One file of a release.

    Attributes:
        name: the file name, within the release folder.
        format: the key of its format in :mod:`partnergraph.formats` (of the data
            inside, for a ``.gz`` file).
        media_type: its media type as served (``application/gzip`` for ``.gz``).
        compression: ``gzip``, or None.
        bytes: its size.
        sha256: the SHA-256 of its bytes (hex).
        count: how many triples or quads it holds (for an RDF file).
        unit: ``triples`` or ``quads`` (None for a file that is not RDF).
        role: ``dump``, ``added``, ``removed`` or ``manifest``.
    """

    name: str
    format: str
    media_type: str
    compression: str | None
    bytes: int
    sha256: str
    count: int | None
    unit: str | None
    role: str


@dataclass(frozen=True)
class Changes:
    """What changed since the previous release.

    Attributes:
        previous: the previous release's id.
        quads_added: quads only in this release.
        quads_removed: quads only in the previous one.
        triples_added: triples of the union graph only in this release.
        triples_removed: triples of the union graph only in the previous one.
        classes: instances added, removed and changed, by class IRI (``""``: untyped).
    """

    previous: str
    quads_added: int
    quads_removed: int
    triples_added: int
    triples_removed: int
    classes: dict[str, ClassChanges]


@dataclass(frozen=True)
class Release:
    """A release: what ``manifest.json`` says.

    Attributes:
        id: the release id: the first 12 hex digits of ``version``.
        version: the SHA-256 of the canonical N-Quads (``partnergraph.nq``).
        built: when it was built (UTC).
        previous: the id of the release before it, or None for the first.
        dataset: the dataset it is a version of.
        triples: the triples of the union of its graphs.
        quads: its quads.
        personal_data: whether the personal contact data graph is in it.
        generator: the software versions that wrote it (its bytes depend on them).
        files: its files, dumps first.
        changes: what changed since ``previous`` (None for the first release).
    """

    id: str
    version: str
    built: datetime
    previous: str | None
    dataset: DatasetInfo
    triples: int
    quads: int
    personal_data: bool
    generator: dict[str, str]
    files: tuple[FileEntry, ...]
    changes: Changes | None

    def file(self, name: str) -> FileEntry | None:
        """The entry of the file ``name``, or None."""
        return next((entry for entry in self.files if entry.name == name), None)


def entry(path: Path, **fields: Any) -> FileEntry:
    """The entry of a written file: its size and SHA-256 read back from disk."""
    with path.open("rb") as stream:
        digest = hashlib.file_digest(stream, "sha256").hexdigest()
    return FileEntry(name=path.name, bytes=path.stat().st_size, sha256=digest, **fields)


def to_json(release: Release) -> bytes:
    """``manifest.json``: the release as JSON (UTF-8, keys in a fixed order, newline at end)."""
    data: dict[str, Any] = {"manifest": FORMAT_VERSION, **asdict(release)}
    data["built"] = _timestamp(release.built)
    data["dataset"]["sources"] = [asdict(s) for s in release.dataset.sources]
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode()


def from_json(text: bytes) -> Release:
    """Read ``manifest.json``.

    Raises:
        ValueError: the text is not a manifest this version reads.
    """
    data = json.loads(text)
    if not isinstance(data, dict) or data.get("manifest") != FORMAT_VERSION:
        raise ValueError("not a partnergraph manifest (version 1)")
    dataset = dict(data["dataset"])
    dataset["sources"] = tuple(Source(**s) for s in dataset["sources"])
    changes = data["changes"]
    if changes is not None:
        classes = {k: ClassChanges(**v) for k, v in changes["classes"].items()}
        changes = Changes(**{**changes, "classes": classes})
    return Release(
        id=data["id"],
        version=data["version"],
        built=datetime.strptime(data["built"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC),
        previous=data["previous"],
        dataset=DatasetInfo(**dataset),
        triples=data["triples"],
        quads=data["quads"],
        personal_data=data["personal_data"],
        generator=dict(data["generator"]),
        files=tuple(FileEntry(**f) for f in data["files"]),
        changes=changes,
    )


def sha256sums(entries: list[FileEntry]) -> bytes:
    """``SHA256SUMS`` of ``entries``, sorted by file name."""
    return "".join(
        f"{e.sha256}  {e.name}\n" for e in sorted(entries, key=lambda e: e.name)
    ).encode()


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
