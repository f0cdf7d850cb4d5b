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

The server is started and stopped as :mod:`~partnergraph.store.engine_processes` says:
it dies with the process that started it, so a replica killed with SIGKILL leaves no
engine behind.
"""

from __future__ import annotations

import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

from partnergraph.errors import StoreUnavailable
from partnergraph.settings import Settings
from partnergraph.snapshots import Hold
from partnergraph.store import engine_processes as engines
from partnergraph.store.base import StoreSpec
from partnergraph.store.remote import client_limits
from partnergraph.store.started import StartedEngineStore

#: Seconds a started server has to answer its first query.
START_SECONDS = 30.0


class OxigraphServerStore(StartedEngineStore):
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
        super().__init__(process, endpoint, **options)
        self._hold = hold

    @classmethod
    def installed(cls) -> None:
        """Nothing when the ``oxigraph`` program is found (:func:`server_binary`)."""
        server_binary()

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

    def stopped(self) -> None:
        """Let the snapshot go."""
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
    for _ in range(engines.PORT_TRIES):
        port = engines.free_port()
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
        process = engines.spawn(command)
        endpoint = f"http://127.0.0.1:{port}/query"
        problem = engines.wait_until_answering(process, endpoint, START_SECONDS)
        if not problem:
            return process, endpoint
        engines.stop(process)
    raise StoreUnavailable(f"oxigraph serve-read-only over {location} did not start: {problem}")
