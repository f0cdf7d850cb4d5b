"""A Virtuoso Open Source server (Debian's ``virtuoso-opensource``) over a database
of its own: start, bulk-load, stop.

Used by the ``virtuoso-server`` backend (:mod:`.virtuoso_server`), which gives each
snapshot an engine of its own, and by the tests, which start one to query as a remote
endpoint. The packaged ``/etc/virtuoso-opensource-7/virtuoso.ini`` is neither read nor
changed: the server gets an ini file written into the database folder it is given
(database, transaction log, error log and temporary database all there), with its SQL
port (for ``isql-vt``) and HTTP port on free ports of 127.0.0.1 only.

It is loaded with Virtuoso's bulk loader (``ld_dir``, ``rdf_loader_run()``,
``checkpoint``) through ``isql-vt`` as ``dba``. A fresh database's ``dba`` password
is ``dba``; :meth:`VirtuosoEngine.start` replaces it with a random one before anything
is loaded (the other accounts of a new database cannot log in to SQL). The ``/sparql``
endpoint answers as Virtuoso's ``SPARQL`` user, which cannot update.
"""

from __future__ import annotations

import secrets
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from partnergraph.errors import StoreUnavailable
from partnergraph.store import engine_processes as engines
from partnergraph.store.remote_dialects import Virtuoso

SERVER, ISQL = "virtuoso-t", "isql-vt"
#: The ``dba`` password of a new database (replaced at start).
NEW_DATABASE_PASSWORD = "dba"  # noqa: S105 - Virtuoso's documented initial password
#: Seconds a new server has to answer its first query (a new database takes a few).
START_SECONDS = 60.0
#: Seconds one ``isql-vt`` call (a bulk load among them) may take.
SQL_SECONDS = 600.0


@dataclass(frozen=True)
class VirtuosoLimits:
    """Virtuoso's own limits, written into its ini file (section ``[SPARQL]``).

    Attributes:
        result_set_max_rows: its cap on the rows of one result (``ResultSetMaxRows``);
            it cuts a ``CONSTRUCT`` silently, so keep it above ``row_cap``.
        max_query_execution_time: seconds it lets one query run (0: no limit); the
            remote store also sends a ``timeout`` with each query.
        max_query_cost_estimation_time: the most seconds it may estimate a query to
            take before it refuses to run it (0: no estimate refuses; see
            ``docs/engines.md``: its estimates vary from run to run).
        buffers: ``NumberOfBuffers``, 8 KiB pages of its page cache.
    """

    result_set_max_rows: int = 100_000
    max_query_execution_time: int = 30
    max_query_cost_estimation_time: int = 0
    buffers: int = 10_000


def binaries() -> tuple[str, str]:
    """``virtuoso-t`` and ``isql-vt``.

    Raises:
        StoreUnavailable: either is not on ``PATH``.
    """
    server, isql = shutil.which(SERVER), shutil.which(ISQL)
    if server is None or isql is None:
        raise StoreUnavailable(
            f"Virtuoso is not installed ({SERVER} or {ISQL} not on PATH; "
            "Debian package 'virtuoso-opensource', `make system-packages`)"
        )
    return server, isql


def ini_text(folder: Path, sql_port: int, http_port: int, limits: VirtuosoLimits) -> str:
    """The ini file of a server whose every file lives in ``folder``."""
    return f"""\
[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
LockFile = {folder}/virtuoso.lck
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
MaxClientConnections = 8
CheckpointInterval = 0
CaseMode = 2
DirsAllowed = {folder / "load"}
NumberOfBuffers = {limits.buffers}
MaxDirtyBuffers = {limits.buffers * 3 // 4}
ThreadsPerQuery = 2
AsyncQueueMaxThreads = 4

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {folder}
MaxClientConnections = 8
ServerThreads = 8
EnabledDavVSP = 0
Charset = UTF-8

[SPARQL]
ResultSetMaxRows = {limits.result_set_max_rows}
MaxQueryExecutionTime = {limits.max_query_execution_time}
MaxQueryCostEstimationTime = {limits.max_query_cost_estimation_time}
"""


@dataclass
class VirtuosoEngine:
    """A running ``virtuoso-t``.

    Attributes:
        url: its HTTP base URL (``http://127.0.0.1:PORT``).
        sql_port: the port ``isql-vt`` connects to.
        folder: its database folder (ini, database, logs).
        process: the server process (started by
            :func:`partnergraph.store.engine_processes.spawn`: it dies with this process).
        isql: the ``isql-vt`` program.
        password: ``dba``'s password.
    """

    url: str
    sql_port: int
    folder: Path
    process: subprocess.Popen[bytes]
    isql: str
    password: str = NEW_DATABASE_PASSWORD

    @property
    def query_url(self) -> str:
        """The SPARQL endpoint (queries only: its ``SPARQL`` user cannot update)."""
        return f"{self.url}/sparql"

    @classmethod
    def start(
        cls, folder: Path, limits: VirtuosoLimits, *, group_own_graphs: bool = True
    ) -> VirtuosoEngine:
        """Start a server over a new database in ``folder``, wait until it answers,
        give ``dba`` a random password, and group Virtuoso's own graphs.

        Args:
            folder: an empty or missing folder for the database and its ini file.
            limits: its own limits.
            group_own_graphs: make the graph group the Virtuoso dialect leaves out of
                the default graph (:meth:`group_own_graphs`); False: a Virtuoso as
                someone else may run it, without one.

        Raises:
            StoreUnavailable: Virtuoso is not installed, or the server did not start.
        """
        server, isql = binaries()
        folder = folder.resolve()
        (folder / "load").mkdir(parents=True, exist_ok=True)
        problem = ""
        for _ in range(engines.PORT_TRIES):
            sql_port, http_port = engines.free_port(), engines.free_port()
            if sql_port == http_port:
                continue
            ini = folder / "virtuoso.ini"
            ini.write_text(ini_text(folder, sql_port, http_port, limits), encoding="utf-8")
            process = engines.spawn([server, "+foreground", "+configfile", str(ini)], cwd=folder)
            engine = cls(f"http://127.0.0.1:{http_port}", sql_port, folder, process, isql)
            problem = engines.wait_until_answering(process, engine.query_url, START_SECONDS)
            if not problem:
                try:  # its SQL port too: another process may hold a port picked
                    engine.change_password()
                    if group_own_graphs:
                        engine.group_own_graphs()
                    return engine
                except StoreUnavailable as exc:
                    problem = f"{exc} ({engine.messages()})"
            engine.stop()
            for made in folder.glob("virtuoso*"):  # a half-made database is not reused
                made.unlink()
        raise StoreUnavailable(f"virtuoso-t over {folder} did not start: {problem}")

    def change_password(self) -> None:
        """Give ``dba`` a random password, known only to this object."""
        password = secrets.token_urlsafe(24)
        self.sql(f"USER_SET_PASSWORD('dba', {_sql_string(password)});")
        self.password = password

    def group_own_graphs(self) -> None:
        """Make the graph group :data:`Virtuoso.OWN_GRAPHS` of Virtuoso's own graphs
        (:data:`Virtuoso.SYSTEM_GRAPHS`), before any query names it (Virtuoso keeps a
        query's plan): the dialect then leaves them out of the default graph with one
        pragma, where a pragma per graph makes some valid queries fail to plan."""
        group = _sql_string(Virtuoso.OWN_GRAPHS)
        members = " ".join(
            f"DB.DBA.RDF_GRAPH_GROUP_INS ({group}, {_sql_string(graph)});"
            for graph in Virtuoso.SYSTEM_GRAPHS
        )
        self.sql(f"DB.DBA.RDF_GRAPH_GROUP_CREATE ({group}, 1); {members}")

    def sql(self, statements: str, timeout: float = SQL_SECONDS) -> str:
        """Run SQL statements through ``isql-vt`` as ``dba``; return its output.

        Raises:
            StoreUnavailable: ``isql-vt`` failed or reported an error.
        """
        login = [f"127.0.0.1:{self.sql_port}", "dba", self.password]
        try:
            done = subprocess.run(
                [self.isql, *login, f"exec={statements}"],
                capture_output=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise StoreUnavailable(f"isql-vt did not finish within {timeout:g} s") from exc
        output = done.stdout.decode(errors="replace") + done.stderr.decode(errors="replace")
        if done.returncode != 0 or "*** Error" in output:
            if self.password != NEW_DATABASE_PASSWORD:  # never in an error message
                output = output.replace(self.password, "…")
            raise StoreUnavailable(f"isql-vt failed ({done.returncode}): {output.strip()}")
        return output

    def load_nquads(self, data_file: Path) -> None:
        """Bulk-load the N-Quads of ``data_file`` (each quad into its own graph; a
        triple without one into a graph no query names).

        The file is linked (else copied) into the database folder's ``load/``, the
        one folder of ``DirsAllowed``, loaded and checkpointed, then unlinked.

        Raises:
            StoreUnavailable: the bulk loader refused the file.
        """
        target = self.folder / "load" / data_file.name
        target.unlink(missing_ok=True)
        try:
            target.hardlink_to(data_file)
        except OSError:
            shutil.copyfile(data_file, target)
        folder, name = _sql_string(str(target.parent)), _sql_string(target.name)
        try:
            self.sql(
                f"ld_dir({folder}, {name}, 'urn:partnergraph:no-default-graph'); "
                "rdf_loader_run(); checkpoint;"
            )
        finally:
            target.unlink(missing_ok=True)  # loaded: the database holds the data now
        errors = self.sql(
            "SELECT ll_file, ll_error FROM DB.DBA.LOAD_LIST WHERE ll_error IS NOT NULL;"
        )
        if "0 Rows." not in errors:
            raise StoreUnavailable(f"Virtuoso's bulk loader refused {data_file}: {errors.strip()}")

    def messages(self) -> str:
        """The last of what the server wrote."""
        return engines.messages(self.process)

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL); its folder stays."""
        engines.stop(self.process)


def _sql_string(text: str) -> str:
    """``text`` as a SQL string literal."""
    return "'" + text.replace("'", "''") + "'"
