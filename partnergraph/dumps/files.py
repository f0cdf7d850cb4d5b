"""The files of one release: the dumps, their gzip twins, the changes, the manifests.

Everything is written into a folder that :mod:`.release` renames into place once it
is complete. The gzip twin of a dump (and the checksums of both) is made in a worker
thread while the next dump is serialised: zlib and hashlib release the GIL, so the
release takes little longer than its slowest half; the bytes do not depend on it.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from partnergraph import __version__, formats
from partnergraph.dumps import changes as changes_module
from partnergraph.dumps import serialise
from partnergraph.dumps.canonical import Canonical, canonical_triples
from partnergraph.dumps.dataset import DatasetInfo, header
from partnergraph.dumps.dcat import PREFIXES, describe_release
from partnergraph.dumps.manifest import (
    MANIFEST,
    SHA256SUMS,
    Changes,
    FileEntry,
    Release,
    entry,
    sha256sums,
    to_json,
)
from partnergraph.namespaces import Namespaces
from partnergraph.settings import Settings

NAME = "partnergraph"
ID_LENGTH = 12
#: The dumps, in the order they are written: format key, and what a file of it counts.
DUMPS = (
    ("nq", "quads"),
    ("nt", "triples"),
    ("ttl", "triples"),
    ("trig", "quads"),
    ("jsonld", "quads"),
)


def write_files(
    canonical: Canonical,
    folder: Path,
    *,
    version: str,
    info: DatasetInfo,
    settings: Settings,
    built: datetime,
    previous: Path | None,
) -> Release:
    """Write every file of a release into ``folder``.

    Args:
        canonical: the data, canonical.
        folder: an empty folder.
        version: ``canonical.version()``.
        info: the dataset's name, licence and sources.
        settings: the base IRI and whether personal data is in.
        built: the release date.
        previous: the folder of the previous release, if there is one.

    Returns:
        The release, as its ``manifest.json`` says.
    """
    release_id = version[:ID_LENGTH]
    triples = canonical.triples()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="gzip") as pool:
        pending = _dumps(
            canonical,
            triples,
            folder,
            pool=pool,
            release_id=release_id,
            version=version,
            info=info,
            settings=settings,
        )
        summary, files = (
            (None, []) if previous is None else _changes(canonical, triples, previous, folder)
        )
        dumps = [found for future in pending for found in future.result()]
    release = Release(
        id=release_id,
        version=version,
        built=built,
        previous=previous.name if previous else None,
        dataset=info,
        triples=len(triples),
        quads=len(canonical.quads),
        personal_data=settings.personal_data,
        generator={"partnergraph": __version__, "pyoxigraph": ox.__version__},
        files=(*dumps, *files),
        changes=summary,
    )
    release = replace(release, files=(*release.files, _manifest_ttl(release, folder, settings)))
    (folder / MANIFEST).write_bytes(to_json(release))
    manifest = entry(folder / MANIFEST, **kind("manifest", None, None, "manifest"))
    (folder / SHA256SUMS).write_bytes(sha256sums([*release.files, manifest]))
    return release


def _dumps(
    canonical: Canonical,
    triples: list[bytes],
    folder: Path,
    *,
    pool: ThreadPoolExecutor,
    release_id: str,
    version: str,
    info: DatasetInfo,
    settings: Settings,
) -> list[Future[list[FileEntry]]]:
    prefixes = serialise.candidate_prefixes(Namespaces(settings.base_iri), canonical.quads)
    graphs = canonical.by_graph()
    pending = []
    for key, unit in DUMPS:
        path = folder / f"{NAME}.{key}"
        if key == "nq":
            serialise.write_lines(canonical.quads, path)
        elif key == "nt":
            serialise.write_lines(triples, path)
        elif key == "ttl":
            text = header(info, release_id, version, "the union of all named graphs")
            path.write_bytes(serialise.turtle(triples, prefixes, text))
        elif key == "trig":
            text = header(info, release_id, version, "every named graph")
            path.write_bytes(serialise.trig(graphs, prefixes, text))
        else:
            path.write_bytes(serialise.jsonld(graphs))
        count = len(canonical.quads) if unit == "quads" else len(triples)
        pending.append(pool.submit(_with_gzip, path, key, count, unit))
    return pending


def _changes(
    canonical: Canonical, triples: list[bytes], previous: Path, folder: Path
) -> tuple[Changes, list[FileEntry]]:
    quads = changes_module.diff_file(previous / f"{NAME}.nq", canonical.quads)
    union = changes_module.diff_file(previous / f"{NAME}.nt", triples)
    files = []
    for diff, key, unit in ((quads, "nq", "quads"), (union, "nt", "triples")):
        for role, lines in (("added", diff.added), ("removed", diff.removed)):
            path = folder / f"{role}.{key}"
            serialise.write_lines(lines, path)
            files.append(entry(path, **kind(key, len(lines), unit, role)))
    summary = Changes(
        previous=previous.name,
        quads_added=len(quads.added),
        quads_removed=len(quads.removed),
        triples_added=len(union.added),
        triples_removed=len(union.removed),
        classes=changes_module.per_class(triples, union),
    )
    return summary, files


def _manifest_ttl(release: Release, folder: Path, settings: Settings) -> FileEntry:
    lines = canonical_triples(describe_release(release, settings.base_iri))
    what = f"the DCAT description of release {release.id} and its files"
    text = header(release.dataset, release.id, release.version, what)
    path = folder / "manifest.ttl"
    path.write_bytes(serialise.turtle(lines, PREFIXES, text))
    return entry(path, **kind("ttl", len(lines), "triples", "manifest"))


def _with_gzip(path: Path, key: str, count: int, unit: str) -> list[FileEntry]:
    packed = path.with_name(path.name + ".gz")
    serialise.write_gzip(path, packed)
    return [
        entry(path, **kind(key, count, unit, "dump")),
        entry(packed, **kind(key, count, unit, "dump", gzip=True)),
    ]


def kind(
    key: str, count: int | None, unit: str | None, role: str, gzip: bool = False
) -> dict[str, Any]:
    """The fields of a file entry besides name, size and checksum (media type from the registry)."""
    fmt = formats.by_key("gz" if gzip else key)
    if fmt is None:
        raise KeyError(key)
    return {
        "format": key,
        "media_type": fmt.media_type,
        "compression": "gzip" if gzip else None,
        "count": count,
        "unit": unit,
        "role": role,
    }
