"""Where a node is written: file and line of its description in the curated files.

Curated TriG puts each subject at the start of a line (inside its GRAPH block), so
a line whose first token is a term and that starts a statement is where that node
is written. The locator reads the files as text once, expands prefixed names with
the prefixes each file declares, and answers in O(1) per node.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

_PREFIX = re.compile(r"^\s*(?:@prefix|PREFIX)\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.IGNORECASE)
_BASE = re.compile(r"^\s*(?:@base|BASE)\s+<([^>]*)>", re.IGNORECASE)
_TOKEN = re.compile(r"<[^>\s]*>|[A-Za-z][\w.-]*:[\w.%-]*[\w%-]|[A-Za-z][\w.-]*:(?=\s)|:[\w.-]*")
_COMMENT = re.compile(r"\s#[^\"'>]*$")


@dataclass(frozen=True)
class Location:
    """A place in a file: path and 1-based line."""

    path: Path
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


class Locator:
    """Finds the file and line where each IRI is described.

    Args:
        files: the curated files, read as UTF-8 text.
        base_iri: the base they were parsed with.
    """

    def __init__(self, files: Iterable[Path], base_iri: str) -> None:
        self._subjects: dict[str, list[Location]] = {}
        self._mentions: dict[str, Location] = {}
        for path in files:
            self._scan(path, base_iri)

    def subject(self, iri: str) -> list[Location]:
        """Every place where ``iri`` starts a description, in file order."""
        return self._subjects.get(iri, [])

    def find(self, iri: str) -> Location | None:
        """Where ``iri`` is described, or else first mentioned, or None."""
        places = self._subjects.get(iri)
        if places:
            return places[0]
        return self._mentions.get(iri)

    def _scan(self, path: Path, base_iri: str) -> None:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            return
        prefixes: dict[str, str] = {}
        base = base_iri
        at_start = True
        for number, raw in enumerate(lines, start=1):
            line = _COMMENT.sub("", raw).rstrip()
            stripped = line.strip()
            if not stripped or stripped.startswith("#"):
                continue
            if m := _BASE.match(line):
                base = urljoin(base, m.group(1))
                at_start = True
                continue
            if m := _PREFIX.match(line):
                prefixes[m.group(1) or ""] = urljoin(base, m.group(2))
                at_start = True
                continue
            tokens = [self._expand(t, prefixes, base) for t in _TOKEN.findall(line)]
            for index, iri in enumerate(t for t in tokens if t):
                if index == 0 and at_start and not stripped.upper().startswith("GRAPH"):
                    self._subjects.setdefault(iri, []).append(Location(path, number))
                self._mentions.setdefault(iri, Location(path, number))
            at_start = stripped.endswith((".", "{", "}"))

    @staticmethod
    def _expand(token: str, prefixes: dict[str, str], base: str) -> str | None:
        if token.startswith("<"):
            return urljoin(base, token[1:-1])
        prefix, _, local = token.partition(":")
        namespace = prefixes.get(prefix)
        return None if namespace is None else namespace + local
