"""The inside of a query worker process: open the store, lock down, answer.

A worker is started by :class:`partnergraph.service.QueryService` with the
``spawn`` method and talks to it through one pipe. It opens its own store from
the :class:`~partnergraph.store.base.StoreSpec` (loading the N-Quads for an
in-memory store, opening an on-disk one read-only), denies itself the network
unless federation is allowed, caps its address space at what it then holds
plus ``query_memory_mb``, says it is ready, and answers one request at a time:

Every request names the store it is for (its :class:`StoreSpec`, a snapshot):
a worker asked about another snapshot than the one it has open closes it and
opens the new one first, so a switch never interrupts a running query.

* ``("query", StoreSpec, QueryRequest, format key)`` → one message: the result header
  (:data:`RESULT`, packed rows and cut flag) followed by the body, so that an
  answer is one write and one read;
* ``("count", StoreSpec)`` → ``("count", n)``;
* any failure → ``("error", class name, message, line, column)``.

Queries run on a thread with a large stack (and, for rdflib, a high recursion
limit), so that a query the guard let through never overflows the stack.
"""

from __future__ import annotations

import os
import signal
import struct
import sys
import threading
from multiprocessing.connection import Connection
from typing import Any

from partnergraph import formats
from partnergraph.errors import PartnergraphError
from partnergraph.limits import sandbox
from partnergraph.settings import Settings
from partnergraph.snapshots import Hold
from partnergraph.store import open_store
from partnergraph.store.base import QueryForm, QueryRequest, QuerySyntaxError, Store, StoreSpec

#: The header of a result message: a tag that no pickle starts with, the number
#: of rows (-1 for an ASK) and whether the row cap cut the result.
RESULT = struct.Struct("<cqB")
RESULT_TAG = b"R"
#: The length before each message, as :mod:`multiprocessing.connection` frames it
#: (a longer one is ``-1`` then an unsigned 64-bit length).
_LENGTH, _LONG_LENGTH = struct.Struct("!i"), struct.Struct("!Q")


def send_result(connection: Connection, rows: int, truncated: bool, body: bytes) -> None:
    """Send a result: the message ``connection.send_bytes(header + body)`` sends, written
    from its parts by one ``writev`` instead of copying a body of megabytes into one
    buffer first."""
    head = RESULT.pack(RESULT_TAG, rows, truncated)
    size = len(head) + len(body)
    long = size > 0x7FFFFFFF
    frame = _LENGTH.pack(-1) + _LONG_LENGTH.pack(size) if long else _LENGTH.pack(size)
    parts = [memoryview(frame + head), memoryview(body)]
    handle = connection.fileno()
    while parts:
        written = os.writev(handle, parts)
        while parts and written >= len(parts[0]):
            written -= len(parts.pop(0))
        if parts:
            parts[0] = parts[0][written:]


def read_message(connection: Connection) -> bytearray:
    """Read one message as :meth:`Connection.recv_bytes` does, into one buffer of its
    size (``recv_bytes`` reads a long one through a growing buffer, copying it thrice).

    Raises:
        EOFError: the other end closed the connection.
        OSError: the connection is broken.
    """
    handle = connection.fileno()
    (size,) = _LENGTH.unpack(_read_exactly(handle, _LENGTH.size))
    if size == -1:
        (size,) = _LONG_LENGTH.unpack(_read_exactly(handle, _LONG_LENGTH.size))
    return _read_exactly(handle, size)


def _read_exactly(handle: int, size: int) -> bytearray:
    data = bytearray(size)
    view = memoryview(data)
    done = 0
    while done < size:
        read = os.readv(handle, [view[done:]])
        if read == 0:
            raise EOFError
        done += read
    return data


#: The stack of the thread that runs queries.
STACK_BYTES = 256 * 2**20
#: Python's recursion limit in a worker (rdflib parses and evaluates recursively).
RECURSION_LIMIT = 20_000


def main(connection: Connection, spec: StoreSpec, settings: Settings) -> None:
    """The worker process: serve ``connection`` until the parent closes it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when workers stop
    os.environ["RUST_BACKTRACE"] = "0"  # an allocation failure: one line in the log, no trace
    sandbox.die_with_parent()
    sys.setrecursionlimit(RECURSION_LIMIT)
    threading.stack_size(STACK_BYTES)
    thread = threading.Thread(target=_serve, args=(connection, spec, settings), name="queries")
    thread.start()
    thread.join()


def _serve(connection: Connection, spec: StoreSpec, settings: Settings) -> None:
    try:
        opened = Opened(spec, settings)
    except (PartnergraphError, OSError, SyntaxError) as exc:
        connection.send(("error", "StoreUnavailable", f"cannot open the store: {exc}", None, None))
        return
    if not settings.allow_federation:
        sandbox.deny_network()
    _warm_up(opened.store)
    sandbox.limit_memory(settings.query_memory_mb)
    connection.send(("ready", opened.store.count()))
    while True:
        try:
            message = connection.recv()
        except (EOFError, OSError):
            return
        kind, asked, *rest = message
        if asked != opened.spec:
            try:
                opened = opened.switch(asked)
            except (PartnergraphError, OSError, SyntaxError) as exc:
                text = f"cannot open the snapshot's store: {exc}"
                connection.send(("error", "StoreUnavailable", text, None, None))
                continue
        _answer(connection, opened.store, (kind, *rest), settings)


class Opened:
    """The store a worker has open, and its hold on the snapshot it belongs to.

    Args:
        spec: where the store is.
        settings: the settings.
    """

    def __init__(self, spec: StoreSpec, settings: Settings) -> None:
        self.spec = spec
        self.settings = settings
        self.hold = Hold(spec.snapshot) if spec.snapshot is not None else None
        try:
            self.store: Store = open_store(spec, settings)
        except BaseException:
            self.close()
            raise

    def switch(self, spec: StoreSpec) -> Opened:
        """Close this store and open the one of ``spec`` (another snapshot), under the
        same memory allowance as the first.

        Raises:
            PartnergraphError, OSError: the new store cannot be opened; this one
                stays open.
        """
        sandbox.lift_memory_limit()
        try:
            opened = Opened(spec, self.settings)
        except BaseException:
            sandbox.limit_memory(self.settings.query_memory_mb)
            raise
        self.close()
        _warm_up(opened.store)
        sandbox.limit_memory(self.settings.query_memory_mb)
        return opened

    def close(self) -> None:
        """Let the store and the snapshot go."""
        self.__dict__.pop("store", None)  # pyoxigraph closes a store when it is dropped
        if self.hold is not None:
            self.hold.release()


def _warm_up(store: Store) -> None:
    """Run one small query so that lazily allocated engine state is in the baseline."""
    fmt = formats.by_key("json")
    if fmt is not None:
        store.query(QueryRequest("ASK { ?s ?p ?o }", QueryForm.ASK), fmt)


def _answer(
    connection: Connection, store: Store, message: tuple[Any, ...], settings: Settings
) -> None:
    try:
        if message[0] == "count":
            connection.send(("count", store.count()))
            return
        _, request, key = message
        fmt = formats.by_key(key)
        if fmt is None:
            raise ValueError(f"unknown format {key!r}")
        result = store.query(request, fmt)
        rows = -1 if result.rows is None else result.rows
        send_result(connection, rows, result.truncated, result.body)
    except QuerySyntaxError as exc:
        connection.send(("error", "QuerySyntaxError", exc.detail, exc.line, exc.column))
    except PartnergraphError as exc:
        connection.send(("error", type(exc).__name__, str(exc), None, None))
    except MemoryError:
        text = str(sandbox.out_of_memory(settings.query_memory_mb))
        connection.send(("error", "QueryOutOfMemory", text, None, None))
    except Exception as exc:  # a bug: the parent logs it as a 500
        connection.send(("error", "RuntimeError", f"{type(exc).__name__}: {exc}", None, None))
