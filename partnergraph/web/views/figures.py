"""Figures (``pg:Figure``) as a page shows them: what is counted, how many (exactly,
more than, nearly), the unit, the date and the sources; and the counts of
partnerships a municipality declares beside the number the graph lists."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from partnergraph.namespaces import DCTERMS, SCHEMA
from partnergraph.web.present import Presenter, Value
from partnergraph.web.views.citations import Citations
from partnergraph.web.views.facts import Facts


@dataclass(frozen=True)
class Figure:
    """One figure.

    Attributes:
        figure: the figure itself (its page).
        measure: what it counts.
        qualifier: ``exact``, ``more_than`` or ``nearly``.
        amount: the number.
        unit: the unit, or None.
        date: the date it is given for, or None.
        sources: the numbers of its sources.
    """

    figure: Value
    measure: Value | None
    qualifier: str
    amount: Value
    unit: Value | None
    date: Value | None
    sources: tuple[int, ...]


@dataclass(frozen=True)
class Count:
    """Partnerships of one type: as declared by a source, as listed in the graph."""

    type: Value
    declared: int
    listed: int | None
    sources: tuple[int, ...]


def figures(
    facts: Facts, subject: str, show: Presenter, citations: Citations
) -> tuple[list[Figure], list[Count]]:
    """The figures of ``subject`` (``pg:figure``) and its declared counts.

    Returns:
        (figures, declared counts), each sorted by what they count.
    """
    pg = show.ns.term
    found: list[Figure] = []
    counts: list[Count] = []
    for iri in facts.iris(subject, pg("figure")):
        sources = tuple(citations.cite(iri))
        count_of = facts.iris(iri, pg("countOf"))
        declared = _integer(facts.one(iri, SCHEMA + "value"))
        if count_of and declared is not None:
            counts.append(
                Count(
                    show.label(count_of[0]),
                    declared,
                    _integer(facts.one(iri, pg("listedCount"))),
                    sources,
                )
            )
            continue
        for qualifier, predicate in (
            ("exact", SCHEMA + "value"),
            ("more_than", pg("moreThan")),
            ("nearly", pg("nearly")),
        ):
            amount = facts.one(iri, predicate)
            if amount is None:
                continue
            measure = facts.iris(iri, pg("measure"))
            unit = facts.one(iri, SCHEMA + "unitText")
            date = facts.one(iri, DCTERMS + "date")
            found.append(
                Figure(
                    show.label(iri),
                    show.label(measure[0]) if measure else None,
                    qualifier,
                    show.term(amount),
                    show.term(unit) if unit is not None else None,
                    show.term(date) if date is not None else None,
                    sources,
                )
            )
            break
    found.sort(
        key=lambda f: ((f.measure or f.figure).text.casefold(), f.date.text if f.date else "")
    )
    counts.sort(key=lambda c: c.type.text.casefold())
    return found, counts


def _integer(term: object) -> int | None:
    if isinstance(term, ox.Literal) and term.value.lstrip("+-").isdigit():
        return int(term.value)
    return None
