"""Making apps for the web layer tests: fixture data, every backend, server processes.

The apps are made by the real ``server.create_app`` on the small graph in
``tests/data/web/`` (independent of the curated ``graph/``). The ``remote``
backend gets a real Oxigraph server (PyPI ``oxigraph``) on a free loopback port,
from :mod:`tests.oxigraph_server`; ``virtuoso`` is the ``remote`` backend over a
real Virtuoso (:mod:`tests.virtuoso_server`), bulk-loaded with the snapshot the
app then serves (its endpoint is read only: nothing can load it through SPARQL).
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from flask import Flask

from partnergraph.build import snapshot
from partnergraph.settings import load
from server import create_app

from .oxigraph_server import OxigraphServer
from .paths import DATA
from .virtuoso_server import VirtuosoServer, started

WEB = DATA / "web"
BACKENDS = ("oxigraph", "memory", "remote")
ENV_PREFIX = "PARTNERGRAPH_"


def web_config(output_dir: Path, **overrides: Any) -> dict[str, Any]:
    """Settings for an app over the web fixture graph, writing into ``output_dir``."""
    values: dict[str, Any] = {
        "graph_dir": WEB / "graph",
        "shapes_dir": WEB / "shapes",
        "queries_dir": WEB / "queries",
        "output_dir": output_dir,
        "query_workers": 1,
    }
    values.update(overrides)
    return values


@contextmanager
def clean_environment() -> Iterator[None]:
    """No ``PARTNERGRAPH_*`` variable from the caller's shell reaches the app."""
    saved = {key: value for key, value in os.environ.items() if key.startswith(ENV_PREFIX)}
    for key in saved:
        del os.environ[key]
    try:
        yield
    finally:
        os.environ.update(saved)


def server_environment(output_dir: Path, **settings: str) -> dict[str, str]:
    """The environment of a server process over the web fixture graph: the caller's,
    without its ``PARTNERGRAPH_*`` variables, plus the fixture's folders and ``settings``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(ENV_PREFIX)}
    env.update(
        PARTNERGRAPH_GRAPH_DIR=str(WEB / "graph"),
        PARTNERGRAPH_SHAPES_DIR=str(WEB / "shapes"),
        PARTNERGRAPH_QUERIES_DIR=str(WEB / "queries"),
        PARTNERGRAPH_OUTPUT_DIR=str(output_dir),
        **settings,
    )
    return env


def wait_until_up(url: str, process: subprocess.Popen[bytes] | None = None) -> None:
    """Poll ``url`` until it answers (or the process dies, or 60 s pass)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing answered at {url}")


@contextmanager
def web_app(backend: str, output_dir: Path, **overrides: Any) -> Iterator[Flask]:
    """An app on ``backend`` over the fixture graph; its query service closed after.

    Args:
        backend: a name of :data:`BACKENDS`, or ``virtuoso`` (the remote backend
            over a Virtuoso started for the app, skipped when it is not installed).
        output_dir: the app's output folder.
        overrides: settings over the fixture's.
    """
    values = web_config(output_dir, **overrides)
    with clean_environment(), _backend_config(backend, values) as config:
        app = create_app({**values, **config})
        try:
            yield app
        finally:
            app.extensions["partnergraph"].service.close()


@contextmanager
def _backend_config(backend: str, values: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    if backend == "virtuoso":
        with _virtuoso(values) as server:
            yield {"store": "remote", "remote_endpoint": server.query_url}
        return
    if backend != "remote":
        yield {"store": backend}
        return
    with OxigraphServer.start() as server:  # the union of all graphs as default graph
        yield {
            "store": "remote",
            "remote_endpoint": server.query_url,
            "remote_update_endpoint": server.update_url,
        }


@contextmanager
def _virtuoso(values: Mapping[str, Any]) -> Iterator[VirtuosoServer]:
    """A Virtuoso loaded with the snapshot of ``values``' inputs (built now, in the
    app's output folder, where the app then finds it kept), configured as
    docs/engines.md advises: no cost estimate (it refuses named queries that answer in
    milliseconds, at estimates that vary from run to run), the time limit per request."""
    made, _ = snapshot(load({**values, "store": "oxigraph"}, environ={}))
    with (
        tempfile.TemporaryDirectory(prefix="virtuoso-") as folder,
        started(Path(folder), max_query_cost_estimation_time=0) as server,
    ):
        server.load_nquads(made.data_file)
        yield server
