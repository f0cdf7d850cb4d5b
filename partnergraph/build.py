"""The build: load the curated graph, derive, validate, and write it out whole or not at all."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

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
    """

    store: ox.Store
    report: Report
    output: Path | None


def build(settings: Settings, write: bool = True) -> BuildResult:
    """Load ``graph_dir``, materialise, validate against ``shapes_dir``, write the result.

    The output is written to a temporary file and renamed into place, so a failed
    or interrupted build leaves the previous output as it was.

    Args:
        settings: the settings.
        write: write ``{output_dir}/partnergraph.nq`` (sorted N-Quads).

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
    output = write_nquads(store, settings.output_dir / GRAPH_FILE) if write else None
    return BuildResult(store, report, output)


def write_nquads(store: ox.Store, target: Path) -> Path:
    """Write every quad of ``store`` as sorted N-Quads, atomically."""
    target.parent.mkdir(parents=True, exist_ok=True)
    lines = sorted(str(quad) + " .\n" for quad in store)
    temporary = target.with_name(target.name + ".tmp")
    temporary.write_text("".join(lines), encoding="utf-8")
    os.replace(temporary, target)
    return target
