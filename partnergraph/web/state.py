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
import time
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
#: Seconds before a move to a new version that failed is tried again.
RETRY_SECONDS = 10.0

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


@dataclass
class _Move:
    """A move to the snapshot ``current`` names, made by a thread of its own.

    Attributes:
        stamp: the pointer's stamp that started it.
        done: set when it ended, moved or not.
        failed: it raised (the reason is logged).
        ended: when it ended (``time.monotonic``).
    """

    stamp: tuple[int, int, int] | None
    done: threading.Event = field(default_factory=threading.Event)
    failed: bool = False
    ended: float = 0.0


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
        self._moving_lock = threading.Lock()
        self._moving: _Move | None = None
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

    def follow(self, wait: float | None = None) -> State:
        """The current state, after moving to the snapshot ``current`` names if it
        changed (one ``stat`` per call when it did not).

        The move is made by a thread of its own (opening the new version's store may
        start an engine and load it); a request that arrives meanwhile waits for it
        up to ``version_wait`` seconds, so that what begins after a write answers
        from it, and past that is answered from the version before. A move that
        fails is logged and tried again :data:`RETRY_SECONDS` later, the version
        before served meanwhile.

        Args:
            wait: the most seconds to wait for a move under way (None:
                ``version_wait``); the health check waits less, as it must answer
                within HAProxy's ``timeout check``.
        """
        stamp = self._stamp()
        if stamp == self._seen:
            return self.current
        move = self._move(stamp)
        if move is not None:
            move.done.wait(self.settings.version_wait if wait is None else wait)
        return self.current

    def _move(self, stamp: tuple[int, int, int] | None) -> _Move | None:
        """The move under way, or one started now for ``stamp``; None while the last
        move for it failed less than :data:`RETRY_SECONDS` ago."""
        with self._moving_lock:
            moving = self._moving
            if moving is not None and not moving.done.is_set():
                return moving
            if (
                moving is not None
                and moving.stamp == stamp
                and moving.failed
                and time.monotonic() - moving.ended < RETRY_SECONDS
            ):
                return None
            self._moving = _Move(stamp)
            threading.Thread(
                target=self._make, args=(self._moving,), name="version-move", daemon=True
            ).start()
            return self._moving

    def _make(self, move: _Move) -> None:
        try:
            named = snapshots.current(self.settings)
            if named is None:
                log.error("%s names no complete snapshot; serving the last one", self._pointer)
            elif named.version != self.current.version:
                self.switch(named)
            self._seen = move.stamp  # only now: a request seeing it gets the new state
        except Exception:
            move.failed = True
            log.exception(
                "could not move to the new version; serving %s, trying again in %g s",
                self.current.version,
                RETRY_SECONDS,
            )
        finally:
            move.ended = time.monotonic()
            move.done.set()

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


def state(app: Flask | None = None, wait: float | None = None) -> State:
    """The state of the current request (chosen when it first asks, then kept), or
    the current state of ``app`` outside a request.

    Args:
        app: the app (the current one when omitted).
        wait: the most seconds the request waits for a move to a new version under
            way (:meth:`Served.follow`; None: ``version_wait``).

    Raises:
        RuntimeError: the app was not made by ``create_app``.
    """
    if app is None and has_request_context():
        chosen = g.get(_CHOSEN)
        if chosen is None:
            chosen = served().follow(wait)
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
