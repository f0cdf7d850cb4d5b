"""Writing triples in code: a pyoxigraph triple from terms and a predicate IRI."""

from __future__ import annotations

import pyoxigraph as ox


def triple(
    subject: ox.NamedNode | ox.BlankNode,
    predicate: str,
    obj: ox.NamedNode | ox.BlankNode | ox.Literal,
) -> ox.Triple:
    """The triple ``subject predicate obj``, the predicate given as an IRI string."""
    return ox.Triple(subject, ox.NamedNode(predicate), obj)
