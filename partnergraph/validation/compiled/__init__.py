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

Where pySHACL 0.40 departs from the letter of the spec, this engine follows pySHACL;
``docs`` of each module name the departures.
"""

from __future__ import annotations

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

__all__ = ["CompiledShapes", "UnsupportedShapes", "compile_shapes"]


@dataclass(frozen=True)
class CompiledShapes:
    """Shapes compiled to SPARQL, ready to run on any store.

    Attributes:
        tasks: one per shape and the target classes that bring its focus nodes.
        python: the value checks the queries call back into Python for.
    """

    tasks: tuple[Task, ...]
    python: PythonChecks

    def run(self, store: ox.Store) -> list[Finding]:
        """Validate the union of the store's named graphs.

        Args:
            store: the data; it is only read.

        Returns:
            Every validation result, sorted.
        """
        run = Run(store, self.python)
        findings: list[Finding] = []
        for task in self.tasks:
            findings.extend(core_findings(run, task))
            for constraint in task.spec.sparql:
                if not constraint.deactivated:
                    findings.extend(sparql_findings(run, task, constraint))
        return sorted(findings, key=Finding.key)


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
