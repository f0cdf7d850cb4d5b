"""The view of a SKOS concept or concept scheme: its names in English, Swedish and
Finnish, its definition, its scheme (or, for a scheme, its concepts), and what
uses it (the resources that link to it).

One query asks the statements of its scheme or its concepts; one the names of
what they link to. What links to it comes with the description (a page of it).
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from partnergraph.describe import LANGUAGES
from partnergraph.namespaces import RDFS, SKOS
from partnergraph.web.present import Presenter, Value
from partnergraph.web.views.data import incoming, ordered
from partnergraph.web.views.facts import Facts
from partnergraph.web.views.page import Gathered, Page, start

ANCHOR = (
    "?s skos:inScheme|skos:topConceptOf|skos:broader|skos:narrower|skos:hasTopConcept ?x",
    "?x skos:inScheme ?s",
)


#: Links between concepts and schemes: shown as the scheme, not as uses.
STRUCTURE = frozenset(
    SKOS + p for p in ("inScheme", "hasTopConcept", "topConceptOf", "broader", "narrower")
)


def gather(page: Page) -> Gathered:
    """The names by language, the definition, the scheme or the concepts, the uses."""
    facts, show, citations, own = start(page, ANCHOR)
    iri = page.iri
    schemes = sorted({s for p in ("inScheme", "topConceptOf") for s in facts.iris(iri, SKOS + p)})
    concepts = sorted(
        {c for c in facts.subjects(SKOS + "inScheme", iri)}
        | set(facts.iris(iri, SKOS + "hasTopConcept"))
    )
    values: dict[str, Any] = {
        "names": names(facts, iri),
        "definition": definition(facts, iri, show),
        "schemes": [show.label(s) for s in schemes],
        "concepts": sorted(
            (
                {"concept": show.label(c), "definition": definition(facts, c, show)}
                for c in concepts
            ),
            key=lambda c: c["concept"].text.casefold(),
        ),
        "broader": ordered(show.label(b) for b in facts.iris(iri, SKOS + "broader")),
        "narrower": ordered(show.label(n) for n in facts.iris(iri, SKOS + "narrower")),
        "uses": [
            row for row in incoming(page.description, show) if row.property.iri not in STRUCTURE
        ],
    }
    return Gathered(values, citations, show, facts, own)


def names(facts: Facts, iri: str) -> list[dict[str, Any]]:
    """The preferred name (or label) and other names of ``iri`` in each language."""
    found = []
    for language in LANGUAGES:

        def texts(predicate: str, lang: str = language) -> list[str]:
            return sorted(
                v.value
                for v in facts.values(iri, predicate)
                if isinstance(v, ox.Literal) and v.language == lang
            )

        preferred = texts(SKOS + "prefLabel") or texts(RDFS + "label")
        found.append(
            {"language": language, "preferred": preferred, "other": texts(SKOS + "altLabel")}
        )
    return found


def definition(facts: Facts, iri: str, show: Presenter) -> Value | None:
    """The definition (or comment) of ``iri`` in the reader's language, else English,
    else any; marked with its language."""
    for predicate in (SKOS + "definition", RDFS + "comment"):
        literals = [v for v in facts.values(iri, predicate) if isinstance(v, ox.Literal)]
        for language in (show.language, "en", *LANGUAGES):
            for literal in literals:
                if literal.language == language:
                    return Value(literal.value, lang=language)
        if literals:
            return show.term(literals[0])
    return None
