"""The site search: a page of results, and the same as JSON for scripts and for the
suggestions the search box shows as one types (``static/pages/search.js``).

| route | answers |
| --- | --- |
| ``GET /search?q=…`` | the results page (HTML, in the reader's language) |
| ``GET /search.json?q=…&limit=…`` | ``{"query": …, "results": […], "suggestions": […]}`` |

Each JSON result has ``iri``, ``label`` (in the reader's language, else another),
``lang`` (the language of ``label``), ``labels`` (by language), ``kind``
(``municipality``, ``network``…), ``kind_label``, ``url`` (its page here) and
``rank`` (0 exact, 1 label prefix, 2 word prefix, 3 within a word).

When nothing is found, ``suggestions`` holds the names nearest to ``q`` ("Did you
mean …", :mod:`partnergraph.search_suggest`), nearest first, at most 5 (and at most
``limit``); it is empty whenever ``results`` is not, and when nothing is near (a typo
of a name is near it, "zzzzqqq" is near nothing). Each suggestion has ``iri``,
``label``, ``lang``, ``kind``, ``kind_label``, ``url`` (its page here; or, when
several resources bear that name, the search for ``label``: ``/search?q=…``) and
``score`` (how near, 0 to 1: difflib's ratio of the folded texts). The page shows
them under "Did you mean" as links to ``url``.

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
from partnergraph.search_suggest import Suggestion
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


@dataclass(frozen=True)
class Suggested:
    """A name near the text searched for, as a reader (or a script) sees it.

    Attributes:
        iri: the resource (the first of those that bear its name).
        label: its label in the reader's language (else another, else its IRI's end).
        lang: the language of ``label`` (None for an IRI's end).
        kind: its kind's key.
        kind_label: its kind in the reader's language.
        url: its page on this site, or the search for ``label`` when several
            resources bear that name (or when it has no page a browser may open).
        score: how near its name is to the text (0 to 1).
    """

    iri: str
    label: str
    lang: str | None
    kind: str
    kind_label: str
    url: str
    score: float

    def as_json(self) -> dict[str, object]:
        """The suggestion as ``/search.json`` gives it."""
        return {
            "iri": self.iri,
            "label": self.label,
            "lang": self.lang,
            "kind": self.kind,
            "kind_label": self.kind_label,
            "url": self.url,
            "score": round(self.score, 3),
        }


@bp.get("/search")
def page() -> Response:
    """The results page of ``q`` (an empty search without it), with the names nearest
    to it when it finds nothing."""
    query = search.clean(request.args.get("q", ""))
    language = headers.language()
    results = _results(query, search.LIMIT, language)
    html = render_template(
        "pages/search.html",
        language=language,
        search_query=query,
        results=results,
        suggestions=[] if results else _suggestions(query, search.LIMIT, language),
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
    """The results of ``q`` as JSON (at most ``limit``), and the names nearest to it
    when it finds nothing.

    Raises:
        BadRequest: no ``q``, or ``limit`` is not a whole number from 1 to the limit.
    """
    if "q" not in request.args:
        raise BadRequest("the parameter q (the text to search for) is missing")
    query = search.clean(request.args.get("q", ""))
    limit = _limit(request.args.get("limit"))
    language = headers.language()
    results = _results(query, limit, language)
    suggestions = [] if results else _suggestions(query, limit, language)
    body = {
        "query": query,
        "results": [r.as_json() for r in results],
        "suggestions": [s.as_json() for s in suggestions],
    }
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
    results = []
    for hit in search.search(current.service, query, limit, language):
        url = _page_of(hit.iri, language)
        label, lang = _label(hit.iri, hit.labels, language)
        kind = word(f"search_kind_{hit.kind}", language)
        results.append(Result(hit.iri, label, lang, hit.labels, hit.kind, kind, url, hit.rank))
    return results


def _suggestions(query: str, limit: int, language: str) -> list[Suggested]:
    """The names nearest to ``query`` (which found nothing) as the reader sees them."""
    if not query:
        return []
    found: list[Suggestion] = search.suggest(state().service, query, limit)
    made = []
    for near in found:
        label, lang = _label(near.iri, near.labels, language)
        url = None if near.shared else _page_of(near.iri, language)
        if url is None:
            url = f"{request.script_root}/search?{urlencode(_kept({'q': label}, language))}"
        kind = word(f"search_kind_{near.kind}", language)
        made.append(Suggested(near.iri, label, lang, near.kind, kind, url, near.score))
    return made


def _label(iri: str, labels: dict[str, str], language: str) -> tuple[str, str | None]:
    """The label of a resource for the reader (else its IRI's end), with its language."""
    found = pick(labels, language)
    return found if found else (iri.rstrip("/").rsplit("/", 1)[-1], None)


def _page_of(iri: str, language: str) -> str | None:
    """The page of ``iri`` on this site (keeping ``?lang=``), else ``iri`` when a
    browser may follow it, else None."""
    path = document_path(iri, Namespaces(state().settings.base_iri))
    if not path:
        return _web(iri)
    kept = _kept({}, language)
    return f"{request.script_root}/{path}" + (f"?{urlencode(kept)}" if kept else "")


def _kept(parameters: dict[str, str], language: str) -> dict[str, str]:
    """``parameters`` with ``lang`` when the request chose the language by it."""
    return {**parameters, "lang": language} if "lang" in request.args else parameters


def _web(iri: str) -> str | None:
    """``iri`` when a browser may follow it (``http``, ``https``), else None."""
    return iri if iri.startswith(("http://", "https://")) else None
