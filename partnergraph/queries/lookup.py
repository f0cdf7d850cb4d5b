"""The graph lookups that checking a parameter's value needs, through the query service.

Every lookup is a fixed query whose values are bound as RDF terms
(:attr:`~partnergraph.store.base.QueryRequest.bindings`) and run by the
:class:`~partnergraph.service.QueryService`, so the endpoint's time limit,
row cap and worker processes apply to them as to every other query.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from typing import Final

import pyoxigraph as ox

from partnergraph.namespaces import RDF, SKOS
from partnergraph.service import QueryService
from partnergraph.store.base import Term

_IS_INSTANCE: Final = f"ASK {{ ?value <{RDF}type> ?class }}"
_INSTANCES: Final = f"SELECT DISTINCT ?resource WHERE {{ ?resource <{RDF}type> ?class }}"
_CONCEPTS: Final = f"SELECT DISTINCT ?concept WHERE {{ ?concept <{SKOS}inScheme> ?scheme }}"


class ServiceLookup:
    """:class:`~partnergraph.queries.binding.GraphLookup` over a query service.

    The concepts of a scheme are asked once and remembered (an app serves one
    build of the graph); the other lookups are asked each time.

    Args:
        service: the app's query service.
    """

    def __init__(self, service: QueryService) -> None:
        self.service = service
        self._concepts: dict[str, tuple[str, ...]] = {}
        self._lock = threading.Lock()

    def is_instance(self, iri: str, cls: str) -> bool:
        """Whether ``iri`` has ``rdf:type`` ``cls`` in the graph."""
        return self.service.ask(
            _IS_INSTANCE, {"value": ox.NamedNode(iri), "class": ox.NamedNode(cls)}
        )

    def instances(self, cls: str) -> Sequence[str] | None:
        """The IRIs of the instances of ``cls``; None when there are more than the row cap."""
        found, complete = self._iris(_INSTANCES, "resource", {"class": ox.NamedNode(cls)})
        return found if complete else None

    def concepts(self, scheme: str) -> Sequence[str]:
        """The IRIs of the concepts ``skos:inScheme`` ``scheme``, sorted."""
        with self._lock:
            known = self._concepts.get(scheme)
        if known is None:
            known, _ = self._iris(_CONCEPTS, "concept", {"scheme": ox.NamedNode(scheme)})
            with self._lock:
                self._concepts[scheme] = known
        return known

    def _iris(
        self, query: str, column: str, bindings: Mapping[str, Term]
    ) -> tuple[tuple[str, ...], bool]:
        """The IRIs in ``column`` of the answer, sorted, and whether the row cap left it whole."""
        answer = self.service.select(query, bindings)
        found = {row[column].value for row in answer.rows if isinstance(row[column], ox.NamedNode)}
        return tuple(sorted(found)), not answer.truncated
