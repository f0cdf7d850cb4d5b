"""Static files under ``/-/static/``: the pages' own style and scripts, and the npm
packages the pages use (:data:`PACKAGES`).

The packages come from the npm registry like the query editor's YASGUI: ``npm ci``
(run by ``make install``) installs them into ``node_modules/``; nothing of them is in
git, nothing comes from a CDN. Leaflet draws the maps; without map tiles, the countries
of Natural Earth (``world-atlas``, TopoJSON, public domain) are drawn under the
markers, read by ``topojson-client``.

| route | answers |
| --- | --- |
| ``/-/static/{package}/{version}/{file}`` | a file of a package in :data:`PACKAGES` |
| ``/-/static/pages/{file}?v={hash}`` | the pages' own style sheet and scripts |

Both are cached for a year (``immutable``) as their URLs change with what they
hold; a page file asked with an outdated hash is ``no-cache``. Text files are
compressed (gzip, Brotli or Zstandard, by the client's ``Accept-Encoding``; the
Flask-Compress package) when a whole file is asked for. The helpers here also serve
the editor's files (:mod:`partnergraph.web.editor`).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Final

from flask import Blueprint, Flask, Response, abort, current_app, request, send_file, url_for
from flask_compress import Compress

import partnergraph

bp = Blueprint("assets", __name__, url_prefix="/-/static")

#: The app config key that overrides where ``node_modules/`` is.
NODE_MODULES: Final = "PARTNERGRAPH_NODE_MODULES"

_PACKAGE_DIR = Path(partnergraph.__file__).resolve().parent
_OWN_DIR = _PACKAGE_DIR / "static" / "pages"
_OWN_FILES: Final = frozenset({"pages.css", "map.js", "search.js"})
_MEDIA_TYPES: Final = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".map": "application/json; charset=utf-8",
    ".json": "application/json; charset=utf-8",
}
_YEAR: Final = 365 * 24 * 60 * 60
#: Compresses the static files (registered on the app by :func:`init_app`, applied by
#: :func:`send_asset` only: pages and query results are sent as they are).
_compress = Compress()


@dataclass(frozen=True)
class Library:
    """An npm package whose files the pages load.

    Attributes:
        package: its name on the npm registry.
        build: the folder of its built files inside the package.
        files: the files served.
    """

    package: str
    build: str
    files: frozenset[str]


#: The packages served under ``/-/static/{name}/{version}/{file}``, by name.
PACKAGES: Final = {
    "leaflet": Library(
        "leaflet", "dist", frozenset({"leaflet.js", "leaflet.css", "leaflet.js.map"})
    ),
    "topojson-client": Library("topojson-client", "dist", frozenset({"topojson-client.min.js"})),
    "world-atlas": Library("world-atlas", ".", frozenset({"countries-110m.json"})),
}


@dataclass(frozen=True)
class Package:
    """An npm package installed in ``node_modules/``.

    Attributes:
        version: its version (part of the asset URLs).
        files: the folder of its built files.
    """

    version: str
    files: Path


def node_modules(app: Flask | None = None) -> Path:
    """The ``node_modules/`` folder: the app's setting, else beside the package."""
    app = app or current_app
    return Path(app.config.get(NODE_MODULES) or _PACKAGE_DIR.parent / "node_modules")


def installed(
    name: str, build: str, files: frozenset[str], app: Flask | None = None
) -> Package | None:
    """The package ``name`` when it is installed with every one of ``files`` in its
    folder ``build``, else None.

    Asked on every page and asset request: what was found is remembered until the
    package's ``package.json`` changes (``npm ci`` rewrites it), so a request costs
    one ``stat``.
    """
    package = node_modules(app) / name
    try:
        changed = (package / "package.json").stat().st_mtime_ns
    except OSError:
        return None
    return _installed(package, build, files, changed)


@lru_cache(maxsize=32)
def _installed(package: Path, build: str, files: frozenset[str], _changed: int) -> Package | None:
    try:
        version = json.loads((package / "package.json").read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    folder = package / build
    if not isinstance(version, str) or not all((folder / f).is_file() for f in files):
        return None
    return Package(version, folder)


def init_app(app: Flask) -> None:
    """Set up the compression of static files on ``app`` (not of every response)."""
    app.config.setdefault("COMPRESS_REGISTER", False)
    app.config.setdefault("COMPRESS_STREAMS", False)
    _compress.init_app(app)


def library(name: str, app: Flask | None = None) -> Package | None:
    """The installed build of the package ``name`` of :data:`PACKAGES`, or None."""
    entry = PACKAGES[name]
    return installed(entry.package, entry.build, entry.files, app)


def send_asset(path: Path, immutable: bool) -> Response:
    """A static file: a year in caches when ``immutable``, else revalidated each time;
    compressed when the whole file is sent and the client accepts an encoding."""
    response = send_file(path, mimetype=_MEDIA_TYPES[path.suffix], conditional=True, etag=True)
    response.headers["X-Content-Type-Options"] = "nosniff"
    if immutable:
        response.cache_control.public = True
        response.cache_control.max_age = _YEAR
        response.cache_control.immutable = True
    else:
        response.cache_control.max_age = None
        response.cache_control.no_cache = True
    if response.status_code == 200:  # never a range: its bytes are of the file as it is
        opened = response.response
        response.make_sequence()  # the file read whole (small, cached by the system)
        getattr(opened, "close", lambda: None)()
        response = _compress.after_request(response)
    return response


def fingerprint(path: Path) -> str:
    """A short hash of a file's content, for its URL (read again only when it changes)."""
    return _fingerprint(path, path.stat().st_mtime_ns)


@lru_cache(maxsize=32)
def _fingerprint(path: Path, _changed: int) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def own_url(filename: str) -> str:
    """The URL of one of the pages' own files, with its fingerprint."""
    return url_for("assets.page_file", filename=filename, v=fingerprint(_OWN_DIR / filename))


def library_url(name: str, filename: str) -> str | None:
    """The URL of a file of the package ``name``, or None when it is not installed."""
    package = library(name)
    if package is None:
        return None
    return url_for("assets.library_file", name=name, version=package.version, filename=filename)


@bp.route("/<name>/<version>/<filename>")
def library_file(name: str, version: str, filename: str) -> Response:
    """A file of an installed package of :data:`PACKAGES`; its URL changes with the
    version."""
    package = library(name) if name in PACKAGES else None
    if package is None or version != package.version or filename not in PACKAGES[name].files:
        abort(404)
    return send_asset(package.files / filename, immutable=True)


@bp.route("/pages/<filename>")
def page_file(filename: str) -> Response:
    """The pages' own style sheet or map script."""
    return send_own(_OWN_DIR, _OWN_FILES, filename)


def send_own(folder: Path, names: frozenset[str], filename: str) -> Response:
    """One of the package's own static files, ``filename`` among ``names`` in ``folder``:
    immutable when asked with its current fingerprint (``?v=``), else revalidated."""
    if filename not in names:
        abort(404)
    path = folder / filename
    return send_asset(path, immutable=request.args.get("v") == fingerprint(path))
