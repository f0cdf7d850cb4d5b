"""The canonical form every dump starts from: RDFC-1.0 labels, sorted canonical N-Quads."""

from __future__ import annotations

import hashlib

import pyoxigraph as ox
import pytest

from partnergraph.build import sorted_nquads
from partnergraph.dumps.canonical import canonical_triples, canonicalize

EX = "http://example.org/"
TRIG = """
@prefix ex: <http://example.org/> .
ex:s ex:p "in the default graph" .
ex:g1 { ex:s ex:p ex:o ; ex:q "é \\"quoted\\"\\nnew line"@fr . ex:t ex:p ex:o . }
ex:g2 { ex:s ex:p ex:o . ex:s ex:r 1 . }
"""
BLANK = """
@prefix ex: <http://example.org/> .
ex:g { ex:a ex:knows [ ex:name "x" ; ex:knows [ ex:name "y" ] ] . }
"""


def store_of(text: str) -> ox.Store:
    store = ox.Store()
    store.load(text.encode(), format=ox.RdfFormat.TRIG)
    return store


def test_lines_are_sorted_canonical_nquads_of_every_quad() -> None:
    store = store_of(TRIG)
    canonical = canonicalize(store)
    assert canonical.quads == sorted(canonical.quads)
    assert len(canonical.quads) == len(store)
    parsed = set(ox.parse(canonical.text(), format=ox.RdfFormat.N_QUADS))
    assert parsed == set(store)
    assert canonical.text() == sorted_nquads(store)
    assert canonical.version() == hashlib.sha256(canonical.text()).hexdigest()


def test_the_union_is_a_set_of_triples_without_graph_names() -> None:
    canonical = canonicalize(store_of(TRIG))
    triples = canonical.triples()
    assert triples == sorted(set(triples))
    expected = {t.triple for t in store_of(TRIG)}
    parsed = ox.parse(b"".join(triples), format=ox.RdfFormat.N_TRIPLES)
    assert {q.triple for q in parsed} == expected
    assert len(triples) == 5  # ex:s ex:p ex:o is in two graphs, counted once


def test_default_graph_lines_keep_their_place() -> None:
    canonical = canonicalize(store_of(TRIG))
    default = [line for line in canonical.quads if canonical.graph_of(line) == b""]
    assert default == [b'<http://example.org/s> <http://example.org/p> "in the default graph" .\n']
    graphs = canonical.by_graph()
    assert graphs[0] == default
    assert [canonical.graph_of(lines[0]) for lines in graphs[1:]] == [
        b"<http://example.org/g1>",
        b"<http://example.org/g2>",
    ]


def test_blank_nodes_get_rdfc_labels_whatever_the_parser_called_them() -> None:
    first, second = canonicalize(store_of(BLANK)), canonicalize(store_of(BLANK))
    assert first.quads == second.quads
    assert first.version() == second.version()
    text = first.text().decode()
    assert "_:c14n0" in text
    assert "_:c14n1" in text
    # the parser's labels are random: without canonicalisation the texts would differ
    raw = [store_of(BLANK).dump(format=ox.RdfFormat.N_QUADS) for _ in range(2)]
    assert raw[0] != raw[1]


def test_canonical_form_is_isomorphic_to_the_store() -> None:
    store = store_of(BLANK)
    expected = ox.Dataset(store)
    expected.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    got = ox.Dataset(ox.parse(canonicalize(store).text(), format=ox.RdfFormat.N_QUADS))
    got.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    assert got == expected


@pytest.mark.parametrize("datatype", ["nonNegativeInteger", "int", "hexBinary"])
def test_small_graphs_keep_their_datatypes(datatype: str) -> None:
    xsd = ox.NamedNode(f"http://www.w3.org/2001/XMLSchema#{datatype}")
    triple = ox.Triple(
        ox.NamedNode(EX + "s"), ox.NamedNode(EX + "p"), ox.Literal("5", datatype=xsd)
    )
    (line,) = canonical_triples([triple])
    assert line.endswith(f'"5"^^<{xsd.value}> .\n'.encode())


def test_blank_nodes_in_the_default_graph_and_named_graphs() -> None:
    text = BLANK + '[] ex:p "default" .\nex:s ex:p ex:o .\n'
    canonical = canonicalize(store_of(text))
    default = [line for line in canonical.quads if canonical.graph_of(line) == b""]
    assert len(default) == 2
    assert any(line.startswith(b"_:c14n") for line in default)
    assert canonical.by_graph()[0] == default
    union = {q.triple for q in store_of(text)}
    parsed = ox.Dataset(ox.parse(b"".join(canonical.triples()), format=ox.RdfFormat.N_TRIPLES))
    expected = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in union)
    parsed.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    expected.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    assert parsed == expected


def test_a_store_with_only_a_default_graph() -> None:
    store = store_of("@prefix ex: <http://example.org/> .\nex:b ex:p 2 .\nex:a ex:p 1 .\n")
    canonical = canonicalize(store)
    assert canonical.triples() == canonical.quads
    assert canonical.quads == sorted(canonical.quads)
    assert canonical.by_graph() == [canonical.quads]
