"""Rewriting the curated files after a write: exact data, smallest diff.

Most tests work on a copy of the real ``graph/`` folder: they plan the edits, check
that only the lines of the changed statements differ (``difflib``, as a reviewer
reads ``git diff``), write them, and check that the files then hold exactly the
data before, less the removed quads, plus the added ones.
"""

from __future__ import annotations

import difflib
import itertools
import logging
import os
import re
import resource
import shutil
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partnergraph.loader import data_files, parse_file
from partnergraph.writes.files import HEADER, FileEdit, FileEditError, plan_edits, write_edits

from .paths import BASE, ROOT

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
SOURCE = ox.NamedNode("http://purl.org/dc/terms/source")
XSD = "http://www.w3.org/2001/XMLSchema#"
LAHTI_GRAPH = ox.NamedNode(BASE + "graph/lahti-kansainvalinen-lahti")
DASH = "\u2013"  # the en dash the labels use


def iri(local: str) -> ox.NamedNode:
    return ox.NamedNode(BASE + local)


@pytest.fixture
def graph_dir(tmp_path: Path) -> Path:
    """A copy of the real curated files."""
    target = tmp_path / "graph"
    shutil.copytree(ROOT / "graph", target)
    return target


def union(folder: Path) -> set[ox.Quad]:
    return {q for path in data_files([folder]) for q in parse_file(path, BASE)}


class Warnings(logging.Handler):
    """The warnings partnergraph.writes.files logs (a whole file written anew)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def apply(
    folder: Path,
    added: Iterable[ox.Quad] = (),
    removed: Iterable[ox.Quad] = (),
    *,
    rewrite: bool = False,
) -> dict[Path, tuple[str, str | None]]:
    """Plan and write a change; check the union; return each changed file's old and new text.

    Unless ``rewrite``, no file may have been written anew as a whole.
    """
    added, removed = list(added), list(removed)
    before = union(folder)
    files = {path: path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}
    warnings = Warnings()
    logger = logging.getLogger("partnergraph.writes.files")
    logger.addHandler(warnings)
    try:
        edits = plan_edits(folder, BASE, added, removed)
    finally:
        logger.removeHandler(warnings)
    assert bool(warnings.messages) == rewrite, warnings.messages
    assert {
        path: path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()
    } == files  # only a plan
    texts = {
        e.path: (e.path.read_bytes().decode() if e.path.exists() else "", _decode(e)) for e in edits
    }
    write_edits(edits)
    assert union(folder) == (before - set(removed)) | set(added)
    assert not list(folder.glob(".*.tmp"))
    return texts


def _decode(edit: FileEdit) -> str | None:
    return None if edit.text is None else edit.text.decode("utf-8")


def changes(old: str, new: str) -> tuple[list[str], list[str]]:
    """The lines a line diff removes and adds."""
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    removed: list[str] = []
    added: list[str] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag != "equal":
            removed += a[i1:i2]
            added += b[j1:j2]
    return removed, added


def quads_of(folder: Path, graph: ox.NamedNode, subject: ox.NamedNode) -> list[ox.Quad]:
    return [q for q in union(folder) if q.graph_name == graph and q.subject == subject]


# ---- the real graph ----------------------------------------------------------------------


def partnership(local: str, city: str) -> list[ox.Quad]:
    node, g = iri(f"id/partnership/{local}"), LAHTI_GRAPH
    return [
        ox.Quad(node, RDF_TYPE, iri("def/Partnership"), g),
        ox.Quad(node, LABEL, ox.Literal(f"Lahti {DASH} {city} twin cities", language="en"), g),
        ox.Quad(
            node, LABEL, ox.Literal(f"Ystävyyskaupungit Lahti {DASH} {city}", language="fi"), g
        ),
        ox.Quad(node, iri("def/partnershipType"), iri("def/partnership-type/twin-town"), g),
        ox.Quad(node, iri("def/party"), iri("id/city/lahti"), g),
        ox.Quad(node, iri("def/party"), iri(f"id/city/{city.lower()}"), g),
        ox.Quad(node, SOURCE, iri("id/source/lahti-kansainvalinen-lahti"), g),
    ]


def test_a_partnership_goes_beside_the_others_in_house_style(graph_dir: Path) -> None:
    texts = apply(graph_dir, added=partnership("lahti-testville", "Testville"))
    assert list(texts) == [graph_dir / "twinnings-lahti.trig"]
    old, new = texts[graph_dir / "twinnings-lahti.trig"]
    block = (
        "\n"
        "    partnership:lahti-testville\n"
        "        a pg:Partnership ;\n"
        f'        rdfs:label "Lahti {DASH} Testville twin cities"@en ;\n'
        f'        rdfs:label "Ystävyyskaupungit Lahti {DASH} Testville"@fi ;\n'
        "        pg:partnershipType pt:twin-town ;\n"
        "        pg:party city:lahti, city:testville ;\n"
        "        dcterms:source source:lahti-kansainvalinen-lahti .\n"
    )
    assert new is not None
    assert new.replace(block, "", 1) == old
    assert "        dcterms:source source:lahti-kansainvalinen-lahti .\n" + block + "}\n" in new


def test_the_plan_does_not_depend_on_the_order_of_the_quads(graph_dir: Path) -> None:
    quads = partnership("lahti-a", "A") + partnership("lahti-b", "B")
    assert plan_edits(graph_dir, BASE, quads, []) == plan_edits(graph_dir, BASE, quads[::-1], [])


def test_removing_one_triple_removes_its_line_only(graph_dir: Path) -> None:
    lahti = iri("id/city/lahti")
    quad = ox.Quad(lahti, LABEL, ox.Literal("Lahtis", language="sv"), LAHTI_GRAPH)
    texts = apply(graph_dir, removed=[quad])
    old, new = texts[graph_dir / "lahti.trig"]
    assert changes(old, new or "") == (['        rdfs:label "Lahtis"@sv ;\n'], [])


def test_removing_the_last_line_closes_the_line_above(graph_dir: Path) -> None:
    subject = iri("id/organization/university-of-helsinki")
    source = iri("id/source/lahti-kansainvalinen-lahti")
    texts = apply(graph_dir, removed=[ox.Quad(subject, SOURCE, source, LAHTI_GRAPH)])
    old, new = texts[graph_dir / "lahti.trig"]
    assert changes(old, new or "") == (
        [
            '        rdfs:label "Helsingfors universitet"@sv ;\n',
            "        dcterms:source source:lahti-kansainvalinen-lahti .\n",
        ],
        ['        rdfs:label "Helsingfors universitet"@sv .\n'],
    )


def test_a_replaced_value_stays_on_its_line(graph_dir: Path) -> None:
    lahti = iri("id/city/lahti")
    old_label = ox.Quad(lahti, LABEL, ox.Literal("Lahti", language="fi"), LAHTI_GRAPH)
    new_label = ox.Quad(lahti, LABEL, ox.Literal("Lahden kaupunki", language="fi"), LAHTI_GRAPH)
    texts = apply(graph_dir, added=[new_label], removed=[old_label])
    old, new = texts[graph_dir / "lahti.trig"]
    assert changes(old, new or "") == (
        ['        rdfs:label "Lahti"@fi ;\n'],
        ['        rdfs:label "Lahden kaupunki"@fi ;\n'],
    )


def test_removing_a_subject_removes_its_statement_and_one_blank_line(graph_dir: Path) -> None:
    subject = iri("id/organization/university-of-helsinki")
    quads = quads_of(graph_dir, LAHTI_GRAPH, subject)
    assert len(quads) == 5
    texts = apply(graph_dir, removed=quads)
    old, new = texts[graph_dir / "lahti.trig"]
    start = old.index("    organization:university-of-helsinki\n")
    end = old.index(" .\n", start) + len(" .\n")
    assert old[end] == "\n"
    assert new == old[:start] + old[end + 1 :]  # the statement and the blank line after it


def test_a_graph_block_left_empty_goes_with_its_blank_line(graph_dir: Path) -> None:
    graph = iri("graph/lund-se-lunds-vanorter")
    source = iri("id/source/lund-se-lunds-vanorter")
    texts = apply(graph_dir, removed=quads_of(graph_dir, graph, source))
    old, new = texts[graph_dir / "sources.trig"]
    start = old.index("GRAPH <graph/lund-se-lunds-vanorter> {\n")
    end = old.index("\n}\n", start) + len("\n}\n")
    assert old[end] == "\n"
    assert new == old[:start] + old[end + 1 :]  # the block and the blank line after it
    assert "GRAPH <graph/kulturportallund-lunds-vanorter> {" in (new or "")
    assert "lund-se-lunds-vanorter" in (graph_dir / "twinnings-lund.trig").read_text()


def test_adding_to_a_subject_written_in_two_files_uses_the_first(graph_dir: Path) -> None:
    events = graph_dir / "events.trig"  # before lahti.trig in file order
    text = events.read_text("utf-8")
    marker = "GRAPH <graph/lahti-kansainvalinen-lahti> {\n"
    extra = (
        '\n    city:lahti\n        rdfs:label "Lahti"@en ;\n'
        "        schema:url <https://www.lahti.fi/> .\n"
    )
    events.write_text(text.replace(marker, marker + extra, 1), encoding="utf-8")
    lahti = iri("id/city/lahti")
    note = ox.Quad(lahti, iri("def/note"), ox.Literal("written twice"), LAHTI_GRAPH)
    twice = ox.Quad(lahti, LABEL, ox.Literal("Lahti", language="en"), LAHTI_GRAPH)
    texts = apply(graph_dir, added=[note], removed=[twice])
    assert set(texts) == {events, graph_dir / "lahti.trig"}  # removed wherever written
    old, new = texts[events]
    assert changes(old, new or "") == (
        ['        rdfs:label "Lahti"@en ;\n', "        schema:url <https://www.lahti.fi/> .\n"],
        ["        schema:url <https://www.lahti.fi/> ;\n", '        pg:note "written twice" .\n'],
    )


def test_a_new_graph_gets_a_file_named_after_it(graph_dir: Path) -> None:
    graph = iri("graph/lund-foo")
    quad = ox.Quad(iri("id/city/lund"), LABEL, ox.Literal("Lund", language="en"), graph)
    texts = apply(graph_dir, added=[quad])
    path = graph_dir / "lund-foo.trig"
    assert list(texts) == [path]
    text = path.read_text("utf-8")
    assert text.startswith(HEADER)
    assert "@prefix city: <id/city/> ." in text
    assert "@prefix pg: <def/> ." in text
    assert "GRAPH <graph/lund-foo> {\n\n    city:lund\n" in text
    assert set(parse_file(path, BASE)) == {quad}
    # a later write that empties the graph deletes the file it made
    assert plan_edits(graph_dir, BASE, [], [quad]) == [FileEdit(path, None)]


def test_a_foreign_graph_gets_a_slug_and_never_an_existing_file(graph_dir: Path) -> None:
    (graph_dir / "lund-foo.trig").write_text("# someone else's file\n", encoding="utf-8")
    subject = iri("id/city/lund")
    ours = ox.Quad(subject, LABEL, ox.Literal("Lund"), iri("graph/lund-foo"))
    foreign = ox.Quad(subject, LABEL, ox.Literal("Lund"), ox.NamedNode("https://Ex.org/g/../x?y#z"))
    edits = plan_edits(graph_dir, BASE, [ours, foreign], [])
    names = sorted(e.path.name for e in edits)
    assert len(names) == 2
    assert all(e.path.parent == graph_dir for e in edits)
    assert names[0].startswith("ex-org-g-x-y-z-")
    assert names[0].endswith(".trig")
    assert names[1].startswith("lund-foo-")
    assert len(names[1]) == len("lund-foo-12345678.trig")
    write_edits(edits)
    assert (graph_dir / "lund-foo.trig").read_text() == "# someone else's file\n"
    assert union(graph_dir) >= {ours, foreign}


TRICKY = [
    ox.Literal('say "hi"'),
    ox.Literal("two\nlines\r\nand a tab\there"),
    ox.Literal("back\\slash and \\n that is not a newline"),
    ox.Literal("<script>alert('x')</script> & ]]> #not a comment ."),
    ox.Literal("\"\"\"triple\"\"\" and '''single'''"),
    ox.Literal("control \x01 char and line\u2028separator"),
    ox.Literal("colour", language="en-GB"),
    ox.Literal("مرحبا", language="ar", direction=ox.BaseDirection.RTL),
    ox.Literal("2021", datatype=ox.NamedNode(XSD + "gYear")),
    ox.Literal("007", datatype=ox.NamedNode(XSD + "integer")),
    ox.Literal("-.5", datatype=ox.NamedNode(XSD + "decimal")),
    ox.Literal("1.5E3", datatype=ox.NamedNode(XSD + "double")),
    ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean")),
    ox.Literal("not a number", datatype=ox.NamedNode(XSD + "integer")),
    ox.Literal("x", datatype=ox.NamedNode("https://example.org/datatype#odd")),
    ox.Literal(""),
]

ODD_IRIS = [
    "id/city/a.b",
    "id/city/x(y)",
    "id/city/ä",
    "id/city/-leading",
    "id/city/trailing.",
    "id/city//empty-segment",
    "id/city/:colon",
    "id/city/x%20y",
    "id/city/x?query=1",
    "id/city/x#fragment",
    "",
    "def/",
]


@pytest.mark.parametrize("subject", ["id/city/lahti", "id/city/new-one"])
def test_tricky_literals_round_trip(graph_dir: Path, subject: str) -> None:
    node = iri(subject)
    quads = [ox.Quad(node, iri("def/note"), lit, LAHTI_GRAPH) for lit in TRICKY]
    apply(graph_dir, added=quads)
    apply(graph_dir, removed=quads[::2])


def test_iris_that_are_not_prefixed_names_round_trip(graph_dir: Path) -> None:
    nodes = [iri(local) for local in ODD_IRIS] + [ox.NamedNode("https://example.org/a#b/c")]
    quads = [ox.Quad(n, iri("def/partner"), m, LAHTI_GRAPH) for n, m in itertools.pairwise(nodes)]
    texts = apply(graph_dir, added=quads)
    new = "".join(text or "" for _, text in texts.values())
    assert "<id/city/a.b>" in new
    assert "<https://w3id.org/partnergraph/id/city//empty-segment>" in new
    apply(graph_dir, removed=quads[:3])


def test_a_quad_both_removed_and_added_ends_up_written(graph_dir: Path) -> None:
    lahti = iri("id/city/lahti")
    written = ox.Quad(lahti, LABEL, ox.Literal("Lahti", language="fi"), LAHTI_GRAPH)
    new = ox.Quad(lahti, LABEL, ox.Literal("Lahti", language="se"), LAHTI_GRAPH)
    assert plan_edits(graph_dir, BASE, [written], [written]) == []
    texts = apply(graph_dir, added=[written, new], removed=[written, new])
    assert list(texts) == [graph_dir / "lahti.trig"]


def test_a_removed_quad_that_no_file_writes_is_an_error(graph_dir: Path) -> None:
    quad = ox.Quad(iri("id/city/lahti"), LABEL, ox.Literal("Nowhere"), LAHTI_GRAPH)
    with pytest.raises(FileEditError, match="Nowhere"):
        plan_edits(graph_dir, BASE, [], [quad])


def test_blank_nodes_and_the_default_graph_are_refused(graph_dir: Path) -> None:
    blank = ox.Quad(ox.BlankNode("b1"), LABEL, ox.Literal("x"), LAHTI_GRAPH)
    with pytest.raises(ValueError, match="_:b1"):
        plan_edits(graph_dir, BASE, [blank], [])
    loose = ox.Quad(iri("id/city/lahti"), LABEL, ox.Literal("x"))
    with pytest.raises(ValueError, match="named graph"):
        plan_edits(graph_dir, BASE, [], [loose])


# ---- small files: comments, odd formatting ------------------------------------------------

PREFIXES = (
    "@prefix ex: <id/thing/> .\n"
    "@prefix pg: <def/> .\n"
    "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
    "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
)


def test_comments_inside_a_rewritten_statement_are_kept(tmp_path: Path) -> None:
    text = (
        "# Header.\n\n" + PREFIXES + "\nGRAPH <graph/one> {\n\n"
        "    # about a\n"
        "    ex:a\n"
        "        a pg:Thing ;\n"
        "        # the labels\n"
        '        rdfs:label "A"@en ;  # English\n'
        '        rdfs:label "Ä"@sv ;\n'
        "        pg:link ex:b .\n"
        "}\n"
    )
    (tmp_path / "a.trig").write_text(text, encoding="utf-8")
    a = iri("id/thing/a")
    quad = ox.Quad(a, LABEL, ox.Literal("A", language="en"), iri("graph/one"))
    new = apply(tmp_path, removed=[quad])[tmp_path / "a.trig"][1] or ""
    assert new == text.replace(
        "    # about a\n    ex:a\n        a pg:Thing ;\n        # the labels\n"
        '        rdfs:label "A"@en ;  # English\n',
        "    # about a\n    # the labels\n    # English\n    ex:a\n        a pg:Thing ;\n",
    )


def test_text_the_model_does_not_read_is_written_anew(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    text = (
        "# Odd file: two statements on a line.\n\n" + PREFIXES + "\nGRAPH <graph/one> {\n"
        '    ex:a rdfs:label "A" . ex:b rdfs:label "B" .  # lost\n'
        "}\n"
    )
    path = tmp_path / "odd.trig"
    path.write_text(text, encoding="utf-8")
    quad = ox.Quad(iri("id/thing/a"), LABEL, ox.Literal("A"), iri("graph/one"))
    with caplog.at_level(logging.WARNING):
        new = apply(tmp_path, removed=[quad], rewrite=True)[path][1] or ""
    assert "odd.trig" in caplog.text
    assert new.startswith("# Odd file: two statements on a line.\n\n@prefix")
    assert '    ex:b\n        rdfs:label "B" .\n' in new
    assert "# lost" not in new


def test_crlf_files_and_sparql_style_prefixes_are_edited_in_place(tmp_path: Path) -> None:
    text = (
        "# CRLF, PREFIX and @base.\r\n\r\n"
        "PREFIX ex: <id/thing/>\r\n"
        "@base <https://w3id.org/partnergraph/id/> .\r\n"
        "prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#>\r\n\r\n"
        "graph <../graph/one> {\r\n\r\n"
        "    ex:a  # a\r\n"
        '        rdfs:label "A" ;  # the label\r\n'
        "        rdfs:seeAlso <thing/b> .\r\n"
        "}\r\n"
    )
    path = tmp_path / "crlf.trig"
    path.write_bytes(text.encode())
    a, one = iri("id/thing/a"), iri("graph/one")
    see = ox.Quad(a, ox.NamedNode(LABEL.value.replace("label", "seeAlso")), iri("id/thing/b"), one)
    added = [
        ox.Quad(a, LABEL, ox.Literal("Ä"), one),
        ox.Quad(iri("id/thing/c"), LABEL, ox.Literal("C"), one),
    ]
    new = apply(tmp_path, added=added, removed=[see])[path][1] or ""
    assert new == (
        text.replace(
            '        rdfs:label "A" ;  # the label\r\n        rdfs:seeAlso <thing/b> .\r\n',
            '        rdfs:label "A" ;  # the label\r\n        rdfs:label "Ä" .\r\n',
        ).replace(
            "}\r\n",
            '\r\n    ex:c\r\n        rdfs:label "C" .\r\n}\r\n',
        )
    )


# ---- generated changes over a small fixture ---------------------------------------------

FIXTURE = {
    "a.trig": "# Fixture a: two graphs.\n\n" + PREFIXES + "\nGRAPH <graph/one> {\n\n"
    "    # ---- Things ----\n\n"
    "    ex:a\n"
    "        a pg:Thing ;\n"
    '        rdfs:label "A"@en ;\n'
    '        rdfs:label "Ä"@sv ;\n'
    "        pg:link ex:b, ex:c ;\n"
    "        pg:count 3 .\n\n"
    "    # b is also described in b.trig\n"
    "    ex:b\n"
    "        a pg:Thing ;\n"
    '        rdfs:label "B"@en .\n'
    "}\n\n"
    "GRAPH <graph/two> {\n\n"
    "    ex:c\n"
    "        pg:link ex:a ;\n"
    '        pg:date "2021"^^xsd:gYear .\n'
    "}\n",
    "b.trig": "# Fixture b.\n\n" + PREFIXES + "\nGRAPH <graph/one> {\n\n"
    "    ex:b\n"
    "        pg:link ex:a ;\n"
    '        rdfs:comment "B, again" .\n\n'
    "    ex:d\n"
    "        a pg:Thing ;\n"
    '        rdfs:label "D"@en .\n'
    "}\n",
}


def statements(text: str) -> list[tuple[str, str, str]]:
    """(graph, subject, text) of each statement in a fixture file (paragraphs in blocks)."""
    found: list[tuple[str, str, str]] = []
    graph = ""
    for paragraph in text.split("\n\n"):
        lines = [line for line in paragraph.split("\n") if line and line != "}"]
        if lines and lines[0].startswith("GRAPH"):
            graph = lines[0].split("<")[1].split(">")[0]
            continue
        body = [line for line in lines if not line.lstrip().startswith("#")]
        if graph and body and body[0].startswith("    ex:"):
            subject = "id/thing/" + body[0].strip()[3:]
            found.append((graph, subject, "\n".join(body) + "\n"))
    return found


THINGS = [iri(f"id/thing/{x}") for x in "abcde"]
GRAPHS = [iri("graph/one"), iri("graph/two"), iri("graph/three")]
PREDICATES = [RDF_TYPE, LABEL, iri("def/link"), iri("def/count")]
OBJECTS = [
    *THINGS,
    iri("def/Thing"),
    *TRICKY[:8],
    ox.Literal("3", datatype=ox.NamedNode(XSD + "integer")),
]
new_quads = st.builds(
    ox.Quad,
    st.sampled_from(THINGS),
    st.sampled_from(PREDICATES),
    st.sampled_from(OBJECTS),
    st.sampled_from(GRAPHS),
)


def fixture_quads() -> list[ox.Quad]:
    with tempfile.TemporaryDirectory() as folder:
        for name, text in FIXTURE.items():
            (Path(folder) / name).write_text(text, encoding="utf-8")
        return sorted(union(Path(folder)), key=str)


@settings(max_examples=60, deadline=None)
@given(
    removed=st.sets(st.sampled_from(fixture_quads()), max_size=12),
    added=st.lists(new_quads, max_size=10),
)
def test_generated_changes_keep_the_data_exact_and_other_statements_intact(
    removed: set[ox.Quad], added: list[ox.Quad]
) -> None:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        for file, text in FIXTURE.items():
            (folder / file).write_text(text, encoding="utf-8")
        apply(folder, added=added, removed=removed)  # checks the union
        touched = {(q.graph_name.value, q.subject.value) for q in [*removed, *added]}  # type: ignore[union-attr]
        for file, text in FIXTURE.items():
            new = (folder / file).read_text("utf-8")
            assert "\n\n\n" not in new
            assert "\n\n}" not in new
            # a blank line after a statement, after "{" and after a heading, as the fixture has
            assert not re.search(r"\n {8}[^\n]* \.\n(?![\n}])|\{\n(?!\n)|----\n(?!\n)", new)
            for graph, subject, statement in statements(text):
                if (BASE + graph, BASE + subject) not in touched:
                    assert statement in new, (file, subject)


# ---- writing -----------------------------------------------------------------------------


def test_write_edits_replaces_creates_and_deletes(tmp_path: Path) -> None:
    kept, made, gone = tmp_path / "kept.trig", tmp_path / "made.trig", tmp_path / "gone.trig"
    kept.write_text("old\n")
    os.chmod(kept, 0o640)
    gone.write_text("bye\n")
    write_edits([FileEdit(kept, b"new\n"), FileEdit(made, b"made\n"), FileEdit(gone, None)])
    assert kept.read_text() == "new\n"
    assert stat.S_IMODE(kept.stat().st_mode) == 0o640
    assert made.read_text() == "made\n"
    assert not gone.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.trig", "made.trig"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_write_edits_in_a_read_only_folder_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "a.trig"
    path.write_text("old\n")
    os.chmod(tmp_path, 0o555)
    try:
        with pytest.raises(PermissionError):
            write_edits([FileEdit(path, b"new\n")])
    finally:
        os.chmod(tmp_path, 0o755)
    assert path.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["a.trig"]


def test_a_full_disk_changes_nothing(tmp_path: Path) -> None:
    """A file-size limit makes write() fail as a full disk does (Python ignores SIGXFSZ)."""
    first, second = tmp_path / "a.trig", tmp_path / "b.trig"
    first.write_text("old a\n")
    second.write_text("old b\n")
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (64, hard))
    try:
        with pytest.raises(OSError, match="too large"):
            write_edits([FileEdit(first, b"new a\n"), FileEdit(second, b"x" * 1000)])
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
    assert first.read_text() == "old a\n"
    assert second.read_text() == "old b\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.trig", "b.trig"]


def test_a_failed_rename_leaves_the_target_and_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "a.trig"
    target.mkdir()
    (target / "inside").write_text("still here\n")
    with pytest.raises(OSError):  # noqa: PT011 - the OS picks IsADirectoryError or another
        write_edits([FileEdit(target, b"new\n")])
    assert (target / "inside").read_text() == "still here\n"
    assert [p.name for p in tmp_path.iterdir()] == ["a.trig"]


def test_every_text_is_staged_before_the_first_rename(tmp_path: Path) -> None:
    first = tmp_path / "a.trig"
    first.write_text("old\n")
    missing = tmp_path / "no-such-folder" / "b.trig"
    with pytest.raises(FileNotFoundError):
        write_edits([FileEdit(first, b"new\n"), FileEdit(missing, b"new\n")])
    assert first.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["a.trig"]


def test_only_files_that_may_hold_a_changed_graph_are_read() -> None:
    from partnergraph.writes.files import _scan_graph_names

    base = "https://w3id.org/partnergraph/"
    plain = (
        "@prefix pg: <def/> .\nGRAPH <graph/a> {\n  <id/x> pg:p 1 .\n}\n"
        "GRAPH <https://e.org/g> {\n}\n"
    )
    assert _scan_graph_names(plain, base) == {base + "graph/a", "https://e.org/g"}
    # what the scan cannot read for sure makes the file one that is parsed
    assert _scan_graph_names("BASE <https://e.org/>\nGRAPH <a> {\n}\n", base) is None
    assert _scan_graph_names('GRAPH <graph/a> {\n <x> <p> "a { b" .\n}\n', base) is None
    assert _scan_graph_names("GRAPH pg:a {\n}\n", base) is None
    assert _scan_graph_names("GRAPH <../a> {\n}\n", base) is None
    assert _scan_graph_names("<graph/a>\n{\n}\n", base) is None
