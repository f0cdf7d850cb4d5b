"""Running compiled shapes on a pyoxigraph store, and turning rows into findings.

SHACL: https://www.w3.org/TR/shacl/. The data is the union of the store's named
graphs (``use_default_graph_as_union``), the view pySHACL gets as one merged graph;
or, for a store whose default graph already holds that union (a snapshot's store),
the default graph alone: each triple once, and Oxigraph plans joins over one graph
far better than over a union that repeats every triple.
Terms in findings are written as pySHACL writes them, through rdflib, so that a
literal rdflib normalises (``"1.0"^^xsd:double``) reads the same from both engines.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar

import pyoxigraph as ox

from partnergraph.terms import nt
from partnergraph.validation.compiled.checks import rdflib_term
from partnergraph.validation.compiled.model import (
    CopyPattern,
    ShapeSpec,
    SparqlConstraint,
    UnsupportedShapes,
)
from partnergraph.validation.compiled.queries import (
    CHECK_FUNCTION,
    INSTANCE_PATH,
    PythonChecks,
    focus_enumeration,
)
from partnergraph.validation.compiled.sparql_text import FOCUS
from partnergraph.validation.findings import Finding

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
SH = "http://www.w3.org/ns/shacl#"
COMPONENTS = {
    "n<": SH + "MinCountConstraintComponent",
    "n>": SH + "MaxCountConstraintComponent",
    "h": SH + "HasValueConstraintComponent",
    "u": SH + "UniqueLangConstraintComponent",
    "sparql": SH + "SPARQLConstraintComponent",
}


@dataclass(frozen=True)
class Task:
    """One shape to run on the focus nodes of some target classes.

    Attributes:
        spec: the shape.
        classes: the target classes of the shape that brings the focus nodes.
        queries: the compiled core-constraint query in its three forms (scan the
            path, start from the focus nodes, start from a list of them), or None.
    """

    spec: ShapeSpec
    classes: tuple[str, ...]
    queries: tuple[str, str, str] | None


@dataclass
class Run:
    """The state of one validation run over one store.

    Attributes:
        store: the data.
        python: the Python value checks the queries call.
        memo: results of Python checks, by (check number, term).
        copies: de-duplicated copies of parts of the data, made on demand.
        focus_sets: focus nodes by target classes, made on demand.
        counts: sizes of focus sets and paths, for choosing a query form.
        only: the focus nodes a run is restricted to (every focus node when None):
            each task then runs on those of them its classes target, listed in a
            ``VALUES`` block, in the focus-first form.
        classes_of: the classes (through ``rdfs:subClassOf*``) of each node of ``only``.
        default_is_union: the store's default graph holds the union of its named
            graphs: queries read it alone.
    """

    #: Tests set this to "scan" or "focus" to run every query in one form.
    FORM: ClassVar[str | None] = None

    store: ox.Store
    python: PythonChecks
    memo: dict[tuple[int, Any], ox.Literal] = field(default_factory=dict)
    copies: dict[tuple[tuple[CopyPattern, ...], tuple[str, ...]], ox.Store | None] = field(
        default_factory=dict
    )
    focus_sets: dict[tuple[str, ...], list[Any]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    only: frozenset[ox.NamedNode] | None = None
    classes_of: dict[ox.NamedNode, set[str]] | None = None
    default_is_union: bool = False

    def check(self, value: Any, number: ox.Literal) -> ox.Literal:
        """The custom SPARQL function: run Python check ``number`` on ``value``."""
        key = (int(number.value), value)
        result = self.memo.get(key)
        if result is None:
            passed = self.python.functions[key[0]](rdflib_term(value))
            result = self.memo[key] = ox.Literal(passed)
        return result

    def query(self, text: str, store: ox.Store | None = None, **options: Any) -> Iterator[Any]:
        """Run a SELECT over the union of the named graphs (or over a copy's default graph,
        or over the default graph that holds the union)."""
        functions: dict[ox.NamedNode, Callable[..., Term | None]] = {
            ox.NamedNode(CHECK_FUNCTION): self.check
        }
        if store is not None:
            result = store.query(text, custom_functions=functions, **options)
        else:
            result = self.store.query(
                text,
                use_default_graph_as_union=not self.default_is_union,
                custom_functions=functions,
                **options,
            )
        return iter(result)  # type: ignore[arg-type]

    def copy(self, patterns: tuple[CopyPattern, ...], classes: tuple[str, ...]) -> ox.Store | None:
        """The triples ``patterns`` select, each once, in the default graph of a new store.

        Returns:
            The copy, or None when none of these triples is in two graphs: the store
            itself then gives the same answers.
        """
        key = (patterns, classes)
        if key not in self.copies:
            focus = self.enumeration(classes)
            selected = [
                f"{{ {focus} OPTIONAL {{ {p.triple} {p.binds()} }} FILTER(BOUND(?p)) }}"
                if p.focus
                else f"{{ {p.triple} {p.binds()} }}"
                for p in patterns
            ] or ["{ ?s ?p ?o }"]
            copy = None
            if self._repeated(patterns, selected, focus):
                where = " UNION ".join(selected)
                triples = self.store.query(
                    f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {where} }}", use_default_graph_as_union=True
                )
                if not isinstance(triples, ox.QueryTriples):
                    raise TypeError("a CONSTRUCT query returns triples")
                copy = ox.Store()
                ntriples = triples.serialize(format=ox.RdfFormat.N_TRIPLES)
                copy.load(ntriples, format=ox.RdfFormat.N_TRIPLES)
            self.copies[key] = copy
        return self.copies[key]

    def _repeated(self, patterns: tuple[CopyPattern, ...], selected: list[str], focus: str) -> bool:
        """Whether a triple that ``patterns`` match is in two graphs of the store (the
        default graph counts as one); ``selected`` are the patterns as groups."""
        if self.default_is_union:
            return False  # the one graph read holds each triple once
        default = ox.DefaultGraph()
        if next(iter(self.store.quads_for_pattern(None, None, None, default)), None) is not None:
            return any(
                self.count(group)
                != self.count(f"SELECT DISTINCT ?s ?p ?o WHERE {group}", subquery=True)
                for group in selected
            )
        for pattern in patterns or (CopyPattern("?v0 ?v1 ?v2 .", focus=False),):
            twice = (
                f"GRAPH ?g1 {{ {pattern.triple} }} GRAPH ?g2 {{ {pattern.triple} }} "
                "FILTER(?g1 != ?g2)"
            )
            if pattern.focus:  # OPTIONAL: Oxigraph then looks up node by node
                twice = f"{focus} OPTIONAL {{ {twice} }} FILTER(BOUND(?g1))"
            if self.store.query(f"ASK {{ {twice} }}", use_default_graph_as_union=True):
                return True
        return False

    def count(self, pattern: str, subquery: bool = False) -> int:
        """How many solutions a group pattern (or a sub-query) has; cached."""
        if pattern not in self.counts:
            inner = f"{{ {pattern} }}" if subquery else pattern
            rows = self.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {inner} }}")
            self.counts[pattern] = int(next(rows)["n"].value)
        return self.counts[pattern]

    def core_query(self, task: Task) -> str | None:
        """The form of a task's query that suits the data: focus-first when the focus
        nodes are few against the path's triples."""
        if task.queries is None:
            return None
        scan, focus_first, listed = task.queries
        if self.only is not None:
            # the compiled query enumerates the focus nodes verbatim: list them instead
            return listed.replace(focus_enumeration(task.classes), self.enumeration(task.classes))
        path = task.spec.path
        if self.FORM is not None:
            return focus_first if self.FORM == "focus" else scan
        if path is None:
            return scan
        focus = self.count(focus_enumeration(task.classes))
        return focus_first if 2 * focus < self.count(path.triple("?s", "?o")) else scan

    def focus(self, classes: tuple[str, ...]) -> list[Any]:
        """The focus nodes of ``classes`` (those of :attr:`only`, in a restricted run)."""
        if classes not in self.focus_sets:
            if self.only is not None:
                wanted = set(classes)
                instances = self._classes_of()
                self.focus_sets[classes] = sorted(
                    (node for node in self.only if instances[node] & wanted), key=str
                )
            else:
                rows = self.query(f"SELECT ?this WHERE {{ {focus_enumeration(classes)} }}")
                self.focus_sets[classes] = [row["this"] for row in rows]
        return self.focus_sets[classes]

    def enumeration(self, classes: tuple[str, ...]) -> str:
        """A group pattern binding ?this to each focus node of ``classes`` once: the
        SHACL instances, or in a restricted run the listed ones (possibly none)."""
        if self.only is None:
            return focus_enumeration(classes)
        return "{ VALUES ?this { " + " ".join(str(n) for n in self.focus(classes)) + " } }"

    def has_focus(self, classes: tuple[str, ...]) -> bool:
        """Whether a restricted run has a focus node of ``classes`` (always True otherwise)."""
        return self.only is None or bool(self.focus(classes))

    def _classes_of(self) -> dict[ox.NamedNode, set[str]]:
        """The classes of each node of :attr:`only`, read with one query."""
        if self.classes_of is None:
            found: dict[ox.NamedNode, set[str]] = {node: set() for node in self.only or ()}
            if found:
                values = " ".join(str(node) for node in found)
                rows = self.query(
                    f"SELECT DISTINCT ?this ?c WHERE {{ VALUES ?this {{ {values} }} "
                    f"?this {INSTANCE_PATH} ?c }}"
                )
                for row in rows:
                    if isinstance(row["c"], ox.NamedNode):
                        found[row["this"]].add(row["c"].value)
            self.classes_of = found
        return self.classes_of


def core_findings(run: Run, task: Task) -> Iterator[Finding]:
    """The results of the core constraints of one task."""
    if not run.has_focus(task.classes):
        return
    query = run.core_query(task)
    if query is None:
        return
    spec = task.spec
    seen: set[tuple[Any, ...]] = set()
    for row in run.query(query):
        kind, this = row["k"].value, row["this"]
        if kind == "v":
            value = row["v"]
            for i, rule in enumerate(spec.rules):
                if row[f"f{i}"].value == "false" and (i, this, value) not in seen:
                    seen.add((i, this, value))
                    yield _finding(spec, rule.component, this, value)
        elif kind == "n":
            count = int(row["n"].value)
            if spec.min_count and count < spec.min_count and ("n<", this) not in seen:
                seen.add(("n<", this))
                yield _finding(spec, COMPONENTS["n<"], this, None)
            if spec.max_count is not None and count > spec.max_count and ("n>", this) not in seen:
                seen.add(("n>", this))
                yield _finding(spec, COMPONENTS["n>"], this, None)
        elif kind.startswith("h") and (kind, this) not in seen:
            seen.add((kind, this))
            yield _finding(spec, COMPONENTS["h"], this, None)
        elif kind == "u" and ("u", this, row["l"]) not in seen:
            seen.add(("u", this, row["l"]))
            yield _finding(spec, COMPONENTS["u"], this, None)


def _finding(spec: ShapeSpec, component: str, focus: Any, value: Any) -> Finding:
    return Finding(
        severity=spec.severity,
        focus=_nt(focus),
        path=spec.path.sparql() if spec.path else None,
        value=None if value is None else _nt(value),
        component=component,
        shape=spec.name,
        message=spec.message(),
    )


def _nt(term: Any) -> str:
    """A store term written as pySHACL's rdflib term is."""
    return nt(rdflib_term(term)) if isinstance(term, ox.Literal) else str(term)


def sparql_findings(run: Run, task: Task, constraint: SparqlConstraint) -> Iterator[Finding]:
    """The results of one SPARQL-based constraint on the focus nodes of a task."""
    if not run.has_focus(task.classes):
        return
    names = constraint.projection
    store = None
    if constraint.dedupe is not None:
        store = run.copy(constraint.dedupe, task.classes)
    if constraint.per_focus:
        rows: Iterable[tuple[Any, Any]] = (
            (focus, row)
            for focus in run.focus(task.classes)
            for row in run.query(
                constraint.query,
                store,
                substitutions={ox.Variable("this"): focus},
            )
        )
    else:
        text = constraint.prologue + constraint.body.replace(FOCUS, run.enumeration(task.classes))
        rows = ((row["this"], row) for row in run.query(text, store))
    seen: set[tuple[Any, ...]] = set()
    for focus, row in rows:
        bound = {name: row[name] for name in names if row[name] is not None}
        path, value, this = (
            bound.pop("path", None),
            bound.pop("value", None),
            bound.pop("this", None),
        )
        if path is None and value is None and this is None:
            continue
        result = Row(focus, this, path, value, bound)
        if result.key() not in seen:
            seen.add(result.key())
            yield _sparql_finding(task.spec, constraint, result)


@dataclass(frozen=True)
class Row:
    """One result row of a SPARQL constraint, as pySHACL splits it.

    Attributes:
        focus: the focus node the row belongs to.
        this: the projected ``$this``, or None.
        path: the projected ``?path``, or None.
        value: the projected ``?value``, or None.
        bound: the other projected variables that are bound, in projection order.
    """

    focus: Any
    this: Any
    path: Any
    value: Any
    bound: dict[str, Any]

    def key(self) -> tuple[Any, ...]:
        """Rows pySHACL counts as one (per focus node)."""
        return (self.focus, self.this, self.path, self.value, tuple(self.bound.items()))


def _sparql_finding(spec: ShapeSpec, constraint: SparqlConstraint, row: Row) -> Finding:
    focus, this, path, value = row.focus, row.this, row.path, row.value
    if value is None and spec.path is None:
        value = focus  # pySHACL reports the focus node as the value on a node shape
    substitutions = {name: str(rdflib_term(term)) for name, term in row.bound.items()}
    for name, term in (("this", this), ("path", path), ("value", value)):
        if term is not None:
            substitutions[name] = str(rdflib_term(term))
    messages = {_fill(m, substitutions) for m in (*spec.messages, *constraint.messages)}
    if path is None:
        path_text = spec.path.sparql() if spec.path else None
    else:
        path_text = f"<{path.value}>" if isinstance(path, ox.NamedNode) else _nt(path)
    return Finding(
        severity=spec.severity,
        focus=_nt(this if this is not None else focus),
        path=path_text,
        value=None if value is None else _nt(value),
        component=COMPONENTS["sparql"],
        shape=spec.name,
        message=min(messages) if messages else "",
    )


def _fill(message: str, values: dict[str, str]) -> str:
    """Fill ``{?var}`` and ``{$var}`` as pySHACL does (``re.sub``, in binding order)."""
    for name, text in values.items():
        message = re.sub(f"{{[?$]{name}}}", text, message)
    return message


def proofread(tasks: Iterable[Task], python: PythonChecks) -> None:
    """Parse every query once with Oxigraph, so that a run never meets a syntax error.

    A SPARQL constraint whose rewritten query Oxigraph does not take falls back to
    running once per focus node (its text as written).

    Raises:
        UnsupportedShapes: Oxigraph cannot parse a query of a shape.
    """
    empty = Run(ox.Store(), python)
    focus = focus_enumeration(("urn:x-partnergraph:class",))

    def parses(text: str) -> bool:
        try:
            list(empty.query(text))
        except SyntaxError:
            return False
        return True

    for task in tasks:
        spec = task.spec
        for text in task.queries or ():
            if not parses(text):
                raise UnsupportedShapes(spec.node, "a constraint Oxigraph cannot run")
        constraints = []
        for written in spec.sparql:
            constraint = written
            if not written.per_focus and not parses(
                written.prologue + written.body.replace(FOCUS, focus)
            ):
                constraint = replace(written, per_focus=True)
            if constraint.per_focus and not parses(constraint.query):
                raise UnsupportedShapes(spec.node, f"Oxigraph cannot parse {constraint.node}")
            constraints.append(constraint)
        spec.sparql = tuple(constraints)
