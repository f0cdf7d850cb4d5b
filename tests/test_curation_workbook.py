"""Reading and writing curators' spreadsheets (partnergraph.curation.workbook, _write).

Workbooks are written by the tests with openpyxl (and, for the hostile cases, as
raw bytes or hand-patched zip parts); every refusal names the file, and the sheet
and row where there is one.
"""

from __future__ import annotations

import codecs
import datetime
import io
import json
import random
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from partnergraph.curation.workbook import (
    ROWS_SETTING,
    SpreadsheetError,
    SpreadsheetTooLarge,
    Workbook,
    heading_text,
    read,
    sniff,
)
from partnergraph.curation.workbook_write import (
    ColumnOut,
    SheetOut,
    csv_metadata,
    sheet_title,
    write_csv_folder,
    write_xlsx,
)

MAX_ROWS = 1000
DASH = "\N{EN DASH}"
MAX_BYTES = 5_000_000
TITLE = {"en": "Explanation", "sv": "Förklaring", "fi": "Selitys"}
WORDS = {
    "sheet": {"en": "sheet", "sv": "blad", "fi": "välilehti"},
    "column": {"en": "heading", "sv": "rubrik", "fi": "otsikko"},
    "required": {"en": "required", "sv": "krävs", "fi": "pakollinen"},
    "values": {"en": "allowed values", "sv": "tillåtna värden", "fi": "sallitut arvot"},
    "description": {"en": "what it holds", "sv": "innehåll", "fi": "sisältö"},
    "yes": {"en": "yes", "sv": "ja", "fi": "kyllä"},
    "no": {"en": "no", "sv": "nej", "fi": "ei"},
    "multiple": {"en": "one per line", "sv": "en per rad", "fi": "yksi riville"},
    "example": {"en": "example: delete or overwrite", "sv": "exempel", "fi": "esimerkki"},
}
NOTES = {"en": "Headings marked * are required. Import with --dry-run first."}
COLUMNS = (
    ColumnOut("label_en", {"en": "Name", "sv": "Namn", "fi": "Nimi"}, "text", True),
    ColumnOut(
        "type",
        {"en": "Type", "sv": "Typ", "fi": "Tyyppi"},
        "choice",
        True,
        choices=("twin town, sister city", "friendship"),
        description={"en": "What kind of partnership"},
    ),
    ColumnOut(
        "themes",
        {"en": "Themes", "sv": "Teman", "fi": "Teemat"},
        "choice",
        False,
        choices=("culture", "youth"),
        multiple=True,
    ),
    ColumnOut("start", {"en": "Start", "sv": "Början", "fi": "Alku"}, "date", False),
    ColumnOut("members", {"en": "Members", "sv": "Medlemmar", "fi": "Jäsenet"}, "integer", False),
    ColumnOut("source", {"en": "Source", "sv": "Källa", "fi": "Lähde"}, "url", True),
)
ROWS = (
    (
        f"Lahti{DASH}Pécs",
        "friendship",
        ("culture", "youth"),
        datetime.date(1956, 5, 1),
        3,
        "https://x.fi/a",
    ),
    (f"Västerås{DASH}Lahti", "twin town, sister city", None, 1947, None, "https://x.fi/b"),
    ("=1+1", None, (), None, 0, "https://x.fi/c"),
)
PARTNERSHIPS = SheetOut(
    "partnerships", {"en": "Partnerships", "sv": "Partnerskap", "fi": "Kumppanuudet"}, COLUMNS, ROWS
)
SOURCES = SheetOut(
    "sources",
    {"en": "Sources", "sv": "Källor", "fi": "Lähteet"},
    COLUMNS[:2],
    example=("Lahti city council 1956", "friendship"),
)


def read_limited(source: Path | bytes, file: str, **limits: int) -> Workbook:
    return read(
        source,
        file,
        max_rows=limits.get("max_rows", MAX_ROWS),
        max_bytes=limits.get("max_bytes", MAX_BYTES),
    )


def refused(source: Path | bytes, file: str, **limits: int) -> SpreadsheetError:
    """The error reading ``source`` raises; it names the file first."""
    with pytest.raises(SpreadsheetError) as caught:
        read_limited(source, file, **limits)
    error = caught.value
    assert str(error).startswith(error.file)
    assert file in error.file
    return error


def xlsx(build: Callable[[Worksheet], None], title: str = "Partnerships") -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.title = title
    build(sheet)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def patched(data: bytes, part: str, old: str, new: str) -> bytes:
    """The zip ``data`` with ``old`` replaced by ``new`` in its part ``part``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == part:
                assert old.encode() in content
                content = content.replace(old.encode(), new.encode())
            target.writestr(info, content)
    return out.getvalue()


def zipped(entries: dict[str, str | bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return out.getvalue()


def written(sheets: list[SheetOut], language: str = "en") -> bytes:
    buffer = io.BytesIO()
    write_xlsx(
        buffer,
        sheets,
        language,
        explanation_title=TITLE,
        explanation_headings=WORDS,
        notes=NOTES,
    )
    return buffer.getvalue()


# -- writing .xlsx and reading it back ---------------------------------------------


def test_xlsx_round_trip_gives_the_values_back() -> None:
    book = read_limited(written([PARTNERSHIPS, SOURCES]), "partnergraph.xlsx")
    assert book.file == "partnergraph.xlsx"
    assert [t.name for t in book.tables] == ["Partnerships", "Sources", "Explanation"]
    table = book.tables[0]
    assert table.headings == ("Name *", "Type *", "Themes", "Start", "Members", "Source *")
    assert [heading_text(h) for h in table.headings] == [c.titles["en"] for c in COLUMNS]
    assert table.columns == ()
    assert table.rows[0].number == 2
    assert table.rows[0].values == (
        f"Lahti{DASH}Pécs",
        "friendship",
        "culture\nyouth",
        datetime.date(1956, 5, 1),
        3,
        "https://x.fi/a",
    )
    assert table.rows[1].values[3] == 1947  # a year alone stays a year
    assert table.rows[2].values[:3] == ("=1+1", None, None)  # a text, not a formula
    assert table.rows[2].values[4] == 0
    sources = book.tables[1]
    assert sources.rows == (sources.rows[0],)
    assert sources.rows[0].values == ("Lahti city council 1956", "friendship")


def test_xlsx_layout_marks_lists_and_explains() -> None:
    data = written([PARTNERSHIPS, SOURCES])
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Partnerships", "Sources", "Explanation", "_lists"]
    assert book["_lists"].sheet_state == "hidden"
    sheet = book["Partnerships"]
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.bold
    assert sheet["A1"].fill.fgColor.rgb.endswith("FFE699")
    assert sheet["C1"].fill.fill_type is None  # an optional heading has no fill
    assert sheet["A4"].data_type == "s"
    assert sheet["D2"].number_format == "yyyy-mm-dd"
    assert sheet.column_dimensions["A"].number_format == "@"
    validations = {str(v.sqref): v for v in sheet.data_validations.dataValidation}
    choice = validations["B2:B1048576"]
    assert choice.type == "list"
    assert choice.formula1 == "'_lists'!$A$1:$A$2"
    assert [c.value for c in book["_lists"]["A"]] == list(COLUMNS[1].choices)
    assert validations["C2:C1048576"].showErrorMessage is False  # several values may be typed
    assert not any(where.startswith("D") for where in validations)
    example = book["Sources"]["A2"]
    assert example.font.italic
    assert example.comment is not None
    assert example.comment.text == "example: delete or overwrite"
    assert book["Partnerships"]["A2"].comment is None  # data rows: no example
    explanation = [[c.value for c in row] for row in book["Explanation"].iter_rows()]
    assert explanation[0][0] == "Headings marked * are required."
    assert explanation[3][:6] == [
        "sheet",
        "heading (en)",
        "heading (sv)",
        "heading (fi)",
        "required",
        "allowed values",
    ]
    type_row = next(row for row in explanation if row[1] == "Type")
    assert type_row == [
        "Partnerships",
        "Type",
        "Typ",
        "Tyyppi",
        "yes",
        "twin town, sister city\nfriendship",
        "What kind of partnership",
    ]
    themes_row = next(row for row in explanation if row[1] == "Themes")
    assert themes_row[4:6] == ["no", "culture\nyouth\none per line"]


def test_xlsx_in_swedish() -> None:
    book = read_limited(written([PARTNERSHIPS], "sv"), "mall.xlsx")
    assert [t.name for t in book.tables] == ["Partnerskap", "Förklaring"]
    assert book.tables[0].headings[:3] == ("Namn *", "Typ *", "Teman")
    assert heading_text(book.tables[0].headings[3]) == "Början"


def test_xlsx_same_input_same_bytes(tmp_path: Path) -> None:
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    for target in (first, second):
        write_xlsx(
            target,
            [PARTNERSHIPS, SOURCES],
            "fi",
            explanation_title=TITLE,
            explanation_headings=WORDS,
            notes=NOTES,
        )
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert b"1980-01-01T00:00:00Z" in archive.read("docProps/core.xml")


def test_sheet_titles_are_what_excel_takes() -> None:
    assert sheet_title("Partners: [old/new]?") == "Partners oldnew"
    assert len(sheet_title("x" * 40)) == 31
    with pytest.raises(ValueError, match="one"):
        written([PARTNERSHIPS, PARTNERSHIPS])
    with pytest.raises(ValueError, match="starts with _"):
        written([SheetOut("lists", {"en": "_lists"}, COLUMNS)])


def test_heading_text_strips_the_mark() -> None:
    assert heading_text("  Name *  ") == "Name"
    assert heading_text("Name*") == "Name"
    assert heading_text("Name") == "Name"


# -- CSV and CSVW ---------------------------------------------------------------------


def test_csv_folder_round_trip(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    write_csv_folder(folder, [PARTNERSHIPS, SOURCES], "fi")
    raw = (folder / "partnerships.csv").read_bytes()
    assert raw.startswith(codecs.BOM_UTF8 + "Nimi,Tyyppi,Teemat,Alku,Jäsenet,Lähde\r\n".encode())
    assert b'"culture\nyouth"' in raw
    assert raw.endswith(b"\r\n")
    by_folder = read_limited(folder, "export")
    by_metadata = read_limited(folder / "csv-metadata.json", "export/csv-metadata.json")
    assert by_folder.tables == by_metadata.tables
    assert by_folder.file == "export"
    partnerships, sources = by_folder.tables
    assert partnerships.name == "partnerships"
    assert partnerships.headings == ("Nimi", "Tyyppi", "Teemat", "Alku", "Jäsenet", "Lähde")
    assert partnerships.columns == tuple(c.name for c in COLUMNS)
    assert [r.number for r in partnerships.rows] == [2, 4, 5]  # row 2 spans two lines
    assert partnerships.rows[0].values == (
        f"Lahti{DASH}Pécs",
        "friendship",
        "culture\nyouth",
        "1956-05-01",
        "3",
        "https://x.fi/a",
    )
    assert partnerships.rows[1].values[2:4] == (None, "1947")
    assert partnerships.rows[2].values[0] == "=1+1"
    assert sources.rows == ()  # no example row in a CSV
    single = read_limited(folder / "partnerships.csv", "partnerships.csv")
    assert single.tables[0].columns == ()
    assert single.tables[0].rows == partnerships.rows


def test_csv_metadata_describes_the_columns(tmp_path: Path) -> None:
    write_csv_folder(tmp_path, [PARTNERSHIPS], "en")
    document = json.loads((tmp_path / "csv-metadata.json").read_text(encoding="utf-8"))
    assert document == csv_metadata([PARTNERSHIPS])
    assert document["@context"] == "http://www.w3.org/ns/csvw"
    assert document["null"] == ""
    table = document["tables"][0]
    assert table["url"] == "partnerships.csv"
    assert {"@value": "Partnerskap", "@language": "sv"} in table["dc:title"]
    columns = {c["name"]: c for c in table["tableSchema"]["columns"]}
    assert columns["type"]["titles"] == {"en": "Type", "sv": "Typ", "fi": "Tyyppi"}
    assert "required" not in columns["type"], "CSVW's required asks a value in every row"
    assert columns["type"]["dc:description"] == [
        {"@value": "What kind of partnership", "@language": "en"}
    ]
    assert columns["themes"]["separator"] == "\n"
    assert columns["members"]["datatype"] == "integer"
    assert columns["source"]["datatype"] == "anyURI"
    assert columns["start"]["datatype"]["base"] == "string"  # a date, or a year alone


def test_csvw_titles_dialect_and_moved_columns(tmp_path: Path) -> None:
    (tmp_path / "data.csv").write_bytes(b"Namn;Kind;x\r\nLund;twin;NA\r\n")
    metadata = {
        "@context": "http://www.w3.org/ns/csvw",
        "url": "data.csv",
        "dialect": {"delimiter": ";"},
        "null": "NA",
        "tableSchema": {
            "columns": [
                {"name": "kind", "titles": ["Kind", "Sort"]},
                {"name": "label", "titles": {"sv": "Namn", "en": ["Name", "Label"]}},
                {"name": "extra", "titles": "Extra"},
            ]
        },
    }
    (tmp_path / "data-metadata.json").write_text(json.dumps(metadata), encoding="utf-8")
    table = read_limited(tmp_path / "data-metadata.json", "data-metadata.json").tables[0]
    assert table.headings == ("Namn", "Kind", "x")
    assert table.columns == ("label", "kind", None)
    assert table.rows[0].values == ("Lund", "twin", None)


def test_csvw_without_heading_row(tmp_path: Path) -> None:
    (tmp_path / "data.csv").write_text("Lund,twin\r\n", encoding="utf-8")
    metadata = {
        "tables": [
            {
                "url": "data.csv",
                "dialect": {"header": False},
                "tableSchema": {"columns": [{"name": "label", "titles": "Name"}, {"name": "k"}]},
            }
        ]
    }
    (tmp_path / "csv-metadata.json").write_text(json.dumps(metadata), encoding="utf-8")
    table = read_limited(tmp_path, "upload").tables[0]
    assert table.headings == ("Name", "k")
    assert table.columns == ("label", "k")
    assert table.rows[0].number == 1
    assert table.rows[0].values == ("Lund", "twin")


def test_csvw_reads_nothing_outside_its_folder(tmp_path: Path) -> None:
    for url in ("../secret.csv", "/etc/passwd", "https://example.org/a.csv"):
        (tmp_path / "csv-metadata.json").write_text(json.dumps({"url": url}), encoding="utf-8")
        error = refused(tmp_path / "csv-metadata.json", "csv-metadata.json")
        assert url in str(error)


def test_csv_with_semicolons_and_a_bom() -> None:
    data = codecs.BOM_UTF8 + b'Namn;"Typ; art";Start\r\nLund;twin;1956\r\n'
    table = read_limited(data, "lista.csv").tables[0]
    assert table.name == "lista"
    assert table.headings == ("Namn", "Typ; art", "Start")
    assert table.rows == (table.rows[0],)
    assert table.rows[0].values == ("Lund", "twin", "1956")


def test_csv_delimiter_inside_quotes_does_not_count() -> None:
    data = b'"a;b;c",d\nx,y\n'
    assert read_limited(data, "q.csv").tables[0].headings == ("a;b;c", "d")


def test_csv_tab_separated_and_ragged() -> None:
    data = b"a\tb\n1\n2\t3\t4\n"
    table = read_limited(data, "t.csv").tables[0]
    assert table.headings == ("a", "b", "")  # a value beyond the headings is kept
    assert [r.values for r in table.rows] == [("1", None, None), ("2", "3", "4")]


def test_csv_in_a_legacy_encoding_is_refused() -> None:
    data = "name;place\r\nLund;Lund\r\n\r\nVästerås;Västmanland\r\n".encode("cp1252")
    error = refused(data, "towns.csv")
    assert error.row == 4
    assert error.sheet is None
    assert "windows-1252" in str(error)
    assert "CSV UTF-8" in str(error)
    assert str(error).startswith("towns.csv, row 4: ")


def test_csv_legacy_byte_inside_a_multiline_record_names_its_first_line() -> None:
    data = 'a,b\r\n1,"first\r\nsecond Västerås"\r\n'.encode("cp1252")
    assert refused(data, "m.csv").row == 2


def test_csv_with_a_quote_left_open_is_refused() -> None:
    error = refused(b'name,place\r\nLund,x\r\n"Pecs,y\r\nLahti,z\r\n', "open.csv")
    assert error.row == 3
    assert "not closed" in str(error)
    assert refused(b'name,place\r\n"Lund"x,y\r\n', "after.csv").row == 2


def test_error_in_a_folder_names_its_file(tmp_path: Path) -> None:
    (tmp_path / "good.csv").write_text("name\nLund\n", encoding="utf-8")
    (tmp_path / "bad.csv").write_bytes("name\nVästerås\n".encode("cp1252"))
    error = refused(tmp_path, "upload")
    assert error.file == "upload/bad.csv"
    assert error.row == 2
    assert read_limited(tmp_path / "good.csv", "good.csv").tables[0].rows[0].values == ("Lund",)


# -- empty rows and row numbers -------------------------------------------------------


def test_xlsx_empty_rows_left_out_numbers_kept() -> None:
    def build(sheet: Worksheet) -> None:
        sheet["B3"] = "  Name  "
        sheet["C3"] = "Start"
        sheet["B5"] = "Lund"
        sheet["C5"] = datetime.datetime(2001, 2, 3)
        sheet["B6"] = "   "  # blank: an empty row
        sheet["B8"] = "Pécs"
        sheet["C8"] = datetime.datetime(2001, 2, 3, 12, 30)

    table = read_limited(xlsx(build), "rows.xlsx").tables[0]
    assert table.headings == ("", "Name", "Start")
    assert [r.number for r in table.rows] == [5, 8]
    assert table.rows[0].values == (None, "Lund", datetime.date(2001, 2, 3))
    assert table.rows[1].values[2] == datetime.datetime(2001, 2, 3, 12, 30)


def test_csv_empty_rows_left_out_numbers_kept() -> None:
    data = b"\r\nname,start\r\n\r\nLund,1956\r\n , \r\n,,\r\nPecs,1956\r\n"
    table = read_limited(data, "rows.csv").tables[0]
    assert table.headings == ("name", "start")
    assert [r.number for r in table.rows] == [4, 7]


def test_xlsx_hidden_helper_and_empty_sheets() -> None:
    book = openpyxl.Workbook()
    first = book.active
    assert isinstance(first, Worksheet)
    first.title = "Visible"
    first["A1"] = "Name"
    hidden = book.create_sheet("Hidden")
    hidden.sheet_state = "hidden"
    hidden["A1"] = "Name"
    hidden["A2"] = "Lund"
    helper = book.create_sheet("_choices")
    helper["A1"] = "twin"
    book.create_sheet("Empty")
    buffer = io.BytesIO()
    book.save(buffer)
    tables = read_limited(buffer.getvalue(), "book.xlsx").tables
    assert [t.name for t in tables] == ["Visible", "Hidden"]
    assert tables[1].rows[0].values == ("Lund",)


# -- formulas, merged cells, errors ---------------------------------------------------


def test_formula_gives_its_saved_value_never_evaluated() -> None:
    def build(sheet: Worksheet) -> None:
        sheet["A1"] = "Members"
        sheet["A2"] = "=1+1"

    data = patched(xlsx(build), "xl/worksheets/sheet1.xml", "<f>1+1</f><v />", "<f>1+1</f><v>5</v>")
    table = read_limited(data, "formula.xlsx").tables[0]
    assert table.rows[0].values == (5,)  # the saved 5, not a computed 2


def test_formula_without_saved_value_is_refused() -> None:
    def build(sheet: Worksheet) -> None:
        sheet["A1"] = "Name"
        sheet["C7"] = "=A1&A1"

    error = refused(xlsx(build), "formula.xlsx")
    assert (error.sheet, error.row, error.column) == ("Partnerships", 7, "C")
    assert str(error).startswith('formula.xlsx, sheet "Partnerships", cell C7: ')
    assert "save it again" in str(error)


def test_error_value_is_refused() -> None:
    def build(sheet: Worksheet) -> None:
        sheet["A1"] = "Name"
        sheet["B2"] = "x"

    data = patched(
        xlsx(build),
        "xl/worksheets/sheet1.xml",
        '<c r="B2" t="inlineStr"><is><t>x</t></is></c>',
        '<c r="B2" t="e"><f>1/0</f><v>#DIV/0!</v></c>',
    )
    error = refused(data, "errors.xlsx")
    assert (error.sheet, error.row, error.column) == ("Partnerships", 2, "B")
    assert "#DIV/0!" in str(error)


def test_merged_cells_are_refused() -> None:
    def build(sheet: Worksheet) -> None:
        sheet["A1"] = "Name"
        sheet["B1"] = "Type"
        sheet["C1"] = "Start"
        sheet["B4"] = "twin"
        sheet.merge_cells("B4:C4")

    error = refused(xlsx(build), "merged.xlsx")
    assert error.sheet == "Partnerships"
    assert "B4:C4" in str(error)
    assert str(error).startswith('merged.xlsx, sheet "Partnerships": ')


# -- what is not an .xlsx or a CSV ----------------------------------------------------


def test_macro_enabled_refused_before_openpyxl() -> None:
    # Not a workbook openpyxl could open: only the content check can give this answer.
    with_project = zipped({"[Content_Types].xml": "<Types/>", "xl/vbaProject.bin": b"\x00"})
    error = refused(with_project, "book.xlsx")
    assert "macro-enabled" in str(error)
    assert ".xlsm" in str(error)
    content_type = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
    declared = zipped(
        {"[Content_Types].xml": f'<Types><Override ContentType="{content_type}"/></Types>'}
    )
    assert "macro-enabled" in str(refused(declared, "book.xlsx"))


def test_encrypted_workbook_refused() -> None:
    ole2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    encrypted = ole2 + "EncryptionInfo".encode("utf-16-le") + bytes(64)
    error = refused(encrypted, "secret.xlsx")
    assert "encrypted workbook: remove the password" in str(error)
    package = ole2 + "EncryptedPackage".encode("utf-16-le")
    assert "encrypted" in str(refused(package, "secret.xlsx"))


def test_legacy_xls_refused() -> None:
    legacy = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "Workbook".encode("utf-16-le")
    error = refused(legacy, "old.xls")
    assert "Excel 97-2003" in str(error)
    assert ".xlsx" in str(error)


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(20), "PNG image"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF document"),
        (random.Random(13).randbytes(4096), "not a spreadsheet"),
        (b"name,place\nLund\x00,x\n", "NUL bytes"),
        (zipped({"mimetype": "application/vnd.oasis.opendocument.spreadsheet"}), ".ods"),
        (zipped({"mimetype": "application/vnd.oasis.opendocument.text"}), "not a spreadsheet"),
        (zipped({"word/document.xml": "<w/>"}), "Word document"),
        (b"PK\x03\x04 broken", "not a readable .xlsx file"),
        (b"<!DOCTYPE html><html></html>", "HTML"),
        (b"", "empty"),
        ("name\tplace\n".encode("utf-16"), "UTF-16"),
    ],
    ids=[
        "png",
        "pdf",
        "random",
        "nul",
        "ods",
        "odt",
        "docx",
        "broken-zip",
        "html",
        "empty",
        "utf16",
    ],
)
def test_not_a_spreadsheet(data: bytes, says: str) -> None:
    error = refused(data, "upload.xlsx")
    assert says in str(error)
    assert error.status == 400


def test_sniff_by_content_not_name() -> None:
    assert sniff(written([SOURCES])) == "xlsx"
    assert sniff(b"a,b\n1,2\n") == "csv"
    book = read_limited(written([SOURCES]), "named.csv")  # the name says CSV; it is not
    assert book.tables[0].name == "Sources"


def test_broken_xml_is_a_readable_error() -> None:
    def build(sheet: Worksheet) -> None:
        sheet["A1"] = "Name"

    data = patched(xlsx(build), "xl/worksheets/sheet1.xml", "<sheetData>", "<sheetData><row")
    error = refused(data, "broken.xlsx")
    assert "not a readable .xlsx file" in str(error)


# -- limits -----------------------------------------------------------------------------


def test_file_over_the_size_limit_is_413(tmp_path: Path) -> None:
    error = refused(b"a,b\n" * 100, "big.csv", max_bytes=100)
    assert isinstance(error, SpreadsheetTooLarge)
    assert error.status == 413
    path = tmp_path / "big.csv"
    path.write_bytes(b"a,b\n" * 100)
    assert refused(path, "big.csv", max_bytes=100).status == 413


def test_workbook_that_unpacks_to_far_more_than_the_limit_is_413() -> None:
    def build(sheet: Worksheet) -> None:
        sheet["A1"] = "Name"

    small = xlsx(build)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(small)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info, source.read(info.filename))
        target.writestr("xl/media/zeros.bin", bytes(5_000_000), zipfile.ZIP_DEFLATED)
    data = out.getvalue()
    error = refused(data, "bomb.xlsx", max_bytes=len(data) + 1)
    assert error.status == 413
    assert "unpacks" in str(error)


@pytest.mark.serial
def test_too_many_rows_is_413_and_quick() -> None:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Twinnings")
    sheet.append(["Name", "Partner"])
    for number in range(100_001):
        sheet.append([f"town {number}", number])
    buffer = io.BytesIO()
    book.save(buffer)
    started = time.perf_counter()
    error = refused(buffer.getvalue(), "national.xlsx", max_rows=100_000, max_bytes=50_000_000)
    assert time.perf_counter() - started < 10
    assert isinstance(error, SpreadsheetTooLarge)
    assert error.status == 413
    assert error.sheet == "Twinnings"
    assert ROWS_SETTING == "max_import_rows"
    assert "max_import_rows" in str(error)
    assert "100000" in str(error)


def test_exactly_max_rows_is_read() -> None:
    def build(sheet: Worksheet) -> None:
        sheet.append(["Name"])
        for number in range(5):
            sheet.append([f"town {number}"])

    assert len(read_limited(xlsx(build), "five.xlsx", max_rows=5).tables[0].rows) == 5
    error = refused(xlsx(build), "five.xlsx", max_rows=4)
    assert error.status == 413


def test_csv_too_many_rows_is_413() -> None:
    data = b"name\n" + b"x\n" * 101
    error = refused(data, "many.csv", max_rows=100)
    assert error.status == 413
    assert "max_import_rows" in str(error)
    assert len(read_limited(data, "many.csv", max_rows=101).tables[0].rows) == 101


@pytest.mark.serial
def test_a_national_list_reads_quickly() -> None:
    def build(sheet: Worksheet) -> None:
        sheet.append([f"heading {c}" for c in range(15)])
        for row in range(1300):
            sheet.append(
                [f"value {row} {c}" if c != 3 else datetime.date(2000, 1, 1) for c in range(15)]
            )

    data = xlsx(build)
    started = time.perf_counter()
    table = read_limited(data, "national.xlsx", max_rows=1300).tables[0]
    assert time.perf_counter() - started < 3  # about 0.3 s here; generous on a busy machine
    assert len(table.rows) == 1300
    assert table.rows[-1].number == 1301
