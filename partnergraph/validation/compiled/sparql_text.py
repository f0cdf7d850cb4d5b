"""SPARQL-based constraints (https://www.w3.org/TR/shacl/#sparql-constraints), read and prepared.

pySHACL runs a constraint's ``SELECT`` once per focus node with ``$this`` pre-bound.
The compiled engine runs it once for all focus nodes: it joins the focus nodes
first into the query's WHERE group and projects ``?this``. That gives what
pre-binding gives when every filter, ``BIND``, ``OPTIONAL``, aggregate and
sub-query that mentions ``$this`` sees it bound; this module checks that on the
rewritten query's algebra and, where it does not hold, marks the constraint to run
once per focus node with ``$this`` substituted, as pySHACL does.

The union of the store's named graphs repeats a triple that several graphs hold,
where pySHACL's merged graph holds it once; constraints whose aggregates could
count a repeated triple twice are marked to run on a de-duplicated copy.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from rdflib import OWL, RDF, RDFS, SH, XSD, Graph, Literal, Variable
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Node

from partnergraph.terms import to_oxigraph
from partnergraph.validation.compiled.model import CopyPattern, SparqlConstraint, UnsupportedShapes

THIS = Variable("this")
# The checks pySHACL 0.40 makes before it runs a SPARQL constraint (its regexes, so
# that the same queries are refused).
HAS_MINUS = re.compile(r"^(?:[^#]*|M)(?!#)#?[^\?\$\#]M?INUS[\s\{]", flags=re.M | re.I)
HAS_VALUES = re.compile(
    r"^(?!\s*#).*?(?<![\w\-\:])VALUES\b(?:\s*(?:\(|[\?\$]\w+|\{|\w|\s))", flags=re.M | re.I
)
HAS_SERVICE = re.compile(r"^(?:[^#]*|S)(?!#)#?[^\?\$\#]S?ERVICE[\s\<]", flags=re.M | re.I)
HAS_NESTED_SELECT = re.compile(
    r"SELECT[\s\(\)\$\?\a-z]*\{[^\}]*SELECT\s+((?:(?:[\?\$]\w+\s+)|(?:\*\s+))+)", flags=re.M | re.I
)
HAS_AS_VAR = re.compile(r"[^\w]+AS[\s]+[\$\?](\w+)", flags=re.M | re.I)
BIND_PATH = re.compile(r"([\s{}()])[\$\?]PATH", flags=re.M)
BIND_THIS = re.compile(r"([\s{}()])[\$\?]this", flags=re.M)
SPECIAL = re.compile(r"([\s{}()])[\$\?](shapesGraph|currentShape)", flags=re.M)
PROLOGUE = re.compile(r"\A\s*(?:PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s*<[^>]*>)", flags=re.I)
#: Stands for the focus nodes in a rewritten query (a group pattern binding ?this).
FOCUS = "#FOCUS#"
FOCUS_STAND_IN = "?this <urn:x-partnergraph:focus> <urn:x-partnergraph:focus> ."
SELECT_HEAD = re.compile(r"\A(\s*SELECT\s+(?:DISTINCT\s+|REDUCED\s+)?)(\*)?", flags=re.I)
DUPLICATE_SENSITIVE = {"Aggregate_Count", "Aggregate_Sum", "Aggregate_Avg", "Aggregate_GroupConcat"}
REFUSED_ALGEBRA = {
    "Graph": "GRAPH (the reference sees one merged graph)",
    "ServiceGraphPattern": "SERVICE",
    "values": "VALUES",
    "Minus": "MINUS",
}


class SparqlUnsupported(Exception):
    """Internal: a SPARQL constraint the engine does not take."""


def read_sparql_constraint(
    graph: Graph, shape: Node, node: Node, path: str | None
) -> SparqlConstraint:
    """Read one sh:sparql constraint.

    Args:
        graph: the shapes graph.
        shape: the shape that holds the constraint.
        node: the constraint node.
        path: the shape's path in SPARQL syntax, for ``$PATH``; None on a node shape.

    Returns:
        The prepared constraint.

    Raises:
        UnsupportedShapes: a feature outside the subset.
    """
    try:
        return _read(graph, node, path)
    except SparqlUnsupported as exc:
        raise UnsupportedShapes(shape, f"sh:sparql {node}: {exc}") from exc


def _read(graph: Graph, node: Node, path: str | None) -> SparqlConstraint:
    selects = list(graph.objects(node, SH.select))
    if (
        len(selects) != 1
        or not isinstance(selects[0], Literal)
        or not isinstance(selects[0].value, str)
    ):
        raise SparqlUnsupported("needs exactly one sh:select string")
    if (node, SH.ask, None) in graph:
        raise SparqlUnsupported("sh:ask")
    messages = list(graph.objects(node, SH.message))
    if not all(isinstance(m, Literal) and isinstance(m.value, str) for m in messages):
        raise SparqlUnsupported("a sh:message that is not a string")
    deactivated = False
    for value in graph.objects(node, SH.deactivated):
        if not (isinstance(value, Literal) and isinstance(value.value, bool)):
            raise SparqlUnsupported("sh:deactivated that is not a boolean")
        deactivated = value.value
    text = selects[0].value
    _pyshacl_checks(text)
    if SPECIAL.search(text):
        raise SparqlUnsupported("$shapesGraph or $currentShape")
    if path is not None:
        text = BIND_PATH.sub(lambda m: m.group(1) + path, text)
    elif BIND_PATH.search(text):
        raise SparqlUnsupported("$PATH on a node shape")
    prefixes = _prefixes(graph, node)
    prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in prefixes.items())
    query = f"{prologue}\n{text}"
    try:
        parsed = prepareQuery(query)
    except Exception as exc:  # rdflib raises pyparsing and other errors
        raise SparqlUnsupported(f"the query does not parse: {exc}") from exc
    algebra = parsed.algebra
    if algebra.name != "SelectQuery" or algebra.get("datasetClause"):
        raise SparqlUnsupported("not a plain SELECT query")
    _refuse(algebra)
    projection = tuple(str(v) for v in algebra["PV"])
    if "failure" in projection:
        raise SparqlUnsupported("?failure")
    body = _with_focus(text, projection, prologue)
    return SparqlConstraint(
        node=node,
        query=query,
        prologue=prologue,
        body=body or "",
        projection=projection,
        projects_this="this" in projection,
        per_focus=body is None or not BIND_THIS.search(text),
        dedupe=_copy_patterns(algebra) if _duplicate_sensitive(algebra) else None,
        messages=tuple(sorted(str(m) for m in messages)),
        deactivated=deactivated,
    )


def _with_focus(text: str, projection: tuple[str, ...], prologue: str) -> str | None:
    """The query with the focus nodes joined first into its WHERE group, ``?this`` projected.

    Returns:
        The query (own PREFIX lines first, :data:`FOCUS` standing for the focus
        nodes), or None when it cannot be rewritten so that it gives what pre-binding
        ``$this`` gives; the constraint then runs once per focus node.
    """
    body, own_prologue = _split_prologue(text)
    head = SELECT_HEAD.match(body)
    if head is None:
        return None
    brace = body.find("{", head.end())
    between = body[head.end() : brace]
    if brace < 0 or "EXISTS" in between.upper() or "#" in between:
        return None
    projected = body[head.end(1) : brace]
    if "this" not in projection and head.group(2) is None:
        projected = "?this " + projected
    body = f"{own_prologue}{head.group(1)}{projected}{{ {FOCUS}\n{body[brace + 1 :]}"
    try:
        algebra = prepareQuery(prologue + body.replace(FOCUS, FOCUS_STAND_IN)).algebra
    except Exception:  # rdflib raises many kinds; then run once per focus node
        return None
    return body if _safe(algebra["p"]) else None


def _pyshacl_checks(text: str) -> None:
    """Refuse what pySHACL refuses to run (it would fail, not report)."""
    for regex, what in ((HAS_MINUS, "MINUS"), (HAS_VALUES, "VALUES"), (HAS_SERVICE, "SERVICE")):
        if regex.search(text):
            raise SparqlUnsupported(f"{what} (pySHACL refuses it)")
    nested = HAS_NESTED_SELECT.search(text)
    if nested:
        names = [v.lstrip("$?").rstrip() for v in nested.group(1).split()]
        if "this" not in names:
            raise SparqlUnsupported("a nested SELECT without $this (pySHACL refuses it)")
    rebinding = HAS_AS_VAR.search(text)
    if rebinding and rebinding.group(1) in {"this", "shapesGraph", "currentShape"}:
        raise SparqlUnsupported("AS $this (pySHACL refuses it)")


def _prefixes(graph: Graph, node: Node) -> dict[str, str]:
    """The prefixes pySHACL declares for a constraint (its collect_prefixes)."""
    prefixes = {"rdf": str(RDF), "rdfs": str(RDFS), "owl": str(OWL)}
    holders = list(graph.objects(node, SH.prefixes))
    if not holders:
        return prefixes
    ontologies = set(graph.subjects(RDF.type, OWL.Ontology))
    global_declares = {d for o in ontologies for d in graph.objects(o, SH.declare)}
    for holder in holders:
        own = set(graph.objects(holder, SH.declare))
        declares = own if own and holder in ontologies else global_declares | own
        for declare in sorted(declares, key=str):
            names = list(graph.objects(declare, SH.prefix))
            namespaces = list(graph.objects(declare, SH.namespace))
            if len(names) != 1 or len(namespaces) != 1:
                raise SparqlUnsupported("a sh:declare without one sh:prefix and one sh:namespace")
            name, namespace = names[0], namespaces[0]
            if not isinstance(name, Literal) or not isinstance(namespace, Literal):
                raise SparqlUnsupported("a sh:declare whose prefix or namespace is no literal")
            if namespace.datatype not in (XSD.anyURI, None, XSD.string) and not isinstance(
                namespace.value, str
            ):
                raise SparqlUnsupported("a sh:namespace that is not an xsd:anyURI")
            prefixes[str(name.value)] = str(namespace.value)
    return prefixes


def _split_prologue(text: str) -> tuple[str, str]:
    """Move the query's own PREFIX and BASE lines out; return (body, prologue)."""
    prologue = []
    while match := PROLOGUE.match(text):
        prologue.append(match.group(0).strip() + "\n")
        text = text[match.end() :]
    return text, "".join(prologue)


def _nodes(value: Any) -> Iterator[CompValue]:
    """Every algebra node under ``value`` (itself included)."""
    if isinstance(value, CompValue):
        yield value
        for key, item in value.items():
            if key != "_vars":
                yield from _nodes(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _nodes(item)


def _variables(value: Any) -> set[Variable]:
    """Every variable mentioned under ``value``."""
    found: set[Variable] = set()
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, Variable):
            found.add(item)
        elif isinstance(item, CompValue | dict):
            stack.extend(v for k, v in item.items() if k != "_vars")
        elif isinstance(item, list | tuple | set):
            stack.extend(item)
    return found


def _refuse(algebra: CompValue) -> None:
    for node in _nodes(algebra):
        if node.name in REFUSED_ALGEBRA:
            raise SparqlUnsupported(REFUSED_ALGEBRA[node.name])


def _duplicate_sensitive(algebra: CompValue) -> bool:
    return any(
        node.name in DUPLICATE_SENSITIVE and node.get("distinct") != "DISTINCT"
        for node in _nodes(algebra)
    )


def _copy_patterns(algebra: CompValue) -> tuple[CopyPattern, ...]:
    """Every triple pattern of the query, widened: together they select every triple
    the query can match. The type triples the focus nodes are found by come along.
    Empty when some pattern matches anything (then the whole store is copied).
    """
    patterns = {
        CopyPattern(f"?this <{RDF.type}> ?v2 .", focus=True),
        CopyPattern(f"?v0 <{RDFS.subClassOf}> ?v2 .", focus=False),
    }
    for node in _nodes(algebra):
        for block in node.get("triples") or []:
            items = list(block)
            for start in range(0, len(items) - 2, 3):
                positions = []
                for index, item in enumerate(items[start : start + 3]):
                    if isinstance(item, Variable):
                        positions.append("?this" if item == THIS else f"?v{index}")
                    elif isinstance(item, Node):
                        positions.append(str(to_oxigraph(item)))
                    else:
                        return ()  # a property path: copy everything
                focus = "?this" in positions
                if not focus and all(p.startswith("?") for p in positions):
                    return ()
                patterns.add(CopyPattern(" ".join(positions) + " .", focus))
    return tuple(sorted(patterns))


def _certain(node: Any) -> set[Variable]:
    """The variables that every solution of ``node`` binds."""
    if not isinstance(node, CompValue):
        return set()
    name = node.name
    if name == "BGP":
        return {t for triple in node["triples"] for t in triple if isinstance(t, Variable)}
    if name == "Join":
        return _certain(node["p1"]) | _certain(node["p2"])
    if name in {"LeftJoin", "Minus"}:
        return _certain(node["p1"])
    if name == "Union":
        return _certain(node["p1"]) & _certain(node["p2"])
    if name == "Project":
        return _certain(node["p"]) & set(node["PV"])
    if name == "Group":
        keys = {e for e in (node.get("expr") or []) if isinstance(e, Variable)}
        return _certain(node["p"]) & keys
    if name == "Extend":
        return _certain(node["p"])
    if name in {"Filter", "Distinct", "Reduced", "OrderBy", "ToMultiSet", "AggregateJoin"}:
        return _certain(node["p"])
    return set()


def _safe(top: CompValue) -> bool:
    """Whether running once and keeping the focus rows equals pre-binding ``$this``."""
    project = top
    while project.name in {"Distinct", "Reduced", "OrderBy", "Slice"}:
        project = project["p"]
    if project.name != "Project" or THIS not in _certain(project["p"]):
        return False
    return not any(_unsafe(node) for node in _nodes(top))


def _unsafe(node: CompValue) -> bool:
    """Whether ``node`` could see ``$this`` unbound where pre-binding would bind it."""
    name = node.name
    if name == "Slice":
        return True  # a LIMIT applies per focus node under pre-binding
    if name == "Filter":
        uses, scope = node["expr"], _certain(node["p"])
    elif name == "LeftJoin":
        uses, scope = [node["p2"], node.get("expr")], _certain(node["p1"])
    elif name == "Extend":
        uses, scope = node["expr"], _certain(node["p"])
    elif name == "Group":
        uses = node["p"]
        scope = {e for e in (node.get("expr") or []) if isinstance(e, Variable)}
    elif name == "ToMultiSet":
        uses, scope = node["p"], _certain(node["p"])
    else:
        return False
    return THIS in _variables(uses) and THIS not in scope
