"""The query service: the one object the pages, the API and the endpoint ask to run a query.

A service answers from one snapshot (:mod:`partnergraph.snapshots`): serialised
results for the SPARQL Protocol (:meth:`QueryService.run`), and typed ones for
the pages and the API (:meth:`QueryService.select`, :meth:`QueryService.ask`,
:meth:`QueryService.construct`). :meth:`QueryService.at` gives the service of
another snapshot that shares the same worker processes and result cache, so that
a switch to a new snapshot is one assignment: every request names its snapshot
to the worker that runs it, a worker opens it between two queries, and a query
already running finishes on the snapshot it started on.

Answers are kept in the shared result cache (:mod:`partnergraph.cache`) under a
key that holds the snapshot's version: an answer is never served across versions
and nothing is ever purged. Errors, and queries stopped by a limit, are not kept.

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

Workers start in the process that uses them, on first use or when a server
process starts (:meth:`QueryService.wait_ready`, before it accepts traffic): a
server forked after the service was opened (``gunicorn --preload``) starts its own. They are
``spawn``-ed, never forked from a process with threads. Callers wait for a free
worker at most ``query_timeout``. The service is thread-safe.

The ``remote`` backend needs no workers: the HTTP client's time limit and the
response size bound do the same work.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import pyoxigraph as ox

from partnergraph import formats
from partnergraph.cache import CachedAnswer, ResultCache
from partnergraph.errors import StoreUnavailable
from partnergraph.formats import Format
from partnergraph.limits.guard import inspect_query
from partnergraph.limits.pool import WorkerPool
from partnergraph.request_keys import request_key
from partnergraph.settings import Settings
from partnergraph.snapshots import Snapshot
from partnergraph.store import backend, open_store, store_spec
from partnergraph.store.base import QueryForm, QueryRequest, QueryResult, Store, StoreSpec, Term

#: The format typed SELECT and ASK calls read (compact, and parsed natively).
_SOLUTIONS = "tsv"
#: The format typed CONSTRUCT calls read.
_TRIPLES = "nt"


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


class Row(dict[str, Any]):
    """A solution as a mapping from variable name to term; an unbound variable is None."""

    def __missing__(self, key: str) -> None:
        return None


@dataclass(frozen=True)
class Solutions:
    """The answer of a typed SELECT.

    Attributes:
        rows: the solutions, at most the row cap asked for.
        truncated: whether the row cap cut them.
        variables: the variables of the result, in order.
    """

    rows: list[Row]
    truncated: bool
    variables: tuple[str, ...] = ()


class QueryService:
    """Runs queries against one snapshot with the limits of ``settings`` enforced.

    Use :func:`open_query_service` to make one, :meth:`at` for the same service
    on another snapshot.

    Attributes:
        backend: ``oxigraph``, ``memory`` or ``remote``.
        settings: the settings in force.
        spec: where the snapshot's store is (what a worker opens).
        version: the snapshot's dataset version (the key of its cached answers).
    """

    def __init__(
        self,
        settings: Settings,
        spec: StoreSpec,
        *,
        version: str = "",
        store: Store | None = None,
        pool: WorkerPool | None = None,
        cache: ResultCache | None = None,
        engines: _Engines | None = None,
    ) -> None:
        self.settings = settings
        self.spec = spec
        self.version = version
        self.backend = spec.backend
        self._store = store  # the remote store; None when queries run in workers
        self._pool = None if store is not None else pool or WorkerPool(spec, settings)
        self._cache = cache
        self._count: int | None = None
        self._engines = engines or _Engines()
        if store is not None:
            self._engines.add(store)

    def at(self, spec: StoreSpec, version: str) -> QueryService:
        """The service of another snapshot, sharing this one's workers and cache.

        Workers started from now on open ``spec`` first.
        """
        if self._pool is not None:
            self._pool.spec = spec
        store = self._store
        if store is not None and spec != self.spec and backend(spec.backend).per_snapshot:
            before, store = store, open_store(spec, self.settings)  # no gap between them
            self._engines.retire(before, self.settings.request_timeout)
        return QueryService(
            self.settings,
            spec,
            version=version,
            store=store,
            pool=self._pool,
            cache=self._cache,
            engines=self._engines,
        )

    def run(self, request: QueryRequest, fmt: Format, client: str | None = None) -> QueryResult:
        """Run a query within the limits, capped at ``request.row_cap`` rows.

        The query is checked by :func:`~partnergraph.limits.guard.inspect_query`
        again here, so nothing unchecked ever reaches an engine. An answer to the
        same request on the same snapshot is read from the result cache.

        Args:
            request: the query (its form as the guard read it) and its dataset.
            fmt: the negotiated format; it must carry the result of the form.
            client: who asks (the remote address), for the caps on long queries
                per client and the order of waiting queries; None: unknown.

        Returns:
            The serialised result (``cached`` when it came from the cache).

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
        cache = self._cache
        if cache is None or not cache.enabled:
            return self._engine(request, fmt, client)
        key = request_key(self.version, request, fmt.key)  # the format is part of the key
        found = cache.get(key)
        if found is not None:
            return QueryResult(found.body, fmt, found.rows, found.truncated, cached=True)
        result = self._engine(request, fmt, client)
        cache.put(key, CachedAnswer.of(result))
        return result

    def _engine(self, request: QueryRequest, fmt: Format, client: str | None) -> QueryResult:
        if self._store is not None:
            return self._store.query(request, fmt)
        if self._pool is None:  # pragma: no cover - one of the two is always set
            raise StoreUnavailable("the query service is closed")
        header, body = self._pool.call(("query", self.spec, request, fmt.key), client)
        _, rows, truncated = header
        return QueryResult(body or b"", fmt, rows, truncated)

    def select(
        self, query: str, bindings: Mapping[str, Term] | None = None, row_cap: int | None = None
    ) -> Solutions:
        """Run a SELECT query of this package and read its solutions as terms.

        Args:
            query: the query text (fixed text of this package, never from a request).
            bindings: values for its variables, bound as RDF terms.
            row_cap: the most rows to return (``row_cap`` setting when omitted).

        Returns:
            The solutions (unbound variables are None) and whether the cap cut them.
        """
        result = self.run(
            self._request(query, QueryForm.SELECT, bindings, row_cap), _format(_SOLUTIONS)
        )
        solutions = ox.parse_query_results(result.body, format=ox.QueryResultsFormat.TSV)
        if not isinstance(solutions, ox.QuerySolutions):
            raise TypeError("a SELECT query did not return solutions")
        names = tuple(variable.value for variable in solutions.variables)
        rows = [Row({name: solution[name] for name in names}) for solution in solutions]
        return Solutions(rows, result.truncated, names)

    def ask(self, query: str, bindings: Mapping[str, Term] | None = None) -> bool:
        """Run an ASK query of this package; its answer."""
        result = self.run(self._request(query, QueryForm.ASK, bindings, None), _format("json"))
        answer = ox.parse_query_results(result.body, format=ox.QueryResultsFormat.JSON)
        if not isinstance(answer, ox.QueryBoolean):
            raise TypeError("an ASK query did not return a boolean")
        return bool(answer)

    def construct(
        self, query: str, bindings: Mapping[str, Term] | None = None, row_cap: int | None = None
    ) -> list[ox.Triple]:
        """Run a CONSTRUCT query of this package and read its triples.

        Args:
            query: the query text (fixed text of this package, never from a request).
            bindings: values for its variables, bound as RDF terms.
            row_cap: the most triples to return (``row_cap`` setting when omitted).
        """
        request = self._request(query, QueryForm.CONSTRUCT, bindings, row_cap)
        result = self.run(request, _format(_TRIPLES))
        return [quad.triple for quad in ox.parse(result.body, format=ox.RdfFormat.N_TRIPLES)]

    def _request(
        self,
        query: str,
        form: QueryForm,
        bindings: Mapping[str, Term] | None,
        row_cap: int | None,
    ) -> QueryRequest:
        return QueryRequest(
            query,
            form,
            row_cap=self.settings.row_cap if row_cap is None else row_cap,
            bindings=tuple((bindings or {}).items()),
        )

    def count(self) -> int:
        """How many quads the snapshot holds (asked once, then remembered)."""
        if self._count is None:
            if self._store is not None:
                self._count = self._store.count()
            elif self._pool is not None:
                header, _ = self._pool.call(("count", self.spec))
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
        """Stop the workers (or close the HTTP client) and close the result cache; the
        service, and every service :meth:`at` made from it, answers no more."""
        if self._pool is not None:
            self._pool.close()
        if self._cache is not None:
            self._cache.close()
        self._engines.close_all()


def open_query_service(settings: Settings, snapshot: Snapshot) -> QueryService:
    """Make the query service of ``settings`` for ``snapshot``.

    Opens the result cache; for the remote backend, opens the HTTP client (and
    loads the snapshot through the update endpoint when one is set); starts no
    process: workers start in the process that first uses the service.

    Args:
        settings: the store, cache and limit settings.
        snapshot: the snapshot to serve first.

    Returns:
        The service; call :meth:`QueryService.close` when done.
    """
    spec = snapshot_spec(settings, snapshot)
    cache = ResultCache(settings.output_dir / "cache", settings.cache_mb)
    if not backend(spec.backend).in_process:  # an engine of its own: no query workers
        engine = open_store(spec, settings)
        return QueryService(settings, spec, version=snapshot.version, store=engine, cache=cache)
    return QueryService(settings, spec, version=snapshot.version, cache=cache)


class _Engines:
    """The stores a service and the services :meth:`QueryService.at` made from it have
    open, when their queries go to an engine (one per snapshot with a per-snapshot
    backend): closed when retired, or all with the service."""

    def __init__(self) -> None:
        self._open: list[Store] = []
        self._lock = threading.Lock()

    def add(self, store: Store) -> None:
        with self._lock:
            if not any(store is found for found in self._open):
                self._open.append(store)

    def retire(self, store: Store, after: float) -> None:
        """Close ``store`` (an engine of an earlier snapshot) ``after`` seconds from now,
        when no request that began on it can still be running."""
        timer = threading.Timer(after, self.close, (store,))
        timer.daemon = True
        timer.start()

    def close(self, store: Store) -> None:
        with self._lock:
            if not any(store is found for found in self._open):
                return  # closed already (with the service)
            self._open = [found for found in self._open if found is not store]
        _close(store)

    def close_all(self) -> None:
        with self._lock:
            stores, self._open = self._open, []
        for store in stores:
            _close(store)


def _close(store: Store) -> None:
    """Close ``store`` if its backend has anything to close."""
    close = getattr(store, "close", None)
    if callable(close):
        close()


def snapshot_spec(settings: Settings, snapshot: Snapshot) -> StoreSpec:
    """Where a worker finds the store of ``snapshot`` under ``settings``."""
    return store_spec(settings, snapshot.data_file, snapshot.store, snapshot.folder)


def _format(key: str) -> Format:
    fmt = formats.by_key(key)
    if fmt is None:  # pragma: no cover - the registry always has it
        raise LookupError(f"no format {key!r} in the registry")
    return fmt
