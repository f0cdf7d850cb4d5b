"""The case of a named query's meaning test, and the fixture's resources by IRI.

The expected rows of every case are written from the fixture of
``tests/data/named/graph/`` by hand (see the comments at the top of each of its
files), never from an answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..paths import BASE

#: A value of a row as the API's JSON gives it; a frozenset for a concatenation.
Value = Any


@dataclass(frozen=True)
class Case:
    """One call of a named query and what its answer must be.

    Attributes:
        query: the query's name (its file ``queries/{query}.rq``).
        name: what the case checks.
        params: the call's parameters, as a request writes them.
        columns: the columns compared; a row is the tuple of their values.
        rows: the rows that must be in the answer.
        absent: rows that must not be in it (the boundary cases).
        exact: the answer is exactly ``rows`` (as a multiset), nothing more.
        ordered: the answer is ``rows`` in this order.
        fixed: columns that every row must have with this value.
        lists: concatenating columns and their separator: compared as sets.
    """

    query: str
    name: str
    params: dict[str, str]
    columns: tuple[str, ...]
    rows: tuple[tuple[Value, ...], ...]
    absent: tuple[tuple[Value, ...], ...] = ()
    exact: bool = True
    ordered: bool = False
    fixed: dict[str, Value] = field(default_factory=dict)
    lists: dict[str, str] = field(default_factory=dict)

    @property
    def id(self) -> str:
        """The test id: the query's name and what the case checks."""
        return f"{self.query}: {self.name}"


def res(path: str) -> str:
    """The IRI of a resource of the fixture: ``res("city/lund")``."""
    return f"{BASE}id/{path}"


def term(path: str) -> str:
    """The IRI of a term of the vocabulary: ``term("party")``."""
    return f"{BASE}def/{path}"


def names(*values: str) -> frozenset[str]:
    """The parts of a concatenating column (``GROUP_CONCAT``), in any order."""
    return frozenset(values)


RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SCHEMA = "https://schema.org/"
DCTERMS = "http://purl.org/dc/terms/"
LANGUAGE = "http://publications.europa.eu/resource/authority/language/"
CITY_CLASSES = names(SCHEMA + "City", "http://www.w3.org/ns/org#Organization")

LUND, LAHTI, PORVOO = res("city/lund"), res("city/lahti"), res("city/porvoo")
HAMAR, VIBORG, KOLDING = res("city/hamar"), res("city/viborg"), res("city/kolding")
VASTERAS, ATLANTIS = res("city/vasteras"), res("city/atlantis")
FINLAND, SWEDEN = res("country/finland"), res("country/sweden")
DENMARK, NORWAY = res("country/denmark"), res("country/norway")
EUROCITIES, UBC = res("network/eurocities"), res("network/ubc")
HEALTHY_CITIES, CEMR = res("network/healthy-cities"), res("organization/cemr")
LUND_UNIVERSITY = res("organization/lund-university")
GREEN_BRIDGE, SKI_GAMES = res("project/green-bridge"), res("event/ski-games")
LUND_PAGE, LAHTI_PAGE = res("source/lund-page"), res("source/lahti-page")
CHAIN, STATISTICS = res("source/chain-article"), res("source/statistics")
TWIN = term("partnership-type/twin-town")


def ptn(slug: str) -> str:
    """The IRI of a partnership of the fixture: ``ptn("lund-porvoo")``."""
    return res(f"partnership/{slug}")


#: Each partnership of the fixture: (slug, one party, the other).
PARTNERSHIPS = [
    ("lund-porvoo", LUND, PORVOO),
    ("lund-hamar", LUND, HAMAR),
    ("lund-viborg", LUND, VIBORG),
    ("lund-atlantis", LUND, ATLANTIS),
    ("lund-kolding", LUND, KOLDING),
    ("lahti-porvoo", LAHTI, PORVOO),
    ("lahti-kolding", LAHTI, KOLDING),
    ("lahti-kolding-cooperation", LAHTI, KOLDING),
    ("lahti-viborg", LAHTI, VIBORG),
    ("lahti-vasteras", LAHTI, VASTERAS),
]


def partners_of(city: str) -> set[str]:
    """The parties ``city`` has a partnership with (as the build's ``pg:partner``)."""
    return {b if a == city else a for _, a, b in PARTNERSHIPS if city in (a, b)}
