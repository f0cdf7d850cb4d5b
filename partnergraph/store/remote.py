"""The ``remote`` backend: any SPARQL 1.1 endpoint over HTTP.

https://www.w3.org/TR/sparql11-protocol/

The query is forwarded by ``POST`` (form-encoded) with the request's
``default-graph-uri`` and ``named-graph-uri``. Solutions are asked for in TSV and
triples in N-Triples, formats where every solution or triple is one line, so
the response is read as a stream and dropped after ``row_cap + 1`` lines (or the
byte bound); pyoxigraph then parses what was kept and writes the format the
client asked for. A remote that answers in another format it may (JSON, XML,
Turtle…) is read whole, within the byte bound. An engine that deviates from
SPARQL 1.1 is corrected by its dialect (:mod:`partnergraph.store.remote_dialects`),
which also sets the engine's own time limit on each request where the engine has a
parameter for it (so that a query given up here does not keep running there) and
recognises the partial answer of a query that limit stopped: a ``QueryTimeout``,
never a result.

Warning:
    The remote answers with untrusted bytes: every read is bounded in size and
    time, and parsed by pyoxigraph, never evaluated. The query is checked for
    ``SERVICE`` here too (unless federation is allowed), since most endpoints
    federate on request.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox

from partnergraph.errors import QueryOutOfMemory, QueryTimeout, StoreUnavailable
from partnergraph.formats import Format
from partnergraph.settings import Settings
from partnergraph.store.base import (
    QueryForm,
    QueryRequest,
    QueryResult,
    StoreSpec,
)
from partnergraph.store.lexer import dataset_clauses, refuse_service
from partnergraph.store.remote_dialects import STANDARD, Dialect, dialect_of
from partnergraph.store.results import (
    Written,
    announce,
    check_format,
    rdf_format,
    results_format,
    row_cap_link,
    write_solutions,
)

_LINE_BASED = {"text/tab-separated-values", "application/n-triples"}
#: Seconds the engine has to answer the ``ASK {}`` that names it, when a store opens.
PROBE_SECONDS = 5.0
#: Bytes kept of each end of a response for what an engine says there.
_ENDS = 4096


@dataclass(frozen=True)
class _Body:
    data: bytes
    media_type: str
    cut: bool  # the line cap or the byte bound stopped the reading


class RemoteStore:
    """A remote SPARQL 1.1 endpoint behind the :class:`~partnergraph.store.base.Store` protocol.

    Args:
        endpoint: the URL of the query endpoint.
        update_endpoint: the URL of its update endpoint, used by :meth:`replace`.
        timeout: seconds a query may take, the whole response included.
        max_bytes: the most bytes of one response that are read.
        allow_federation: let queries use ``SERVICE``.
        row_cap_link: the URL a result cut by the row cap links to.
    """

    backend = "remote"

    def __init__(
        self,
        endpoint: str,
        *,
        update_endpoint: str | None = None,
        timeout: float = 30.0,
        max_bytes: int = 256 * 2**20,
        allow_federation: bool = False,
        row_cap_link: str | None = None,
    ) -> None:
        self.endpoint = endpoint
        self.update_endpoint = update_endpoint
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.allow_federation = allow_federation
        self.row_cap_link = row_cap_link
        self.client = httpx.Client(timeout=timeout, follow_redirects=True)
        self.dialect: Dialect | None = None  # known from ASK {} at open, or the first answer

    @classmethod
    def spec(
        cls,
        settings: Settings,
        data_file: Path | None,
        directory: Path | None,
        snapshot: Path | None,
    ) -> StoreSpec:
        """The endpoint of ``remote_endpoint`` (and the snapshot's N-Quads file, which
        a remote with an update endpoint is loaded from)."""
        return StoreSpec(
            cls.backend, data_file=data_file, endpoint=settings.remote_endpoint, snapshot=snapshot
        )

    @classmethod
    def open(cls, spec: StoreSpec, settings: Settings) -> RemoteStore:
        """A client of the endpoint of ``spec``; with ``remote_update_endpoint`` set,
        the remote's whole content is replaced by the data file's first.

        Raises:
            StoreUnavailable: the remote refused to be loaded.
        """
        remote = cls(
            spec.endpoint or settings.remote_endpoint,
            update_endpoint=settings.remote_update_endpoint or None,
            **client_limits(settings),
        )
        if settings.remote_update_endpoint and spec.data_file is not None:
            remote.replace(ox.parse(path=str(spec.data_file), format=ox.RdfFormat.N_QUADS))
        remote.learn_dialect()
        return remote

    def learn_dialect(self) -> None:
        """Learn the engine from its answer to ``ASK {}``, so that the first real query
        is already sent in its dialect (with its time limit), and let the dialect ask
        the engine what it has (:meth:`Dialect.probed`). An endpoint that does not
        answer now is learnt from its first answer instead, without the probes."""
        if self.dialect is not None:
            return
        try:
            response = self._ask("ASK {}")
        except httpx.HTTPError:
            return
        self.dialect = dialect_of(response.headers).probed(self._answer)

    def _ask(self, query: str) -> httpx.Response:
        """Send ``query`` (an ``ASK``) as written, within :data:`PROBE_SECONDS`."""
        return self.client.post(
            self.endpoint,
            data={"query": query},
            headers={"Accept": "application/sparql-results+json"},
            timeout=min(PROBE_SECONDS, self.timeout),
        )

    def _answer(self, query: str) -> bool | None:
        """The answer to ``query`` (an ``ASK``), or None when there is none."""
        try:
            response = self._ask(query)
            answer = response.json().get("boolean") if response.status_code == 200 else None
        except (httpx.HTTPError, ValueError, AttributeError):
            return None
        return answer if isinstance(answer, bool) else None

    def close(self) -> None:
        """Close the HTTP connections."""
        self.client.close()

    def replace(self, quads: Iterable[ox.Quad]) -> None:
        """Replace everything the remote holds by ``quads``, in one update request.

        Raises:
            StoreUnavailable: no update endpoint, or the remote refused the update.
        """
        if not self.update_endpoint:
            raise StoreUnavailable("the remote store has no update endpoint to load data with")
        graphs: dict[str, list[str]] = defaultdict(list)
        for quad in quads:
            name = "" if isinstance(quad.graph_name, ox.DefaultGraph) else str(quad.graph_name)
            graphs[name].append(f"{quad.triple} .")
        blocks = [
            "\n".join(triples) if not name else f"GRAPH {name} {{\n" + "\n".join(triples) + "\n}"
            for name, triples in graphs.items()
        ]
        update = "DROP ALL ;\nINSERT DATA {\n" + "\n".join(blocks) + "\n}"
        try:
            response = self.client.post(
                self.update_endpoint,
                content=update.encode("utf-8"),
                headers={"Content-Type": "application/sparql-update; charset=utf-8"},
            )
        except httpx.HTTPError as exc:
            raise StoreUnavailable(f"the remote update endpoint cannot be reached: {exc}") from exc
        if response.status_code >= 300:
            raise StoreUnavailable(
                f"the remote update endpoint answered {response.status_code}: {response.text[:300]}"
            )

    def count(self) -> int:
        """How many quads the remote holds in its named graphs."""
        request = QueryRequest(
            "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", QueryForm.SELECT
        )
        body = self._fetch(request, time.monotonic() + self.timeout)
        solutions = _solutions(body)
        for solution in solutions:
            value = solution["n"]
            if isinstance(value, ox.Literal):
                return int(value.value)
        raise StoreUnavailable("the remote endpoint did not count its quads")

    def query(self, request: QueryRequest, fmt: Format) -> QueryResult:
        """Forward a query and write its result in ``fmt``.

        Args:
            request: the query, its dataset and its row cap.
            fmt: a format that can carry the result of ``request.form``.

        Returns:
            The result; ``truncated`` when the row cap (or the byte bound) cut it.

        Raises:
            QuerySyntaxError: the remote answered 400 (its message, with line and
                column where it gives them).
            QueryRejected: ``SERVICE`` while federation is off.
            QueryTimeout: the remote took longer than the timeout, or its own time
                limit stopped the query (its partial answer is not passed on).
            QueryOutOfMemory: a response larger than the byte bound that cannot
                be cut at a line.
            StoreUnavailable: the remote cannot be reached, answers 5xx or
                something that does not parse.
        """
        check_format(request.form, fmt)
        if not self.allow_federation:
            refuse_service(request.query)
        body = self._fetch(request, time.monotonic() + self.timeout)
        try:
            return self._convert(body, request, fmt)
        except SyntaxError as exc:
            raise StoreUnavailable(f"the remote endpoint answered unreadable data: {exc}") from exc

    def _convert(self, body: _Body, request: QueryRequest, fmt: Format) -> QueryResult:
        if request.form is QueryForm.ASK:
            answer = ox.parse_query_results(body.data, _results_format_of(body.media_type))
            if not isinstance(answer, ox.QueryBoolean):
                raise StoreUnavailable("the remote endpoint answered solutions to an ASK query")
            return QueryResult(_serialised(answer.serialize(format=results_format(fmt))), fmt)
        if request.form is QueryForm.SELECT:
            written = write_solutions(_solutions(body), fmt, request.row_cap, self.row_cap_link)
            if body.cut and not written.truncated:  # the byte bound cut the response
                cut = announce(written.body, fmt, self.row_cap_link)
                written = Written(cut, written.rows, True)
            return QueryResult(written.body, fmt, written.rows, written.truncated)
        parsed = ox.parse(body.data, format=_rdf_format_of(body.media_type))
        triples = [quad.triple for quad in islice(parsed, request.row_cap + 1)]
        truncated = len(triples) > request.row_cap or body.cut
        del triples[request.row_cap :]
        data = _serialised(ox.serialize(triples, format=rdf_format(fmt)))
        if truncated:
            data = announce(data, fmt, self.row_cap_link)
        return QueryResult(data, fmt, len(triples), truncated)

    def _fetch(self, request: QueryRequest, deadline: float) -> _Body:
        """The remote's answer, in its engine's dialect (learnt from the first answer,
        which is asked again when the engine is one with a dialect of its own)."""
        for _ in range(2):
            body = self._post(self.dialect or STANDARD, request, deadline)
            if body is not None:
                return body
        raise StoreUnavailable("the remote endpoint answered as two different engines")

    def _post(self, dialect: Dialect, request: QueryRequest, deadline: float) -> _Body | None:
        text = dialect.bind(request.query, request.bindings)
        defaults, named = request.default_graph_uris, request.named_graph_uris
        if not defaults and not named:
            # Some endpoints' "union default graph" option overrides FROM (Oxigraph
            # server does): name the query's own dataset as protocol parameters too.
            defaults, named = dataset_clauses(text)
        dataset_named = bool(defaults or named)
        prologue = dialect.prologue(request.form, dataset_named)
        defaults, named = dialect.dataset(defaults, named)
        if request.base_iri is not None:  # the remote's own base is its URL: give ours
            prologue += f"BASE <{request.base_iri}>\n"
        form = {
            "query": prologue + dialect.query_text(text, dataset_named),
            "default-graph-uri": list(defaults),
            "named-graph-uri": list(named),
            **dialect.limit_parameters(self.timeout),
        }
        headers = {"Accept": dialect.accept[request.form]}
        try:
            with self.client.stream("POST", self.endpoint, data=form, headers=headers) as response:
                answering = dialect_of(response.headers)
                if type(answering) is not type(dialect):
                    self.dialect = answering
                    return None
                self.dialect = dialect
                media_type = response.headers.get("content-type", "").split(";")[0].strip()
                if response.status_code != 200:
                    start, ending = self._read_ends(response.iter_bytes(), deadline)
                    _check_not_stopped(dialect, response.headers, ending)
                    message = start.decode("utf-8", errors="replace")
                    raise dialect.refusal(response.status_code, message, text, prologue.count("\n"))
                lines = request.row_cap + 2 if media_type in _LINE_BASED else None
                body = self._read(response.iter_bytes(), media_type, lines, deadline)
                _check_not_stopped(dialect, response.headers, body.data[-_ENDS:])
                cut = body.cut or dialect.cut_by_engine(response.headers)
                return _Body(dialect.repair(body.data, media_type), media_type, cut)
        except httpx.TimeoutException as exc:
            raise QueryTimeout(f"the remote endpoint took longer than {self.timeout:g} s") from exc
        except httpx.HTTPError as exc:
            raise StoreUnavailable(f"the remote endpoint cannot be reached: {exc}") from exc

    def _read(
        self, chunks: Iterator[bytes], media_type: str, lines: int | None, deadline: float
    ) -> _Body:
        kept = bytearray()
        seen = 0
        for chunk in chunks:
            if time.monotonic() > deadline:
                raise QueryTimeout(f"the remote endpoint took longer than {self.timeout:g} s")
            kept += chunk
            if lines is not None:
                seen += chunk.count(b"\n")
                if seen >= lines:
                    return _Body(_first_lines(bytes(kept), lines), media_type, True)
            if len(kept) > self.max_bytes:
                if lines is None:
                    raise QueryOutOfMemory(
                        f"the remote result is larger than {self.max_bytes // 2**20} MB"
                    )
                end = kept.rfind(b"\n", 0, self.max_bytes) + 1
                return _Body(bytes(kept[:end]), media_type, True)
        return _Body(bytes(kept), media_type, False)

    def _read_ends(self, chunks: Iterator[bytes], deadline: float) -> tuple[bytes, bytes]:
        """The first and the last ``_ENDS`` bytes of a response read to its end (or to
        the byte bound or the deadline): an engine may put why it failed at the end."""
        start, ending = bytearray(), b""
        seen = 0
        for chunk in chunks:
            if len(start) < _ENDS:
                start += chunk[: _ENDS - len(start)]
            ending = (ending + chunk)[-_ENDS:]
            seen += len(chunk)
            if seen > self.max_bytes or time.monotonic() > deadline:
                break
        return bytes(start), ending


def client_limits(settings: Settings) -> dict[str, Any]:
    """The limits of ``settings`` a :class:`RemoteStore` enforces, as its keyword
    arguments (every backend that queries over HTTP opens its store with these)."""
    return {
        "timeout": settings.query_timeout,
        "max_bytes": settings.query_memory_mb * 2**20,
        "allow_federation": settings.allow_federation,
        "row_cap_link": row_cap_link(settings),
    }


def _check_not_stopped(dialect: Dialect, headers: httpx.Headers, ending: bytes) -> None:
    """Raise :class:`QueryTimeout` when the engine says its own time limit stopped the
    query: what it answered is partial (the row cap announces a cut; this is not one)."""
    words = dialect.stopped_by_engine(headers, ending)
    if words is not None:
        raise QueryTimeout(
            f"the remote endpoint stopped the query at its own time limit ({words}); "
            "its partial answer is not passed on"
        )


def _first_lines(data: bytes, count: int) -> bytes:
    end = -1
    for _ in range(count):
        end = data.index(b"\n", end + 1)
    return data[: end + 1]


def _solutions(body: _Body) -> ox.QuerySolutions:
    parsed = ox.parse_query_results(body.data, _results_format_of(body.media_type))
    if not isinstance(parsed, ox.QuerySolutions):
        raise StoreUnavailable("the remote endpoint answered a boolean to a SELECT query")
    return parsed


def _results_format_of(media_type: str) -> ox.QueryResultsFormat:
    fmt = ox.QueryResultsFormat.from_media_type(media_type) if media_type else None
    if fmt is None:
        raise StoreUnavailable(f"the remote endpoint answered an unknown format {media_type!r}")
    return fmt


def _rdf_format_of(media_type: str) -> ox.RdfFormat:
    fmt = ox.RdfFormat.from_media_type(media_type) if media_type else None
    if fmt is None:
        raise StoreUnavailable(f"the remote endpoint answered an unknown format {media_type!r}")
    return fmt


def _serialised(body: bytes | None) -> bytes:
    if body is None:  # pragma: no cover - pyoxigraph returns bytes without an output
        raise RuntimeError("pyoxigraph wrote nothing")
    return body
