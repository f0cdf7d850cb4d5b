"""Shared fixtures: the project root and settings factories."""

from __future__ import annotations

from collections.abc import Callable, Iterator
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
