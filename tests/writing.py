"""A writable copy of the project for the write tests: graph/, shapes/, a built snapshot.

Building the real graph takes seconds, so one build per test module is copied into
each test's own folder (the snapshot's store included: it is files).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from partnergraph.build import publish
from partnergraph.settings import Settings, load
from partnergraph.writes.tokens import Writer

from .paths import ROOT

#: The prologue of the updates the tests send.
PROLOGUE = """\
PREFIX pg: <https://w3id.org/partnergraph/def/>
PREFIX pt: <https://w3id.org/partnergraph/def/partnership-type/>
PREFIX city: <https://w3id.org/partnergraph/id/city/>
PREFIX partnership: <https://w3id.org/partnergraph/id/partnership/>
PREFIX source: <https://w3id.org/partnergraph/id/source/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX schema: <https://schema.org/>
"""
#: The graph of Lahti's page.
LAHTI_GRAPH = "https://w3id.org/partnergraph/graph/lahti-kansainvalinen-lahti"
#: A partnership the data does not have, valid against the shapes.
NEW_PARTNERSHIP = f"""{PROLOGUE}
INSERT DATA {{ GRAPH <{LAHTI_GRAPH}> {{
  partnership:lahti-lund a pg:Partnership ;
    rdfs:label "Lahti - Lund cooperation"@en ;
    pg:partnershipType pt:cooperation-agreement ;
    pg:party city:lahti, city:lund ;
    dcterms:source source:lahti-kansainvalinen-lahti .
}} }}
"""
#: The same without its parties: a violation.
PARTNERSHIP_WITHOUT_PARTIES = f"""{PROLOGUE}
INSERT DATA {{ GRAPH <{LAHTI_GRAPH}> {{
  partnership:lahti-nowhere a pg:Partnership ;
    rdfs:label "Lahti - nowhere"@en ;
    pg:partnershipType pt:twin-town ;
    dcterms:source source:lahti-kansainvalinen-lahti .
}} }}
"""
EVERYONE = Writer("tester", ())


@dataclass(frozen=True)
class Project:
    """A copy of the project with a served snapshot.

    Attributes:
        folder: the copy.
        settings: settings over it.
    """

    folder: Path
    settings: Settings

    def files(self) -> dict[str, bytes]:
        """The curated files' bytes, by name."""
        return {p.name: p.read_bytes() for p in sorted((self.folder / "graph").glob("*.trig"))}


def settings_in(folder: Path, **overrides: Any) -> Settings:
    """Settings over a project folder (dumps off: the write tests do not need them)."""
    values: dict[str, Any] = {
        "graph_dir": folder / "graph",
        "shapes_dir": folder / "shapes",
        "queries_dir": folder / "queries",
        "output_dir": folder / "out",
        "changes_dir": folder / "changes",
        "tokens_file": folder / "tokens.json",
        "dumps": False,
    }
    values.update(overrides)
    return load(values, environ={})


def built_template(folder: Path) -> Path:
    """Copy graph/, shapes/ and queries/ into ``folder`` and publish a snapshot there."""
    for name in ("graph", "shapes", "queries"):
        shutil.copytree(ROOT / name, folder / name)
    publish(settings_in(folder))
    return folder


def project_from(template: Path, target: Path, **overrides: Any) -> Project:
    """A fresh copy of a built template."""
    shutil.copytree(template, target, symlinks=True)
    return Project(target, settings_in(target, **overrides))
