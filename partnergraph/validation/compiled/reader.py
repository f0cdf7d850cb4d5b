"""Reading a SHACL shapes graph into the records of :mod:`.model`.

SHACL: https://www.w3.org/TR/shacl/. Reads the subset of SHACL Core and SHACL-SPARQL
the project's shapes use, and refuses anything else with :class:`UnsupportedShapes`
(the caller then falls back to pySHACL). Shapes are found the way pySHACL 0.40
finds them, and where the spec leaves room this follows pySHACL, the reference.
"""

from __future__ import annotations

from collections.abc import Iterator

from rdflib import RDF, RDFS, SH, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from partnergraph.validation.compiled.model import (
    Path,
    ShapeSpec,
    UnsupportedShapes,
    ValueRule,
)
from partnergraph.validation.compiled.sparql_text import read_sparql_constraint

XSD_INTEGER = URIRef("http://www.w3.org/2001/XMLSchema#integer")
SEVERITIES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
NODE_KINDS = {
    SH.IRI,
    SH.BlankNode,
    SH.Literal,
    SH.BlankNodeOrIRI,
    SH.BlankNodeOrLiteral,
    SH.IRIOrLiteral,
}
#: Core parameters that make a result, and so need a sh:message (pySHACL would
#: otherwise write its own message, which the compiled engine does not reproduce).
CORE_PARAMETERS = {
    SH.minCount,
    SH.maxCount,
    SH.datatype,
    SH["class"],
    SH.nodeKind,
    SH["in"],
    SH.hasValue,
    SH.pattern,
    SH.minInclusive,
    SH.maxInclusive,
    SH.minExclusive,
    SH.maxExclusive,
    SH.uniqueLang,
    SH.languageIn,
}
#: Predicates in the sh: namespace that may sit on a shape; anything else is refused.
ALLOWED = CORE_PARAMETERS | {
    SH.targetClass,
    SH.property,
    SH.path,
    SH.flags,
    SH.sparql,
    SH.message,
    SH.severity,
    SH.deactivated,
    SH.name,
    SH.description,
    SH.order,
    SH.group,
    SH.defaultValue,
}
#: Shape-level features that exist anywhere in the graph and are refused outright.
REFUSED_PREDICATES = {
    SH.targetNode: "sh:targetNode",
    SH.targetSubjectsOf: "sh:targetSubjectsOf",
    SH.targetObjectsOf: "sh:targetObjectsOf",
    SH.target: "sh:target (SHACL-AF custom target)",
    SH.node: "sh:node",
    SH["not"]: "sh:not",
    SH["and"]: "sh:and",
    SH["or"]: "sh:or",
    SH.xone: "sh:xone",
    SH.qualifiedValueShape: "sh:qualifiedValueShape",
    SH.parameter: "a custom constraint component (sh:parameter)",
    SH.rule: "SHACL-AF rules (sh:rule)",
}
RANGE_COMPONENTS = {
    SH.minInclusive: (SH.MinInclusiveConstraintComponent, ">="),
    SH.maxInclusive: (SH.MaxInclusiveConstraintComponent, "<="),
    SH.minExclusive: (SH.MinExclusiveConstraintComponent, ">"),
    SH.maxExclusive: (SH.MaxExclusiveConstraintComponent, "<"),
}


def read_shapes(graph: Graph) -> list[ShapeSpec]:
    """Read every shape of ``graph`` that is in the supported subset.

    Args:
        graph: the shapes graph.

    Returns:
        The shapes that have targets (each holding its property shapes), and the
        property shapes that have targets of their own.

    Raises:
        UnsupportedShapes: a feature outside the subset, naming the shape and feature.
    """
    for predicate, feature in REFUSED_PREDICATES.items():
        for subject in graph.subjects(predicate, None):
            raise UnsupportedShapes(subject, feature)
    for component in graph.subjects(RDF.type, SH.ConstraintComponent):
        raise UnsupportedShapes(component, "a custom constraint component")
    node_nodes, property_nodes = _shape_nodes(graph)
    cache: dict[Node, ShapeSpec] = {}
    for node in sorted(node_nodes | property_nodes, key=str):
        cache[node] = _read_shape(graph, node, node in property_nodes)
    for node in node_nodes:
        spec = cache[node]
        for child in graph.objects(node, SH.property):
            child_spec = cache.get(child)
            if child_spec is None or child_spec.path is None:
                raise UnsupportedShapes(node, f"sh:property {child} is not a property shape")
            spec.properties.append(child_spec)
    for node in property_nodes:
        if (node, SH.property, None) in graph:
            raise UnsupportedShapes(node, "sh:property on a property shape")
    return [cache[n] for n in sorted(cache, key=str) if cache[n].targets]


def _shape_nodes(graph: Graph) -> tuple[set[Node], set[Node]]:
    """Node shapes and property shapes, found the way pySHACL finds them."""
    typed_nodes = set(graph.subjects(RDF.type, SH.NodeShape))
    typed_properties = set(graph.subjects(RDF.type, SH.PropertyShape))
    for node in typed_nodes:
        if (node, SH.path, None) in graph:
            raise UnsupportedShapes(node, "a sh:NodeShape with sh:path")
        if node in typed_properties:
            raise UnsupportedShapes(node, "typed both sh:NodeShape and sh:PropertyShape")
    implied = set(graph.subjects(SH.targetClass, None)) | set(graph.subjects(SH.property, None))
    implied |= set(graph.objects(None, SH.property))
    nodes, properties = set(typed_nodes), set(typed_properties)
    for node in implied - typed_nodes - typed_properties:
        (properties if (node, SH.path, None) in graph else nodes).add(node)
    class_types = set(graph.subjects(RDFS.subClassOf, RDFS.Class)) | {RDFS.Class}
    for node in nodes:
        if any(t in class_types for t in graph.objects(node, RDF.type)):
            raise UnsupportedShapes(node, "an implicit class target (shape is also a class)")
    return nodes, properties


def _read_shape(graph: Graph, node: Node, is_property: bool) -> ShapeSpec:
    predicates = set(graph.predicates(node, None))
    for predicate in predicates:
        if str(predicate).startswith(str(SH)) and predicate not in ALLOWED:
            raise UnsupportedShapes(node, f"{_curie(predicate)} is not supported")
    path = _read_path(graph, node) if is_property else None
    messages = tuple(sorted(str(m) for m in graph.objects(node, SH.message)))
    if predicates & CORE_PARAMETERS and not messages:
        raise UnsupportedShapes(node, "a constraint without sh:message")
    if not is_property:
        for predicate in (SH.minCount, SH.maxCount, SH.uniqueLang):
            if predicate in predicates:
                raise UnsupportedShapes(node, f"{_curie(predicate)} on a node shape")
    targets = []
    for target in graph.objects(node, SH.targetClass):
        if not isinstance(target, URIRef):
            raise UnsupportedShapes(node, "a sh:targetClass that is not an IRI")
        targets.append(str(target))
    spec = ShapeSpec(
        node=node,
        name=_named_shape(graph, node),
        path=path,
        severity=_severity(graph, node),
        messages=messages,
        deactivated=_deactivated(graph, node),
        targets=tuple(sorted(targets)),
        min_count=_count(graph, node, SH.minCount),
        max_count=_count(graph, node, SH.maxCount),
        has_values=tuple(graph.objects(node, SH.hasValue)),
        unique_lang=_unique_lang(graph, node),
        rules=tuple(_value_rules(graph, node)),
        sparql=tuple(
            read_sparql_constraint(graph, node, c, path.sparql() if path else None)
            for c in sorted(graph.objects(node, SH.sparql), key=str)
        ),
    )
    if spec.min_count == 0:
        spec.min_count = None
    for value in spec.has_values:
        if isinstance(value, BNode):
            raise UnsupportedShapes(node, "a blank node as sh:hasValue")
    return spec


def _curie(iri: Node) -> str:
    text = str(iri)
    return "sh:" + text[len(str(SH)) :] if text.startswith(str(SH)) else text


def _one(graph: Graph, node: Node, predicate: URIRef) -> Node | None:
    values = list(graph.objects(node, predicate))
    if len(values) > 1:
        raise UnsupportedShapes(node, f"more than one {_curie(predicate)}")
    return values[0] if values else None


def _read_path(graph: Graph, node: Node) -> Path:
    path = _one(graph, node, SH.path)
    if isinstance(path, URIRef):
        return Path(str(path))
    if isinstance(path, BNode):
        inverse = list(graph.objects(path, SH.inversePath))
        others = set(graph.predicates(path, None)) - {SH.inversePath}
        if len(inverse) == 1 and isinstance(inverse[0], URIRef) and not others:
            return Path(str(inverse[0]), inverse=True)
    raise UnsupportedShapes(node, "a sh:path other than an IRI or sh:inversePath of an IRI")


def _named_shape(graph: Graph, node: Node) -> str:
    seen: set[Node] = set()
    current: Node | None = node
    while isinstance(current, BNode) and current not in seen:
        seen.add(current)
        current = graph.value(None, SH.property, current)
    return "" if current is None else str(current)


def _severity(graph: Graph, node: Node) -> str:
    severity = _one(graph, node, SH.severity)
    if severity is None:
        return "Violation"
    if severity not in SEVERITIES:
        raise UnsupportedShapes(node, f"sh:severity {severity}")
    return SEVERITIES[severity]  # type: ignore[index]


def _deactivated(graph: Graph, node: Node) -> bool:
    value = _one(graph, node, SH.deactivated)
    if value is None:
        return False
    if not isinstance(value, Literal):
        raise UnsupportedShapes(node, "sh:deactivated that is not a literal")
    return bool(value.value)  # pySHACL: bool() of the literal's value


def _count(graph: Graph, node: Node, predicate: URIRef) -> int | None:
    value = _one(graph, node, predicate)
    if value is None:
        return None
    if not (isinstance(value, Literal) and value.datatype == XSD_INTEGER):
        raise UnsupportedShapes(node, f"{_curie(predicate)} that is not an xsd:integer")
    count = int(value.value)
    if count < 0:
        raise UnsupportedShapes(node, f"a negative {_curie(predicate)}")
    return count


def _unique_lang(graph: Graph, node: Node) -> bool:
    value = _one(graph, node, SH.uniqueLang)
    if value is None:
        return False
    if not (isinstance(value, Literal) and isinstance(value.value, bool)):
        raise UnsupportedShapes(node, "sh:uniqueLang that is not a boolean")
    return value.value


def _list(graph: Graph, node: Node, head: Node, predicate: URIRef) -> tuple[Node, ...]:
    try:
        items = tuple(graph.items(head))
    except (ValueError, KeyError) as exc:
        raise UnsupportedShapes(node, f"{_curie(predicate)} is not a well-formed list") from exc
    if head != RDF.nil and not items:
        raise UnsupportedShapes(node, f"{_curie(predicate)} is not a list")
    return items


def _value_rules(graph: Graph, node: Node) -> Iterator[ValueRule]:
    for cls in graph.objects(node, SH["class"]):
        if not isinstance(cls, URIRef):
            raise UnsupportedShapes(node, "a sh:class that is not an IRI")
        yield ValueRule(str(SH.ClassConstraintComponent), "class", cls)
    datatype = _one(graph, node, SH.datatype)
    if datatype is not None:
        if not isinstance(datatype, URIRef) or datatype == RDFS.Datatype:
            raise UnsupportedShapes(node, f"sh:datatype {datatype}")
        yield ValueRule(str(SH.DatatypeConstraintComponent), "datatype", datatype)
    kind = _one(graph, node, SH.nodeKind)
    if kind is not None:
        if kind not in NODE_KINDS:
            raise UnsupportedShapes(node, f"sh:nodeKind {kind}")
        yield ValueRule(str(SH.NodeKindConstraintComponent), "nodeKind", kind)
    members = _one(graph, node, SH["in"])
    if members is not None:
        terms = _list(graph, node, members, SH["in"])
        if any(isinstance(t, BNode) for t in terms):
            raise UnsupportedShapes(node, "a blank node in sh:in")
        yield ValueRule(str(SH.InConstraintComponent), "in", terms=terms)
    languages = _one(graph, node, SH.languageIn)
    if languages is not None:
        terms = _list(graph, node, languages, SH.languageIn)
        if not all(isinstance(t, Literal) and isinstance(t.value, str) for t in terms):
            raise UnsupportedShapes(node, "sh:languageIn members that are not strings")
        yield ValueRule(str(SH.LanguageInConstraintComponent), "languageIn", terms=terms)
    flags = _one(graph, node, SH.flags)
    for pattern in graph.objects(node, SH.pattern):
        if not isinstance(pattern, Literal):
            raise UnsupportedShapes(node, "a sh:pattern that is not a literal")
        yield ValueRule(
            str(SH.PatternConstraintComponent),
            "pattern",
            pattern,
            flags=None if flags is None else str(flags),
        )
    for predicate, (component, op) in RANGE_COMPONENTS.items():
        for bound in graph.objects(node, predicate):
            if not isinstance(bound, Literal):
                raise UnsupportedShapes(node, f"{_curie(predicate)} that is not a literal")
            yield ValueRule(str(component), "range", bound, op=op)
