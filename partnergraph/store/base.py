"""The narrow interface every store backend implements.

A backend answers SPARQL queries with bytes already serialised in the format the
client negotiated, so that pyoxigraph (and a remote endpoint) can serialise
natively. Terms are converted and backend exceptions translated here, at the
store boundary, into :mod:`partnergraph.errors`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import pyoxigraph as ox

from partnergraph.errors import BadRequest, StoreUnavailable
from partnergraph.formats import Format

if TYPE_CHECKING:
    from partnergraph.settings import Settings


class QueryForm(Enum):
    """The four SPARQL query forms."""

    SELECT = "SELECT"
    ASK = "ASK"
    CONSTRUCT = "CONSTRUCT"
    DESCRIBE = "DESCRIBE"


@dataclass(frozen=True)
class QueryRequest:
    """A query as the SPARQL 1.1 Protocol delivers it.

    Attributes:
        query: the query text (already checked by the limits guard).
        form: its form, as the guard read it.
        default_graph_uris: ``default-graph-uri`` values (the RDF dataset's default
            graph is their merge).
        named_graph_uris: ``named-graph-uri`` values. With neither (and no ``FROM``
            in the query) the default graph is the union of all named graphs and
            every named graph can be queried; naming only one kind leaves the other
            empty, as ``FROM`` / ``FROM NAMED`` do.
        row_cap: the most solutions (or triples) to return; more are cut and the
            result says so.
        bindings: values for variables of the query, as RDF terms (a named
            query's parameters, the IRI of a page), never pasted into its text:
            rdflib binds them with ``initBindings``; the embedded Oxigraph store
            gets a ``VALUES`` block joined ``LATERAL``ly, a remote engine what its
            dialect plans best (constants or ``BIND``,
            :meth:`partnergraph.store.remote_dialects.Dialect.bind`), all written by
            pyoxigraph (:mod:`partnergraph.store.bindings`).
        base_iri: the IRI that the query's relative IRIs (and a relative ``BASE``)
            resolve against; the SPARQL 1.1 Protocol has the service define one
            (§2.3). None leaves them unresolved.
    """

    query: str
    form: QueryForm
    default_graph_uris: tuple[str, ...] = ()
    named_graph_uris: tuple[str, ...] = ()
    row_cap: int = 10_000
    bindings: tuple[tuple[str, Term], ...] = ()
    base_iri: str | None = None


#: A value a variable can be bound to.
Term = ox.NamedNode | ox.Literal


@dataclass(frozen=True)
class QueryResult:
    """A serialised query result.

    Attributes:
        body: the serialised result.
        format: the format it is written in.
        rows: how many solutions or triples it holds (None for ASK).
        truncated: True when the row cap cut the result.
        cached: True when it was read from the result cache, not the engine.
    """

    body: bytes
    format: Format
    rows: int | None = None
    truncated: bool = False
    cached: bool = False


class QuerySyntaxError(BadRequest):
    """The query is not valid SPARQL 1.1; the message says what and where."""

    def __init__(self, detail: str, line: int | None = None, column: int | None = None) -> None:
        self.detail = detail
        self.line = line
        self.column = column
        where = f" at line {line}, column {column}" if line is not None else ""
        super().__init__(f"syntax error{where}: {detail}")


class Store(Protocol):
    """What the rest of partnergraph needs from a backend."""

    backend: str

    def replace(self, quads: Iterable[ox.Quad]) -> None:
        """Make ``quads`` the whole content of the store, atomically where possible."""

    def query(self, request: QueryRequest, fmt: Format) -> QueryResult:
        """Run a query and serialise its result in ``fmt``.

        Raises:
            QuerySyntaxError: the query does not parse.
            StoreUnavailable: the backend cannot answer.
        """

    def count(self) -> int:
        """How many quads the store holds."""

    def close(self) -> None:
        """Let go of what the store holds open (files, connections); a closed store
        answers no more queries. Closing twice does nothing."""


class StoreOpener(Protocol):
    """What a backend's store class offers to be opened by name
    (:mod:`partnergraph.store.registry`): the spec of a snapshot's store, and the
    store of a spec."""

    def spec(
        self,
        settings: Settings,
        data_file: Path | None,
        directory: Path | None,
        snapshot: Path | None,
    ) -> StoreSpec:
        """Where a worker finds the store of a snapshot (see
        :func:`partnergraph.store.store_spec`)."""

    def open(self, spec: StoreSpec, settings: Settings) -> Store:
        """The store ``spec`` describes, opened and loaded.

        Raises:
            StoreUnavailable: it cannot be opened or loaded.
        """


@dataclass(frozen=True)
class StoreSpec:
    """Everything a worker process needs to open the same store (picklable).

    Attributes:
        backend: ``oxigraph``, ``memory`` or ``remote``.
        data_file: the built N-Quads file an in-memory store loads at start.
        directory: the folder of an on-disk Oxigraph store (read-only in workers).
        endpoint: the URL of a remote SPARQL endpoint.
        snapshot: the folder of the snapshot the store belongs to (a worker holds
            it while its store is open, see :class:`partnergraph.snapshots.Hold`).
    """

    backend: str
    data_file: Path | None = None
    directory: Path | None = None
    endpoint: str | None = None
    snapshot: Path | None = None


__all__ = [
    "QueryForm",
    "QueryRequest",
    "QueryResult",
    "QuerySyntaxError",
    "Store",
    "StoreOpener",
    "StoreSpec",
    "StoreUnavailable",
    "Term",
]
