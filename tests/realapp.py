"""Apps over the real ``graph/``, ``shapes/`` and ``queries/``, for the API tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask

from .paths import ROOT
from .webapp import web_app


@contextmanager
def real_app(backend: str, output_dir: Path, **overrides: Any) -> Iterator[Flask]:
    """An app on ``backend`` over the curated graph and the named queries of ``queries/``."""
    paths = {
        "graph_dir": ROOT / "graph",
        "shapes_dir": ROOT / "shapes",
        "queries_dir": ROOT / "queries",
    }
    with web_app(backend, output_dir, **{**paths, **overrides}) as app:
        yield app
