"""Query services over a given N-Quads file, as a server opens them over a snapshot.

The file becomes a snapshot in a folder beside it (:func:`partnergraph.snapshots.of_file`);
the result cache is off unless asked for, so that every query reaches the engine.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from partnergraph import snapshots
from partnergraph.service import QueryService, open_query_service
from partnergraph.settings import Settings


def open_file_service(settings: Settings, data_file: Path, cache_mb: int = 0) -> QueryService:
    """The query service of ``settings`` over the snapshot of ``data_file``."""
    settings = dataclasses.replace(
        settings,
        store_dir=str(data_file.parent / "snapshots"),
        output_dir=data_file.parent,
        cache_mb=cache_mb,
    )
    return open_query_service(settings, snapshots.of_file(settings, data_file))
