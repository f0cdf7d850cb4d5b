"""Finding the line where a node is written."""

from __future__ import annotations

from pathlib import Path

from partnergraph.locate import Location, Locator

from .paths import BASE


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_subjects_by_prefixed_name_relative_and_absolute_iri(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "a.trig",
        "@prefix city: <id/city/> .\n"
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "\n"
        "GRAPH <graph/x> {\n"
        "    # a comment mentioning city:nowhere\n"
        '    city:lund rdfs:label "Lund"@en ;\n'
        "        rdfs:seeAlso city:hamar .\n"
        '    <id/city/hamar> rdfs:label "Hamar"@en .  # trailing comment\n'
        '    <https://example.org/x> rdfs:label "X, see city:lund"@en .\n'
        "}\n",
    )
    locator = Locator([path], BASE)
    assert locator.subject(BASE + "id/city/lund") == [Location(path, 6)]
    assert locator.subject(BASE + "id/city/hamar") == [Location(path, 8)]
    assert locator.subject("https://example.org/x") == [Location(path, 9)]
    assert locator.subject(BASE + "id/city/nowhere") == []
    assert locator.subject(BASE + "graph/x") == []


def test_objects_only_fall_back_to_first_mention(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "b.trig",
        "@prefix city: <id/city/> .\n"
        "@prefix pg: <def/> .\n"
        "GRAPH <graph/x> {\n"
        "    city:lund pg:partner\n"
        "        city:viborg .\n"
        "}\n",
    )
    locator = Locator([path], BASE)
    assert locator.find(BASE + "id/city/viborg") == Location(path, 5)
    assert locator.find(BASE + "id/city/unknown") is None


def test_a_node_written_in_two_files(tmp_path: Path) -> None:
    head = "@prefix city: <id/city/> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
    first = write(
        tmp_path, "1.trig", head + 'GRAPH <graph/a> {\n    city:lund rdfs:label "L"@en .\n}\n'
    )
    second = write(
        tmp_path, "2.trig", head + 'GRAPH <graph/b> {\n\n    city:lund rdfs:label "L"@sv .\n}\n'
    )
    locator = Locator([first, second], BASE)
    assert locator.subject(BASE + "id/city/lund") == [Location(first, 4), Location(second, 5)]


def test_only_the_wanted_nodes_are_looked_for(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "c.trig",
        "@prefix city: <id/city/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "GRAPH <graph/x> {\n"
        "    city:lund rdfs:seeAlso city:viborg .\n"
        '    city:hamar rdfs:label "Hamar"@en .\n'
        "}\n",
    )
    wanted = [BASE + "id/city/hamar", BASE + "id/city/viborg"]
    locator = Locator([path], BASE, wanted=wanted)
    assert locator.subject(BASE + "id/city/hamar") == [Location(path, 5)]
    assert locator.find(BASE + "id/city/viborg") == Location(path, 4)
    assert locator.subject(BASE + "id/city/lund") == []
    assert Locator([path], BASE, wanted=[]).find(BASE + "id/city/hamar") is None
