"""One query worker process as its parent sees it: started, asked, stopped.

The parent's side of the pipe protocol of :mod:`partnergraph.limits.worker`:
:func:`launch` starts a worker (``spawn``, never ``fork``), :meth:`WorkerProcess.send`
hands it a request, :meth:`WorkerProcess.poll` waits for its answer and
:meth:`WorkerProcess.receive` reads it. A worker that ends while it is asked
raises :class:`WorkerDied`; :meth:`WorkerProcess.death` tells why from its exit
status.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import signal
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.context import SpawnContext
from multiprocessing.process import BaseProcess
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
from partnergraph.limits import priority
from partnergraph.limits import worker as worker_main
from partnergraph.limits.sandbox import out_of_memory
from partnergraph.limits.worker import RESULT, RESULT_TAG, read_message
from partnergraph.settings import Settings
from partnergraph.store.base import QuerySyntaxError, StoreSpec

log = logging.getLogger(__name__)

#: The errors a worker may report, by class name.
ERRORS: dict[str, type[PartnergraphError]] = {
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

#: The lane of a worker that answers small queries, at normal CPU priority.
NORMAL = "normal"
#: The lane of a worker that runs long queries, at the lowest CPU priority.
LOW = "low"

#: An answer: the header (``("result", rows, truncated)``, ``("count", n)``) and the body.
Answer = tuple[tuple[Any, ...], bytes | None]


class WorkerDied(Exception):
    """The worker ended while it was asked something."""


@dataclass(eq=False)
class WorkerProcess:
    """A worker process and the parent's end of its pipe.

    Attributes:
        process: the process.
        connection: the parent's end of the pipe.
        born: when it was started (``time.monotonic``).
        ready: it has opened its store and answers.
        quads: how many quads its store holds (from its ``ready`` message).
        lane: :data:`NORMAL` or :data:`LOW` (long queries, lowest CPU priority).
        busy: a caller is using it.
        client: the client of the caller using it.
        idle_since: when it last became free.
    """

    process: BaseProcess
    connection: Connection
    born: float = field(default_factory=time.monotonic)
    ready: bool = False
    quads: int | None = None
    lane: str = NORMAL
    busy: bool = False
    client: str | None = None
    idle_since: float = field(default_factory=time.monotonic)
    _ending: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def pid(self) -> int:
        """The process id (0 before it started)."""
        return self.process.pid or 0

    def alive(self) -> bool:
        """Whether the process runs now."""
        return self.process.is_alive()

    def read_ready(self) -> PartnergraphError | None:
        """Read the worker's first message (it is there): None once it is ready, else
        the error it could not start with."""
        try:
            message = self.connection.recv()
        except (EOFError, OSError):
            return StoreUnavailable("a query worker ended while it opened the store")
        if message[0] != "ready":
            error = decode(message)
            return error if isinstance(error, PartnergraphError) else StoreUnavailable(str(error))
        self.ready = True
        self.quads = int(message[1])
        return None

    def send(self, message: tuple[Any, ...]) -> None:
        """Hand the worker a request.

        Raises:
            WorkerDied: it has ended.
        """
        try:
            self.connection.send(message)
        except (EOFError, OSError):
            raise WorkerDied from None

    def poll(self, seconds: float) -> bool:
        """Wait at most ``seconds`` for the answer; whether it is there (or the worker ended)."""
        try:
            return self.connection.poll(max(0.0, seconds))
        except (EOFError, OSError):
            return True  # receive() tells

    def receive(self) -> Answer | Exception:
        """The answer that :meth:`poll` saw, or the error the worker reported (a query
        error: the worker is fine).

        Raises:
            WorkerDied: it ended instead of answering.
        """
        try:
            data = read_message(self.connection)
        except (EOFError, OSError):
            raise WorkerDied from None
        if data[:1] == RESULT_TAG:
            _, rows, truncated = RESULT.unpack_from(data)
            body = bytes(memoryview(data)[RESULT.size :])
            return ("result", None if rows < 0 else rows, bool(truncated)), body
        header = pickle.loads(data)  # noqa: S301 - our own worker, on a private pipe (as recv())
        if header[0] == "error":
            return decode(header)
        return header, None

    def death(self, settings: Settings) -> PartnergraphError:
        """Why the worker ended while it ran a query, from its exit status."""
        self.process.join(2)  # its own exit status, before any kill
        code = self.process.exitcode
        if code == -signal.SIGABRT:
            return out_of_memory(settings.query_memory_mb)
        if code == -signal.SIGSEGV:
            return QueryRejected("the query crashed the query engine and was stopped")
        log.error("query worker %s ended with exit code %s", self.pid, code)
        return StoreUnavailable("the query worker stopped unexpectedly")

    def kill(self) -> None:
        """Stop the process for sure, reap it and close the pipe (once, whoever asks)."""
        with self._ending:
            if self.process.is_alive() and self.process.pid is not None:
                with contextlib.suppress(ProcessLookupError):  # it may end on its own meanwhile
                    os.kill(self.process.pid, signal.SIGKILL)
            self.process.join(5)
            self.connection.close()


def launch(
    context: SpawnContext, spec: StoreSpec, settings: Settings, lane: str = NORMAL
) -> WorkerProcess:
    """Start a worker process on ``spec``; it says ``ready`` when it has opened the store.

    A worker for the :data:`LOW` lane runs at the lowest CPU priority from its
    start, so loading its store takes no CPU from the normal lane.

    The worker asks the kernel to kill it when the *thread* that started it ends
    (``PR_SET_PDEATHSIG`` follows threads): call this from a thread that lives
    as long as the worker should.
    """
    parent, child = context.Pipe()
    process = context.Process(
        target=worker_main.main,
        args=(child, spec, settings),
        name="partnergraph-query",
        daemon=True,
    )
    process.start()
    child.close()
    if lane == LOW and process.pid is not None:
        priority.lower(process.pid)
    return WorkerProcess(process, parent, lane=lane)


def decode(header: tuple[Any, ...]) -> Exception:
    """The exception of a worker's ``("error", class, message, line, column)``."""
    _, name, message, line, column = header
    if name == "QuerySyntaxError":
        return QuerySyntaxError(message, line, column)
    cls = ERRORS.get(name)
    if cls is not None:
        return cls(message)
    return RuntimeError(f"query worker failed: {message}")
