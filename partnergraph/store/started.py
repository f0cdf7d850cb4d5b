"""What the per-snapshot backends share: a store queried over HTTP whose engine this
process started for one snapshot, and stops when the store closes.

:class:`~partnergraph.store.oxigraph_server.OxigraphServerStore` and
:class:`~partnergraph.store.virtuoso_server.VirtuosoServerStore` are such stores; how
their engines are started and stopped is :mod:`.engine_processes`.
"""

from __future__ import annotations

import os
import subprocess
from abc import ABC, abstractmethod
from pathlib import Path

from partnergraph.settings import Settings
from partnergraph.store import engine_processes as engines
from partnergraph.store.base import StoreSpec
from partnergraph.store.remote import RemoteStore


class StartedEngineStore(RemoteStore, ABC):
    """A remote store over an engine this process (or its parent, before a fork)
    started.

    Args:
        process: the running engine.
        endpoint: its query endpoint.
        **options: as :class:`~partnergraph.store.remote.RemoteStore`.
    """

    def __init__(self, process: subprocess.Popen[bytes], endpoint: str, **options: object) -> None:
        super().__init__(endpoint, **options)  # type: ignore[arg-type]
        self.process = process
        self._starter = os.getpid()  # a forked child (a gunicorn worker) is not the parent

    @classmethod
    @abstractmethod
    def installed(cls) -> None:
        """Nothing when the engine's programs are installed.

        Raises:
            StoreUnavailable: they are not (the message says which and how to get them).
        """

    @classmethod
    def spec(
        cls,
        settings: Settings,
        data_file: Path | None,
        directory: Path | None,
        snapshot: Path | None,
    ) -> StoreSpec:
        """The snapshot's files, which the engine opens or loads."""
        return StoreSpec(cls.backend, data_file=data_file, directory=directory, snapshot=snapshot)

    def close(self) -> None:
        """Close the HTTP connections, stop the engine, then :meth:`stopped`."""
        super().close()
        engines.stop_started(self.process, self._starter)
        self.stopped()

    def stopped(self) -> None:
        """What is left to do once the engine has stopped (nothing here)."""
