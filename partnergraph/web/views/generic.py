"""The generic view: a resource no other view fits (a country, an organisation, a
figure, a participation, a term of the vocabulary): its statements property by
property, each with its sources, and the links to it."""

from __future__ import annotations

from partnergraph.namespaces import DCTERMS, RDF, RDFS, SCHEMA, SKOS
from partnergraph.web.views.data import cited_rows
from partnergraph.web.views.page import Gathered, Page, start

#: Shown in the header or the sources, not among the statements.
HEADER = frozenset(
    {RDF + "type", RDFS + "label", SKOS + "altLabel", SCHEMA + "description", DCTERMS + "source"}
)


def hidden(page: Page) -> frozenset[str]:
    """The properties the header and the sources show (the quote among them)."""
    return HEADER | {page.ns.term("quote")}


def gather(page: Page) -> Gathered:
    """The resource's statements with their sources (the frame adds the links to it)."""
    facts, show, citations, own = start(page, ())
    rows = cited_rows(facts, page.iri, show, citations, hide=hidden(page))
    return Gathered({"rows": rows, "incoming_visible": True}, citations, show, facts, own)
