"""What every backend does to a result: cap it, announce the cut, place errors.

The row cap is applied to SPARQL results through TSV, whose every solution is one
line (https://www.w3.org/TR/sparql11-results-csv-tsv/: newlines and tabs inside
terms are escaped): serialising a result to TSV into a :class:`LineLimit` stops
the engine's lazy evaluation after ``cap + 1`` lines, the first ``cap`` are kept,
and pyoxigraph converts them natively into the format asked for. A cut result
carries a ``link`` in its head (SPARQL 1.1 JSON and XML results both allow one)
to the page that explains the limit.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
from dataclasses import dataclass
from typing import IO, cast
from xml.sax.saxutils import quoteattr

import pyoxigraph as ox

from partnergraph.formats import FORMATS, Format, Kind
from partnergraph.store.base import QueryForm, QuerySyntaxError

#: The path, under the base IRI, of the page that explains the row cap.
ROW_CAP_PAGE = "-/limits#row-cap"

_TSV = ox.QueryResultsFormat.TSV


class Enough(Exception):
    """Raised into a serialiser to stop it: the output has all it may hold."""


class LineLimit(io.RawIOBase):
    """A binary sink that keeps the first ``limit`` lines and stops the writer after.

    Args:
        limit: the number of complete lines to keep.
    """

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit
        self.lines = 0
        self.chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: bytes | bytearray | memoryview, /) -> int:  # type: ignore[override]
        chunk = bytes(data)
        newlines = chunk.count(b"\n")
        if self.lines + newlines >= self.limit:
            cut = -1
            for _ in range(self.limit - self.lines):
                cut = chunk.index(b"\n", cut + 1)
            self.chunks.append(chunk[: cut + 1])
            self.lines = self.limit
            raise Enough
        self.chunks.append(chunk)
        self.lines += newlines
        return len(chunk)

    def value(self) -> bytes:
        """Everything kept."""
        return b"".join(self.chunks)


@dataclass(frozen=True)
class Capped:
    """Solutions in TSV, cut to the row cap.

    Attributes:
        tsv: the header line and at most ``cap`` solution lines.
        rows: the number of solution lines.
        truncated: whether solutions were cut.
    """

    tsv: bytes
    rows: int
    truncated: bool


def cap_solutions(solutions: ox.QuerySolutions, cap: int) -> Capped:
    """Serialise ``solutions`` to TSV, stopping the engine past ``cap`` rows.

    Args:
        solutions: a lazily evaluated SELECT result.
        cap: the most solutions to keep.

    Returns:
        The kept solutions as TSV.
    """
    sink = LineLimit(cap + 2)  # the header, ``cap`` rows and one more to see a cut
    with contextlib.suppress(Enough):
        solutions.serialize(cast(IO[bytes], sink), _TSV)
    return cap_tsv(sink.value(), cap)


def cap_tsv(tsv: bytes, cap: int) -> Capped:
    """Cut TSV solutions (header line first) to ``cap`` rows."""
    lines = tsv.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    rows = max(0, len(lines) - 1)
    if rows <= cap:
        return Capped(tsv, rows, False)
    return Capped(b"\n".join(lines[: cap + 1]) + b"\n", cap, True)


def tsv_to(capped: Capped, fmt: Format, link: str | None) -> bytes:
    """Write capped TSV solutions natively in ``fmt``, announcing a cut in JSON/XML."""
    if fmt.oxigraph == _TSV:
        return capped.tsv
    solutions = ox.parse_query_results(capped.tsv, _TSV)
    body = solutions.serialize(format=results_format(fmt))
    if body is None:  # pragma: no cover - serialize returns bytes without an output
        raise RuntimeError("pyoxigraph wrote no result")
    return announce(body, fmt, link) if capped.truncated else body


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
    if fmt not in formats_for(form):
        raise ValueError(f"{fmt.key} cannot carry the result of a {form.value} query")


def formats_for(form: QueryForm) -> list[Format]:
    """The formats that can carry the result of ``form``."""
    kind = Kind.RESULTS if form in (QueryForm.SELECT, QueryForm.ASK) else Kind.GRAPH
    return [fmt for fmt in FORMATS if fmt.carries(kind) and fmt.oxigraph is not None]


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
