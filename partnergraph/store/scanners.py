"""Where each solution of a result begins, found in the bytes a writer produces.

pyoxigraph writes a result once, in the format asked for, into a
:class:`SolutionLimit`; a :class:`Scanner` per format finds where each solution
begins (each by what its writer guarantees, see :mod:`partnergraph.store.results`),
and once solution ``cap + 1`` begins the sink stops the writer, so the engine's
lazy evaluation stops too. What is kept is closed as its format requires; it is
never parsed back.
"""

from __future__ import annotations

import contextlib
import io
import re
from typing import Protocol

import pyoxigraph as ox

#: The RDF formats that write one triple (or quad) a line.
LINE_FORMATS = (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS)


class Enough(Exception):
    """Raised into a serialiser to stop it: the output has all it may hold."""


class SolutionLimit(io.RawIOBase):
    """A binary sink that keeps a result up to where solution ``cap + 1`` begins.

    What arrives is scanned every :data:`BATCH` bytes (pyoxigraph writes 8 KiB at
    a time; a scan costs per call as well as per byte), and once more by
    :meth:`written`: the writer runs at most that far past the cap.

    Args:
        scanner: finds where solutions begin in the format written.
        cap: the most solutions to keep.
    """

    #: Bytes written between two scans.
    BATCH = 64 * 1024

    def __init__(self, scanner: Scanner, cap: int) -> None:
        super().__init__()
        self.scanner = scanner
        self.cap = cap
        self.data = bytearray()
        self.scanned = 0
        self.cut: int | None = None

    def writable(self) -> bool:
        return True

    def write(self, data: bytes | bytearray | memoryview, /) -> int:  # type: ignore[override]
        if self.cut is not None:  # the writer flushes its buffer once more as it stops
            raise Enough
        self.data += data
        if len(self.data) - self.scanned >= self.BATCH:
            self._scan()
        return len(data)

    def _scan(self) -> None:
        self.scanned = len(self.data)
        self.scanner.scan(self.data)
        if self.scanner.count > self.cap:
            self.cut = self.scanner.locate(self.data, self.cap + 1)
            raise Enough

    def kept(self) -> tuple[bytes, int, bool]:
        """What was kept (closed as its format requires when it was cut), how many
        solutions it holds, and whether it was cut."""
        if self.cut is None and self.scanned < len(self.data):
            with contextlib.suppress(Enough):
                self._scan()
        if self.cut is None:
            return bytes(self.data), self.scanner.count, False
        return self.scanner.close(bytes(self.data[: self.cut])), self.cap, True


class Scanner(Protocol):
    """Finds where solutions (or triples) begin in a serialisation as it grows.

    ``count`` is the number that have begun: a start is counted once the
    bytes after it leave no doubt (a line's first byte, say, is only known
    to begin a solution once it is written).
    """

    count: int

    def scan(self, data: bytearray) -> None:
        """Look at what was appended to ``data`` since the last call."""

    def locate(self, data: bytearray, number: int) -> int:
        """The offset where start ``number`` (counted by the last scan) begins."""

    def close(self, kept: bytes) -> bytes:
        """Finish a document cut before a solution."""


def scanner_for(fmt: ox.QueryResultsFormat | ox.RdfFormat) -> Scanner:
    """The scanner of solutions written in ``fmt`` (of triples for N-Triples, N-Quads).

    Raises:
        ValueError: a format whose items cannot be told apart as they are written.
    """
    if fmt in LINE_FORMATS:
        return _Lines(header=False)
    if fmt == ox.QueryResultsFormat.TSV:
        return _Lines(header=True)
    if fmt == ox.QueryResultsFormat.JSON:
        return _JsonBindings()
    if fmt == ox.QueryResultsFormat.XML:
        return _XmlResults()
    if fmt == ox.QueryResultsFormat.CSV:
        return _CsvLines()
    raise ValueError(f"{fmt} is not written an item at a time")


class _Lines:
    """Lines, each a solution (a triple), after the header line where there is one.

    A line begins once a byte of it is written: a newline is counted when
    something follows it (the last one of a result begins nothing).
    """

    def __init__(self, header: bool) -> None:
        self.count = 0
        self.pos = 0  # newlines before it are counted
        self.headless = not header  # the first line begins at 0, not after a header
        self.mark = (0, 0, self.headless)  # the state the last scan began in

    def scan(self, data: bytearray) -> None:
        self.mark = (self.pos, self.count, self.headless)
        if self.headless and data:
            self.headless = False
            self.count += 1
        end = len(data) - 1
        if end > self.pos:
            self.count += data.count(b"\n", self.pos, end)
            self.pos = end

    def locate(self, data: bytearray, number: int) -> int:
        offset, count, headless = self.mark
        if headless:
            if number == count + 1:
                return 0
            count += 1
        return _nth(data, b"\n", offset, number - count) + 1

    def close(self, kept: bytes) -> bytes:
        return kept


class _CsvLines:
    """CSV lines: a newline inside a quoted field begins nothing."""

    def __init__(self) -> None:
        self.count = 0
        self.pos = 0
        self.quoted = False  # whether ``pos`` is inside a quoted field
        self.mark = (0, 0, False)

    def scan(self, data: bytearray) -> None:
        self.mark = (self.pos, self.count, self.quoted)
        end = len(data) - 1
        if end <= self.pos:
            return
        if not self.quoted and data.find(b'"', self.pos, end) < 0:
            self.count += data.count(b"\n", self.pos, end)
        else:
            parts = data[self.pos : end].split(b'"')
            outside = parts[1::2] if self.quoted else parts[::2]
            self.count += b"".join(outside).count(b"\n")
            self.quoted ^= len(parts) % 2 == 0
        self.pos = end

    def locate(self, data: bytearray, number: int) -> int:
        offset, count, quoted = self.mark
        for part in data[offset : self.pos].split(b'"'):
            if not quoted:
                found = part.count(b"\n")
                if count + found >= number:
                    return offset + _nth(part, b"\n", 0, number - count) + 1
                count += found
            offset += len(part) + 1
            quoted = not quoted
        raise ValueError(f"no line {number} in the last scan")  # pragma: no cover

    def close(self, kept: bytes) -> bytes:
        return kept


class _XmlResults:
    """SPARQL XML: ``<result>`` opens each solution (``<`` in a term is ``&lt;``)."""

    OPEN = b"<result>"

    def __init__(self) -> None:
        self.count = 0
        self.pos = 0
        self.mark = (0, 0)

    def scan(self, data: bytearray) -> None:
        start = max(0, self.pos - len(self.OPEN) + 1)  # one may straddle the last end
        self.mark = (start, self.count)
        self.count += data.count(self.OPEN, start)
        self.pos = len(data)

    def locate(self, data: bytearray, number: int) -> int:
        offset, count = self.mark
        return _nth(data, self.OPEN, offset, number - count)

    def close(self, kept: bytes) -> bytes:
        return kept + b"</results></sparql>"


class _JsonBindings:
    """SPARQL JSON as pyoxigraph writes it: compact, its only array of objects the
    bindings, so that a solution after the first begins at a ``},{`` that is not
    inside a string.

    Strings hold no unescaped ``"``, so a ``},{`` in a literal is told by what
    follows it: a solution's first key (a variable name) follows ``},{"``, while
    after ``},{`` in a literal comes more of it, or its closing quote and then
    ``}`` or ``,``. Only an empty solution (``{}``, no variable bound) looks
    like a literal's ``},{}``: when one may be there, :class:`_JsonStrings`
    takes over, which skips the strings.
    """

    OPEN = b'"bindings":['
    #: ``},{`` then the first byte of a key (a quote, and no byte that follows a
    #: closing one), or else the byte that follows (captured: ``}`` is an empty
    #: solution, or a literal like one).
    BOUNDARY = re.compile(rb'\},\{(?:"[^},:]|(.))', re.DOTALL)

    def __init__(self) -> None:
        self.count = 0
        self.start = -1  # where the array's first solution begins, once seen
        self.pos = 0  # where the next scan begins
        self.mark = (0, 0)
        self.strict: _JsonStrings | None = None

    def scan(self, data: bytearray) -> None:
        if self.strict is not None:
            self.strict.scan(data)
            self.count = self.strict.count
            return
        if self.start < 0:
            opened = data.find(self.OPEN)
            if opened < 0 or len(data) < opened + len(self.OPEN) + 3:
                return
            self.start = self.pos = opened + len(self.OPEN)
            head = bytes(data[self.start : self.start + 3])
            if head[:1] == b"]":  # no solution
                self.pos = len(data)
                return
            if head[:1] != b"{" or not self._opens(head[1:]):
                return self._strictly(data)
            self.count = 1
        self.mark = (self.pos, self.count)
        # Each match is b"" for a solution, or the byte after a ``},{`` that is not one.
        # A match needs the two bytes after ``},{``: one that begins in the last four
        # bytes is looked at again by the next scan (it cannot have been counted).
        found: list[bytes] = self.BOUNDARY.findall(data, self.pos)
        if b"}" in found:
            return self._strictly(data)
        self.count += found.count(b"")
        self.pos = max(self.pos, len(data) - 4)

    @staticmethod
    def _opens(head: bytes) -> bool:
        """Whether the two bytes after ``{`` begin a solution's first key."""
        return len(head) == 2 and head[:1] == b'"' and head[1:2] not in b"},:"

    def _strictly(self, data: bytearray) -> None:
        self.strict = _JsonStrings(self.start)
        self.strict.scan(data)
        self.count = self.strict.count

    def locate(self, data: bytearray, number: int) -> int:
        if self.strict is not None:
            return self.strict.locate(data, number)
        if number == 1:
            return self.start
        offset, count = self.mark
        for match in self.BOUNDARY.finditer(data, offset):
            if match.group(1) is None:
                count += 1
                if count == number:
                    return match.start() + 2
        raise ValueError(f"no solution {number} in the last scan")  # pragma: no cover

    def close(self, kept: bytes) -> bytes:
        return kept.removesuffix(b",") + b"]}}"


class _JsonStrings:
    """SPARQL JSON bindings read with their strings skipped: exact whatever the terms.

    Escapes are paired off first (``\\\\``, then ``\\"``, each kept as two bytes so
    that offsets stay), so every ``"`` left opens or closes a string; what lies
    outside strings is then the bare structure, where a solution begins at a
    ``{`` after ``[`` or ``,`` (a term is a key's value, after ``:``).
    """

    def __init__(self, start: int) -> None:
        self.count = 0
        self.pos = start
        self.inside = False  # whether ``pos`` is inside a string
        self.escaped = False  # whether the byte at ``pos`` is escaped
        self.last = b"["  # the last byte outside strings before ``pos``
        self.mark = (start, 0, False, False, b"[")

    def _outside(self, data: bytearray) -> tuple[list[bytes], int]:
        """The segment from ``mark`` split at quotes, and the index of its first part
        outside strings."""
        offset, _, inside, escaped, _ = self.mark
        text = bytes(data[offset:])
        if escaped and text:
            text = b"_" + text[1:]
        text = text.replace(b"\\\\", b"__").replace(b'\\"', b"__")
        return text.split(b'"'), int(inside)

    def scan(self, data: bytearray) -> None:
        self.mark = (self.pos, self.count, self.inside, self.escaped, self.last)
        if len(data) <= self.pos:
            return
        parts, first = self._outside(data)
        structure = self.last + b"".join(parts[first::2])
        self.count += structure.count(b",{") + structure.count(b"[{")
        self.last = structure[-1:]
        self.inside ^= len(parts) % 2 == 0
        self.escaped = parts[-1].endswith(b"\\")
        self.pos = len(data)

    def locate(self, data: bytearray, number: int) -> int:
        offset, count, _, _, last = self.mark
        parts, first = self._outside(data)
        for index, part in enumerate(parts):
            if index >= first and (index - first) % 2 == 0:
                brace = part.find(b"{")
                while brace >= 0:
                    before = part[brace - 1 : brace] if brace else last
                    if before in (b",", b"["):
                        count += 1
                        if count == number:
                            return offset + brace
                    brace = part.find(b"{", brace + 1)
                last = part[-1:] or last
            offset += len(part) + 1
        raise ValueError(f"no solution {number} in the last scan")  # pragma: no cover

    def close(self, kept: bytes) -> bytes:
        return kept.removesuffix(b",") + b"]}}"


def _nth(data: bytes | bytearray, needle: bytes, start: int, number: int) -> int:
    """The offset of the ``number``-th ``needle`` at or after ``start``."""
    found = start - 1
    for _ in range(number):
        found = data.index(needle, found + 1)
    return found
