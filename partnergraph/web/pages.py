"""The home page ``/``: what the dataset is, who publishes it, what it holds in honest
counts, the municipalities whose relations it describes, the current release and
what changed last, and links to everything else.

Each block is one query through the query service (the counts, the described
municipalities), asked once per snapshot; the release and the last change come from
the snapshot's release and the change log. The site search is in every page's
header (``/search``); an old search link ``/?q=`` is sent there.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from flask import Blueprint, Response, render_template, request, url_for

from partnergraph import dataset
from partnergraph.describe import Labels
from partnergraph.dumps.manifest import Release
from partnergraph.formats import by_key
from partnergraph.namespaces import Namespaces
from partnergraph.web import headers
from partnergraph.web.present import Presenter
from partnergraph.web.state import once, state
from partnergraph.writes import log

bp = Blueprint("pages", __name__)

LICENCES = {
    "http://creativecommons.org/publicdomain/zero/1.0/": "CC0 1.0",
    "https://creativecommons.org/publicdomain/zero/1.0/": "CC0 1.0",
    "https://creativecommons.org/licenses/by/4.0/": "CC BY 4.0",
}


@bp.get("/")
def home() -> Response:
    """The dataset's home page (``?q=``: a permanent redirect to the site search)."""
    if "q" in request.args:
        return _to_search()
    current = state()
    settings = current.settings
    ns = Namespaces(settings.base_iri)
    language = headers.language()
    described = once("described", lambda: dataset.described_municipalities(current.service, ns))
    labels = Labels({m.iri: m.labels for m in described})
    show = Presenter(ns, language, labels, request.script_root, "lang" in request.args)
    page = render_template(
        "pages/home.html",
        home={
            "title": dataset.TITLE.get(language, dataset.TITLE["en"]),
            "description": dataset.DESCRIPTION.get(language, dataset.DESCRIPTION["en"]),
            "publisher": settings.publisher_name,
            "publisher_url": settings.publisher_url,
            "licence": settings.licence,
            "licence_name": LICENCES.get(settings.licence, settings.licence),
            "counts": once("home_counts", lambda: dataset.home_counts(current.service, ns)),
            "municipalities": [(show.label(m.iri), m) for m in described],
            "built": current.built,
            "release": current.release,
            "downloads": _downloads(current.release),
            "last_change": once("last_change", lambda: log.last(settings.changes_dir)),
        },
        day=_day,
    )
    html = by_key("html")
    content_type = html.content_type if html else "text/html; charset=utf-8"
    response = headers.secure_page(Response(page, content_type=content_type))
    return headers.conditional(response, f"home-{language}", headers.PAGE, ("Accept-Language",))


def _to_search() -> Response:
    """``/?q=…`` (the search of earlier versions of this page) → ``/search?q=…``."""
    query = request.args.get("q", "")
    asked = [("q", query)] + [("lang", v) for v in request.args.getlist("lang")[:1]]
    location = f"{request.script_root}/search?{urlencode(asked)}"
    return Response(status=301, headers={"Location": location, "Cache-Control": headers.REDIRECT})


def _day(moment: datetime) -> str:
    """A date as ``YYYY-MM-DD`` (what the page shows of a time)."""
    return moment.strftime("%Y-%m-%d")


def _downloads(release: Release | None) -> list[tuple[str, str, int]]:
    """The dump files of the current release: (name, URL, bytes)."""
    if release is None:
        return []
    return [
        (f.name, url_for("dumps.release_file", release_id=release.id, name=f.name), f.bytes)
        for f in release.files
        if f.role == "dump"
    ]
