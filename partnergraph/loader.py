"""Reading the curated graph: TriG files into a pyoxigraph store.

TriG (https://www.w3.org/TR/trig/) is Turtle with named-graph blocks; every curated
file in ``graph/`` is TriG so that each fact sits in the named graph of its source.
Files are parsed with the configured base IRI as their base, so relative IRIs and
relative prefixes (``@prefix city: <id/city/> .``) land under that base.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import pyoxigraph as ox

from partnergraph.errors import DataFileError
from partnergraph.locate import Locator

DATA_SUFFIXES = {".trig": ox.RdfFormat.TRIG, ".ttl": ox.RdfFormat.TURTLE}


def data_files(paths: Iterable[Path], suffixes: Iterable[str] = (".trig",)) -> list[Path]:
    """Expand folders into the data files they hold, sorted; keep files as given.

    Args:
        paths: files and folders.
        suffixes: which file endings a folder contributes.

    Returns:
        The files, folders expanded recursively and sorted by path.

    Raises:
        DataFileError: a path that does not exist.
    """
    wanted = tuple(suffixes)
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.suffix in wanted and p.is_file()))
        elif path.is_file():
            files.append(path)
        else:
            raise DataFileError(path, "no such file or folder")
    return files


def parse_file(path: Path, base_iri: str | None) -> list[ox.Quad]:
    """Parse one TriG or Turtle file into quads (Turtle goes to the default graph).

    Args:
        path: the file; its ending (.trig or .ttl) picks the syntax.
        base_iri: the base for relative IRIs.

    Returns:
        The quads, in file order.

    Raises:
        DataFileError: unreadable, not UTF-8, unknown ending or a syntax error, with
            the line and column the parser reports.
    """
    fmt = DATA_SUFFIXES.get(path.suffix)
    if fmt is None:
        raise DataFileError(path, f"unknown file type {path.suffix!r}: expected .trig or .ttl")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DataFileError(path, f"cannot read: {exc.strerror}") from exc
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DataFileError(path, "not valid UTF-8", line=line) from exc
    try:
        return list(ox.parse(data, format=fmt, base_iri=base_iri))
    except SyntaxError as exc:
        raise DataFileError(path, _parser_message(exc), exc.lineno, exc.offset) from exc


def _parser_message(exc: SyntaxError) -> str:
    msg = exc.msg or str(exc)
    # pyoxigraph prefixes the position it also reports structurally; keep the reason.
    if msg.startswith("Parser error at line") and ": " in msg:
        msg = msg.split(": ", 1)[1]
    return msg


def load_store(paths: Sequence[Path], base_iri: str, store: ox.Store | None = None) -> ox.Store:
    """Parse every curated file and load it into a pyoxigraph store.

    Every fact of the curated graph belongs in the named graph of its source: a
    triple outside any ``GRAPH`` block would be validated and counted, but never
    served (the endpoint's default graph is the union of the named graphs), so a
    file that has one is refused.

    Args:
        paths: data files (already expanded, see :func:`data_files`).
        base_iri: the base for relative IRIs.
        store: the store to add to; a new in-memory one when omitted.

    Returns:
        The store.

    Raises:
        DataFileError: the first file that cannot be read or parsed, or that holds
            a triple outside a named graph (named with its line); nothing of the
            failing file is loaded.
    """
    store = ox.Store() if store is None else store
    for path in paths:
        quads = parse_file(path, base_iri)
        require_named_graphs(path, quads, base_iri)
        store.bulk_extend(quads)
    return store


def require_named_graphs(path: Path, quads: Sequence[ox.Quad], base_iri: str) -> None:
    """Refuse a curated file that puts a triple in the default graph.

    Raises:
        DataFileError: naming the file, the line where the first such triple's
            subject is written (when it can be found) and the triple.
    """
    loose = next((q for q in quads if isinstance(q.graph_name, ox.DefaultGraph)), None)
    if loose is None:
        return
    subject = loose.subject
    line = None
    if isinstance(subject, ox.NamedNode):
        places = Locator([path], base_iri, wanted={subject.value}).subject(subject.value)
        line = places[0].line if places else None
    triple = f"{subject} {loose.predicate} {loose.object}"
    raise DataFileError(
        path,
        f"a triple outside a named graph ({triple}): every fact belongs in the named "
        "graph of its source; put it in the GRAPH block of that source",
        line,
    )
