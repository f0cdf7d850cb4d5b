"""The compiled SHACL engine gives exactly pySHACL's findings.

Findings are compared by :meth:`Finding.key` (severity, focus, path, value,
component, message) as multisets: a result pySHACL reports twice (one property
shape reached from two node shapes) must come twice from the compiled engine too.

- (a) small shapes and data written here, one case per feature of the subset, each
  with conforming and violating nodes;
- (b) every fixture in ``tests/data/shapes/`` with the real ``shapes/``;
- (c) the real ``graph/`` with ``shapes/``;
- (d) generated data with planted faults (``benchmarks/generate.py``, ~10 000 triples);
- shapes outside the subset raise :class:`UnsupportedShapes`, naming shape and feature.
"""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Result

from partnergraph.settings import Settings
from partnergraph.terms import rdflib_graph
from partnergraph.validation import Finding, load_data, load_shapes
from partnergraph.validation.compiled import CompiledShapes, UnsupportedShapes, compile_shapes
from partnergraph.validation.compiled.engine import Run
from partnergraph.validation.pyshacl_engine import validate_with_pyshacl

from .paths import DATA, ROOT

SHAPES_DIR = ROOT / "shapes"
FIXTURES = DATA / "shapes"
CONTEXT = [ROOT / "graph" / "vocabulary.trig", ROOT / "graph" / "schemes.trig"]

PREFIXES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix ex: <http://example.org/> .
"""


class PreparedQueries(Graph):
    """An rdflib graph on which each SPARQL text is parsed once.

    pySHACL hands rdflib the text of a SPARQL constraint once per focus node, and
    rdflib parses the text every time: four fifths of pySHACL's time on a fixture file,
    more than nine tenths on the generated data. Here each text is parsed once into
    rdflib's own prepared query (``prepareQuery``, made to be evaluated again with other
    bindings), then evaluated as the text would be: the data, pySHACL and rdflib's
    evaluation are unchanged (``test_prepared_queries_change_no_finding``).
    """

    def __init__(self, data: Graph) -> None:
        super().__init__(data.store, data.identifier, data.namespace_manager)
        self.prepared: dict[tuple[str, tuple[tuple[str, Any], ...]], Query] = {}

    def query(  # type: ignore[override]
        self,
        query_object: str | Query,
        processor: str = "sparql",
        result: str = "sparql",
        initNs: dict[str, Any] | None = None,  # noqa: N803 (rdflib's name)
        initBindings: dict[str, Any] | None = None,  # noqa: N803
        use_store_provided: bool = True,
        **kwargs: Any,
    ) -> Result:
        if isinstance(query_object, str) and processor == "sparql" and not kwargs:
            namespaces = tuple(sorted((initNs or dict(self.namespaces())).items()))
            key = (query_object, namespaces)
            if key not in self.prepared:
                self.prepared[key] = prepareQuery(query_object, initNs=dict(namespaces))
            query_object = self.prepared[key]
        return super().query(
            query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs
        )


def pyshacl_findings(store: ox.Store, shapes: Graph) -> list[Finding]:
    """pySHACL's findings on the union of the store's graphs: the reference."""
    return validate_with_pyshacl(PreparedQueries(rdflib_graph(store)), shapes)


def both(
    store: ox.Store,
    shapes: Graph,
    compiled: CompiledShapes | None = None,
    reference: list[Finding] | None = None,
) -> tuple[list[Finding], list[Finding]]:
    """The compiled engine's findings and pySHACL's, on the same data.

    Args:
        store: the data.
        shapes: the shapes graph.
        compiled: ``shapes`` compiled already; compiled here when None.
        reference: pySHACL's findings on ``store`` and ``shapes``, when already known;
            computed here when None.
    """
    before = len(store)
    if compiled is None:
        compiled = compile_shapes(shapes)
    found = compiled.run(store)
    assert len(store) == before, "the compiled engine must not change the store"
    if reference is None:
        reference = pyshacl_findings(store, shapes)
    return found, reference


def assert_same(
    store: ox.Store,
    shapes: Graph,
    compiled: CompiledShapes | None = None,
    reference: list[Finding] | None = None,
) -> list[Finding]:
    """Both engines agree; return the findings (see :func:`both` for the arguments)."""
    compiled_found, reference = both(store, shapes, compiled, reference)
    missing = Counter(f.key() for f in reference) - Counter(f.key() for f in compiled_found)
    extra = Counter(f.key() for f in compiled_found) - Counter(f.key() for f in reference)
    assert not missing, f"pySHACL reports, the compiled engine does not: {dict(missing)}"
    assert not extra, f"the compiled engine reports, pySHACL does not: {dict(extra)}"
    return compiled_found


def store_of(trig: str) -> ox.Store:
    """A store holding TriG data (the prefixes above are declared)."""
    store = ox.Store()
    store.load((PREFIXES + trig).encode(), format=ox.RdfFormat.TRIG)
    return store


def shapes_of(turtle: str) -> Graph:
    """A shapes graph from Turtle (the prefixes above are declared)."""
    return Graph().parse(data=PREFIXES + turtle, format="turtle")


# ---- (a) one case per feature ----------------------------------------------------------

CASES: dict[str, tuple[str, str, int]] = {
    # name: (shapes, data, how many findings at least)
    "counts": (
        """
        ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property ex:S-p , ex:S-q .
        ex:S-p sh:path ex:p ; sh:minCount 2 ; sh:maxCount 3 ; sh:message "two or three p" .
        ex:S-q sh:path ex:q ; sh:minCount 1 ; sh:message "a q" .
        """,
        """
        ex:g1 { ex:a a ex:C ; ex:p 1, 2 ; ex:q 1 .
                ex:b a ex:C ; ex:p 1 .
                ex:c a ex:C ; ex:p 1, 2, 3, 4 ; ex:q 1 .
                ex:d a ex:C ; ex:p 1 ; ex:q 1 . }
        ex:g2 { ex:d ex:p 1 . ex:e a ex:C ; ex:q 2 ; ex:p "1", "01" . }
        """,
        4,
    ),
    "datatype": (
        """
        ex:S a sh:NodeShape ; sh:targetClass ex:C ;
          sh:property [ sh:path ex:int ; sh:datatype xsd:integer ; sh:message "int" ] ,
            [ sh:path ex:date ; sh:datatype xsd:date ; sh:message "date" ] ,
            [ sh:path ex:str ; sh:datatype xsd:string ; sh:message "string" ] ,
            [ sh:path ex:lang ; sh:datatype rdf:langString ; sh:message "lang" ] ,
            [ sh:path ex:lit ; sh:datatype rdfs:Literal ; sh:message "literal" ] ,
            [ sh:path ex:bool ; sh:datatype xsd:boolean ; sh:message "bool" ] ,
            [ sh:path ex:year ; sh:datatype xsd:gYear ; sh:message "year" ] ,
            [ sh:path ex:dec ; sh:datatype xsd:decimal ; sh:message "decimal" ] .
        """,
        """
        ex:g { ex:a a ex:C ; ex:int 1, "01"^^xsd:integer, "x"^^xsd:integer, 1.5, "1" ;
                 ex:date "2020-01-31"^^xsd:date, "2020-02-30"^^xsd:date, "2020-1-5"^^xsd:date,
                         "2021-01-05Z"^^xsd:date, "2020-01-01" , ex:iri ;
                 ex:str "s", "t"^^xsd:string, "s"@en, 5 ;
                 ex:lang "x"@en, "x", _:b ;
                 ex:lit "x", 1, "y"@fi, ex:iri ;
                 ex:bool true, "1"^^xsd:boolean, "yes"^^xsd:boolean ;
                 ex:year "2020"^^xsd:gYear, "20x0"^^xsd:gYear, 2020 ;
                 ex:dec 1.50, "1.0"^^xsd:decimal, "abc"^^xsd:decimal, 2 . }
        """,
        16,
    ),
    "class": (
        """
        ex:S a sh:NodeShape ; sh:targetClass ex:C ;
          sh:property [ sh:path ex:link ; sh:class ex:K ; sh:message "a K" ] ,
            [ sh:path ex:both ; sh:class ex:K, ex:L ; sh:message "a K and an L" ] .
        """,
        """
        ex:g1 { ex:Sub rdfs:subClassOf ex:K . ex:SubSub rdfs:subClassOf ex:Sub .
                ex:k1 a ex:K . ex:k2 a ex:SubSub . ex:l a ex:L . ex:kl a ex:K, ex:L .
                ex:a a ex:C ; ex:link ex:k1, ex:k2, ex:l, "text", _:b , ex:nothing ;
                     ex:both ex:kl, ex:k1, ex:other . }
        ex:g2 { _:b a ex:K . }
        """,
        6,
    ),
    "nodeKind": (
        """
        ex:S a sh:NodeShape ; sh:targetClass ex:C ;
          sh:property [ sh:path ex:iri ; sh:nodeKind sh:IRI ; sh:message "iri" ] ,
            [ sh:path ex:bnode ; sh:nodeKind sh:BlankNode ; sh:message "bnode" ] ,
            [ sh:path ex:lit ; sh:nodeKind sh:Literal ; sh:message "literal" ] ,
            [ sh:path ex:bi ; sh:nodeKind sh:BlankNodeOrIRI ; sh:message "bi" ] ,
            [ sh:path ex:bl ; sh:nodeKind sh:BlankNodeOrLiteral ; sh:message "bl" ] ,
            [ sh:path ex:il ; sh:nodeKind sh:IRIOrLiteral ; sh:message "il" ] .
        ex:N a sh:NodeShape ; sh:targetClass ex:C ; sh:nodeKind sh:IRI ;
          sh:message "focus must be an IRI" .
        """,
        """
        ex:g { ex:a a ex:C ; ex:iri ex:x, "x", _:b1 ; ex:bnode _:b2, ex:x, 1 ;
                 ex:lit 1, ex:x, _:b3 ; ex:bi ex:x, _:b4, "x" ; ex:bl _:b5, "x", ex:x ;
                 ex:il ex:x, "x", _:b6 .
               _:n a ex:C . }
        """,
        10,
    ),
    "in and hasValue": (
        """
        ex:S a sh:NodeShape ; sh:targetClass ex:C ;
          sh:property [ sh:path ex:kind ; sh:in ( ex:a ex:b "c" 1 "d"@en ) ; sh:message "in" ] ,
            [ sh:path ex:tag ; sh:hasValue ex:must, "also" ; sh:message "has" ] ,
            [ sh:path [ sh:inversePath ex:owns ] ; sh:hasValue ex:owner ; sh:message "owned" ] .
        ex:N a sh:NodeShape ; sh:targetClass ex:D ; sh:hasValue ex:d1 ; sh:message "only d1" .
        """,
        """
        ex:g { ex:x a ex:C ; ex:kind ex:a, "c", 1, 1.0, "d"@en, "d"@fi, "1", ex:z ;
                 ex:tag ex:must, "also" . ex:owner ex:owns ex:x .
               ex:y a ex:C ; ex:tag ex:must . ex:other ex:owns ex:y .
               ex:d1 a ex:D . ex:d2 a ex:D . }
        """,
        7,
    ),
    "pattern": (
        """
        ex:S a sh:NodeShape ; sh:targetClass ex:C ;
          sh:property [ sh:path ex:mail ; sh:pattern "^[a-z]+@[a-z]+\\\\.se$" ;
                        sh:message "mail" ] ,
            [ sh:path ex:code ; sh:pattern "^se" ; sh:flags "i" ; sh:message "code" ] ,
            [ sh:path ex:two ; sh:pattern "a" , "b" ; sh:message "a and b" ] ,
            [ sh:path ex:link ; sh:pattern "^http://www\\\\.wikidata\\\\.org/entity/Q[0-9]+$" ;
              sh:message "wikidata" ] ,
            [ sh:path ex:num ; sh:pattern "^[0-9]+$" ; sh:message "digits" ] .
        """,
        """
        ex:g { ex:a a ex:C ; ex:mail "a@b.se", "A@b.se", "a@b.se\\n", "a@b.see", _:b ;
                 ex:code "SE-1", "se", "fi" ; ex:two "ab", "a", "c" ;
                 ex:link <http://www.wikidata.org/entity/Q1>, <https://www.wikidata.org/wiki/Q1> ;
                 ex:num 12, -3, "1e3"^^xsd:double, "0012"^^xsd:integer . }
        """,
        10,
    ),
    "ranges": (
        """
        ex:S a sh:NodeShape ; sh:targetClass ex:C ;
          sh:property [ sh:path ex:n ; sh:minInclusive 0 ; sh:maxInclusive 10 ;
                        sh:message "0-10" ] ,
            [ sh:path ex:m ; sh:minExclusive 0 ; sh:maxExclusive 1.5 ; sh:message "(0, 1.5)" ] ,
            [ sh:path ex:d ; sh:minInclusive "2000-01-01"^^xsd:date ; sh:message "since 2000" ] ,
            [ sh:path ex:s ; sh:minInclusive "b" ; sh:message "from b" ] .
        """,
        """
        ex:g { ex:a a ex:C ; ex:n 0, 10, 11, -1, 5.5, "5", ex:iri, _:b, "7"^^xsd:byte ;
                 ex:m 0, 1, 1.5, 1.4e0, "x" ; ex:d "1999-12-31"^^xsd:date, "2001-01-01"^^xsd:date,
                 "2005"^^xsd:gYear, 2005 ; ex:s "a", "c", 3, "b"@en . }
        """,
        15,
    ),
    "languages": (
        """
        ex:S a sh:NodeShape ; sh:targetClass ex:C ;
          sh:property [ sh:path rdfs:label ; sh:languageIn ( "en" "SV" ) ; sh:uniqueLang true ;
                        sh:message "labels" ] ,
            [ sh:path ex:any ; sh:languageIn ( "*" ) ; sh:message "tagged" ] ,
            [ sh:path ex:free ; sh:uniqueLang false ; sh:message "free" ] .
        """,
        """
        ex:g1 { ex:a a ex:C ; rdfs:label "A"@en, "B"@en, "A"@en-GB, "A"@sv, "C"@sv, "D"@SV,
                                           "E"@fi, "plain", ex:iri ;
                  ex:any "x"@de, "y" ; ex:free "a"@en, "b"@en . }
        ex:g2 { ex:a rdfs:label "A"@en . ex:b a ex:C ; rdfs:label "ok"@en . }
        """,
        6,
    ),
    "sparql": (
        """
        ex:decl a owl:Ontology ;
          sh:declare [ sh:prefix "ex" ; sh:namespace "http://example.org/"^^xsd:anyURI ] .
        ex:Node a sh:NodeShape ; sh:targetClass ex:C ; sh:severity sh:Warning ;
          sh:sparql [ sh:prefixes ex:decl ; sh:message "{$this} links itself via {?path}" ;
              sh:select "SELECT $this ?path WHERE { $this ?path $this }" ] ,
            [ sh:prefixes ex:decl ; sh:message "bad {?value} of {?this} ({?extra})" ;
              sh:select \"\"\"SELECT $this ?value ?extra WHERE {
                  $this ex:p ?value . FILTER (?value > 5) BIND (STR(?value) AS ?extra) }\"\"\" ] ,
            [ sh:prefixes ex:decl ; sh:message "not projected: {$this}" ;
              sh:select "SELECT ?value WHERE { $this ex:q ?value }" ] ,
            [ sh:prefixes ex:decl ; sh:message "deactivated" ; sh:deactivated true ;
              sh:select "SELECT $this WHERE { $this a ex:C }" ] .
        ex:Prop a sh:NodeShape ; sh:targetClass ex:C ; sh:property ex:Prop-p .
        ex:Prop-p sh:path ex:p ; sh:message "shape message" ;
          sh:sparql [ sh:prefixes ex:decl ; sh:message "{?value} twice on {$PATH}" ;
              sh:select \"\"\"SELECT $this ?value WHERE {
                  $this $PATH ?value . $this ex:p2 ?value }\"\"\" ] ,
            [ sh:prefixes ex:decl ; sh:select "SELECT $this WHERE { $this $PATH 7 }" ] .
        """,
        """
        ex:g { ex:a a ex:C ; ex:p 3, 7, 9 ; ex:p2 9 ; ex:q "q" . ex:b a ex:C ; ex:p 1 .
               ex:c a ex:C ; ex:self ex:c . ex:x ex:p 8 . }
        """,
        6,
    ),
    "sparql evaluated per focus node": (
        """
        ex:decl a owl:Ontology ;
          sh:declare [ sh:prefix "ex" ; sh:namespace "http://example.org/"^^xsd:anyURI ] .
        ex:Label a sh:NodeShape ; sh:targetClass ex:C ;
          sh:sparql [ sh:prefixes ex:decl ; sh:message "no English label" ;
              sh:select \"\"\"SELECT $this ?path WHERE {
                  FILTER NOT EXISTS { $this rdfs:label ?l FILTER (langMatches(lang(?l), "en")) }
                  BIND (rdfs:label AS ?path) }\"\"\" ] ,
            [ sh:prefixes ex:decl ; sh:message "first two: {?value}" ;
              sh:select \"\"\"SELECT $this ?value WHERE { $this ex:p ?value }
                  ORDER BY ?value LIMIT 2\"\"\" ] .
        """,
        """
        ex:g { ex:a a ex:C ; rdfs:label "a"@en ; ex:p 1, 2, 3 . ex:b a ex:C ; rdfs:label "b"@sv .
               ex:c a ex:C ; ex:p 5 . }
        """,
        5,
    ),
    "sparql aggregates over repeated triples": (
        """
        ex:decl a owl:Ontology ;
          sh:declare [ sh:prefix "ex" ; sh:namespace "http://example.org/"^^xsd:anyURI ] .
        ex:One a sh:NodeShape ; sh:targetClass ex:C ;
          sh:sparql [ sh:prefixes ex:decl ; sh:message "{?n} quantities" ;
              sh:select \"\"\"SELECT $this (COUNT(?q) AS ?n) WHERE {
                  OPTIONAL { $this ?p ?q FILTER (?p IN (ex:value, ex:more)) } }
                  GROUP BY $this HAVING (COUNT(?q) != 1)\"\"\" ] .
        """,
        """
        ex:g1 { ex:a a ex:C ; ex:value 1 . ex:b a ex:C ; ex:value 1 ; ex:more 2 . ex:c a ex:C . }
        ex:g2 { ex:a ex:value 1 . ex:d a ex:C ; ex:more 3 . }
        ex:g3 { ex:d ex:more 3 . ex:d a ex:C . }
        """,
        2,
    ),
    "targets, severities, sharing and deactivation": (
        """
        ex:A a sh:NodeShape ; sh:targetClass ex:Top, ex:Other ; sh:property ex:Label .
        ex:B a sh:NodeShape ; sh:targetClass ex:Mid ; sh:property ex:Label ;
          sh:property [ sh:path ex:x ; sh:minCount 1 ; sh:severity sh:Info ; sh:message "x" ] .
        ex:Label sh:path rdfs:label ; sh:minCount 1 ; sh:severity sh:Warning ; sh:message "label" .
        ex:Off a sh:NodeShape ; sh:targetClass ex:Top ; sh:deactivated true ;
          sh:property [ sh:path ex:y ; sh:minCount 1 ; sh:message "y" ] .
        ex:OffProp a sh:NodeShape ; sh:targetClass ex:Top ;
          sh:property [ sh:path ex:z ; sh:minCount 1 ; sh:deactivated true ; sh:message "z" ] ,
            [ sh:path ex:w ; sh:minCount 1 ; sh:message "w" ] .
        ex:Own sh:path ex:v ; sh:targetClass ex:Other ; sh:minCount 1 ; sh:message "v" .
        """,
        """
        ex:g1 { ex:Mid rdfs:subClassOf ex:Top . ex:Low rdfs:subClassOf ex:Mid .
                ex:t a ex:Top . ex:m a ex:Mid ; rdfs:label "m" . ex:l a ex:Low . ex:o a ex:Other . }
        ex:g2 { ex:l a ex:Mid . ex:w ex:w 1 . ex:t ex:w 1 . }
        """,
        9,
    ),
}


@pytest.fixture(params=[None, "scan", "focus"], ids=["chosen", "scan", "focus-first"])
def form(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str | None:
    """Each query form of the core constraints (the engine picks one by data size)."""
    monkeypatch.setattr(Run, "FORM", request.param)
    return request.param  # type: ignore[no-any-return]


@pytest.mark.filterwarnings("ignore:Parsing weird boolean:UserWarning")
@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_each_feature_as_pyshacl(case: str, form: str | None) -> None:
    shapes, data, at_least = CASES[case]
    found = assert_same(store_of(data), shapes_of(shapes))
    assert len(found) >= at_least


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_conforming_data_gives_nothing(case: str) -> None:
    shapes, _data, _ = CASES[case]
    store = store_of("ex:g { ex:lonely ex:p ex:nothing . }")
    assert assert_same(store, shapes_of(shapes)) == []


def test_per_focus_and_deduplicating_paths_are_taken() -> None:
    """The cases above run SPARQL constraints once, once per focus node (a LIMIT
    applies per focus node under pre-binding) and on de-duplicated triples."""
    per_focus = compile_shapes(shapes_of(CASES["sparql evaluated per focus node"][0]))
    modes = {c.messages: c.per_focus for t in per_focus.tasks for c in t.spec.sparql}
    assert modes == {("no English label",): False, ("first two: {?value}",): True}
    aggregates = compile_shapes(shapes_of(CASES["sparql aggregates over repeated triples"][0]))
    assert all(c.dedupe is not None for t in aggregates.tasks for c in t.spec.sparql)
    once = compile_shapes(shapes_of(CASES["sparql"][0]))
    assert not any(c.per_focus for t in once.tasks for c in t.spec.sparql)


@pytest.mark.filterwarnings("ignore:Parsing weird boolean:UserWarning")
def test_findings_name_the_enclosing_shape_of_a_blank_property_shape() -> None:
    shapes, data, _ = CASES["datatype"]
    found = compile_shapes(shapes_of(shapes)).run(store_of(data))
    assert {f.shape for f in found} == {"http://example.org/S"}


# ---- (b), (c) the project's shapes on fixtures and on the real graph ----------------------


@pytest.fixture(scope="module")
def project_shapes() -> Graph:
    return load_shapes([SHAPES_DIR])[0]


@pytest.fixture(scope="module")
def project_compiled(project_shapes: Graph) -> CompiledShapes:
    """``shapes/`` compiled once (a second): compiled shapes run on any store."""
    return compile_shapes(project_shapes)


def fixture_store(fixture: Path) -> ox.Store:
    """A fixture file loaded with its context, as the build loads it."""
    store, _files = load_data([*CONTEXT, FIXTURES / "base.trig", fixture], Settings())
    return store


@pytest.fixture(scope="module", params=sorted(FIXTURES.glob("*.trig")), ids=lambda p: p.stem)
def fixture_data(
    request: pytest.FixtureRequest, project_shapes: Graph
) -> tuple[ox.Store, list[Finding]]:
    """A fixture file loaded, and pySHACL's findings on it: the same for every query
    form of the compiled engine, so pySHACL runs once a file, not once a form."""
    store = fixture_store(request.param)
    return store, pyshacl_findings(store, project_shapes)


def test_fixture_as_pyshacl(
    fixture_data: tuple[ox.Store, list[Finding]],
    project_shapes: Graph,
    project_compiled: CompiledShapes,
    form: str | None,
) -> None:
    loaded, reference = fixture_data
    store = ox.Store()
    store.extend(loaded)  # each form gets its own copy, with the same blank nodes
    assert_same(store, project_shapes, project_compiled, reference)


@pytest.mark.parametrize("name", ["dates", "vocabulary-terms"])
def test_prepared_queries_change_no_finding(name: str, project_shapes: Graph) -> None:
    """pySHACL on a plain rdflib graph (as partnergraph runs it) finds exactly what it
    finds on :class:`PreparedQueries`; these two files hold the most SPARQL findings."""
    store = fixture_store(FIXTURES / f"{name}.trig")
    plain = validate_with_pyshacl(rdflib_graph(store), project_shapes)
    assert any(f.component.endswith("#SPARQLConstraintComponent") for f in plain)
    assert pyshacl_findings(store, project_shapes) == plain


def test_real_graph_as_pyshacl(project_shapes: Graph) -> None:
    store, _files = load_data([ROOT / "graph"], Settings())
    assert_same(store, project_shapes)


# ---- (d) generated data with planted faults --------------------------------------------------


def generator() -> ModuleType:
    """``benchmarks/generate.py`` as a module."""
    spec = importlib.util.spec_from_file_location("generate", ROOT / "benchmarks" / "generate.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("generate", module)
    spec.loader.exec_module(module)
    return module


def test_generator_is_reproducible() -> None:
    generate = generator().generate
    first, second = generate(3000, violations=4, seed=7), generate(3000, violations=4, seed=7)
    assert list(first.trig()) == list(second.trig())
    assert list(generate(3000, seed=8).trig()) != list(first.trig())


@pytest.mark.slow
def test_generated_data_with_planted_faults_as_pyshacl(
    project_shapes: Graph, tmp_path: Path
) -> None:
    module = generator()
    data = module.generate(10_000, violations=len(module.FAULTS))
    path = tmp_path / "generated.trig"
    path.write_text("".join(data.trig()), encoding="utf-8")
    store, _files = load_data([path], Settings())
    assert 9_000 < len(store) < 12_000
    found = assert_same(store, project_shapes)
    reported = {f.focus for f in found}
    assert {node for _kind, node in data.faults} <= reported


# ---- shapes outside the subset ------------------------------------------------------------------

UNSUPPORTED = {
    "sh:or": "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:or ( ex:A ex:B ) .",
    "sh:targetNode": """ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:nodeKind sh:IRI ;
        sh:message "m" .""",
    "sh:closed": 'ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:closed true ; sh:message "m" .',
    "sh:minLength": """ex:S a sh:NodeShape ; sh:targetClass ex:C ;
        sh:property [ sh:path ex:p ; sh:minLength 2 ; sh:message "m" ] .""",
    "sequence path": """ex:S a sh:NodeShape ; sh:targetClass ex:C ;
        sh:property [ sh:path ( ex:p ex:q ) ; sh:minCount 1 ; sh:message "m" ] .""",
    "without sh:message": """ex:S a sh:NodeShape ; sh:targetClass ex:C ;
        sh:property [ sh:path ex:p ; sh:minCount 1 ] .""",
    "$shapesGraph": """ex:S a sh:NodeShape ; sh:targetClass ex:C ;
        sh:sparql [ sh:select "SELECT $this WHERE { $this ?p $shapesGraph }" ] .""",
    "GRAPH": """ex:S a sh:NodeShape ; sh:targetClass ex:C ;
        sh:sparql [ sh:select "SELECT $this WHERE { GRAPH ?g { $this ?p ?o } }" ] .""",
    "MINUS": """ex:S a sh:NodeShape ; sh:targetClass ex:C ;
        sh:sparql [ sh:select "SELECT $this WHERE { $this ?p ?o MINUS { $this a ?o } }" ] .""",
    "custom component": """ex:Comp a sh:ConstraintComponent ; sh:parameter [ sh:path ex:param ] .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ; ex:param 1 .""",
    "sh:minCount on a node shape": """ex:S a sh:NodeShape ; sh:targetClass ex:C ;
        sh:minCount 1 ; sh:message "m" .""",
}


@pytest.mark.parametrize("feature", UNSUPPORTED, ids=list(UNSUPPORTED))
def test_unsupported_feature_is_refused(feature: str) -> None:
    with pytest.raises(UnsupportedShapes) as raised:
        compile_shapes(shapes_of(UNSUPPORTED[feature]))
    assert raised.value.shape.startswith("http://example.org/") or raised.value.shape
    assert raised.value.feature
    assert raised.value.shape in str(raised.value)
