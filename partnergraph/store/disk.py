"""Writing an on-disk Oxigraph store (RocksDB) from a built N-Quads file.

The snapshots (:mod:`partnergraph.snapshots`) are made with it; once written, a
store is only ever opened read-only
(:meth:`~partnergraph.store.oxigraph.OxigraphStore.read_only`), by any number of
processes at once.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from partnergraph.store.oxigraph import add_union_default_graph


def write_store(directory: Path, data_file: Path) -> ox.Store:
    """Load ``data_file`` into a new on-disk store in ``directory``, with the union graph.

    Args:
        directory: a folder that does not exist yet (or is empty).
        data_file: N-Quads, every quad in a named graph.

    Returns:
        The store, still open for writing: read what you need from it, then drop it
        (``del``) before any reader opens the folder.
    """
    store = ox.Store(str(directory))
    store.bulk_load(path=str(data_file), format=ox.RdfFormat.N_QUADS)
    add_union_default_graph(store)
    store.flush()
    store.optimize()
    return store
