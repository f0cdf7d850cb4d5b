"""Writing a validation report for people (text) and for programs (JSON, Turtle).

The Turtle form is a standard SHACL validation report
(https://www.w3.org/TR/shacl/#validation-report); each result also carries an
``rdfs:comment`` naming the file and line where its focus node is written.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from itertools import groupby

from rdflib import RDF, RDFS, SH, BNode, Graph, Literal, URIRef
from rdflib.namespace import NamespaceManager

from partnergraph.namespaces import Namespaces
from partnergraph.validation.validate import LocatedFinding, Report

FORMATS = ("text", "json", "turtle")


def render(report: Report, fmt: str, ns: Namespaces) -> str:
    """The report in ``fmt`` (``text``, ``json`` or ``turtle``)."""
    renderers: dict[str, Callable[[Report, Namespaces], str]] = {
        "text": render_text,
        "json": render_json,
        "turtle": render_turtle,
    }
    return renderers[fmt](report, ns)


def _shortener(ns: Namespaces) -> Callable[[str | None], str]:
    prefixes = sorted(ns.prefixes().items(), key=lambda kv: -len(kv[1]))
    shapes_ns = ns.base + "shapes/"

    def short(term: str | None) -> str:
        if term is None:
            return ""
        if term.startswith('"'):
            text, marker, datatype = term.rpartition("^^")
            return f"{text}^^{short(datatype)}" if marker else term
        inverse = term.startswith("^")
        iri = term[1:] if inverse else term
        if iri.startswith("<") and iri.endswith(">"):
            iri = iri[1:-1]
        for prefix, namespace in [("pgsh", shapes_ns), *prefixes]:
            if iri.startswith(namespace) and "/" not in iri[len(namespace) :]:
                return ("^" if inverse else "") + f"{prefix}:{iri[len(namespace) :]}"
        if iri.startswith(ns.base):
            return ("^" if inverse else "") + "<" + iri[len(ns.base) :] + ">"
        return term

    return short


def render_text(report: Report, ns: Namespaces) -> str:
    """Results grouped by file and node, each naming the rule, the value and the line."""
    short = _shortener(ns)
    counts = report.counts()
    lines: list[str] = []

    def by_file(item: LocatedFinding) -> str:
        return str(item.location.path) if item.location else "(not written in any file)"

    for file, in_file in groupby(report.findings, key=by_file):
        lines.append(file)
        for focus, items in groupby(in_file, key=lambda i: (i.finding.focus, i.location)):
            node, where = focus
            line = f"line {where.line}" if where else "derived"
            lines.append(f"  {short(node)}  ({line})")
            for item in items:
                f = item.finding
                detail = f"    {f.severity}: {f.message}"
                extras = [f"rule {short(f.shape)} {_constraint(f.component)}"]
                if f.path:
                    extras.append(f"path {short(f.path)}")
                if f.value is not None:
                    extras.append(f"value {short(f.value)}")
                lines.append(detail + " [" + "; ".join(extras) + "]")
                for other in item.also:
                    lines.append(f"      (node also written at {other})")
        lines.append("")
    one = len(report.files) == 1
    files = f"{len(report.files)} file" + ("" if one else "s")
    if report.conforms:
        verdict = "conforms" if one else "conform"
    else:
        verdict = "does NOT conform" if one else "do NOT conform"
    if report.context:
        lines.append(
            f"checked with the {len(report.context)} other files of "
            f"{os.path.commonpath([p.parent for p in report.context])} as context; "
            f"{report.hidden} findings about them not shown"
        )
    lines.append(
        f"{files} {verdict}: {counts['Violation']} violations, "
        f"{counts['Warning']} warnings, {counts['Info']} infos ({report.engine})"
    )
    return "\n".join(lines) + "\n"


def _constraint(component: str) -> str:
    """``sh:MinCountConstraintComponent`` as ``sh:minCount``."""
    name = component.rsplit("#", 1)[-1].removesuffix("ConstraintComponent")
    return "sh:" + (name if name.isupper() else name[:1].lower() + name[1:])


def render_json(report: Report, ns: Namespaces) -> str:
    """The report as one JSON document."""
    del ns
    results = [
        {
            "severity": i.finding.severity,
            "file": str(i.location.path) if i.location else None,
            "line": i.location.line if i.location else None,
            "focus": i.finding.focus,
            "path": i.finding.path,
            "value": i.finding.value,
            "message": i.finding.message,
            "shape": i.finding.shape,
            "component": i.finding.component,
        }
        for i in report.findings
    ]
    body = {
        "conforms": report.conforms,
        "counts": report.counts(),
        "engine": report.engine,
        "files": [str(p) for p in report.files],
        "context": [str(p) for p in report.context],
        "hidden": report.hidden,
        "results": results,
    }
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


def render_turtle(report: Report, ns: Namespaces) -> str:
    """The report as a standard SHACL validation report graph in Turtle."""
    graph = Graph(namespace_manager=NamespaceManager(Graph(), bind_namespaces="none"))
    for prefix, namespace in ns.prefixes().items():
        graph.bind(prefix, namespace)
    graph.bind("sh", str(SH))
    node = BNode()
    graph.add((node, RDF.type, SH.ValidationReport))
    graph.add((node, SH.conforms, Literal(report.conforms)))
    for item in report.findings:
        f = item.finding
        result = BNode()
        graph.add((node, SH.result, result))
        graph.add((result, RDF.type, SH.ValidationResult))
        graph.add((result, SH.resultSeverity, SH[f.severity]))
        graph.add((result, SH.focusNode, _term(f.focus)))
        graph.add((result, SH.sourceConstraintComponent, URIRef(f.component)))
        if f.shape:
            graph.add((result, SH.sourceShape, URIRef(f.shape)))
        graph.add((result, SH.resultMessage, Literal(f.message)))
        if f.path:
            if f.path.startswith("^"):
                path = BNode()
                graph.add((path, SH.inversePath, URIRef(f.path[2:-1])))
                graph.add((result, SH.resultPath, path))
            else:
                graph.add((result, SH.resultPath, URIRef(f.path[1:-1])))
        if f.value is not None:
            graph.add((result, SH.value, _term(f.value)))
        if item.location:
            graph.add((result, RDFS.comment, Literal(f"written at {item.location}")))
    return graph.serialize(format="turtle")


def _term(text: str) -> URIRef | BNode | Literal:
    from rdflib.util import from_n3

    term = from_n3(text)
    if isinstance(term, URIRef | BNode | Literal):
        return term
    raise ValueError(f"not an N-Triples term: {text}")
