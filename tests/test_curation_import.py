"""Importing curators' spreadsheets: matching, the preview, the report by cell, the write.

Every workbook here is a real .xlsx file written with openpyxl (as a curator's own
spreadsheet program would), read by the importer from disk, on a writable copy of
the project with a built snapshot.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pyoxigraph as ox
import pytest
from openpyxl import Workbook

from partnergraph import snapshots
from partnergraph.cli import main
from partnergraph.curation import importing
from partnergraph.curation.matching import fold, slug
from partnergraph.errors import Conflict, Forbidden
from partnergraph.writes.tokens import Writer

from .writing import EVERYONE, Project, built_template, project_from

BASE = "https://w3id.org/partnergraph/"
SOURCE = "https://example.org/lahti/ystavyyskaupungit"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built_template(tmp_path_factory.mktemp("curation") / "project")


@pytest.fixture
def project(template: Path, tmp_path: Path) -> Project:
    return project_from(template, tmp_path / "project")


def workbook(path: Path, sheets: dict[str, Sequence[Sequence[object]]]) -> Path:
    """An .xlsx file with one sheet per entry: a heading row, then the rows."""
    book = Workbook()
    first = True
    for title, rows in sheets.items():
        sheet = book.active if first else book.create_sheet()
        assert sheet is not None
        sheet.title = title
        first = False
        for row in rows:
            sheet.append(list(row))
    book.save(path)
    return path


def served(project: Project, query: str) -> bool:
    snapshot = snapshots.current(project.settings)
    assert snapshot is not None
    result = ox.Store.read_only(str(snapshot.store)).query(query)
    assert isinstance(result, ox.QueryBoolean)
    return bool(result)


def log_entries(project: Project) -> list[dict[str, object]]:
    log = project.folder / "changes" / "log.jsonl"
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text().splitlines()]


def test_names_fold_accents_and_case() -> None:
    assert fold("Västerås") == fold("VASTERAS") == "vasteras"
    assert fold("Pécs") == fold("pecs")
    assert fold("Ålesund") == "alesund"
    assert fold("Søborg-Gladsaxe") == "soborg gladsaxe"
    assert slug("Gödöllő") == "godollo"
    assert slug("Frankfurt (Oder)") == "frankfurt-oder"


def test_a_new_partnership_is_previewed_then_written_then_served(
    project: Project, tmp_path: Path
) -> None:
    file = workbook(
        tmp_path / "lahti.xlsx",
        {
            "Partnerships": [
                ("party 1", "party 2", "type", "start date", "source", "quote (fi)"),
                ("lahti", "LUND", "twin town", 1990, SOURCE, "Lahti ja Lund"),
            ]
        },
    )
    before = project.files()
    plan = importing.plan(project.settings, file, file.name)
    assert plan.ok, plan.problems
    assert plan.language == "en"
    assert project.files() == before, "a preview writes nothing"
    assert log_entries(project) == []
    assert plan.words[0].startswith("new partnership Lahti \u2013 Lund")
    assert "start date 1990" in plan.words[0]
    assert "A <https://w3id.org/partnergraph/id/partnership/lahti-lund>" in plan.patch

    written = importing.apply(project.settings, plan, EVERYONE)
    assert written.entry is not None
    assert written.entry.request["import"] == "lahti.xlsx"
    assert served(
        project,
        f"""ASK {{ GRAPH <{BASE}graph/example-org-lahti-ystavyyskaupungit> {{
            <{BASE}id/partnership/lahti-lund> a <{BASE}def/Partnership> ;
              <{BASE}def/party> <{BASE}id/city/lahti>, <{BASE}id/city/lund> ;
              <https://schema.org/startDate> "1990"^^<http://www.w3.org/2001/XMLSchema#gYear> ;
              <{BASE}def/quote> "Lahti ja Lund"@fi .
            <{BASE}id/source/example-org-lahti-ystavyyskaupungit>
              <https://schema.org/url> <{SOURCE}> }} }}""",
    )
    assert served(
        project, f"ASK {{ <{BASE}id/city/lahti> <{BASE}def/partner> <{BASE}id/city/lund> }}"
    )
    new_file = project.folder / "graph" / "example-org-lahti-ystavyyskaupungit.trig"
    assert "partnership:lahti-lund" in new_file.read_text()

    again = importing.plan(project.settings, file, file.name)
    assert not again.change, "importing the same file again changes nothing"
    assert again.words == ("Nothing to change: the data already says this.",)


def test_a_correction_replaces_what_the_source_said(project: Project, tmp_path: Path) -> None:
    file = workbook(
        tmp_path / "fix.xlsx",
        {
            "Partnerships": [
                ("id", "start date", "source"),
                ("lahti-akureyri", 1948, "pohjola-norden-lahti"),
            ]
        },
    )
    plan = importing.plan(project.settings, file, file.name)
    assert plan.ok, plan.problems
    assert len(plan.change.added) == 1
    assert len(plan.change.removed) == 1
    (line,) = plan.words
    assert "added start date 1948" in line
    assert "removed start date 1947" in line


def test_headings_in_finnish_report_in_finnish(project: Project, tmp_path: Path) -> None:
    file = workbook(
        tmp_path / "kunnat.xlsx",
        {
            "Kumppanuudet": [
                ("osapuoli 1", "osapuoli 2", "tyyppi", "alkamispäivä", "lähde"),
                ("Lahtti", "Lund", "ystävyyskaupunki", "19x", SOURCE),
            ]
        },
    )
    plan = importing.plan(project.settings, file, file.name)
    assert plan.language == "fi"
    where = {(p.sheet, p.row, p.column): p.message for p in plan.problems}
    assert where[("Kumppanuudet", 2, "osapuoli 1")].startswith("”Lahtti” ei vastaa mitään")
    assert "Lahti, Suomi (city/lahti)" in where[("Kumppanuudet", 2, "osapuoli 1")]
    assert "ei ole päivämäärä" in where[("Kumppanuudet", 2, "alkamispäivä")]
    assert not plan.change.added or not plan.ok


def test_headings_in_swedish_and_a_new_municipality_with_its_country(
    project: Project, tmp_path: Path
) -> None:
    file = workbook(
        tmp_path / "vanorter.xlsx",
        {
            "Kommuner": [("namn (en)", "land", "källa"), ("Gödöllő", "HU", SOURCE)],
            "Partnerskap": [
                ("part 1", "part 2", "typ", "källa"),
                ("Lahtis", "godollo", "vänort", SOURCE),
            ],
        },
    )
    plan = importing.plan(project.settings, file, file.name)
    assert plan.ok, plan.problems
    assert plan.language == "sv"
    assert plan.words[0].startswith("ny kommun Gödöllő: land Ungern")
    importing.apply(project.settings, plan, EVERYONE)
    assert served(
        project,
        f"""ASK {{ <{BASE}id/city/godollo> a <https://schema.org/City> ;
              <https://schema.org/containedInPlace> <{BASE}id/country/hungary> .
            <{BASE}id/partnership/lahti-godollo> <{BASE}def/party> <{BASE}id/city/godollo> }}""",
    )


def test_a_new_municipality_needs_its_country(project: Project, tmp_path: Path) -> None:
    file = workbook(
        tmp_path / "place.xlsx",
        {"Municipalities": [("name (en)", "source"), ("Nowhere Town", SOURCE)]},
    )
    plan = importing.plan(project.settings, file, file.name)
    assert [(p.row, p.column) for p in plan.problems] == [(2, "country")]
    assert "only with its country" in plan.problems[0].message


def test_a_row_without_a_source_is_refused(project: Project, tmp_path: Path) -> None:
    file = workbook(
        tmp_path / "nosource.xlsx",
        {"Partnerships": [("party 1", "party 2", "type"), ("Lahti", "Lund", "twin town")]},
    )
    plan = importing.plan(project.settings, file, file.name)
    assert [(p.sheet, p.row, p.column) for p in plan.problems] == [("Partnerships", 2, "source")]
    assert not plan.ok


def test_an_ambiguous_name_lists_its_candidates_and_is_never_guessed(
    project: Project, tmp_path: Path
) -> None:
    places = workbook(
        tmp_path / "two.xlsx",
        {
            "Municipalities": [
                ("id", "name (en)", "country", "source"),
                ("frankfurt-am-main", "Frankfurt", "DE", SOURCE),
                ("frankfurt-oder", "Frankfurt", "DE", SOURCE),
            ]
        },
    )
    importing.apply(
        project.settings, importing.plan(project.settings, places, "two.xlsx"), EVERYONE
    )
    file = workbook(
        tmp_path / "which.xlsx",
        {
            "Partnerships": [
                ("party 1", "party 2", "type", "source"),
                ("Lahti", "frankfurt", "twin town", SOURCE),
            ]
        },
    )
    plan = importing.plan(project.settings, file, file.name)
    (problem,) = plan.problems
    assert problem.column == "party 2"
    assert "matches several" in problem.message
    assert "(city/frankfurt-am-main)" in problem.message
    assert "(city/frankfurt-oder)" in problem.message
    assert not plan.change.added or not plan.ok


def test_wikidata_and_geonames_ids_find_municipalities(project: Project, tmp_path: Path) -> None:
    file = workbook(
        tmp_path / "ids.xlsx",
        {
            "Partnerships": [
                ("party 1", "party 2", "type", "source"),
                (
                    "https://www.wikidata.org/wiki/Q2167",
                    "649360",
                    "friendship municipality",
                    SOURCE,
                ),
            ]
        },
    )
    plan = importing.plan(project.settings, file, file.name)
    assert plan.ok, plan.problems
    assert (
        f"A <{BASE}id/partnership/lund-lahti> <{BASE}def/party> <{BASE}id/city/lahti>" in plan.patch
    )
    assert (
        f"A <{BASE}id/partnership/lund-lahti> <{BASE}def/party> <{BASE}id/city/lund>" in plan.patch
    )


def test_the_gate_points_at_the_row_and_the_column(project: Project, tmp_path: Path) -> None:
    file = workbook(
        tmp_path / "dates.xlsx",
        {
            "Partnerships": [
                ("party 1", "party 2", "type", "start date", "end date", "source"),
                ("Lahti", "Lund", "twin town", 1990, 1980, SOURCE),
            ]
        },
    )
    before = project.files()
    plan = importing.plan(project.settings, file, file.name)
    (problem,) = plan.problems
    assert (problem.sheet, problem.row, problem.column) == ("Partnerships", 2, "start date")
    assert "comes after the end" in problem.message
    assert project.files() == before
    with pytest.raises(ValueError, match="problems"):
        importing.apply(project.settings, plan, EVERYONE)
    assert log_entries(project) == []


def test_the_report_speaks_the_curators_language(project: Project, tmp_path: Path) -> None:
    file = workbook(
        tmp_path / "datum.xlsx",
        {
            "Partnerskap": [
                ("id", "startdatum", "källa"),
                ("lahti-akureyri", 1950, "lahti-kansainvalinen-lahti"),
            ]
        },
    )
    plan = importing.plan(project.settings, file, file.name)
    (problem,) = plan.problems
    assert (problem.sheet, problem.row, problem.column) == ("Partnerskap", 2, "startdatum")
    assert problem.message == "Här får färre värden stå: data skulle få fler än regeln tillåter."


def test_unknown_sheets_and_columns_are_named(project: Project, tmp_path: Path) -> None:
    file = workbook(
        tmp_path / "odd.xlsx",
        {
            "Shopping": [("item", "price"), ("milk", 1)],
            "Partnerships": [
                ("party 1", "party 2", "colour", "source"),
                ("Lahti", "Lund", "red", SOURCE),
            ],
        },
    )
    plan = importing.plan(project.settings, file, file.name)
    messages = " | ".join(p.message for p in plan.problems)
    assert "The sheet “Shopping” is not one of the template's sheets" in messages
    assert "The column “colour” is not one of this sheet's columns" in messages
    assert not plan.ok


def test_the_data_moving_after_a_preview_is_a_conflict(project: Project, tmp_path: Path) -> None:
    file = workbook(
        tmp_path / "race.xlsx",
        {
            "Partnerships": [
                ("party 1", "party 2", "type", "source"),
                ("Lahti", "Lund", "twin town", SOURCE),
            ]
        },
    )
    plan = importing.plan(project.settings, file, file.name)
    importing.apply(project.settings, plan, EVERYONE)
    with pytest.raises(Conflict):
        importing.apply(project.settings, plan, EVERYONE)
    assert len(log_entries(project)) == 1


def test_the_command_line_dry_run_then_import(
    project: Project,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    file = workbook(
        tmp_path / "cli.xlsx",
        {
            "Partnerships": [
                ("party 1", "party 2", "type", "source"),
                ("Lahti", "Lund", "twin town", SOURCE),
            ]
        },
    )
    monkeypatch.chdir(project.folder)
    for name, value in {
        "GRAPH_DIR": "graph",
        "SHAPES_DIR": "shapes",
        "OUTPUT_DIR": "out",
        "CHANGES_DIR": "changes",
        "DUMPS": "false",
    }.items():
        monkeypatch.setenv(f"PARTNERGRAPH_{name}", value)
    before = project.files()
    assert main(["import", str(file), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("new partnership Lahti \u2013 Lund")
    assert "\nTX .\n" in out
    assert project.files() == before
    assert main(["import", str(file), "--as", "lahti-international-office"]) == 0
    (entry,) = log_entries(project)
    assert entry["who"] == "lahti-international-office"
    assert main(["import", str(file)]) == 0
    assert len(log_entries(project)) == 1, "re-importing writes no change"
    bad = workbook(
        tmp_path / "bad.xlsx",
        {"Partnerships": [("party 1", "party 2", "type"), ("Lahti", "Lund", "x")]},
    )
    assert main(["import", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "bad.xlsx, Partnerships, row 2, “source”: A row needs its source" in out
    assert "bad.xlsx, Partnerships, row 2, “type”: “x” is not one of the allowed values" in out


def test_a_file_that_is_no_spreadsheet_is_refused_and_nothing_is_written(
    project: Project,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(project.folder)
    for name, value in {"GRAPH_DIR": "graph", "SHAPES_DIR": "shapes", "OUTPUT_DIR": "out"}.items():
        monkeypatch.setenv(f"PARTNERGRAPH_{name}", value)
    picture = tmp_path / "twins.xlsx"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    legacy = tmp_path / "twins.csv"
    legacy.write_bytes("party 1,party 2,type,source\nLahti,Västerås,twin town,x\n".encode("cp1252"))
    before = project.files()
    assert main(["import", str(picture)]) == 2
    assert "twins.xlsx" in capsys.readouterr().err
    assert main(["import", str(legacy)]) == 2
    err = capsys.readouterr().err
    assert "twins.csv, row 2" in err
    assert "UTF-8" in err
    assert project.files() == before
    assert log_entries(project) == []


def test_a_graph_outside_the_writers_scope_is_a_problem_of_the_preview(
    project: Project, tmp_path: Path
) -> None:
    file = workbook(
        tmp_path / "scope.xlsx",
        {
            "Partnerships": [
                ("party 1", "party 2", "type", "source"),
                ("Lahti", "Lund", "twin town", SOURCE),
            ]
        },
    )
    lund_office = Writer("lund-office", (f"{BASE}graph/lund-*",))
    plan = importing.plan(project.settings, file, file.name, writer=lund_office)
    (problem,) = plan.problems
    assert "may not write the graph" in problem.message
    assert "lund-office" in problem.message
    with pytest.raises(Forbidden):
        importing.apply(
            project.settings, importing.plan(project.settings, file, file.name), lund_office
        )
    assert log_entries(project) == []
