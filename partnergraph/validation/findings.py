"""One validation result, in a form both SHACL engines produce and tests compare.

Terms are written in N-Triples syntax (``<iri>``, ``"lit"@en``, ``"1"^^<xsd:int>``)
so that results from pySHACL (rdflib terms) and from the compiled SPARQL engine
(pyoxigraph terms) compare as plain strings.
"""

from __future__ import annotations

from dataclasses import dataclass

from partnergraph.terms import nt

SEVERITIES = ("Violation", "Warning", "Info")


@dataclass(frozen=True)
class Finding:
    """One SHACL validation result.

    Attributes:
        severity: ``Violation``, ``Warning`` or ``Info`` (the local name of sh:severity).
        focus: the focus node, N-Triples.
        path: the result path in SPARQL property-path syntax (``<p>``, ``^<p>``), or
            None for node-level results.
        value: the value node, N-Triples, or None.
        component: the IRI of the constraint component (sh:sourceConstraintComponent).
        shape: the IRI of the nearest named shape the result comes from (the node
            shape that holds a blank-node property shape).
        message: the message, with SPARQL-constraint template variables filled in.
    """

    severity: str
    focus: str
    path: str | None
    value: str | None
    component: str
    shape: str
    message: str

    def key(self) -> tuple[str, str, str, str, str, str]:
        """What two engines must agree on (the shape is left out: it is informative).

        Also the sort key: a missing path or value sorts as the empty string.
        """
        return (
            self.severity,
            self.focus,
            self.path or "",
            self.value or "",
            self.component,
            self.message,
        )


#: Terms in N-Triples syntax, the same for rdflib and pyoxigraph terms.
term_nt = nt
