"""Reading curators' spreadsheets: ``.xlsx`` workbooks, CSV files and CSVW metadata.

A spreadsheet is read into a :class:`Workbook` of :class:`Table` objects: each
sheet's heading row (its first non-empty row) and its data rows, with the row
numbers the curator sees. Nothing here knows what the columns mean.

This module is where the rest of the project reads a spreadsheet: :func:`read`
chooses the reader (:mod:`~partnergraph.curation.workbook_xlsx`,
:mod:`~partnergraph.curation.workbook_csv`); the types and errors
(:mod:`~partnergraph.curation.workbook_types`) and :func:`sniff`
(:mod:`~partnergraph.curation.workbook_files`) are re-exported from here.

Warning:
    The files come from outside (an upload, a file a curator was sent). Their
    kind is found by their content, never by their name; macro-enabled,
    encrypted and legacy workbooks are refused before any parser sees them;
    formulas are never evaluated (the values the spreadsheet program saved are
    used); sizes and row counts are checked before the rows are loaded.
"""

from __future__ import annotations

import posixpath
from pathlib import Path, PurePosixPath

from partnergraph.curation.workbook_csv import read_csv, read_metadata
from partnergraph.curation.workbook_files import read_bytes, sniff, too_large
from partnergraph.curation.workbook_types import (
    REQUIRED_MARK,
    ROWS_SETTING,
    Row,
    SpreadsheetError,
    SpreadsheetTooLarge,
    Table,
    Workbook,
    heading_text,
)
from partnergraph.curation.workbook_xlsx import UNPACKED_RATIO, read_xlsx

__all__ = [
    "REQUIRED_MARK",
    "ROWS_SETTING",
    "UNPACKED_RATIO",
    "Row",
    "SpreadsheetError",
    "SpreadsheetTooLarge",
    "Table",
    "Workbook",
    "heading_text",
    "read",
    "sniff",
]


def read(path_or_data: Path | bytes, file: str, *, max_rows: int, max_bytes: int) -> Workbook:
    """Read a spreadsheet: an .xlsx, a CSV, a CSVW metadata document or a folder.

    A folder is read through its ``csv-metadata.json`` when it has one, else as
    every ``*.csv`` in it (by name). A path ending in ``.json`` is a CSVW metadata
    document; its tables' files are read relative to it. Any other file, and
    bytes (an uploaded file), are an .xlsx or a CSV by their content.

    Args:
        path_or_data: the path, or the bytes of one uploaded file.
        file: the name the curator knows it by (no folders of the server); the
            errors name it (and, for a folder, ``file/name.csv``).
        max_rows: the most data rows a sheet may have (the setting ``max_import_rows``).
        max_bytes: the largest file read.

    Returns:
        The workbook: its sheets with a heading row (empty sheets and sheets whose
        name starts with "_" are left out).

    Raises:
        SpreadsheetTooLarge: a file over ``max_bytes``, a sheet over ``max_rows``.
        SpreadsheetError: a file that is not a readable spreadsheet, and why.
    """
    if isinstance(path_or_data, bytes):
        return _read_file(path_or_data, file, PurePosixPath(file).stem, max_rows, max_bytes)
    path = path_or_data
    if path.is_dir():
        metadata = path / "csv-metadata.json"
        if metadata.is_file():
            shown = f"{file}/{metadata.name}"
            return Workbook(file, read_metadata(metadata, shown, file, max_rows, max_bytes))
        found = sorted(p for p in path.iterdir() if p.suffix.lower() == ".csv" and p.is_file())
        if not found:
            raise SpreadsheetError(file, "the folder holds no .csv file and no csv-metadata.json")
        tables = []
        for csv_path in found:
            shown = f"{file}/{csv_path.name}"
            data = read_bytes(csv_path, shown, max_bytes)
            tables.append(read_csv(data, shown, csv_path.stem, max_rows=max_rows))
        return Workbook(file, tuple(tables))
    if path.suffix.lower() == ".json":
        folder = posixpath.dirname(file)
        return Workbook(file, read_metadata(path, file, folder, max_rows, max_bytes))
    return _read_file(read_bytes(path, file, max_bytes), file, path.stem, max_rows, max_bytes)


def _read_file(data: bytes, file: str, stem: str, max_rows: int, max_bytes: int) -> Workbook:
    if len(data) > max_bytes:
        raise too_large(file, max_bytes)
    if sniff(data, file) == "xlsx":
        return Workbook(file, read_xlsx(data, file, max_rows, max_bytes))
    return Workbook(file, (read_csv(data, file, stem, max_rows=max_rows),))
