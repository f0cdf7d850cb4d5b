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
    """Parse every file and load it into a pyoxigraph store.

    Args:
        paths: data files (already expanded, see :func:`data_files`).
        base_iri: the base for relative IRIs.
        store: the store to add to; a new in-memory one when omitted.

    Returns:
        The store.

    Raises:
        DataFileError: the first file that cannot be read or parsed; nothing of the
            failing file is loaded.
    """
    store = ox.Store() if store is None else store
    for path in paths:
        store.bulk_extend(parse_file(path, base_iri))
    return store
