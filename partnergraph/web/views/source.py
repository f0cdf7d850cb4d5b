"""The view of a source document (``pg:SourceDocument``): where to read it (its web
address, or that none is known), who published it, in which language, when it was
published and read, and what it states: the resources described in its graph,
grouped by kind.

One query lists the resources whose ``dcterms:source`` it is, with their types and
labels; the source's own statements come with its description.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pyoxigraph as ox

from partnergraph.describe import add_labels
from partnergraph.namespaces import DCTERMS, SCHEMA
from partnergraph.web.views.citations import RETRIEVED
from partnergraph.web.views.data import cited_rows, ordered
from partnergraph.web.views.facts import LIMIT
from partnergraph.web.views.generic import hidden
from partnergraph.web.views.page import Gathered, Page, start

STATED = """SELECT DISTINCT ?x ?type ?label WHERE {
  GRAPH ?g { ?x <http://purl.org/dc/terms/source> ?s }
  OPTIONAL { ?x a ?type }
  OPTIONAL { ?x <http://www.w3.org/2000/01/rdf-schema#label> ?label }
}"""

#: What the source's card shows first, in this order.
FIRST = (
    DCTERMS + "title",
    DCTERMS + "publisher",
    DCTERMS + "language",
    DCTERMS + "issued",
    DCTERMS + "date",
)


def gather(page: Page) -> Gathered:
    """The source's address, publisher, language, dates and what it states."""
    facts, show, citations, own = start(page, ())
    pg = page.ns.term
    url = next(
        (
            v.value
            for v in facts.values(page.iri, SCHEMA + "url")
            if v.value.startswith(("https://", "http://"))
        ),
        None,
    )
    rows = cited_rows(
        facts, page.iri, show, citations, first=(*FIRST, pg(RETRIEVED)),
        hide=hidden(page) | {SCHEMA + "url"},
    )  # fmt: skip
    answer = page.service.select(STATED, {"s": ox.NamedNode(page.iri)}, LIMIT)
    types: dict[str, set[str]] = defaultdict(set)
    labels: dict[str, dict[str, str]] = {}
    for row in answer.rows:
        node, kind = row["x"], row["type"]
        if not isinstance(node, ox.NamedNode) or node.value == page.iri:
            continue
        types[node.value].update([kind.value] if isinstance(kind, ox.NamedNode) else [])
        add_labels(labels, [(node, row["label"])])
    named = show.with_labels(labels)
    groups: dict[tuple[str, ...], list[Any]] = defaultdict(list)
    for node, kinds in types.items():
        key = tuple(sorted(named.label(k).text for k in kinds))
        groups[key].append(named.label(node))
    values: dict[str, Any] = {
        "url": url,
        "rows": rows,
        "states": sorted(
            ((", ".join(key), ordered(nodes)) for key, nodes in groups.items()),
            key=lambda group: group[0].casefold(),
        ),
        "stated_count": len(types),
        "stated_cut": answer.truncated,
    }
    return Gathered(values, citations, named, facts, own)
