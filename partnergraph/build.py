"""The build: load the curated graph, derive, validate, and write it out whole or not at all."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from partnergraph.dumps.canonical import canonicalize
from partnergraph.dumps.manifest import Release
from partnergraph.dumps.release import write_release
from partnergraph.errors import ValidationFailed
from partnergraph.settings import Settings
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


def write_atomically(content: bytes, target: Path) -> Path:
    """Write ``content`` to ``target`` through a temporary file and a rename."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(target.name + ".tmp")
    temporary.write_bytes(content)
    os.replace(temporary, target)
    return target
