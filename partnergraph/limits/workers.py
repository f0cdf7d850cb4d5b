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

* CPU: a query still running after ``slow_query_seconds`` is *long*: its
  worker drops to the lowest CPU priority and another one takes its place, so
  small queries are answered at once while long ones run; long queries are
  capped in all and per client (429/503 with ``Retry-After``). See
  :mod:`partnergraph.limits.pool`.

Workers start on first use, in the process that uses them: a server forked
after the service was opened (``gunicorn --preload``) starts its own. They are
``spawn``-ed, never forked from a process with threads. Callers wait for a free
worker at most ``query_timeout``. The service is thread-safe.

The ``remote`` backend needs no workers: the HTTP client's time limit and the
response size bound do the same work.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from partnergraph.errors import StoreUnavailable
from partnergraph.formats import Format
from partnergraph.limits.guard import inspect_query
from partnergraph.limits.pool import WorkerPool
from partnergraph.settings import Settings
from partnergraph.store import open_store, prepare, store_spec
from partnergraph.store.base import QueryRequest, QueryResult, Store, StoreSpec


@dataclass(frozen=True)
class Health:
    """Whether the service can answer queries now, and what it holds.

    Attributes:
        status: ``ok`` (every worker that answers small queries is ready),
            ``degraded`` (some are), ``starting`` (none is, and new ones are
            being started) or ``unavailable`` (none is: they cannot open the
            store).
        workers: the worker counts: ``expected``, ``ready``, ``starting``, ``long``.
        loaded: a ready worker holds the store (always True for the remote backend,
            whose store is another server).
        quads: the quads the ready workers' store holds, or None when no worker
            is ready (or for the remote backend).
        problem: why the workers cannot start, when they cannot.
    """

    status: str
    workers: dict[str, int]
    loaded: bool
    quads: int | None = None
    problem: str | None = None

    @property
    def ready(self) -> bool:
        """Whether queries are answered now (``ok`` or ``degraded``)."""
        return self.status in ("ok", "degraded")


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
        self._pool = None if store is not None else WorkerPool(spec, settings)
        self._count: int | None = None

    def run(self, request: QueryRequest, fmt: Format, client: str | None = None) -> QueryResult:
        """Run a query within the limits, capped at ``request.row_cap`` rows.

        The query is checked by :func:`~partnergraph.limits.guard.inspect_query`
        again here, so nothing unchecked ever reaches an engine.

        Args:
            request: the query (its form as the guard read it) and its dataset.
            fmt: the negotiated format; it must carry the result of the form.
            client: who asks (the remote address), for the caps on long queries
                per client and the order of waiting queries; None: unknown.

        Returns:
            The serialised result.

        Raises:
            QueryRejected: the guard refuses the query.
            ValueError: ``fmt`` cannot carry the result of the query's form.
            QuerySyntaxError: the query does not parse.
            QueryTimeout: the query ran past ``query_timeout`` (and was stopped),
                or no worker became free within it.
            TooManyQueries: ``client`` runs ``max_long_queries_per_client`` long
                queries (429, with ``retry_after``).
            EndpointBusy: the query became long with ``max_long_queries``
                running (503, with ``retry_after``).
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
        header, body = self._pool.call(("query", request, fmt.key), client)
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

    def health(self) -> Health:
        """What is true now: the workers alive and ready, the store loaded in them.

        Starts the workers in this process if they are not yet; never waits.
        """
        if self._pool is None:
            return Health("ok", {}, loaded=True)
        pool = self._pool.health()
        workers = {
            "expected": pool.expected,
            "ready": pool.ready,
            "starting": pool.starting,
            "long": pool.long,
        }
        if pool.ready >= pool.expected:
            status = "ok"
        elif pool.ready > 0:
            status = "degraded"
        elif pool.problem is None:  # the keeper starts what is missing
            status = "starting"
        else:
            status = "unavailable"
        return Health(status, workers, pool.quads is not None, pool.quads, pool.problem)

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
