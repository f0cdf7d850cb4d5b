"""Cross-origin resource sharing on every response, preflight included.

https://fetch.spec.whatwg.org/#http-cors-protocol

The data is public and no request carries credentials, so every origin may read
every response (``Access-Control-Allow-Origin: *``). A preflight (``OPTIONS`` with
``Access-Control-Request-Method``) is answered by Flask's automatic ``OPTIONS``
response, to which this module adds the allowed methods and headers.
"""

from __future__ import annotations

import re

from flask import Flask, Response, request

ALLOWED_METHODS = "GET, HEAD, POST, OPTIONS"
ALLOWED_HEADERS = "Accept, Accept-Language, Content-Type"
EXPOSED_HEADERS = (
    "X-Partnergraph-Truncated, Content-Disposition, Retry-After, Link, ETag, Cache-Status, "
    "Server-Timing"
)
MAX_AGE = 24 * 60 * 60

_HEADER_LIST = re.compile(r"^[A-Za-z0-9!#$%&'*+.^_`|~-]+(\s*,\s*[A-Za-z0-9!#$%&'*+.^_`|~-]+)*$")


def init_app(app: Flask) -> None:
    """Add the CORS headers to every response of ``app``."""
    app.after_request(add_headers)


def add_headers(response: Response) -> Response:
    """Add the CORS headers (and the preflight answer to an ``OPTIONS`` preflight)."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
    if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:
        requested = request.headers.get("Access-Control-Request-Headers", "").strip()
        response.headers["Access-Control-Allow-Methods"] = ALLOWED_METHODS
        response.headers["Access-Control-Allow-Headers"] = (
            requested if _HEADER_LIST.match(requested) else ALLOWED_HEADERS
        )
        response.headers["Access-Control-Max-Age"] = str(MAX_AGE)
    return response
