"""SHACL Core constraints compiled to SPARQL (https://www.w3.org/TR/shacl/#core-components).

One query per shape and focus: a ``UNION`` of branches, each tagged ``?k``, that
returns only the rows that break a constraint. Each query comes in two forms, and
the engine picks one by the data's sizes: when the focus nodes hold most of the
path's triples, the branches scan the path (each distinct value checked once where
the check is costly) and test focus membership only on the few failing rows; when
the focus nodes are few, the branches start from them (``OPTIONAL`` makes Oxigraph
look values up node by node instead of scanning). A third form serves a run on a
short list of focus nodes (a change's): the branches join the listed nodes to their
values directly, which Oxigraph evaluates by lookups, where an ``OPTIONAL`` holding a
``BIND`` is evaluated on its own, over every triple of the path. Oxigraph evaluates both sides of
``&&`` and ``||``, so the expressions use ``IF`` to keep costly tests lazy, and an
``EXISTS`` whose class is a variable walks every typed node, so focus tests spell
out each class.

Values are judged as pySHACL judges them: where rdflib's reading of a literal can
differ from SPARQL's (ill-typed literals, patterns, ordering), the query calls back
into Python (:mod:`.checks`), once per distinct term.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import cast

from rdflib import RDF, RDFS, SH, XSD, Literal, URIRef
from rdflib.term import Node

from partnergraph.terms import to_oxigraph
from partnergraph.validation.compiled import checks
from partnergraph.validation.compiled.model import ShapeSpec, ValueRule

CHECK_FUNCTION = "urn:x-partnergraph:check"
INSTANCE_PATH = f"<{RDF.type}>/<{RDFS.subClassOf}>*"
#: Datatypes whose valid literals rdflib and SPARQL both compare by value.
NUMERIC = {XSD.integer, XSD.decimal, XSD.double, XSD.float}
#: The forms of a core-constraint query: scan the path, start from the focus nodes,
#: start from a short list of focus nodes (see :func:`shape_query`).
FORMS = ("scan", "focus", "listed")
NODE_KIND_TESTS = {
    SH.IRI: "isIRI({v})",
    SH.BlankNode: "isBlank({v})",
    SH.Literal: "isLiteral({v})",
    SH.BlankNodeOrIRI: "!isLiteral({v})",
    SH.BlankNodeOrLiteral: "!isIRI({v})",
    SH.IRIOrLiteral: "!isBlank({v})",
}


@dataclass
class PythonChecks:
    """The value checks that run in Python, numbered for the custom SPARQL function."""

    functions: list[Callable[[Node], bool]] = field(default_factory=list)

    def add(self, function: Callable[[Node], bool]) -> int:
        """Register ``function``; return its number."""
        self.functions.append(function)
        return len(self.functions) - 1


def term(node: Node) -> str:
    """An rdflib term in SPARQL syntax."""
    return str(to_oxigraph(node))


def lazy_and(first: str, second: str) -> str:
    """``first && second``, evaluating ``second`` only when ``first`` holds."""
    return f"IF({first}, {second}, false)"


def focus_values(classes: tuple[str, ...]) -> str:
    """The VALUES block of the target classes."""
    return "VALUES ?tc { " + " ".join(f"<{c}>" for c in classes) + " }"


def focus_enumeration(classes: tuple[str, ...]) -> str:
    """A group pattern binding ?this to each focus node once (SHACL instances)."""
    return (
        f"{{ SELECT DISTINCT ?this WHERE {{ {focus_values(classes)} ?this {INSTANCE_PATH} ?tc }} }}"
    )


def focus_test(classes: tuple[str, ...], var: str = "?this") -> str:
    """An expression: ``var`` is a focus node.

    One ``EXISTS`` per class, chained with ``IF``: Oxigraph evaluates an ``EXISTS``
    whose class is a variable (``VALUES`` or ``IN``) by walking every typed node.
    """
    tests = [f"EXISTS {{ {var} {INSTANCE_PATH} <{c}> }}" for c in classes]
    expression = tests[-1]
    for test in reversed(tests[:-1]):
        expression = f"IF({test}, true, {expression})"
    return expression


def rule_expression(rule: ValueRule, var: str, python: PythonChecks) -> str:
    """A SPARQL expression that is true when ``var`` meets ``rule``."""
    kind, param = rule.kind, rule.term
    if kind == "class":
        return f"EXISTS {{ {var} {INSTANCE_PATH} {term(param)} }}"  # type: ignore[arg-type]
    if kind == "nodeKind":
        return NODE_KIND_TESTS[param].format(v=var)  # type: ignore[index]
    if kind == "in":
        tests = [f"sameTerm({var}, {term(t)})" for t in rule.terms]
        return "(" + " || ".join(tests) + ")" if tests else "false"
    if kind == "languageIn":
        return _language_in(rule, var)
    if kind == "datatype":
        return _datatype(param, var, python)  # type: ignore[arg-type]
    if kind == "pattern":
        regex = checks.compile_pattern(param, rule.flags)  # type: ignore[arg-type]
        number = python.add(partial(checks.pattern_ok, regex=regex))
        return lazy_and(f"!isBlank({var})", _call(var, number))
    if kind == "range":
        bound = cast(Literal, param)
        number = python.add(partial(checks.range_ok, bound=bound, op=rule.op))
        general = lazy_and(f"isLiteral({var})", _call(var, number))
        if bound.datatype in NUMERIC and bound.value is not None:
            # rdflib orders two valid numbers by value, as SPARQL does
            return (
                f"IF(isNumeric({var}), COALESCE({var} {rule.op} {term(bound)}, false), {general})"
            )
        return general
    raise ValueError(f"unknown rule kind {kind}")


def _call(var: str, number: int) -> str:
    return f"<{CHECK_FUNCTION}>({var}, {number})"


def _language_in(rule: ValueRule, var: str) -> str:
    wanted = {str(t).lower() for t in rule.terms if isinstance(t, Literal)}
    tagged = f'(isLiteral({var}) && LANG({var}) != "")'
    if "*" in wanted:
        return tagged
    if not wanted:
        return "false"
    listed = ", ".join(term(Literal(w)) for w in sorted(wanted))
    lang = f"LCASE(LANG({var}))"
    first = f'STRBEFORE(CONCAT({lang}, "-"), "-")'
    general = lazy_and(tagged, f"({lang} IN ({listed}) || {first} IN ({listed}))")
    return f"IF(isLiteral({var}), IF(LANG({var}) IN ({listed}), true, {general}), false)"


def _datatype(datatype: URIRef, var: str, python: PythonChecks) -> str:
    if datatype == RDFS.Literal:
        return f"isLiteral({var})"
    if datatype == RDF.langString:
        return f'(isLiteral({var}) && LANG({var}) != "")'
    same = f"(isLiteral({var}) && sameTerm(DATATYPE({var}), <{datatype}>))"
    if str(datatype) not in checks.PARSED_DATATYPES or datatype == XSD.string:
        return same
    number = python.add(partial(checks.datatype_ok, datatype=datatype))
    if datatype in NUMERIC:
        # a number Oxigraph reads is one rdflib reads too; rdflib reads some more
        return lazy_and(same, f"IF(isNumeric({var}), true, {_call(var, number)})")
    return lazy_and(same, _call(var, number))


def shape_query(
    spec: ShapeSpec, classes: tuple[str, ...], python: PythonChecks
) -> tuple[str, str, str] | None:
    """The queries that find every core-constraint result of ``spec`` on the focus nodes.

    Args:
        spec: the shape.
        classes: the target classes that give the focus nodes.
        python: where value checks that run in Python are registered.

    Returns:
        None when the shape has no core constraint, else three forms of one query
        (rows tagged ``?k``: ``v`` value rule, ``n`` count, ``h<i>`` hasValue, ``u``
        uniqueLang): the first scans the path's triples and tests the few failing
        rows for focus membership, the second starts from the focus nodes, the third
        too, for a short list of focus nodes put in place of their enumeration. The
        first is faster when the focus nodes hold most of the path's triples.
    """
    expressions = [rule_expression(rule, "?v", python) for rule in spec.rules]
    forms = []
    for form in FORMS:
        branches = []
        if spec.rules:
            branches.append(_value_branch(spec, classes, expressions, form))
        if spec.path is not None and (spec.min_count or spec.max_count is not None):
            branches.extend(_count_branches(spec, classes, form != "scan"))
        for i, value in enumerate(spec.has_values):
            if spec.path is None:
                missing = f"FILTER(!sameTerm(?this, {term(value)}))"
            else:
                missing = f"FILTER NOT EXISTS {{ {spec.path.triple('?this', term(value))} }}"
            branches.append(f'{focus_enumeration(classes)} {missing} BIND("h{i}" AS ?k)')
        if spec.unique_lang and spec.path is not None:
            branches.append(_unique_lang_branch(spec, classes, form))
        if not branches:
            return None
        union = "\nUNION\n".join(f"{{ {b} }}" for b in branches)
        flags = " ".join(f"?f{i}" for i in range(len(spec.rules)))
        forms.append(f"SELECT ?k ?this ?v ?n ?l {flags} WHERE {{\n{union}\n}}")
    return forms[0], forms[1], forms[2]


def _value_branch(
    spec: ShapeSpec, classes: tuple[str, ...], expressions: list[str], form: str
) -> str:
    binds = " ".join(
        f"BIND(COALESCE({expression}, false) AS ?f{i})" for i, expression in enumerate(expressions)
    )
    failing = " || ".join(f"!?f{i}" for i in range(len(expressions)))
    if spec.path is None:
        return (
            f"{focus_enumeration(classes)} BIND(?this AS ?v) {binds} "
            f'FILTER({failing}) BIND("v" AS ?k)'
        )
    if form == "listed":
        return (
            f"{focus_enumeration(classes)} {spec.path.triple('?this', '?v')} "
            f'{binds} FILTER({failing}) BIND("v" AS ?k)'
        )
    if form == "focus":  # OPTIONAL makes Oxigraph look the values up node by node
        return (
            f"{focus_enumeration(classes)} OPTIONAL {{ {spec.path.triple('?this', '?v')} "
            f'{binds} FILTER({failing}) }} FILTER(BOUND(?v)) BIND("v" AS ?k)'
        )
    if any(CHECK_FUNCTION in e or "EXISTS" in e for e in expressions):
        # Each distinct value is checked once (a source document is the value of
        # thousands of dcterms:source triples); only the failing ones meet their subjects.
        return (
            f"{{ SELECT DISTINCT ?v WHERE {{ {spec.path.triple('?s', '?v')} }} }} {binds} "
            f"FILTER({failing}) {spec.path.triple('?this', '?v')} "
            f'FILTER({focus_test(classes)}) BIND("v" AS ?k)'
        )
    return (
        f"{spec.path.triple('?this', '?v')} {binds} "
        f"FILTER({lazy_and(f'({failing})', focus_test(classes))}) "
        'BIND("v" AS ?k)'
    )


def _count_branches(spec: ShapeSpec, classes: tuple[str, ...], narrow: bool) -> list[str]:
    path = spec.path
    if path is None:
        raise ValueError("counts need a path")
    tests = []
    if spec.min_count and (narrow or spec.min_count > 1):
        tests.append(f"COUNT(DISTINCT ?x) < {spec.min_count}")
    if spec.max_count is not None:
        tests.append(f"COUNT(DISTINCT ?x) > {spec.max_count}")
    having = f"HAVING ({' || '.join(tests)})"
    if narrow:  # count the values of each focus node, none included
        return [
            "{ SELECT ?this (COUNT(DISTINCT ?x) AS ?n) WHERE { "
            f"{focus_enumeration(classes)} OPTIONAL {{ {path.triple('?this', '?x')} }} }} "
            f'GROUP BY ?this {having} }} BIND("n" AS ?k)'
        ]
    # Count per subject of the path; focus nodes without any value apart.
    branches = []
    if spec.min_count:
        branches.append(
            f"{focus_enumeration(classes)} "
            f"FILTER NOT EXISTS {{ {path.triple('?this', '?x')} }} "
            'BIND(0 AS ?n) BIND("n" AS ?k)'
        )
    if tests:
        branches.append(
            "{ SELECT ?this (COUNT(DISTINCT ?x) AS ?n) WHERE { "
            f"{path.triple('?this', '?x')} }} GROUP BY ?this {having} }} "
            f'FILTER({focus_test(classes)}) BIND("n" AS ?k)'
        )
    return branches


def _unique_lang_branch(spec: ShapeSpec, classes: tuple[str, ...], form: str) -> str:
    path = spec.path
    if path is None:
        raise ValueError("sh:uniqueLang needs a path")
    tagged = (
        f"{path.triple('?this', '?x')} "
        'FILTER(isLiteral(?x) && LANG(?x) != "") BIND(LCASE(LANG(?x)) AS ?l)'
    )
    grouped = "GROUP BY ?this ?l HAVING (COUNT(DISTINCT ?x) > 1)"
    if form == "listed":
        return (
            f"{{ SELECT ?this ?l WHERE {{ {focus_enumeration(classes)} {tagged} }} "
            f'{grouped} }} BIND("u" AS ?k)'
        )
    if form == "focus":
        return (
            f"{{ SELECT ?this ?l WHERE {{ {focus_enumeration(classes)} OPTIONAL {{ {tagged} }} }} "
            f'{grouped} }} BIND("u" AS ?k)'
        )
    return (
        f"{{ SELECT ?this ?l WHERE {{ {tagged} }} {grouped} }} "
        f'FILTER({focus_test(classes)}) BIND("u" AS ?k)'
    )
