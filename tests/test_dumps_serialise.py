"""Writing the dumps: readable Turtle and TriG, prefixes, subject grouping, gzip."""

from __future__ import annotations

import gzip
from pathlib import Path

import pyoxigraph as ox

from partnergraph.dumps import canonicalize, serialise
from partnergraph.namespaces import Namespaces

from .paths import BASE

TRIG = f"""
@prefix schema: <https://schema.org/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<{BASE}graph/a> {{
  <{BASE}id/city/lund> schema:name "Lund" ; a schema:City ;
      rdfs:comment "not a prefix: \\" owl:sameAs\\" here, nor\\n owl:Class there" .
  <{BASE}id/partnership/lund-lahti> a <{BASE}def/Partnership> ;
      rdfs:label "x \\\\" ; schema:about <{BASE}id/city/lund> .
}}
<{BASE}graph/b> {{ <{BASE}id/city/lund> schema:name "Lund" . }}
"""
HEADER = "# a header\n\n"


def canonical() -> list[bytes]:
    store = ox.Store()
    store.load(TRIG.encode(), format=ox.RdfFormat.TRIG)
    return canonicalize(store).quads


def test_subjects_are_grouped_with_their_types_first() -> None:
    store = ox.Store()
    store.load(TRIG.encode(), format=ox.RdfFormat.TRIG)
    lines = canonicalize(store).triples()
    ordered = serialise.type_first(lines)
    assert sorted(ordered) == lines
    lund = [line for line in ordered if line.startswith(f"<{BASE}id/city/lund> ".encode())]
    assert lund[0].split()[1] == serialise.RDF_TYPE
    assert ordered.index(lund[0]) == ordered.index(lund[-1]) - len(lund) + 1  # together


def test_turtle_declares_only_the_prefixes_its_text_uses() -> None:
    store = ox.Store()
    store.load(TRIG.encode(), format=ox.RdfFormat.TRIG)
    ns = Namespaces(BASE)
    lines = canonicalize(store).triples()
    prefixes = serialise.candidate_prefixes(ns, lines)
    assert prefixes["city"] == BASE + "id/city/"
    assert prefixes["partnership"] == BASE + "id/partnership/"
    text = serialise.turtle(lines, prefixes, HEADER).decode()
    assert text.startswith(HEADER)
    declared = [line.split()[1] for line in text.splitlines() if line.startswith("@prefix")]
    assert declared == ["city:", "partnership:", "pg:", "rdfs:", "schema:"]  # no owl:
    assert " owl:sameAs" in text  # still in the literal, untouched
    parsed = {q.triple for q in ox.parse(text.encode(), format=ox.RdfFormat.TURTLE)}
    assert parsed == {q.triple for q in store}


def test_trig_keeps_the_graphs() -> None:
    store = ox.Store()
    store.load(TRIG.encode(), format=ox.RdfFormat.TRIG)
    canonical = canonicalize(store)
    prefixes = serialise.candidate_prefixes(Namespaces(BASE), canonical.quads)
    text = serialise.trig(canonical.by_graph(), prefixes, HEADER)
    assert b"graph:a {" in text
    assert b"graph:b {" in text
    assert set(ox.parse(text, format=ox.RdfFormat.TRIG)) == set(store)
    assert set(
        ox.parse(serialise.jsonld(canonical.by_graph()), format=ox.RdfFormat.JSON_LD)
    ) == set(store)


def test_gzip_has_no_name_and_no_time_and_is_the_same_twice(tmp_path: Path) -> None:
    source = tmp_path / "data.nt"
    source.write_bytes(b"".join(canonical()))
    first, second = tmp_path / "a.gz", tmp_path / "b.gz"
    serialise.write_gzip(source, first)
    serialise.write_gzip(source, second)
    assert first.read_bytes() == second.read_bytes()
    assert gzip.decompress(first.read_bytes()) == source.read_bytes()
    assert first.read_bytes()[3] == 0  # FLG: no FNAME
    assert first.read_bytes()[4:8] == b"\0\0\0\0"  # MTIME
    assert b"data.nt" not in first.read_bytes()
