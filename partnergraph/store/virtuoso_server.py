"""The ``virtuoso-server`` backend: a Virtuoso of its own for each snapshot.

Virtuoso cannot open a database another process built, nor share one between servers,
so opening the store of a snapshot starts ``virtuoso-t`` over a new database in a
folder of its own under ``{output_dir}/engines/`` (``virtuoso-{pid}-{snapshot}-…``:
the process that started it, the version it serves) and bulk-loads the snapshot's
N-Quads into it (:mod:`.virtuoso_engine`): on this machine 1.8 s to start and 0.1 s
to load the curated graph; 5.2 s to load 1 000 000 triples. Queries then go to it as
to any remote endpoint (:class:`~partnergraph.store.remote.RemoteStore`, with
Virtuoso's dialect). Closing the store stops the server and removes its folder.

Its limits come from the settings: ``MaxQueryExecutionTime`` at ``query_timeout``
rounded up, ``ResultSetMaxRows`` far above ``row_cap`` (it would cut a ``CONSTRUCT``
silently), the cost estimate off (``docs/engines.md``). ``dba`` gets a random password
before anything is loaded; the SQL and HTTP ports are on 127.0.0.1.

This is how a read replica of ``partnergraph deploy`` runs over Virtuoso
(``--reader-store virtuoso-server``). Because a new version takes seconds to load, a
replica prepares it while it serves the version before (``Served.follow``).
"""

from __future__ import annotations

import math
import os
import shutil
import tempfile
from pathlib import Path

from partnergraph.errors import StoreUnavailable
from partnergraph.settings import Settings
from partnergraph.store import engine_processes as engines
from partnergraph.store.base import StoreSpec
from partnergraph.store.remote import client_limits
from partnergraph.store.started import StartedEngineStore
from partnergraph.store.virtuoso_engine import VirtuosoEngine, VirtuosoLimits, binaries

#: The folder (under ``output_dir``) of the engines' databases.
ENGINES = "engines"
#: The least rows of a result Virtuoso's own cap allows, and the factor over ``row_cap``.
LEAST_MAX_ROWS, ROWS_OVER_CAP = 100_000, 10
#: The least 8 KiB buffers of its page cache; more for larger data (a page per 8 KiB of it).
LEAST_BUFFERS = 10_000


class VirtuosoServerStore(StartedEngineStore):
    """A snapshot's store served by a Virtuoso this process started and loaded.

    Args:
        engine: the running, loaded server.
        **options: as :class:`~partnergraph.store.remote.RemoteStore`.
    """

    backend = "virtuoso-server"

    def __init__(self, engine: VirtuosoEngine, **options: object) -> None:
        super().__init__(engine.process, engine.query_url, **options)
        self.engine = engine

    @classmethod
    def installed(cls) -> None:
        """Nothing when ``virtuoso-t`` and ``isql-vt`` are found (:func:`binaries`)."""
        binaries()

    @classmethod
    def open(cls, spec: StoreSpec, settings: Settings) -> VirtuosoServerStore:
        """Start a server over a new database, load the snapshot's N-Quads, and wait
        until it answers.

        Raises:
            StoreUnavailable: Virtuoso is not installed, the snapshot has no N-Quads,
                or the server did not start or load.
        """
        if spec.data_file is None or not spec.data_file.is_file():
            raise StoreUnavailable(
                f"the virtuoso-server backend loads the snapshot's N-Quads; "
                f"{spec.data_file} is not a file"
            )
        parent = settings.output_dir / ENGINES
        parent.mkdir(parents=True, exist_ok=True)
        remove_abandoned(parent)
        source = spec.snapshot.name if spec.snapshot is not None else spec.data_file.stem
        folder = Path(tempfile.mkdtemp(prefix=f"virtuoso-{os.getpid()}-{source}-", dir=parent))
        engine = None
        try:
            engine = VirtuosoEngine.start(folder, limits(settings, spec.data_file))
            engine.load_nquads(spec.data_file)
        except BaseException:
            if engine is not None:
                engine.stop()
            shutil.rmtree(folder, ignore_errors=True)
            raise
        store = cls(engine, **client_limits(settings))
        store.learn_dialect()
        return store

    def stopped(self) -> None:
        """Remove its database."""
        shutil.rmtree(self.engine.folder, ignore_errors=True)


def limits(settings: Settings, data_file: Path) -> VirtuosoLimits:
    """Virtuoso's own limits for ``settings``, its page cache sized to ``data_file``."""
    return VirtuosoLimits(
        result_set_max_rows=max(LEAST_MAX_ROWS, settings.row_cap * ROWS_OVER_CAP),
        max_query_execution_time=max(1, math.ceil(settings.query_timeout)),
        max_query_cost_estimation_time=0,
        buffers=max(LEAST_BUFFERS, data_file.stat().st_size // 8192),
    )


def remove_abandoned(parent: Path) -> None:
    """Remove the databases of servers whose process is gone (a replica killed with
    SIGKILL cannot remove its own; its server died with it)."""
    for found in parent.glob("virtuoso-*-*"):
        starter = found.name.split("-")[1]
        if starter.isdigit() and not engines.running(int(starter)):
            shutil.rmtree(found, ignore_errors=True)
