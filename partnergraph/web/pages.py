"""The home page ``/``: what the dataset is, who publishes it, its counts, a label
search (``/?q=``), and links to everything else.

Each block is one query: the counts, the municipalities whose own pages are
sources, and the search.
"""

from __future__ import annotations

import hashlib

from flask import Blueprint, Response, render_template, request, url_for

from partnergraph import dataset, search
from partnergraph.describe import Labels
from partnergraph.dumps.manifest import Release
from partnergraph.formats import by_key
from partnergraph.namespaces import Namespaces
from partnergraph.web import assets, headers
from partnergraph.web.present import Presenter
from partnergraph.web.state import once, state

bp = Blueprint("pages", __name__)

LICENCES = {
    "http://creativecommons.org/publicdomain/zero/1.0/": "CC0 1.0",
    "https://creativecommons.org/publicdomain/zero/1.0/": "CC0 1.0",
    "https://creativecommons.org/licenses/by/4.0/": "CC BY 4.0",
}


@bp.app_context_processor
def _site() -> dict[str, object]:
    return {"root": request.script_root, "pages_css": assets.own_url("pages.css")}


@bp.get("/")
def home() -> Response:
    """The dataset's home page; with ``?q=`` it also shows the search results."""
    current = state()
    settings = current.settings
    ns = Namespaces(settings.base_iri)
    language = headers.language()
    query = request.args.get("q", "")[: search.MAX_LENGTH]
    hits = search.search(current.service, query) if query else []
    labels: dict[str, dict[str, str]] = {hit.iri: dict(hit.labels) for hit in hits}
    found = once("publishers", lambda: dataset.publishers(current.service, ns))
    labels.update(found)
    show = Presenter(ns, language, Labels(labels), request.script_root, "lang" in request.args)
    municipalities = sorted(found)
    page = render_template(
        "pages/home.html",
        language=language,
        query=query,
        results=[(show.label(h.iri), [show.label(h.type)] if h.type else []) for h in hits],
        home={
            "title": dataset.TITLE.get(language, dataset.TITLE["en"]),
            "description": dataset.DESCRIPTION.get(language, dataset.DESCRIPTION["en"]),
            "publisher": settings.publisher_name,
            "publisher_url": settings.publisher_url,
            "licence": settings.licence,
            "licence_name": LICENCES.get(settings.licence, settings.licence),
            "counts": once("counts", lambda: dataset.counts(current.service, ns)),
            "municipalities": [show.label(m) for m in municipalities],
            "release": current.release,
            "downloads": _downloads(current.release),
        },
    )
    html = by_key("html")
    content_type = html.content_type if html else "text/html; charset=utf-8"
    response = headers.secure_page(Response(page, content_type=content_type))
    asked = hashlib.sha256(query.encode("utf-8")).hexdigest()[:16] if query else ""
    variant = f"home-{language}-{asked}"
    return headers.conditional(response, variant, headers.PAGE, vary=("Accept-Language",))


def _downloads(release: Release | None) -> list[tuple[str, str, int]]:
    """The dump files of the current release: (name, URL, bytes)."""
    if release is None:
        return []
    return [
        (f.name, url_for("dumps.release_file", release_id=release.id, name=f.name), f.bytes)
        for f in release.files
        if f.role == "dump"
    ]
