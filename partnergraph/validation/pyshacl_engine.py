"""The reference SHACL engine: pySHACL (https://www.w3.org/TR/shacl/).

Runs pySHACL once over the union of the data's named graphs and turns its report
graph into :class:`Finding` records.
"""

from __future__ import annotations

from typing import Any

import pyshacl
from rdflib import RDF, SH, BNode, Graph, URIRef
from rdflib.term import Node

from partnergraph.validation.findings import Finding, term_nt


def validate_with_pyshacl(data: Any, shapes: Graph) -> list[Finding]:
    """Validate with pySHACL.

    Args:
        data: an rdflib ``Graph`` holding the union of every named graph, or a
            pyoxigraph ``Store`` (pySHACL 0.40 reads one directly).
        shapes: the shapes graph.

    Returns:
        Every validation result, sorted.
    """
    _conforms, report, _text = pyshacl.validate(
        data,
        shacl_graph=shapes,
        inference="none",
        abort_on_first=False,
        allow_warnings=True,
        allow_infos=True,
    )
    return findings_from_report(report, shapes)


def findings_from_report(report: Graph, shapes: Graph) -> list[Finding]:
    """Turn a SHACL validation report graph into findings.

    Args:
        report: a graph with ``sh:ValidationResult`` nodes.
        shapes: the shapes graph the results point into.

    Returns:
        The findings, sorted.
    """
    findings = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        severity = report.value(result, SH.resultSeverity)
        focus = report.value(result, SH.focusNode)
        value = report.value(result, SH.value)
        component = report.value(result, SH.sourceConstraintComponent)
        shape = report.value(result, SH.sourceShape)
        path = report.value(result, SH.resultPath)
        messages = sorted(str(m) for m in report.objects(result, SH.resultMessage))
        findings.append(
            Finding(
                severity=str(severity).rsplit("#", 1)[-1],
                focus=term_nt(focus),
                path=path_sparql(report, path),
                value=None if value is None else term_nt(value),
                component=str(component),
                shape=named_shape(shapes, shape),
                message=messages[0] if messages else "",
            )
        )
    return sorted(findings, key=Finding.key)


def path_sparql(graph: Graph, path: Node | None) -> str | None:
    """A SHACL path node as SPARQL property-path text (the subset the shapes use)."""
    if path is None:
        return None
    if isinstance(path, URIRef):
        return f"<{path}>"
    inverse = graph.value(path, SH.inversePath)
    if isinstance(inverse, URIRef):
        return f"^<{inverse}>"
    return term_nt(path)


def named_shape(shapes: Graph, shape: Node | None) -> str:
    """The IRI of ``shape``, or of the named shape that holds it as a property shape."""
    seen: set[Node] = set()
    while isinstance(shape, BNode) and shape not in seen:
        seen.add(shape)
        shape = shapes.value(None, SH.property, shape) or shapes.value(None, SH.sparql, shape)
    return "" if shape is None else str(shape)
