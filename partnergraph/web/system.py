"""System pages under the reserved prefix ``/-/``: health and the limits in force.

``/-/limits`` is where a result cut by the row cap links to (``#row-cap``).
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, render_template

from partnergraph.settings import documented
from partnergraph.web.negotiation import prefers_html
from partnergraph.web.state import state

bp = Blueprint("system", __name__, url_prefix="/-")

LIMITS = (
    "query_timeout",
    "row_cap",
    "max_request_bytes",
    "query_memory_mb",
    "query_workers",
    "slow_query_seconds",
    "max_long_queries",
    "max_long_queries_per_client",
    "max_nesting_depth",
    "max_list_terms",
    "allow_federation",
)


#: The most seconds a health check waits for a move to a new version: well within
#: HAProxy's ``timeout check`` (3 s, ``deploy/haproxy.cfg.template``).
HEALTH_WAIT_SECONDS = 1.0


@bp.get("/health")
def health() -> Response:
    """What is true now: 200 while query workers are ready, else 503, and what they hold.

    Every call looks at the worker processes again (a worker killed a moment ago
    is not counted) and starts any that are missing. A move to a new version is
    waited for at most :data:`HEALTH_WAIT_SECONDS` (an embedded store's takes
    milliseconds, an engine's start seconds): then the check answers with the
    version served now.
    """
    current = state(wait=HEALTH_WAIT_SECONDS)
    now = current.service.health()
    response = jsonify(
        status=now.status,
        backend=current.service.backend,
        triples=current.stats.triples,
        workers=now.workers,
        snapshot={
            "version": current.version,
            "built": current.built.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "loaded": now.loaded,
            "quads": current.snapshot.quads,
        },
        **({"problem": now.problem} if now.problem else {}),
    )
    response.status_code = 200 if now.ready else 503
    response.headers["Cache-Control"] = "no-store"
    if not now.ready:
        response.headers["Retry-After"] = "1"
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
    if prefers_html():
        response = Response(render_template("web/limits.html", rows=rows))
    else:
        response = jsonify(limits={row["name"]: row["value"] for row in rows})
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["Vary"] = "Accept"
    return response
