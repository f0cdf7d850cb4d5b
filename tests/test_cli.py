"""The `partnergraph validate` and `build` commands, end to end on small fixtures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import RDF, SH, Graph

from partnergraph.cli import main

from .paths import DATA, ROOT

CLI = DATA / "cli"
SHAPES = str(CLI / "shapes")
ENGINES = ["pyshacl", "compiled"]


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for key in ("PARTNERGRAPH_VALIDATOR", "PARTNERGRAPH_PERSONAL_DATA"):
        monkeypatch.delenv(key, raising=False)
    # the fixtures stand alone: no graph/ around them to validate them in
    monkeypatch.setenv("PARTNERGRAPH_GRAPH_DIR", str(tmp_path / "no-graph"))


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("engine", ENGINES)
def test_valid_file_conforms(capsys: pytest.CaptureFixture[str], engine: str) -> None:
    code, out, _ = run(
        capsys, "validate", str(CLI / "valid.trig"), "--shapes", SHAPES, "--validator", engine
    )
    assert code == 0
    assert "1 file conforms: 0 violations, 0 warnings" in out


@pytest.mark.parametrize("engine", ENGINES)
def test_violations_name_file_node_rule_value_and_line(
    capsys: pytest.CaptureFixture[str], engine: str
) -> None:
    code, out, _ = run(
        capsys, "validate", str(CLI / "invalid.trig"), "--shapes", SHAPES, "--validator", engine
    )
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == str(CLI / "invalid.trig")
    node = lines.index("  <id/city/gamma>  (line 10)")
    assert lines[node + 1] == (
        "    Violation: A town needs a label [rule pgsh:Town-label sh:minCount; path rdfs:label]"
    )
    assert lines[node + 2] == (
        "    Warning: A population is an integer "
        '[rule pgsh:Town-population sh:datatype; path schema:population; value "many"]'
    )
    assert "does NOT conform: 1 violations, 1 warnings" in lines[-1]


def test_json_report(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "validate", str(CLI / "invalid.trig"), "--shapes", SHAPES, "--format", "json"
    )
    assert code == 1
    report = json.loads(out)
    assert report["conforms"] is False
    assert report["counts"] == {"Violation": 1, "Warning": 1, "Info": 0}
    first = report["results"][0]
    assert first["file"] == str(CLI / "invalid.trig")
    assert first["line"] == 10
    assert first["focus"] == "<https://w3id.org/partnergraph/id/city/gamma>"


def test_turtle_report_is_a_shacl_report(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "validate", str(CLI / "invalid.trig"), "--shapes", SHAPES, "--format", "turtle"
    )
    assert code == 1
    graph = Graph().parse(data=out, format="turtle")
    report = graph.value(None, RDF.type, SH.ValidationReport)
    assert report is not None
    assert len(list(graph.objects(report, SH.result))) == 2


def test_syntax_error_names_file_line_and_column(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "validate", str(CLI / "broken.trig"), "--shapes", SHAPES)
    assert code == 2
    assert out == ""
    assert f"{CLI / 'broken.trig'}:7:" in err


def test_not_utf8_is_refused_with_its_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "latin1.trig"
    bad.write_bytes(
        b"@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        b'<id/city/x> rdfs:label "Bor\xe5"@sv .\n'
    )
    code, _, err = run(capsys, "validate", str(bad), "--shapes", SHAPES)
    assert code == 2
    assert f"{bad}:2: not valid UTF-8" in err


def test_missing_file_is_an_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "validate", str(tmp_path / "nope.trig"), "--shapes", SHAPES)
    assert code == 2
    assert "nope.trig: no such file or folder" in err


def test_broken_shapes_file_is_an_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    shapes = tmp_path / "bad.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n<x> sh:path\n", encoding="utf-8"
    )
    code, _, err = run(capsys, "validate", str(CLI / "valid.trig"), "--shapes", str(shapes))
    assert code == 2
    assert f"{shapes}:" in err


def test_build_writes_sorted_nquads_with_derived_links(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    graph_dir = tmp_path / "graph"
    graph_dir.mkdir()
    (graph_dir / "valid.trig").write_bytes((CLI / "valid.trig").read_bytes())
    monkeypatch.setenv("PARTNERGRAPH_GRAPH_DIR", str(graph_dir))
    monkeypatch.setenv("PARTNERGRAPH_SHAPES_DIR", SHAPES)
    code, _, err = run(capsys, "build", "--out", str(tmp_path / "out"))
    assert code == 0, err
    lines = (tmp_path / "out" / "partnergraph.nq").read_text(encoding="utf-8").splitlines()
    assert lines == sorted(lines)
    derived = "<https://w3id.org/partnergraph/graph/derived>"
    partner = (
        "<https://w3id.org/partnergraph/id/city/alpha> "
        "<https://w3id.org/partnergraph/def/partner> "
        f"<https://w3id.org/partnergraph/id/city/beta> {derived} ."
    )
    assert partner in lines
    assert any("/graph/personal>" in line for line in lines)


def test_build_without_personal_data(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    graph_dir = tmp_path / "graph"
    graph_dir.mkdir()
    (graph_dir / "valid.trig").write_bytes((CLI / "valid.trig").read_bytes())
    monkeypatch.setenv("PARTNERGRAPH_GRAPH_DIR", str(graph_dir))
    monkeypatch.setenv("PARTNERGRAPH_SHAPES_DIR", SHAPES)
    monkeypatch.setenv("PARTNERGRAPH_PERSONAL_DATA", "false")
    code, _, _ = run(capsys, "build", "--out", str(tmp_path / "out"))
    assert code == 0
    text = (tmp_path / "out" / "partnergraph.nq").read_text(encoding="utf-8")
    assert "/graph/personal>" not in text
    assert "/id/person/" not in text


def test_failed_build_writes_nothing_and_keeps_the_previous_output(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    previous = out / "partnergraph.nq"
    previous.write_text("previous\n", encoding="utf-8")
    graph_dir = tmp_path / "graph"
    graph_dir.mkdir()
    (graph_dir / "invalid.trig").write_bytes((CLI / "invalid.trig").read_bytes())
    monkeypatch.setenv("PARTNERGRAPH_GRAPH_DIR", str(graph_dir))
    monkeypatch.setenv("PARTNERGRAPH_SHAPES_DIR", SHAPES)
    code, out_text, err = run(capsys, "build", "--out", str(out))
    assert code == 1
    assert "A town needs a label" in out_text
    assert "nothing was built" in err
    assert previous.read_text(encoding="utf-8") == "previous\n"
    assert sorted(p.name for p in out.iterdir()) == ["partnergraph.nq"]


def test_issue10_point2_a_triple_outside_a_named_graph_stops_the_build(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    graph_dir = tmp_path / "graph"
    graph_dir.mkdir()
    (graph_dir / "valid.trig").write_bytes((CLI / "valid.trig").read_bytes())
    loose = graph_dir / "loose.trig"
    loose.write_text(
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        'GRAPH <graph/test> { <id/city/alpha> rdfs:comment "inside"@en . }\n'
        "\n"
        '<id/city/gamma> rdfs:label "Gamma"@en .\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("PARTNERGRAPH_GRAPH_DIR", str(graph_dir))
    monkeypatch.setenv("PARTNERGRAPH_SHAPES_DIR", SHAPES)
    for command in (["build", "--out", str(tmp_path / "out")], ["validate"], ["dump"]):
        code, _, err = run(capsys, *command)
        assert code == 2, command
        assert f"{loose}:4: a triple outside a named graph" in err
        assert "every fact belongs in the named graph of its source" in err
        assert "<https://w3id.org/partnergraph/id/city/gamma>" in err
    assert not (tmp_path / "out").exists()


CONTEXT_SHAPES = """\
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <https://schema.org/> .
@prefix pg: <https://w3id.org/partnergraph/def/> .
@prefix pgsh: <https://w3id.org/partnergraph/shapes/> .

pgsh:Town a sh:NodeShape ; sh:targetClass schema:City ;
    sh:property [ sh:path rdfs:label ; sh:minCount 1 ; sh:message "A town needs a label" ] .
pgsh:Partnership a sh:NodeShape ; sh:targetClass pg:Partnership ;
    sh:property [ sh:path pg:party ; sh:class schema:City ; sh:message "A party is a town" ] .
"""


def test_issue10_point3_named_files_are_validated_in_the_context_of_the_graph(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    graph_dir = tmp_path / "graph"
    graph_dir.mkdir()
    prefixes = (
        "@prefix schema: <https://schema.org/> .\n"
        "@prefix pg: <def/> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
    )
    (graph_dir / "towns.trig").write_text(
        prefixes + "GRAPH <graph/t> {\n"
        '  <id/city/alpha> a schema:City ; rdfs:label "Alpha"@en .\n'
        '  <id/city/beta> a schema:City ; rdfs:label "Beta"@en .\n'
        "  <id/city/nameless> a schema:City .\n}\n",
        encoding="utf-8",
    )
    ties = graph_dir / "ties.trig"
    ties.write_text(
        prefixes + "GRAPH <graph/p> {\n"
        "  <id/partnership/alpha-beta> a pg:Partnership ;\n"
        "      pg:party <id/city/alpha>, <id/city/beta> .\n}\n",
        encoding="utf-8",
    )
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(CONTEXT_SHAPES, encoding="utf-8")
    monkeypatch.setenv("PARTNERGRAPH_GRAPH_DIR", str(graph_dir))

    # the partnership's parties are towns described in another file: it conforms,
    # and the nameless town of that other file is not reported against ties.trig
    code, out, _ = run(capsys, "validate", str(ties), "--shapes", str(shapes))
    assert code == 0, out
    assert "A town needs a label" not in out
    assert f"checked with the 1 other files of {graph_dir} as context" in out
    assert "1 findings about them not shown" in out
    assert out.splitlines()[-1].startswith("1 file conforms: 0 violations")

    # the other file, named, is reported
    code, out, _ = run(capsys, "validate", str(graph_dir / "towns.trig"), "--shapes", str(shapes))
    assert code == 1
    assert "<id/city/nameless>  (line 7)" in out

    # an edited copy elsewhere takes the place of the graph's file of the same name
    edited = tmp_path / "edits" / "towns.trig"
    edited.parent.mkdir()
    edited.write_text(
        (graph_dir / "towns.trig").read_text().replace("nameless> a", "nameless> rdfs:label"),
        encoding="utf-8",
    )
    edited.write_text(edited.read_text().replace("rdfs:label .", 'rdfs:label "N"@en .'))
    code, out, _ = run(capsys, "validate", str(edited), "--shapes", str(shapes))
    assert code == 0, out


def test_issue10_point3_validate_one_curated_file_of_the_real_graph(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PARTNERGRAPH_GRAPH_DIR", str(ROOT / "graph"))
    monkeypatch.setenv("PARTNERGRAPH_SHAPES_DIR", str(ROOT / "shapes"))
    code, out, _ = run(capsys, "validate", str(ROOT / "graph" / "lund.trig"))
    assert code == 0, out
    assert out.splitlines()[-1].startswith("1 file conforms: 0 violations")
