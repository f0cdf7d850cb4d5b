"""What an app holds: its settings, its query service and the counts of its dataset.

The state lives on the app (``app.extensions["partnergraph"]``), never in a module
global, so two apps in one process never share a graph.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar, cast

from flask import Flask, current_app
from rdflib import Graph

from partnergraph.dumps.manifest import Release
from partnergraph.limits.workers import QueryService
from partnergraph.queries import NamedQuery
from partnergraph.settings import Settings
from partnergraph.validation import Report
from partnergraph.web.service_description import DatasetStats

EXTENSION = "partnergraph"
#: Where :func:`once` keeps what it computed.
ONCE = "partnergraph.once"

T = TypeVar("T")


@dataclass(frozen=True)
class State:
    """The state of one app.

    Attributes:
        settings: the settings the app was created with.
        service: runs queries against the built graph, with the limits enforced.
        stats: the counts of the served dataset, for the service description.
        report: the validation report of the build (conforms; may hold warnings).
        version: the dataset version, the SHA-256 of the built graph's sorted
            N-Quads: it changes when, and only when, the data changes (ETags).
        built: when the served graph was built (UTC; ``Last-Modified``).
        release: the release of dumps the build wrote (setting ``dumps``), or None.
        queries: the named queries of ``queries_dir``, read once at start-up.
        shapes: the shapes graph in force (the build validated against it).
    """

    settings: Settings
    service: QueryService
    stats: DatasetStats
    report: Report
    version: str
    built: datetime
    release: Release | None = None
    queries: tuple[NamedQuery, ...] = ()
    shapes: Graph = field(default_factory=Graph)


def state(app: Flask | None = None) -> State:
    """The state of ``app`` (the current app when omitted).

    Raises:
        RuntimeError: the app was not made by ``server.create_app``.
    """
    found = (app or current_app).extensions.get(EXTENSION)
    if not isinstance(found, State):
        raise RuntimeError("this app has no partnergraph state; make it with create_app()")
    return found


def once(key: str, make: Callable[[], T]) -> T:
    """What ``make`` returns, computed once per app: for answers that depend only on
    the served data, which never changes while the app runs (no writes reach it).

    Two requests that meet a fresh app may both compute it; either result is kept.
    """
    cache: dict[str, Any] = current_app.extensions.setdefault(ONCE, {})
    if key not in cache:
        cache[key] = make()
    return cast(T, cache[key])
