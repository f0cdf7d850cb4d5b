"""The view of a contact point or a post (``schema:ContactPoint``, ``org:Post``):
whose it is, how to reach it (e-mail, telephone, web address as links), the kind
of contact, and who holds a post.

One query asks the statements of the organisations it belongs to, the holders and
the sources; one the names of what they link to.
"""

from __future__ import annotations

from typing import Any

from partnergraph.namespaces import ORG, SCHEMA, SKOS
from partnergraph.web.views.data import cited_rows
from partnergraph.web.views.generic import hidden
from partnergraph.web.views.page import Gathered, Page, start
from partnergraph.web.views.relations import contact_point

ANCHOR = (
    "?x schema:contactPoint ?s",
    "?x org:holds ?s",
    "?s org:postIn ?x",
)


def gather(page: Page) -> Gathered:
    """Whose contact it is, the ways to reach it, and the rest of its statements."""
    facts, show, citations, own = start(page, ANCHOR)
    owners = facts.subjects(SCHEMA + "contactPoint", page.iri)
    point = contact_point(facts, show, citations, page.iri, owners[0] if owners else None)
    holders = sorted(
        str(name.value)
        for holder in facts.subjects(ORG + "holds", page.iri)
        for name in facts.values(holder, SCHEMA + "name")
    )
    reach = {SCHEMA + p for p in ("email", "telephone", "url", "contactType")}
    rows = cited_rows(
        facts, page.iri, show, citations, first=(ORG + "postIn", SKOS + "altLabel"),
        hide=(hidden(page) - {SKOS + "altLabel"}) | reach,
    )  # fmt: skip
    values: dict[str, Any] = {
        "point": point,
        "owners": [show.label(o) for o in owners],
        "holders": holders,
        "rows": rows,
    }
    return Gathered(values, citations, show, facts, own)
