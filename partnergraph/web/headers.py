"""The HTTP behaviour the linked-data and page blueprints share: validators tied
to the dataset version, caching, the reader's language, and the pages' security
headers.

https://www.rfc-editor.org/rfc/rfc9110#name-conditional-requests
https://www.rfc-editor.org/rfc/rfc9111#name-cache-control
https://www.w3.org/TR/CSP3/

* ``ETag``: the dataset version (the SHA-256 of the built graph) and the variant
  of the representation (format, language, page), so it changes exactly when the
  data or the variant does; ``If-None-Match`` then gives a 304.
* ``Last-Modified``: when the served graph was built.
* ``Cache-Control``: per route, from the constants below.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final, cast
from urllib.parse import urlsplit

from flask import Response, request

from partnergraph.describe import LANGUAGES
from partnergraph.web.state import state

#: Data that changes only with a new build: caches may keep it a while, then revalidate.
DATA: Final = "public, max-age=300, must-revalidate"
#: Pages with counts and search results: shorter.
PAGE: Final = "public, max-age=60, must-revalidate"
#: The mapping of a resource IRI to its document never changes.
REDIRECT: Final = "public, max-age=86400"
#: Files whose URL changes with their content.
IMMUTABLE: Final = "public, max-age=31536000, immutable"

_CSP: Final = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:{tiles}; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def language() -> str:
    """The reader's language: ``?lang=`` when it names one of en / sv / fi, else the
    best match of ``Accept-Language``, else English."""
    asked = request.args.get("lang", "")
    if asked in LANGUAGES:
        return asked
    best = request.accept_languages.best_match(LANGUAGES)
    return best or "en"


def conditional(
    response: Response, variant: str, cache_control: str, vary: Iterable[str] = ("Accept",)
) -> Response:
    """Add the validators and caching headers, and answer ``If-None-Match`` /
    ``If-Modified-Since`` with a 304 when the client's copy is current.

    Args:
        response: a successful response.
        variant: what distinguishes this representation from the others of the
            same URL (format, language, page).
        cache_control: the ``Cache-Control`` value.
        vary: the request headers the representation depends on.

    Returns:
        ``response``, or a 304 made from it.
    """
    current = state()
    response.set_etag(f"{current.version[:32]}-{variant}")
    response.last_modified = current.built
    response.headers["Cache-Control"] = cache_control
    for header in vary:
        response.vary.add(header)
    return cast(Response, response.make_conditional(request))


def secure_page(response: Response) -> Response:
    """Add the pages' Content-Security-Policy: this site's own scripts and styles only
    (no inline ones), images from here and, when a map tile server is set, from it."""
    tiles = state().settings.map_tiles
    origin = ""
    if tiles:
        parts = urlsplit(tiles)
        origin = f" {parts.scheme}://{parts.netloc.replace('{s}', '*')}"
    response.headers["Content-Security-Policy"] = _CSP.format(tiles=origin)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    return response
