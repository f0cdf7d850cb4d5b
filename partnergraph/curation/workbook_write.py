"""Writing curators' spreadsheets: an .xlsx workbook, or CSV files with CSVW metadata.

The template and the export have one shape: a sheet per :class:`SheetOut`, a
heading per :class:`ColumnOut`. The words (sheet names, headings, the explanation
sheet) come from the caller in every language; this module only lays them out.
The same input gives the same bytes.

CSV: https://www.rfc-editor.org/rfc/rfc4180 ; CSV on the Web metadata:
https://www.w3.org/TR/tabular-metadata/ (read back by :func:`workbook.read`).
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import json
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

from openpyxl import Workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from partnergraph.atomic import write_atomically
from partnergraph.curation.workbook import REQUIRED_MARK

#: The languages of the headings the explanation sheet lists.
LANGUAGES = ("en", "sv", "fi")
#: The time written into the file when none is given (also every zip entry's time).
STAMP = datetime.datetime(1980, 1, 1)
#: The hidden sheet the drop-down lists take their values from (not read back).
LISTS_SHEET = "_lists"
#: A CSVW datatype per column kind; a date column also takes a year alone.
DATATYPES: Mapping[str, object] = {
    "text": "string",
    "integer": "integer",
    "decimal": "decimal",
    "date": {"base": "string", "format": r"^-?\d{4}(-\d{2}-\d{2})?$"},
    "choice": "string",
    "reference": "string",
    "url": "anyURI",
}
_EXCEL_ROWS = 1_048_576
_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_TEXT_KINDS = frozenset({"text", "choice", "reference", "url"})
_BOLD = Font(bold=True)
_REQUIRED_FILL = PatternFill("solid", fgColor="FFE699")
_EXAMPLE_FONT = Font(italic=True, color="808080")
_WRAP = Alignment(wrap_text=True, vertical="top")
#: The words ``write_xlsx`` takes for its explanation sheet, and those it may take.
EXPLANATION_KEYS = ("sheet", "column", "required", "values", "description", "yes")
EXPLANATION_OPTIONAL = ("no", "multiple", "example")


@dataclass(frozen=True)
class ColumnOut:
    """A column of a sheet written.

    Attributes:
        name: the stable machine name ("label_en", "party_1"): the CSVW column name.
        titles: the heading per language.
        kind: "text", "integer", "decimal", "date" (a full date is a ``datetime.date``,
            a year alone an int), "choice", "reference" or "url".
        required: whether every row must fill it in (its heading is marked).
        choices: the allowed values of a "choice" column: a drop-down list.
        multiple: whether a cell takes several values, one per line.
        separator: what separates them (CSVW ``separator``): a line break, or an
            empty line for text that may itself span lines.
        description: what the column holds, per language.
    """

    name: str
    titles: Mapping[str, str]
    kind: str
    required: bool
    choices: tuple[str, ...] = ()
    multiple: bool = False
    description: Mapping[str, str] = field(default_factory=dict)
    separator: str = "\n"


@dataclass(frozen=True)
class SheetOut:
    """A sheet written: its columns and its rows (an export) or an example (a template).

    Attributes:
        name: the stable machine name ("partnerships"): the CSV file's stem.
        titles: the sheet's name per language.
        columns: its columns.
        rows: the data, a value per column: str, int, float, Decimal, bool,
            ``datetime.date``, None, or a tuple of them for a multiple column.
        example: one example row, written (in grey italics) only when there are no rows.
    """

    name: str
    titles: Mapping[str, str]
    columns: tuple[ColumnOut, ...]
    rows: tuple[tuple[object, ...], ...] = ()
    example: tuple[object, ...] | None = None


def sheet_title(title: str) -> str:
    """A title as Excel takes it for a sheet: without ``[]:*?/\\``, at most 31 characters."""
    cleaned = _FORBIDDEN.sub("", title).strip().strip("'").strip()
    return cleaned[:31].rstrip() or "Sheet"


def write_xlsx(
    target: Path | BinaryIO,
    sheets: Sequence[SheetOut],
    language: str,
    *,
    explanation_title: Mapping[str, str],
    explanation_headings: Mapping[str, Mapping[str, str]],
    notes: Mapping[str, str] | None = None,
    languages: Sequence[str] = LANGUAGES,
    stamp: datetime.datetime = STAMP,
) -> None:
    """Write the sheets as an .xlsx workbook, with a last sheet that explains every column.

    Each sheet is named and headed in ``language``; a required heading ends in
    :data:`~partnergraph.curation.workbook.REQUIRED_MARK` on a coloured fill; the
    heading row is bold and frozen; a choice column has a drop-down list (from the
    hidden sheet ``_lists``, which :func:`~partnergraph.curation.workbook.read`
    leaves out); a text column is formatted as text (so that "00100" stays as typed).
    A date column has no date format on its empty cells, so that a year typed alone
    stays a year instead of becoming a day of 1905. No cell is merged.

    Args:
        target: the file (written whole or not at all), or a binary stream.
        sheets: the sheets, in order.
        language: the language of the sheet names, headings and explanation.
        explanation_title: the explanation sheet's name per language.
        explanation_headings: the explanation sheet's words, each per language, by
            key (:data:`EXPLANATION_KEYS`, :data:`EXPLANATION_OPTIONAL`): its
            headings "sheet", "column" (a column's heading; the language code
            follows it), "required", "values", "description"; "yes" and (optional)
            "no" for required or not; optional "multiple" (a column of several
            values, one per line) and "example" (the note on an example row).
        notes: a text per language on top of the explanation sheet, one sentence a
            line: what the mark of a required heading means, how to import.
        languages: the languages whose headings the explanation sheet lists.
        stamp: the file's created and modified time (the same input, the same bytes).

    Raises:
        ValueError: two sheets with one name, a name that starts with "_", or a row
            that does not fit its columns.
        KeyError: a required word missing in ``language``.
    """
    book = Workbook()
    words = explanation_headings
    titles = [sheet_title(_word(s.titles, language, s.name)) for s in sheets]
    taken = [t.casefold() for t in [*titles, sheet_title(explanation_title[language])]]
    if len(set(taken)) < len(taken):
        raise ValueError(f"sheet names that Excel takes as one: {titles}")
    if any(title.startswith("_") for title in taken):
        raise ValueError(f"a sheet name starts with _ (read() leaves such sheets out): {titles}")
    lists = _lists(sheets)
    example_note = words.get("example", {}).get(language, "")
    for index, (sheet, title) in enumerate(zip(sheets, titles, strict=True)):
        page = book.active if index == 0 else book.create_sheet()
        if not isinstance(page, Worksheet):
            raise TypeError("openpyxl gave no worksheet")
        page.title = title
        _write_sheet(page, sheet, language, lists, example_note)
    explanation = book.create_sheet(sheet_title(explanation_title[language]))
    lines = re.split(r"(?<=[.!?])\s+", (notes or {}).get(language, "").strip())
    lines = [line for line in lines if line]
    _write_explanation(explanation, sheets, language, words=words, lines=lines, languages=languages)
    if lists:
        helper = book.create_sheet(LISTS_SHEET)
        helper.sheet_state = "hidden"
        for index, choices in enumerate(lists, start=1):
            for row, value in enumerate(choices, start=1):
                _put(helper.cell(row, index), value)
    book.active = 0
    book.properties.creator = "partnergraph"
    book.properties.created = book.properties.modified = stamp
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).write_data()  # save_workbook would stamp the time now
    data = _repacked(buffer.getvalue())
    if isinstance(target, Path):
        write_atomically(data, target)
    else:
        target.write(data)


def _word(words: Mapping[str, str], language: str, fallback: str) -> str:
    return words.get(language) or words.get("en") or fallback


def _lists(sheets: Sequence[SheetOut]) -> dict[tuple[str, ...], str]:
    """Each distinct list of choices and the range of ``_lists`` that holds it."""
    ranges: dict[tuple[str, ...], str] = {}
    for column in (c for s in sheets for c in s.columns if c.choices):
        if column.choices not in ranges:
            letter = get_column_letter(len(ranges) + 1)
            last = len(column.choices)
            ranges[column.choices] = f"'{LISTS_SHEET}'!${letter}$1:${letter}${last}"
    return ranges


def _write_sheet(
    page: Worksheet,
    sheet: SheetOut,
    language: str,
    lists: Mapping[tuple[str, ...], str],
    example_note: str,
) -> None:
    example = not sheet.rows and sheet.example is not None
    rows = sheet.rows or ((sheet.example,) if sheet.example is not None else ())
    for index, column in enumerate(sheet.columns, start=1):
        letter = get_column_letter(index)
        heading = _word(column.titles, language, column.name)
        cell = page.cell(1, index, heading + (REQUIRED_MARK if column.required else ""))
        cell.font = _BOLD
        if column.required:
            cell.fill = _REQUIRED_FILL
        if column.kind in _TEXT_KINDS:
            page.column_dimensions[letter].number_format = "@"
        if column.choices:
            validation = DataValidation(
                type="list",
                formula1=lists[column.choices],
                allow_blank=True,
                showErrorMessage=not column.multiple,  # several lines are no one choice
            )
            validation.add(f"{letter}2:{letter}{_EXCEL_ROWS}")
            page.add_data_validation(validation)
        shown = [heading, *(_text(row[index - 1]) for row in rows[:200] if len(row) >= index)]
        longest = max(len(line) for text in shown for line in text.split("\n"))
        page.column_dimensions[letter].width = min(max(longest + 3, 10), 50)
    for number, values in enumerate(rows, start=2):
        if len(values) != len(sheet.columns):
            raise ValueError(f"{sheet.name}: a row of {len(values)} values for the columns")
        for index, value in enumerate(values, start=1):
            written = page.cell(number, index)
            _put(written, value)
            if example:
                written.font = _EXAMPLE_FONT
    if example and example_note:
        page.cell(2, 1).comment = Comment(example_note, "partnergraph")
    page.freeze_panes = "A2"


def _put(cell: Cell | MergedCell, value: object) -> None:
    """A value into a cell: a text stays a text (never a formula), a date a date."""
    if isinstance(cell, MergedCell):
        raise TypeError("no cell is merged in a written workbook")
    if isinstance(value, tuple | list):
        value = "\n".join(_text(v) for v in value)
    if value is None:
        return
    if isinstance(value, str):
        cell.value = value
        cell.data_type = "s"  # "=1+1" written as it is, not as a formula
        if "\n" in value:
            cell.alignment = _WRAP
    elif isinstance(value, datetime.datetime):
        cell.value = value
        cell.number_format = "yyyy-mm-dd hh:mm:ss"
    elif isinstance(value, datetime.date):
        cell.value = value
        cell.number_format = "yyyy-mm-dd"
    elif isinstance(value, bool | int | float | Decimal):
        cell.value = value
    else:
        raise TypeError(f"a value of type {type(value).__name__} has no cell")


def _text(value: object) -> str:
    """A value as text: a CSV cell, or the width of a column."""
    if value is None:
        return ""
    if isinstance(value, tuple | list):
        return "\n".join(_text(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _write_explanation(
    page: Worksheet,
    sheets: Sequence[SheetOut],
    language: str,
    *,
    words: Mapping[str, Mapping[str, str]],
    lines: Sequence[str],
    languages: Sequence[str],
) -> None:
    """The notes, one a line, then a row per column of every sheet: its sheet, its
    heading in every language, required or not, the allowed values, what it holds."""
    for row, line in enumerate(lines, start=1):
        page.cell(row, 1, line)
    headings = [
        words["sheet"][language],
        *(f"{words['column'][language]} ({code})" for code in languages),
        words["required"][language],
        words["values"][language],
        words["description"][language],
    ]
    top = len(lines) + 2 if lines else 1
    for index, heading in enumerate(headings, start=1):
        page.cell(top, index, heading).font = _BOLD
    required = (words["yes"][language], words.get("no", {}).get(language, ""))
    multiple = words.get("multiple", {}).get(language, "")
    row = top
    for sheet in sheets:
        for column in sheet.columns:
            row += 1
            allowed = [*column.choices, multiple] if column.multiple else column.choices
            values = [
                sheet_title(_word(sheet.titles, language, sheet.name)),
                *(column.titles.get(code, "") for code in languages),
                required[0] if column.required else required[1],
                "\n".join(v for v in allowed if v),
                column.description.get(language, ""),
            ]
            for index, value in enumerate(values, start=1):
                cell = page.cell(row, index)
                _put(cell, value or None)
                cell.alignment = _WRAP
    widths = [22, *(28 for _ in languages), 12, 32, 60]
    for index, width in enumerate(widths, start=1):
        page.column_dimensions[get_column_letter(index)].width = width


def _repacked(data: bytes) -> bytes:
    """The zip again with every entry's time and mode fixed: the same content, the same bytes."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=STAMP.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


def write_csv_folder(folder: Path, sheets: Sequence[SheetOut], language: str) -> None:
    """Write the sheets as CSV files (``{name}.csv``) and their ``csv-metadata.json``.

    Each file is UTF-8 with a byte order mark (so that Excel reads it as UTF-8),
    lines end in CRLF (RFC 4180), the headings are in ``language`` (unmarked: the
    metadata says which columns are required), and the values of a multiple column
    are one per line inside their quoted cell. The example rows are not written (a
    CSV cannot show them apart from data).

    Args:
        folder: the folder (made when missing); each file is written whole or not at all.
        sheets: the sheets.
        language: the language of the headings.
    """
    for sheet in sheets:
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\r\n")
        writer.writerow([_word(c.titles, language, c.name) for c in sheet.columns])
        for values in sheet.rows:
            if len(values) != len(sheet.columns):
                raise ValueError(f"{sheet.name}: a row of {len(values)} values for the columns")
            writer.writerow([_text(v) for v in values])
        content = codecs.BOM_UTF8 + text.getvalue().encode("utf-8")
        write_atomically(content, folder / f"{sheet.name}.csv")
    metadata = json.dumps(csv_metadata(sheets, language), ensure_ascii=False, indent=2) + "\n"
    write_atomically(metadata.encode("utf-8"), folder / "csv-metadata.json")


def csv_metadata(sheets: Sequence[SheetOut], language: str = "en") -> dict[str, Any]:
    """The CSVW metadata of the sheets' CSV files (a table group) whose headings are
    in ``language``: each column's titles in every language, that one first (CSVW
    matches a heading with any title; some processors look at the first only)."""
    return {
        "@context": "http://www.w3.org/ns/csvw",
        "null": "",
        "tables": [
            {
                "url": f"{sheet.name}.csv",
                "dc:title": _language_values(sheet.titles),
                "tableSchema": {"columns": [_column_metadata(c, language) for c in sheet.columns]},
            }
            for sheet in sheets
        ],
    }


def _column_metadata(column: ColumnOut, language: str) -> dict[str, Any]:
    titles = dict(sorted(column.titles.items(), key=lambda item: item[0] != language))
    described: dict[str, Any] = {
        "name": column.name,
        "titles": titles,
        "datatype": DATATYPES[column.kind],
    }
    # no CSVW "required": it asks a value in every row, and a row of an existing
    # resource may leave any cell empty (an empty cell leaves the data as it is)
    if column.multiple:
        described["separator"] = column.separator
    if column.description:
        described["dc:description"] = _language_values(column.description)
    return described


def _language_values(texts: Mapping[str, str]) -> list[dict[str, str]]:
    """Texts per language as JSON-LD values (a CSVW common property takes no language map)."""
    return [{"@value": text, "@language": code} for code, text in texts.items()]
