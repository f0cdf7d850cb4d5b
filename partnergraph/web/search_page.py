"""The site search: a page of results, and the same as JSON for scripts and for the
suggestions the search box shows as one types (``static/pages/search.js``).

| route | answers |
| --- | --- |
| ``GET /search?q=…`` | the results page (HTML, in the reader's language) |
| ``GET /search.json?q=…&limit=…`` | ``{"query": …, "results": [{"iri", "label", …}]}`` |

Each JSON result has ``iri``, ``label`` (in the reader's language, else another),
``lang`` (the language of ``label``), ``labels`` (by language), ``kind``
(``municipality``, ``network``…), ``kind_label``, ``url`` (its page here) and
``rank`` (0 exact, 1 label prefix, 2 word prefix, 3 within a word).

``q`` is cut to :data:`partnergraph.search.MAX_LENGTH` characters; under two letters
finds nothing. ``limit`` (JSON) is 1 to :data:`partnergraph.search.LIMIT`, default
:data:`JSON_LIMIT`. A missing ``q`` (JSON) or a bad ``limit`` is a 400 with the one
error body. Both are cached like the pages (``ETag`` of the dataset version and
the variant) and readable from any origin (CORS, as every response).

Warning:
    ``q`` comes from the request: it is searched through bound parameters only
    (:mod:`partnergraph.search`) and reaches the page through Jinja's autoescape
    and the JSON through ``json.dumps``.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlencode

from flask import Blueprint, Response, render_template, request

from partnergraph import search
from partnergraph.describe import pick
from partnergraph.documents import document_path
from partnergraph.errors import BadRequest
from partnergraph.formats import by_key
from partnergraph.namespaces import Namespaces
from partnergraph.web import headers
from partnergraph.web.i18n import word
from partnergraph.web.state import state

bp = Blueprint("search", __name__)

#: Results of ``/search.json`` when ``limit`` is not given.
JSON_LIMIT: Final = 20
_LIMIT = re.compile(r"[0-9]{1,4}")


@dataclass(frozen=True)
class Result:
    """One hit as a reader (or a script) sees it.

    Attributes:
        iri: the resource.
        label: its label in the reader's language (else another, else its IRI's end).
        lang: the language of ``label`` (None for an IRI's end).
        labels: every label, by language.
        kind: its kind's key (``municipality``…).
        kind_label: its kind in the reader's language.
        url: its page on this site (its IRI when it is not of this dataset, None when
            that is no web address).
        rank: how it matched (0 exact … 3 within a word).
    """

    iri: str
    label: str
    lang: str | None
    labels: dict[str, str]
    kind: str
    kind_label: str
    url: str | None
    rank: int

    def as_json(self) -> dict[str, object]:
        """The result as ``/search.json`` gives it."""
        return {
            "iri": self.iri,
            "label": self.label,
            "lang": self.lang,
            "labels": self.labels,
            "kind": self.kind,
            "kind_label": self.kind_label,
            "url": self.url,
            "rank": self.rank,
        }


@bp.get("/search")
def page() -> Response:
    """The results page of ``q`` (an empty search without it)."""
    query = search.clean(request.args.get("q", ""))
    language = headers.language()
    results = _results(query, search.LIMIT, language)
    html = render_template(
        "pages/search.html",
        language=language,
        search_query=query,
        results=results,
        too_short=bool(query) and not search.searchable(query),
        full=len(results) >= search.LIMIT,
    )
    fmt = by_key("html")
    response = Response(html, content_type=fmt.content_type if fmt else "text/html")
    response = headers.secure_page(response)
    return headers.conditional(
        response, _variant("html", query, language, 0), headers.PAGE, ("Accept-Language",)
    )


@bp.get("/search.json")
def as_json() -> Response:
    """The results of ``q`` as JSON (at most ``limit``).

    Raises:
        BadRequest: no ``q``, or ``limit`` is not a whole number from 1 to the limit.
    """
    if "q" not in request.args:
        raise BadRequest("the parameter q (the text to search for) is missing")
    query = search.clean(request.args.get("q", ""))
    limit = _limit(request.args.get("limit"))
    language = headers.language()
    body = {"query": query, "results": [r.as_json() for r in _results(query, limit, language)]}
    response = Response(
        json.dumps(body, ensure_ascii=False), content_type="application/json; charset=utf-8"
    )
    return headers.conditional(
        response, _variant("json", query, language, limit), headers.PAGE, ("Accept-Language",)
    )


def _limit(raw: str | None) -> int:
    if raw is None:
        return JSON_LIMIT
    if not _LIMIT.fullmatch(raw) or not 1 <= int(raw) <= search.LIMIT:
        raise BadRequest(
            f"the parameter limit must be a whole number from 1 to {search.LIMIT}, got {raw!r}"
        )
    return int(raw)


def _variant(form: str, query: str, language: str, limit: int) -> str:
    """What tells this answer from the others of the same URL path."""
    asked = f"{query}\n{limit}\n{'lang' in request.args}".encode()
    return f"search-{form}-{language}-{hashlib.sha256(asked).hexdigest()[:16]}"


def _results(query: str, limit: int, language: str) -> list[Result]:
    """The hits of ``query`` as the reader sees them."""
    if not query:
        return []
    current = state()
    ns = Namespaces(current.settings.base_iri)
    keep = f"?{urlencode({'lang': language})}" if "lang" in request.args else ""
    results = []
    for hit in search.search(current.service, query, limit, language):
        path = document_path(hit.iri, ns)
        url = f"{request.script_root}/{path}{keep}" if path else _web(hit.iri)
        found = pick(hit.labels, language)
        label, lang = found if found else (hit.iri.rstrip("/").rsplit("/", 1)[-1], None)
        kind = word(f"search_kind_{hit.kind}", language)
        results.append(Result(hit.iri, label, lang, hit.labels, hit.kind, kind, url, hit.rank))
    return results


def _web(iri: str) -> str | None:
    """``iri`` when a browser may follow it (``http``, ``https``), else None."""
    return iri if iri.startswith(("http://", "https://")) else None
