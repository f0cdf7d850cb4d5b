"""Shared fixtures (the project root, settings factories, a browser, a listener) and the
``serial`` marker's lock under pytest-xdist."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from partnergraph.settings import Settings, load

from .listener import Listener
from .paths import ROOT

if TYPE_CHECKING:
    from playwright.sync_api import Browser

    from .browser import Watched


@pytest.fixture
def make_settings(tmp_path: Path) -> Callable[..., Settings]:
    """Settings for the real graph and shapes, writing into a temporary folder."""

    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "graph_dir": ROOT / "graph",
            "shapes_dir": ROOT / "shapes",
            "queries_dir": ROOT / "queries",
            "output_dir": tmp_path / "out",
        }
        values.update(overrides)
        return load(values, environ={})

    return make


@pytest.fixture
def tiny_inputs(tmp_path: Path) -> Settings:
    """Settings over a graph folder with one small file and an empty shapes folder."""
    graph = tmp_path / "graph"
    graph.mkdir()
    (graph / "a.trig").write_text("# a\n", encoding="utf-8")
    shapes = tmp_path / "shapes"
    shapes.mkdir()
    return load(
        {"graph_dir": graph, "shapes_dir": shapes, "output_dir": tmp_path / "out"}, environ={}
    )


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless Chromium for a test module (the browser tests; see tests/browser.py)."""
    from .browser import chromium

    with chromium() as launched:
        yield launched


@pytest.fixture
def watched(browser: Browser) -> Iterator[Watched]:
    """A fresh browser context whose console errors and requests are recorded."""
    from .browser import Watched

    made = Watched(browser)
    yield made
    made.context.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    """A loopback TCP listener that counts connections (see tests/listener.py)."""
    opened = Listener()
    yield opened
    opened.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Iterator[object]:
    """Under pytest-xdist, a test marked ``serial`` runs while no other test runs.

    For tests that time what a server does under a load they make themselves: a
    pySHACL test on the other core would take its share. Each test holds a shared lock
    from its setup (module fixtures included) to its teardown, a ``serial`` one the
    exclusive lock; a gate lets no new test start once a serial one waits. The lock
    files are in the folder the run's workers share (each has a subfolder of it).
    """
    if "PYTEST_XDIST_WORKER" not in os.environ:  # one process: nothing runs beside it
        return (yield)
    folder = Path(item.config.getoption("basetemp")).parent
    with _turn(folder, exclusive=item.get_closest_marker("serial") is not None):
        return (yield)


@contextmanager
def _turn(folder: Path, exclusive: bool) -> Iterator[None]:
    with (folder / "serial.gate").open("a") as gate, (folder / "serial.lock").open("a") as lock:
        fcntl.flock(gate, fcntl.LOCK_EX)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        finally:
            fcntl.flock(gate, fcntl.LOCK_UN)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
