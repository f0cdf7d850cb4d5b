"""The store backends by name: the one place that says which backends exist, what
each can do, and which class opens it.

The ``store`` setting names one; :func:`backend` looks it up. Each class is named,
not imported, here: :func:`partnergraph.store.store_class` imports it when a store of
its kind is opened, so a query worker of one backend never imports another's library,
and this module (which the settings read) imports nothing of the project.

=============  =================================================================
backend        what it is
=============  =================================================================
``oxigraph``   pyoxigraph embedded: a snapshot's store on disk, or in memory
``memory``     an rdflib ``Dataset``: the reference behaviour, for small graphs
``remote``     any SPARQL 1.1 endpoint at ``remote_endpoint``; engines that deviate
               (Virtuoso) are corrected by :mod:`.remote_dialects`, see
               ``docs/engines.md``
``oxigraph-    an Oxigraph server of its own per snapshot (``serve-read-only`` over
server``       the snapshot's store), started and stopped by the serving process
``virtuoso-    a Virtuoso of its own per snapshot (a new database, bulk-loaded with
server``       the snapshot's N-Quads), started and stopped by the serving process
=============  =================================================================
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class Backend:
    """One kind of store.

    Attributes:
        name: its name (the ``store`` setting).
        summary: what it is, in a few words.
        opener: ``module:Class`` of its store class (a
            :class:`~partnergraph.store.base.StoreOpener`).
        in_process: its queries run inside this program (in the killable query
            workers, over a snapshot); False: an engine of its own answers them, and
            the service queries it from the serving process.
        writable: the write path can change it (the embedded stores); a store that
            this program does not own is read only.
        needs: the settings it cannot be opened without.
        per_snapshot: each snapshot has its own engine, opened when the snapshot is
            served and closed once no request can still use it; False: one engine
            serves whatever snapshot is current (a remote endpoint someone loads).
    """

    name: str
    summary: str
    opener: str
    in_process: bool
    writable: bool
    needs: tuple[str, ...] = ()
    per_snapshot: bool = False


#: Every backend, by name.
BACKENDS: Final = {
    b.name: b
    for b in (
        Backend(
            "oxigraph",
            "embedded pyoxigraph, in memory or on disk",
            "partnergraph.store.oxigraph:OxigraphStore",
            in_process=True,
            writable=True,
        ),
        Backend(
            "memory",
            "an rdflib Dataset, the reference behaviour",
            "partnergraph.store.memory:MemoryStore",
            in_process=True,
            writable=True,
        ),
        Backend(
            "remote",
            "any SPARQL 1.1 endpoint, see remote_endpoint",
            "partnergraph.store.remote:RemoteStore",
            in_process=False,
            writable=False,
            needs=("remote_endpoint",),
        ),
        Backend(
            "oxigraph-server",
            "an Oxigraph server per snapshot, started by partnergraph",
            "partnergraph.store.oxigraph_server:OxigraphServerStore",
            in_process=False,
            writable=False,
            per_snapshot=True,
        ),
        Backend(
            "virtuoso-server",
            "a Virtuoso per snapshot, started and loaded by partnergraph",
            "partnergraph.store.virtuoso_server:VirtuosoServerStore",
            in_process=False,
            writable=False,
            per_snapshot=True,
        ),
    )
}


class UnknownBackend(ValueError):
    """A ``store`` setting that names no backend."""


def backend(name: str) -> Backend:
    """The backend called ``name``.

    Raises:
        UnknownBackend: there is none of that name (the message lists the names).
    """
    found = BACKENDS.get(name)
    if found is None:
        names = ", ".join(repr(n) for n in BACKENDS)
        raise UnknownBackend(f"store must be one of {names}, got {name!r}")
    return found


def described() -> str:
    """The backends in words, for the ``store`` setting's help."""
    return "; ".join(f"'{b.name}' ({b.summary})" for b in BACKENDS.values())
