"""The ``memory`` backend: an rdflib ``Dataset``, the reference behaviour.

https://rdflib.readthedocs.io/en/stable/intro_to_sparql.html

Results are serialised by rdflib (``Result.serialize``); where rdflib has no
writer (TSV, and CSV or TSV for ASK) its SPARQL JSON is converted natively by
pyoxigraph.

Warning:
    rdflib evaluates ``SERVICE`` by sending the inner query over HTTP, and for
    ``FROM <x>`` / ``FROM NAMED <x>`` naming a graph it does not hold it *loads*
    ``<x>``: a URL, or a local file for a ``file:`` IRI or a path. This store
    never lets rdflib see a dataset clause: it reads ``FROM`` / ``FROM NAMED``
    (and the protocol's ``default-graph-uri`` / ``named-graph-uri``) itself,
    builds the dataset from graphs it holds, and removes the clause from the
    query before evaluation. ``SERVICE`` is refused from rdflib's own algebra
    unless federation is allowed. Updates (``LOAD``) are never run here.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import Any, cast

import pyoxigraph as ox
from pyparsing import ParseBaseException
from rdflib import BNode, Dataset, Graph, URIRef
from rdflib.plugin import PluginException
from rdflib.plugin import get as get_plugin
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.evaluate import evalQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.query import Result, ResultSerializer
from rdflib.term import Identifier

from partnergraph.errors import QueryRejected
from partnergraph.formats import Format, Kind
from partnergraph.settings import Settings
from partnergraph.store.base import QueryRequest, QueryResult, QuerySyntaxError, StoreSpec
from partnergraph.store.lexer import first_undeclared_prefix, position
from partnergraph.store.results import announce, check_format, results_format, row_cap_link
from partnergraph.terms import to_rdflib

_PARSER_PLACE = re.compile(r"\s*\(at char \d+\),\s*\(line:\d+, col:\d+\)\s*$")


class MemoryStore:
    """An rdflib ``Dataset`` behind the :class:`~partnergraph.store.base.Store` protocol.

    Args:
        dataset: the data (empty when omitted); its default graph for queries
            that name no dataset is the union of all graphs.
        allow_federation: let queries use ``SERVICE``.
        row_cap_link: the URL a result cut by the row cap links to.
    """

    backend = "memory"

    def __init__(
        self,
        dataset: Dataset | None = None,
        *,
        allow_federation: bool = False,
        row_cap_link: str | None = None,
    ) -> None:
        self.dataset = dataset if dataset is not None else Dataset(default_union=True)
        self.dataset.default_union = True
        self.allow_federation = allow_federation
        self.row_cap_link = row_cap_link

    @classmethod
    def spec(
        cls,
        settings: Settings,
        data_file: Path | None,
        directory: Path | None,
        snapshot: Path | None,
    ) -> StoreSpec:
        """The snapshot's N-Quads file, loaded by each worker."""
        return StoreSpec(cls.backend, data_file=data_file, snapshot=snapshot)

    @classmethod
    def open(cls, spec: StoreSpec, settings: Settings) -> MemoryStore:
        """A dataset loaded from the data file of ``spec`` (empty without one)."""
        opened = cls(
            allow_federation=settings.allow_federation, row_cap_link=row_cap_link(settings)
        )
        if spec.data_file is not None:
            opened.load(spec.data_file)
        return opened

    def close(self) -> None:
        """Nothing to let go of: the dataset is in memory."""

    def replace(self, quads: Iterable[ox.Quad]) -> None:
        """Make ``quads`` the whole content of the store."""
        dataset = Dataset(default_union=True)
        graphs: dict[object, Graph] = {}
        for quad in quads:
            triple = (to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object))
            graph = graphs.get(quad.graph_name)
            if graph is None:
                graph = graphs[quad.graph_name] = _graph_of(dataset, quad.graph_name)
            graph.add(triple)
        self.dataset = dataset

    def load(self, data_file: Path) -> None:
        """Make the N-Quads of ``data_file`` the whole content of the store."""
        self.replace(ox.parse(path=str(data_file), format=ox.RdfFormat.N_QUADS))

    def count(self) -> int:
        """How many quads the store holds."""
        return sum(1 for _ in self.dataset.quads((None, None, None, None)))

    def query(self, request: QueryRequest, fmt: Format) -> QueryResult:
        """Run a query with rdflib and serialise its result in ``fmt``.

        Args:
            request: the query, its dataset and its row cap.
            fmt: a format that can carry the result of ``request.form``.

        Returns:
            The serialised result; ``truncated`` when the row cap cut it.

        Raises:
            QuerySyntaxError: the query does not parse (with line and column).
            QueryRejected: ``SERVICE`` while federation is off, or a query nested
                deeper than rdflib's recursion allows.
        """
        check_format(request.form, fmt)
        undeclared = first_undeclared_prefix(request.query)
        if undeclared is not None:
            line, column = position(request.query, undeclared.start)
            prefix = undeclared.text.split(":", 1)[0]
            raise QuerySyntaxError(f"the prefix {prefix}: is not declared", line, column)
        try:
            with _rdflib_internals():
                return self._evaluate(request, fmt)
        except ParseBaseException as exc:
            detail = _PARSER_PLACE.sub("", str(exc)) or "invalid query"
            raise QuerySyntaxError(detail, exc.lineno, exc.col) from exc
        except RecursionError as exc:
            raise QueryRejected("the query is nested too deeply for the rdflib engine") from exc

    def _evaluate(self, request: QueryRequest, fmt: Format) -> QueryResult:
        query = translateQuery(parseQuery(request.query), base=request.base_iri)
        if not self.allow_federation and _uses_service(query.algebra):
            raise QueryRejected("SERVICE (federated query) is not allowed on this endpoint")
        dataset = self._dataset(request, query.algebra.get("datasetClause") or ())
        query.algebra["datasetClause"] = None  # never let rdflib load a FROM graph
        bindings = {name: cast(Identifier, to_rdflib(term)) for name, term in request.bindings}
        return self._run(evalQuery(dataset, query, bindings), request.row_cap, fmt)

    def _dataset(self, request: QueryRequest, clauses: Sequence[CompValue]) -> Dataset:
        """The RDF dataset of the query, from graphs this store holds only."""
        defaults = [URIRef(uri) for uri in request.default_graph_uris]
        named = [URIRef(uri) for uri in request.named_graph_uris]
        if not defaults and not named:
            defaults = [clause.default for clause in clauses if clause.get("default")]
            named = [clause.named for clause in clauses if clause.get("named")]
        if not defaults and not named:
            return self.dataset
        chosen = Dataset(default_union=False)
        for name in defaults:
            for triple in self.dataset.get_context(name).triples((None, None, None)):
                chosen.default_graph.add(triple)
        for name in named:
            target = chosen.graph(name)
            for triple in self.dataset.get_context(name).triples((None, None, None)):
                target.add(triple)
        return chosen

    def _run(self, outcome: Mapping[str, Any], cap: int, fmt: Format) -> QueryResult:
        """Serialise what rdflib's ``evalQuery`` returned, cut to ``cap`` rows."""
        kind = outcome["type_"]
        if kind == "ASK":
            answer = Result("ASK")
            answer.askAnswer = bool(outcome["askAnswer"])
            return QueryResult(_serialize_result(answer, fmt), fmt)
        if kind == "SELECT":  # solutions are generated lazily: stop after cap + 1
            rows = list(islice(outcome["bindings"], cap + 1))
        else:
            rows = list(islice(outcome["graph"].triples((None, None, None)), cap + 1))
        truncated = len(rows) > cap
        del rows[cap:]
        if kind == "SELECT":
            result = Result("SELECT")
            result.vars = outcome["vars_"]
            result.bindings = rows
            body = _serialize_result(result, fmt)
        else:
            body = _serialize_graph(rows, fmt)
        if truncated:
            body = announce(body, fmt, self.row_cap_link)
        return QueryResult(body, fmt, len(rows), truncated)


def _graph_of(dataset: Dataset, name: object) -> Graph:
    """The graph of ``dataset`` that a pyoxigraph graph name names."""
    if isinstance(name, ox.DefaultGraph):
        return dataset.default_graph  # type: ignore[no-any-return]
    identifier = to_rdflib(name)
    if not isinstance(identifier, URIRef | BNode):
        raise ValueError(f"{name} cannot name a graph")
    return dataset.graph(identifier)


@contextmanager
def _rdflib_internals() -> Iterator[None]:
    """Silence the deprecations rdflib 7.6's own SPARQL engine triggers on ``Dataset``.

    Its evaluator still calls ``Dataset.contexts`` and ``default_context``; the
    warnings are about rdflib's code, not this one.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore",
            message=r"(Dataset|ConjunctiveGraph)\.?\w* is deprecated",
            category=DeprecationWarning,
        )
        yield


def _uses_service(algebra: CompValue) -> bool:
    """Whether rdflib's algebra holds a ``SERVICE`` pattern (walked without recursion)."""
    pending: list[Any] = [algebra]
    while pending:
        node = pending.pop()
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                return True
            pending.extend(node.values())
        elif isinstance(node, dict):
            pending.extend(node.values())
        elif isinstance(node, list | tuple):
            pending.extend(node)
    return False


def _serialize_result(result: Result, fmt: Format) -> bytes:
    try:
        get_plugin(fmt.rdflib, ResultSerializer)
        native = result.type == "SELECT" or fmt.key in {"json", "xml"}
    except PluginException:
        native = False
    if native:
        return _bytes(result.serialize(format=fmt.rdflib))
    # rdflib writes no TSV (and no CSV for ASK): convert its JSON with pyoxigraph.
    parsed = ox.parse_query_results(
        _bytes(result.serialize(format="json")), ox.QueryResultsFormat.JSON
    )
    return _bytes(parsed.serialize(format=results_format(fmt)))


def _serialize_graph(triples: Iterable[Any], fmt: Format) -> bytes:
    graph: Graph
    if fmt.kind is Kind.DATASET:
        dataset = Dataset()
        graph = dataset.default_graph
        for triple in triples:
            graph.add(triple)
        return _bytes(dataset.serialize(format=fmt.rdflib, encoding="utf-8"))
    graph = Graph()
    for triple in triples:
        graph.add(triple)
    return _bytes(graph.serialize(format=fmt.rdflib, encoding="utf-8"))


def _bytes(body: bytes | str | Iterator[Any] | None) -> bytes:
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode("utf-8")
    raise RuntimeError("rdflib wrote nothing")
