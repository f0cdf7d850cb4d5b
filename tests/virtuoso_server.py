"""A real Virtuoso Open Source (Debian's ``virtuoso-opensource``) for tests: start,
load, stop.

Other test modules reuse it::

    from tests.virtuoso_server import VirtuosoServer

    with VirtuosoServer.start(tmp_path / "virtuoso") as server:
        server.load_nquads(path)
        ... server.query_url ...

The server gets an ini file of its own, written into the database folder it is
given (database, transaction log, error log and temporary database there), with
its SQL port (for ``isql-vt``) and its HTTP port on free ports of 127.0.0.1 only.
It is loaded with Virtuoso's bulk loader (``ld_dir``, ``rdf_loader_run()``,
``checkpoint``) through ``isql-vt`` as ``dba`` (a fresh database's default
password: nothing else can reach it). The packaged
``/etc/virtuoso-opensource-7/virtuoso.ini`` is neither read nor changed.

Only a missing ``virtuoso-t`` skips a test (``pytest.skip`` with the reason); any
other failure to start or load is an error.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from .oxigraph_server import free_port
from .processes import stop

SERVER, ISQL = "virtuoso-t", "isql-vt"


def binaries() -> tuple[Path, Path]:
    """``virtuoso-t`` and ``isql-vt``, or a skip of the calling test when missing."""
    server, isql = shutil.which(SERVER), shutil.which(ISQL)
    if server is None or isql is None:
        pytest.skip(
            f"Virtuoso is not installed ({SERVER} or {ISQL} not on PATH; "
            "Debian package 'virtuoso-opensource', `make system-packages`)"
        )
    return Path(server), Path(isql)


def ini_text(
    folder: Path,
    sql_port: int,
    http_port: int,
    *,
    result_set_max_rows: int,
    max_query_execution_time: int,
    max_query_cost_estimation_time: int = 400,
) -> str:
    """The ini file of a test server whose every file lives in ``folder``."""
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
DirsAllowed = ., {folder / "load"}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
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
ResultSetMaxRows = {result_set_max_rows}
MaxQueryExecutionTime = {max_query_execution_time}
MaxQueryCostEstimationTime = {max_query_cost_estimation_time}
"""


@dataclass
class VirtuosoServer:
    """A running ``virtuoso-t``.

    Attributes:
        url: its HTTP base URL (``http://127.0.0.1:PORT``).
        sql_port: the port ``isql-vt`` connects to.
        folder: its database folder (ini, database, logs).
        process: the server process.
        isql: the ``isql-vt`` executable.
    """

    url: str
    sql_port: int
    folder: Path
    process: subprocess.Popen[bytes]
    isql: Path

    @property
    def query_url(self) -> str:
        """The SPARQL endpoint (queries only: its ``SPARQL`` user cannot update)."""
        return f"{self.url}/sparql"

    @classmethod
    @contextmanager
    def start(
        cls,
        folder: Path,
        *,
        result_set_max_rows: int = 100_000,
        max_query_execution_time: int = 30,
        max_query_cost_estimation_time: int = 400,
    ) -> Iterator[VirtuosoServer]:
        """Run a server over a new database in ``folder`` for the ``with`` block.

        Args:
            folder: an empty or missing folder for the database and its ini file.
            result_set_max_rows: Virtuoso's own cap on the rows of one result.
            max_query_execution_time: seconds Virtuoso lets one query run.
            max_query_cost_estimation_time: the most seconds Virtuoso may estimate a
                query to take before it refuses to run it (0: no estimate refuses).

        Raises:
            RuntimeError: the server ended, or did not answer in time.
        """
        server_binary, isql = binaries()
        folder = folder.resolve()
        (folder / "load").mkdir(parents=True, exist_ok=True)
        sql_port, http_port = free_port(), free_port()
        while http_port == sql_port:
            http_port = free_port()
        ini = folder / "virtuoso.ini"
        ini.write_text(
            ini_text(
                folder,
                sql_port,
                http_port,
                result_set_max_rows=result_set_max_rows,
                max_query_execution_time=max_query_execution_time,
                max_query_cost_estimation_time=max_query_cost_estimation_time,
            ),
            encoding="utf-8",
        )
        with (folder / "console.log").open("wb") as console:
            process = subprocess.Popen(
                [str(server_binary), "+foreground", "+configfile", str(ini)],
                cwd=folder,
                stdin=subprocess.DEVNULL,
                stdout=console,
                stderr=subprocess.STDOUT,
            )
        server = cls(f"http://127.0.0.1:{http_port}", sql_port, folder, process, isql)
        try:
            server.wait_until_ready()
            yield server
        finally:
            stop(process, grace=15)

    def wait_until_ready(self, timeout: float = 60.0) -> None:
        """Poll ``/sparql`` until it answers (a new database takes a few seconds).

        Raises:
            RuntimeError: the process ended, or did not answer in time.
        """
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"virtuoso-t ended with {self.process.returncode}: {self.log_tail()}"
                )
            try:
                response = httpx.get(self.query_url, params={"query": "ASK {}"}, timeout=2)
                if response.status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"virtuoso-t did not answer on {self.url} within {timeout} s")

    def log_tail(self, lines: int = 20) -> str:
        """The last lines of the server's console output."""
        console = self.folder / "console.log"
        text = console.read_text(errors="replace") if console.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def sql(self, statements: str, timeout: float = 120.0) -> str:
        """Run SQL statements through ``isql-vt`` as ``dba``; return its output.

        Raises:
            RuntimeError: ``isql-vt`` failed or reported an error.
        """
        done = subprocess.run(
            [str(self.isql), f"127.0.0.1:{self.sql_port}", "dba", "dba", f"exec={statements}"],
            capture_output=True,
            timeout=timeout,
            check=False,
        )
        output = done.stdout.decode(errors="replace") + done.stderr.decode(errors="replace")
        if done.returncode != 0 or "*** Error" in output:
            raise RuntimeError(f"isql-vt failed ({done.returncode}): {output.strip()}")
        return output

    def load_nquads(self, data_file: Path) -> None:
        """Bulk-load the N-Quads of ``data_file`` (each quad into its own graph).

        The file is copied into the database folder's ``load/``, the one data
        folder of ``DirsAllowed``, then loaded and checkpointed.

        Raises:
            RuntimeError: the bulk loader refused the file.
        """
        target = self.folder / "load" / data_file.name
        shutil.copyfile(data_file, target)
        folder, name = _sql_string(str(target.parent)), _sql_string(target.name)
        self.sql(
            f"ld_dir({folder}, {name}, 'urn:partnergraph:no-default-graph'); "
            "rdf_loader_run(); checkpoint;"
        )
        errors = self.sql(
            "SELECT ll_file, ll_error FROM DB.DBA.LOAD_LIST WHERE ll_error IS NOT NULL;"
        )
        if "0 Rows." not in errors:
            raise RuntimeError(f"Virtuoso's bulk loader refused {data_file}: {errors.strip()}")


def _sql_string(text: str) -> str:
    """``text`` as a SQL string literal."""
    return "'" + text.replace("'", "''") + "'"
