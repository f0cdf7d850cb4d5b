"""What a request sees: the settings, the snapshot, its query service, the named
queries and the shapes, as one object chosen when the request starts.

An app holds a :class:`Served` (``app.extensions["partnergraph"]``, never a module
global, so two apps in one process never share a graph). It follows the
snapshots folder's ``current`` pointer: when another snapshot becomes current
(``partnergraph build`` or ``partnergraph switch``), the next request to start
gets a new :class:`State`; a switch is one assignment. A request keeps the
state it started with to its end (``flask.g``), so every query it runs, and
every header it writes, are of one version.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any, TypeVar, cast

from flask import Flask, current_app, g, has_request_context
from rdflib import Graph

from partnergraph import snapshots
from partnergraph.dumps import dumps_folder
from partnergraph.dumps.manifest import Release
from partnergraph.dumps.release import read_release
from partnergraph.queries import NamedQuery
from partnergraph.service import QueryService, snapshot_spec
from partnergraph.settings import Settings
from partnergraph.snapshots import Snapshot
from partnergraph.statistics import DatasetStats

log = logging.getLogger(__name__)

EXTENSION = "partnergraph"
#: Where a request keeps the state it started with.
_CHOSEN = "partnergraph_state"

T = TypeVar("T")


@dataclass(frozen=True)
class State:
    """What a request sees: one snapshot and what serves it.

    Attributes:
        settings: the settings the app was created with.
        service: runs queries against the snapshot, with the limits enforced.
        snapshot: the snapshot served.
        first_release: the release of dumps the snapshot had when it was picked up
            (a write's new version gets its release a little later: see :attr:`release`).
        queries: the named queries of ``queries_dir``, read once at start-up.
        memo: answers computed once per state (see :func:`once`).
    """

    settings: Settings
    service: QueryService
    snapshot: Snapshot
    first_release: Release | None = None
    queries: tuple[NamedQuery, ...] = ()
    memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def version(self) -> str:
        """The dataset version (SHA-256 of the sorted canonical N-Quads): ETags."""
        return self.snapshot.version

    @property
    def built(self) -> datetime:
        """When the served graph was built (UTC; ``Last-Modified``)."""
        return self.snapshot.built

    @property
    def release(self) -> Release | None:
        """The release of dumps of the snapshot, once it is whole (a write's release
        is written after the write is answered; one file's stat until then)."""
        if self.first_release is not None:
            return self.first_release
        if "release" not in self.memo:
            made = snapshots.later_release(self.snapshot.folder)
            found = read_release(dumps_folder(self.settings), made) if made else None
            if found is None:
                return None
            self.memo["release"] = found
        release: Release = self.memo["release"]
        return release

    @property
    def stats(self) -> DatasetStats:
        """The counts of the served dataset, for the service description."""
        return self.snapshot.stats

    @cached_property
    def shapes(self) -> Graph:
        """The shapes graph the snapshot was validated against (``/shapes``)."""
        return Graph().parse(self.snapshot.shapes_file, format="turtle")


class Served:
    """What an app serves: the current :class:`State`, following ``current``.

    Args:
        settings: the settings.
        service: the query service of ``snapshot`` (its workers and cache are
            shared by the services of later snapshots).
        queries: the named queries.
        snapshot: the snapshot to serve first.

    Attributes:
        settings: the settings.
        service: the service the app was made with; :meth:`QueryService.close`
            on it stops the workers of every state.
    """

    def __init__(
        self,
        settings: Settings,
        service: QueryService,
        queries: tuple[NamedQuery, ...],
        snapshot: Snapshot,
    ) -> None:
        self.settings = settings
        self.service = service
        self.queries = queries
        self._pointer = snapshots.folder(settings) / snapshots.CURRENT
        self._seen = self._stamp()
        self._switching = threading.Lock()
        self.current = self._state(snapshot, service)

    def _state(self, snapshot: Snapshot, service: QueryService) -> State:
        release = None
        if snapshot.release is not None:
            release = read_release(dumps_folder(self.settings), snapshot.release)
        return State(self.settings, service, snapshot, release, self.queries)

    def _stamp(self) -> tuple[int, int, int] | None:
        try:
            found = os.stat(self._pointer)
        except OSError:
            return None
        return found.st_ino, found.st_mtime_ns, found.st_size

    def follow(self) -> State:
        """The current state, after moving to the snapshot ``current`` names if it
        changed (one ``stat`` per call when it did not)."""
        stamp = self._stamp()
        if stamp == self._seen:
            return self.current
        # A request that arrives while another moves waits for it (a few ms, or the
        # start of an engine): nothing that begins after a write answers from before it.
        with self._switching:
            if stamp != self._seen:
                named = snapshots.current(self.settings)
                if named is None:
                    log.error("%s names no complete snapshot; serving the last one", self._pointer)
                elif named.version != self.current.version:
                    self.switch(named)
                self._seen = stamp  # only now: a request seeing it gets the new state
        return self.current

    def switch(self, snapshot: Snapshot) -> State:
        """Serve ``snapshot`` from the next request on (requests already running
        finish on the state they started with)."""
        # from the current state's service: an engine per snapshot retires the last one
        service = self.current.service.at(snapshot_spec(self.settings, snapshot), snapshot.version)
        self.current = self._state(snapshot, service)
        log.info("now serving snapshot %s", snapshot.version)
        return self.current


def served(app: Flask | None = None) -> Served:
    """The :class:`Served` of ``app`` (the current app when omitted).

    Raises:
        RuntimeError: the app was not made by ``create_app``.
    """
    found = (app or current_app).extensions.get(EXTENSION)
    if not isinstance(found, Served):
        raise RuntimeError("this app has no partnergraph state; make it with create_app()")
    return found


def state(app: Flask | None = None) -> State:
    """The state of the current request (chosen when it first asks, then kept), or
    the current state of ``app`` outside a request.

    Raises:
        RuntimeError: the app was not made by ``create_app``.
    """
    if app is None and has_request_context():
        chosen = g.get(_CHOSEN)
        if chosen is None:
            chosen = served().follow()
            setattr(g, _CHOSEN, chosen)
        return cast(State, chosen)
    return served(app).current


def once(key: str, make: Callable[[], T]) -> T:
    """What ``make`` returns, computed once per state: for answers that depend only
    on the served snapshot, which never changes (a new snapshot is a new state).

    Two requests that meet a fresh state may both compute it; either result is kept.
    """
    memo = state().memo
    if key not in memo:
        memo[key] = make()
    return cast(T, memo[key])
