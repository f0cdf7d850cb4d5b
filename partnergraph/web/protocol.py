"""Reading a request of the SPARQL 1.1 Protocol, strictly.

https://www.w3.org/TR/sparql11-protocol/#query-operation

Three ways to send a query: ``GET ?query=``, ``POST`` of an
``application/x-www-form-urlencoded`` form, and ``POST`` of the query itself as
``application/sparql-query``. ``default-graph-uri`` and ``named-graph-uri`` travel
with the query: in the query string for GET and for a direct POST, in the body or
in the URL for a form POST (not in both: see :func:`read`).

The dataset a request names is the whole dataset of the query, whatever its
``FROM`` and ``FROM NAMED`` say (§2.1.4: "If different RDF Datasets are specified
in both the protocol request and the SPARQL query string, then the SPARQL service
must execute the query using the RDF Dataset given in the protocol request"); the
store backends apply it so.

A body this module refuses (too large, or not read because the request failed
first) is read and thrown away up to a bound, :func:`discard_body`, so that the
kept-alive connection it came on can carry the client's next request; past the
bound the server closes the connection after the answer
(:mod:`partnergraph.web.serving`).

Warning:
    Everything here is untrusted input. Sizes are checked before anything is read
    (``Content-Length``) and again while reading (a bounded read, for chunked bodies
    that announce no length); bytes are decoded as UTF-8 strictly, never lossily;
    an IRI is checked before any engine sees it. An update comes out of here as an
    :class:`~partnergraph.writes.update.UpdateRequest` (only by POST), for the
    write path to authorise before anything else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO
from urllib.parse import parse_qsl

import pyoxigraph as ox
from werkzeug import Request
from werkzeug.exceptions import ClientDisconnected, RequestEntityTooLarge
from werkzeug.wsgi import LimitedStream

from partnergraph.errors import BadRequest, MethodNotAllowed, PayloadTooLarge, UnsupportedMediaType
from partnergraph.writes.update import UpdateRequest

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE_MEDIA_TYPE = "application/sparql-update"

QUERY = "query"
DEFAULT_GRAPH = "default-graph-uri"
NAMED_GRAPH = "named-graph-uri"
FORMAT = "format"
UPDATE = "update"
USING_GRAPH = "using-graph-uri"
USING_NAMED_GRAPH = "using-named-graph-uri"
UPDATE_PARAMETERS = (UPDATE, USING_GRAPH, USING_NAMED_GRAPH)
DATASET_PARAMETERS = (DEFAULT_GRAPH, NAMED_GRAPH)

MAX_FIELDS = 1000

#: A refused request body of at most this many bytes (or of at most the request
#: size limit, when that is larger) is read and thrown away, so that the
#: connection stays usable; a larger one closes the connection instead.
DISCARD_BYTES = 4 * 1024 * 1024

_CHUNK = 64 * 1024
_DISCARDED = "partnergraph.body_discarded"
_UPDATE_MESSAGE = (
    "a SPARQL Update is sent by POST (application/sparql-update, or a form with "
    "update=), never by GET; nothing was changed"
)

Params = list[tuple[str, str]]


class UpdateRefused(MethodNotAllowed):
    """A SPARQL Update sent by GET (HTTP 405)."""

    title = "Updates are sent by POST"


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


def read(request: Request, limit: int) -> ProtocolRequest | UpdateRequest:
    """Read the protocol parameters of ``request``.

    A form POST may carry ``default-graph-uri`` and ``named-graph-uri`` in its URL
    rather than in its body. The protocol's summary table (§2.1,
    https://www.w3.org/TR/sparql11-protocol/#query-operation) lists no query
    string parameters for "query via URL-encoded POST", and §2.1.2
    (#query-via-post-urlencoded) says that clients "must URL percent encode all
    parameters and include them as parameters within the request body": a
    requirement on clients, which forbids nothing to the service. The Working
    Group's own test of this operation, ``query_post_form`` (rdf-tests,
    ``sparql/sparql11/protocol/manifest.ttl``), sends the dataset in the URL and
    ``query=`` in the body and expects success; so the service honours a dataset
    in the URL. What would be ambiguous stays a 400: the dataset in both the URL
    and the body (even with the same values), and ``query`` (or an update
    parameter) in the URL.

    Args:
        request: the HTTP request (GET, HEAD or POST).
        limit: the largest query string, and the largest body, in bytes.

    An update is ``POST``ed as ``application/sparql-update`` (the dataset in the URL)
    or as a form with ``update=`` (everything in the body): exactly one update, no
    query beside it, UTF-8 (§2.2).

    Returns:
        The query and its dataset, or the update and its dataset, as the client
        sent them.

    Raises:
        PayloadTooLarge: the query string or the body is larger than ``limit``.
        BadRequest: invalid UTF-8 or percent-encoding, a repeated ``query``, a query
            mixed with an update, a parameter in the wrong place, the dataset of a
            form POST in both its URL and its body, an invalid IRI, an empty query,
            or dataset parameters without a query.
        UpdateRefused: a SPARQL Update by GET.
        UnsupportedMediaType: a POST whose body is neither a form, a query nor an
            update, or a charset other than UTF-8.
    """
    if len(request.query_string) > limit:
        raise PayloadTooLarge(f"the query string is longer than {limit} bytes")
    url = _parse(request.query_string, "the query string")
    if request.method != "POST":
        return _from_params(url, url, require_query=False)
    mimetype = request.mimetype
    if mimetype not in (FORM, DIRECT, UPDATE_MEDIA_TYPE):
        shown = mimetype or "no Content-Type"
        raise UnsupportedMediaType(
            f"a POST to the SPARQL endpoint must be {FORM}, {DIRECT} or "
            f"{UPDATE_MEDIA_TYPE}, not {shown}"
        )
    _check_charset(request)
    body = _read_body(request, limit)
    if mimetype == FORM:
        return _from_form(_parse(body, "the form body"), url)
    text = _decode(body, "the request body")
    if mimetype == UPDATE_MEDIA_TYPE:
        return _direct_update(text, url)
    _refuse_update(url, query_present=True)
    if any(name == QUERY for name, _ in url):
        raise BadRequest(f"a {DIRECT} POST carries the query in its body, not in the URL")
    return _from_params([(QUERY, text), *url], url, require_query=True)


def _direct_update(text: str, url: Params) -> UpdateRequest:
    """An ``application/sparql-update`` POST: the update is the body, its dataset in the URL."""
    misplaced = [name for name, _ in url if name in (QUERY, UPDATE, *DATASET_PARAMETERS)]
    if misplaced:
        raise BadRequest(
            f"an {UPDATE_MEDIA_TYPE} POST carries the update in its body; {misplaced[0]} "
            "does not belong in its URL"
        )
    return _update(text, url)


def _update(text: str, params: Params) -> UpdateRequest:
    if not text.strip():
        raise BadRequest("the update is empty")
    return UpdateRequest(
        text,
        tuple(_iri(v, USING_GRAPH) for n, v in params if n == USING_GRAPH),
        tuple(_iri(v, USING_NAMED_GRAPH) for n, v in params if n == USING_NAMED_GRAPH),
    )


def _form_update(form: Params, url: Params) -> UpdateRequest:
    """A form POST with ``update=``: exactly one update, no query, nothing in the URL."""
    if any(name in (QUERY, *DATASET_PARAMETERS) for name, _ in form):
        raise BadRequest("the request mixes a query with an update (update); send one")
    updates = [value for name, value in form if name == UPDATE]
    if len(updates) != 1:
        raise BadRequest("the update parameter is given more than once; send exactly one update")
    if any(name in (QUERY, *UPDATE_PARAMETERS) for name, _ in url):
        raise BadRequest("in a form POST, the update and its dataset belong in the body")
    return _update(updates[0], form)


def _from_form(form: Params, url: Params) -> ProtocolRequest | UpdateRequest:
    """The request of a form POST: the body, and the dataset from the URL if not there."""
    if any(name == UPDATE for name, _ in form):
        return _form_update(form, url)
    misplaced = [name for name, _ in url if name in (QUERY, *UPDATE_PARAMETERS)]
    if misplaced:
        raise BadRequest(f"in a form POST, {misplaced[0]} belongs in the body, not in the URL")
    in_url = [(name, value) for name, value in url if name in DATASET_PARAMETERS]
    if in_url and any(name in DATASET_PARAMETERS for name, _ in form):
        raise BadRequest(
            "in a form POST, give default-graph-uri and named-graph-uri in the body or in "
            "the URL, not in both"
        )
    return _from_params([*form, *in_url], [*form, *url], require_query=True)


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
    """The body: exactly ``Content-Length`` bytes, or a chunked body up to ``limit``.

    Werkzeug's stream refuses to read at its maximum even when the body ends
    there, so a body of exactly ``limit`` bytes is read to its announced length,
    and a chunked one from the server's input, which the server ends.
    """
    length = request.content_length
    if length is not None:
        if length > limit:
            raise PayloadTooLarge(f"the request body is larger than {limit} bytes")
        return _read_at_most(request.stream, length)
    if "wsgi.input_terminated" in request.environ:
        return read_bounded(request.environ["wsgi.input"], limit)
    return b""


def read_bounded(stream: IO[bytes], limit: int) -> bytes:
    """Read ``stream`` to its end, but never more than ``limit`` bytes.

    Raises:
        PayloadTooLarge: the stream holds more than ``limit`` bytes.
    """
    body = _read_at_most(stream, limit + 1)
    if len(body) > limit:
        raise PayloadTooLarge(f"the request body is larger than {limit} bytes")
    return body


def _read_at_most(stream: IO[bytes], most: int) -> bytes:
    """Read ``stream`` until it ends or ``most`` bytes are read, in chunks."""
    chunks: list[bytes] = []
    total = 0
    while total < most:
        chunk = stream.read(min(_CHUNK, most - total))
        if not chunk:
            break
        total += len(chunk)
        chunks.append(chunk)
    return b"".join(chunks)


def discard_limit(max_request_bytes: int) -> int:
    """The largest body whose refusal leaves its connection open for the next request.

    Args:
        max_request_bytes: the request size limit in force.
    """
    return max(max_request_bytes, DISCARD_BYTES)


def discard_body(request: Request, most: int) -> bool:
    """Read what is left of the request body and throw it away, at most ``most`` bytes.

    An answer sent before the body was read (a 413, a 415, a 405) leaves the body
    on the connection. A server that keeps the connection alive must skip it to
    find the next request; gunicorn only skips 64 KiB and then drops the
    connection it has just announced as kept alive, so the client's next request
    on it fails. Reading the body here keeps the connection usable.

    Warning:
        The body is untrusted: nothing is kept, and a body announced larger than
        ``most`` is not read at all (the server closes the connection instead). A
        client that stops sending holds the thread as long as it would while any
        body is read (a buffering proxy in front takes that risk away).

    Args:
        request: the request, answered or about to be.
        most: the most bytes to read.

    Returns:
        True when the body has been read to its end (or there was none), False when
        it is larger than ``most`` or the client went away.
    """
    environ = request.environ
    if environ.get(_DISCARDED):
        return True
    length = request.content_length
    if length is not None and length > most:
        return False
    stream: IO[bytes] | LimitedStream
    if "wsgi.input_terminated" in environ:
        stream = environ["wsgi.input"]  # the server ends it where the body ends
    elif length is None:
        return True  # no body
    else:
        try:
            stream = request.stream  # what Werkzeug has not handed out yet
        except RequestEntityTooLarge:  # refused by its length: nothing was read
            stream = LimitedStream(environ["wsgi.input"], length)
    total = 0
    try:
        while total <= most:
            chunk = stream.read(min(_CHUNK, most + 1 - total))
            if not chunk:
                environ[_DISCARDED] = True
                return True
            total += len(chunk)
    except (OSError, ClientDisconnected):
        return False
    return False


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
