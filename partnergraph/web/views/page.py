"""What a view is given (:class:`Page`) and what it gives back (:class:`Gathered`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from partnergraph.describe import Description
from partnergraph.namespaces import Namespaces
from partnergraph.service import QueryService
from partnergraph.settings import Settings
from partnergraph.web.present import Presenter
from partnergraph.web.views import facts as facts_module
from partnergraph.web.views.citations import Citations
from partnergraph.web.views.facts import Facts

#: The anchor pattern every view adds: the source documents of the resource itself.
OWN_SOURCES = "?s dcterms:source ?x"


@dataclass(frozen=True)
class Page:
    """One request for a resource's page.

    Attributes:
        description: the resource's description.
        show: the presenter (the reader's language, the labels known so far).
        service: the query service of the request's snapshot.
        settings: the settings in force (the map's tiles).
    """

    description: Description
    show: Presenter
    service: QueryService
    settings: Settings

    @property
    def iri(self) -> str:
        """The resource."""
        return self.description.iri

    @property
    def ns(self) -> Namespaces:
        """The namespaces of the base IRI."""
        return self.show.ns

    @property
    def language(self) -> str:
        """The reader's language."""
        return self.show.language

    def fetch(self, anchor: Sequence[str]) -> Facts:
        """The description's facts and those of the nodes ``anchor`` binds to ``?x``
        (two queries, the resource bound as ``?s``); see :func:`facts.fetch`.

        ``anchor`` (possibly empty) is extended with :data:`OWN_SOURCES`.
        """
        fetched = facts_module.fetch(
            self.service,
            (*anchor, OWN_SOURCES),
            {"s": ox.NamedNode(self.iri)},
            self.ns,
        )
        return facts_module.of_description(self.description).merge(fetched)

    def presenter(self, facts: Facts) -> Presenter:
        """The presenter that also knows the labels of ``facts``."""
        return self.show.with_labels(facts.labels)


@dataclass
class Gathered:
    """What a view gathered for its template.

    Attributes:
        values: the view's own values (the template's ``view``).
        citations: the sources it cites (the resource's own first).
        show: the presenter that knows every label the view found.
        facts: what it asked.
        own: the numbers of the resource's own sources.
        extra: more values for the frame (scripts a view needs).
    """

    values: dict[str, Any]
    citations: Citations
    show: Presenter
    facts: Facts
    own: list[int] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


def start(page: Page, anchor: Sequence[str]) -> tuple[Facts, Presenter, Citations, list[int]]:
    """The usual start of a view: fetch the facts around the resource, a presenter
    knowing their labels, and citations that have cited the resource itself.

    Returns:
        (facts, presenter, citations, the numbers of the resource's own sources).
    """
    facts = page.fetch(anchor)
    show = page.presenter(facts)
    citations = Citations(facts, show)
    own = citations.cite(page.iri)
    return facts, show, citations, own
