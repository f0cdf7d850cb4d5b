"""The view of a programme or a project (``pg:Programme``, ``schema:Project``): what
it is, who provides, funds or runs it, what it is part of and what is part of it,
who takes part in it and in which role, its posts, addresses and figures.

One query asks the statements of the participations and participants, the parts,
the provider, funder, location, addresses, posts and figures, and their sources;
one the names of what they link to. The event view shares it.
"""

from __future__ import annotations

from typing import Any

from partnergraph.namespaces import RDF, SCHEMA
from partnergraph.web.views.data import cited_rows, ordered
from partnergraph.web.views.facts import Facts
from partnergraph.web.views.figures import figures
from partnergraph.web.views.generic import hidden
from partnergraph.web.views.page import Gathered, Page, start
from partnergraph.web.views.relations import participations, posts

ANCHOR = (
    "?x pg:activity ?s",
    "?y pg:activity ?s . ?y pg:participant|dcterms:source ?x",
    "?x schema:isPartOf ?s",
    "?s schema:isPartOf|schema:provider|schema:funder|schema:location ?x",
    "?s pg:postalAddress|pg:visitingAddress|pg:figure ?x",
    "?s pg:postalAddress|pg:visitingAddress|pg:figure ?y . ?y dcterms:source ?x",
    "?x org:postIn ?s",
    "?y org:postIn ?s . ?y dcterms:source ?x",
    "?post org:postIn ?s . ?x org:holds ?post",
)

#: The address lines of a schema:PostalAddress, in the order they are written.
ADDRESS = ("name", "streetAddress", "postOfficeBoxNumber", "postalCode", "addressLocality")


def gather(page: Page) -> Gathered:
    """The activity's statements, participants, parts, posts, addresses and figures."""
    facts, show, citations, own = start(page, ANCHOR)
    pg = page.ns.term
    first = (SCHEMA + "provider", SCHEMA + "funder", SCHEMA + "isPartOf", SCHEMA + "startDate")
    addresses = (pg("postalAddress"), pg("visitingAddress"))
    rows = cited_rows(
        facts, page.iri, show, citations, first=first,
        hide=hidden(page) | {pg("figure"), *addresses},
    )  # fmt: skip
    parts = [
        {
            "node": show.label(part),
            "types": ordered(show.label(t) for t in facts.iris(part, RDF + "type")),
            "sources": citations.cite(part),
        }
        for part in facts.subjects(SCHEMA + "isPartOf", page.iri)
    ]
    found_figures, _ = figures(facts, page.iri, show, citations)
    values: dict[str, Any] = {
        "rows": rows,
        "participants": participations(facts, show, citations, activity=page.iri),
        "parts": sorted(parts, key=lambda p: p["node"].text.casefold()),
        "posts": posts(facts, show, citations, {page.iri}),
        "addresses": [
            {
                "kind": show.label(predicate),
                "lines": address_lines(facts, address),
                "sources": citations.cite(address),
            }
            for predicate in addresses
            for address in facts.iris(page.iri, predicate)
        ],
        "figures": found_figures,
    }
    return Gathered(values, citations, show, facts, own)


def address_lines(facts: Facts, address: str) -> list[str]:
    """A postal address as it is written on an envelope (Nordic order)."""
    part = {name: [v.value for v in facts.values(address, SCHEMA + name)] for name in ADDRESS}
    lines = [*part["name"], *part["streetAddress"]]
    lines += [f"Box {box}" for box in part["postOfficeBoxNumber"]]
    town = " ".join([*part["postalCode"], *part["addressLocality"]])
    return [*lines, town] if town else lines
