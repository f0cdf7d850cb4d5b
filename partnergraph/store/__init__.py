"""Store backends behind one protocol, and the factory that picks one from settings.

============  =================================================================
backend       what it is
============  =================================================================
``oxigraph``  pyoxigraph embedded: a snapshot's store on disk, or in memory
``memory``    an rdflib ``Dataset``: the reference behaviour, for small graphs
``remote``    any SPARQL 1.1 endpoint at ``remote_endpoint``
============  =================================================================

:func:`store_spec` says where a store comes from (picklable, for worker
processes), :func:`open_store` opens one. Backend modules are imported only when
used, so a worker of one backend never imports another's library.
"""

from __future__ import annotations

from pathlib import Path

from partnergraph.settings import Settings
from partnergraph.store.base import (
    QueryForm,
    QueryRequest,
    QueryResult,
    QuerySyntaxError,
    Store,
    StoreSpec,
)
from partnergraph.store.results import ROW_CAP_PAGE


def row_cap_link(settings: Settings) -> str:
    """The URL a result cut by the row cap links to."""
    return settings.base_iri + ROW_CAP_PAGE


def store_spec(
    settings: Settings,
    data_file: Path | None,
    directory: Path | None = None,
    snapshot: Path | None = None,
) -> StoreSpec:
    """Where the store of ``settings`` comes from.

    Args:
        settings: ``store``, ``store_memory`` and ``remote_endpoint`` apply.
        data_file: the built N-Quads file (in-memory stores load it; a remote one
            may be loaded from it).
        directory: the on-disk Oxigraph store of the same data, when there is one:
            the ``oxigraph`` backend opens it read-only unless ``store_memory``.
        snapshot: the folder of the snapshot these belong to.
    """
    if settings.store == "remote":
        return StoreSpec(
            "remote", data_file=data_file, endpoint=settings.remote_endpoint, snapshot=snapshot
        )
    if settings.store == "oxigraph" and directory is not None and not settings.store_memory:
        return StoreSpec("oxigraph", directory=directory, snapshot=snapshot)
    return StoreSpec(settings.store, data_file=data_file, snapshot=snapshot)


def open_store(spec: StoreSpec, settings: Settings) -> Store:
    """Open the store of a prepared ``spec``.

    In-memory stores load the data file; an on-disk store opens read-only; a
    remote store loads the data file through ``remote_update_endpoint`` when
    that is set.

    Raises:
        StoreUnavailable: the store cannot be opened or loaded.
    """
    federation = settings.allow_federation
    link = row_cap_link(settings)
    if spec.backend == "oxigraph":
        from partnergraph.store.oxigraph import OxigraphStore

        if spec.directory is not None:
            return OxigraphStore.read_only(
                spec.directory, allow_federation=federation, row_cap_link=link
            )
        oxigraph = OxigraphStore(allow_federation=federation, row_cap_link=link)
        if spec.data_file is not None:
            oxigraph.load(spec.data_file)
        return oxigraph
    if spec.backend == "memory":
        from partnergraph.store.memory import MemoryStore

        memory = MemoryStore(allow_federation=federation, row_cap_link=link)
        if spec.data_file is not None:
            memory.load(spec.data_file)
        return memory
    from partnergraph.store.remote import RemoteStore

    remote = RemoteStore(
        spec.endpoint or settings.remote_endpoint,
        update_endpoint=settings.remote_update_endpoint or None,
        timeout=settings.query_timeout,
        max_bytes=settings.query_memory_mb * 2**20,
        allow_federation=federation,
        row_cap_link=link,
    )
    if settings.remote_update_endpoint and spec.data_file is not None:
        import pyoxigraph as ox

        remote.replace(ox.parse(path=str(spec.data_file), format=ox.RdfFormat.N_QUADS))
    return remote


__all__ = [
    "QueryForm",
    "QueryRequest",
    "QueryResult",
    "QuerySyntaxError",
    "Store",
    "StoreSpec",
    "open_store",
    "row_cap_link",
    "store_spec",
]
