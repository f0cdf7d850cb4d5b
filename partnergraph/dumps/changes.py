"""What changed between two releases: added and removed lines, and counts per class.

Both releases' N-Quads (and N-Triples) are sorted canonical lines, so the change is
a merge of two sorted sequences: the lines only in the new release were added, the
lines only in the previous one removed. Applied to the previous release's file
(remove, add, sort), they give the new release's file byte for byte.

Blank nodes: their canonical labels depend on the whole dataset, so a change
elsewhere can relabel them; such a relabelling shows as removed and added lines.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from partnergraph.dumps.serialise import RDF_TYPE
from partnergraph.errors import DataFileError

UNTYPED = ""


@dataclass
class ClassChanges:
    """How many instances of one class were added, removed, or changed.

    An instance is a subject: added when it had no triple before, removed when it
    has none now, changed when it had and has triples and some were added or removed.
    """

    added: int = 0
    removed: int = 0
    changed: int = 0


@dataclass(frozen=True)
class Diff:
    """The lines one release adds to and removes from another.

    Attributes:
        added: the lines only in the new release, sorted.
        removed: the lines only in the previous release, sorted.
    """

    added: list[bytes] = field(default_factory=list)
    removed: list[bytes] = field(default_factory=list)


def diff(previous: Iterable[bytes], current: Sequence[bytes], source: Path) -> Diff:
    """Compare the sorted lines of the previous release with the current ones.

    Args:
        previous: the previous release's lines, sorted (read one at a time).
        current: the current lines, sorted.
        source: the file ``previous`` comes from, for the error message.

    Returns:
        The added and removed lines.

    Raises:
        DataFileError: ``previous`` is not sorted and free of duplicates.
    """
    result = Diff()
    at, count, last = 0, len(current), b""
    for number, line in enumerate(previous, start=1):
        if line <= last and number > 1:
            raise DataFileError(source, "lines are not sorted; not a release file", number)
        last = line
        stop = bisect.bisect_left(current, line, at)
        result.added.extend(current[at:stop])
        at = stop
        if at < count and current[at] == line:
            at += 1
        else:
            result.removed.append(line)
    result.added.extend(current[at:])
    return result


def diff_file(path: Path, current: Sequence[bytes]) -> Diff:
    """:func:`diff` against a release file (N-Triples or N-Quads)."""
    with path.open("rb") as stream:
        return diff(stream, current, path)


def apply(previous: Iterable[bytes], changes: Diff) -> list[bytes]:
    """The previous release's lines with ``changes`` applied: the current lines, sorted."""
    removed = set(changes.removed)
    return sorted({line for line in previous if line not in removed} | set(changes.added))


def per_class(triples: Sequence[bytes], changes: Diff) -> dict[str, ClassChanges]:
    """Count the instances added, removed and changed, by class (``rdf:type``).

    Args:
        triples: the current release's N-Triples lines (the union graph), sorted.
        changes: the N-Triples lines added and removed since the previous release.

    Returns:
        Counts by class IRI (blank node classes by label); subjects without a type
        are counted under ``""``. An instance counts once for each of its classes,
        before and after the change.
    """
    touched: dict[bytes, tuple[list[bytes], list[bytes]]] = {}
    for index, lines in enumerate((changes.added, changes.removed)):
        for line in lines:
            subject = line[: line.index(b" ")]
            touched.setdefault(subject, ([], []))[index].append(line)
    counts: dict[str, ClassChanges] = {}
    for subject, (added, removed) in sorted(touched.items()):
        start = bisect.bisect_left(triples, subject + b" ")
        end = bisect.bisect_left(triples, subject + b"!", start)
        now = _types(triples[start:end], subject)
        before = (now - _types(added, subject)) | _types(removed, subject)
        before_count = end - start - len(added) + len(removed)
        if before_count == 0:
            kind, classes = "added", now
        elif end == start:
            kind, classes = "removed", before
        else:
            kind, classes = "changed", now | before
        for name in classes or {UNTYPED}:
            entry = counts.setdefault(name, ClassChanges())
            setattr(entry, kind, getattr(entry, kind) + 1)
    return dict(sorted(counts.items()))


def _types(lines: Iterable[bytes], subject: bytes) -> set[str]:
    at = len(subject) + 1
    found = set()
    for line in lines:
        if line.startswith(RDF_TYPE, at):
            term = line[at + len(RDF_TYPE) + 1 : -3]  # before " .\n"
            found.add((term[1:-1] if term.startswith(b"<") else term).decode())
    return found
