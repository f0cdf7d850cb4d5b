"""The change log on the web: ``/changes``, ``/changes/{number}``, and undo.

``/changes`` lists every accepted write, newest first (HTML, or JSON by
``Accept``); ``/changes/{number}`` shows one (HTML, JSON, or its RDF Patch as
``application/rdf-patch`` — also by ``?format=patch``). ``POST
/changes/{number}/undo`` with a token writes the inverse change through the same
gate as any write (409 when later changes make it no longer apply).
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, render_template, request

from partnergraph.errors import NotFound
from partnergraph.web.negotiation import HTML, JSON, accepted
from partnergraph.web.state import state
from partnergraph.web.writes import perform, written_response
from partnergraph.writes import log
from partnergraph.writes.change import PATCH_MEDIA_TYPE, parse_patch
from partnergraph.writes.operations import ApplyChange

bp = Blueprint("changes", __name__)


@bp.get("/changes")
def changes() -> Response:
    """Every change, newest first."""
    entries = list(log.entries(state().settings.changes_dir))
    entries.reverse()
    if _wants() == JSON:
        body = [_summary(e) for e in entries]
        return _json({"changes": body})
    counts = {e.id: _counts(e.patch) for e in entries}
    return _html(render_template("changes/index.html", entries=entries, counts=counts))


@bp.get("/changes/<int:number>")
def change(number: int) -> Response:
    """One change: HTML, JSON, or its RDF Patch."""
    entry = _entry(number)
    if request.args.get("format") == "patch" or _wants() == PATCH_MEDIA_TYPE:
        response = Response(entry.patch, content_type=f"{PATCH_MEDIA_TYPE}; charset=utf-8")
        response.vary.add("Accept")
        return response
    if _wants() == JSON:
        return _json({**_summary(entry), "patch": entry.patch, "request": entry.request})
    return _html(render_template("changes/change.html", e=entry))


@bp.post("/changes/<int:number>/undo")
def undo(number: int) -> Response:
    """Write the inverse of a change, through the gate."""
    changes_dir = state().settings.changes_dir

    def operation() -> ApplyChange:
        entry = _entry(number)
        what = {"undoes": entry.id, "change": entry.number}
        return ApplyChange(parse_patch(entry.patch).inverse(), what)

    found = log.find(changes_dir, str(number))
    written = perform(operation, undoes=found.id if found else None)
    return written_response(written)


def _entry(number: int) -> log.Entry:
    found = log.find(state().settings.changes_dir, str(number))
    if found is None:
        raise NotFound(f"there is no change {number}")
    return found


def _summary(entry: log.Entry) -> dict[str, Any]:
    added, removed = _counts(entry.patch)
    return {
        "number": entry.number,
        "id": entry.id,
        "prev": entry.prev,
        "who": entry.who,
        "when": entry.when.isoformat(),
        "operation": entry.request.get("operation"),
        "before": entry.before,
        "after": entry.after,
        "added": added,
        "removed": removed,
        "undoes": entry.undoes,
        "patch": f"{request.url_root}changes/{entry.number}?format=patch",
    }


def _counts(patch: str) -> tuple[int, int]:
    lines = patch.splitlines()
    return sum(1 for x in lines if x.startswith("A ")), sum(1 for x in lines if x.startswith("D "))


def _wants() -> str:
    return accepted().best_match([HTML, JSON, PATCH_MEDIA_TYPE], default=HTML) or HTML


def _json(body: object) -> Response:
    response = Response(json.dumps(body, indent=1, ensure_ascii=False) + "\n", content_type=JSON)
    response.vary.add("Accept")
    response.headers["Cache-Control"] = "no-cache"
    return response


def _html(text: str) -> Response:
    response = Response(text, content_type="text/html; charset=utf-8")
    response.vary.add("Accept")
    response.headers["Cache-Control"] = "no-cache"
    return response
