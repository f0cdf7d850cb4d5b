"""The build: load the curated graph, derive, validate, and write it out whole or not at all.

:func:`build` does the work; :func:`snapshot` skips it when a snapshot of the same
inputs is kept, and :func:`publish` makes the snapshot the one served.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from partnergraph import inputs, snapshots
from partnergraph.atomic import write_atomically
from partnergraph.dumps.canonical import Canonical, canonicalize
from partnergraph.dumps.manifest import Release
from partnergraph.dumps.release import dumps_folder, read_release, write_release
from partnergraph.errors import ValidationFailed
from partnergraph.settings import Settings
from partnergraph.snapshots import Snapshot
from partnergraph.validation import Report, load_data, load_shapes, validate_store

GRAPH_FILE = "partnergraph.nq"


@dataclass(frozen=True)
class BuildResult:
    """What a build produced.

    Attributes:
        store: the validated graph, derived graph included.
        report: the validation report (conforms; may hold warnings).
        output: the N-Quads file written, or None when nothing was written.
        version: the SHA-256 (hex) of the sorted N-Quads of ``store``: it changes
            when, and only when, the data changes (ETags, release ids).
        built: when the build ran (UTC, whole seconds): ``Last-Modified``, release dates.
        shapes: the shapes graph the data was validated against (``/shapes``).
        release: the release of dumps written (setting ``dumps``), or None.
    """

    store: ox.Store
    report: Report
    output: Path | None
    version: str
    built: datetime
    shapes: Graph
    release: Release | None = None


def build(settings: Settings, write: bool = True) -> BuildResult:
    """Load ``graph_dir``, materialise, validate against ``shapes_dir``, write the result.

    The output is written to a temporary file and renamed into place, so a failed
    or interrupted build leaves the previous output as it was.

    Args:
        settings: the settings.
        write: write ``{output_dir}/partnergraph.nq`` (sorted canonical N-Quads) and,
            with the setting ``dumps``, a release into ``dumps_dir`` (see docs/dumps.md).

    Returns:
        The build result.

    Raises:
        DataFileError: a data or shapes file cannot be read or parsed.
        ValidationFailed: the graph has violations; nothing was written.
    """
    shapes, shapes_files = load_shapes([settings.shapes_dir])
    store, files = load_data([settings.graph_dir], settings)
    report = validate_store(store, shapes, settings, files, shapes_files)
    if not report.conforms:
        counts = report.counts()
        raise ValidationFailed(
            report, f"the graph has {counts['Violation']} violations; nothing was built"
        )
    canonical = canonicalize(store)
    content = canonical.text()
    output = write_atomically(content, settings.output_dir / GRAPH_FILE) if write else None
    version = canonical.version()
    built = datetime.now(UTC).replace(microsecond=0)
    release = None
    if write and settings.dumps:
        release = write_release(store, settings, built, canonical=canonical)
    return BuildResult(store, report, output, version, built, shapes, release)


def sorted_nquads(store: ox.Store) -> bytes:
    """Every quad of ``store`` as canonical N-Quads (RDFC-1.0 blank node labels), sorted."""
    return canonicalize(store).text()


def kept_snapshot(settings: Settings) -> Snapshot | None:
    """The kept snapshot of the inputs as they are now, or None when they changed
    (or its release of dumps is gone): what a start on unchanged inputs serves."""
    known = inputs.FileDigests.kept_for(settings)
    return _kept(settings, known, inputs.sources_digest(settings, known))


def _kept(settings: Settings, known: inputs.FileDigests, sources: str) -> Snapshot | None:
    found = snapshots.find(settings, sources)
    if found is None:
        return None
    if not _release_kept(settings, found):
        release_snapshot(settings, found)  # from the snapshot: no build needed for it
    known.save()
    return found


def release_snapshot(settings: Settings, made: Snapshot) -> Release | None:
    """Write the release of dumps of a snapshot from its own files (a write's new
    version, or a kept snapshot whose release is gone), and record it.

    Returns:
        The release, or None when the setting ``dumps`` is off.

    Raises:
        ConfigurationError: the dumps folder cannot be written.
    """
    if not settings.dumps:
        return None
    lines = made.data_file.read_bytes().splitlines(keepends=True)
    store = ox.Store.read_only(str(made.store))
    release = write_release(store, settings, made.built, canonical=Canonical(lines, frozenset()))
    snapshots.remember_release(settings, made.version, release.id)
    return release


def snapshot(settings: Settings, rebuild: bool = False) -> tuple[Snapshot, BuildResult | None]:
    """The snapshot of the inputs as they are now: found when they are unchanged,
    else built, validated and written (with its release of dumps).

    Args:
        settings: the settings.
        rebuild: build even when a snapshot of the same inputs is kept.

    Returns:
        The snapshot, and the build result when a build ran (None when found).

    Raises:
        DataFileError: a data or shapes file cannot be read or parsed.
        ValidationFailed: the graph has violations; nothing was written.
        ConfigurationError: the snapshots or dumps folder cannot be written.
    """
    known = inputs.FileDigests.kept_for(settings)
    sources = inputs.sources_digest(settings, known)
    found = None if rebuild else _kept(settings, known, sources)
    if found is not None:
        return found, None
    result = build(settings)
    if result.output is None:  # pragma: no cover - build(write=True) always writes
        raise RuntimeError("the build wrote no graph file")
    contents = snapshots.Contents(
        result.version,
        result.built,
        result.output,
        result.shapes.serialize(format="turtle").encode("utf-8"),
        result.release.id if result.release is not None else None,
        sources,
    )
    made = snapshots.create(settings, contents)
    known.save()
    return made, result


def publish(settings: Settings, rebuild: bool = False) -> tuple[Snapshot, BuildResult | None]:
    """:func:`snapshot`, then :func:`serve` it."""
    made, result = snapshot(settings, rebuild)
    serve(settings, made)
    return made, result


def serve(settings: Settings, made: Snapshot) -> None:
    """Make ``made`` the snapshot served, and prune the old ones."""
    snapshots.switch(settings, made)
    snapshots.prune(settings)


def _release_kept(settings: Settings, found: Snapshot) -> bool:
    """Whether the release a found snapshot names is still there (when dumps are on)."""
    if not settings.dumps:
        return True
    return (
        found.release is not None
        and read_release(dumps_folder(settings), found.release) is not None
    )
