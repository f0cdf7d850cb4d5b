"""The counts of a dataset that the service description and VoID publish.

Counted once, when a snapshot is made, and kept in its ``snapshot.json``, so a
server process never needs a store of its own to say them.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

_UNION_COUNT = (
    "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { "
    "{ ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } } }"
)
_GRAPH_COUNTS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


@dataclass(frozen=True)
class DatasetStats:
    """The counts the service description publishes.

    Attributes:
        triples: distinct triples in the default graph (the union of all graphs).
        graphs: (graph IRI, triples) for each named graph, sorted by IRI.
    """

    triples: int
    graphs: tuple[tuple[str, int], ...]

    @classmethod
    def of(cls, store: ox.Store) -> DatasetStats:
        """Count the triples of ``store``, overall and per named graph."""
        union = store.query(_UNION_COUNT)
        graphs = store.query(_GRAPH_COUNTS)
        if not isinstance(union, ox.QuerySolutions) or not isinstance(graphs, ox.QuerySolutions):
            raise TypeError("a SELECT query did not return solutions")
        total = next(iter(union))["n"]
        per_graph = sorted(
            (row["g"].value, int(row["n"].value))
            for row in graphs
            if isinstance(row["g"], ox.NamedNode) and isinstance(row["n"], ox.Literal)
        )
        return cls(int(total.value) if isinstance(total, ox.Literal) else 0, tuple(per_graph))
