"""A spreadsheet file's kind, found by its content, and its bytes, read within the limit.

Warning:
    The files come from outside (an upload, a file a curator was sent). Their
    kind is found by their content, never by their name; macro-enabled,
    encrypted and legacy workbooks are refused before any parser sees them, and
    a file over the size limit is refused before it is read in full.
"""

from __future__ import annotations

import codecs
import io
import zipfile
import zlib
from pathlib import Path
from xml.etree import ElementTree

from partnergraph.curation.workbook_types import SpreadsheetError, SpreadsheetTooLarge

#: What openpyxl raises on a damaged workbook (its descriptors raise TypeError/ValueError).
BROKEN = (
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
    except BROKEN as error:
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


def read_bytes(path: Path, file: str, max_bytes: int) -> bytes:
    """A file's bytes, refused without being read in full when it is over ``max_bytes``.

    Args:
        path: the file.
        file: its name as the curator knows it (for the error).
        max_bytes: the largest file read.

    Returns:
        The file's bytes.

    Raises:
        SpreadsheetTooLarge: the file is larger than ``max_bytes``.
        SpreadsheetError: there is no such file, or it cannot be read.
    """
    try:
        if path.stat().st_size > max_bytes:
            raise too_large(file, max_bytes)
        with path.open("rb") as stream:
            data = stream.read(max_bytes + 1)
    except FileNotFoundError:
        raise SpreadsheetError(file, "there is no such file") from None
    except OSError as error:
        raise SpreadsheetError(file, f"the file cannot be read: {error.strerror}") from None
    if len(data) > max_bytes:
        raise too_large(file, max_bytes)
    return data


def too_large(file: str, max_bytes: int) -> SpreadsheetTooLarge:
    """The error for a file larger than ``max_bytes``, the limit shown by :func:`size_text`."""
    return SpreadsheetTooLarge(file, f"the file is larger than the limit of {size_text(max_bytes)}")


def size_text(count: int) -> str:
    """A size in bytes as a curator reads it: "2.5 MB", or "512 bytes" below 100 000."""
    return f"{count / 1_000_000:.1f} MB" if count >= 100_000 else f"{count} bytes"
