"""The canonical form of a dataset: the one text every dump and release id comes from.

RDF Dataset Canonicalization (RDFC-1.0), https://www.w3.org/TR/rdf-canon/, run by
pyoxigraph, gives the blank nodes canonical labels (``_:c14n0``, ``_:c14n1``…);
every quad is then one line of canonical N-Quads
(https://www.w3.org/TR/rdf12-n-quads/#canonical-quads, as pyoxigraph writes it), and
the lines are sorted by their UTF-8 bytes, which is code point order. The SHA-256
of these lines is the dataset's version: it changes when, and only when, the data
changes, whatever labels a parser gave the blank nodes.

Lines are kept with their newline: a line holds no character below U+0020 (they
are escaped), so the order is the same with or without it, and the lines are
written and hashed as they are.

Warning: the worst case of RDFC-1.0 is exponential in the number of blank nodes
(crafted "poison" graphs); the curated graph has none (``docs/model.md``), and a
dataset without blank nodes skips the algorithm altogether (it would change nothing).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

END = b" .\n"


@dataclass(frozen=True)
class Canonical:
    """The content of a dataset in canonical form.

    Attributes:
        quads: every quad as one canonical N-Quads line (with its newline), sorted.
        default: the lines of ``quads`` that are in the default graph (these are also
            N-Triples lines; every other line ends with its graph name).
    """

    quads: list[bytes]
    default: frozenset[bytes]

    def graph_of(self, line: bytes) -> bytes:
        """The graph name of a line of :attr:`quads`; ``b""`` for the default graph."""
        return b"" if line in self.default else line[:-3].rpartition(b" ")[2]

    def triple_of(self, line: bytes) -> bytes:
        """A line of :attr:`quads` without its graph name: an N-Triples line."""
        return line if line in self.default else line[:-3].rpartition(b" ")[0] + END

    def triples(self) -> list[bytes]:
        """The union of all graphs (RDF merge of the triples): distinct N-Triples lines, sorted."""
        if len(self.default) == len(self.quads):  # no named graph
            return list(self.quads)
        if not self.default:
            return sorted({line[:-3].rpartition(b" ")[0] + END for line in self.quads})
        return sorted({self.triple_of(line) for line in self.quads})

    def by_graph(self) -> list[list[bytes]]:
        """The lines of :attr:`quads` graph by graph (the default graph first), each sorted."""
        graphs: dict[bytes, list[bytes]] = {}
        if not self.default:
            for line in self.quads:
                graphs.setdefault(line[:-3].rpartition(b" ")[2], []).append(line)
        else:
            for line in self.quads:
                graphs.setdefault(self.graph_of(line), []).append(line)
        return [graphs[name] for name in sorted(graphs)]

    def version(self) -> str:
        """The SHA-256 (hex) of the canonical N-Quads text: the dataset's version."""
        digest = hashlib.sha256()
        for line in self.quads:
            digest.update(line)
        return digest.hexdigest()

    def text(self) -> bytes:
        """The canonical N-Quads text."""
        return b"".join(self.quads)


def canonicalize(store: ox.Store) -> Canonical:
    """The canonical form of everything in ``store``.

    Args:
        store: the dataset (not changed).

    Returns:
        Its sorted canonical N-Quads lines.
    """
    data = as_bytes(store.dump(format=ox.RdfFormat.N_QUADS))
    default = ox.DefaultGraph()
    if b"_:" in data:  # (a "_:" in a literal costs time here, never correctness)
        dataset = ox.Dataset(ox.parse(data, format=ox.RdfFormat.N_QUADS))
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        data = as_bytes(ox.serialize(dataset, format=ox.RdfFormat.N_QUADS))
        quads = dataset.quads_for_graph_name(default)
        in_default = as_bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS))
        return Canonical(_sorted(data), frozenset(in_default.splitlines(keepends=True)))
    lines = _sorted(data)
    del data  # the lines hold the text now; do not keep it twice
    if not any(True for _ in store.quads_for_pattern(None, None, None, default)):
        return Canonical(lines, frozenset())
    if not any(True for _ in store.named_graphs()):
        return Canonical(lines, frozenset(lines))
    dumped = as_bytes(store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=default))
    return Canonical(lines, frozenset(dumped.splitlines(keepends=True)))


def canonical_triples(triples: Iterable[ox.Triple]) -> list[bytes]:
    """Small graphs made in memory (a manifest): RDFC-1.0, then sorted N-Triples lines.

    A :class:`pyoxigraph.Dataset`, not a Store: a Store writes ``xsd:int`` or
    ``xsd:nonNegativeInteger`` literals back as ``xsd:integer``.
    """
    dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return _sorted(as_bytes(ox.serialize(dataset, format=ox.RdfFormat.N_QUADS)))


def as_bytes(output: bytes | None) -> bytes:
    """The bytes a pyoxigraph serializer returns when given no output file."""
    if output is None:
        raise TypeError("pyoxigraph wrote to a file where bytes were expected")
    return output


def _sorted(text: bytes) -> list[bytes]:
    lines = text.splitlines(keepends=True)  # for bytes: \n and \r only, and \r is escaped
    lines.sort()
    return lines
