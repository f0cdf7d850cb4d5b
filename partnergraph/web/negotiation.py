"""Content negotiation: which registered format answers a request.

https://httpwg.org/specs/rfc9110.html#field.accept

``Accept`` is read by Werkzeug's parser (q-values, wildcards); a ``format``
parameter, for links, wins over it. The formats are those of the one registry,
:mod:`partnergraph.formats`.
"""

from __future__ import annotations

from flask import request

from partnergraph import formats
from partnergraph.errors import NotAcceptable
from partnergraph.formats import Format

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
    accept = request.accept_mimetypes
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
