"""Shared fixtures: the project root and settings factories."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from partnergraph.settings import Settings, load

from .paths import ROOT


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
