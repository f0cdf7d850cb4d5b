"""What every backend does to a result: cap it, announce the cut, place errors.

The row cap is applied while pyoxigraph writes a result, once, in the format
asked for: the writer's output goes into a :class:`SolutionLimit`, which finds
where each solution begins as the bytes arrive and, once solution ``cap + 1``
begins, stops the writer (and so the engine's lazy evaluation). The body is
cut before that solution and closed as its format requires; it is never parsed
back. Each format is scanned by what its writer guarantees (pyoxigraph's
``sparesults`` writers, https://www.w3.org/TR/sparql11-results-json/,
https://www.w3.org/TR/rdf-sparql-XMLres/,
https://www.w3.org/TR/sparql11-results-csv-tsv/):

* TSV and N-Triples: one line per solution or triple (newlines in terms are
  escaped); CSV: the same, except that a literal holding a newline, a comma or
  a quote is quoted, so a newline counts only outside quotes (a quoted field
  doubles its quotes, so the parity of the quotes seen tells);
* SPARQL XML: ``<result>`` opens each solution and nowhere else (``<`` in a
  term is escaped);
* SPARQL JSON: see :class:`_JsonBindings`.

A cut result carries a ``link`` in its head (SPARQL 1.1 JSON and XML results
both allow one) to the page that explains the limit.
"""

from __future__ import annotations

import contextlib
import json
import re
from dataclasses import dataclass
from functools import cache
from itertools import islice
from typing import IO, TYPE_CHECKING, cast
from xml.sax.saxutils import quoteattr

import pyoxigraph as ox

from partnergraph.formats import FORMATS, Format, Kind
from partnergraph.store.base import QueryForm, QuerySyntaxError
from partnergraph.store.scanners import LINE_FORMATS, Enough, SolutionLimit, scanner_for

if TYPE_CHECKING:
    from partnergraph.settings import Settings

#: The path, under the base IRI, of the page that explains the row cap.
ROW_CAP_PAGE = "-/limits#row-cap"


def row_cap_link(settings: Settings) -> str:
    """The URL a result cut by the row cap links to."""
    return settings.base_iri + ROW_CAP_PAGE


@dataclass(frozen=True)
class Written:
    """A result written in its format, cut to the row cap.

    Attributes:
        body: the serialised result (with the ``link`` of a cut, where the format
            has a head).
        rows: the solutions or triples it holds.
        truncated: whether the row cap cut it.
    """

    body: bytes
    rows: int
    truncated: bool


def write_solutions(
    solutions: ox.QuerySolutions, fmt: Format, cap: int, link: str | None
) -> Written:
    """Write ``solutions`` in ``fmt``, stopping the engine past ``cap`` of them.

    Args:
        solutions: a lazily evaluated SELECT result (or a parsed one).
        fmt: a SPARQL results format.
        cap: the most solutions to keep.
        link: where a cut result links to.

    Returns:
        The result, exactly ``cap`` solutions and announced when there were more.
    """
    oxigraph = results_format(fmt)
    sink = SolutionLimit(scanner_for(oxigraph), cap)
    with contextlib.suppress(Enough):
        solutions.serialize(cast(IO[bytes], sink), oxigraph)
    return _written(sink, fmt, link)


def write_triples(triples: ox.QueryTriples, fmt: Format, cap: int, link: str | None) -> Written:
    """Write the triples of a CONSTRUCT or DESCRIBE in ``fmt``, at most ``cap`` of them.

    N-Triples and N-Quads are written by pyoxigraph straight into a
    :class:`SolutionLimit` (a triple a line); the other formats need the triples
    first (they group them), at most ``cap + 1`` of them.

    Args:
        triples: a lazily evaluated CONSTRUCT or DESCRIBE result.
        fmt: an RDF format.
        cap: the most triples to keep.
        link: where a cut result links to.

    Returns:
        The result, exactly ``cap`` triples and announced when there were more.
    """
    oxigraph = rdf_format(fmt)
    if oxigraph in LINE_FORMATS:
        sink = SolutionLimit(scanner_for(oxigraph), cap)
        with contextlib.suppress(Enough):
            triples.serialize(cast(IO[bytes], sink), oxigraph)
        return _written(sink, fmt, link)
    kept = list(islice(triples, cap + 1))
    truncated = len(kept) > cap
    del kept[cap:]
    body = ox.serialize(kept, format=oxigraph)
    if body is None:  # pragma: no cover - serialize returns bytes without an output
        raise RuntimeError("pyoxigraph wrote nothing")
    return Written(announce(body, fmt, link) if truncated else body, len(kept), truncated)


def _written(sink: SolutionLimit, fmt: Format, link: str | None) -> Written:
    body, rows, truncated = sink.kept()
    return Written(announce(body, fmt, link) if truncated else body, rows, truncated)


def announce(body: bytes, fmt: Format, link: str | None) -> bytes:
    """Add ``link`` to the head of SPARQL JSON or XML results; other formats as they are."""
    if link is None:
        return body
    if fmt.key == "json":
        return _json_link(body, link)
    if fmt.key == "xml":
        return _xml_link(body, link)
    return body


def _json_link(body: bytes, link: str) -> bytes:
    match = re.match(rb'\s*\{\s*"head"\s*:\s*\{\s*', body)
    entry = b'"link":' + json.dumps([link]).encode()
    if match is not None:
        rest = body[match.end() :]
        separator = b"" if rest.startswith(b"}") else b","
        return body[: match.end()] + entry + separator + rest
    document = json.loads(body)
    document.setdefault("head", {})["link"] = [link]
    return json.dumps(document, ensure_ascii=False).encode()


def _xml_link(body: bytes, link: str) -> bytes:
    element = f"<link href={quoteattr(link)}/>".encode()
    close = body.find(b"</head>")
    empty = body.find(b"<head/>")
    if empty >= 0 and (close < 0 or empty < close):
        return body[:empty] + b"<head>" + element + b"</head>" + body[empty + len(b"<head/>") :]
    if close < 0:
        raise ValueError("SPARQL XML results without a head")
    return body[:close] + element + body[close:]


def results_format(fmt: Format) -> ox.QueryResultsFormat:
    """The pyoxigraph format of a SPARQL results format."""
    if not isinstance(fmt.oxigraph, ox.QueryResultsFormat):
        raise ValueError(f"{fmt.key} is not a SPARQL results format")
    return fmt.oxigraph


def rdf_format(fmt: Format) -> ox.RdfFormat:
    """The pyoxigraph RDF format of a graph or dataset format."""
    if not isinstance(fmt.oxigraph, ox.RdfFormat):
        raise ValueError(f"{fmt.key} is not an RDF format")
    return fmt.oxigraph


def check_format(form: QueryForm, fmt: Format) -> None:
    """Refuse a format that cannot carry the result of ``form``.

    Raises:
        ValueError: a programming error: the caller negotiates among
            :func:`formats_for` only.
    """
    if fmt not in _carriers(form):
        raise ValueError(f"{fmt.key} cannot carry the result of a {form.value} query")


def formats_for(form: QueryForm) -> list[Format]:
    """The formats that can carry the result of ``form``."""
    return list(_carriers(form))


@cache
def _carriers(form: QueryForm) -> tuple[Format, ...]:
    """:func:`formats_for`, found once per form (every query is checked)."""
    kind = Kind.RESULTS if form in (QueryForm.SELECT, QueryForm.ASK) else Kind.GRAPH
    return tuple(fmt for fmt in FORMATS if fmt.carries(kind) and fmt.oxigraph is not None)


_POSITION = re.compile(r"error at (\d+):(\d+)(?::\s*)?")


def oxigraph_syntax_error(exc: SyntaxError) -> QuerySyntaxError:
    """A pyoxigraph ``SyntaxError`` (``error at 3:11: expected …``) with its place."""
    message = " ".join(str(exc.msg or exc).split())
    match = _POSITION.search(message)
    if match is None:
        return QuerySyntaxError(message)
    detail = (message[: match.start()] + message[match.end() :]).strip() or "invalid query"
    if len(detail) > 300:
        detail = detail[:300] + "…"
    return QuerySyntaxError(detail, int(match.group(1)), int(match.group(2)))
