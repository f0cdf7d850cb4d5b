"""Finding resources by their labels: the search box of the home page.

One query: every resource with a label that contains the search text (case
folded), its labels in the three languages and one of its types, at most
:data:`LIMIT` of them.

Warning:
    The search text comes from a request. It is bound to the query as a literal
    (:attr:`~partnergraph.store.base.QueryRequest.bindings`), never written into
    the query text, and it is cut to :data:`MAX_LENGTH` characters.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from partnergraph.describe import LANGUAGES
from partnergraph.namespaces import RDF, RDFS
from partnergraph.service import QueryService

#: The most results.
LIMIT = 50
#: The longest search text used.
MAX_LENGTH = 100

_SEARCH = (
    "SELECT ?x (MIN(STR(?t)) AS ?type) "
    + " ".join(f"(SAMPLE(?l_{lang}) AS ?label_{lang})" for lang in LANGUAGES)
    + f" WHERE {{ ?x <{RDFS}label> ?hit FILTER (isIRI(?x) && CONTAINS(LCASE(STR(?hit)), ?q)) "
    + f"OPTIONAL {{ ?x <{RDF}type> ?t }} "
    + " ".join(
        f'OPTIONAL {{ ?x <{RDFS}label> ?l_{lang} FILTER (LANG(?l_{lang}) = "{lang}") }}'
        for lang in LANGUAGES
    )
    + f" }} GROUP BY ?x ORDER BY ?x LIMIT {LIMIT}"
)


@dataclass(frozen=True)
class Hit:
    """One resource found.

    Attributes:
        iri: the resource.
        labels: its labels by language.
        type: one of its classes (the first by IRI), or None.
    """

    iri: str
    labels: dict[str, str]
    type: str | None


def search(service: QueryService, text: str) -> list[Hit]:
    """The resources whose label contains ``text`` (lower-cased, as SPARQL's ``LCASE``
    does), at most :data:`LIMIT`.

    Returns:
        The hits, by IRI; none for a text shorter than two characters.
    """
    text = text.strip()[:MAX_LENGTH].lower()
    if len(text) < 2:
        return []
    rows = service.select(_SEARCH, {"q": ox.Literal(text)}, LIMIT).rows
    hits = []
    for row in rows:
        iri, kind = row["x"], row["type"]
        if not isinstance(iri, ox.NamedNode):
            continue
        labels = {
            lang: label.value
            for lang in LANGUAGES
            if isinstance(label := row[f"label_{lang}"], ox.Literal)
        }
        hits.append(Hit(iri.value, labels, kind.value if isinstance(kind, ox.Literal) else None))
    return hits
