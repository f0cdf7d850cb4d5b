"""Reading a CSV file, or the CSV files a CSVW metadata document describes, into tables.

CSV: https://www.rfc-editor.org/rfc/rfc4180. CSV on the Web:
https://www.w3.org/TR/tabular-metadata/ (the metadata document) and
https://www.w3.org/TR/tabular-data-model/ (dialect, ``null``).

Warning:
    The files come from outside. A metadata document reads only files beside it
    (no URL, no absolute path, no ``..``), each within the size limit and each
    checked to be CSV by its content; text that is not in the stated encoding is
    refused, with the row where it goes wrong, rather than read wrongly.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import posixpath
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from partnergraph.curation.workbook_files import read_bytes, sniff
from partnergraph.curation.workbook_types import (
    SpreadsheetError,
    Table,
    cell_text,
    heading_text,
    tabulate,
)

if TYPE_CHECKING:
    from _csv import Reader as CsvReader

#: Legacy encodings a CSV may be in, most likely first, as Python and IANA name them.
_LEGACY = {
    "cp1252": "windows-1252",
    "mac_roman": "macintosh (Mac OS Roman)",
    "cp850": "IBM850 (DOS)",
    "iso8859_15": "ISO-8859-15",
    "cp1250": "windows-1250",
    "cp1257": "windows-1257",
    "cp1251": "windows-1251",
}


@dataclass(frozen=True)
class Dialect:
    """How a CSV file is written (CSVW dialect; the defaults are those of RFC 4180).

    Attributes:
        delimiter: the delimiter; None to find it from the heading line.
        encoding: the encoding, as Python or IANA names it (UTF-8 with or without BOM).
        quote: the quote character.
        header: whether the first record (after ``skip_rows``) is the heading row.
        skip_rows: records before the heading row (or the data) that are not read.
        nulls: values that mean an empty cell (CSVW ``null``), stripped.
    """

    delimiter: str | None = None  # None: found from the heading line
    encoding: str = "utf-8"
    quote: str = '"'
    header: bool = True
    skip_rows: int = 0
    nulls: tuple[str, ...] = ()


def read_csv(
    data: bytes,
    file: str,
    name: str,
    *,
    max_rows: int,
    dialect: Dialect | None = None,
    schema: Sequence[dict[str, Any]] | None = None,
) -> Table:
    """A CSV file's table; with ``schema`` (CSVW columns), each heading's column name.

    Args:
        data: the file's bytes.
        file: its name as the curator knows it (for the errors).
        name: the table's name (the file's stem).
        max_rows: the most data rows it may have.
        dialect: how it is written; None for RFC 4180 in UTF-8, the delimiter found.
        schema: the CSVW columns that describe it; None when read without metadata.

    Returns:
        The table; with ``schema``, its ``columns`` hold each heading's column name.

    Raises:
        SpreadsheetTooLarge: more than ``max_rows`` data rows.
        SpreadsheetError: binary data, text not in the encoding, a quote not closed
            (naming the row), or no heading row.
    """
    dialect = dialect or Dialect()
    text = _decode(data, file, dialect)
    delimiter = dialect.delimiter or _delimiter(text, dialect.quote)
    lines = io.StringIO(text, newline="")
    reader = csv.reader(lines, delimiter=delimiter, quotechar=dialect.quote, strict=True)
    real = [c for c in schema or () if not c.get("virtual")]
    given = None if dialect.header else tuple(_column_titles(c)[0] for c in real)
    records = _records(reader, file, dialect)
    table = tabulate(name, records, file=file, sheet=None, max_rows=max_rows, headings=given)
    if table is None:
        raise SpreadsheetError(file, "the file holds no heading row (it is empty)")
    if schema is None:
        return table
    return Table(table.name, table.headings, table.rows, _names(table.headings, real))


def _records(reader: CsvReader, file: str, dialect: Dialect) -> Iterator[tuple[int, list[object]]]:
    """The records with the line each starts on; values trimmed, empty and null ones None."""
    line = 0
    try:
        for index, record in enumerate(reader):
            start, line = line + 1, reader.line_num
            if index >= dialect.skip_rows:
                values = (cell_text(value) for value in record)
                yield start, [None if v in dialect.nulls else v for v in values]
    except csv.Error as error:
        raise SpreadsheetError(
            file,
            f"a quoted cell that is not closed, or text after its closing quote ({error}): "
            "nothing was read",
            row=line + 1,
        ) from None


def _decode(data: bytes, file: str, dialect: Dialect) -> str:
    if b"\x00" in data:
        raise SpreadsheetError(file, "not a CSV file: it holds NUL bytes (binary data)")
    try:
        codec = codecs.lookup(dialect.encoding).name
    except LookupError:
        raise SpreadsheetError(file, f"unknown encoding {dialect.encoding!r}") from None
    codec = "utf-8-sig" if codec == "utf-8" else codec
    try:
        return data.decode(codec)
    except UnicodeDecodeError as error:
        before = data[: error.start].decode(codec, errors="replace")
        saved = "UTF-8" if codec == "utf-8-sig" else dialect.encoding
        raise SpreadsheetError(
            file,
            f"the text is not {saved} (it looks like {_guess_encoding(data, error.start)}); "
            "nothing was read: save it as CSV UTF-8",
            row=_record_line(before, dialect.quote),
        ) from None


def _record_line(text: str, quote: str) -> int:
    """The line on which the record that ``text`` ends in starts."""
    line = start = 1
    quoted = False
    for match in re.finditer(f"{re.escape(quote)}|\r\n|\n|\r", text):
        if match[0] == quote:
            quoted = not quoted
        else:
            line += 1
            start = start if quoted else line
    return start


def _guess_encoding(data: bytes, at: int) -> str:
    """The legacy encoding ``data`` looks like (charset-normalizer), for the message only.

    On a short file many encodings decode without a fault; of those that fit best,
    the one most used for text in this project's languages is named.
    """
    from charset_normalizer import from_bytes

    window = data[: 1 << 16] if at < 1 << 15 else data[at - (1 << 15) : at + (1 << 15)]
    matches = list(from_bytes(window, cp_isolation=list(_LEGACY)))
    if not matches:
        best = from_bytes(window).best()
        return best.encoding.replace("_", "-") if best else "an unknown encoding"
    least = min(match.chaos for match in matches)
    fitting = {match.encoding for match in matches if match.chaos == least}
    return next(shown for name, shown in _LEGACY.items() if name in fitting)


def _delimiter(text: str, quote: str) -> str:
    """The delimiter among "," ";" and tab that the heading line has most of outside quotes."""
    counts = dict.fromkeys(",;\t", 0)
    quoted = begun = False
    for char in text[: 1 << 16]:
        if char == quote:
            quoted = not quoted
        elif quoted:
            continue
        elif char in "\r\n":
            if begun:
                break
        elif char in counts:
            counts[char] += 1
        begun = begun or not char.isspace()
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


# -- CSVW metadata ---------------------------------------------------------------


def read_metadata(
    path: Path, file: str, folder: str, max_rows: int, max_bytes: int
) -> tuple[Table, ...]:
    """The tables a CSVW metadata document describes, read from the files beside it.

    Args:
        path: the metadata document.
        file: its name as the curator knows it.
        folder: how the curator knows its folder ("" for none): the CSV files are
            named ``folder/url`` in errors.
        max_rows: the most data rows a table may have.
        max_bytes: the largest file read (the metadata and each CSV file).

    Returns:
        The tables, in the order the metadata gives them.

    Raises:
        SpreadsheetTooLarge: a file over ``max_bytes``, a table over ``max_rows``.
        SpreadsheetError: a document that is not CSVW metadata, a table url that
            is not a file beside it, a file that is not CSV, or a dialect that
            cannot be read.
    """
    try:
        document = json.loads(read_bytes(path, file, max_bytes))
    except ValueError as error:
        raise SpreadsheetError(file, f"not a CSVW metadata document: {error}") from None
    if not isinstance(document, dict):
        raise SpreadsheetError(file, "not a CSVW metadata document: not a JSON object")
    tables = document.get("tables", [document] if "url" in document else None)
    if not isinstance(tables, list) or not tables:
        raise SpreadsheetError(file, 'not a CSVW metadata document: it has no "tables"')
    read = []
    for table in tables:
        url = table.get("url") if isinstance(table, dict) else None
        if not isinstance(url, str):
            raise SpreadsheetError(file, 'a table without a "url"')
        relative = _relative(url, file)
        shown = posixpath.join(folder, relative) if folder else relative
        data = read_bytes(path.parent.joinpath(*PurePosixPath(relative).parts), shown, max_bytes)
        if sniff(data, shown) != "csv":
            raise SpreadsheetError(shown, "the metadata names it as a CSV file, but it is not")
        schema = table.get("tableSchema", document.get("tableSchema", {}))
        columns = schema.get("columns", []) if isinstance(schema, dict) else None
        if not isinstance(columns, list) or not all(isinstance(c, dict) for c in columns):
            raise SpreadsheetError(file, f'the "tableSchema" of "{url}" has no list of columns')
        dialect = _dialect(file, document, table, schema)
        name = PurePosixPath(relative).stem
        read.append(read_csv(data, shown, name, max_rows=max_rows, dialect=dialect, schema=columns))
    return tuple(read)


def _relative(url: str, file: str) -> str:
    """A table's url as a path relative to the metadata; nothing outside its folder is read."""
    parts = urlsplit(url)
    relative = PurePosixPath(unquote(parts.path))
    if parts.scheme or parts.netloc or relative.is_absolute() or ".." in relative.parts:
        raise SpreadsheetError(
            file, f'the table url "{url}" is not a file beside the metadata (nothing else is read)'
        )
    return str(relative)


def _dialect(file: str, *owners: dict[str, Any]) -> Dialect:
    """The dialect of a table: the metadata's, then the table's (CSVW inherits ``null``)."""
    given: dict[str, Any] = {}
    nulls: object = ""
    for owner in owners:
        dialect = owner.get("dialect", {})
        if not isinstance(dialect, dict):
            raise SpreadsheetError(file, '"dialect" must be an object (another file is not read)')
        given.update(dialect)
        nulls = owner.get("null", nulls)
    header_rows = given.get("headerRowCount", 1 if given.get("header", True) else 0)
    if header_rows not in (0, 1):
        raise SpreadsheetError(file, f"headerRowCount {header_rows!r}: only 0 or 1 is read")
    delimiter = given.get("delimiter")
    quote = given.get("quoteChar", '"')
    encoding = given.get("encoding", "utf-8")
    skip = given.get("skipRows", 0)
    nulls = [nulls] if isinstance(nulls, str) else nulls
    if not (
        (delimiter is None or (isinstance(delimiter, str) and len(delimiter) == 1))
        and isinstance(quote, str)
        and len(quote) == 1
        and isinstance(encoding, str)
        and isinstance(skip, int)
        and skip >= 0
        and isinstance(nulls, list)
        and all(isinstance(n, str) for n in nulls)
    ):
        raise SpreadsheetError(file, "a dialect or null value that cannot be read")
    kept = tuple(n.strip() for n in nulls if n.strip())
    return Dialect(delimiter, encoding, quote, bool(header_rows), skip, kept)


def _column_titles(column: dict[str, Any]) -> list[str]:
    """A column's titles (a string, a list, or a map of languages to either), then its name."""
    titles = column.get("titles", [])
    given = titles.values() if isinstance(titles, dict) else [titles]
    found = [t for v in given for t in ([v] if isinstance(v, str) else v) if isinstance(t, str)]
    name = column.get("name")
    return [*found, name] if isinstance(name, str) else found or [""]


def _names(headings: tuple[str, ...], columns: list[dict[str, Any]]) -> tuple[str | None, ...]:
    """Each heading's column name: the column in its place if a title matches, else the
    one column a title of which matches (a column moved), else None."""
    titles = [{_fold(t) for t in _column_titles(c)} for c in columns]
    names = [c.get("name") if isinstance(c.get("name"), str) else None for c in columns]
    found: list[str | None] = []
    for place, heading in enumerate(headings):
        key = _fold(heading)
        if place < len(columns) and key in titles[place]:
            found.append(names[place])
            continue
        matches = [name for name, known in zip(names, titles, strict=True) if key in known]
        found.append(matches[0] if len(matches) == 1 else None)
    return tuple(found)


def _fold(title: str) -> str:
    return heading_text(title).casefold()
