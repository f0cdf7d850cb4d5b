"""A real Virtuoso Open Source (Debian's ``virtuoso-opensource``) for tests: start,
load, stop, through the package's own :mod:`partnergraph.store.virtuoso_engine` (the
one the ``virtuoso-server`` backend starts per snapshot).

Other test modules reuse it::

    from tests.virtuoso_server import started

    with started(tmp_path / "virtuoso") as server:
        server.load_nquads(path)
        ... server.query_url ...

Only a missing ``virtuoso-t`` skips a test (``pytest.skip`` with the reason); any
other failure to start or load is an error.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from partnergraph.errors import StoreUnavailable
from partnergraph.store.virtuoso_engine import VirtuosoEngine, VirtuosoLimits, binaries

#: A running ``virtuoso-t`` (what :func:`started` gives).
VirtuosoServer = VirtuosoEngine


def installed() -> None:
    """Skip the calling test when Virtuoso is not installed."""
    try:
        binaries()
    except StoreUnavailable as exc:
        pytest.skip(str(exc))


@contextmanager
def started(
    folder: Path,
    *,
    result_set_max_rows: int = 100_000,
    max_query_execution_time: int = 30,
    max_query_cost_estimation_time: int = 400,
    group_own_graphs: bool = True,
) -> Iterator[VirtuosoEngine]:
    """Run a server over a new database in ``folder`` for the ``with`` block.

    Args:
        folder: an empty or missing folder for the database and its ini file.
        result_set_max_rows: Virtuoso's own cap on the rows of one result.
        max_query_execution_time: seconds Virtuoso lets one query run.
        max_query_cost_estimation_time: the most seconds Virtuoso may estimate a query
            to take before it refuses to run it (400, the packaged value; 0: none).
        group_own_graphs: make the graph group of its own graphs, as partnergraph's
            engines have (False: as a Virtuoso someone else runs may be).
    """
    installed()
    limits = VirtuosoLimits(
        result_set_max_rows=result_set_max_rows,
        max_query_execution_time=max_query_execution_time,
        max_query_cost_estimation_time=max_query_cost_estimation_time,
    )
    engine = VirtuosoEngine.start(folder, limits, group_own_graphs=group_own_graphs)
    try:
        yield engine
    finally:
        engine.stop()
