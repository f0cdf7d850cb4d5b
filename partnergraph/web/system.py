"""System pages under the reserved prefix ``/-/``: health and the limits in force.

``/-/limits`` is where a result cut by the row cap links to (``#row-cap``).
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, render_template, request

from partnergraph.settings import documented
from partnergraph.web.state import state

bp = Blueprint("system", __name__, url_prefix="/-")

LIMITS = (
    "query_timeout",
    "row_cap",
    "max_request_bytes",
    "query_memory_mb",
    "query_workers",
    "max_nesting_depth",
    "allow_federation",
)


@bp.get("/health")
def health() -> Response:
    """Whether the app can answer queries: 200 when its query workers are up, else 503."""
    current = state()
    ready = current.service.wait_ready(timeout=0)
    response = jsonify(
        status="ok" if ready else "starting",
        backend=current.service.backend,
        triples=current.stats.triples,
    )
    response.status_code = 200 if ready else 503
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/limits")
def limits() -> Response:
    """The limits of the public endpoint, with their values and what they do."""
    settings = state().settings
    rows = [
        {
            "name": name,
            "anchor": name.replace("_", "-"),
            "value": getattr(settings, name),
            "help": help_text,
        }
        for name, _default, help_text in documented()
        if name in LIMITS
    ]
    if request.accept_mimetypes.best_match(["application/json", "text/html"]) == "text/html":
        response = Response(render_template("web/limits.html", rows=rows))
    else:
        response = jsonify(limits={row["name"]: row["value"] for row in rows})
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["Vary"] = "Accept"
    return response
