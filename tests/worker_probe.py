"""What a sandbox test makes a query worker do: try to reach the network from inside it.

A :class:`Probe` is sent to a query worker inside a query's bindings. The worker
unpickles it on the thread that runs its queries, after its start-up (store
opened, network denied, memory capped): unpickling calls :func:`attempt`, which
tries to connect to a loopback port the way the named engine would, and becomes
a literal that says what happened. The query binds that literal and returns it,
so the test reads the outcome in the query's answer.

This module is imported inside the worker: it imports only what a worker holds
already (pyoxigraph; rdflib only for the ``rdflib`` attempts, which run in a
``memory`` worker).

Warning:
    The attempts open real connections to ``127.0.0.1``; they are meant for a
    listener the test started.
"""

from __future__ import annotations

import socket
import warnings
from collections.abc import Callable
from typing import Any

import pyoxigraph as ox

#: How long an attempt waits for a connection (the listener is local).
TIMEOUT = 5.0


def _raw_socket(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT):
        pass


def _oxigraph_service(port: int) -> None:
    query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"
    list(ox.Store().query(query))


def _rdflib_query(query: str) -> None:
    import rdflib

    with warnings.catch_warnings():  # rdflib's own deprecations inside its engine
        warnings.simplefilter("ignore", DeprecationWarning)
        list(rdflib.Dataset().query(query))


def _rdflib_service(port: int) -> None:
    _rdflib_query(f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}")


def _rdflib_from(port: int) -> None:
    _rdflib_query(f"SELECT * FROM <http://127.0.0.1:{port}/graph.ttl> WHERE {{ ?s ?p ?o }}")


#: The ways to the network a probe can try, by name.
ATTEMPTS: dict[str, Callable[[int], None]] = {
    "socket": _raw_socket,
    "oxigraph SERVICE": _oxigraph_service,
    "rdflib SERVICE": _rdflib_service,
    "rdflib FROM": _rdflib_from,
}


def attempt(how: str, port: int) -> ox.Literal:
    """Try to reach ``127.0.0.1:port`` as ``how`` says; say what happened.

    Returns:
        ``"no error"`` when nothing failed, else ``"{class}: {message}"`` of the
        error, followed by the errors it was raised from or in (rdflib hides the
        network error of a ``FROM`` behind a generic one).
    """
    try:
        ATTEMPTS[how](port)
    except Exception as exc:  # what failed, and why, is the answer
        return ox.Literal(" <- ".join(_chain(exc)))
    return ox.Literal("no error")


def _chain(exc: BaseException) -> list[str]:
    seen: list[str] = []
    current: BaseException | None = exc
    while current is not None and len(seen) < 10:
        seen.append(f"{type(current).__name__}: {current}")
        current = current.__cause__ or current.__context__
    return seen


class Probe:
    """A binding value that, once unpickled in a worker, is the outcome of :func:`attempt`.

    Args:
        how: a key of :data:`ATTEMPTS`.
        port: the loopback port to connect to.
    """

    def __init__(self, how: str, port: int) -> None:
        self.how = how
        self.port = port

    def __reduce__(self) -> tuple[Any, ...]:
        return (attempt, (self.how, self.port))
