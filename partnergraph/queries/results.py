"""A SELECT result as a table, written as simple JSON rows, SPARQL JSON or CSV.

The query service answers in SPARQL 1.1 Query Results JSON
(https://www.w3.org/TR/sparql11-results-json/); a page of it is cut here and
written in the format the client asked for:

* simple JSON: a list of rows, one object a row with every column (``null``
  where unbound), each value typed: numbers (``xsd:integer`` and its subtypes as
  integers, ``xsd:decimal``, ``xsd:double`` and ``xsd:float`` as numbers),
  booleans, and every other term as its lexical form (an IRI, a date, a text
  without its language tag);
* SPARQL JSON, as the W3C specifies it, the page's solutions only;
* CSV as https://www.w3.org/TR/sparql11-results-csv-tsv/ specifies it: a header
  of variable names, IRIs and literals as their lexical form, blank nodes as
  ``_:label``, RFC 4180 quoting and CRLF line ends.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from partnergraph.namespaces import XSD

#: A term in SPARQL JSON: ``{"type": "uri"|"literal"|"bnode", "value": …, …}``.
Cell = Mapping[str, str]
#: A typed value of the simple JSON rows.
Value = str | int | float | bool | None

_INTEGERS: Final = frozenset(
    XSD + name
    for name in (
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    )
)
_NUMBERS: Final = frozenset({XSD + "decimal", XSD + "double", XSD + "float"})


@dataclass(frozen=True)
class Table:
    """The solutions of a SELECT query.

    Attributes:
        columns: the variables, in the order of the query's projection.
        rows: one mapping a solution, variable to term (bound variables only).
    """

    columns: tuple[str, ...]
    rows: tuple[Mapping[str, Cell], ...]

    def window(self, offset: int, limit: int) -> Table:
        """The rows from ``offset`` (0-based), at most ``limit`` of them."""
        return Table(self.columns, self.rows[offset : offset + limit])


def read_table(body: bytes) -> Table:
    """The table of a SPARQL JSON result of a SELECT query."""
    data = json.loads(body)
    rows = tuple(dict(binding) for binding in data["results"]["bindings"])
    return Table(tuple(data["head"].get("vars", ())), rows)


def typed_value(cell: Cell | None) -> Value:
    """The JSON value of a term (see the module's description); None when unbound."""
    if cell is None:
        return None
    value = cell["value"]
    if cell.get("type") not in {"literal", "typed-literal"}:
        return value
    datatype = cell.get("datatype", "")
    try:
        if datatype in _INTEGERS:
            return int(value.strip())
        if datatype in _NUMBERS:
            number = float(value.strip())
            return number if math.isfinite(number) else value
    except ValueError:  # an ill-typed literal ("x"^^xsd:integer) stays as written
        return value
    if datatype == XSD + "boolean" and value.strip() in {"true", "false", "1", "0"}:
        return value.strip() in {"true", "1"}
    return value


def rows_json(table: Table) -> bytes:
    """The simple JSON rows of a table: ``[{"column": value, …}, …]``."""
    rows = [{name: typed_value(row.get(name)) for name in table.columns} for row in table.rows]
    return json.dumps(rows, ensure_ascii=False, indent=1).encode("utf-8")


def sparql_json(table: Table, link: str | None = None) -> bytes:
    """A table in SPARQL 1.1 Query Results JSON.

    Args:
        table: the solutions.
        link: a URL for the head's ``link`` (where a cut result is explained).
    """
    head: dict[str, Any] = {"vars": list(table.columns)}
    if link:
        head["link"] = [link]
    body = {"head": head, "results": {"bindings": [dict(row) for row in table.rows]}}
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


def csv_text(table: Table) -> bytes:
    """A table in SPARQL 1.1 Query Results CSV."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow(_csv_field(row.get(name)) for name in table.columns)
    return out.getvalue().encode("utf-8")


def _csv_field(cell: Cell | None) -> str:
    if cell is None:
        return ""
    if cell.get("type") == "bnode":
        return "_:" + cell["value"]
    return cell["value"]
