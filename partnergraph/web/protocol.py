"""Reading a request of the SPARQL 1.1 Protocol, strictly.

https://www.w3.org/TR/sparql11-protocol/#query-operation

Three ways to send a query: ``GET ?query=``, ``POST`` of an
``application/x-www-form-urlencoded`` form, and ``POST`` of the query itself as
``application/sparql-query``. ``default-graph-uri`` and ``named-graph-uri`` travel
with the query: in the query string for GET and for a direct POST, in the body for
a form POST.

Warning:
    Everything here is untrusted input. Sizes are checked before anything is read
    (``Content-Length``) and again while reading (a bounded read, for chunked bodies
    that announce no length); bytes are decoded as UTF-8 strictly, never lossily;
    an IRI is checked before any engine sees it. Updates are refused here, before
    the limits guard.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO
from urllib.parse import parse_qsl

import pyoxigraph as ox
from werkzeug import Request

from partnergraph.errors import BadRequest, MethodNotAllowed, PayloadTooLarge, UnsupportedMediaType

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"

QUERY = "query"
DEFAULT_GRAPH = "default-graph-uri"
NAMED_GRAPH = "named-graph-uri"
FORMAT = "format"
UPDATE_PARAMETERS = ("update", "using-graph-uri", "using-named-graph-uri")
PROTOCOL_PARAMETERS = (QUERY, DEFAULT_GRAPH, NAMED_GRAPH, *UPDATE_PARAMETERS)

MAX_FIELDS = 1000
_CHUNK = 64 * 1024
_UPDATE_MESSAGE = (
    "SPARQL Update is not accepted: this endpoint is read-only and answers queries "
    "(GET or POST with a query) only"
)

Params = list[tuple[str, str]]


class UpdateRefused(MethodNotAllowed):
    """A SPARQL Update was sent; this endpoint answers queries only (HTTP 405)."""

    title = "Updates not accepted"


@dataclass(frozen=True)
class ProtocolRequest:
    """What a protocol request asks for.

    Attributes:
        query: the query text, or None when the request carries none (a GET for the
            service description).
        default_graph_uris: the ``default-graph-uri`` values, in order.
        named_graph_uris: the ``named-graph-uri`` values, in order.
        formats: the non-empty ``format`` parameters, which override ``Accept``, in
            order. Some clients send more than one (SPARQLWrapper sends ``tsv`` and
            ``text/tab-separated-values``); the first one that fits wins.
    """

    query: str | None
    default_graph_uris: tuple[str, ...] = ()
    named_graph_uris: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()


def read(request: Request, limit: int) -> ProtocolRequest:
    """Read the protocol parameters of ``request``.

    Args:
        request: the HTTP request (GET, HEAD or POST).
        limit: the largest query string, and the largest body, in bytes.

    Returns:
        The query and its dataset, as the client sent them.

    Raises:
        PayloadTooLarge: the query string or the body is larger than ``limit``.
        BadRequest: invalid UTF-8 or percent-encoding, a repeated ``query``, a query
            mixed with an update, a parameter in the wrong place, an invalid IRI, an
            empty query, or dataset parameters without a query.
        UpdateRefused: the request is a SPARQL Update.
        UnsupportedMediaType: a POST whose body is neither a form nor a query.
    """
    if len(request.query_string) > limit:
        raise PayloadTooLarge(f"the query string is longer than {limit} bytes")
    url = _parse(request.query_string, "the query string")
    if request.method != "POST":
        return _from_params(url, url, require_query=False)
    mimetype = request.mimetype
    if mimetype == UPDATE:
        raise UpdateRefused(_UPDATE_MESSAGE)
    if mimetype not in (FORM, DIRECT):
        shown = mimetype or "no Content-Type"
        raise UnsupportedMediaType(
            f"a POST to the SPARQL endpoint must be {FORM} or {DIRECT}, not {shown}"
        )
    _check_charset(request)
    body = _read_body(request, limit)
    if mimetype == FORM:
        misplaced = [name for name, _ in url if name in PROTOCOL_PARAMETERS]
        if misplaced:
            raise BadRequest(f"in a form POST, {misplaced[0]} belongs in the body, not in the URL")
        form = _parse(body, "the form body")
        return _from_params(form, [*form, *url], require_query=True)
    text = _decode(body, "the request body")
    _refuse_update(url, query_present=True)
    if any(name == QUERY for name, _ in url):
        raise BadRequest(f"a {DIRECT} POST carries the query in its body, not in the URL")
    return _from_params([(QUERY, text), *url], url, require_query=True)


def _from_params(params: Params, format_params: Params, require_query: bool) -> ProtocolRequest:
    queries = [value for name, value in params if name == QUERY]
    _refuse_update(params, query_present=bool(queries))
    if len(queries) > 1:
        raise BadRequest("the query parameter is given more than once; send exactly one query")
    default = tuple(_iri(v, DEFAULT_GRAPH) for n, v in params if n == DEFAULT_GRAPH)
    named = tuple(_iri(v, NAMED_GRAPH) for n, v in params if n == NAMED_GRAPH)
    fmt = tuple(value for name, value in format_params if name == FORMAT and value.strip())
    if not queries:
        if require_query or default or named:
            raise BadRequest("the request has no query parameter")
        return ProtocolRequest(None, formats=fmt)
    if not queries[0].strip():
        raise BadRequest("the query is empty")
    return ProtocolRequest(queries[0], default, named, fmt)


def _refuse_update(params: Params, query_present: bool) -> None:
    update = next((name for name, _ in params if name in UPDATE_PARAMETERS), None)
    if update is None:
        return
    if query_present:
        raise BadRequest(f"the request mixes a query with an update ({update}); send one")
    raise UpdateRefused(_UPDATE_MESSAGE)


def _check_charset(request: Request) -> None:
    charset = request.mimetype_params.get("charset")
    if charset is not None and charset.strip().lower() not in ("utf-8", "utf8"):
        raise UnsupportedMediaType(f"the request body must be UTF-8, not {charset}")


def _read_body(request: Request, limit: int) -> bytes:
    length = request.content_length
    if length is not None and length > limit:
        raise PayloadTooLarge(f"the request body is larger than {limit} bytes")
    return read_bounded(request.stream, limit)


def read_bounded(stream: IO[bytes], limit: int) -> bytes:
    """Read ``stream`` to its end, but never more than ``limit`` bytes.

    Raises:
        PayloadTooLarge: the stream holds more than ``limit`` bytes.
    """
    chunks: list[bytes] = []
    total = 0
    while True:
        chunk = stream.read(min(_CHUNK, limit + 1 - total))
        if not chunk:
            return b"".join(chunks)
        total += len(chunk)
        if total > limit:
            raise PayloadTooLarge(f"the request body is larger than {limit} bytes")
        chunks.append(chunk)


def _decode(raw: bytes, where: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadRequest(
            f"{where} is not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start})"
        ) from None


def _parse(raw: bytes, where: str) -> Params:
    text = _decode(raw, where)
    try:
        return parse_qsl(
            text,
            keep_blank_values=True,
            encoding="utf-8",
            errors="strict",
            max_num_fields=MAX_FIELDS,
        )
    except UnicodeDecodeError:
        raise BadRequest(f"{where} percent-encodes bytes that are not valid UTF-8") from None
    except ValueError:
        raise BadRequest(f"{where} has more than {MAX_FIELDS} parameters") from None


def _iri(value: str, name: str) -> str:
    try:
        ox.NamedNode(value)
    except ValueError:
        raise BadRequest(f"{name} must be an absolute IRI, got {value!r}") from None
    return value
