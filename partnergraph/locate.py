"""Where a node is written: file and line of its description in the curated files.

Curated TriG puts each subject at the start of a line (inside its GRAPH block), so
a line whose first token is a term and that starts a statement is where that node
is written. The locator reads the files as text, expands prefixed names with the
prefixes each file declares, and looks only for the nodes it is asked about: a
graph that conforms costs nothing, a report of a few nodes one pass over the files.
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
_FIRST = re.compile(r"\s*(" + _TOKEN.pattern + ")")
_COMMENT = re.compile(r"\s#[^\"'>]*$")


@dataclass(frozen=True)
class Location:
    """A place in a file: path and 1-based line."""

    path: Path
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


class Locator:
    """Finds the file and line where each of the ``wanted`` IRIs is described.

    Args:
        files: the curated files, read as UTF-8 text.
        base_iri: the base they were parsed with.
        wanted: the IRIs to look for (every subject when None: for small inputs).
    """

    def __init__(
        self, files: Iterable[Path], base_iri: str, wanted: Iterable[str] | None = None
    ) -> None:
        self._wanted = None if wanted is None else set(wanted)
        self._subjects: dict[str, list[Location]] = {}
        self._mentions: dict[str, Location] = {}
        # the last path segments of the wanted IRIs: a cheap filter of the lines to tokenise
        self._locals = {
            iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1] for iri in self._wanted or ()
        }
        if self._wanted == set():
            return
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

    def _want(self, iri: str | None) -> bool:
        return iri is not None and (self._wanted is None or iri in self._wanted)

    def _scan(self, path: Path, base_iri: str) -> None:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            return
        prefixes: dict[str, str] = {}
        base = base_iri
        at_start = True
        for number, raw in enumerate(lines, start=1):
            line = _COMMENT.sub("", raw).rstrip() if "#" in raw else raw.rstrip()
            stripped = line.lstrip()
            if not stripped or stripped.startswith("#"):
                continue
            if stripped[0] in "@PBpb" and self._declaration(line, prefixes, base):
                base = self._base(line, base)
                at_start = True
                continue
            where = Location(path, number)
            if at_start and not stripped.upper().startswith("GRAPH"):
                first = _FIRST.match(line)
                iri = self._expand(first.group(1), prefixes, base) if first else None
                if iri is not None and self._want(iri):
                    self._subjects.setdefault(iri, []).append(where)
            if self._wanted is None or any(local in line for local in self._locals):
                for token in _TOKEN.findall(line):
                    iri = self._expand(token, prefixes, base)
                    if iri is not None and self._want(iri):
                        self._mentions.setdefault(iri, where)
            at_start = stripped.endswith((".", "{", "}"))

    @staticmethod
    def _declaration(line: str, prefixes: dict[str, str], base: str) -> bool:
        if m := _PREFIX.match(line):
            prefixes[m.group(1) or ""] = urljoin(base, m.group(2))
            return True
        return _BASE.match(line) is not None

    @staticmethod
    def _base(line: str, base: str) -> str:
        m = _BASE.match(line)
        return urljoin(base, m.group(1)) if m else base

    @staticmethod
    def _expand(token: str, prefixes: dict[str, str], base: str) -> str | None:
        if token.startswith("<"):
            return urljoin(base, token[1:-1])
        prefix, _, local = token.partition(":")
        namespace = prefixes.get(prefix)
        return None if namespace is None else namespace + local
