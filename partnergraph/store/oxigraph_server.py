"""The ``oxigraph-server`` backend: an Oxigraph server of its own for each snapshot.

Opening the store of a snapshot starts ``oxigraph serve-read-only`` (the PyPI package
``oxigraph``, a dependency of partnergraph) over the snapshot's on-disk store, on a
free port of 127.0.0.1, with the engine's own time limit (``--timeout-s``) set from
``query_timeout``; queries then go to it as to any remote endpoint
(:class:`~partnergraph.store.remote.RemoteStore`). Closing the store stops the
server. While the server runs, the snapshot is held (:class:`~partnergraph.snapshots.Hold`)
so that pruning old snapshots does not remove its files.

This is how a read replica of ``partnergraph deploy`` runs over Oxigraph server
(``--reader-store oxigraph-server``): each replica has its engine to itself, the
snapshot's files are shared through the page cache, and a new snapshot gets a new
server while the old one finishes the requests that began on it.

The server is started by one long-lived thread of the process and asked to stop when
that process dies (``PR_SET_PDEATHSIG`` on Linux), so a replica killed with SIGKILL
leaves no engine behind.
"""

from __future__ import annotations

import atexit
import ctypes
import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from partnergraph.errors import StoreUnavailable
from partnergraph.settings import Settings
from partnergraph.snapshots import Hold
from partnergraph.store.base import StoreSpec
from partnergraph.store.remote import RemoteStore, client_limits

#: Seconds a started server has to answer its first query.
START_SECONDS = 30.0
#: Seconds a server has to stop after SIGTERM before it is killed.
STOP_SECONDS = 10.0
#: Tries at a free port (another process may take the one picked before the server binds).
PORT_TRIES = 3
_PR_SET_PDEATHSIG = 1


class OxigraphServerStore(RemoteStore):
    """A snapshot's store served by an Oxigraph server this process started.

    Args:
        process: the running ``oxigraph serve-read-only``.
        hold: the hold on the snapshot it reads, released when it stops.
        endpoint: its query endpoint.
        **options: as :class:`~partnergraph.store.remote.RemoteStore`.
    """

    backend = "oxigraph-server"

    def __init__(
        self,
        process: subprocess.Popen[bytes],
        hold: Hold | None,
        endpoint: str,
        **options: object,
    ) -> None:
        super().__init__(endpoint, **options)  # type: ignore[arg-type]
        self.process = process
        self._hold = hold
        self._owner = os.getpid()  # a forked child (a gunicorn worker) is not the parent

    @classmethod
    def spec(
        cls,
        settings: Settings,
        data_file: Path | None,
        directory: Path | None,
        snapshot: Path | None,
    ) -> StoreSpec:
        """The snapshot's on-disk store, which the server opens read-only."""
        return StoreSpec(cls.backend, data_file=data_file, directory=directory, snapshot=snapshot)

    @classmethod
    def open(cls, spec: StoreSpec, settings: Settings) -> OxigraphServerStore:
        """Start a server over the store of ``spec`` and wait until it answers.

        Raises:
            StoreUnavailable: the ``oxigraph`` program is missing, the snapshot has no
                on-disk store, or the server did not answer within ``START_SECONDS``.
        """
        if spec.directory is None or not spec.directory.is_dir():
            raise StoreUnavailable(
                f"the oxigraph-server backend needs the snapshot's on-disk store; "
                f"{spec.directory} is not a folder"
            )
        binary = server_binary()
        hold = Hold(spec.snapshot) if spec.snapshot is not None else None
        try:
            process, endpoint = _started(binary, spec.directory, settings.query_timeout)
        except BaseException:
            if hold is not None:
                hold.release()
            raise
        store = cls(process, hold, endpoint, **client_limits(settings))
        store.learn_dialect()
        return store

    def close(self) -> None:
        """Close the HTTP connections, stop the server and let the snapshot go."""
        super().close()
        if os.getpid() == self._owner:
            _stop(self.process)
        else:
            _stop_other(self.process.pid)
        if self._hold is not None:
            self._hold.release()
            self._hold = None


def server_binary() -> str:
    """The ``oxigraph`` program: beside this Python's executable (a virtual
    environment's ``bin/``), else on ``PATH``.

    Raises:
        StoreUnavailable: it is in neither place.
    """
    beside = Path(sys.executable).parent / "oxigraph"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which("oxigraph")
    if found is None:
        raise StoreUnavailable(
            "the oxigraph-server backend needs the `oxigraph` program "
            "(PyPI package oxigraph, installed with partnergraph); it is not installed"
        )
    return found


def _started(binary: str, location: Path, timeout: float) -> tuple[subprocess.Popen[bytes], str]:
    """Start the server on a free port; try another port when the one picked was taken."""
    problem = ""
    for _ in range(PORT_TRIES):
        port = _free_port()
        command = [
            binary,
            "serve-read-only",
            "--location",
            str(location),
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout-s",
            str(max(1, math.ceil(timeout))),
        ]
        process = _launcher().submit(_spawn, command).result()
        endpoint = f"http://127.0.0.1:{port}/query"
        problem = _wait_until_answering(process, endpoint)
        if not problem:
            return process, endpoint
        _stop(process)
    raise StoreUnavailable(f"oxigraph serve-read-only over {location} did not start: {problem}")


def _wait_until_answering(process: subprocess.Popen[bytes], endpoint: str) -> str:
    """Empty once the server answers an ``ASK``; else why it does not."""
    deadline = time.monotonic() + START_SECONDS
    with httpx.Client(timeout=2) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                return f"it exited with {process.returncode}: {_errors(process)}"
            try:
                if client.get(endpoint, params={"query": "ASK {}"}).status_code == 200:
                    return ""
            except httpx.TransportError:
                pass
            time.sleep(0.05)
    return f"it did not answer within {START_SECONDS:g} s"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


#: Per process id: its launcher thread, and the servers it started.
_launchers: dict[int, ThreadPoolExecutor] = {}
_running: dict[int, set[subprocess.Popen[bytes]]] = {}
_launching = threading.Lock()


def _launcher() -> ThreadPoolExecutor:
    """This process's launcher thread (one per process: a forked child makes its own).

    Servers are started from it, not from the request thread that opened the store,
    because the kernel's parent-death signal follows the thread that started a child.
    """
    with _launching:
        found = _launchers.get(os.getpid())
        if found is None:
            found = _launchers[os.getpid()] = ThreadPoolExecutor(1, "oxigraph-server")
        return found


def _spawn(command: list[str]) -> subprocess.Popen[bytes]:
    """Start the server, its messages into an unnamed temporary file (never a pipe
    that could fill up and stop it)."""
    errors = tempfile.TemporaryFile()  # noqa: SIM115 - closed with the server (_stop)
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=errors,
        preexec_fn=_die_with_parent if sys.platform == "linux" else None,  # noqa: PLW1509
    )
    process.stderr = errors
    _running.setdefault(os.getpid(), set()).add(process)
    return process


def _errors(process: subprocess.Popen[bytes]) -> str:
    """The last of what the server wrote to its standard error."""
    if process.stderr is None:
        return ""
    process.stderr.seek(0)
    return process.stderr.read().decode(errors="replace").strip()[-500:]


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then SIGKILL after ``STOP_SECONDS``; idempotent."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    if process.stderr is not None:
        process.stderr.close()
    _running.get(os.getpid(), set()).discard(process)


def _stop_other(pid: int) -> None:
    """Stop a server that the parent of this process started (a gunicorn worker
    retiring the engine its master opened before the fork): signalled by its pid, as
    :class:`subprocess.Popen` only waits for its own children."""
    deadline = time.monotonic() + STOP_SECONDS
    try:
        os.kill(pid, signal.SIGTERM)
        while _running_pid(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if _running_pid(pid):
            os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _running_pid(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie, ended and not yet reaped by its parent, does not)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return stat.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except (OSError, IndexError):
        return False


@atexit.register
def _stop_all() -> None:
    """Stop the servers this process started (not a parent's) when it exits normally."""
    for process in list(_running.get(os.getpid(), ())):
        _stop(process)
