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
import multiprocessing
import weakref
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from flask import Flask

import partnergraph
from partnergraph import web
from partnergraph.build import kept_snapshot, serve, snapshot
from partnergraph.errors import (
    ConfigurationError,
    DataFileError,
    PartnergraphError,
    ValidationFailed,
)
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
    # a broken header stops start-up first; what rdflib parsed is remembered
    queries = load_queries(settings.queries_dir, settings.output_dir / "queries.json")
    _finish_interrupted_write(settings)
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


def _finish_interrupted_write(settings: Settings) -> None:
    """A write committed to the log but cut off by a crash is finished before anything
    looks at graph/ (else its digest would ask for a rebuild of a half-written state)."""
    from partnergraph.writes.commit import PENDING, recover, write_lock

    if not (settings.changes_dir / PENDING).exists():
        return
    with write_lock(settings):
        recover(settings)


def _snapshot(settings: Settings) -> Snapshot:
    """The snapshot to serve, made current: the kept one of unchanged inputs, else a
    new one built in a child process, so that this process (and every server
    process forked from it) never holds what a build allocates (at 100 000 triples
    a build in the server process left it 170 MB larger for good)."""
    found = kept_snapshot(settings)
    if found is None:
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=1, mp_context=context) as child:
            outcome = child.submit(build_in_child, settings).result()
        if not isinstance(outcome, Snapshot):
            raise _failure(settings, outcome)
        log.info("built and validated snapshot %s", outcome.version[:12])
        snapshot = outcome
    else:
        log.info("inputs unchanged: serving snapshot %s as it is", found.version[:12])
        snapshot = found
    serve(settings, snapshot)
    return snapshot


def build_in_child(settings: Settings) -> Snapshot | tuple[str, Any]:
    """Run in a child process: build the snapshot; what went wrong, as plain values.

    Returns:
        The snapshot, or ``("invalid", (summary, report text))``, ``("data",
        (path, detail, line, column))`` or ``("configuration", message)``.
    """
    try:
        made, _ = snapshot(settings, rebuild=True)  # the parent found none kept
    except ValidationFailed as exc:
        text = ""
        if isinstance(exc.report, Report):
            text = render(exc.report, "text", Namespaces(settings.base_iri))
        return "invalid", (str(exc), text)
    except DataFileError as exc:
        return "data", (str(exc.path), exc.detail, exc.line, exc.column)
    except ConfigurationError as exc:
        return "configuration", str(exc)
    return made


def _failure(settings: Settings, outcome: tuple[str, Any]) -> PartnergraphError:
    kind, detail = outcome
    if kind == "invalid":
        summary, report = detail
        log.error("partnergraph will not serve a graph that does not conform:\n%s", report)
        return ValidationFailed(None, summary)
    if kind == "data":
        path, text, line, column = detail
        return DataFileError(Path(path), text, line, column)
    return ConfigurationError(str(detail))
