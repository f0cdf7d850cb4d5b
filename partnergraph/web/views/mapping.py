"""The data of a map (``static/pages/map.js``): places with coordinates, each of a
kind the legend names and colours, and the places without coordinates.

The colours are the Okabe-Ito palette, told apart by people with any common colour
vision deficiency; the place the page is about is dark, the others take the colours
in the order of their kinds' names. The map script colours each marker from this
data, so the style sheet needs no rule per kind.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

import pyoxigraph as ox

from partnergraph.namespaces import GEO
from partnergraph.settings import Settings
from partnergraph.web import assets
from partnergraph.web.present import Value
from partnergraph.web.views.facts import Facts

#: The colour of the place the page is about.
HOME: Final = "#1d2327"
#: The colours of the kinds, in order.
PALETTE: Final = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#f0e442")


@dataclass
class Map:
    """The places of one map, around the place the page is about.

    Attributes:
        about: the place the page is about (the dark marker, first in the legend).
        points: ``{name, href, lat, long, home, kind}`` each (``kind`` indexes ``legend``).
        legend: ``{label, colour, home}`` each: the place itself, then the kinds.
        missing: the places without coordinates.
    """

    about: Value
    points: list[dict[str, Any]] = field(default_factory=list)
    legend: list[dict[str, Any]] = field(default_factory=list)
    missing: list[Value] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.legend = [{"label": self.about, "colour": HOME, "home": True}]

    def place(self, lat: float | None, long: float | None) -> None:
        """The coordinates of the place the page is about, when it has them."""
        if lat is not None and long is not None:
            self.points.append(_point(self.about, lat, long, home=True, kind=0))

    def add(self, place: Value, kind: Value, lat: float | None, long: float | None) -> None:
        """A place of ``kind`` (once: a place added twice keeps its first kind)."""
        if any(p["iri"] == place.iri for p in self.points if not p["home"]):
            return
        if lat is None or long is None:
            if place not in self.missing:
                self.missing.append(place)
            return
        index = next(
            (i for i, entry in enumerate(self.legend) if entry["label"] == kind and i > 0), None
        )
        if index is None:
            index = len(self.legend)
            colour = PALETTE[(index - 1) % len(PALETTE)]
            self.legend.append({"label": kind, "colour": colour, "home": False})
        self.points.append(_point(place, lat, long, home=False, kind=index))

    def data(self, settings: Settings) -> dict[str, Any]:
        """What the map script reads (the page's JSON script element)."""
        return {
            "points": [{k: v for k, v in p.items() if k != "iri"} for p in self.points],
            "colours": [entry["colour"] for entry in self.legend],
            "tiles": settings.map_tiles,
            "attribution": settings.map_attribution,
            # the countries under the markers when there are no tiles
            "outlines": None
            if settings.map_tiles
            else assets.library_url("world-atlas", "countries-110m.json"),
        }


def _point(place: Value, lat: float, long: float, home: bool, kind: int) -> dict[str, Any]:
    return {
        "iri": place.iri,
        "name": place.text,
        "href": None if home else place.href,
        "lat": lat,
        "long": long,
        "home": home,
        "kind": kind,
    }


def coordinates(facts: Facts, place: str) -> tuple[float | None, float | None]:
    """The latitude and longitude of ``place`` (W3C Basic Geo), or Nones."""
    return _number(facts.one(place, GEO + "lat")), _number(facts.one(place, GEO + "long"))


def _number(term: object) -> float | None:
    if isinstance(term, ox.Literal):
        try:
            return float(term.value)
        except ValueError:
            return None
    return None
