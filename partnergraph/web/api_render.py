"""Helpers of the ``/api`` blueprint: format negotiation, paging, and the answers.

Kept apart from :mod:`partnergraph.web.api` (the routes) so that each stays small:
this module knows how a request asks for a format and a page, and how a page of
a table becomes a response in each format.

Paging never touches a query's text. A page is a window over the query's
solutions: the query runs with the store's row cap set to ``offset + limit + 1``
(never more than the ``row_cap`` setting), the rows before ``offset`` are
dropped, and the one row past the page says whether there is a next page. So
``offset + limit`` may not exceed ``row_cap``: the API pages through the first
``row_cap`` rows of an answer, and says so (``X-Partnergraph-Truncated``) when
there are more. Pages are stable because every named query orders its rows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import urlencode

from flask import Response, request
from werkzeug.datastructures import MultiDict

from partnergraph import formats
from partnergraph.formats import Format, Kind
from partnergraph.namespaces import XSD
from partnergraph.queries import ParameterError
from partnergraph.queries.openapi import FORMAT_NAMES
from partnergraph.queries.results import Cell, Table, csv_text, rows_json, sparql_json
from partnergraph.settings import Settings
from partnergraph.web.negotiation import by_accept

#: The header that announces an answer cut by the row cap (as on ``/sparql``).
TRUNCATED: Final = "X-Partnergraph-Truncated"
#: No script runs on an API page; styles are inline.
CONTENT_SECURITY_POLICY: Final = (
    "default-src 'none'; style-src 'self'; script-src 'self'; connect-src 'self'; "
    "img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'self'"
)
_COUNT = re.compile(r"[0-9]{1,9}")
_LINKED_SCHEMES = ("http://", "https://")


def table_formats() -> list[Format]:
    """The formats a named query answers in, by their API name (``format=``), JSON first."""
    by_name = {fmt.extension: fmt for fmt in _candidates()}
    return [by_name[name] for name in FORMAT_NAMES]


def list_formats() -> list[Format]:
    """The formats of the list of queries: JSON, then HTML."""
    return [fmt for fmt in table_formats() if fmt.kind in {Kind.ROWS, Kind.PAGE}]


def choose_format(candidates: list[Format], args: MultiDict[str, str]) -> Format:
    """The format of the answer: ``format=`` (by its API name) wins, then ``Accept``.

    Raises:
        ParameterError: ``format`` names no format of ``candidates``, or is repeated.
        NotAcceptable: nothing in ``Accept`` is one of ``candidates``.
    """
    names = args.getlist("format")
    offered = [fmt.extension for fmt in candidates]
    if len(names) > 1:
        raise ParameterError("format", "is given more than once")
    if names:
        for fmt in candidates:
            if fmt.extension == names[0]:
                return fmt
        raise ParameterError("format", f"{names[0]!r} is no format: one of {', '.join(offered)}")
    return by_accept(candidates, "this answer", f" (or format={'|'.join(offered)})")


@dataclass(frozen=True)
class Page:
    """Which rows of an answer a call asks for.

    Attributes:
        offset: how many rows to skip.
        limit: the most rows to give.
    """

    offset: int
    limit: int

    @property
    def end(self) -> int:
        """The index just past the page."""
        return self.offset + self.limit


def read_page(args: MultiDict[str, str], settings: Settings) -> Page:
    """The page a call asks for with ``limit`` and ``offset`` (decimal digits only).

    Raises:
        ParameterError: a value that is no count, out of range, or repeated.
    """
    default_limit = min(settings.api_page_size, settings.row_cap)
    limit = _count(args, "limit", default_limit, 1, settings.row_cap)
    offset = _count(args, "offset", 0, 0, settings.row_cap - 1)
    if offset + limit > settings.row_cap:
        raise ParameterError(
            "offset",
            f"offset + limit is {offset + limit}, more than the row cap ({settings.row_cap}): "
            "the API pages through the first row_cap rows of an answer",
        )
    return Page(offset, limit)


def _count(args: MultiDict[str, str], name: str, default: int, low: int, high: int) -> int:
    values = args.getlist(name)
    if len(values) > 1:
        raise ParameterError(name, "is given more than once")
    if not values or values[0] == "":
        return default
    if not _COUNT.fullmatch(values[0]) or not low <= int(values[0]) <= high:
        raise ParameterError(name, f"{values[0]!r} is not a whole number from {low} to {high}")
    return int(values[0])


def page_links(page: Page, more: bool) -> dict[str, str]:
    """The URLs of the first, previous and next pages (RFC 8288 relations), where they exist."""
    links: dict[str, str] = {}
    if page.offset > 0:
        links["first"] = _page_url(0, page.limit)
        links["prev"] = _page_url(max(0, page.offset - page.limit), page.limit)
    if more:
        links["next"] = _page_url(page.end, page.limit)
    return links


def _page_url(offset: int, limit: int) -> str:
    pairs = [(k, v) for k, v in request.args.items(multi=True) if k not in {"offset", "limit"}]
    pairs += [("limit", str(limit)), ("offset", str(offset))]
    return f"{request.script_root}{request.path}?{urlencode(pairs)}"


def table_response(
    table: Table, fmt: Format, links: dict[str, str], cut: bool, cap_link: str
) -> Response:
    """A page of a table as JSON rows, SPARQL JSON or CSV, with the paging headers."""
    if fmt.kind is Kind.ROWS:
        body = rows_json(table)
    elif fmt.media_type == "text/csv":
        body = csv_text(table)
    else:
        body = sparql_json(table, cap_link if cut else None)
    response = Response(body, content_type=fmt.content_type)
    return with_headers(response, links, cut)


def with_headers(response: Response, links: dict[str, str], cut: bool) -> Response:
    """``response`` with ``Link``, the truncation header and ``Vary: Accept``."""
    if links:
        response.headers["Link"] = ", ".join(f'<{url}>; rel="{rel}"' for rel, url in links.items())
    if cut:
        response.headers[TRUNCATED] = "true"
    response.vary.add("Accept")
    return response


def html_response(body: str, status: int = 200) -> Response:
    """An HTML page of the API, with a policy under which no script runs."""
    response = Response(body, status=status, content_type="text/html; charset=utf-8")
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.vary.add("Accept")
    return response


def cells(table: Table, base_iri: str) -> list[list[dict[str, Any]]]:
    """The rows of a table for the HTML template: each cell's text, link and note.

    An IRI under the base IRI links to its path on this server (``/id/…``), an
    ``http(s)`` IRI to itself; any other IRI (``mailto:``, ``javascript:``) is
    shown, never linked. A literal's note is its language tag or datatype.
    """
    return [[_cell(row.get(name), base_iri) for name in table.columns] for row in table.rows]


def _cell(cell: Cell | None, base_iri: str) -> dict[str, Any]:
    if cell is None:
        return {"text": "", "href": None, "note": ""}
    value = cell["value"]
    if cell.get("type") == "uri":
        href = None
        if value.startswith(base_iri):
            href = f"{request.script_root}/{value[len(base_iri) :]}"
        elif value.startswith(_LINKED_SCHEMES):
            href = value
        return {"text": value, "href": href, "note": ""}
    if cell.get("type") == "bnode":
        return {"text": "_:" + value, "href": None, "note": ""}
    note = "@" + cell["xml:lang"] if "xml:lang" in cell else _datatype(cell.get("datatype"))
    return {"text": value, "href": None, "note": note}


def _datatype(datatype: str | None) -> str:
    if not datatype or datatype == XSD + "string":
        return ""
    return "xsd:" + datatype[len(XSD) :] if datatype.startswith(XSD) else datatype


def _candidates() -> Iterable[Format]:
    return [
        *formats.of_kind(Kind.ROWS),
        *formats.of_kind(Kind.RESULTS),
        *formats.of_kind(Kind.PAGE),
    ]
