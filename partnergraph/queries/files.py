"""The ``queries/*.rq`` files: each one a named SPARQL 1.1 ``SELECT`` query.

https://www.w3.org/TR/sparql11-query/

The file name (without ``.rq``) is the query's stable URL slug. The files are
read once, at start-up; anything wrong — a broken header (:mod:`.header`), a
parameter with no ``?variable`` in the query, a query that does not parse or is
no ``SELECT`` — stops start-up with a :class:`QueryFileError` that names the file
and the line. rdflib's parser takes about 60 ms a query, so what it found can be
remembered by the SHA-256 of each file's text: a restart on unchanged files
parses nothing.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from partnergraph.atomic import write_atomically
from partnergraph.errors import ConfigurationError
from partnergraph.queries.errors import QueryFileError
from partnergraph.queries.header import Header, header_lines
from partnergraph.queries.types import WRITTEN_BASE, Parameter

_SLUG: Final = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# Strings, IRIs and comments are skipped so that a "?x" inside them is no variable.
_TOKENS: Final = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\"{}|^`\\\s]*>"
    r"|#[^\n]*"
    r"|[?$]([A-Za-z0-9_\u00b7\u00c0-\ufffd]+)"
    r"|.",
    re.DOTALL,
)


@dataclass(frozen=True)
class NamedQuery:
    """A named query read from ``queries/{name}.rq``.

    Attributes:
        name: the file name without ``.rq``, the stable URL slug.
        path: the file.
        title: a short title (the editor's tab name).
        description: what it answers.
        parameters: the declared parameters, in header order.
        tags: free keywords for grouping.
        query: the SPARQL text after the header.
        columns: the variables the query projects, in order (empty for ``SELECT *``).
    """

    name: str
    path: Path
    title: str
    description: str
    parameters: tuple[Parameter, ...]
    tags: tuple[str, ...]
    query: str
    columns: tuple[str, ...] = ()

    def parameter(self, name: str) -> Parameter | None:
        """The parameter called ``name``, or None."""
        return next((p for p in self.parameters if p.name == name), None)


def load_queries(folder: Path, remembered: Path | None = None) -> tuple[NamedQuery, ...]:
    """Read every ``*.rq`` file of a folder.

    Args:
        folder: the queries folder (setting ``queries_dir``).
        remembered: a JSON file where the projections of parsed queries are kept
            by the digest of their text (read, and written when it changed).

    Returns:
        The queries, sorted by name.

    Raises:
        QueryFileError: the first file that cannot be used, with its line.
        ConfigurationError: the folder does not exist.
    """
    if not folder.is_dir():
        raise ConfigurationError(f"queries_dir {folder} is not a folder")
    known = _Projections(remembered)
    queries = tuple(read_query(path, known) for path in sorted(folder.glob("*.rq")))
    known.save()
    return queries


class _Projections:
    """The projections of parsed query texts by their SHA-256, kept in a JSON file."""

    def __init__(self, record: Path | None) -> None:
        self.record = record
        self.known: dict[str, list[str]] = {}
        if record is not None:
            with contextlib.suppress(OSError, ValueError):
                self.known = json.loads(record.read_text(encoding="utf-8"))
        self.used: dict[str, list[str]] = {}

    def of(self, path: Path, text: str, first_line: int) -> tuple[str, ...]:
        key = hashlib.sha256(text.encode("utf-8")).hexdigest()
        found = self.known.get(key)
        if not isinstance(found, list):
            found = list(_projection(path, text, first_line))
        self.used[key] = found
        return tuple(found)

    def save(self) -> None:
        if self.record is not None and self.used != self.known:
            with contextlib.suppress(OSError):  # parsed again next time
                write_atomically(json.dumps(self.used, sort_keys=True).encode(), self.record)


def read_query(path: Path, known: _Projections | None = None) -> NamedQuery:
    """Read one named query file.

    Args:
        path: the ``.rq`` file; its name is the query's slug.
        known: projections already parsed (see :func:`load_queries`).

    Returns:
        The query with its header.

    Raises:
        QueryFileError: an unusable file name, header or query, with the line.
    """
    if not _SLUG.fullmatch(path.stem):
        raise QueryFileError(
            path, 1, f"the file name {path.stem!r} is no URL slug (lowercase a-z, 0-9 and '-')"
        )
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise QueryFileError(path, 1, f"cannot read: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise QueryFileError(path, line, "not valid UTF-8") from exc
    lines = text.splitlines()
    marked = header_lines(path, lines)
    meta = Header(path, marked)
    query = "\n".join(lines[len(marked) :]).strip("\n") + "\n"
    columns = (known or _Projections(None)).of(path, text, first_line=len(marked) + 1)
    parameters = meta.parameters()
    variables = query_variables(query)
    for param in parameters:
        if param.name not in variables:
            raise QueryFileError(
                path,
                param.line,
                f"parameter {param.name!r} has no matching variable ?{param.name} in the query",
            )
        if columns and param.name not in columns:
            raise QueryFileError(
                path,
                param.line,
                f"parameter {param.name!r}: ?{param.name} must be in the SELECT projection "
                "(each row says which value it was found for)",
            )
    return NamedQuery(
        name=path.stem,
        path=path,
        title=meta.title,
        description=meta.description,
        parameters=parameters,
        tags=meta.tags,
        query=query,
        columns=columns,
    )


def query_variables(query: str) -> frozenset[str]:
    """The names of the variables a query mentions, outside strings, IRIs and comments."""
    return frozenset(m.group(1) for m in _TOKENS.finditer(query) if m.group(1))


def rebase(query: str, base_iri: str) -> str:
    """The query with IRIs under :data:`WRITTEN_BASE` moved under ``base_iri``.

    The files are written under the default base IRI (so that each is valid,
    runnable SPARQL as it stands); a deployment with another base serves them
    under its own.
    """
    if base_iri == WRITTEN_BASE:
        return query
    return query.replace("<" + WRITTEN_BASE, "<" + base_iri)


def _projection(path: Path, text: str, first_line: int) -> tuple[str, ...]:
    """Parse the query; the variables its SELECT projects, in order (none for ``*``).

    Raises:
        QueryFileError: the query does not parse, or is no ``SELECT``.
    """
    # rdflib's parser only parses; pyoxigraph would evaluate the query (and SERVICE).
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        parsed = parseQuery(text)[1]
    except ParseBaseException as exc:
        raise QueryFileError(path, exc.lineno, f"the query does not parse: {exc.msg}") from exc
    if parsed.name != "SelectQuery":
        raise QueryFileError(
            path,
            first_line,
            "a named query must be a SELECT query: the API answers with tables of rows",
        )
    if "projection" not in parsed:
        return ()
    return tuple(
        str(item["var"] if "var" in item else item["evar"]) for item in parsed["projection"]
    )
