"""What the findings about a focus node read, as triple patterns (SHACL: https://www.w3.org/TR/shacl/).

A finding about a focus node ``?this`` depends on the triples that match a pattern
the shape reads with ``?this`` bound, jointly with the patterns every such match
comes with. A :class:`Read` is one such pattern: a changed triple that matches it
binds some of its variables, and the rest of its joint group, run on the store
that holds the triple, gives the focus nodes whose findings it can change. That is
sound because any match that can reach a result of the query joins the changed
triple to ``?this`` through triples of that same store.

The reads of a shape, from the subset the compiled engine supports
(:mod:`.compiled`):

- its targets: ``?this rdf:type C'`` for each C' in ``rdfs:subClassOf*`` of a
  target class (the subclass closure is read from the data; a change to
  ``rdfs:subClassOf`` is a change to everything);
- each property shape: ``?this p ?v`` (or ``?v p ?this`` for ``sh:inversePath``),
  which every core constraint reads; ``sh:class`` reads ``?v rdf:type C'`` too,
  jointly with the path (on a node shape, ``?this rdf:type C'``);
- each SPARQL constraint: every triple pattern of its query, with the patterns
  certainly matched in any solution that holds it: those of its own group and the
  required (not ``OPTIONAL``, not ``UNION``) parts of every enclosing group.
  A query feature outside what is analysed here (a property path, a sub-query,
  ``GRAPH``, ``VALUES``, an ``EXISTS`` after a ``GROUP BY``) makes the constraint
  :attr:`Read.opaque`; a pattern its joint group does not join to ``?this`` is
  not :attr:`Read.anchored`. Either way any focus node of the shape can depend on it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import count
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef, Variable
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue

from partnergraph.terms import to_oxigraph
from partnergraph.validation.compiled.model import ShapeSpec
from partnergraph.validation.compiled.reader import read_shapes

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_SUBCLASS = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf")
THIS = ox.Variable("this")
Term = ox.NamedNode | ox.BlankNode | ox.Literal
Position = ox.NamedNode | ox.Literal | ox.Variable
#: Algebra nodes that pass their one pattern ``p`` through.
PASS_THROUGH = {"Distinct", "Reduced", "Slice", "OrderBy", "Group", "AggregateJoin"}
EXISTS = {"Builtin_EXISTS", "Builtin_NOTEXISTS"}


class Opaque(Exception):
    """Internal: a query feature the analysis does not follow."""


@dataclass(frozen=True)
class Pattern:
    """A triple pattern, each position a variable or a term.

    Attributes:
        subject: the subject.
        predicate: the predicate.
        object: the object.
        instance: the object is a class and the pattern matches the ``rdf:type``
            triples of the class's instances (any class ``rdfs:subClassOf*`` it).
    """

    subject: Position
    predicate: Position
    object: Position
    instance: bool = False

    def variables(self) -> set[ox.Variable]:
        """The variables of the pattern."""
        return {
            t for t in (self.subject, self.predicate, self.object) if isinstance(t, ox.Variable)
        }

    def sparql(self) -> str:
        """The pattern in SPARQL syntax."""
        predicate = f"{RDF_TYPE}/{RDFS_SUBCLASS}*" if self.instance else str(self.predicate)
        return f"{self.subject} {predicate} {self.object} ."

    def bind(
        self, triple: ox.Triple, subclasses: dict[str, frozenset[str]]
    ) -> dict[ox.Variable, Any] | None:
        """The variables a triple that matches the pattern binds, or None.

        Args:
            triple: the triple.
            subclasses: for an instance pattern, the classes ``rdfs:subClassOf*``
                each class, itself included.
        """
        binding: dict[ox.Variable, Any] = {}
        positions: list[tuple[Position, Any]] = [
            (self.subject, triple.subject),
            (self.predicate, triple.predicate),
        ]
        if self.instance:
            cls = self.object.value if isinstance(self.object, ox.NamedNode) else ""
            found = triple.object
            if not (isinstance(found, ox.NamedNode) and found.value in subclasses.get(cls, ())):
                return None
        else:
            positions.append((self.object, triple.object))
        for position, term in positions:
            if isinstance(position, ox.Variable):
                if binding.setdefault(position, term) != term:
                    return None
            elif position != term:
                return None
        return binding


@dataclass(frozen=True)
class Read:
    """One pattern a shape reads about its focus nodes ``?this``.

    Attributes:
        pattern: the pattern a changed triple may match.
        joint: the other patterns every match of ``pattern`` that can reach a
            finding comes with.
        classes: the target classes of the shape (whose focus nodes all depend on
            the read when it is not anchored).
        anchored: whether ``pattern`` with ``joint`` is joined to ``?this``.
        opaque: the shape reads what the analysis does not follow: any change
            can change the findings of any of its focus nodes.
    """

    pattern: Pattern
    joint: tuple[Pattern, ...] = ()
    classes: tuple[str, ...] = ()
    anchored: bool = True
    opaque: bool = False

    def linked(self, bound: Iterable[ox.Variable]) -> tuple[ox.Variable, ...]:
        """The variables of ``bound`` that ``joint`` uses, in order."""
        used = {v for p in self.joint for v in p.variables()}
        return tuple(sorted(set(bound) & used, key=str))

    def query(
        self, variables: tuple[ox.Variable, ...], rows: Iterable[tuple[Term, ...]] | None
    ) -> str:
        """The SELECT of the focus nodes ``joint`` joins given values to.

        Args:
            variables: the :meth:`linked` variables of a matching triple.
            rows: their values, one row per matching triple, IRIs and literals only
                (pyoxigraph writes each in SPARQL syntax, so a value cannot change
                the query); or None to bind the values of one triple with
                ``substitutions`` (a blank node cannot be written into a query):
                the variables are then projected, as Oxigraph requires.
        """
        text = " ".join(p.sparql() for p in self.joint)
        names = " ".join(str(v) for v in variables)
        if rows is None:
            return f"SELECT DISTINCT ?this {names} WHERE {{ {text} }}"
        values = " ".join("(" + " ".join(str(t) for t in row) + ")" for row in rows)
        return f"SELECT DISTINCT ?this WHERE {{ VALUES ({names}) {{ {values} }} {text} }}"


def shape_reads(shapes: Graph) -> tuple[Read, ...]:
    """Every read of the shapes, without repeats.

    Args:
        shapes: the shapes graph.

    Returns:
        The reads.

    Raises:
        UnsupportedShapes: a shape outside the compiled engine's subset.
    """
    return task_reads(
        (shape, spec.targets) for spec in read_shapes(shapes) for shape in (spec, *spec.properties)
    )


def task_reads(tasks: Iterable[tuple[ShapeSpec, tuple[str, ...]]]) -> tuple[Read, ...]:
    """Every read of some shapes, without repeats.

    Args:
        tasks: each shape (a node shape or a property shape of one) with the
            target classes that bring its focus nodes, as the compiled engine
            pairs them (:class:`~partnergraph.validation.compiled.engine.Task`).

    Returns:
        The reads.
    """
    reads: dict[Read, None] = {}
    for shape, classes in tasks:
        for target in classes:
            reads[Read(Pattern(THIS, RDF_TYPE, ox.NamedNode(target), instance=True))] = None
        for read in _core_reads(shape):
            reads[read] = None
        for constraint in shape.sparql:
            for read in sparql_reads(constraint.query, classes):
                reads[read] = None
    return tuple(reads)


def _core_reads(spec: ShapeSpec) -> Iterator[Read]:
    classes = [r.term for r in spec.rules if r.kind == "class" and isinstance(r.term, URIRef)]
    if spec.path is None:
        for cls in classes:
            yield Read(Pattern(THIS, RDF_TYPE, ox.NamedNode(str(cls)), instance=True))
        return
    value = ox.Variable("v")
    predicate = ox.NamedNode(spec.path.iri)
    path = Pattern(value, predicate, THIS) if spec.path.inverse else Pattern(THIS, predicate, value)
    yield Read(path)
    for cls in classes:
        yield Read(Pattern(value, RDF_TYPE, ox.NamedNode(str(cls)), instance=True), (path,))


def sparql_reads(query: str, classes: tuple[str, ...]) -> list[Read]:
    """The reads of one SPARQL constraint's query (``$PATH`` already filled in).

    Args:
        query: the query as pySHACL runs it.
        classes: the target classes of the shape that holds the constraint.

    Returns:
        One read per triple pattern, or one opaque read.
    """
    try:
        found = _Walk(prepareQuery(query).algebra).patterns()
    except Opaque:
        any_triple = Pattern(ox.Variable("s"), ox.Variable("p"), ox.Variable("o"))
        return [Read(any_triple, classes=classes, anchored=False, opaque=True)]
    reads = []
    for pattern, group in found:
        joint = tuple(sorted(group - {pattern}, key=Pattern.sparql))
        anchored = _joined(pattern, joint)
        reads.append(Read(pattern, joint, classes if not anchored else (), anchored))
    return reads


def _joined(pattern: Pattern, joint: tuple[Pattern, ...]) -> bool:
    """Whether ``pattern`` reaches ``?this`` through variables shared within ``joint``."""
    reached = pattern.variables()
    rest = list(joint)
    while THIS not in reached:
        linked = [p for p in rest if p.variables() & reached]
        if not linked:
            return False
        for p in linked:
            reached |= p.variables()
            rest.remove(p)
    return True


class _Walk:
    """The triple patterns of a query's algebra, each with the patterns any
    solution that matches it also matches (see the module docstring)."""

    def __init__(self, algebra: CompValue) -> None:
        self.algebra = algebra
        self.found: list[tuple[Pattern, frozenset[Pattern]]] = []
        self.visited: set[int] = set()
        self.blanks: dict[BNode, ox.Variable] = {}
        self.fresh = count()

    def patterns(self) -> list[tuple[Pattern, frozenset[Pattern]]]:
        top = self.algebra
        if top.name != "SelectQuery":
            raise Opaque("not a SELECT")
        project = top["p"]
        while project.name in {"Distinct", "Reduced", "Slice"}:
            project = project["p"]
        if project.name != "Project":
            raise Opaque("a SELECT without a projection")
        self.visit(project["p"], frozenset())
        if any(id(node) not in self.visited for node in _all(top) if node.name == "BGP"):
            raise Opaque("a group pattern the walk did not reach")
        return self.found

    def visit(self, node: CompValue, context: frozenset[Pattern]) -> None:
        name = node.name
        if name == "BGP":
            self.visited.add(id(node))
            own = self.required(node)
            for pattern in own:
                self.found.append((pattern, context | own))
        elif name == "Join":
            self.visit(node["p1"], context | self.required(node["p2"]))
            self.visit(node["p2"], context | self.required(node["p1"]))
        elif name == "LeftJoin":
            left = context | self.required(node["p1"])
            self.visit(node["p1"], context)
            self.visit(node["p2"], left)
            self.expression(node.get("expr"), left | self.required(node["p2"]))
        elif name == "Union":
            self.visit(node["p1"], context)
            self.visit(node["p2"], context)
        elif name in {"Filter", "Extend"}:
            self.visit(node["p"], context)
            if _aggregates(node["p"]) and _has_exists(node["expr"]):
                raise Opaque("EXISTS after an aggregation")
            self.expression(node["expr"], context | self.required(node["p"]))
        elif name in PASS_THROUGH:
            for key, value in node.items():
                if key not in {"p", "_vars"} and _has_exists(value):
                    raise Opaque(f"EXISTS in {name}")
            self.visit(node["p"], context)
        else:
            raise Opaque(name)

    def expression(self, expr: Any, context: frozenset[Pattern]) -> None:
        for node in _exists(expr):
            self.visit(_graph(node), context)

    def required(self, node: CompValue) -> frozenset[Pattern]:
        """The patterns every solution of ``node`` matches."""
        name = node.name
        if name == "BGP":
            return frozenset(self.pattern(t) for t in node["triples"])
        if name == "Join":
            return self.required(node["p1"]) | self.required(node["p2"])
        if name == "LeftJoin":
            return self.required(node["p1"])
        if name == "Union":
            return self.required(node["p1"]) & self.required(node["p2"])
        if name in PASS_THROUGH or name in {"Filter", "Extend"}:
            return self.required(node["p"])
        raise Opaque(name)

    def pattern(self, triple: tuple[Any, Any, Any]) -> Pattern:
        subject, predicate, obj = (self.position(t) for t in triple)
        return Pattern(subject, predicate, obj)

    def position(self, term: Any) -> Position:
        if isinstance(term, Variable):
            return ox.Variable(str(term))
        if isinstance(term, BNode):  # a blank node in a pattern is a variable of its group
            if term not in self.blanks:
                self.blanks[term] = ox.Variable(f"blank{next(self.fresh)}")
            return self.blanks[term]
        converted = to_oxigraph(term) if isinstance(term, URIRef | Literal) else None
        if isinstance(converted, ox.NamedNode | ox.Literal):
            return converted
        raise Opaque(f"a property path or term {term!r}")


def _graph(node: CompValue) -> CompValue:
    """The group of an EXISTS, as algebra.

    rdflib translates it into algebra as an attribute of the node, which shadows
    the parse tree still held under the same key.
    """
    graph = node.graph
    if not isinstance(graph, CompValue) or "GroupGraphPattern" in graph.name:
        raise Opaque("an EXISTS group rdflib left untranslated")
    return graph


def _all(value: Any) -> Iterator[CompValue]:
    """Every algebra node under ``value``, itself included, expressions too."""
    if isinstance(value, CompValue):
        yield value
        if value.name in EXISTS:
            yield from _all(_graph(value))
            return
        for key, item in value.items():
            if key != "_vars":
                yield from _all(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _all(item)


def _exists(expr: Any) -> Iterator[CompValue]:
    """The outermost EXISTS and NOT EXISTS of an expression."""
    if isinstance(expr, CompValue):
        if expr.name in EXISTS:
            yield expr
            return
        for key, item in expr.items():
            if key != "_vars":
                yield from _exists(item)
    elif isinstance(expr, list | tuple):
        for item in expr:
            yield from _exists(item)


def _has_exists(expr: Any) -> bool:
    return next(_exists(expr), None) is not None


def _aggregates(node: CompValue) -> bool:
    return any(n.name in {"AggregateJoin", "Group"} for n in _all(node))
