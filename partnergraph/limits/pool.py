"""The query worker processes of one server process, scheduled so small queries stay fast.

A multilevel-feedback scheduler with two lanes, the CPU shared by the kernel:

* the *normal* lane: ``query_workers`` workers at normal CPU priority, plus one
  warm spare while long queries run (a worker loads the whole store when it
  starts: 0.3 s at 2 763 quads, 2.7 s at 100 000 triples in memory, so the spare
  keeps that off a small query's path). Every query starts here; free workers
  go to waiting callers as :mod:`partnergraph.limits.lanes` says;
* a query still running after ``slow_query_seconds`` is *long*: its worker drops
  to the lowest priority (:mod:`partnergraph.limits.priority`) and joins the
  *low* lane; the keeper starts a normal worker in its place. The kernel gives
  a small query nearly all the CPU against the long ones;
* a client or a query that ran long lately (:class:`~partnergraph.limits.admission.History`)
  goes to the low lane at once: on a free low worker, or on one the keeper
  starts for it at the lowest priority, so neither it nor the start of its
  worker takes CPU from small queries; queries waiting in the normal lane that
  become suspect so are moved there;
* long queries are capped (:mod:`partnergraph.limits.admission`): past the caps
  a query is refused, or stopped, with a 429 or 503 and ``Retry-After``;
* low workers are reused by the next long queries and retired after
  :data:`IDLE_SECONDS` idle; where the system allows raising a priority again
  (root, ``CAP_SYS_NICE``) an idle low worker fills a gap in the normal lane
  instead of a new one;
* ``query_timeout`` still stops every query: its worker is killed.

One thread per pool, the *keeper*, starts every worker (a worker dies with the
thread that started it, so that thread lives as long as the pool), reads their
``ready``, replaces the dead and retires the idle. Request threads only check
workers out and in.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import wait
from typing import Any

from partnergraph.errors import PartnergraphError, QueryTimeout, StoreUnavailable
from partnergraph.limits import priority
from partnergraph.limits.admission import History, LongQueries, Ticket, digest
from partnergraph.limits.lanes import Lanes
from partnergraph.limits.process import LOW, NORMAL, Answer, WorkerDied, WorkerProcess, launch
from partnergraph.settings import Settings
from partnergraph.store.base import StoreSpec

log = logging.getLogger(__name__)

#: Seconds a worker beyond what a lane needs stays idle before it is retired.
IDLE_SECONDS = 30.0
#: Seconds between two attempts to start a worker after one could not open the store.
RETRY_SECONDS = 5.0
#: Seconds the keeper sleeps when nothing is to be done (it checks the workers then).
TICK_SECONDS = 1.0


@dataclass(frozen=True)
class PoolHealth:
    """What the pool holds now.

    Attributes:
        expected: the normal workers when all is well (``query_workers``).
        ready: normal workers alive and ready (busy or not).
        starting: workers being started (loading the store).
        long: long queries running (in the low lane).
        quads: the quads the ready workers' store holds, or None when none is ready.
        problem: why workers cannot start, when they cannot.
    """

    expected: int
    ready: int
    starting: int
    long: int
    quads: int | None
    problem: str | None


class WorkerPool:
    """The worker processes of one server process; thread-safe."""

    def __init__(self, spec: StoreSpec, settings: Settings) -> None:
        self.spec = spec
        self.settings = settings
        self.context = multiprocessing.get_context("spawn")
        self.lock = threading.Lock()
        self.owner: int | None = None  # the pid that started the workers
        self.closed = False
        self.long = LongQueries(settings.max_long_queries, settings.max_long_queries_per_client)
        self.history = History()
        self._reset()

    def _reset(self) -> None:
        self.wake = threading.Condition(self.lock)  # the keeper sleeps on it
        self.changed = threading.Condition(self.lock)  # wait_ready sleeps on it
        self.keeper: threading.Thread | None = None
        self.lanes = Lanes()
        self.restorable = True  # until the system refuses to raise a priority
        self.failure: PartnergraphError | None = None
        self.failed_at = -RETRY_SECONDS

    # -- callers ------------------------------------------------------------------------

    def call(self, message: tuple[Any, ...], client: str | None = None) -> Answer:
        """Send ``message`` to a worker of the right lane; its answer (header, body bytes).

        Args:
            message: a request of the worker protocol.
            client: who asks (a remote address), for the caps on long queries,
                the history and the order of waiting callers; None when unknown.

        Raises:
            TooManyQueries: ``client`` runs its cap of long queries.
            EndpointBusy: the cap of long queries is reached.
            QueryTimeout: no worker became free within ``query_timeout``, or the
                query ran past it.
            QueryOutOfMemory: the query needed more than ``query_memory_mb``.
            StoreUnavailable: the pool is closed, or no worker can open the store.
        """
        self.start()
        timeout = self.settings.query_timeout
        query = digest(*message[2:]) if message[0] == "query" else None
        ticket = None
        if self.history.suspect(client, query):  # straight to the low lane, counted as long
            ticket = self.long.enter(client, time.monotonic() + 2 * timeout)
        worker, ticket = self.checkout(client, query, ticket, time.monotonic() + timeout)
        slow = self.settings.slow_query_seconds
        killed = True
        started = time.monotonic()
        try:
            deadline = started + timeout
            if ticket is not None:
                ticket.deadline = deadline
            worker.send(message)
            if worker.lane == NORMAL and not worker.poll(min(slow, timeout)) and slow < timeout:
                ticket = self.long.enter(client, deadline)
                self.demote(worker, client, query)
            if not worker.poll(deadline - time.monotonic()):
                raise QueryTimeout(f"the query ran longer than {timeout:g} s and was stopped")
            answer = worker.receive()
            killed = False
        except WorkerDied:
            raise worker.death(self.settings) from None
        finally:
            if killed:
                worker.kill()
            if ticket is not None:
                self.long.leave(ticket)
            if time.monotonic() - started >= slow:  # it ran long (to its end, or stopped)
                self.history.mark(client, query)
            self.checkin(worker, client, killed)
        if isinstance(answer, Exception):
            raise answer
        return answer

    def checkout(
        self, client: str | None, query: str | None, ticket: Ticket | None, deadline: float
    ) -> tuple[WorkerProcess, Ticket | None]:
        """A ready worker of the lane (low with a ticket), free now or the next to be.

        Returns:
            The worker, and the ticket (one is taken when the query moved to the
            low lane while it waited). On an error the ticket is given back.
        """
        with self.lock:
            lane = NORMAL if ticket is None else LOW
            worker = None if self.closed else self.lanes.take(lane, client)
            if worker is not None:
                return worker, ticket
            if self.closed or (self.failure is not None and not self._hope()):
                self._give_back(ticket)
                if self.closed or self.failure is None:
                    raise StoreUnavailable("the query service is closed")
                raise self.failure
            waiter = self.lanes.wait(lane, client, query, ticket)
            self.wake.notify()
        waiter.event.wait(max(0.0, deadline - time.monotonic()))
        with self.lock:
            if waiter.worker is None and waiter.failure is None:
                self.lanes.forget(waiter)
                waiter.failure = QueryTimeout(
                    f"every query worker stayed busy for {self.settings.query_timeout:g} s"
                )
        if waiter.worker is None:
            self._give_back(waiter.ticket)
            raise waiter.failure or StoreUnavailable("no query worker was handed over")
        return waiter.worker, waiter.ticket

    def checkin(self, worker: WorkerProcess, client: str | None, killed: bool) -> None:
        """Take a worker back after a call: free in its lane, or gone."""
        with self.lock:
            self.lanes.free(client)
            if killed or self.closed or not self.lanes.offer(worker):
                self.lanes.drop(worker)
                self.wake.notify()  # the keeper replaces it

    def demote(self, worker: WorkerProcess, client: str | None, query: str | None) -> None:
        """Move a worker whose query became long to the low lane; remember who sent it."""
        priority.lower(worker.pid)
        self.history.mark(client, query)
        timeout = self.settings.query_timeout
        with self.lock:
            worker.lane = LOW
            self.lanes.reroute(
                self.history.suspect,
                lambda who, running: self.long.enter(
                    who, time.monotonic() + 2 * timeout, reserve=running
                ),
            )
            self.wake.notify()  # the keeper starts a normal worker in its place

    def _give_back(self, ticket: Ticket | None) -> None:
        if ticket is not None:
            self.long.leave(ticket)

    def _hope(self) -> bool:
        """Whether a normal worker is ready or starting (under the lock)."""
        return self.lanes.count() + self.lanes.count(ready=False) > 0

    def _target(self) -> int:
        """The normal workers to keep: ``query_workers``, plus the spare while long queries
        run or, with every worker there, more callers wait than are starting."""
        base = self.settings.query_workers
        starting = self.lanes.count(ready=False)
        if self.lanes.count() + starting < base:  # start the missing ones first
            return base
        spare = len(self.long) > 0 or len(self.lanes.waiters[NORMAL]) > starting
        return base + (1 if spare else 0)

    # -- the keeper -----------------------------------------------------------------------

    def start(self) -> None:
        """Start the keeper (and so the workers) in this process, unless it runs already."""
        with self.lock:
            if self.closed:
                raise StoreUnavailable("the query service is closed")
            if self.owner == os.getpid():
                return
            self.owner = os.getpid()
            self._reset()
            self.keeper = threading.Thread(
                target=self._keep, name="partnergraph-workers", daemon=True
            )
            self.keeper.start()

    def _keep(self) -> None:
        """The keeper's loop: start, watch, replace and retire workers until closed."""
        while True:
            try:
                if not self._keep_once():
                    break
            except Exception:  # a bug: logged, and the workers kept
                log.exception("the query worker keeper failed; it goes on")
                time.sleep(TICK_SECONDS)
        for worker in self._take_all():
            worker.kill()

    def _keep_once(self) -> bool:
        lanes = self.lanes
        with self.lock:
            if self.closed:
                return False
            for worker in [w for w in lanes.workers if not w.busy and not w.alive()]:
                lanes.drop(worker)  # it died while free: the counts below replace it
            retire = lanes.surplus(self._target(), time.monotonic() - IDLE_SECONDS)
            for worker in retire:
                lanes.drop(worker)
            normal = self._target() - lanes.count() - lanes.count(ready=False)
            normal -= self._promote(normal)
            low = len(lanes.waiters[LOW]) - len(lanes.idle[LOW]) - lanes.count(LOW, ready=False)
            if time.monotonic() - self.failed_at < RETRY_SECONDS:
                normal = low = 0
            starting = [w for w in lanes.workers if not w.ready]
            if not retire and normal <= 0 and low <= 0 and not starting:
                self.wake.wait(TICK_SECONDS)
                return True
        for worker in retire:
            worker.kill()
        for lane, missing in ((NORMAL, normal), (LOW, low)):
            for _ in range(max(0, missing)):
                started = launch(self.context, self.spec, self.settings, lane)
                with self.lock:
                    lanes.workers.append(started)
                starting.append(started)
        if starting:
            self._watch(starting)
        return True

    def _promote(self, missing: int) -> int:
        """Move idle low workers back to the normal lane where the system allows it."""
        promoted = 0
        while promoted < missing and self.restorable and self.lanes.idle[LOW]:
            worker = self.lanes.idle[LOW].pop()
            if not priority.restore(worker.pid):
                self.restorable = False
                self.lanes.idle[LOW].append(worker)
                break
            worker.lane = NORMAL
            if self.lanes.offer(worker):
                promoted += 1
        return promoted

    def _watch(self, starting: list[WorkerProcess]) -> None:
        """Wait a moment for starting workers to say ``ready`` (or fail)."""
        handles: dict[Any, WorkerProcess] = {w.connection: w for w in starting}
        for handle in wait(list(handles), timeout=0.05):
            worker = handles[handle]
            error = worker.read_ready()
            if error is None and worker.lane == LOW:
                priority.lower(worker.pid)  # its query thread, started after the first lowering
            with self.lock:
                if error is None:
                    self.failure = None
                    if not self.closed:
                        self.lanes.offer(worker)
                    self.changed.notify_all()
                    continue
                self.lanes.drop(worker)
                self.failure = error
                self.failed_at = time.monotonic()
                if not self._hope():
                    self.lanes.fail(error)
                self.changed.notify_all()
            log.error("a query worker could not start: %s", error)
            worker.kill()

    def _take_all(self) -> list[WorkerProcess]:
        with self.lock:
            workers = list(self.lanes.workers)
            self.lanes.workers.clear()
            for idle in self.lanes.idle.values():
                idle.clear()
            self.lanes.fail(StoreUnavailable("the query service is closed"))
            return workers

    # -- health and end -------------------------------------------------------------------

    def health(self) -> PoolHealth:
        """What is true now: the workers alive and ready, starting, long (starts the pool)."""
        self.start()
        with self.lock:
            alive = [worker for worker in self.lanes.workers if worker.alive()]
            if len(alive) < len(self.lanes.workers):
                self.wake.notify()  # the keeper replaces the dead
            ready = [w for w in alive if w.ready and w.lane == NORMAL]
            return PoolHealth(
                expected=self.settings.query_workers,
                ready=len(ready),
                starting=sum(1 for w in alive if not w.ready),
                long=sum(1 for w in alive if w.busy and w.lane == LOW),
                quads=next((w.quads for w in ready if w.quads is not None), None),
                problem=str(self.failure) if self.failure is not None else None,
            )

    def wait_ready(self, timeout: float) -> bool:
        """Wait until ``query_workers`` normal workers are ready (starts the pool).

        Raises:
            PartnergraphError: the workers cannot open the store.
        """
        self.start()
        deadline = time.monotonic() + timeout
        with self.lock:
            while True:
                ready = [w for w in self.lanes.workers if w.ready and w.lane == NORMAL]
                if sum(1 for w in ready if w.alive()) >= self.settings.query_workers:
                    return True
                if self.failure is not None:
                    raise self.failure
                left = deadline - time.monotonic()
                if left <= 0 or self.closed:
                    return False
                self.changed.wait(left)

    def pids(self) -> list[int]:
        """The process ids of the workers of this process."""
        with self.lock:
            if self.owner != os.getpid():
                return []
            return [worker.pid for worker in self.lanes.workers]

    def close(self) -> None:
        """Stop every worker of this process; the pool answers no more."""
        with self.lock:
            self.closed = True
            mine = self.owner == os.getpid()
            keeper = self.keeper if mine else None
            self.wake.notify_all()
            self.changed.notify_all()
        if keeper is not None and keeper is not threading.current_thread():
            keeper.join(10)
        if mine:
            for worker in self._take_all():  # what the keeper left, if it could not end
                worker.kill()
