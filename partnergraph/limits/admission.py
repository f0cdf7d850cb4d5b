"""Who may run a long query now: the caps on long queries, and who ran long ones lately.

A query is *long* once it has run ``slow_query_seconds``. At most
``max_long_queries`` run at once, and at most ``max_long_queries_per_client`` of
one client (its remote address). A query that becomes long past a cap is
stopped: :class:`~partnergraph.errors.TooManyQueries` (429) past the client's
cap, :class:`~partnergraph.errors.EndpointBusy` (503) past the endpoint's. A
client that holds its cap already gets the 429 for any further query before it
runs (:meth:`LongQueries.check`), so that refusing it costs no worker.

``Retry-After`` is the time until the first of the long queries in the way
reaches its time limit (they end then at the latest), at least one second.

:class:`History` remembers, for :data:`HISTORY_SECONDS`, the clients and the
queries (text, bindings and dataset) that ran long: their next queries go to
the low-priority lane at once, counted as long queries from the start.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from partnergraph.errors import EndpointBusy, TooManyQueries

#: Seconds a client or a query that ran long is remembered after it last did.
HISTORY_SECONDS = 60.0
#: The most clients and queries :class:`History` remembers (the oldest go first).
HISTORY_SIZE = 4096


@dataclass(eq=False)
class Ticket:
    """One long query, from :meth:`LongQueries.enter` to :meth:`LongQueries.leave`.

    Attributes:
        client: who sent it (a remote address), or None when unknown.
        deadline: when its time limit stops it (``time.monotonic``); set again
            when a query that waited for a worker starts.
    """

    client: str | None
    deadline: float


class LongQueries:
    """The long queries running, and the caps on them. Thread-safe.

    Args:
        limit: the most long queries at once (``max_long_queries``).
        per_client: the most of one client (``max_long_queries_per_client``);
            queries without a client count only against ``limit``.
        clock: the clock deadlines are read on.
    """

    def __init__(
        self, limit: int, per_client: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.per_client = per_client
        self.clock = clock
        self._lock = threading.Lock()
        self._running: list[Ticket] = []

    def __len__(self) -> int:
        with self._lock:
            return len(self._running)

    def check(self, client: str | None) -> None:
        """Refuse a query of a client that runs as many long queries as it may.

        Raises:
            TooManyQueries: ``client`` holds its cap.
        """
        with self._lock:
            mine = self._of(client)
            if client is not None and len(mine) >= self.per_client:
                raise self._too_many(mine)

    def enter(self, client: str | None, deadline: float, reserve: int = 0) -> Ticket:
        """Count a query that has just become long, if the caps allow it.

        Args:
            client: who sent it, or None.
            deadline: when its time limit stops it.
            reserve: places of ``client``'s cap to leave free (for its queries
                that run and may become long).

        Returns:
            The ticket to give back to :meth:`leave` when it ends.

        Raises:
            TooManyQueries: ``client`` runs ``per_client`` long queries already.
            EndpointBusy: ``limit`` long queries run already.
        """
        with self._lock:
            mine = self._of(client)
            if client is not None and len(mine) + reserve >= self.per_client:
                raise self._too_many(mine, reserve)
            if len(self._running) >= self.limit:
                wait = self._retry_after(self._running)
                raise EndpointBusy(
                    f"{self.limit} long queries are running, as many as this endpoint runs "
                    f"at once; this one ran longer than a small query and was stopped. "
                    f"Try again in {wait} s",
                    retry_after=wait,
                )
            ticket = Ticket(client, deadline)
            self._running.append(ticket)
            return ticket

    def leave(self, ticket: Ticket) -> None:
        """Stop counting a long query (it ended, whichever way)."""
        with self._lock:
            if ticket in self._running:
                self._running.remove(ticket)

    def _of(self, client: str | None) -> list[Ticket]:
        return [t for t in self._running if client is not None and t.client == client]

    def _too_many(self, mine: list[Ticket], running: int = 0) -> TooManyQueries:
        wait = self._retry_after(mine)
        return TooManyQueries(
            f"you are running {len(mine) + running} long queries, as many as one client may "
            f"run at once (max_long_queries_per_client); try again in {wait} s",
            retry_after=wait,
        )

    def _retry_after(self, tickets: list[Ticket]) -> int:
        if not tickets:
            return 1
        first = min(ticket.deadline for ticket in tickets)
        return max(1, math.ceil(first - self.clock()))


class History:
    """The clients and queries that ran long lately. Thread-safe.

    Args:
        seconds: how long one is remembered after it last ran long.
        size: the most entries kept.
        clock: the clock.
    """

    def __init__(
        self,
        seconds: float = HISTORY_SECONDS,
        size: int = HISTORY_SIZE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.seconds = seconds
        self.size = size
        self.clock = clock
        self._lock = threading.Lock()
        self._seen: OrderedDict[str, float] = OrderedDict()

    def mark(self, client: str | None, query: str | None) -> None:
        """Remember that ``client`` ran ``query`` (a :func:`digest`) long, now."""
        now = self.clock()
        with self._lock:
            for key in _keys(client, query):
                self._seen[key] = now
                self._seen.move_to_end(key)
            while len(self._seen) > self.size:
                self._seen.popitem(last=False)

    def suspect(self, client: str | None, query: str | None) -> bool:
        """Whether ``client`` or ``query`` ran long within the last ``seconds``."""
        since = self.clock() - self.seconds
        with self._lock:
            return any(self._seen.get(key, since - 1) >= since for key in _keys(client, query))


def digest(*parts: object) -> str:
    """A short key for a query: its text, bindings and dataset, as given."""
    text = "\x00".join(repr(part) for part in parts)
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def _keys(client: str | None, query: str | None) -> list[str]:
    keys = [] if client is None else [f"client {client}"]
    return keys if query is None else [*keys, f"query {query}"]
