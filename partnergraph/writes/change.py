"""A change to the dataset: the quads it adds and the quads it removes, and RDF Patch.

RDF Patch (https://afs.github.io/rdf-delta/rdf-patch.html) writes a change as
rows: ``H`` headers, ``TX .`` to open a transaction, one ``D`` row per removed
quad and one ``A`` row per added quad (terms in N-Triples syntax, graph last),
``TC .`` to commit. The change log keeps each accepted write in it, and
:func:`parse_patch` reads it back for an undo.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pyoxigraph as ox

from partnergraph.dumps.canonical import as_bytes
from partnergraph.errors import BadRequest

PATCH_MEDIA_TYPE = "application/rdf-patch"


@dataclass(frozen=True)
class Change:
    """What a write does to the curated named graphs.

    Attributes:
        added: quads that were not there and are now.
        removed: quads that were there and are not now.
    """

    added: frozenset[ox.Quad] = field(default_factory=frozenset)
    removed: frozenset[ox.Quad] = field(default_factory=frozenset)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed)

    def __len__(self) -> int:
        return len(self.added) + len(self.removed)

    def inverse(self) -> Change:
        """The change that undoes this one."""
        return Change(self.removed, self.added)

    def graphs(self) -> set[str]:
        """The IRIs of the named graphs this change touches."""
        return {
            q.graph_name.value
            for q in self.added | self.removed
            if isinstance(q.graph_name, ox.NamedNode)
        }

    def then(self, other: Change) -> Change:
        """This change followed by ``other``, as one change."""
        added = (self.added - other.removed) | other.added
        removed = (self.removed - other.added) | other.removed
        return Change(frozenset(added - removed), frozenset(removed - added))


def nquads(quads: Iterable[ox.Quad]) -> list[str]:
    """The quads as sorted N-Quads lines (without their line ends)."""
    text = as_bytes(ox.serialize(list(quads), format=ox.RdfFormat.N_QUADS)).decode("utf-8")
    return sorted(text.splitlines())


def patch_text(change: Change, headers: Mapping[str, str] | None = None) -> str:
    """The change as an RDF Patch: headers, then the removed rows, then the added rows.

    Args:
        change: the change.
        headers: header names and values, each value an IRI without brackets or a
            literal already written in N-Triples syntax.
    """
    rows = [f"H {name} {_header_value(value)} ." for name, value in (headers or {}).items()]
    rows.append("TX .")
    rows.extend(f"D {line}" for line in nquads(change.removed))
    rows.extend(f"A {line}" for line in nquads(change.added))
    rows.append("TC .")
    return "\n".join(rows) + "\n"


def _header_value(value: str) -> str:
    return value if value.startswith('"') else f"<{value}>"


def parse_patch(text: str) -> Change:
    """Read the rows of an RDF Patch back into a change (headers are skipped).

    Raises:
        BadRequest: a row that is not a header, a transaction mark, or an ``A``/``D``
            row with a quad in N-Quads syntax.
    """
    rows: dict[str, list[str]] = {"A": [], "D": []}
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith(("#", "H ", "TX", "TC", "TA")):
            continue
        kind, _, rest = stripped.partition(" ")
        if kind not in rows:
            raise BadRequest(f"line {number} of the patch is not an RDF Patch row: {line!r}")
        rows[kind].append(rest)
    try:
        added = ox.parse("\n".join(rows["A"]), format=ox.RdfFormat.N_QUADS)
        removed = ox.parse("\n".join(rows["D"]), format=ox.RdfFormat.N_QUADS)
        return Change(frozenset(added), frozenset(removed))
    except SyntaxError as exc:
        raise BadRequest(f"the patch has a row that is not N-Quads: {exc}") from None
