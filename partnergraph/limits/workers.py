"""The query service: the one object the web layer asks to run a query.

For the embedded backends (``oxigraph``, ``memory``) every query runs in a worker
*process* (``query_workers`` of them, one query each at a time), because a
query can only be stopped for sure by stopping the process that runs it: a
catastrophic ``REGEX`` backtracking in rdflib holds the GIL, and pyoxigraph does
not check for cancellation inside every operator. So:

* time: past ``query_timeout`` the worker running the query is sent ``SIGKILL``
  (its CPU is released at once), reaped and replaced, and the caller gets
  :class:`~partnergraph.errors.QueryTimeout`; queries on the other workers go
  on as if nothing happened;
* memory: each worker caps its own address space (see
  :mod:`partnergraph.limits.sandbox`); a query over the cap ends with
  :class:`~partnergraph.errors.QueryOutOfMemory` (rdflib's ``MemoryError``, or
  pyoxigraph's abort, which kills the worker: it is replaced);
* network: the workers cannot open internet sockets unless federation is on.

Workers start on first use, in the process that uses them: a server forked
after the service was opened (``gunicorn --preload``) starts its own. They are
``spawn``-ed, never forked from a process with threads. Callers wait for a free
worker at most ``query_timeout``. The service is thread-safe.

The ``remote`` backend needs no workers: the HTTP client's time limit and the
response size bound do the same work.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import pickle
import queue
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from partnergraph.errors import (
    BadRequest,
    NotAcceptable,
    PartnergraphError,
    QueryOutOfMemory,
    QueryRejected,
    QueryTimeout,
    StoreUnavailable,
)
from partnergraph.formats import Format
from partnergraph.limits import worker as worker_main
from partnergraph.limits.guard import inspect_query
from partnergraph.limits.worker import RESULT, RESULT_TAG
from partnergraph.settings import Settings
from partnergraph.store import open_store, prepare, store_spec
from partnergraph.store.base import (
    QueryRequest,
    QueryResult,
    QuerySyntaxError,
    Store,
    StoreSpec,
)

log = logging.getLogger(__name__)

#: The errors a worker may report, by class name.
_ERRORS: dict[str, type[PartnergraphError]] = {
    cls.__name__: cls
    for cls in (
        BadRequest,
        NotAcceptable,
        QueryOutOfMemory,
        QueryRejected,
        QueryTimeout,
        StoreUnavailable,
    )
}


class QueryService:
    """Runs queries against one store with the limits of ``settings`` enforced.

    Use :func:`open_query_service` to make one.

    Attributes:
        backend: ``oxigraph``, ``memory`` or ``remote``.
        settings: the settings in force.
    """

    def __init__(self, settings: Settings, spec: StoreSpec, store: Store | None = None) -> None:
        self.settings = settings
        self.spec = spec
        self.backend = spec.backend
        self._store = store  # the remote store; None when queries run in workers
        self._pool = None if store is not None else _Pool(spec, settings)
        self._count: int | None = None

    def run(self, request: QueryRequest, fmt: Format) -> QueryResult:
        """Run a query within the time and memory limits, capped at ``request.row_cap`` rows.

        The query is checked by :func:`~partnergraph.limits.guard.inspect_query`
        again here, so nothing unchecked ever reaches an engine.

        Args:
            request: the query (its form as the guard read it) and its dataset.
            fmt: the negotiated format; it must carry the result of the form.

        Returns:
            The serialised result.

        Raises:
            QueryRejected: the guard refuses the query.
            ValueError: ``fmt`` cannot carry the result of the query's form.
            QuerySyntaxError: the query does not parse.
            QueryTimeout: the query ran past ``query_timeout`` (and was stopped),
                or no worker became free within it.
            QueryOutOfMemory: the query needed more than ``query_memory_mb``.
            StoreUnavailable: the store cannot answer (the service is closed, a
                remote endpoint is down).
        """
        form = inspect_query(request.query, self.settings)
        if form is not request.form:  # serialise what the engine will really return
            request = replace(request, form=form)
        if self._store is not None:
            return self._store.query(request, fmt)
        if self._pool is None:  # pragma: no cover - one of the two is always set
            raise StoreUnavailable("the query service is closed")
        header, body = self._pool.call(("query", request, fmt.key))
        _, rows, truncated = header
        return QueryResult(body or b"", fmt, rows, truncated)

    def count(self) -> int:
        """How many quads the store holds (asked once, then remembered)."""
        if self._count is None:
            if self._store is not None:
                self._count = self._store.count()
            elif self._pool is not None:
                header, _ = self._pool.call(("count",))
                self._count = int(header[1])
        return self._count or 0

    def wait_ready(self, timeout: float) -> bool:
        """Start the workers in this process (if not yet) and wait until they have opened
        the store, for a health check or before a benchmark.

        Args:
            timeout: the most seconds to wait.

        Returns:
            True when every worker is ready (always for the remote backend).

        Raises:
            StoreUnavailable: a worker cannot open the store.
        """
        return self._pool.wait_ready(timeout) if self._pool is not None else True

    def worker_pids(self) -> list[int]:
        """The process ids of the query workers running for this process (none yet
        before the first query, none for the remote backend)."""
        return self._pool.pids() if self._pool is not None else []

    def close(self) -> None:
        """Stop the workers (or close the HTTP client); the service answers no more."""
        if self._pool is not None:
            self._pool.close()
        close = getattr(self._store, "close", None)
        if callable(close):
            close()


def open_query_service(settings: Settings, data_file: Path) -> QueryService:
    """Make the query service of ``settings`` for the graph built into ``data_file``.

    Does the once-per-build work now (loading an on-disk store unless its folder
    holds this build already; loading a remote store through its update
    endpoint when one is set); starts no process.

    Args:
        settings: the store and limit settings.
        data_file: the built N-Quads file.

    Returns:
        The service; call :meth:`QueryService.close` when done.
    """
    spec = prepare(store_spec(settings, data_file))
    if spec.backend == "remote":
        return QueryService(settings, spec, open_store(spec, settings))
    return QueryService(settings, spec)


@dataclass
class _Worker:
    process: BaseProcess
    connection: Connection
    ready: bool = False

    @property
    def pid(self) -> int:
        return self.process.pid or 0

    def wait_ready(self, deadline: float) -> bool:
        """Wait for the worker's ``ready``; False when the deadline passes first."""
        if self.ready:
            return True
        try:
            if not self.connection.poll(max(0.0, deadline - time.monotonic())):
                return False
            message = self.connection.recv()
        except (EOFError, OSError):
            raise _Died from None
        if message[0] == "error":
            raise _Failed(_error(message))
        self.ready = True
        return True

    def kill(self) -> None:
        """Stop the process for sure and reap it."""
        if self.process.is_alive() and self.process.pid is not None:
            with contextlib.suppress(ProcessLookupError):  # it may end on its own meanwhile
                os.kill(self.process.pid, signal.SIGKILL)
        self.process.join(5)
        self.connection.close()


class _Died(Exception):
    """The worker ended while it ran a request."""


class _Overtime(Exception):
    """The request ran past its deadline."""


class _Failed(Exception):
    """The worker could not start; ``args[0]`` is the error to raise."""


class _Pool:
    """``query_workers`` worker processes and a queue of the free ones."""

    def __init__(self, spec: StoreSpec, settings: Settings) -> None:
        self.spec = spec
        self.settings = settings
        self.context = multiprocessing.get_context("spawn")
        self.lock = threading.Lock()
        self.owner: int | None = None  # the pid that started the workers
        self.launcher: ThreadPoolExecutor | None = None
        self.free: queue.Queue[_Worker] = queue.Queue()
        self.workers: list[_Worker] = []
        self.closed = False

    def call(self, message: tuple[Any, ...]) -> tuple[tuple[Any, ...], bytes | None]:
        """Send ``message`` to a free worker; its answer (header, body bytes)."""
        self.start()
        timeout = self.settings.query_timeout
        try:
            worker = self.free.get(timeout=timeout)
        except queue.Empty:
            raise QueryTimeout(f"every query worker stayed busy for {timeout:g} s") from None
        if not worker.process.is_alive():  # ended while it was free
            worker = self.replace(worker)
        keep = worker
        try:
            if not worker.wait_ready(time.monotonic() + timeout):
                raise QueryTimeout(f"the query workers are still starting after {timeout:g} s")
            return self.exchange(worker, message, time.monotonic() + timeout)
        except _Overtime:
            keep = self.replace(worker)
            raise QueryTimeout(f"the query ran longer than {timeout:g} s and was stopped") from None
        except _Died:
            worker.process.join(2)  # its own exit status, before any kill
            keep = self.replace(worker)
            raise self.death(worker) from None
        except _Failed as failed:
            keep = self.replace(worker)
            raise failed.args[0] from None
        finally:
            if not self.closed:
                self.free.put(keep)

    def wait_ready(self, timeout: float) -> bool:
        """Check out every worker in turn and wait for its ``ready``."""
        self.start()
        deadline = time.monotonic() + timeout
        for _ in range(self.settings.query_workers):
            try:
                worker = self.free.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                return False
            keep = worker
            try:
                if not worker.wait_ready(deadline):
                    return False
            except _Died:
                keep = self.replace(worker)
                raise StoreUnavailable("a query worker ended while it opened the store") from None
            except _Failed as failed:
                keep = self.replace(worker)
                raise failed.args[0] from None
            finally:
                self.free.put(keep)
        return all(worker.ready for worker in self.workers)

    def exchange(
        self, worker: _Worker, message: tuple[Any, ...], deadline: float
    ) -> tuple[tuple[Any, ...], bytes | None]:
        try:
            worker.connection.send(message)
            if not worker.connection.poll(max(0.0, deadline - time.monotonic())):
                raise _Overtime
            data = worker.connection.recv_bytes()
        except (EOFError, OSError):
            raise _Died from None
        if data[:1] == RESULT_TAG:
            _, rows, truncated = RESULT.unpack_from(data)
            header = ("result", None if rows < 0 else rows, bool(truncated))
            return header, data[RESULT.size :]
        header = pickle.loads(data)  # noqa: S301 - our own worker, on a private pipe (as recv())
        if header[0] == "error":
            raise _error(header)
        return header, None

    def death(self, worker: _Worker) -> PartnergraphError:
        code = worker.process.exitcode
        if code == -signal.SIGABRT:
            mb = self.settings.query_memory_mb
            return QueryOutOfMemory(f"the query needed more than {mb} MB of memory and was stopped")
        if code == -signal.SIGSEGV:
            return QueryRejected("the query crashed the query engine and was stopped")
        log.error("query worker %s ended with exit code %s", worker.pid, code)
        return StoreUnavailable("the query worker stopped unexpectedly")

    def start(self) -> None:
        """Start the workers in this process, unless they run already."""
        with self.lock:
            if self.closed:
                raise StoreUnavailable("the query service is closed")
            if self.owner == os.getpid():
                return
            self.owner = os.getpid()
            # A worker asks the kernel to kill it when the *thread* that started it
            # ends (PR_SET_PDEATHSIG follows threads), so one long-lived thread starts
            # them all, never a request's thread.
            self.launcher = ThreadPoolExecutor(1, thread_name_prefix="partnergraph-workers")
            self.free = queue.Queue()
            self.workers = []
            for _ in range(self.settings.query_workers):
                self.free.put(self.spawn())

    def spawn(self) -> _Worker:
        if self.launcher is None:  # pragma: no cover - start() sets it first
            raise StoreUnavailable("the query service is not started")
        worker = self.launcher.submit(self.launch).result()
        self.workers.append(worker)
        return worker

    def launch(self) -> _Worker:
        parent, child = self.context.Pipe()
        process = self.context.Process(
            target=worker_main.main,
            args=(child, self.spec, self.settings),
            name="partnergraph-query",
            daemon=True,
        )
        process.start()
        child.close()
        return _Worker(process, parent)

    def replace(self, worker: _Worker) -> _Worker:
        worker.kill()
        with self.lock:
            if worker in self.workers:
                self.workers.remove(worker)
            if self.closed:
                return worker
            return self.spawn()

    def pids(self) -> list[int]:
        with self.lock:
            if self.owner != os.getpid():
                return []
            return [worker.pid for worker in self.workers]

    def close(self) -> None:
        with self.lock:
            self.closed = True
            mine = self.owner == os.getpid()
            workers = list(self.workers) if mine else []
            self.workers = []
        for worker in workers:
            worker.kill()
        if mine and self.launcher is not None:
            self.launcher.shutdown(wait=False)


def _error(header: tuple[Any, ...]) -> Exception:
    _, name, message, line, column = header
    if name == "QuerySyntaxError":
        return QuerySyntaxError(message, line, column)
    cls = _ERRORS.get(name)
    if cls is not None:
        return cls(message)
    return RuntimeError(f"query worker failed: {message}")
