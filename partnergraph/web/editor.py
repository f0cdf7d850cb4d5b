"""The query editor of ``/sparql`` and the files it needs, under ``/-/static/``.

The editor is YASGUI (``@zazuko/yasgui`` from the npm registry, installed into
``node_modules/`` by ``make install``; nothing of it is in git, nothing comes from
a CDN). The ``/sparql`` blueprint calls :func:`render_editor` when a browser asks
for HTML without a query. The page opens YASGUI on the URL it was served from,
with the graph's prefixes and the named queries of ``queries/`` in a menu of
examples; the share button of a tab gives a URL (``/sparql#query=…``) that opens
that query again, and ``/sparql?query=…`` opened in a browser shows the editor with
that query and its results. An error answer is said in words with its line marked;
the results link this dataset's IRIs to this site's pages.

| route | answers |
| --- | --- |
| ``/-/static/yasgui/{version}/{file}`` | YASGUI's built JS, CSS and source map |
| ``/-/static/editor/{file}?v={hash}`` | the page's own script and style |

Both are cached for a year (``immutable``) as their URLs change with what they
hold; an editor file asked with an outdated hash is ``no-cache``.

YASGUI is looked for in ``node_modules/`` beside the ``partnergraph`` package
(the project's root), or where the app's ``config["PARTNERGRAPH_NODE_MODULES"]``
says. When it is missing, the page says that ``make install`` must be run.

Warning:
    The query titles, descriptions and texts reach the page; they go through
    Jinja's autoescape or, inside the ``<script>`` element, through Flask's
    HTML-safe JSON encoder (``tojson``), never into HTML by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Final

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    render_template,
    request,
    url_for,
)

import partnergraph
from partnergraph.namespaces import Namespaces
from partnergraph.queries import NamedQuery, rebase
from partnergraph.web import assets
from partnergraph.web.state import state

bp = Blueprint("editor", __name__, url_prefix="/-/static")

#: The app config key that overrides where ``node_modules/`` is.
NODE_MODULES = assets.NODE_MODULES
YASGUI_PACKAGE: Final = "@zazuko/yasgui"

_PACKAGE_DIR = Path(partnergraph.__file__).resolve().parent
_OWN_DIR = _PACKAGE_DIR / "static" / "editor"
_YASGUI_FILES: Final = frozenset({"yasgui.min.js", "yasgui.min.css", "yasgui.min.js.map"})
_OWN_FILES: Final = frozenset({"editor.js", "editor.css"})

#: Only this site's own files run; YASGUI sets inline styles; it may query any endpoint.
CONTENT_SECURITY_POLICY: Final = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src *; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'"
)

_EXPLORE = """SELECT ?class (COUNT(DISTINCT ?resource) AS ?resources)
WHERE { ?resource a ?class }
GROUP BY ?class
ORDER BY DESC(?resources)
"""


@dataclass(frozen=True)
class Yasgui:
    """An installed YASGUI build.

    Attributes:
        version: the package version (part of the asset URLs).
        build: the folder of its built files.
    """

    version: str
    build: Path


def named_queries(app: Flask | None = None) -> tuple[NamedQuery, ...]:
    """The named queries the app read at start-up."""
    return state(app).queries


def installed_yasgui(app: Flask | None = None) -> Yasgui | None:
    """The YASGUI build in ``node_modules/``, or None when it is not installed."""
    package = assets.installed(YASGUI_PACKAGE, "build", _YASGUI_FILES, app or current_app)
    return None if package is None else Yasgui(package.version, package.files)


def render_editor(query: str | None = None) -> Response:
    """The editor page for ``GET /sparql`` from a browser: without a query, or with
    the one a link gave (``/sparql?query=…``), which the page runs at once.

    Returns:
        The page; without YASGUI installed, a page that says to run ``make install``.
    """
    settings = state().settings
    base = settings.base_iri
    endpoint = request.script_root + request.path
    examples = [
        {
            "name": q.name,
            "title": q.title,
            "description": q.description,
            "query": rebase(q.query, base),
        }
        for q in named_queries()
    ]
    yasgui = installed_yasgui()
    if yasgui is None:
        page = render_template(
            "editor/missing.html",
            endpoint=request.base_url,
            examples=examples,
            editor_css=_own_url("editor.css"),
        )
        return _page(page)
    namespaces = Namespaces(base)
    config = {
        "endpoint": endpoint,
        "prefixes": namespaces.prefixes(),
        "examples": examples,
        "defaultQuery": namespaces.sparql_prologue() + "\n" + _EXPLORE,
        "persistenceId": "partnergraph-editor",
        "query": query,
        # results link this dataset's IRIs ({base}…) to this site's pages ({root}/…)
        "base": base,
        "root": request.script_root,
    }
    page = render_template(
        "editor/editor.html",
        config=config,
        endpoint=request.base_url,
        yasgui_js=url_for("editor.yasgui", version=yasgui.version, filename="yasgui.min.js"),
        yasgui_css=url_for("editor.yasgui", version=yasgui.version, filename="yasgui.min.css"),
        editor_js=_own_url("editor.js"),
        editor_css=_own_url("editor.css"),
    )
    return _page(page)


@bp.route("/yasgui/<version>/<filename>")
def yasgui(version: str, filename: str) -> Response:
    """A file of the installed YASGUI build; its URL changes with the version."""
    installed = installed_yasgui()
    if installed is None or version != installed.version or filename not in _YASGUI_FILES:
        abort(404)
    return assets.send_asset(installed.build / filename, immutable=True)


@bp.route("/editor/<filename>")
def asset(filename: str) -> Response:
    """The editor page's own script or style."""
    return assets.send_own(_OWN_DIR, _OWN_FILES, filename)


def _page(html: str) -> Response:
    response = Response(html, content_type="text/html; charset=utf-8")
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    return response


def _own_url(filename: str) -> str:
    return url_for("editor.asset", filename=filename, v=assets.fingerprint(_OWN_DIR / filename))
