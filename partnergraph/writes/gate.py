"""The gate: a candidate is validated where its change can reach, before anything is kept.

The shapes are those the served snapshot was validated against (its
``shapes.ttl``: a build from ``shapes/``), run by the engine the setting
``validator`` names, as ``partnergraph validate`` runs them. Only the focus nodes
the change can affect are validated (:mod:`partnergraph.validation.affected`,
proven equal to a full validation in the tests); a violation refuses the write
with the report, every finding located in the curated files where possible.
"""

from __future__ import annotations

import functools
import threading
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from partnergraph.errors import WriteRefused
from partnergraph.loader import data_files
from partnergraph.locate import Locator
from partnergraph.settings import Settings
from partnergraph.snapshots import Snapshot
from partnergraph.validation.affected import ChangeValidator
from partnergraph.validation.findings import Finding
from partnergraph.validation.validate import LocatedFinding, Report, locate_findings
from partnergraph.writes.change import Change


def gate(
    settings: Settings, base: Snapshot, before: ox.Store, candidate: ox.Store, change: Change
) -> None:
    """Refuse ``change`` when ``candidate`` (``base``, whose store ``before`` is, with the
    change) does not conform.

    Raises:
        WriteRefused: a violation; its report holds every finding about the nodes
            the change reaches.
    """
    validator = _validator(base.shapes_file, settings.validator)
    findings = validator.validate(
        before, candidate, change.added, change.removed, default_is_union=True
    )  # a snapshot's store and its candidate hold the union in their default graph
    violations = [f for f in findings if f.severity == "Violation"]
    if not violations:
        return
    files = data_files([settings.graph_dir])
    report = Report(_located(findings, files, settings.base_iri), "gate", files, [base.shapes_file])
    raise WriteRefused(
        report,
        f"the data would not conform to the shapes: {len(violations)} "
        f"violation{'s' if len(violations) != 1 else ''}; nothing was changed",
    )


def _located(findings: list[Finding], files: list[Path], base_iri: str) -> list[LocatedFinding]:
    focus = {f.focus[1:-1] for f in findings if f.focus.startswith("<")}
    return locate_findings(findings, Locator(files, base_iri, wanted=focus))


@functools.lru_cache(maxsize=4)
def _compiled(turtle: bytes, choice: str) -> ChangeValidator:
    return ChangeValidator(Graph().parse(data=turtle, format="turtle"), choice)


def _validator(path: Path, choice: str) -> ChangeValidator:
    """The shapes of a snapshot, read and analysed once per process for the same shapes
    (every snapshot a write makes carries the shapes of the one before it); a write
    that comes while the worker prepares them waits for that, rather than doing it too."""
    with _PREPARING:
        return _compiled(path.read_bytes(), choice)


_PREPARING = threading.Lock()


def prepare_gate(settings: Settings, base: Snapshot) -> None:
    """Read and analyse the shapes before the first write needs them (seconds)."""
    _validator(base.shapes_file, settings.validator)
