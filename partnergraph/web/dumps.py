"""The releases of dumps under ``/dumps/``: lists, manifests and the files themselves.

| route | answers |
| --- | --- |
| ``/dumps/`` | every release, newest first (HTML, or JSON by ``Accept``) |
| ``/dumps/latest/…`` | a 302 to the same path in the release ``latest`` names |
| ``/dumps/{id}/`` | one release: its files, checksums, changes (HTML, or its manifest) |
| ``/dumps/{id}/{file}`` | a file: ``ETag`` (its SHA-256), ``Last-Modified``, ranges |

Warning: the path comes from the client. Only a release id (twelve hex digits)
and a file name that release's manifest lists (or ``manifest.json``,
``SHA256SUMS``) are ever joined to the dumps folder, and Werkzeug's ``safe_join``
checks the result again: ``..``, encoded slashes and absolute paths find nothing.

A ``.gz`` file is sent as ``application/gzip`` with no ``Content-Encoding``, so the
bytes a client saves are the bytes ``SHA256SUMS`` names; nothing is compressed
on the fly.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Response,
    jsonify,
    render_template,
    send_file,
    url_for,
)
from werkzeug.security import safe_join

from partnergraph import formats
from partnergraph.dumps import Release, dumps_folder, latest_release, read_release, releases
from partnergraph.dumps.manifest import MANIFEST, SHA256SUMS
from partnergraph.errors import NotFound
from partnergraph.web.negotiation import prefers_html
from partnergraph.web.state import state

bp = Blueprint("dumps", __name__, url_prefix="/dumps")

#: A release's files never change: a year, and ``immutable``.
IMMUTABLE = 365 * 24 * 3600
LISTING_MAX_AGE = 60
_FIXED = {MANIFEST: "manifest", SHA256SUMS: "txt"}


@bp.get("/")
def index() -> Response:
    """Every release, newest first, with ``latest`` marked."""
    folder = _folder()
    found = releases(folder)
    latest = latest_release(folder)
    latest_id = latest.id if latest else None
    if _wants_html():
        body = render_template("dumps/index.html", releases=found, latest=latest_id)
        response = Response(body, content_type="text/html; charset=utf-8")
    else:
        response = jsonify(latest=latest_id, releases=[_summary(r) for r in found])
    return _listing(response)


@bp.get("/latest/", defaults={"name": ""})
@bp.get("/latest/<name>")
def latest(name: str) -> Response:
    """A temporary redirect to ``name`` in the latest release."""
    release = latest_release(_folder())
    if release is None:
        raise NotFound("there is no release yet")
    target = url_for(".release_file", release_id=release.id, name=name) if name else None
    response = Response(status=302)
    response.headers["Location"] = target or url_for(".release_page", release_id=release.id)
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/<release_id>/")
def release_page(release_id: str) -> Response:
    """One release: its files and what changed (HTML), or its manifest (JSON)."""
    release = _release(release_id)
    if _wants_html():
        body = render_template("dumps/release.html", release=release)
        return _listing(Response(body, content_type="text/html; charset=utf-8"))
    response = release_file(release_id, MANIFEST)
    response.headers["Vary"] = "Accept"  # the same URL answers HTML too
    return response


@bp.get("/<release_id>/<name>")
def release_file(release_id: str, name: str) -> Response:
    """A file of a release, as its bytes (conditional and range requests answered)."""
    release = _release(release_id)
    entry = release.file(name)
    key = _FIXED.get(name) or (entry and ("gz" if entry.compression else entry.format))
    fmt = formats.by_key(key) if key else None
    path = safe_join(str(_folder()), release.id, name)
    if fmt is None or path is None or not Path(path).is_file():
        raise NotFound(f"release {release.id} has no file {name!r}")
    response = send_file(
        path,
        mimetype=fmt.media_type,
        conditional=True,
        etag=entry.sha256 if entry else True,
        last_modified=release.built,
        max_age=IMMUTABLE,
    )
    response.headers["Content-Type"] = fmt.content_type  # Werkzeug adds a charset to text/*
    response.cache_control.immutable = True
    return response


def _release(release_id: str) -> Release:
    release = read_release(_folder(), release_id)
    if release is None:
        raise NotFound(f"there is no release {release_id!r}")
    return release


def _folder() -> Path:
    return dumps_folder(state().settings)


def _wants_html() -> bool:
    return prefers_html()


def _listing(response: Response) -> Response:
    response.headers["Cache-Control"] = f"public, max-age={LISTING_MAX_AGE}"
    response.headers["Vary"] = "Accept"
    return response


def _summary(release: Release) -> dict[str, Any]:
    base = url_for(".release_page", release_id=release.id, _external=False)
    return {
        "id": release.id,
        "version": release.version,
        "built": release.built.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "previous": release.previous,
        "triples": release.triples,
        "quads": release.quads,
        "url": base,
        "manifest": base + MANIFEST,
        "checksums": base + SHA256SUMS,
        "files": [
            {
                "name": f.name,
                "url": base + f.name,
                "media_type": f.media_type,
                "compression": f.compression,
                "bytes": f.bytes,
                "sha256": f.sha256,
                "count": f.count,
                "unit": f.unit,
                "role": f.role,
            }
            for f in release.files
        ],
    }
