"""The WSGI entry of partnergraph: ``create_app(config)``.

``gunicorn -w 2 --preload 'server:create_app()'`` serves it; so does
``gunicorn server:app``, for which ``app`` is made on first use (importing this
module builds nothing).
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
from partnergraph.build import BuildResult, build
from partnergraph.errors import ValidationFailed
from partnergraph.limits.workers import open_query_service
from partnergraph.namespaces import Namespaces
from partnergraph.queries import load_queries
from partnergraph.settings import Settings, load
from partnergraph.validation import Report
from partnergraph.validation.report import render
from partnergraph.web.service_description import DatasetStats
from partnergraph.web.state import EXTENSION, State

log = logging.getLogger("partnergraph")


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build and validate the graph, open the query service, and assemble the app.

    Settings come from the defaults, then ``PARTNERGRAPH_*`` environment variables,
    then ``config``.

    Args:
        config: setting values by name (see ``docs/settings.md``).

    Returns:
        The Flask app, its state in ``app.extensions["partnergraph"]``.

    Raises:
        ValidationFailed: the graph does not conform to the shapes; the report is
            logged and nothing is served.
        DataFileError: a data or shapes file cannot be read.
        ConfigurationError: a setting is unknown or has a wrong value.
        QueryFileError: a named query in ``queries_dir`` is broken (file and line).
    """
    settings = load(config)
    queries = load_queries(settings.queries_dir)  # a broken header stops start-up first
    result = _build(settings)
    if result.output is None:
        raise RuntimeError("the build wrote no graph file")
    stats = DatasetStats.of(result.store)
    service = open_query_service(settings, result.output)
    package = Path(partnergraph.__file__).parent
    app = Flask(
        "partnergraph",
        root_path=str(package),
        template_folder="templates",
        static_folder=None,  # static files are served by blueprints under /-/static
    )
    app.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes
    app.extensions[EXTENSION] = State(
        settings,
        service,
        stats,
        result.report,
        result.version,
        result.built,
        result.release,
        queries,
        result.shapes,
    )
    weakref.finalize(app, service.close)
    web.init_app(app)
    return app


def _build(settings: Settings) -> BuildResult:
    try:
        return build(settings)
    except ValidationFailed as exc:
        if isinstance(exc.report, Report):
            log.error(
                "partnergraph will not serve a graph that does not conform:\n%s",
                render(exc.report, "text", Namespaces(settings.base_iri)),
            )
        raise


def __getattr__(name: str) -> Flask:
    """Make ``app`` on first use, for ``gunicorn server:app``."""
    if name != "app":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    app = create_app()
    globals()["app"] = app
    return app
