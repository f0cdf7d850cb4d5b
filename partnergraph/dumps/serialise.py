"""Writing the dumps: sorted N-Triples and N-Quads, readable Turtle and TriG, JSON-LD, gzip.

Every writer starts from the sorted canonical lines of :mod:`.canonical`, so its
output depends on the data alone (and on the pyoxigraph and zlib versions, which
the manifest names). N-Triples and N-Quads are those lines. Turtle
(https://www.w3.org/TR/turtle/) and TriG (https://www.w3.org/TR/trig/) are written
by pyoxigraph from the same lines grouped by subject (``rdf:type`` first, then
sorted), TriG graph by graph, under a header comment and only the prefixes the
text uses. JSON-LD (https://www.w3.org/TR/json-ld11/) is pyoxigraph's, graph by
graph. gzip (RFC 1952) is written with no file name and mtime 0.
"""

from __future__ import annotations

import bisect
import gzip
import re
import shutil
from collections.abc import Sequence
from pathlib import Path

import pyoxigraph as ox

from partnergraph.dumps.canonical import as_bytes
from partnergraph.namespaces import Namespaces

RDF_TYPE = b"<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
LANG = "http://publications.europa.eu/resource/authority/language/"
#: zlib's own default: 6 is as fast as 1 on this data and within 6 % of 9's size.
GZIP_LEVEL = 6
#: What precedes a prefixed name in pyoxigraph's Turtle and TriG.
_LEADS = (b"\n", b" ", b"\t", b"^^", b"(", b"[")
_KIND = re.compile(rb"[a-z0-9][a-z0-9-]*")


def write_lines(lines: Sequence[bytes], target: Path) -> None:
    """Write N-Triples or N-Quads lines (each ends with its newline)."""
    with target.open("wb") as out:
        out.writelines(lines)


def write_gzip(source: Path, target: Path) -> None:
    """Compress ``source`` into ``target``: no file name and mtime 0 in the header.

    The same bytes in give the same bytes out (with the same zlib).
    """
    with (
        source.open("rb") as data,
        target.open("wb") as raw,
        gzip.GzipFile(
            filename="", mode="wb", fileobj=raw, compresslevel=GZIP_LEVEL, mtime=0
        ) as out,
    ):
        shutil.copyfileobj(data, out, 1 << 20)


def type_first(lines: Sequence[bytes]) -> list[bytes]:
    """Sorted N-Triples or N-Quads lines with each subject's ``rdf:type`` lines first."""
    ordered: list[bytes] = []
    start, count = 0, len(lines)
    while start < count:
        subject = lines[start][: lines[start].index(b" ") + 1]
        end = bisect.bisect_left(lines, subject[:-1] + b"!", start)
        group = lines[start:end]
        at = len(subject)
        types = [line for line in group if line.startswith(RDF_TYPE, at)]
        if types:
            ordered += types
            ordered += [line for line in group if not line.startswith(RDF_TYPE, at)]
        else:
            ordered += group
        start = end
    return ordered


def candidate_prefixes(ns: Namespaces, subjects: Sequence[bytes]) -> dict[str, str]:
    """The prefixes a dump may use: the project's, ``lang:``, ``graph:`` and one a kind.

    A kind is the ``{kind}`` of ``{base}id/{kind}/{slug}`` (``city:``, ``source:``…),
    taken from the subjects of the sorted ``subjects`` lines without reading them all.
    """
    prefixes = {**ns.prefixes(), "lang": LANG, "graph": ns.graph}
    head = b"<" + ns.id.encode()
    at = bisect.bisect_left(subjects, head)
    while at < len(subjects) and subjects[at].startswith(head):
        rest = subjects[at][len(head) :]
        kind, slash, _ = rest.partition(b"/")
        if slash and _KIND.fullmatch(kind):
            prefixes.setdefault(kind.decode(), f"{ns.id}{kind.decode()}/")
        # skip every IRI of this kind (or this odd IRI) in one step
        at = bisect.bisect_left(subjects, head + kind + (b"0" if slash else b"\x00"), at + 1)
    return prefixes


def turtle(lines: Sequence[bytes], prefixes: dict[str, str], header: str) -> bytes:
    """Readable Turtle of sorted N-Triples lines: header comment, used prefixes, subjects."""
    triples = ox.parse(b"".join(type_first(lines)), format=ox.RdfFormat.N_TRIPLES)
    body = as_bytes(ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes))
    return _with_header(body, prefixes, header)


def trig(graphs: Sequence[Sequence[bytes]], prefixes: dict[str, str], header: str) -> bytes:
    """Readable TriG of N-Quads lines graph by graph (see ``Canonical.by_graph``)."""
    quads = ox.parse(_grouped(graphs), format=ox.RdfFormat.N_QUADS)
    body = as_bytes(ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=prefixes))
    return _with_header(body, prefixes, header)


def jsonld(graphs: Sequence[Sequence[bytes]]) -> bytes:
    """JSON-LD (expanded: a node object a subject and graph) of N-Quads lines by graph."""
    quads = ox.parse(_grouped(graphs), format=ox.RdfFormat.N_QUADS)
    body = as_bytes(ox.serialize(quads, format=ox.RdfFormat.JSON_LD))
    return body if body.endswith(b"\n") else body + b"\n"


def _grouped(graphs: Sequence[Sequence[bytes]]) -> bytes:
    """The graphs' lines in order, each graph's subjects with their types first."""
    return b"".join([line for lines in graphs for line in type_first(lines)])


def _with_header(body: bytes, prefixes: dict[str, str], header: str) -> bytes:
    """Replace pyoxigraph's prefix lines by those the body uses, sorted, under ``header``."""
    at = 0
    while body.startswith(b"@prefix ", at):
        at = body.index(b"\n", at) + 1
    rest = body[at:]
    used = sorted(name for name in prefixes if _uses(rest, name.encode() + b":"))
    declared = "".join(f"@prefix {name}: <{prefixes[name]}> .\n" for name in used)
    return header.encode() + declared.encode() + (b"\n" if declared else b"") + rest


def _uses(body: bytes, prefixed: bytes) -> bool:
    """Whether ``prefixed`` (``schema:``) starts a prefixed name in ``body``, not in a string.

    pyoxigraph writes every string literal on one line (line breaks escaped), so a
    hit is inside a string when an odd number of unescaped quotes precede it on its line.
    """
    if body.startswith(prefixed):
        return True
    for lead in _LEADS:
        needle = lead + prefixed
        at = body.find(needle)
        while at >= 0:
            line = body[body.rfind(b"\n", 0, at) + 1 : at].replace(b"\\\\", b"")
            if (line.count(b'"') - line.count(b'\\"')) % 2 == 0:
                return True
            at = body.find(needle, at + 1)
    return False
