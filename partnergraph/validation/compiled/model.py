"""The shapes the compiled engine understands, as plain records.

SHACL: https://www.w3.org/TR/shacl/. :mod:`.reader` fills these from a shapes graph;
:mod:`.queries` and :mod:`.sparql_text` compile them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib.term import Node

from partnergraph.errors import PartnergraphError


class UnsupportedShapes(PartnergraphError):
    """A shape uses a SHACL feature the compiled engine does not implement."""

    title = "Unsupported shapes"

    def __init__(self, shape: Node | None, feature: str) -> None:
        self.shape = "" if shape is None else str(shape)
        self.feature = feature
        where = f"shape {self.shape}: " if shape is not None else ""
        super().__init__(f"{where}{feature}")


@dataclass(frozen=True, order=True)
class CopyPattern:
    """A widened triple pattern of a query: what to copy from the store.

    Attributes:
        triple: the pattern, e.g. ``?this ?v1 ?v2 .`` (its variables independent).
        focus: whether ``?this`` in it stands for the focus nodes.
    """

    triple: str
    focus: bool

    def binds(self) -> str:
        """BIND the pattern's three positions to ``?s ?p ?o``."""
        positions = self.triple.rstrip(" .").split(" ")
        return " ".join(f"BIND({v} AS ?{n})" for n, v in zip("spo", positions, strict=True))


@dataclass(frozen=True)
class SparqlConstraint:
    """A SPARQL-based constraint, ready to run.

    Attributes:
        node: the sh:sparql node.
        query: the query as pySHACL runs it (prefixes added, ``$PATH`` filled in).
        prologue: the PREFIX lines pySHACL adds.
        body: the query rewritten to run once: the focus nodes (:data:`FOCUS`) joined
            first into its WHERE group and ``?this`` projected; empty if per focus.
        projection: the variables the query projects, in order.
        projects_this: whether the query itself projects ``$this``.
        per_focus: run once per focus node (``$this`` substituted) instead of once.
        dedupe: None, or (duplicate-sensitive aggregates) the patterns that select
            every triple the query can match, to copy once each into a store the
            query then runs on; empty for all triples.
        messages: the sh:message texts of the constraint.
        deactivated: sh:deactivated on the constraint.
    """

    node: Node
    query: str
    prologue: str
    body: str
    projection: tuple[str, ...]
    projects_this: bool
    per_focus: bool
    dedupe: tuple[CopyPattern, ...] | None
    messages: tuple[str, ...]
    deactivated: bool


@dataclass(frozen=True)
class Path:
    """A property path: one IRI, possibly inverted.

    Attributes:
        iri: the predicate.
        inverse: True for ``[ sh:inversePath <iri> ]``.
    """

    iri: str
    inverse: bool = False

    def sparql(self) -> str:
        """The path in SPARQL syntax, as results report it (``<p>`` or ``^<p>``)."""
        return f"^<{self.iri}>" if self.inverse else f"<{self.iri}>"

    def triple(self, subject: str, obj: str) -> str:
        """A triple pattern from ``subject`` along the path to ``obj``."""
        if self.inverse:
            return f"{obj} <{self.iri}> {subject} ."
        return f"{subject} <{self.iri}> {obj} ."


@dataclass(frozen=True)
class ValueRule:
    """A constraint checked on each value node on its own.

    Attributes:
        component: the constraint component IRI.
        kind: ``class``, ``datatype``, ``nodeKind``, ``in``, ``languageIn``, ``pattern``
            or ``range``.
        term: the parameter (class, datatype, node kind, pattern or bound).
        terms: the members of a list parameter (sh:in, sh:languageIn).
        flags: the sh:flags of a pattern.
        op: the comparison of a range rule (``>=``, ``<=``, ``>``, ``<``).
    """

    component: str
    kind: str
    term: Node | None = None
    terms: tuple[Node, ...] = ()
    flags: str | None = None
    op: str = ""


@dataclass
class ShapeSpec:
    """One shape, reduced to what validation needs.

    Attributes:
        node: the shape node in the shapes graph.
        name: the IRI reported as the shape (the enclosing named shape for a blank node).
        path: the path of a property shape; None for a node shape.
        severity: ``Violation``, ``Warning`` or ``Info``.
        messages: the sh:message texts.
        deactivated: sh:deactivated.
        targets: the sh:targetClass IRIs.
        min_count: sh:minCount, when given and above 0.
        max_count: sh:maxCount, when given.
        has_values: the sh:hasValue terms.
        unique_lang: sh:uniqueLang true.
        rules: the value-node rules.
        sparql: the SPARQL-based constraints.
        properties: the property shapes of a node shape.
    """

    node: Node
    name: str
    path: Path | None
    severity: str
    messages: tuple[str, ...]
    deactivated: bool
    targets: tuple[str, ...] = ()
    min_count: int | None = None
    max_count: int | None = None
    has_values: tuple[Node, ...] = ()
    unique_lang: bool = False
    rules: tuple[ValueRule, ...] = ()
    sparql: tuple[SparqlConstraint, ...] = ()
    properties: list[ShapeSpec] = field(default_factory=list)

    def message(self) -> str:
        """The message a core-constraint result carries (pySHACL's report, first sorted)."""
        return min(self.messages) if self.messages else ""
