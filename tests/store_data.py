"""The small dataset the store and limits tests share (``tests/data/store/``)."""

from __future__ import annotations

from pathlib import Path

from partnergraph.loader import parse_file

from .paths import BASE, DATA

FIXTURE = DATA / "store" / "dataset.trig"
#: How many quads the fixture holds.
QUADS = 22
TRIPLES = 21  # distinct triples: city:lund a schema:City is in both graphs


def write_nquads(folder: Path) -> Path:
    """Write the fixture as the sorted N-Quads file a build produces; return its path."""
    quads = parse_file(FIXTURE, BASE)
    target = folder / "partnergraph.nq"
    target.write_text("".join(sorted(f"{quad} .\n" for quad in quads)), encoding="utf-8")
    return target
