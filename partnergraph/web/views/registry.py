"""The registry of views: which view shows a resource, and with which template.

:data:`VIEWS` is an ordered list of (:class:`Match`, :class:`View`); the first
entry whose match fits the resource's types (every class named) or properties
wins, so the most specific comes first (a municipality is a ``schema:City`` and an
``org:Organization``, before anything that matches either). Nothing fits: the
generic view. Names in a match are compact IRIs with the project's prefixes
(``pg:Partnership``), expanded under the configured base IRI.

A view's template is the first that exists of
``pages/views/{view}-{kind}-{slug}.html`` (one resource's own page, as Datasette
tries ``row-{database}-{table}.html``) and ``pages/views/{view}.html``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

import pyoxigraph as ox

from partnergraph.describe import Description
from partnergraph.documents import document_path
from partnergraph.namespaces import RDF, Namespaces
from partnergraph.web.views.activity import gather as activity_view
from partnergraph.web.views.concept import gather as concept_view
from partnergraph.web.views.contact import gather as contact_view
from partnergraph.web.views.event import gather as event_view
from partnergraph.web.views.generic import gather as generic_view
from partnergraph.web.views.municipality import gather as municipality_view
from partnergraph.web.views.network import gather as network_view
from partnergraph.web.views.page import Gathered, Page
from partnergraph.web.views.partnership import gather as partnership_view
from partnergraph.web.views.source import gather as source_view


@dataclass(frozen=True)
class Match:
    """What picks a view: every class of ``types`` among the resource's types, and
    ``predicate`` (when given) among its properties.

    Attributes:
        types: compact IRIs of classes (``schema:City``).
        predicate: the compact IRI of a property, or None.
    """

    types: frozenset[str] = frozenset()
    predicate: str | None = None

    def fits(self, types: set[str], predicates: set[str], ns: Namespaces) -> bool:
        """Whether a resource with ``types`` and ``predicates`` (full IRIs) fits."""
        if not self.types and self.predicate is None:
            return False
        if self.predicate is not None and expand(self.predicate, ns) not in predicates:
            return False
        return all(expand(t, ns) in types for t in self.types)


def of(*types: str, predicate: str | None = None) -> Match:
    """A match on ``types`` (all of them) and, optionally, a ``predicate``."""
    return Match(frozenset(types), predicate)


def expand(compact: str, ns: Namespaces) -> str:
    """``pg:Partnership`` → the full IRI under ``ns``.

    Raises:
        ValueError: the prefix is not one of the project's.
    """
    prefix, _, local = compact.partition(":")
    namespaces = ns.prefixes()
    if prefix not in namespaces:
        raise ValueError(f"the view registry names {compact!r}: no prefix {prefix!r}")
    return namespaces[prefix] + local


@dataclass(frozen=True)
class View:
    """A kind of page.

    Attributes:
        name: its name (the template ``pages/views/{name}.html``).
        gather: what the page shows, asked of the store: one or two queries.
    """

    name: str
    gather: Callable[[Page], Gathered]


class Registry:
    """Views by match, in order; a fallback for the rest."""

    def __init__(self, entries: Sequence[tuple[Match, View]], fallback: View) -> None:
        self.entries = tuple(entries)
        self.fallback = fallback

    def choose(self, description: Description, ns: Namespaces) -> View:
        """The view of the first entry that fits the described resource."""
        types = {t.value for t in description.values(RDF + "type") if isinstance(t, ox.NamedNode)}
        predicates = {q.predicate.value for q in description.quads}
        for match, view in self.entries:
            if match.fits(types, predicates, ns):
                return view
        return self.fallback

    def templates(self, view: View, iri: str, ns: Namespaces) -> list[str]:
        """The template candidates of ``view`` for the resource ``iri``, first first."""
        general = f"pages/views/{view.name}.html"
        path = document_path(iri, ns)
        if path is None:
            return [general]
        specific = "-".join(path.removeprefix("doc/").split("/"))
        return [f"pages/views/{view.name}-{specific}.html", general]


MUNICIPALITY: Final = View("municipality", municipality_view)
PARTNERSHIP: Final = View("partnership", partnership_view)
NETWORK: Final = View("network", network_view)
SOURCE: Final = View("source", source_view)
ACTIVITY: Final = View("activity", activity_view)
EVENT: Final = View("event", event_view)
CONTACT: Final = View("contact", contact_view)
CONCEPT: Final = View("concept", concept_view)
GENERIC: Final = View("generic", generic_view)

#: The built-in views, most specific first.
VIEWS: Final = Registry(
    (
        (of("schema:City", "org:Organization"), MUNICIPALITY),
        (of("pg:Partnership"), PARTNERSHIP),
        (of("pg:Network"), NETWORK),
        (of("pg:SourceDocument"), SOURCE),
        (of("pg:Programme"), ACTIVITY),
        (of("schema:Project"), ACTIVITY),
        (of("schema:Event"), EVENT),
        (of("schema:EventSeries"), EVENT),
        (of("schema:ContactPoint"), CONTACT),
        (of("org:Post"), CONTACT),
        (of(predicate="org:postIn"), CONTACT),
        (of("skos:ConceptScheme"), CONCEPT),
        (of("skos:Concept"), CONCEPT),
        (of(predicate="skos:inScheme"), CONCEPT),
    ),
    GENERIC,
)
