"""The bookkeeping of the pool's two lanes: its workers, the free ones, the callers waiting.

The *normal* lane answers small queries at normal CPU priority; the *low* lane
runs long ones at the lowest. A free worker is given to a caller waiting in its
lane: in the normal lane to the one whose client runs the fewest queries (first
come first among equals), so one client's queue of expensive queries never
stands before another client's small one; in the low lane to the first come.

:class:`Lanes` holds no lock of its own: :class:`~partnergraph.limits.pool.WorkerPool`
calls it under its lock.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from partnergraph.errors import PartnergraphError
from partnergraph.limits.admission import Ticket
from partnergraph.limits.process import LOW, NORMAL, WorkerProcess


@dataclass(eq=False)
class Waiter:
    """A caller waiting for a worker.

    Attributes:
        client: who asks, or None.
        query: the :func:`~partnergraph.limits.admission.digest` of its query.
        order: when it came, as a sequence number.
        ticket: its long-query ticket once it waits in the low lane.
        worker: the worker given to it (the event is set then).
        failure: why it gets none (the event is set then).
        event: set when it has a worker or a failure.
    """

    client: str | None
    query: str | None
    order: int
    ticket: Ticket | None = None
    worker: WorkerProcess | None = None
    failure: PartnergraphError | None = None
    event: threading.Event = field(default_factory=threading.Event)


class Lanes:
    """The workers of a pool by lane, the free ones and the waiting callers."""

    def __init__(self) -> None:
        self.workers: list[WorkerProcess] = []
        self.idle: dict[str, list[WorkerProcess]] = {NORMAL: [], LOW: []}
        self.waiters: dict[str, list[Waiter]] = {NORMAL: [], LOW: []}
        self.running: Counter[str | None] = Counter()  # queries in workers, per client
        self._order = itertools.count()

    def count(self, lane: str = NORMAL, ready: bool = True) -> int:
        """The workers of ``lane`` that are ready (or starting, with ``ready=False``)."""
        return sum(1 for w in self.workers if w.lane == lane and w.ready == ready)

    def take(self, lane: str, client: str | None) -> WorkerProcess | None:
        """A free worker of ``lane`` that is alive, now handed to ``client``; else None."""
        while self.idle[lane]:
            worker = self.idle[lane].pop()
            if worker.alive():
                self.hand(worker, client)
                return worker
            self.drop(worker)
        return None

    def wait(
        self, lane: str, client: str | None, query: str | None, ticket: Ticket | None
    ) -> Waiter:
        """Queue a caller in ``lane``."""
        waiter = Waiter(client, query, next(self._order), ticket)
        self.waiters[lane].append(waiter)
        return waiter

    def forget(self, waiter: Waiter) -> None:
        """Take a caller that gave up out of its queue."""
        for waiting in self.waiters.values():
            if waiter in waiting:
                waiting.remove(waiter)

    def hand(self, worker: WorkerProcess, client: str | None) -> None:
        """Mark ``worker`` as used by ``client``."""
        worker.busy = True
        worker.client = client
        self.running[client] += 1

    def free(self, client: str | None) -> None:
        """Count one query of ``client`` less."""
        self.running[client] -= 1
        if self.running[client] <= 0:
            del self.running[client]

    def offer(self, worker: WorkerProcess) -> bool:
        """Give a free, ready worker to the best caller waiting in its lane, or keep it.

        Returns:
            False when the worker had died (it is dropped).
        """
        waiting = self.waiters[worker.lane]
        worker.busy = False
        if not worker.alive():
            self.drop(worker)
            return False
        if not waiting:
            worker.idle_since = time.monotonic()
            self.idle[worker.lane].append(worker)
            return True
        if worker.lane == LOW:  # first come: they all run at the lowest priority
            waiter = waiting[0]
        else:  # the client that runs the fewest queries, then first come
            waiter = min(waiting, key=lambda w: (self.running[w.client], w.order))
        waiting.remove(waiter)
        self.hand(worker, waiter.client)
        waiter.worker = worker
        waiter.event.set()
        return True

    def reroute(
        self,
        suspect: Callable[[str | None, str | None], bool],
        enter: Callable[[str | None, int], Ticket],
    ) -> None:
        """Move the callers waiting in the normal lane that are now ``suspect`` to the low
        lane, each with the ticket ``enter`` gives it (or its refusal).

        ``enter`` is told how many queries of the same client run in the normal
        lane: they may become long too, and having run already they keep their
        places before those that wait.
        """
        for waiter in list(self.waiters[NORMAL]):
            if not suspect(waiter.client, waiter.query):
                continue
            self.waiters[NORMAL].remove(waiter)
            running = sum(
                1 for w in self.workers if w.busy and w.lane == NORMAL and w.client == waiter.client
            )
            try:
                waiter.ticket = enter(waiter.client, running)
            except PartnergraphError as refused:
                waiter.failure = refused
                waiter.event.set()
                continue
            self.waiters[LOW].append(waiter)
        while self.idle[LOW] and self.waiters[LOW]:
            self.offer(self.idle[LOW].pop())

    def drop(self, worker: WorkerProcess) -> None:
        """Forget a worker (it ended, or is being stopped)."""
        if worker in self.workers:
            self.workers.remove(worker)
        if worker in self.idle[worker.lane]:
            self.idle[worker.lane].remove(worker)

    def fail(self, error: PartnergraphError) -> None:
        """Give ``error`` to every waiting caller."""
        for waiting in self.waiters.values():
            for waiter in waiting:
                waiter.failure = error
                waiter.event.set()
            waiting.clear()

    def surplus(self, normal: int, since: float) -> list[WorkerProcess]:
        """Idle workers to retire: of the normal lane beyond ``normal``, every low one,
        idle since ``since`` or longer, the youngest first."""
        extra = {NORMAL: self.count() - normal, LOW: len(self.idle[LOW])}
        retire = []
        for lane, count in extra.items():
            idle = [w for w in self.idle[lane] if w.idle_since <= since]
            retire += sorted(idle, key=lambda w: w.born, reverse=True)[: max(0, count)]
        return retire
