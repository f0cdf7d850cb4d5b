"""The view of a network (``pg:Network``): what it is and where its secretariat sits,
its figures, and its members — from the memberships (``org:Membership``) the data
holds, with their roles, the themes they are active in and their periods, sorted by
name and on a map whose markers name them.

One query asks the statements of the memberships, the members, the seat, the
figures and their sources; one the names of what they link to.
"""

from __future__ import annotations

from typing import Any

from partnergraph.namespaces import ORG, SCHEMA
from partnergraph.web.i18n import word
from partnergraph.web.present import Value
from partnergraph.web.views.data import cited_rows, ordered
from partnergraph.web.views.figures import figures
from partnergraph.web.views.mapping import Map, coordinates
from partnergraph.web.views.page import Gathered, Page, start
from partnergraph.web.views.relations import memberships

ANCHOR = (
    "?x org:organization ?s",
    "?m org:organization ?s . ?m org:member|dcterms:source ?x",
    "?s org:hasPrimarySite|pg:figure ?x",
    "?s org:hasPrimarySite ?site . ?site schema:containedInPlace ?x",
    "?s org:hasPrimarySite|pg:figure ?y . ?y dcterms:source ?x",
)


def gather(page: Page) -> Gathered:
    """The network's figures, seat and members (with the map of its members)."""
    facts, show, citations, own = start(page, ANCHOR)
    pg = page.ns.term
    glance = (SCHEMA + "url", SCHEMA + "isPartOf", pg("focus"), ORG + "hasPrimarySite")
    rows = cited_rows(facts, page.iri, show, citations, first=glance, only=set(glance))
    members = memberships(facts, show, citations, network=page.iri)
    seats = [
        city
        for site in facts.iris(page.iri, ORG + "hasPrimarySite")
        for city in facts.iris(site, SCHEMA + "containedInPlace")
    ]
    the_map = Map(show.label(seats[0]) if seats else show.label(page.iri))
    if seats:
        the_map.place(*coordinates(facts, seats[0]))
    kind = Value(word("view_member", page.language))
    for tie in members:
        the_map.add(tie.other, kind, *coordinates(facts, tie.other.iri or ""))
    the_map.missing.sort(key=lambda v: v.text.casefold())
    found_figures, _ = figures(facts, page.iri, show, citations)
    countries = {
        tie.other.iri: ordered(
            show.label(c) for c in facts.iris(tie.other.iri or "", SCHEMA + "containedInPlace")
        )
        for tie in members
    }
    values: dict[str, Any] = {
        "glance": rows,
        "seats": [show.label(city) for city in seats],
        "figures": found_figures,
        "members": members,
        "countries": countries,
        "map": the_map,
        "map_data": the_map.data(page.settings),
    }
    return Gathered(values, citations, show, facts, own, extra={"map": True})
