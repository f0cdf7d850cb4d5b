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
import hashlib
import logging
import pickle
import threading
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from partnergraph.atomic import write_private
from partnergraph.errors import WriteRefused
from partnergraph.loader import data_files
from partnergraph.locate import Locator
from partnergraph.settings import Settings
from partnergraph.snapshots import Snapshot
from partnergraph.validation.affected import ChangeValidator
from partnergraph.validation.findings import Finding
from partnergraph.validation.validate import LocatedFinding, Report, locate_findings
from partnergraph.writes.change import Change

log = logging.getLogger(__name__)


def gate(
    settings: Settings, base: Snapshot, before: ox.Store, candidate: ox.Store, change: Change
) -> None:
    """Refuse ``change`` when ``candidate`` (``base``, whose store ``before`` is, with the
    change) does not conform.

    Raises:
        WriteRefused: a violation; its report holds every finding about the nodes
            the change reaches.
    """
    validator = _validator(base.shapes_file, settings.validator, settings.output_dir)
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


#: The folder, under ``output_dir``, of analysed shapes kept between processes.
PREPARED_FOLDER = "gate"
#: What an analysis depends on besides the shapes: the code that makes it.
_ANALYSIS_CODE = ("validation",)


@functools.lru_cache(maxsize=4)
def _compiled(turtle: bytes, choice: str, folder: Path) -> ChangeValidator:
    """The shapes analysed: from ``folder`` when a process has analysed the same shapes
    with the same code before (a pickle, 10 ms), else analysed here (seconds: the
    SPARQL constraints are parsed) and kept there for the next process (a command
    line write runs in a fresh process)."""
    key = hashlib.sha256(turtle + choice.encode() + _code_digest()).hexdigest()
    kept = folder / f"{key}.pickle"
    try:
        # only this program writes the folder (mode 0600 files, under output_dir)
        loaded = pickle.loads(kept.read_bytes())  # noqa: S301
        if isinstance(loaded, ChangeValidator):
            return loaded
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        pass
    validator = ChangeValidator(Graph().parse(data=turtle, format="turtle"), choice)
    try:
        write_private(pickle.dumps(validator, protocol=pickle.HIGHEST_PROTOCOL), kept)
    except OSError as exc:
        log.warning("the analysed shapes cannot be kept in %s: %s", folder, exc)
    return validator


@functools.cache
def _code_digest() -> bytes:
    """The SHA-256 of the source of the validation package: a kept analysis is used
    only by the code that made it."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for name in _ANALYSIS_CODE:
        for file in sorted((package / name).rglob("*.py")):
            digest.update(file.read_bytes())
    return digest.digest()


def _validator(path: Path, choice: str, output_dir: Path) -> ChangeValidator:
    """The shapes of a snapshot, read and analysed once per process for the same shapes
    (every snapshot a write makes carries the shapes of the one before it); a write
    that comes while the worker prepares them waits for that, rather than doing it too."""
    with _PREPARING:
        return _compiled(path.read_bytes(), choice, output_dir / PREPARED_FOLDER)


_PREPARING = threading.Lock()


def prepare_gate(settings: Settings, base: Snapshot) -> None:
    """Read and analyse the shapes before the first write needs them (seconds)."""
    _validator(base.shapes_file, settings.validator, settings.output_dir)
