"""The ``/sparql`` blueprint: the SPARQL 1.1 Protocol query operation.

https://www.w3.org/TR/sparql11-protocol/

``GET``/``HEAD``/``POST`` with a query run it and answer in the negotiated format
(``Accept`` with q-values and wildcards through Werkzeug's parser, or a ``format``
parameter for links). Relative IRIs in a query resolve against the dataset's base
IRI (the ``base_iri`` setting): the protocol has the service define its base
(§2.3, https://www.w3.org/TR/sparql11-protocol/#base-iri), and this one makes
``<id/city/lund>`` name the dataset's resource, whatever host serves it.
``GET`` without a query answers the service description in an RDF format, or the
query editor for a browser that asks for HTML. Every error is raised as a
:mod:`partnergraph.errors` class and written by :mod:`partnergraph.web.errors`.

Warning:
    The query text is untrusted. It reaches the query service only after
    :func:`partnergraph.limits.guard.inspect_query` has checked it (nesting depth,
    ``SERVICE``, updates) and always with the row cap; the service runs it in a
    worker process that the time and memory limits can kill.
"""

from __future__ import annotations

import time

from flask import Blueprint, Response, request

from partnergraph import formats
from partnergraph.errors import PartnergraphError
from partnergraph.formats import Kind
from partnergraph.limits.guard import inspect_query
from partnergraph.store.base import QueryForm, QueryRequest, QueryResult
from partnergraph.web import protocol, service_description
from partnergraph.web.auth import authorise
from partnergraph.web.editor import render_editor
from partnergraph.web.negotiation import negotiate
from partnergraph.web.state import state
from partnergraph.web.writes import update_response
from partnergraph.writes.update import UpdateRequest

bp = Blueprint("sparql", __name__, url_prefix="/sparql")

#: The header that announces a result cut by the row cap.
TRUNCATED = "X-Partnergraph-Truncated"
#: RFC 9211's header, and the name this cache goes by in it.
CACHE_STATUS = "Cache-Status"
CACHE_NAME = "partnergraph"
#: Caches may keep an answer, and revalidate it (by ETag, the dataset version) each time.
CACHE_CONTROL = "public, no-cache"

_RESULT_KINDS = {
    QueryForm.SELECT: Kind.RESULTS,
    QueryForm.ASK: Kind.RESULTS,
    QueryForm.CONSTRUCT: Kind.GRAPH,
    QueryForm.DESCRIBE: Kind.GRAPH,
}


@bp.route("", methods=["GET", "POST"])
def endpoint() -> Response:
    """Answer a query, or describe the service when there is none."""
    started = time.perf_counter()
    current = state()
    settings = current.settings
    if request.method == "POST" and request.mimetype == protocol.UPDATE_MEDIA_TYPE:
        authorise(settings, request)  # before its body is read
    asked = protocol.read(request, settings.max_request_bytes)
    if isinstance(asked, UpdateRequest):
        return _timed(update_response(asked), started)
    if asked.query is None:
        return _describe(asked.formats)
    if request.method == "GET" and _browser_wants_page(asked.formats):
        return render_editor(asked.query)  # the editor shows the query and runs it
    form = inspect_query(asked.query, settings)
    fmt = negotiate(formats.of_kind(_RESULT_KINDS[form]), asked.formats, what=f"a {form.value}")
    etag = f"{current.version[:32]}-{fmt.key}"
    if request.method in ("GET", "HEAD") and request.if_none_match.contains(etag):
        return _timed(_not_modified(etag), started)  # the client's copy is current: no query
    query = QueryRequest(
        query=asked.query,
        form=form,
        default_graph_uris=asked.default_graph_uris,
        named_graph_uris=asked.named_graph_uris,
        row_cap=settings.row_cap,
        base_iri=settings.base_iri,
    )
    result = current.service.run(query, fmt, client=request.remote_addr)
    return _timed(result_response(result, etag), started)


def _browser_wants_page(requested: tuple[str, ...]) -> bool:
    """Whether the client prefers an HTML page to every results format: a browser
    opening a link to a query (its Accept names text/html, results only by */*)."""
    page = formats.by_key("html")
    if page is None:
        return False
    candidates = [*formats.of_kind(Kind.RESULTS, Kind.GRAPH), page]
    try:
        return negotiate(candidates, requested, what="a query") is page
    except PartnergraphError:
        return False


def result_response(result: QueryResult, etag: str) -> Response:
    """The HTTP response for a query result, with the protocol's headers.

    ``ETag`` names the dataset version (and the format): an HTTP cache in front may
    keep the answer and must revalidate it (``Cache-Control: no-cache``), which
    costs no query while the version is the same. ``Cache-Status`` (RFC 9211)
    says whether the answer came from the shared result cache.
    """
    response = Response(result.body, content_type=result.format.content_type)
    _validators(response, etag)
    response.headers[CACHE_STATUS] = CACHE_NAME + ("; hit" if result.cached else "; fwd=miss")
    if result.truncated:
        response.headers[TRUNCATED] = "true"
    return response


def _timed(response: Response, started: float) -> Response:
    """Say how long the app took (``Server-Timing``, https://www.w3.org/TR/server-timing/)."""
    took = (time.perf_counter() - started) * 1000
    response.headers["Server-Timing"] = f"app;dur={took:.3f}"
    return response


def _not_modified(etag: str) -> Response:
    response = Response(status=304)
    _validators(response, etag)
    response.headers[CACHE_STATUS] = CACHE_NAME + "; hit"
    return response


def _validators(response: Response, etag: str) -> None:
    response.set_etag(etag)
    response.headers["Cache-Control"] = CACHE_CONTROL
    response.vary.add("Accept")
    response.headers["X-Content-Type-Options"] = "nosniff"


def _describe(requested: tuple[str, ...]) -> Response:
    """The service description, or the query editor for a browser."""
    current = state()
    page = formats.by_key("html")
    candidates = [*service_description.formats(), *([page] if page else [])]
    fmt = negotiate(candidates, requested, what="the service description")
    if fmt is page:
        response = render_editor()
    else:
        triples = service_description.describe(request.base_url, current.settings, current.stats)
        response = Response(
            service_description.serialize(triples, fmt), content_type=fmt.content_type
        )
    response.vary.add("Accept")
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
