"""The kinds of resource the site search tells apart, and the order they are shown in.

A resource's kind is found by its classes (the first of :func:`kinds` that fits);
its rank puts it in a tier of the results: municipalities and networks first (0),
then places and the other things of the model (1), then sources, contacts and
terms (2). The text index (:mod:`partnergraph.search_build`) stores each
resource's kind and orders its names by rank, so that a search reads its matches in
the order they are shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from partnergraph.namespaces import ORG, OWL, RDF, RDFS, SCHEMA, SKOS, Namespaces


@dataclass(frozen=True)
class Kind:
    """A kind of resource, found by its classes.

    Attributes:
        name: its key (``municipality``, ``network``…).
        rank: its place in a tier (0 first).
        any_of: it has one of these classes…
        all_of: …and every one of these.
    """

    name: str
    rank: int
    any_of: frozenset[str]
    all_of: frozenset[str] = frozenset()

    def fits(self, classes: frozenset[str]) -> str | None:
        """The class of ``classes`` that makes it this kind (the first by IRI), or None."""
        if not self.all_of <= classes:
            return None
        return min(self.any_of & classes, default=None)


#: What is not any of the kinds.
OTHER: Final = Kind("other", 2, frozenset())


@lru_cache(maxsize=8)
def kinds(base_iri: str) -> tuple[Kind, ...]:
    """The kinds of resource under ``base_iri``, in the order they are tried."""
    pg = Namespaces(base_iri).pg

    def of(name: str, rank: int, any_of: str, all_of: str = "") -> Kind:
        return Kind(name, rank, frozenset(any_of.split()), frozenset(all_of.split()))

    s, org, owl, rdfs, skos = SCHEMA, ORG, OWL, RDFS, SKOS
    return (
        of("municipality", 0, f"{s}City", all_of=f"{org}Organization"),
        of("network", 0, f"{pg}Network"),
        of("place", 1, f"{s}City {s}Country {s}Place"),
        of("partnership", 1, f"{pg}Partnership"),
        of("programme", 1, f"{pg}Programme {s}Project {s}FundingScheme"),
        of("event", 1, f"{s}Event {s}EventSeries"),
        of("organisation", 1, f"{org}Organization {s}Organization {s}CollegeOrUniversity "
           f"{s}ResearchOrganization {s}GovernmentOrganization"),
        of("source", 2, f"{pg}SourceDocument"),
        of("contact", 2, f"{s}ContactPoint {org}Post {s}Person"),
        of("concept", 2, f"{skos}Concept {skos}ConceptScheme"),
        of("term", 2, f"{owl}Class {rdfs}Class {RDF}Property {owl}ObjectProperty "
           f"{owl}DatatypeProperty {owl}AnnotationProperty"),
    )  # fmt: skip


def kind_rank(name: str) -> int:
    """The rank of the kind ``name`` (:attr:`Kind.rank`; :data:`OTHER`'s when unknown)."""
    return next((k.rank for k in kinds("") if k.name == name), OTHER.rank)


@lru_cache(maxsize=1024)
def kind_of(classes: frozenset[str], base_iri: str) -> tuple[Kind, str | None]:
    """The kind of a resource with ``classes``, and the class that decided it.

    Args:
        classes: the resource's classes (IRIs).
        base_iri: the base IRI (the dataset's own classes are under ``{base}def/``).

    Returns:
        The kind, and the class that decided it (for :data:`OTHER`: the first of its
        classes by IRI, or None when it has none).
    """
    for kind in kinds(base_iri):
        found = kind.fits(classes)
        if found is not None:
            return kind, found
    return OTHER, min(classes, default=None)
