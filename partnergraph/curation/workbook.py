"""Reading curators' spreadsheets: ``.xlsx`` workbooks, CSV files and CSVW metadata.

A spreadsheet is read into a :class:`Workbook` of :class:`Table` objects: each
sheet's heading row (its first non-empty row) and its data rows, with the row
numbers the curator sees. Nothing here knows what the columns mean.

CSV on the Web: https://www.w3.org/TR/tabular-metadata/ (the metadata document)
and https://www.w3.org/TR/tabular-data-model/ (dialect, ``null``).

Warning:
    The files come from outside (an upload, a file a curator was sent). Their
    kind is found by their content, never by their name; macro-enabled,
    encrypted and legacy workbooks are refused before any parser sees them;
    formulas are never evaluated (the values the spreadsheet program saved are
    used); sizes and row counts are checked before the rows are loaded.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import json
import posixpath
import re
import warnings
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit
from xml.etree import ElementTree

from openpyxl import load_workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from partnergraph.errors import PartnergraphError

if TYPE_CHECKING:
    from _csv import Reader as CsvReader

#: The setting that bounds the data rows of a sheet (named in the error that says so).
ROWS_SETTING = "max_import_rows"
#: An ``.xlsx`` may unpack to this many times ``max_bytes`` (a zip bomb does not).
UNPACKED_RATIO = 100
#: What openpyxl raises on a damaged workbook (its descriptors raise TypeError/ValueError).
_BROKEN = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    ElementTree.ParseError,
    KeyError,
    IndexError,
    TypeError,
    ValueError,
    EOFError,
    zlib.error,
)
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MAGIC = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"{\\rtf", "an RTF document"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
)
#: What ends the heading of a required column in a written workbook.
REQUIRED_MARK = " *"
_MARKER = re.compile(r"\s*\*$")
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
#: A ``<row>`` element of a sheet's XML (any namespace prefix), its content in group 1.
_ROW = re.compile(rb"<(?:\w+:)?row\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?row>)", re.DOTALL)
#: A cell value in a row's content: a ``<v>`` with text, or an inline string.
_VALUE = re.compile(rb"<(?:\w+:)?v>[^<]|<(?:\w+:)?is\b")
#: What :func:`_survey` looks at closer: a formula, an error value, a merged cell.
_SUSPECT = re.compile(rb"<(?:\w+:)?(?:f|mergeCell)[\s/>]|\st=[\"']e[\"']")


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


def sniff(data: bytes, file: str = "the file") -> str:
    """The kind of a file by its content, never its name.

    Args:
        data: the file's bytes.
        file: the file's name, for the error.

    Returns:
        ``"xlsx"`` or ``"csv"``.

    Raises:
        SpreadsheetError: anything else, saying what it is and what to save it as.
    """
    if not data.strip():
        raise SpreadsheetError(file, "the file is empty")
    if data.startswith(_OLE2):
        if "EncryptionInfo".encode("utf-16-le") in data or (
            "EncryptedPackage".encode("utf-16-le") in data
        ):
            raise SpreadsheetError(file, "encrypted workbook: remove the password and save again")
        raise SpreadsheetError(file, "Excel 97-2003 format (.xls): save it as .xlsx")
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _sniff_zip(data, file)
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise SpreadsheetError(file, f"not a spreadsheet but {what}")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise SpreadsheetError(file, "UTF-16 text (Unicode Text): save it as CSV UTF-8")
    if b"\x00" in data:
        raise SpreadsheetError(file, "not a spreadsheet: binary data (it holds NUL bytes)")
    start = data.removeprefix(codecs.BOM_UTF8).lstrip()[:200].lower()
    if start.startswith((b"<!doctype", b"<html", b"<?xml")):
        raise SpreadsheetError(file, "not a spreadsheet but an HTML or XML document")
    if start.startswith((b"{", b"[")):
        raise SpreadsheetError(file, "not a spreadsheet but a JSON document")
    return "csv"


def _sniff_zip(data: bytes, file: str) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            mimetype = _head(archive, "mimetype") if "mimetype" in names else b""
            types = _head(archive, "[Content_Types].xml") if "[Content_Types].xml" in names else b""
    except _BROKEN as error:
        raise SpreadsheetError(file, f"not a readable .xlsx file: {error}") from None
    if mimetype.startswith(b"application/vnd.oasis.opendocument.spreadsheet"):
        raise SpreadsheetError(file, "OpenDocument spreadsheet (.ods): save it as .xlsx or CSV")
    if "xl/workbook.bin" in names:
        raise SpreadsheetError(file, "Excel binary workbook (.xlsb): save it as .xlsx")
    if "xl/vbaProject.bin" in names or b"macroenabled" in types.lower():
        raise SpreadsheetError(
            file, "macro-enabled workbook (.xlsm): save it as .xlsx without macros"
        )
    if b"spreadsheetml.sheet.main+xml" in types or b"spreadsheetml.template.main+xml" in types:
        return "xlsx"
    what = "a Word document" if "word/document.xml" in names else "a zip archive"
    raise SpreadsheetError(file, f"not a spreadsheet but {what}")


def _head(archive: zipfile.ZipFile, name: str, size: int = 1 << 20) -> bytes:
    with archive.open(name) as stream:
        return stream.read(size)


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
            return Workbook(file, _read_metadata(metadata, shown, file, max_rows, max_bytes))
        found = sorted(p for p in path.iterdir() if p.suffix.lower() == ".csv" and p.is_file())
        if not found:
            raise SpreadsheetError(file, "the folder holds no .csv file and no csv-metadata.json")
        tables = []
        for csv_path in found:
            shown = f"{file}/{csv_path.name}"
            data = _read_bytes(csv_path, shown, max_bytes)
            tables.append(_read_csv(data, shown, csv_path.stem, max_rows=max_rows))
        return Workbook(file, tuple(tables))
    if path.suffix.lower() == ".json":
        folder = posixpath.dirname(file)
        return Workbook(file, _read_metadata(path, file, folder, max_rows, max_bytes))
    return _read_file(_read_bytes(path, file, max_bytes), file, path.stem, max_rows, max_bytes)


def _read_file(data: bytes, file: str, stem: str, max_rows: int, max_bytes: int) -> Workbook:
    if len(data) > max_bytes:
        raise _too_large(file, max_bytes)
    if sniff(data, file) == "xlsx":
        return Workbook(file, _read_xlsx(data, file, max_rows, max_bytes))
    return Workbook(file, (_read_csv(data, file, stem, max_rows=max_rows),))


def _read_bytes(path: Path, file: str, max_bytes: int) -> bytes:
    try:
        if path.stat().st_size > max_bytes:
            raise _too_large(file, max_bytes)
        with path.open("rb") as stream:
            data = stream.read(max_bytes + 1)
    except FileNotFoundError:
        raise SpreadsheetError(file, "there is no such file") from None
    except OSError as error:
        raise SpreadsheetError(file, f"the file cannot be read: {error.strerror}") from None
    if len(data) > max_bytes:
        raise _too_large(file, max_bytes)
    return data


def _too_large(file: str, max_bytes: int) -> SpreadsheetTooLarge:
    return SpreadsheetTooLarge(file, f"the file is larger than the limit of {_size(max_bytes)}")


def _size(count: int) -> str:
    return f"{count / 1_000_000:.1f} MB" if count >= 100_000 else f"{count} bytes"


# -- .xlsx -------------------------------------------------------------------


def _read_xlsx(data: bytes, file: str, max_rows: int, max_bytes: int) -> tuple[Table, ...]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            if unpacked > max_bytes * UNPACKED_RATIO:
                raise SpreadsheetTooLarge(
                    file, f"the workbook unpacks to {_size(unpacked)}, more than the limit"
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
    except _BROKEN as error:
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
            raise SpreadsheetTooLarge(
                file,
                f"more than {max_rows} data rows, the limit set by {ROWS_SETTING}: "
                "split the rows over several files",
                sheet=sheet,
            )
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
    return _tabulate(name, numbered, file=file, sheet=name, max_rows=max_rows)


def _xlsx_value(value: object) -> object:
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, datetime.datetime):
        return value.date() if value.time() == datetime.time() else value
    if isinstance(value, datetime.time | datetime.timedelta):
        return str(value)
    return value


# -- rows shared by both -------------------------------------------------------


def _text(value: str) -> str | None:
    value = value.strip()
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value or None


def _tabulate(
    name: str,
    numbered: Iterator[tuple[int, list[object]]],
    *,
    file: str,
    sheet: str | None,
    max_rows: int,
    headings: tuple[str, ...] | None = None,
) -> Table | None:
    """A table from its numbered rows: the first non-empty row is the heading row (unless
    ``headings`` are given); empty rows are left out; the columns are those up to the last
    heading or the last value, whichever is further."""
    rows: list[tuple[int, list[object]]] = []
    width = len(headings or ())
    for number, values in numbered:
        last = len(values)
        while last and values[last - 1] is None:
            last -= 1
        if not last:
            continue
        if headings is None:
            headings = tuple("" if v is None else _heading(v) for v in values[:last])
            width = last
            continue
        if len(rows) == max_rows:
            raise SpreadsheetTooLarge(
                file,
                f"more than {max_rows} data rows, the limit set by {ROWS_SETTING}: "
                "split the rows over several files",
                sheet=sheet,
            )
        width = max(width, last)
        rows.append((number, values[:last]))
    if headings is None:
        return None
    return Table(
        name,
        headings + ("",) * (width - len(headings)),
        tuple(Row(number, (*values, *(None,) * (width - len(values)))) for number, values in rows),
    )


def _heading(value: object) -> str:
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# -- CSV -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Dialect:
    """How a CSV file is written (CSVW dialect; the defaults are those of RFC 4180)."""

    delimiter: str | None = None  # None: found from the heading line
    encoding: str = "utf-8"
    quote: str = '"'
    header: bool = True
    skip_rows: int = 0
    nulls: tuple[str, ...] = ()


def _read_csv(
    data: bytes,
    file: str,
    name: str,
    *,
    max_rows: int,
    dialect: _Dialect | None = None,
    schema: Sequence[dict[str, Any]] | None = None,
) -> Table:
    """A CSV file's table; with ``schema`` (CSVW columns), each heading's column name."""
    dialect = dialect or _Dialect()
    text = _decode(data, file, dialect)
    delimiter = dialect.delimiter or _delimiter(text, dialect.quote)
    lines = io.StringIO(text, newline="")
    reader = csv.reader(lines, delimiter=delimiter, quotechar=dialect.quote, strict=True)
    real = [c for c in schema or () if not c.get("virtual")]
    given = None if dialect.header else tuple(_column_titles(c)[0] for c in real)
    records = _records(reader, file, dialect)
    table = _tabulate(name, records, file=file, sheet=None, max_rows=max_rows, headings=given)
    if table is None:
        raise SpreadsheetError(file, "the file holds no heading row (it is empty)")
    if schema is None:
        return table
    return Table(table.name, table.headings, table.rows, _names(table.headings, real))


def _records(reader: CsvReader, file: str, dialect: _Dialect) -> Iterator[tuple[int, list[object]]]:
    """The records with the line each starts on; values trimmed, empty and null ones None."""
    line = 0
    try:
        for index, record in enumerate(reader):
            start, line = line + 1, reader.line_num
            if index >= dialect.skip_rows:
                values = (_text(value) for value in record)
                yield start, [None if v in dialect.nulls else v for v in values]
    except csv.Error as error:
        raise SpreadsheetError(
            file,
            f"a quoted cell that is not closed, or text after its closing quote ({error}): "
            "nothing was read",
            row=line + 1,
        ) from None


def _decode(data: bytes, file: str, dialect: _Dialect) -> str:
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


def _read_metadata(
    path: Path, file: str, folder: str, max_rows: int, max_bytes: int
) -> tuple[Table, ...]:
    """The tables a CSVW metadata document describes, read from the files beside it.

    Args:
        path: the metadata document.
        file: its name as the curator knows it.
        folder: how the curator knows its folder ("" for none): the CSV files are
            named ``folder/url`` in errors.
    """
    try:
        document = json.loads(_read_bytes(path, file, max_bytes))
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
        data = _read_bytes(path.parent.joinpath(*PurePosixPath(relative).parts), shown, max_bytes)
        if sniff(data, shown) != "csv":
            raise SpreadsheetError(shown, "the metadata names it as a CSV file, but it is not")
        schema = table.get("tableSchema", document.get("tableSchema", {}))
        columns = schema.get("columns", []) if isinstance(schema, dict) else None
        if not isinstance(columns, list) or not all(isinstance(c, dict) for c in columns):
            raise SpreadsheetError(file, f'the "tableSchema" of "{url}" has no list of columns')
        dialect = _dialect(file, document, table, schema)
        name = PurePosixPath(relative).stem
        read.append(
            _read_csv(data, shown, name, max_rows=max_rows, dialect=dialect, schema=columns)
        )
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


def _dialect(file: str, *owners: dict[str, Any]) -> _Dialect:
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
    return _Dialect(delimiter, encoding, quote, bool(header_rows), skip, kept)


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
