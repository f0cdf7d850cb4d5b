"""Reading an ``.xlsx`` workbook into tables.

Office Open XML (ECMA-376): https://ecma-international.org/publications-and-standards/standards/ecma-376/

Warning:
    The workbook comes from outside. Before openpyxl loads it, its unpacked size
    is checked, every sheet's rows are counted in its XML, and a sheet with merged
    cells, a formula without a saved value or an error value is refused. Formulas
    are never evaluated (the values the spreadsheet program saved are used).
"""

from __future__ import annotations

import datetime
import io
import posixpath
import re
import warnings
import zipfile
from typing import IO
from xml.etree import ElementTree

from openpyxl import load_workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from partnergraph.curation.workbook_files import BROKEN, size_text
from partnergraph.curation.workbook_types import (
    SpreadsheetError,
    SpreadsheetTooLarge,
    Table,
    cell_text,
    tabulate,
    too_many_rows,
)

#: An ``.xlsx`` may unpack to this many times ``max_bytes`` (a zip bomb does not).
UNPACKED_RATIO = 100
#: A ``<row>`` element of a sheet's XML (any namespace prefix), its content in group 1.
_ROW = re.compile(rb"<(?:\w+:)?row\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?row>)", re.DOTALL)
#: A cell value in a row's content: a ``<v>`` with text, or an inline string.
_VALUE = re.compile(rb"<(?:\w+:)?v>[^<]|<(?:\w+:)?is\b")
#: What :func:`_survey` looks at closer: a formula, an error value, a merged cell.
_SUSPECT = re.compile(rb"<(?:\w+:)?(?:f|mergeCell)[\s/>]|\st=[\"']e[\"']")


def read_xlsx(data: bytes, file: str, max_rows: int, max_bytes: int) -> tuple[Table, ...]:
    """The tables of an ``.xlsx`` workbook (one known to be one by its content).

    Args:
        data: the workbook's bytes.
        file: its name as the curator knows it (for the errors).
        max_rows: the most data rows a sheet may have.
        max_bytes: the largest file read; the workbook may unpack to
            :data:`UNPACKED_RATIO` times as much.

    Returns:
        Its worksheets with a heading row, in order (empty sheets, chart sheets and
        sheets whose name starts with "_" left out).

    Raises:
        SpreadsheetTooLarge: the workbook unpacks to too much; a sheet over ``max_rows``.
        SpreadsheetError: a damaged workbook; merged cells, a formula without a saved
            value or an error value (naming the sheet and cell).
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            if unpacked > max_bytes * UNPACKED_RATIO:
                raise SpreadsheetTooLarge(
                    file, f"the workbook unpacks to {size_text(unpacked)}, more than the limit"
                )
            sheets = [(n, part) for n, part in _worksheets(archive) if not n.startswith("_")]
            for name, part in sheets:
                with archive.open(part) as stream:
                    suspect = _scan(stream, file, name, max_rows)
                if suspect:
                    with archive.open(part) as stream:
                        _survey(stream, file, name)
        with warnings.catch_warnings():
            # openpyxl warns of parts it does not keep (extensions, styles); none is data.
            warnings.simplefilter("ignore", UserWarning)
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
            try:
                tables = [_xlsx_table(book[name], file, name, max_rows) for name, _ in sheets]
            finally:
                book.close()
    except BROKEN as error:
        raise SpreadsheetError(file, f"not a readable .xlsx file: {error}") from None
    return tuple(table for table in tables if table is not None)


def _worksheets(archive: zipfile.ZipFile) -> list[tuple[str, str]]:
    """The workbook's worksheets (not chart sheets) in order: their names and zip parts."""
    relations = _xml(archive, "_rels/.rels")
    target = next(
        (r.get("Target", "") for r in relations if r.get("Type", "").endswith("/officeDocument")),
        "/xl/workbook.xml",
    )
    book = _part("", target)
    folder, base = posixpath.split(book)
    rels = {r.get("Id"): r for r in _xml(archive, posixpath.join(folder, "_rels", f"{base}.rels"))}
    found = []
    for sheet in _xml(archive, book).iter():
        if _local(sheet.tag) != "sheet":
            continue
        rel = rels.get(next((v for k, v in sheet.attrib.items() if _local(k) == "id"), None))
        if rel is not None and rel.get("Type", "").endswith("/worksheet"):
            found.append((sheet.get("name", ""), _part(folder, rel.get("Target", ""))))
    return found


def _xml(archive: zipfile.ZipFile, name: str) -> ElementTree.Element:
    return ElementTree.fromstring(archive.read(name))  # noqa: S314 - see _survey


def _part(folder: str, target: str) -> str:
    if target.startswith("/"):
        return target[1:]
    return posixpath.normpath(posixpath.join(folder, target))


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _scan(stream: IO[bytes], file: str, sheet: str, max_rows: int) -> bool:
    """Refuse a sheet with more than ``max_rows`` data rows before anything parses it;
    return whether it has a formula, an error value or a merged cell (for :func:`_survey`).

    A scan of its XML with regular expressions (no element is made), so that a sheet
    of a million rows is refused in about the time it takes to inflate it. A row
    counts when one of its cells has a value (``<v>`` with text, or an inline string).
    """
    filled = 0
    suspect = False
    pending = b""
    while chunk := stream.read(1 << 20):
        pending += chunk
        suspect = suspect or _SUSPECT.search(pending) is not None
        end = 0
        for match in _ROW.finditer(pending):
            end = match.end()
            filled += bool(match[1] and _VALUE.search(match[1]))
        if filled > max_rows + 1:  # the heading row and max_rows data rows
            raise too_many_rows(file, sheet, max_rows)
        pending = pending[end:]
    return suspect


def _survey(stream: IO[bytes], file: str, sheet: str) -> None:
    """Refuse a sheet before openpyxl loads it: merged cells, a formula without a saved
    value, an error value (one streaming pass over its XML)."""
    merged: list[str] = []
    # Expat >= 2.4.1 (Python's since 3.9.7) stops entity expansion attacks, and
    # ElementTree never loads external entities: the defusedxml cases do not arise.
    for _, element in ElementTree.iterparse(stream, events=("end",)):  # noqa: S314
        tag = _local(element.tag)
        if tag == "c":
            _check_cell(element, file, sheet)
        elif tag == "row":
            element.clear()
        elif tag == "mergeCell":
            merged.append(element.get("ref", ""))
    if merged:
        shown = ", ".join(merged[:5]) + (", …" if len(merged) > 5 else "")
        raise SpreadsheetError(
            file,
            f"merged cells {shown}: a merged cell gives its value to its first cell only; "
            "unmerge them and fill in every cell",
            sheet=sheet,
        )


def _check_cell(cell: ElementTree.Element, file: str, sheet: str) -> None:
    """Refuse a ``<c>`` element that holds a formula without a saved value, or an error."""
    formula = False
    value: str | None = None
    for child in cell:
        tag = _local(child.tag)
        if tag == "v":
            value = child.text
        elif tag == "f":
            formula = True
    kind = cell.get("t")
    if (formula and not value and kind != "str") or kind == "e":
        match = re.fullmatch(r"([A-Z]+)([0-9]+)", cell.get("r", ""))
        column, row = (match[1], int(match[2])) if match else (None, None)
        detail = (
            f"the cell holds the error {value}: correct the formula or clear the cell"
            if kind == "e"
            else "a formula without a saved value (the program that wrote the file did not "
            "compute it): open the file in a spreadsheet program and save it again"
        )
        raise SpreadsheetError(file, detail, sheet=sheet, row=row, column=column)


def _xlsx_table(sheet: object, file: str, name: str, max_rows: int) -> Table | None:
    if not isinstance(sheet, ReadOnlyWorksheet):
        return None
    sheet.reset_dimensions()  # a wrong <dimension> would cut rows or columns
    rows = enumerate(sheet.values, start=1)  # missing rows come as empty ones
    numbered = ((number, [_xlsx_value(v) for v in row]) for number, row in rows)
    return tabulate(name, numbered, file=file, sheet=name, max_rows=max_rows)


def _xlsx_value(value: object) -> object:
    if isinstance(value, str):
        return cell_text(value)
    if isinstance(value, datetime.datetime):
        return value.date() if value.time() == datetime.time() else value
    if isinstance(value, datetime.time | datetime.timedelta):
        return str(value)
    return value
