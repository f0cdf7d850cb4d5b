"""The template and the export: made from the shapes, and read back by the import.

Round trips go through real files: the xlsx and the CSV folder the commands write.
"""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import pytest
from csvw import TableGroup
from openpyxl import load_workbook

from partnergraph.cli import main
from partnergraph.curation import importing, template
from partnergraph.curation.sheets import model
from partnergraph.curation.workbook import read

from .writing import EVERYONE, Project, built_template, project_from


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built_template(tmp_path_factory.mktemp("template") / "project")


@pytest.fixture
def project(built: Path, tmp_path: Path) -> Project:
    return project_from(built, tmp_path / "project")


@pytest.mark.parametrize("language", ["en", "sv", "fi"])
def test_the_export_imports_back_to_no_change(
    project: Project, tmp_path: Path, language: str
) -> None:
    file = tmp_path / f"export-{language}.xlsx"
    template.write(project.settings, file, language, with_rows=True)
    plan = importing.plan(project.settings, file, file.name)
    assert plan.ok, plan.problems[:5]
    assert plan.language == language
    assert plan.rows > 150
    assert not plan.change


def test_the_csv_export_with_its_metadata_imports_back_to_no_change(
    project: Project, tmp_path: Path
) -> None:
    folder = tmp_path / "csv"
    template.write(project.settings, folder, "fi", with_rows=True, format="csv")
    assert (folder / "csv-metadata.json").is_file()
    for given in (folder, folder / "csv-metadata.json"):
        plan = importing.plan(project.settings, given, given.name)
        assert plan.ok, plan.problems[:5]
        assert plan.language == "fi"
        assert not plan.change
    alone = importing.plan(project.settings, folder / "partnerships.csv", "partnerships.csv")
    assert alone.ok, alone.problems[:5]
    assert not alone.change


def test_a_csvw_processor_reads_the_csv_export(project: Project, tmp_path: Path) -> None:
    """The csvw package (the CLDF project's CSVW implementation) reads the metadata and
    the files as the import does: the same rows, multiple values split by each
    column's separator (a quote spanning lines stays whole)."""
    folder = tmp_path / "csv"
    template.write(project.settings, folder, "en", with_rows=True, format="csv")
    group = TableGroup.from_file(folder / "csv-metadata.json")
    ours = {t.name: t for t in read(folder, "csv", max_rows=10_000, max_bytes=10**8).tables}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an invalid value is a warning in csvw
        # csvw 4 compares a heading with the titles that have no language only (the
        # spec: with any title); its columns are taken by position instead
        warnings.filterwarnings("ignore", "Incompatible column titles")
        for table in group.tables:
            name = str(table.url).removesuffix(".csv")
            rows = list(table.iterdicts(strict=False))
            assert len(rows) == len(ours[name].rows)
            for theirs, mine in zip(rows, ours[name].rows, strict=True):
                for value, cell in zip(theirs.values(), mine.values, strict=True):
                    if isinstance(value, list):
                        separator = "\n\n" if "\n\n" in str(cell) else "\n"
                        assert value == (str(cell).split(separator) if cell else [])
                    else:
                        empty = value is None or (isinstance(value, str) and not value)
                        shown = value.unsplit() if hasattr(value, "unsplit") else str(value)
                        assert (None if empty else shown) == cell


def test_a_corrected_export_writes_the_correction(project: Project, tmp_path: Path) -> None:
    file = tmp_path / "export.xlsx"
    template.export_xlsx(project.settings, file, "en")
    book = load_workbook(file)
    sheet = book["Partnerships"]
    headings = [c.value for c in sheet[1]]
    ids = headings.index("id")
    start = headings.index("start date")
    source = headings.index("source *")
    for row in sheet.iter_rows(min_row=2):
        if row[ids].value == "lahti-akureyri" and row[source].value == "pohjola-norden-lahti":
            assert row[start].value == 1947
            row[start].value = 1948
            break
    else:
        pytest.fail("no row of lahti-akureyri from pohjola-norden-lahti")
    book.save(file)
    plan = importing.plan(project.settings, file, file.name)
    assert plan.ok, plan.problems
    assert len(plan.change) == 2
    written = importing.apply(project.settings, plan, EVERYONE)
    assert written.entry is not None
    trig = (project.folder / "graph" / "twinnings-lahti.trig").read_text()
    assert '"1948"^^xsd:gYear' in trig


def test_the_template_is_made_from_the_shapes(project: Project, tmp_path: Path) -> None:
    file = tmp_path / "template.xlsx"
    template.write_template(project.settings, file, "sv")
    book = load_workbook(file)
    assert book.sheetnames[:6] == [
        "Kommuner",
        "Partnerskap",
        "Medlemskap",
        "Kontaktpunkter",
        "Källor",
        "Om mallen",
    ]
    sheet = book["Partnerskap"]
    headings = [c.value for c in sheet[1]]
    assert {"part 1 *", "typ *", "startdatum"} <= set(headings)
    lists = [v for v in sheet.data_validations.dataValidation if v.type == "list"]
    assert lists, "the partnership type is a drop-down list"
    values = {c.value for row in book["_lists"].iter_rows() for c in row if c.value}
    assert {"vänort", "vänskapskommun", "samarbetsavtal"} <= values
    assert sheet.max_row == 2, "one example row, from the data"
    unchanged = importing.plan(project.settings, file, file.name)
    assert unchanged.ok, unchanged.problems
    assert not unchanged.change, "the example row is a row of the data"


def test_a_new_property_in_a_shape_is_a_new_column(project: Project, tmp_path: Path) -> None:
    shapes = project.settings.shapes_dir / "partnership.ttl"
    text = shapes.read_text()
    text = text.replace(
        "pgsh:Partnership-type, pgsh:Partnership-startDate,",
        "pgsh:Partnership-type, pgsh:Partnership-startDate, pgsh:Partnership-website,",
    )
    text += """
pgsh:Partnership-website
    a sh:PropertyShape ;
    sh:name "website"@en, "webbplats"@sv, "verkkosivusto"@fi ;
    sh:path schema:url ;
    sh:maxCount 1 ;
    sh:message "A partnership has at most one website"@en ;
    sh:severity sh:Violation .
"""
    shapes.write_text(text)
    sheets = {s.key: s for s in model(project.settings.shapes_dir, project.settings.base_iri)}
    keys = [c.key for c in sheets["partnerships"].columns]
    assert "url" in keys
    column = sheets["partnerships"].columns[keys.index("url")]
    assert column.kind == "url"
    assert dict(column.titles) == {"en": "website", "sv": "webbplats", "fi": "verkkosivusto"}


def test_the_commands_write_where_they_are_told(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project.folder)
    for name, value in {"GRAPH_DIR": "graph", "SHAPES_DIR": "shapes", "OUTPUT_DIR": "out"}.items():
        monkeypatch.setenv(f"PARTNERGRAPH_{name}", value)
    assert main(["template", "--out", str(tmp_path / "t.xlsx"), "--lang", "fi"]) == 0
    assert main(["export", "--format", "csv", "--out", str(tmp_path / "data")]) == 0
    assert load_workbook(tmp_path / "t.xlsx").sheetnames[0] == "Kunnat"
    assert (
        (tmp_path / "data" / "partnerships.csv")
        .read_text(encoding="utf-8-sig")
        .startswith("id,name (en),name (sv),name (fi),party 1,party 2,type,")
    )
    shutil.rmtree(tmp_path / "data")
