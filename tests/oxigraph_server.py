"""A real Oxigraph server (PyPI ``oxigraph``) for tests: start, load, stop.

Other test modules reuse it::

    from tests.oxigraph_server import OxigraphServer

    with OxigraphServer.start() as server:
        server.load_nquads(path)
        ... server.query_url ...

The binary is the ``oxigraph`` script installed beside the Python running the
tests (``sys.executable``'s folder). The server listens on 127.0.0.1 and a free
port, in memory unless a ``location`` folder is given, with the union of all
graphs as its default graph (as partnergraph's own stores).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from .processes import stop


def oxigraph_binary() -> Path:
    """The ``oxigraph`` executable of the running virtual environment."""
    candidate = Path(sys.executable).parent / "oxigraph"
    if candidate.exists():
        return candidate
    found = shutil.which("oxigraph")
    if found is None:
        raise FileNotFoundError("the oxigraph server (PyPI package 'oxigraph') is not installed")
    return Path(found)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class OxigraphServer:
    """A running ``oxigraph serve`` process.

    Attributes:
        url: its base URL (``http://127.0.0.1:PORT``).
        process: the server process.
    """

    url: str
    process: subprocess.Popen[bytes]

    @property
    def query_url(self) -> str:
        """The SPARQL query endpoint."""
        return f"{self.url}/query"

    @property
    def update_url(self) -> str:
        """The SPARQL update endpoint."""
        return f"{self.url}/update"

    @classmethod
    @contextmanager
    def start(
        cls,
        location: Path | None = None,
        *,
        union_default_graph: bool = True,
        timeout_s: int | None = None,
    ) -> Iterator[OxigraphServer]:
        """Run a server for the duration of the ``with`` block, then stop it.

        Args:
            location: a folder for an on-disk store; in memory when None.
            union_default_graph: query the union of all graphs by default.
            timeout_s: the engine's own time limit on a query (``--timeout-s``, whole
                seconds); none when None.
        """
        port = free_port()
        command = [str(oxigraph_binary()), "serve", "--bind", f"127.0.0.1:{port}"]
        if location is not None:
            command += ["--location", str(location)]
        if union_default_graph:
            command.append("--union-default-graph")
        if timeout_s is not None:
            command += ["--timeout-s", str(timeout_s)]
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        server = cls(f"http://127.0.0.1:{port}", process)
        try:
            server.wait_until_ready()
            yield server
        finally:
            stop(process, grace=10)
            if process.stderr is not None:
                process.stderr.close()

    def wait_until_ready(self, timeout: float = 20.0) -> None:
        """Poll the query endpoint until it answers.

        Raises:
            RuntimeError: the process ended, or did not answer in time.
        """
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                error = self.process.stderr.read().decode() if self.process.stderr else ""
                raise RuntimeError(f"oxigraph serve ended with {self.process.returncode}: {error}")
            try:
                response = httpx.get(self.query_url, params={"query": "ASK {}"}, timeout=1)
                if response.status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"oxigraph serve did not answer on {self.url} within {timeout} s")

    def load_nquads(self, data_file: Path) -> None:
        """Add the N-Quads of ``data_file`` to the server's dataset (Graph Store Protocol)."""
        response = httpx.post(
            f"{self.url}/store",
            content=data_file.read_bytes(),
            headers={"Content-Type": "application/n-quads"},
            timeout=60,
        )
        response.raise_for_status()
