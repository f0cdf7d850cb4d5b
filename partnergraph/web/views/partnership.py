"""The view of a partnership: both parties (with their countries), its type, its
dates, what the sources add in words, and every source with its quotes.

One query for the parties and what the partnership relates to (and one for the
names of what they link to); the partnership's own sources come with it."""

from __future__ import annotations

from typing import Any

from partnergraph.namespaces import DCTERMS, SCHEMA, SKOS
from partnergraph.web.views.data import Row, cited_rows
from partnergraph.web.views.generic import hidden
from partnergraph.web.views.page import Gathered, Page, start

ANCHOR = (
    "?s pg:party ?x",
    "?s dcterms:relation ?x",
)


def gather(page: Page) -> Gathered:
    """The parties, the type, the dates and the rest, each with its sources."""
    facts, show, citations, own = start(page, ANCHOR)
    party = page.ns.term("party")
    stated = cited_rows(facts, page.iri, show, citations, only={party})
    parties: list[dict[str, Any]] = []
    for row in stated:
        for cited in row.values:
            iri = cited.value.iri or ""
            parties.append(
                {
                    "party": cited.value,
                    "sources": cited.sources,
                    "countries": [
                        show.label(c) for c in facts.iris(iri, SCHEMA + "containedInPlace")
                    ],
                }
            )
    first = [
        page.ns.term("partnershipType"),
        SCHEMA + "startDate",
        SCHEMA + "endDate",
        SKOS + "note",
        DCTERMS + "relation",
    ]
    rows: list[Row] = cited_rows(
        facts, page.iri, show, citations, first=first, hide=hidden(page) | {party}
    )
    dated = any(facts.values(page.iri, SCHEMA + d) for d in ("startDate", "endDate"))
    values = {"parties": parties, "rows": rows, "dated": dated}
    return Gathered(values, citations, show, facts, own)
