"""The app factory: ``create_app(config)`` makes the Flask app that serves a snapshot.

Settings come from the defaults, then ``PARTNERGRAPH_*`` environment variables,
then ``config``. The snapshot of ``graph/`` as it is now is found (unchanged
inputs: nothing is built, validated or written) or built, and becomes the one
served; the app then follows the snapshots folder's ``current`` pointer (see
:mod:`partnergraph.web.state`). The app holds no store: its query workers open
the snapshot's store read-only.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

import partnergraph
from partnergraph import web
from partnergraph.build import BuildResult, publish
from partnergraph.errors import ValidationFailed
from partnergraph.namespaces import Namespaces
from partnergraph.queries import load_queries
from partnergraph.service import open_query_service
from partnergraph.settings import Settings, load
from partnergraph.snapshots import Snapshot
from partnergraph.validation import Report
from partnergraph.validation.report import render
from partnergraph.web.state import EXTENSION, Served

log = logging.getLogger("partnergraph")


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Find or build the snapshot, open the query service, and assemble the app.

    Args:
        config: setting values by name (see ``docs/settings.md``).

    Returns:
        The Flask app; what it serves in ``app.extensions["partnergraph"]``
        (:class:`~partnergraph.web.state.Served`).

    Raises:
        ValidationFailed: the graph does not conform to the shapes; the report is
            logged and nothing is served.
        DataFileError: a data or shapes file cannot be read.
        ConfigurationError: a setting is unknown or has a wrong value.
        QueryFileError: a named query in ``queries_dir`` is broken (file and line).
    """
    settings = load(config)
    queries = load_queries(settings.queries_dir)  # a broken header stops start-up first
    snapshot = _snapshot(settings)
    service = open_query_service(settings, snapshot)
    package = Path(partnergraph.__file__).parent
    app = Flask(
        "partnergraph",
        root_path=str(package),
        template_folder="templates",
        static_folder=None,  # static files are served by blueprints under /-/static
    )
    app.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes
    app.extensions[EXTENSION] = Served(settings, service, queries, snapshot)
    weakref.finalize(app, service.close)
    web.init_app(app)
    return app


def _snapshot(settings: Settings) -> Snapshot:
    try:
        snapshot, result = publish(settings)
    except ValidationFailed as exc:
        if isinstance(exc.report, Report):
            log.error(
                "partnergraph will not serve a graph that does not conform:\n%s",
                render(exc.report, "text", Namespaces(settings.base_iri)),
            )
        raise
    _log(snapshot, result)
    return snapshot


def _log(snapshot: Snapshot, result: BuildResult | None) -> None:
    if result is None:
        log.info("inputs unchanged: serving snapshot %s as it is", snapshot.version[:12])
    else:
        log.info("built and validated snapshot %s", snapshot.version[:12])
