"""Validating the graph: load, derive, run SHACL, locate every result in the files.

SHACL: https://www.w3.org/TR/shacl/. Two engines give the same findings on the
shapes this project uses: pySHACL (the reference) and the shapes compiled to
SPARQL and run by Oxigraph (fast). The setting ``validator`` picks one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from partnergraph.errors import ConfigurationError
from partnergraph.loader import data_files, load_store, parse_file
from partnergraph.locate import Location, Locator
from partnergraph.materialise import materialise
from partnergraph.namespaces import Namespaces
from partnergraph.settings import Settings
from partnergraph.terms import rdflib_graph
from partnergraph.validation.findings import SEVERITIES, Finding

DATA_SUFFIXES = (".trig", ".ttl")


@dataclass(frozen=True)
class LocatedFinding:
    """A finding and where its focus node is written.

    Attributes:
        finding: the SHACL result.
        location: the file and line that describe the focus node, if found.
        also: other places that describe the same node.
    """

    finding: Finding
    location: Location | None
    also: tuple[Location, ...] = ()


@dataclass(frozen=True)
class Report:
    """The outcome of a validation.

    Attributes:
        findings: every result, sorted by file, line, focus and message.
        engine: ``pyshacl`` or ``compiled``.
        files: the data files validated.
        shapes_files: the shapes files used.
        context: the files read only as the context of ``files`` (the rest of
            ``graph_dir``): their nodes are seen, but findings about them are not kept.
        hidden: how many findings about the context files were left out.
    """

    findings: list[LocatedFinding]
    engine: str
    files: list[Path]
    shapes_files: list[Path] = field(default_factory=list)
    context: list[Path] = field(default_factory=list)
    hidden: int = 0

    @property
    def conforms(self) -> bool:
        """True when no result is a Violation (warnings and infos do not fail)."""
        return not any(f.finding.severity == "Violation" for f in self.findings)

    def counts(self) -> dict[str, int]:
        """How many results of each severity."""
        counter = Counter(f.finding.severity for f in self.findings)
        return {s: counter.get(s, 0) for s in SEVERITIES}


def load_shapes(paths: Sequence[Path]) -> tuple[Graph, list[Path]]:
    """Parse the shapes files (Turtle) into one rdflib graph.

    Raises:
        DataFileError: an unreadable or unparsable file, with its line.
    """
    files = data_files(paths, suffixes=(".ttl",))
    graph = rdflib_graph(q for path in files for q in parse_file(path, base_iri=None))
    return graph, files


def load_data(paths: Sequence[Path], settings: Settings) -> tuple[ox.Store, list[Path]]:
    """Load data files, leave out personal data if so set, and add the derived graph.

    Returns:
        The store and the list of files read.

    Raises:
        DataFileError: an unreadable or unparsable file, with its line.
    """
    ns = Namespaces(settings.base_iri)
    files = data_files(paths, suffixes=DATA_SUFFIXES)
    store = load_store(files, settings.base_iri)
    if not settings.personal_data:
        store.remove_graph(ox.NamedNode(ns.named_graph("personal")))
    materialise(store, ns)
    return store, files


def run_engine(store: ox.Store, shapes: Graph, choice: str) -> tuple[list[Finding], str]:
    """Run the chosen SHACL engine over the union of the store's graphs.

    Args:
        store: the data.
        shapes: the shapes graph.
        choice: ``pyshacl``, ``compiled`` or ``auto``.

    Returns:
        The findings and the name of the engine that produced them.

    Raises:
        ConfigurationError: ``compiled`` was asked for and a shape is outside its subset.
    """
    if choice != "pyshacl":
        from partnergraph.validation.compiled import UnsupportedShapes, compile_shapes

        try:
            compiled = compile_shapes(shapes)
        except UnsupportedShapes as exc:
            if choice == "compiled":
                raise ConfigurationError(f"validator 'compiled' cannot run: {exc}") from exc
        else:
            return compiled.run(store), "compiled"
    from partnergraph.validation.pyshacl_engine import validate_with_pyshacl  # pySHACL loads slowly

    return validate_with_pyshacl(rdflib_graph(store), shapes), "pyshacl"


def validate_paths(
    paths: Sequence[Path], settings: Settings, shapes_paths: Sequence[Path] | None = None
) -> Report:
    """Validate data files against the shapes, in the context of the whole graph.

    A curated file refers to nodes that other files describe (the vocabulary, the
    sources, the places), so the named files are validated together with the other
    files of ``graph_dir`` (a named file takes the place of the ``graph_dir`` file of
    the same name, so an edited copy can be checked from anywhere), and only the
    findings about nodes written in the named files are kept.

    Args:
        paths: data files or folders (TriG or Turtle).
        settings: the settings (base IRI, personal data, validator, graph and
            shapes folders).
        shapes_paths: shapes files or folders; ``settings.shapes_dir`` when omitted.

    Returns:
        The report; ``report.conforms`` is False when any kept result is a Violation.

    Raises:
        DataFileError: a data or shapes file cannot be read or parsed.
    """
    shapes, shapes_files = load_shapes(shapes_paths or [settings.shapes_dir])
    named = data_files(paths, suffixes=DATA_SUFFIXES)
    context = _context(named, settings.graph_dir)
    store, files = load_data([*context, *named], settings)
    report = validate_store(store, shapes, settings, files, shapes_files)
    return _about(report, named, context) if context else report


def _context(named: Sequence[Path], graph_dir: Path) -> list[Path]:
    """The files of ``graph_dir`` that are not named and not replaced by a named file."""
    if not graph_dir.is_dir():
        return []
    taken = {path.resolve() for path in named}
    names = {path.name for path in named}
    return [
        path
        for path in data_files([graph_dir], suffixes=DATA_SUFFIXES)
        if path.resolve() not in taken and path.name not in names
    ]


def _about(report: Report, named: Sequence[Path], context: Sequence[Path]) -> Report:
    """``report`` cut to the findings about nodes written in ``named`` (or in no file)."""
    wanted = {path.resolve() for path in named}

    def kept(item: LocatedFinding) -> bool:
        places = [item.location, *item.also] if item.location else []
        return not places or any(place.path.resolve() in wanted for place in places if place)

    findings = [item for item in report.findings if kept(item)]
    hidden = len(report.findings) - len(findings)
    return Report(findings, report.engine, list(named), report.shapes_files, list(context), hidden)


def validate_store(
    store: ox.Store,
    shapes: Graph,
    settings: Settings,
    files: Sequence[Path],
    shapes_files: Sequence[Path] = (),
) -> Report:
    """Validate an already loaded store and locate each result in ``files``."""
    findings, engine = run_engine(store, shapes, settings.validator)
    focus = {f.focus[1:-1] for f in findings if f.focus.startswith("<")}
    located = locate_findings(findings, Locator(files, settings.base_iri, wanted=focus))
    return Report(located, engine, list(files), list(shapes_files))


def locate_findings(findings: Sequence[Finding], locator: Locator) -> list[LocatedFinding]:
    """Each finding with the file and line of its focus node, in report order."""
    located = [_locate(f, locator) for f in findings]
    located.sort(key=_order)
    return located


def _locate(finding: Finding, locator: Locator) -> LocatedFinding:
    focus = finding.focus[1:-1] if finding.focus.startswith("<") else finding.focus
    places = locator.subject(focus)
    if places:
        return LocatedFinding(finding, places[0], tuple(places[1:]))
    return LocatedFinding(finding, locator.find(focus))


def _order(item: LocatedFinding) -> tuple[str, int, str, int, str]:
    where = item.location
    return (
        str(where.path) if where else "~",
        where.line if where else 0,
        item.finding.focus,
        SEVERITIES.index(item.finding.severity),
        item.finding.message,
    )
