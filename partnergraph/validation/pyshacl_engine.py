"""The reference SHACL engine: pySHACL (https://www.w3.org/TR/shacl/).

Runs pySHACL once over the union of the data's named graphs and turns its report
graph into :class:`Finding` records.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import pyshacl
from rdflib import RDF, SH, BNode, Graph, URIRef
from rdflib.term import Node

from partnergraph.validation.findings import Finding, term_nt

#: IRI schemes pySHACL 0.40 takes as IRIs in ``focus_nodes`` (others it reads as CURIEs).
FOCUS_SCHEMES = ("http:", "https:", "urn:", "file:")


def validate_with_pyshacl(
    data: Any, shapes: Graph, focus: Collection[str] | None = None
) -> list[Finding]:
    """Validate with pySHACL.

    Args:
        data: an rdflib ``Graph`` holding the union of every named graph, or a
            pyoxigraph ``Store`` (pySHACL 0.40 reads one directly).
        shapes: the shapes graph.
        focus: when given, validate only these nodes (IRIs in N-Triples syntax,
            ``<iri>``, as :attr:`Finding.focus` writes them): pySHACL's
            ``focus_nodes`` keeps, of each shape's target nodes, those listed (when
            an IRI has a scheme pySHACL would read as a CURIE prefix, every node is
            validated and the findings are filtered instead).

    Returns:
        Every validation result (about ``focus``, when given), sorted.

    Raises:
        ValueError: a focus node that is not an IRI in N-Triples syntax.
    """
    nodes: list[str | URIRef] | None = None if focus is None else [_iri(node) for node in focus]
    if nodes is not None and not nodes:
        return []  # pySHACL reads an empty focus_nodes as "every node"
    restrict = nodes is not None and all(n.lower().startswith(FOCUS_SCHEMES) for n in nodes)
    _conforms, report, _text = pyshacl.validate(
        data,
        shacl_graph=shapes,
        inference="none",
        abort_on_first=False,
        allow_warnings=True,
        allow_infos=True,
        focus_nodes=nodes if restrict else None,
    )
    findings = findings_from_report(report, shapes)
    if nodes is None:
        return findings
    wanted = {term_nt(node) for node in nodes}
    return [f for f in findings if f.focus in wanted]


def _iri(node: str) -> URIRef:
    if not (node.startswith("<") and node.endswith(">")):
        raise ValueError(f"a focus node to validate must be an IRI written <...>, not {node!r}")
    return URIRef(node[1:-1])


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
