"""Store backends behind one protocol (:mod:`.base`), chosen by name through one
registry (:mod:`.registry`: ``oxigraph``, ``memory``, ``remote``).

:func:`store_spec` says where a store comes from (picklable, for worker
processes), :func:`open_store` opens one. Backend modules are imported only when
used, so a worker of one backend never imports another's library.
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING

from partnergraph.store.base import (
    QueryForm,
    QueryRequest,
    QueryResult,
    QuerySyntaxError,
    Store,
    StoreOpener,
    StoreSpec,
)
from partnergraph.store.registry import BACKENDS, Backend, backend
from partnergraph.store.results import row_cap_link

if TYPE_CHECKING:
    from partnergraph.settings import Settings


def store_class(name: str) -> StoreOpener:
    """The store class of the backend ``name`` (imported now, the first time).

    Raises:
        UnknownBackend: there is no backend of that name.
    """
    module, attribute = backend(name).opener.split(":")
    found: StoreOpener = getattr(import_module(module), attribute)
    return found


def store_spec(
    settings: Settings,
    data_file: Path | None,
    directory: Path | None = None,
    snapshot: Path | None = None,
) -> StoreSpec:
    """Where the store of ``settings`` comes from, as its backend says.

    Args:
        settings: ``store`` names the backend (:mod:`partnergraph.store.registry`);
            ``store_memory`` and ``remote_endpoint`` apply.
        data_file: the built N-Quads file (in-memory stores load it; a remote one
            may be loaded from it).
        directory: the on-disk Oxigraph store of the same data, when there is one:
            the ``oxigraph`` backend opens it read-only unless ``store_memory``.
        snapshot: the folder of the snapshot these belong to.
    """
    return store_class(settings.store).spec(settings, data_file, directory, snapshot)


def open_store(spec: StoreSpec, settings: Settings) -> Store:
    """Open the store of a prepared ``spec`` by its backend's class: in-memory stores
    load the data file; an on-disk store opens read-only; a remote store loads the
    data file through ``remote_update_endpoint`` when that is set.

    Raises:
        StoreUnavailable: the store cannot be opened or loaded.
    """
    return store_class(spec.backend).open(spec, settings)


__all__ = [
    "BACKENDS",
    "Backend",
    "QueryForm",
    "QueryRequest",
    "QueryResult",
    "QuerySyntaxError",
    "Store",
    "StoreSpec",
    "backend",
    "open_store",
    "row_cap_link",
    "store_class",
    "store_spec",
]
