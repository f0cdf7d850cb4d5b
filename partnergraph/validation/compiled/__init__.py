"""SHACL shapes compiled to SPARQL and run by Oxigraph: the fast validation path.

SHACL: https://www.w3.org/TR/shacl/. pySHACL is the reference; this engine gives
the same findings (compared by :meth:`Finding.key`) on the subset of SHACL the
project's shapes use, and refuses every other shape with :class:`UnsupportedShapes`
so that the caller can fall back to pySHACL. The subset:

- targets: ``sh:targetClass`` (instances through ``rdf:type/rdfs:subClassOf*`` in
  the data graph);
- paths: an IRI, or ``sh:inversePath`` of an IRI;
- core constraints: ``sh:minCount``, ``sh:maxCount``, ``sh:datatype``, ``sh:class``,
  ``sh:nodeKind``, ``sh:in``, ``sh:hasValue``, ``sh:pattern`` (with ``sh:flags``),
  ``sh:minInclusive``, ``sh:maxInclusive``, ``sh:minExclusive``, ``sh:maxExclusive``,
  ``sh:uniqueLang``, ``sh:languageIn``, each shape with a ``sh:message``;
- SPARQL constraints: ``sh:sparql`` with ``sh:select``, ``sh:prefixes``/``sh:declare``,
  ``sh:message`` templates, ``$PATH``;
- ``sh:severity``, ``sh:deactivated``, ``sh:property`` (property shapes of node shapes).

A run can be restricted to a list of focus nodes (``run(store, focus=...)``): the
findings of a full run about those nodes, which is what validating a change needs
(:mod:`partnergraph.validation.affected`).

Where pySHACL 0.40 departs from the letter of the spec, this engine follows pySHACL:

- literals are judged by rdflib: ``sh:datatype`` fails a literal rdflib cannot read
  (``"2020-02-30"^^xsd:date``) and passes what Python reads (``"1_000"^^xsd:integer``,
  any ``xsd:gYear``); ``sh:min/max*`` compare with rdflib's order (a string against
  a number fails; two datatypes compare by their IRIs); ``sh:pattern`` is Python's
  ``re.search`` on rdflib's string form, and of ``sh:flags`` only ``i`` and ``m`` count;
- ``sh:languageIn`` matches a tag or its first subtag case-insensitively (not
  ``langMatches``: ``en-GB`` in the list does not admit ``en-GB-oed``), ``*`` any tag;
- ``sh:uniqueLang`` gives one result per duplicated language, with no value;
- a SPARQL result takes the severity of its shape (a ``sh:severity`` on the
  ``sh:sparql`` node is ignored) and the messages of both the shape and the
  constraint; ``{?var}`` is filled by ``re.sub`` with the term's rdflib string;
  ``{$this}`` stays when the query does not project ``$this``; a row binding none of
  ``$this``, ``?path``, ``?value`` reports nothing; on a node shape the value is
  the focus node unless ``?value`` is projected; identical rows report once;
- ``sh:deactivated`` is Python's truth of the literal's value (``"false"`` is true);
- the message of a result is the first of its messages in sorted order (what
  ``findings_from_report`` keeps), and a value is written as rdflib writes it
  (``"1.0"^^xsd:double`` for Oxigraph's ``"1"``).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import Graph

from partnergraph.validation.compiled.engine import (
    Run,
    Task,
    core_findings,
    proofread,
    sparql_findings,
)
from partnergraph.validation.compiled.model import UnsupportedShapes
from partnergraph.validation.compiled.queries import PythonChecks, shape_query
from partnergraph.validation.compiled.reader import read_shapes
from partnergraph.validation.findings import Finding

__all__ = ["CompiledShapes", "UnsupportedShapes", "compile_shapes", "focus_iri"]


@dataclass(frozen=True)
class CompiledShapes:
    """Shapes compiled to SPARQL, ready to run on any store.

    Attributes:
        tasks: one per shape and the target classes that bring its focus nodes.
        python: the value checks the queries call back into Python for.
    """

    tasks: tuple[Task, ...]
    python: PythonChecks

    def run(
        self,
        store: ox.Store,
        focus: Collection[str] | None = None,
        *,
        default_is_union: bool = False,
    ) -> list[Finding]:
        """Validate the union of the store's named graphs.

        Args:
            store: the data; it is only read.
            focus: when given, validate only these nodes (IRIs in N-Triples syntax,
                ``<iri>``, as :attr:`Finding.focus` writes them), each against the
                shapes whose targets it is in: the findings are those of a full run
                whose focus node is one of them.
            default_is_union: the store's default graph holds the union of its
                named graphs (a snapshot's store): read it alone, which gives the
                same findings many times faster.

        Returns:
            Every validation result (about ``focus``, when given), sorted.

        Raises:
            ValueError: a focus node that is not an IRI in N-Triples syntax.
        """
        only = None if focus is None else frozenset(focus_iri(node) for node in focus)
        if only is not None and not only:
            return []
        run = Run(store, self.python, only=only, default_is_union=default_is_union)
        findings: list[Finding] = []
        for task in self.tasks:
            findings.extend(core_findings(run, task))
            for constraint in task.spec.sparql:
                if not constraint.deactivated:
                    findings.extend(sparql_findings(run, task, constraint))
        if only is not None:  # a SPARQL constraint may report a node other than $this
            wanted = {str(node) for node in only}
            findings = [f for f in findings if f.focus in wanted]
        return sorted(findings, key=Finding.key)


def focus_iri(node: str) -> ox.NamedNode:
    """A focus node written ``<iri>`` as a pyoxigraph IRI.

    Raises:
        ValueError: ``node`` is not an IRI in N-Triples syntax.
    """
    if not (node.startswith("<") and node.endswith(">")):
        raise ValueError(f"a focus node to validate must be an IRI written <...>, not {node!r}")
    try:
        return ox.NamedNode(node[1:-1])
    except ValueError as exc:
        raise ValueError(f"the focus node {node} is not a valid IRI: {exc}") from None


def compile_shapes(shapes: Graph) -> CompiledShapes:
    """Compile a shapes graph.

    Args:
        shapes: the SHACL shapes.

    Returns:
        The compiled shapes.

    Raises:
        UnsupportedShapes: a shape uses a feature outside the subset; the message
            names the shape and the feature.
    """
    python = PythonChecks()
    tasks = []
    for spec in read_shapes(shapes):
        if spec.deactivated:
            continue
        classes = spec.targets
        for shape in (spec, *spec.properties):
            if not shape.deactivated:
                tasks.append(Task(shape, classes, shape_query(shape, classes, python)))
    proofread(tasks, python)
    return CompiledShapes(tuple(tasks), python)
