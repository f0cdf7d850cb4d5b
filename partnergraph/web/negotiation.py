"""Content negotiation: which registered format answers a request.

https://httpwg.org/specs/rfc9110.html#field.accept

``Accept`` is read by Werkzeug's parser (q-values, wildcards); a ``format``
parameter, for links, wins over it. The formats are those of the one registry,
:mod:`partnergraph.formats`.

Every route that looks at ``Accept`` asks this module (:func:`negotiate`,
:func:`by_accept`, :func:`prefers_html`), and this module reads ``Accept`` only
through :func:`accepted`: Werkzeug's ``MIMEAccept`` with the media-type
parameters other than ``q`` dropped. Werkzeug matches an accepted
``text/turtle; charset=utf-8`` only to an offer with the very same parameters,
so a client that names a charset (``application/sparql-results+json;
charset=utf-8``, ``text/html; charset=UTF-8``) would match nothing and get a
406; but a parameter other than ``q`` must not stop a match (RFC 9110
§12.5.1), and every text this server sends is UTF-8 anyway. When one media type
is accepted more than once with different parameters, its highest q-value
counts.
"""

from __future__ import annotations

from typing import Final

from flask import request
from werkzeug.datastructures import MIMEAccept

from partnergraph import formats
from partnergraph.errors import NotAcceptable
from partnergraph.formats import Format

JSON: Final = "application/json"
HTML: Final = "text/html"

#: Short names other clients send in ``format`` (SPARQLWrapper sends ``turtle``,
#: ``json-ld``, ``rdf+xml``, ``xml`` and ``json`` whatever the query form), mapped
#: to a media type that is then matched against the formats that fit the query.
_FORMAT_SYNONYMS = {
    "json": "application/json",
    "xml": "application/xml",
    "turtle": "text/turtle",
    "n3": "text/turtle",
    "json-ld": "application/ld+json",
    "rdf+xml": "application/rdf+xml",
    "rdfxml": "application/rdf+xml",
    "ntriples": "application/n-triples",
    "n-triples": "application/n-triples",
    "nquads": "application/n-quads",
    "n-quads": "application/n-quads",
}


def negotiate(candidates: list[Format], requested: tuple[str, ...], what: str) -> Format:
    """Choose the format of a response among ``candidates``.

    A ``format`` parameter wins (the first of them that fits); otherwise ``Accept``
    through Werkzeug's parser (q-values, wildcards; ties go to the first
    candidate); without ``Accept``, the first candidate.

    Args:
        candidates: the formats that can carry the response, preferred first.
        requested: the ``format`` parameters (keys, media types or short names).
        what: what the response holds, for the error message.

    Raises:
        NotAcceptable: nothing the client accepts can carry the response.
    """
    if requested:
        for value in requested:
            fmt = _by_parameter(candidates, value.strip().lower())
            if fmt is not None:
                return fmt
        offered = ", ".join(fmt.key for fmt in candidates)
        raise NotAcceptable(f"format={requested[0]} cannot carry {what}; use one of {offered}")
    return by_accept(candidates, what)


def by_accept(candidates: list[Format], what: str, hint: str = "") -> Format:
    """Choose among ``candidates`` by ``Accept`` alone (the first without one).

    Args:
        candidates: the formats that can carry the response, preferred first.
        what: what the response holds, for the error message.
        hint: appended to the error message (another way to ask).

    Raises:
        NotAcceptable: nothing the client accepts can carry the response.
    """
    accept = accepted()
    if not accept:
        return candidates[0]
    best = accept.best_match(_offered(candidates))
    fmt = formats.for_media_type(best, candidates) if best else None
    if fmt is None:
        raise NotAcceptable(
            f"nothing in Accept: {request.headers.get('Accept', '')} can carry {what}; "
            f"this answers {', '.join(_offered(candidates))}{hint}"
        )
    return fmt


def accepted() -> MIMEAccept:
    """The request's ``Accept``, parsed by Werkzeug, without media-type parameters.

    Each media range keeps its q-value (so ``q=0`` still refuses) and wildcards
    keep working; every other parameter (``charset``, ``profile``, ``level``…)
    is dropped, so that it cannot stop a match (RFC 9110 §12.5.1).

    Returns:
        The media ranges and their q-values; empty (and not ``provided``) when
        the request has no ``Accept``.
    """
    parsed = request.accept_mimetypes
    if not parsed.provided:
        return parsed
    return MIMEAccept([(_bare(media_range), quality) for media_range, quality in parsed])


def prefers_html() -> bool:
    """Whether the client prefers HTML to JSON (a browser); JSON without ``Accept``.

    For the routes that answer JSON or a page and nothing else (the dumps'
    listings, the limits), where a client that accepts neither gets JSON.
    """
    return accepted().best_match([JSON, HTML]) == HTML


def _bare(media_range: str) -> str:
    """``media_range`` without its parameters: ``text/turtle`` of ``text/turtle; charset=utf-8``."""
    return media_range.split(";", 1)[0].strip()


def _offered(candidates: list[Format]) -> list[str]:
    """The media types of ``candidates``, every canonical one before any alias.

    A wildcard (``text/*``, ``*/*``) then picks a canonical type: ``text/*`` gives
    CSV for a SELECT, not SPARQL XML by its ``text/xml`` alias. An alias still
    wins when the client names it.
    """
    offered = formats.media_types(candidates)
    canonical = {fmt.media_type for fmt in candidates}
    return sorted(offered, key=lambda media_type: media_type not in canonical)


def _by_parameter(candidates: list[Format], requested: str) -> Format | None:
    for fmt in candidates:
        if fmt.key == requested:
            return fmt
    media_type = _FORMAT_SYNONYMS.get(requested, requested).split(";")[0].strip()
    return formats.for_media_type(media_type, candidates)
