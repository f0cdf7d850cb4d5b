"""The write path end to end, without HTTP: gate, commit, files, log, undo, recovery."""

from __future__ import annotations

import difflib
from pathlib import Path

import pyoxigraph as ox
import pytest

from partnergraph import snapshots
from partnergraph.build import build
from partnergraph.errors import BadRequest, Forbidden, WriteRefused
from partnergraph.writes import commit, log
from partnergraph.writes.change import parse_patch
from partnergraph.writes.operations import ApplyChange, DeleteGraph, PutGraph, SparqlUpdate
from partnergraph.writes.tokens import Writer
from partnergraph.writes.update import UpdateRequest, prepare

from .writing import (
    EVERYONE,
    LAHTI_GRAPH,
    NEW_PARTNERSHIP,
    PARTNERSHIP_WITHOUT_PARTIES,
    PROLOGUE,
    Project,
    built_template,
    project_from,
)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built_template(tmp_path_factory.mktemp("template") / "project")


@pytest.fixture
def project(template: Path, tmp_path: Path) -> Project:
    return project_from(template, tmp_path / "project")


def _update(project: Project, text: str, writer: Writer = EVERYONE) -> commit.Written:
    operation = SparqlUpdate(prepare(UpdateRequest(text), project.settings.base_iri))
    return commit.write(project.settings, operation, writer)


def _unchanged(project: Project, files: dict[str, bytes], version: str) -> None:
    assert project.files() == files
    assert snapshots.current_version(project.settings) == version
    assert list(log.entries(project.settings.changes_dir)) == []
    leftovers = [
        p.name for p in snapshots.folder(project.settings).iterdir() if p.name.startswith(".new")
    ]
    assert leftovers == []


def test_an_accepted_write_is_served_logged_and_in_graph_files_that_rebuild_to_it(
    project: Project,
) -> None:
    before = project.files()
    old = snapshots.current_version(project.settings)
    written = _update(project, NEW_PARTNERSHIP)
    assert written.entry is not None
    assert written.entry.before == old
    assert written.entry.after == written.snapshot.version
    assert snapshots.current_version(project.settings) == written.snapshot.version
    store = ox.Store.read_only(str(written.snapshot.store))
    lahti_lund = ox.NamedNode("https://w3id.org/partnergraph/id/partnership/lahti-lund")
    assert any(store.quads_for_pattern(lahti_lund, None, None, ox.NamedNode(LAHTI_GRAPH)))
    partner = ox.NamedNode("https://w3id.org/partnergraph/def/partner")
    assert any(store.quads_for_pattern(None, partner, None, ox.DefaultGraph()))  # derived, unioned
    after = project.files()
    changed = [name for name in after if after[name] != before[name]]
    assert len(changed) == 1
    diff = list(
        difflib.unified_diff(
            before[changed[0]].decode().splitlines(),
            after[changed[0]].decode().splitlines(),
            n=0,
            lineterm="",
        )
    )
    removed_lines = [line for line in diff if line.startswith("-") and not line.startswith("---")]
    assert removed_lines == [], "an added description removes no line of the file"
    assert "partnership:lahti-lund" in after[changed[0]].decode()
    assert build(project.settings, write=False).version == written.snapshot.version
    assert log.verify(project.settings.changes_dir).problems == []
    assert len(parse_patch(written.entry.patch).added) == len(written.change.added) == 6


def test_a_write_that_does_not_conform_changes_nothing(project: Project) -> None:
    files, version = project.files(), snapshots.current_version(project.settings)
    with pytest.raises(WriteRefused) as refused:
        _update(project, PARTNERSHIP_WITHOUT_PARTIES)
    report = refused.value.report
    focus = {item.finding.focus for item in report.findings}  # type: ignore[attr-defined]
    assert "<https://w3id.org/partnergraph/id/partnership/lahti-nowhere>" in focus
    _unchanged(project, files, version or "")


@pytest.mark.parametrize(
    ("update", "why"),
    [
        (f'{PROLOGUE} INSERT DATA {{ city:lahti rdfs:label "x"@en }}', "default graph"),
        (f"{PROLOGUE} DELETE WHERE {{ city:lahti rdfs:label ?l }}", "default graph"),
        (f"{PROLOGUE} CLEAR DEFAULT", "default graph"),
        (f"{PROLOGUE} MOVE DEFAULT TO <{LAHTI_GRAPH}>", "default graph"),
        (f"{PROLOGUE} LOAD <http://example.org/data.ttl> INTO GRAPH <{LAHTI_GRAPH}>", "LOAD"),
        (
            f"{PROLOGUE} INSERT {{ GRAPH <{LAHTI_GRAPH}> {{ ?s rdfs:label ?l }} }} "
            "WHERE { SERVICE <http://example.org/sparql> { ?s rdfs:label ?l } }",
            "SERVICE",
        ),
        (
            f"{PROLOGUE} INSERT DATA {{ GRAPH <https://w3id.org/partnergraph/graph/derived> "
            '{ city:lahti rdfs:label "x"@en } }',
            "derived graph",
        ),
        (
            f"{PROLOGUE} INSERT DATA {{ GRAPH <https://w3id.org/partnergraph/def/g> "
            '{ city:lahti rdfs:label "x"@en } }',
            "vocabulary",
        ),
        (
            f"{PROLOGUE} INSERT DATA {{ GRAPH <https://w3id.org/partnergraph/shapes/g> "
            '{ city:lahti rdfs:label "x"@en } }',
            "shapes",
        ),
        (
            f"{PROLOGUE} INSERT {{ GRAPH <{LAHTI_GRAPH}> {{ city:lahti rdfs:seeAlso [] }} }} "
            "WHERE {}",
            "blank nodes",
        ),
        ("INSERT DATA { GRAPH <g> { <s> <p> } }", "does not parse"),
    ],
)
def test_what_no_write_may_do_is_refused_and_changes_nothing(
    project: Project, update: str, why: str
) -> None:
    files, version = project.files(), snapshots.current_version(project.settings)
    with pytest.raises(BadRequest, match=why):
        _update(project, update)
    _unchanged(project, files, version or "")


def test_a_token_writes_only_its_graphs(project: Project) -> None:
    files, version = project.files(), snapshots.current_version(project.settings)
    lund_only = Writer("lund", ("https://w3id.org/partnergraph/graph/lund-*",))
    with pytest.raises(Forbidden, match="lahti-kansainvalinen-lahti"):
        _update(project, NEW_PARTNERSHIP, lund_only)
    _unchanged(project, files, version or "")
    lahti = Writer("lahti", ("https://w3id.org/partnergraph/graph/lahti-*",))
    assert _update(project, NEW_PARTNERSHIP, lahti).entry is not None


def test_a_write_that_changes_nothing_is_not_logged(project: Project) -> None:
    existing = f"""{PROLOGUE} INSERT DATA {{ GRAPH <{LAHTI_GRAPH}> {{
        source:lahti-kansainvalinen-lahti dcterms:title "Kansainvälinen Lahti"@fi }} }}"""
    files, version = project.files(), snapshots.current_version(project.settings)
    written = _update(project, existing)
    assert written.entry is None
    assert not written.change
    _unchanged(project, files, version or "")


def test_undo_restores_the_version_and_the_files_byte_for_byte(project: Project) -> None:
    files, version = project.files(), snapshots.current_version(project.settings)
    written = _update(project, NEW_PARTNERSHIP)
    assert written.entry is not None
    inverse = ApplyChange(parse_patch(written.entry.patch).inverse())
    undone = commit.write(project.settings, inverse, EVERYONE, undoes=written.entry.id)
    assert undone.snapshot.version == version
    assert snapshots.current_version(project.settings) == version
    assert project.files() == files
    entries = list(log.entries(project.settings.changes_dir))
    assert [e.undoes for e in entries] == [None, written.entry.id]
    assert log.verify(project.settings.changes_dir).problems == []
    with pytest.raises(Exception, match="no longer applies"):
        commit.write(project.settings, inverse, EVERYONE)


def test_graph_store_put_makes_a_new_file_and_delete_removes_the_graph(project: Project) -> None:
    graph = "https://w3id.org/partnergraph/graph/lund-new-source"
    quads = list(
        ox.parse(
            f"""{PROLOGUE.replace("PREFIX ", "@prefix ").replace(">", "> .")}
        source:lund-new-source a pg:SourceDocument ;
            rdfs:label "A new source"@en ;
            <https://schema.org/url> <https://example.org/lund-new-source> ;
            dcterms:source source:lund-new-source .""".encode(),
            format=ox.RdfFormat.TURTLE,
        )
    )
    in_graph = [ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode(graph)) for q in quads]
    written = commit.write(project.settings, PutGraph(graph, in_graph, True), EVERYONE)
    assert written.entry is not None
    new_file = project.folder / "graph" / "lund-new-source.trig"
    assert new_file.is_file()
    assert build(project.settings, write=False).version == written.snapshot.version
    deleted = commit.write(project.settings, DeleteGraph(graph), EVERYONE)
    assert deleted.entry is not None
    assert build(project.settings, write=False).version == deleted.snapshot.version


@pytest.mark.parametrize(
    "crash_at", ["validated", "sealed", "pending", "logged", "files", "switched"]
)
def test_a_write_cut_off_at_any_step_is_whole_or_absent_after_recovery(
    project: Project, crash_at: str
) -> None:
    files, version = project.files(), snapshots.current_version(project.settings)

    class Crash(Exception):
        pass

    def stop(name: str) -> None:
        if name == crash_at:
            raise Crash(name)

    operation = SparqlUpdate(prepare(UpdateRequest(NEW_PARTNERSHIP), project.settings.base_iri))
    with pytest.raises(Crash):
        commit.write(project.settings, operation, EVERYONE, step=stop)
    with commit.write_lock(project.settings):
        commit.recover(project.settings)
    entries = list(log.entries(project.settings.changes_dir))
    served = snapshots.current_version(project.settings)
    if crash_at in ("validated", "sealed", "pending"):
        assert entries == []
        assert served == version
        assert project.files() == files
    else:
        assert len(entries) == 1
        assert served == entries[0].after
        assert build(project.settings, write=False).version == served
    assert not (project.settings.changes_dir / commit.PENDING).exists()
    assert log.verify(project.settings.changes_dir).problems == []
