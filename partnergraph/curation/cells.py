"""A cell's value as RDF terms, by the kind of its column (see :mod:`.sheets`).

References and choices are matched by :mod:`.matching`; everything else is read
here. A value that does not fit raises :class:`CellError` with a message key of
:mod:`.messages`.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation
from typing import Final

import pyoxigraph as ox

from partnergraph.curation.sheets import Column
from partnergraph.namespaces import WD, XSD

LANGUAGE_AUTHORITY: Final = "http://publications.europa.eu/resource/authority/language/"
#: A cell that says "remove what is there".
REMOVE: Final = "-"
_YEAR = re.compile(r"^[0-9]{4}$")
_MONTH = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")
_URL = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")
_QID = re.compile(r"^(?:https?://www\.wikidata\.org/(?:entity|wiki)/)?(Q[1-9][0-9]*)$", re.I)
_LANGUAGE = re.compile(rf"^(?:{re.escape(LANGUAGE_AUTHORITY)})?([A-Za-z]{{3}})$")


class CellError(ValueError):
    """A value that does not fit its column: ``key`` names the message."""

    def __init__(self, key: str, value: object) -> None:
        super().__init__(key)
        self.key = key
        self.value = value


def text(value: object) -> str:
    """A cell's value as the text a curator sees (a whole number without ``.0``)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def separator(column: Column) -> str:
    """What separates the values of a cell that holds several: an empty line for text
    in a language (a quote may span lines), else a line break."""
    return "\n\n" if column.language else "\n"


def parts(value: object, column: Column) -> list[str]:
    """The values of one cell: several, one per line, in a column that takes several
    (text in a language: separated by an empty line, as a quote may span lines)."""
    if isinstance(value, (int, float, datetime.date)):
        return [text(value)]
    raw = str(value).replace("\r\n", "\n").strip()
    if not column.multiple:
        return [raw] if raw else []
    pieces = re.split(r"\n[ \t]*\n" if column.language else r"[\n;]", raw)
    return [p.strip() for p in pieces if p.strip()]


def literal(value: object, column: Column) -> ox.Literal | ox.NamedNode:
    """One value of a column that is not a reference nor a choice, as a term."""
    kind = column.kind
    if kind == "date":
        return _date(value)
    if kind == "decimal":
        return _decimal(value)
    shown = text(value)
    if kind == "url":
        if not _URL.match(shown):
            raise CellError("bad_url", shown)
        return ox.NamedNode(shown)
    if kind == "wikidata":
        match = _QID.match(shown)
        if not match:
            raise CellError("bad_wikidata", shown)
        return ox.NamedNode(WD + match.group(1).upper())
    if kind == "language":
        found = _LANGUAGE.match(shown)
        if not found:
            raise CellError("bad_language", shown)
        return ox.NamedNode(LANGUAGE_AUTHORITY + found.group(1).upper())
    if column.language:
        return ox.Literal(shown, language=column.language)
    return ox.Literal(shown, datatype=ox.NamedNode(column.datatype or XSD + "string"))


def _date(value: object) -> ox.Literal:
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return ox.Literal(value.isoformat(), datatype=ox.NamedNode(XSD + "date"))
    shown = text(value)
    if _YEAR.match(shown):
        return ox.Literal(shown, datatype=ox.NamedNode(XSD + "gYear"))
    if _MONTH.match(shown):
        return ox.Literal(shown, datatype=ox.NamedNode(XSD + "gYearMonth"))
    try:
        day = datetime.date.fromisoformat(shown)
    except ValueError:
        raise CellError("bad_date", shown) from None
    if len(shown) != 10:
        raise CellError("bad_date", shown)
    return ox.Literal(day.isoformat(), datatype=ox.NamedNode(XSD + "date"))


def _decimal(value: object) -> ox.Literal:
    if isinstance(value, bool):
        raise CellError("bad_number", value)
    if isinstance(value, (int, float)):
        shown = repr(value) if isinstance(value, float) else str(value)
    else:
        shown = text(value).replace(",", ".").replace(" ", "")
    try:
        number = Decimal(shown)
    except InvalidOperation:
        raise CellError("bad_number", text(value)) from None
    if not number.is_finite():
        raise CellError("bad_number", text(value))
    lexical = format(number, "f")
    if "." not in lexical:
        lexical += ".0"
    return ox.Literal(lexical, datatype=ox.NamedNode(XSD + "decimal"))


def cell(term: ox.NamedNode | ox.Literal, column: Column) -> object:
    """A term as the export writes it in a cell of ``column`` (the inverse of
    :func:`literal` for the kinds it reads)."""
    if column.kind == "wikidata" and term.value.startswith(WD):
        return term.value[len(WD) :]
    if column.kind == "language" and term.value.startswith(LANGUAGE_AUTHORITY):
        return term.value[len(LANGUAGE_AUTHORITY) :]
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value if term.datatype else ""
        if datatype == XSD + "gYear" and term.value.isdigit():
            return int(term.value)
        if datatype == XSD + "date":
            try:
                return datetime.date.fromisoformat(term.value)
            except ValueError:
                return term.value
    return term.value
