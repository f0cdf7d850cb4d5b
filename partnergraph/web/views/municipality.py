"""The view of a municipality (``schema:City`` and ``org:Organization``): the page
people share.

At a glance (its country, web address, identifiers, titles and targets), its figures,
its partnerships by type — each partner once, with its country, dates and sources —
against the counts its sources declare, the map of its partners, its networks, the
programmes, projects and events it takes part in or runs, its services, posts and
contact points.

One query asks the statements of every node around the municipality (its
partnerships and partners, memberships and networks, participations and
activities, units, posts, contact points, figures, and the sources of each), one
the names of what they link to (:mod:`partnergraph.web.views.facts`).

Why partners were listed three or four times before: the page showed them in the
partnerships table, again in the table of every property (``pg:partner``, derived),
and twice among the links here (``pg:party`` from each partnership, ``pg:partner``
from each partner); a partnership stated in two sources' graphs is one node, so it
is one row, but nothing grouped a partner across those lists. Now the partnerships
are grouped by type and partner, and the property tables are in the data section.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from partnergraph.namespaces import ORG, OWL, RDF, SCHEMA
from partnergraph.web.present import Presenter, Value
from partnergraph.web.views.citations import Citations
from partnergraph.web.views.data import cited_rows, ordered
from partnergraph.web.views.facts import Facts
from partnergraph.web.views.figures import figures
from partnergraph.web.views.mapping import Map, coordinates
from partnergraph.web.views.page import Gathered, Page, start
from partnergraph.web.views.relations import memberships, participations, points, posts

ANCHOR = (
    "?x pg:party ?s",
    "?p pg:party ?s . ?p pg:party ?x",
    "?p pg:party ?s . ?p dcterms:source ?x",
    "?x org:member ?s",
    "?m org:member ?s . ?m org:organization|dcterms:source ?x",
    "?x pg:participant ?s",
    "?y pg:participant ?s . ?y pg:activity|dcterms:source ?x",
    "?x schema:provider ?s",
    "?y schema:provider ?s . ?y dcterms:source ?x",
    "?x org:subOrganizationOf ?s",
    "?u org:subOrganizationOf ?s ."
    " ?u dcterms:source|schema:contactPoint|pg:postalAddress|pg:visitingAddress ?x",
    "?u org:subOrganizationOf ?s . ?x pg:participant ?u",
    "?u org:subOrganizationOf ?s . ?y pg:participant ?u . ?y pg:activity|dcterms:source ?x",
    "?x org:postIn ?s",
    "?u org:subOrganizationOf ?s . ?x org:postIn ?u",
    "?post org:postIn ?s . ?x org:holds ?post",
    "?u org:subOrganizationOf ?s . ?post org:postIn ?u . ?x org:holds ?post",
    "?y org:postIn ?s . ?y dcterms:source ?x",
    "?u org:subOrganizationOf ?s . ?y org:postIn ?u . ?y dcterms:source ?x",
    "?s schema:contactPoint ?x",
    "?s schema:contactPoint ?y . ?y dcterms:source ?x",
    "?u org:subOrganizationOf ?s . ?u schema:contactPoint ?y . ?y dcterms:source ?x",
    "?s pg:figure|pg:designation|pg:target ?x",
    "?s pg:figure|pg:designation|pg:target ?y . ?y dcterms:source ?x",
)

#: What "at a glance" lists, in this order.
GLANCE = (
    SCHEMA + "containedInPlace",
    SCHEMA + "url",
    OWL + "sameAs",
)


def gather(page: Page) -> Gathered:
    """Everything the municipality's page shows beyond its header."""
    facts, show, citations, own = start(page, ANCHOR)
    pg = page.ns.term
    glance = (*GLANCE, pg("geonamesId"), pg("designation"), pg("target"))
    rows = cited_rows(facts, page.iri, show, citations, first=glance, only=set(glance))
    found_figures, counts = figures(facts, page.iri, show, citations)
    groups, the_map = partnerships(facts, page, show, citations)
    units = {page.iri, *facts.subjects(ORG + "subOrganizationOf", page.iri)}
    values: dict[str, Any] = {
        "glance": rows,
        "figures": found_figures,
        "counts": counts,
        "partnerships": groups,
        "partner_count": len({row["partner"].iri for _, rows_ in groups for row in rows_}),
        "map": the_map,
        "map_data": the_map.data(page.settings),
        "networks": memberships(facts, show, citations, member=page.iri),
        "activities": participations(facts, show, citations, participants=units, home=page.iri),
        "provided": _provided(facts, page, show, citations, units),
        "posts": posts(facts, show, citations, units),
        "points": points(facts, show, citations, units),
    }
    return Gathered(values, citations, show, facts, own, extra={"map": True})


def partnerships(
    facts: Facts, page: Page, show: Presenter, citations: Citations
) -> tuple[list[tuple[Value, list[dict[str, Any]]]], Map]:
    """The partnerships by type, each partner once per type, and the map of partners.

    Returns:
        ([(type, rows)], map): rows of ``partner``, ``countries``, ``start``,
        ``end``, ``links`` (the partnerships' pages) and ``sources``, by partner name.
    """
    pg = page.ns.term
    city = page.iri
    by_type: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for partnership in facts.subjects(pg("party"), city):
        numbers = citations.cite(partnership)
        for kind in facts.iris(partnership, pg("partnershipType")) or [""]:
            for partner in facts.iris(partnership, pg("party")):
                if partner == city:
                    continue
                row = by_type[kind].setdefault(partner, _row(facts, show, partner))
                row["links"].append(show.label(partnership))
                row["sources"] = sorted({*row["sources"], *numbers})
                for key, predicate in (("start", "startDate"), ("end", "endDate")):
                    date = facts.one(partnership, SCHEMA + predicate)
                    if date is not None:
                        row[key] = [*row[key], show.term(date)]
    groups = sorted(
        (
            (show.label(kind) if kind else Value("—"), sorted(rows.values(), key=_by_name))
            for kind, rows in by_type.items()
        ),
        key=lambda group: group[0].text.casefold(),
    )
    the_map = Map(show.label(city))
    the_map.place(*coordinates(facts, city))
    for label, group in groups:
        for row in group:
            the_map.add(row["partner"], label, *coordinates(facts, row["partner"].iri or ""))
    the_map.missing = sorted(the_map.missing, key=lambda v: v.text.casefold())
    return groups, the_map


def _row(facts: Facts, show: Presenter, partner: str) -> dict[str, Any]:
    return {
        "partner": show.label(partner),
        "countries": ordered(
            show.label(c) for c in facts.iris(partner, SCHEMA + "containedInPlace")
        ),
        "start": [],
        "end": [],
        "links": [],
        "sources": [],
    }


def _by_name(row: dict[str, Any]) -> tuple[str, str]:
    partner: Value = row["partner"]
    return partner.text.casefold(), partner.iri or ""


def _provided(
    facts: Facts, page: Page, show: Presenter, citations: Citations, units: set[str]
) -> list[dict[str, Any]]:
    """Programmes, projects and services the municipality (or a unit) runs itself."""
    found = {
        node
        for node in facts.subjects(SCHEMA + "provider")
        if set(facts.iris(node, SCHEMA + "provider")) & units
    }
    found |= {
        node
        for node in facts.subjects(ORG + "subOrganizationOf", page.iri)
        if facts.is_a(node, SCHEMA + "Project")
    }
    return sorted(
        (
            {
                "node": show.label(node),
                "types": ordered(show.label(t) for t in facts.iris(node, RDF + "type")),
                "start": show.term(s) if (s := facts.one(node, SCHEMA + "startDate")) else None,
                "sources": citations.cite(node),
            }
            for node in found
        ),
        key=lambda item: item["node"].text.casefold(),
    )
