"""The ``oxigraph`` backend: pyoxigraph embedded, in memory or on disk.

https://pyoxigraph.readthedocs.io/

Results are written once, by pyoxigraph, in the format asked for; the row cap
is applied as they are written (see :mod:`partnergraph.store.results`), which
also stops the lazy evaluation once enough solutions are written.

Warning:
    pyoxigraph evaluates ``SERVICE`` by sending the inner query over HTTP to any
    IRI, and offers no switch to turn that off. Unless federation is allowed this
    store therefore refuses any query with the ``SERVICE`` keyword itself (read
    by the lexer, so a string or IRI that mentions it is fine), whatever the
    caller checked before; the query workers also deny the whole process any
    network socket (:mod:`partnergraph.limits.sandbox`). ``FROM`` and
    ``FROM NAMED`` only select graphs already in the store: pyoxigraph never
    loads a document for them, so no file or URL is read.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any, cast

import pyoxigraph as ox

from partnergraph.errors import BadRequest, StoreUnavailable
from partnergraph.formats import Format
from partnergraph.settings import Settings
from partnergraph.store.base import QueryRequest, QueryResult, StoreSpec
from partnergraph.store.bindings import with_values
from partnergraph.store.lexer import refuse_service
from partnergraph.store.results import (
    check_format,
    oxigraph_syntax_error,
    results_format,
    row_cap_link,
    write_solutions,
    write_triples,
)


class OxigraphStore:
    """A pyoxigraph store behind the :class:`~partnergraph.store.base.Store` protocol.

    The default graph of a query that names no dataset is the union of all
    graphs, as in the built graph every fact sits in the named graph of its source.
    It is a set of triples, as SPARQL requires (Oxigraph's own union flag yields a
    triple once per graph that holds it): loading copies every distinct triple into
    the store's default graph, see :func:`add_union_default_graph`.

    Args:
        store: the pyoxigraph store (in memory when omitted).
        allow_federation: let queries use ``SERVICE``.
        row_cap_link: the URL a result cut by the row cap links to.
    """

    backend = "oxigraph"

    def __init__(
        self,
        store: ox.Store | None = None,
        *,
        allow_federation: bool = False,
        row_cap_link: str | None = None,
    ) -> None:
        self.store = store if store is not None else ox.Store()
        self.allow_federation = allow_federation
        self.row_cap_link = row_cap_link

    @classmethod
    def read_only(
        cls, directory: Path, *, allow_federation: bool = False, row_cap_link: str | None = None
    ) -> OxigraphStore:
        """Open an on-disk store for reading only (any number of processes may).

        Raises:
            StoreUnavailable: the folder holds no readable store.
        """
        try:
            store = ox.Store.read_only(str(directory))
            return cls(store, allow_federation=allow_federation, row_cap_link=row_cap_link)
        except OSError as exc:
            raise StoreUnavailable(f"cannot open the store in {directory}: {exc}") from exc

    @classmethod
    def spec(
        cls,
        settings: Settings,
        data_file: Path | None,
        directory: Path | None,
        snapshot: Path | None,
    ) -> StoreSpec:
        """The snapshot's on-disk store when there is one (unless ``store_memory``),
        else its N-Quads file, loaded in memory by each worker."""
        if directory is not None and not settings.store_memory:
            return StoreSpec(cls.backend, directory=directory, snapshot=snapshot)
        return StoreSpec(cls.backend, data_file=data_file, snapshot=snapshot)

    @classmethod
    def open(cls, spec: StoreSpec, settings: Settings) -> OxigraphStore:
        """The on-disk store of ``spec`` read-only, else a store in memory loaded
        from its data file.

        Raises:
            StoreUnavailable: the folder holds no readable store.
        """
        federation, link = settings.allow_federation, row_cap_link(settings)
        if spec.directory is not None:
            return cls.read_only(spec.directory, allow_federation=federation, row_cap_link=link)
        opened = cls(allow_federation=federation, row_cap_link=link)
        if spec.data_file is not None:
            opened.load(spec.data_file)
        return opened

    def close(self) -> None:
        """Nothing to let go of: pyoxigraph closes the store when it is dropped."""

    def replace(self, quads: Iterable[ox.Quad]) -> None:
        """Make ``quads`` the whole content of the store."""
        self.store.clear()
        self.store.bulk_extend(quads)
        add_union_default_graph(self.store)

    def load(self, data_file: Path) -> None:
        """Make the N-Quads of ``data_file`` the whole content of the store."""
        self.store.clear()
        self.store.bulk_load(path=str(data_file), format=ox.RdfFormat.N_QUADS)
        add_union_default_graph(self.store)

    def count(self) -> int:
        """How many quads the named graphs hold (the union copy is not counted)."""
        result = self.store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        row = next(iter(cast(ox.QuerySolutions, result)))
        return int(cast(ox.Literal, row["n"]).value)

    def query(self, request: QueryRequest, fmt: Format) -> QueryResult:
        """Run a query and serialise its result natively in ``fmt``.

        Args:
            request: the query, its dataset and its row cap.
            fmt: a format that can carry the result of ``request.form``.

        Returns:
            The serialised result; ``truncated`` when the row cap cut it.

        Raises:
            QuerySyntaxError: the query does not parse (with line and column).
            QueryRejected: ``SERVICE`` while federation is off.
            BadRequest: a dataset IRI that is not an IRI.
            StoreUnavailable: the store cannot be read.
        """
        check_format(request.form, fmt)
        # The lexer tells the keyword from a word in a string, an IRI or a comment;
        # a text that holds no such word in any case has no keyword to find.
        if not self.allow_federation and "SERVICE" in request.query.upper():
            refuse_service(request.query)
        try:
            query = with_values(request.query, request.bindings, lateral=True)
            result = self.store.query(query, base_iri=request.base_iri, **_dataset(request))
        except SyntaxError as exc:
            raise oxigraph_syntax_error(exc) from exc
        except OSError as exc:
            raise StoreUnavailable(f"the store cannot answer: {exc}") from exc
        try:
            return self._serialise(result, request, fmt)
        except OSError as exc:
            raise StoreUnavailable(f"the store cannot answer: {exc}") from exc

    def _serialise(
        self,
        result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples,
        request: QueryRequest,
        fmt: Format,
    ) -> QueryResult:
        if isinstance(result, ox.QueryBoolean):
            body = result.serialize(format=results_format(fmt))
            return QueryResult(_bytes(body), fmt)
        if isinstance(result, ox.QuerySolutions):
            written = write_solutions(result, fmt, request.row_cap, self.row_cap_link)
        else:
            written = write_triples(result, fmt, request.row_cap, self.row_cap_link)
        return QueryResult(written.body, fmt, written.rows, written.truncated)


def add_union_default_graph(store: ox.Store) -> None:
    """Fill the store's default graph with every distinct triple of its named graphs.

    Queries that name no dataset then read a real RDF graph (a set), so
    ``COUNT(*)`` counts a triple stated by two sources once.
    """
    default = ox.DefaultGraph()
    store.remove_graph(default)
    store.bulk_extend(
        [
            ox.Quad(q.subject, q.predicate, q.object, default)
            for q in store.quads_for_pattern(None, None, None, None)
            if not isinstance(q.graph_name, ox.DefaultGraph)
        ]
    )


def _dataset(request: QueryRequest) -> dict[str, Any]:
    """The pyoxigraph dataset options of the SPARQL 1.1 Protocol.

    A dataset given in the request wins over the query's ``FROM``; a request
    that names only named graphs has an empty default graph, one that names only
    default graphs has no named graphs (as ``FROM`` / ``FROM NAMED``). Without
    either (or a ``FROM`` in the query), the default graph is the store's, which
    holds the union of all graphs.
    """
    if request.default_graph_uris or request.named_graph_uris:
        return {
            "default_graph": [_iri(uri, "default-graph-uri") for uri in request.default_graph_uris],
            "named_graphs": [_iri(uri, "named-graph-uri") for uri in request.named_graph_uris],
        }
    return {}


def _iri(value: str, parameter: str) -> ox.NamedNode:
    try:
        return ox.NamedNode(value)
    except ValueError as exc:
        raise BadRequest(f"{parameter} is not an absolute IRI: {value!r}") from exc


def _bytes(body: bytes | None) -> bytes:
    if body is None:  # pragma: no cover - pyoxigraph returns bytes without an output
        raise RuntimeError("pyoxigraph wrote nothing")
    return body
