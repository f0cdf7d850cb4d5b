"""Engines this process starts and stops: the servers of the per-snapshot backends
(``oxigraph-server``, ``virtuoso-server``).

An engine is started from one long-lived thread of the process (:func:`spawn`) and
asked to stop when that process dies (``PR_SET_PDEATHSIG`` on Linux: the kernel
follows the thread that started a child, so not a request thread that may end), so a
replica killed with SIGKILL leaves no engine behind. Its messages go to an unnamed
temporary file, never to a pipe that could fill up and stop it. An engine a parent
process started (the gunicorn master, before it forked the worker that retires it)
is stopped by its pid (:func:`stop_other`), as :class:`subprocess.Popen` only waits
for its own children. Engines still running when the process exits normally are
stopped then.
"""

from __future__ import annotations

import atexit
import ctypes
import os
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

#: Tries at free ports (another process may take the ones picked before the engine binds).
PORT_TRIES = 3
#: Seconds an engine has to stop after SIGTERM before it is killed.
STOP_SECONDS = 10.0
_PR_SET_PDEATHSIG = 1

#: Per process id: its launcher thread, and the engines it started.
_launchers: dict[int, ThreadPoolExecutor] = {}
_running: dict[int, set[subprocess.Popen[bytes]]] = {}
_launching = threading.Lock()


def free_port() -> int:
    """A TCP port of 127.0.0.1 free now (another process may take it before the
    engine binds it: callers try again)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def spawn(command: list[str], cwd: Path | None = None) -> subprocess.Popen[bytes]:
    """Start ``command`` from this process's launcher thread; it dies with this process."""
    return _launcher().submit(_spawn, command, cwd).result()


def _launcher() -> ThreadPoolExecutor:
    """This process's launcher thread (one per process: a forked child makes its own)."""
    with _launching:
        found = _launchers.get(os.getpid())
        if found is None:
            found = _launchers[os.getpid()] = ThreadPoolExecutor(1, "engine-launcher")
        return found


def _spawn(command: list[str], cwd: Path | None) -> subprocess.Popen[bytes]:
    errors = tempfile.TemporaryFile()  # noqa: SIM115 - closed with the engine (stop)
    process = subprocess.Popen(
        command,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=errors,
        stderr=errors,
        preexec_fn=_die_with_parent if sys.platform == "linux" else None,  # noqa: PLW1509
    )
    process.stderr = errors
    _running.setdefault(os.getpid(), set()).add(process)
    return process


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def messages(process: subprocess.Popen[bytes], most: int = 500) -> str:
    """The last ``most`` characters of what an engine wrote (standard output and error)."""
    if process.stderr is None or process.stderr.closed:
        return ""
    process.stderr.seek(0)
    return process.stderr.read().decode(errors="replace").strip()[-most:]


def wait_until_answering(process: subprocess.Popen[bytes], endpoint: str, seconds: float) -> str:
    """Empty once the engine answers ``ASK {}`` at ``endpoint``; else why it does not
    (it exited, with its last messages, or did not answer within ``seconds``)."""
    deadline = time.monotonic() + seconds
    with httpx.Client(timeout=2) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                return f"it exited with {process.returncode}: {messages(process)}"
            try:
                if client.get(endpoint, params={"query": "ASK {}"}).status_code == 200:
                    return ""
            except httpx.TransportError:
                pass
            time.sleep(0.05)
    return f"it did not answer within {seconds:g} s"


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then SIGKILL after :data:`STOP_SECONDS`; idempotent."""
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


def stop_started(process: subprocess.Popen[bytes], starter: int) -> None:
    """Stop an engine that process ``starter`` started: this process (:func:`stop`), or
    its parent before a fork (:func:`stop_other`)."""
    if os.getpid() == starter:
        stop(process)
    else:
        stop_other(process.pid)


def stop_other(pid: int) -> None:
    """Stop an engine that the parent of this process started, by its pid."""
    deadline = time.monotonic() + STOP_SECONDS
    try:
        os.kill(pid, signal.SIGTERM)
        while running(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if running(pid):
            os.kill(pid, signal.SIGKILL)
            while running(pid) and time.monotonic() < deadline + STOP_SECONDS:
                time.sleep(0.05)
    except ProcessLookupError:
        pass


def running(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie, ended and not yet reaped by its parent, does not)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return stat.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except (OSError, IndexError):
        return False


@atexit.register
def _stop_all() -> None:
    """Stop the engines this process started (not a parent's) when it exits normally."""
    for process in list(_running.get(os.getpid(), ())):
        stop(process)
