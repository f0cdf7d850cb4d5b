"""What a read spreadsheet is, and how both readers build one.

A spreadsheet is read into a :class:`Workbook` of :class:`Table` objects: each
sheet's heading row (its first non-empty row) and its data rows, with the row
numbers the curator sees. Nothing here knows what the columns mean. The readers
(:mod:`~partnergraph.curation.workbook_xlsx`, :mod:`~partnergraph.curation.workbook_csv`)
turn their rows into a table with :func:`tabulate`; :mod:`~partnergraph.curation.workbook`
is where the rest of the project reads a spreadsheet.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass

from partnergraph.errors import PartnergraphError

#: The setting that bounds the data rows of a sheet (named in the error that says so).
ROWS_SETTING = "max_import_rows"
#: What ends the heading of a required column in a written workbook.
REQUIRED_MARK = " *"
_MARKER = re.compile(r"\s*\*$")


@dataclass(frozen=True)
class Row:
    """A data row: its number as the curator sees it and one value per heading.

    Attributes:
        number: the row number (the .xlsx row; CSV: the line where the record starts,
            the heading being line 1).
        values: one per heading of the table: str, int, float, bool,
            ``datetime.date``, ``datetime.datetime`` or None (empty).
    """

    number: int
    values: tuple[object, ...]


@dataclass(frozen=True)
class Table:
    """A sheet (or a CSV file): its headings and its non-empty data rows.

    Attributes:
        name: the sheet's name, or the CSV file's stem.
        headings: the heading row's texts, stripped; "" for an empty heading cell.
        rows: the data rows, empty rows left out.
        columns: each column's CSVW ``name`` (None when the metadata has none for
            it); () when the table was read without metadata.
    """

    name: str
    headings: tuple[str, ...]
    rows: tuple[Row, ...]
    columns: tuple[str | None, ...] = ()


@dataclass(frozen=True)
class Workbook:
    """What a spreadsheet file holds.

    Attributes:
        file: the file's name as the curator knows it.
        tables: its sheets (or CSV files), in their order.
    """

    file: str
    tables: tuple[Table, ...]


class SpreadsheetError(PartnergraphError):
    """A spreadsheet that cannot be read: the message names the file and where (HTTP 400).

    Attributes:
        file: the file, as the curator knows it.
        detail: what is wrong and what to do, without the place.
        sheet: the sheet, when known.
        row: the row number the curator sees, when known.
        column: the column's letter, when known (with a row: "cell C7").
    """

    status = 400
    title = "Unreadable spreadsheet"

    def __init__(
        self,
        file: str,
        detail: str,
        *,
        sheet: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.file, self.detail, self.sheet, self.row, self.column = file, detail, sheet, row, column
        where = [file]
        if sheet is not None:
            where.append(f'sheet "{sheet}"')
        if row is not None and column is not None:
            where.append(f"cell {column}{row}")
        elif row is not None:
            where.append(f"row {row}")
        elif column is not None:
            where.append(f"column {column}")
        super().__init__(f"{', '.join(where)}: {detail}")


class SpreadsheetTooLarge(SpreadsheetError):
    """A spreadsheet over the size or row limit: refused before it is loaded (HTTP 413)."""

    status = 413
    title = "Spreadsheet too large"


def heading_text(title: str) -> str:
    """A heading without the mark of a required column (a trailing ``*``), stripped."""
    return _MARKER.sub("", title.strip())


def too_many_rows(file: str, sheet: str | None, max_rows: int) -> SpreadsheetTooLarge:
    """The error for a sheet with more than ``max_rows`` data rows.

    Args:
        file: the file, as the curator knows it.
        sheet: the sheet (None for a CSV file).
        max_rows: the limit (the setting :data:`ROWS_SETTING`).

    Returns:
        The error, naming the limit's setting and what to do.
    """
    return SpreadsheetTooLarge(
        file,
        f"more than {max_rows} data rows, the limit set by {ROWS_SETTING}: "
        "split the rows over several files",
        sheet=sheet,
    )


def cell_text(value: str) -> str | None:
    """A text cell's value: stripped, its line ends made ``\\n``; None when it is empty.

    Args:
        value: the text as the file holds it.

    Returns:
        The text, or None for a cell with nothing but white space.
    """
    value = value.strip()
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value or None


def tabulate(
    name: str,
    numbered: Iterator[tuple[int, list[object]]],
    *,
    file: str,
    sheet: str | None,
    max_rows: int,
    headings: tuple[str, ...] | None = None,
) -> Table | None:
    """A table from its numbered rows.

    The first non-empty row is the heading row (unless ``headings`` are given);
    empty rows are left out; the columns are those up to the last heading or the
    last value, whichever is further.

    Args:
        name: the table's name.
        numbered: the rows with the number the curator sees, an empty cell None.
        file: the file, as the curator knows it (for the error).
        sheet: the sheet (None for a CSV file), for the error.
        max_rows: the most data rows the table may have.
        headings: the headings, when the file has no heading row (CSVW ``header: false``).

    Returns:
        The table, or None when there is no heading row (every row is empty).

    Raises:
        SpreadsheetTooLarge: more than ``max_rows`` data rows.
    """
    rows: list[tuple[int, list[object]]] = []
    width = len(headings or ())
    for number, values in numbered:
        last = len(values)
        while last and values[last - 1] is None:
            last -= 1
        if not last:
            continue
        if headings is None:
            headings = tuple("" if v is None else _heading_cell(v) for v in values[:last])
            width = last
            continue
        if len(rows) == max_rows:
            raise too_many_rows(file, sheet, max_rows)
        width = max(width, last)
        rows.append((number, values[:last]))
    if headings is None:
        return None
    return Table(
        name,
        headings + ("",) * (width - len(headings)),
        tuple(Row(number, (*values, *(None,) * (width - len(values)))) for number, values in rows),
    )


def _heading_cell(value: object) -> str:
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
