"""One error body for every error: JSON, or HTML for a client that prefers HTML.

Every :class:`partnergraph.errors.PartnergraphError` and every Werkzeug
``HTTPException`` becomes ``{"error": {"status", "title", "detail"}}`` with the
matching status. Anything else is a bug: it is logged with its stack trace and
the client gets a plain 500 that shows none of it.

A request that fails before its body is read (too large, the wrong media type,
the wrong method) has what is left of the body read and thrown away, up to a
bound (:func:`partnergraph.web.protocol.discard_body`), so that a client can send
its next request on the same connection.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from flask import Flask, Response, current_app, render_template, request
from werkzeug.exceptions import HTTPException

from partnergraph.errors import MethodNotAllowed, PartnergraphError, Unauthorized
from partnergraph.web.negotiation import HTML, JSON, prefers_html
from partnergraph.web.protocol import discard_body, discard_limit

_HIDDEN = "An unexpected error occurred on the server. It has been logged."


@dataclass(frozen=True)
class Problem:
    """What an error response says.

    Attributes:
        status: the HTTP status code.
        title: a short, fixed summary for the status or error class.
        detail: what went wrong in this request.
    """

    status: int
    title: str
    detail: str


def init_app(app: Flask) -> None:
    """Register the error handlers on ``app``."""
    app.register_error_handler(PartnergraphError, _partnergraph_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)


def _partnergraph_error(exc: PartnergraphError) -> Response:
    _discard_body()
    if exc.status >= 500 and exc.status not in (502, 503):
        return _unexpected_error(exc)
    response = render(Problem(exc.status, exc.title, str(exc) or exc.title))
    if exc.retry_after is not None:
        response.headers["Retry-After"] = str(exc.retry_after)
    if isinstance(exc, Unauthorized):
        response.headers["WWW-Authenticate"] = exc.challenge
    if isinstance(exc, MethodNotAllowed) and exc.allow:
        response.headers["Allow"] = ", ".join(exc.allow)
    elif exc.status == 405 and request.url_rule is not None and request.url_rule.methods:
        response.headers["Allow"] = ", ".join(sorted(request.url_rule.methods))
    return response


def _http_error(exc: HTTPException) -> Response:
    _discard_body()
    status = exc.code or 500
    if status >= 500:
        current_app.logger.error("%s on %s %s", exc, request.method, request.path)
    response = render(Problem(status, exc.name, exc.description or exc.name))
    for name, value in exc.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def _unexpected_error(exc: Exception) -> Response:
    _discard_body()
    current_app.logger.error(
        "unexpected error on %s %s", request.method, request.path, exc_info=exc
    )
    return render(Problem(500, "Internal error", _HIDDEN))


def _discard_body() -> None:
    """Skip what the failed request left of its body, so its connection stays usable."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    discard_body(request, discard_limit(limit))


def render(problem: Problem) -> Response:
    """The error response: HTML when the client prefers it to JSON, else JSON."""
    if prefers_html():
        body = render_template("web/error.html", problem=problem)
        response = Response(body, status=problem.status, content_type=f"{HTML}; charset=utf-8")
    else:
        body = json.dumps({"error": asdict(problem)}, ensure_ascii=False)
        response = Response(body, status=problem.status, content_type=f"{JSON}; charset=utf-8")
    response.vary.add("Accept")
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
