"""Validating only what a change can affect gives what a full validation gives.

With F(x) the findings of a full run on store x and A the affected focus nodes of a
change from ``before`` to ``after``: the change's findings are {f in F(after) :
f.focus in A}, and {f in F(after) : f.focus not in A} = {f in F(before) : f.focus
not in A}. Checked on

- (a) seeded random changes to the real ``graph/`` (tens with pySHACL, the
  reference; more with the compiled engine): removed and rewired triples, new
  partnerships with missing, extra or wrong values, changed types, removed
  sources, ill-typed literals, concepts moved out of their scheme;
- (b) the same kinds of change to generated data with planted faults
  (``benchmarks/generate.py``), with the compiled engine;
- (c) a partnership without a party: the change reports the full run's violation.

Each change is applied to a copy of the store and the derived graph derived again,
so that the change holds the derived quads the build would change too.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterable

import pyoxigraph as ox
import pytest
from rdflib import Graph

from partnergraph.errors import ConfigurationError
from partnergraph.materialise import materialise
from partnergraph.namespaces import Namespaces
from partnergraph.settings import Settings, load
from partnergraph.validation import Finding, load_data, load_shapes
from partnergraph.validation.affected import Affected, ChangeValidator, validate_change
from partnergraph.validation.compiled import compile_shapes
from partnergraph.validation.pyshacl_engine import validate_with_pyshacl
from partnergraph.validation.reach import shape_reads, sparql_reads

from .paths import BASE, ROOT
from .test_compiled import generator, pyshacl_findings

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SCHEMA = "https://schema.org/"
DC = "http://purl.org/dc/terms/"
PG = BASE + "def/"
TYPE = ox.NamedNode(RDF + "type")
DERIVED = ox.NamedNode(BASE + "graph/derived")
#: Change kinds meant to reach what everything depends on.
EVERYTHING_KINDS = {"subclass", "blank"}


def iri(text: str) -> ox.NamedNode:
    return ox.NamedNode(text if ":" in text else BASE + text)


def settings() -> Settings:
    return load({"graph_dir": ROOT / "graph", "shapes_dir": ROOT / "shapes"}, environ={})


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes([ROOT / "shapes"])[0]


@pytest.fixture(scope="module")
def compiled(shapes: Graph) -> ChangeValidator:
    return ChangeValidator(shapes, "compiled")


@pytest.fixture(scope="module")
def reference(shapes: Graph) -> ChangeValidator:
    return ChangeValidator(shapes, "pyshacl")


@pytest.fixture(scope="module")
def real() -> ox.Store:
    return load_data([ROOT / "graph"], settings())[0]


@pytest.fixture(scope="module")
def real_findings(real: ox.Store, compiled: ChangeValidator) -> list[Finding]:
    return full_run(compiled)(real)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> ox.Store:
    module = generator()
    data = module.generate(5000, violations=len(module.FAULTS), seed=3)
    path = tmp_path_factory.mktemp("generated") / "generated.trig"
    path.write_text("".join(data.trig()), encoding="utf-8")
    return load_data([path], settings())[0]


@pytest.fixture(scope="module")
def generated_findings(generated: ox.Store, compiled: ChangeValidator) -> list[Finding]:
    found = full_run(compiled)(generated)
    assert found, "the generated data has planted faults"
    return found


def full_run(validator: ChangeValidator) -> Callable[[ox.Store], list[Finding]]:
    """The full run of the validator's compiled shapes."""
    assert validator.compiled is not None
    return validator.compiled.run


# ---- changes --------------------------------------------------------------------------------


def apply_change(
    before: ox.Store, add: Iterable[ox.Quad], remove: Iterable[ox.Quad]
) -> tuple[ox.Store, set[ox.Quad], set[ox.Quad]]:
    """A copy of ``before`` with the change made and the derived graph derived again.

    Returns:
        The store after, and the quads added and removed, derived ones included.
    """
    after = ox.Store()
    after.extend(list(before))
    for quad in remove:
        after.remove(quad)
    after.extend(list(add))
    materialise(after, Namespaces(BASE))
    old, new = set(before), set(after)
    return after, new - old, old - new


class Mutator:
    """Random changes to the curated graphs of a store, reproducible from a seed."""

    def __init__(self, store: ox.Store, seed: int) -> None:
        self.rng = random.Random(seed)
        self.quads = sorted((q for q in store if q.graph_name != DERIVED), key=str)
        self.graphs = sorted({q.graph_name for q in self.quads}, key=str)
        self.nodes = sorted({q.subject for q in self.quads}, key=str)
        self.serial = 0

    def instances(self, cls: str) -> list[ox.NamedNode]:
        found = {q.subject for q in self.quads if q.predicate == TYPE and q.object == iri(cls)}
        return sorted(found, key=str)

    def having(self, predicate: str) -> list[ox.Quad]:
        return [q for q in self.quads if q.predicate == iri(predicate)]

    def change(self, kind: str) -> tuple[list[ox.Quad], list[ox.Quad]]:
        """Quads to add and quads to remove for one change of ``kind``."""
        return getattr(self, kind)()

    def remove(self) -> tuple[list[ox.Quad], list[ox.Quad]]:
        return [], self.rng.sample(self.quads, self.rng.randint(1, 3))

    def rewire(self) -> tuple[list[ox.Quad], list[ox.Quad]]:
        q, node = self.rng.choice(self.quads), self.rng.choice(self.nodes)
        moved = [ox.Quad(node, q.predicate, q.object, q.graph_name)]
        if not isinstance(q.object, ox.Literal):
            moved.append(ox.Quad(q.subject, q.predicate, node, q.graph_name))
        return [self.rng.choice(moved)], self.rng.choice([[], [q]])

    def partnership(self) -> tuple[list[ox.Quad], list[ox.Quad]]:
        rng = self.rng
        self.serial += 1
        node = iri(f"id/partnership/test-{self.serial}")
        graph = rng.choice([*self.graphs, iri("graph/test")])
        cities, others = self.instances(SCHEMA + "City"), self.nodes
        concepts = self.instances(SKOS + "Concept")
        sources = self.instances(PG + "SourceDocument")
        parties = rng.sample(cities, rng.choice([0, 1, 2, 2, 2, 3]))
        if rng.random() < 0.2:
            parties.append(rng.choice(others))
        kinds = [iri("def/partnership-type/twin-town")] * 3 + [rng.choice(concepts), node]
        dates = [
            ox.Literal("1999", datatype=iri(XSD + "gYear")),
            ox.Literal("2020-02-30", datatype=iri(XSD + "date")),
            ox.Literal("1999"),
        ]
        values: list[tuple[str, ox.NamedNode | ox.Literal]] = [(PG + "party", p) for p in parties]
        values += [(PG + "partnershipType", k) for k in rng.sample(kinds, rng.choice([0, 1, 1, 2]))]
        values += [(SCHEMA + "startDate", d) for d in rng.sample(dates, rng.choice([0, 1, 2]))]
        if rng.random() < 0.8:
            values.append((RDFS + "label", ox.Literal("Test", language=rng.choice(["en", "de"]))))
        values += [(DC + "source", s) for s in rng.sample([*sources[:3], rng.choice(others)], 1)]
        if rng.random() < 0.9:
            values.append((RDF + "type", iri("def/Partnership")))
        return [ox.Quad(node, iri(p), o, graph) for p, o in values], []

    def retype(self) -> tuple[list[ox.Quad], list[ox.Quad]]:
        typed = self.having(RDF + "type")
        q = self.rng.choice(typed)
        if self.rng.random() < 0.5:
            return [], [q]
        other = self.rng.choice(typed).object
        return [ox.Quad(self.rng.choice(self.nodes), TYPE, other, q.graph_name)], []

    def unsource(self) -> tuple[list[ox.Quad], list[ox.Quad]]:
        source = self.rng.choice(self.instances(PG + "SourceDocument"))
        own = [q for q in self.quads if q.subject == source]
        if self.rng.random() < 0.5:
            return [], [q for q in own if q.predicate == TYPE]
        return [], own

    def literal(self) -> tuple[list[ox.Quad], list[ox.Quad]]:
        q = self.rng.choice([q for q in self.quads if isinstance(q.object, ox.Literal)])
        text = q.object.value
        variants = [
            ox.Literal(text, language="de"),
            ox.Literal(text),
            ox.Literal("x" + text, datatype=iri(XSD + "integer")),
            ox.Literal(text + " (2)", language=q.object.language or "en"),
        ]
        new = ox.Quad(q.subject, q.predicate, self.rng.choice(variants), q.graph_name)
        return [new], self.rng.choice([[], [q]])

    def scheme(self) -> tuple[list[ox.Quad], list[ox.Quad]]:
        q = self.rng.choice(self.having(SKOS + "inScheme"))
        schemes = self.instances(SKOS + "ConceptScheme")
        moved = ox.Quad(q.subject, q.predicate, self.rng.choice(schemes), q.graph_name)
        return self.rng.choice([[], [moved]]), [q]

    def party(self) -> tuple[list[ox.Quad], list[ox.Quad]]:
        q = self.rng.choice(self.having(PG + "party"))
        extra = ox.Quad(q.subject, q.predicate, self.rng.choice(self.nodes), q.graph_name)
        return self.rng.choice([([], [q]), ([extra], [])])

    def count(self) -> tuple[list[ox.Quad], list[ox.Quad]]:
        declared = set(self.instances(PG + "DeclaredCount"))
        q = self.rng.choice([q for q in self.having(SCHEMA + "value") if q.subject in declared])
        value = ox.Literal(
            str(int(q.object.value) + self.rng.choice([-1, 1])), datatype=iri(XSD + "integer")
        )
        return [ox.Quad(q.subject, q.predicate, value, q.graph_name)], [q]

    def subclass(self) -> tuple[list[ox.Quad], list[ox.Quad]]:
        city, org = iri(SCHEMA + "City"), iri("http://www.w3.org/ns/org#Organization")
        return [ox.Quad(city, iri(RDFS + "subClassOf"), org, self.graphs[0])], []

    def blank(self) -> tuple[list[ox.Quad], list[ox.Quad]]:
        node, graph = ox.BlankNode(), self.graphs[0]
        return [ox.Quad(node, TYPE, iri("def/Partnership"), graph)], []


KINDS = (
    "remove",
    "rewire",
    "partnership",
    "retype",
    "unsource",
    "literal",
    "scheme",
    "party",
    "count",
)


def random_change(
    store: ox.Store, seed: int
) -> tuple[str, tuple[ox.Store, set[ox.Quad], set[ox.Quad]]]:
    """One to three changes of random kinds (every eleventh case reaches everything)."""
    mutator = Mutator(store, seed)
    kinds = [KINDS[seed % len(KINDS)]]
    kinds += mutator.rng.sample(KINDS, mutator.rng.choice([0, 0, 1, 2]))
    if seed % 11 == 10:
        kinds = [sorted(EVERYTHING_KINDS)[seed % 2]]
    add: list[ox.Quad] = []
    remove: list[ox.Quad] = []
    for kind in kinds:
        more, fewer = mutator.change(kind)
        add += more
        remove += fewer
    return "+".join(kinds), apply_change(store, add, remove)


# ---- the guarantee ----------------------------------------------------------------------------


def keys(findings: Iterable[Finding]) -> Counter[tuple[str, ...]]:
    return Counter(f.key() for f in findings)


def assert_guarantee(
    before: list[Finding], after: list[Finding], affected: Affected, found: list[Finding]
) -> None:
    """The change's findings are the full run's about A, and outside A nothing changed."""
    if affected.everything:
        assert keys(found) == keys(after)
        return
    inside = [f for f in after if f.focus in affected.nodes]
    assert keys(found) == keys(inside), "the change's findings differ from the full run's"
    kept_after = keys(f for f in after if f.focus not in affected.nodes)
    kept_before = keys(f for f in before if f.focus not in affected.nodes)
    assert kept_after == kept_before, "a finding outside the affected nodes changed"


def check(
    validator: ChangeValidator,
    store: ox.Store,
    seed: int,
    full: Callable[[ox.Store], list[Finding]],
    before: list[Finding],
) -> Affected:
    kind, (after, added, removed) = random_change(store, seed)
    affected = validator.affected(store, after, added, removed)
    assert affected.everything == (kind in EVERYTHING_KINDS), (kind, affected.reason)
    found = validator.findings(after, affected)
    assert_guarantee(before, full(after), affected, found)
    return affected


@pytest.mark.parametrize("seed", range(66))
def test_real_graph_changes_with_the_compiled_engine(
    seed: int, real: ox.Store, compiled: ChangeValidator, real_findings: list[Finding]
) -> None:
    check(compiled, real, seed, full_run(compiled), real_findings)


@pytest.fixture(scope="module")
def real_reference(real: ox.Store, shapes: Graph) -> list[Finding]:
    return pyshacl_findings(real, shapes)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(100, 120))
def test_real_graph_changes_with_pyshacl(
    seed: int, real: ox.Store, reference: ChangeValidator, real_reference: list[Finding]
) -> None:
    assert reference.engine == "pyshacl"
    check(reference, real, seed, lambda s: pyshacl_findings(s, reference.shapes), real_reference)


@pytest.mark.parametrize("seed", range(200, 266))
def test_generated_data_changes_with_the_compiled_engine(
    seed: int, generated: ox.Store, compiled: ChangeValidator, generated_findings: list[Finding]
) -> None:
    check(compiled, generated, seed, full_run(compiled), generated_findings)


# ---- what a change affects ---------------------------------------------------------------


def new_partnership(node: str, parties: Iterable[str], graph: str = "graph/test") -> list[ox.Quad]:
    """A partnership of type twin town with an English label and a source."""
    subject, where = iri(node), iri(graph)
    values = [
        (RDF + "type", iri("def/Partnership")),
        (RDFS + "label", ox.Literal("Test partnership", language="en")),
        (PG + "partnershipType", iri("def/partnership-type/twin-town")),
        (DC + "source", iri("id/source/lund-se-collaborations-and-projects")),
        *((PG + "party", iri(party)) for party in parties),
    ]
    return [ox.Quad(subject, iri(p), o, where) for p, o in values]


def test_a_new_partnership_affects_itself_its_parties_their_counts_and_the_dataset(
    real: ox.Store, compiled: ChangeValidator, real_findings: list[Finding]
) -> None:
    add = new_partnership("id/partnership/test", ["id/city/lund", "id/city/lahti"])
    after, added, removed = apply_change(real, add, [])
    assert any(q.graph_name == DERIVED for q in added | removed)
    affected = compiled.affected(real, after, added, removed)
    assert affected.nodes == {
        f"<{BASE}{path}>"
        for path in (
            "id/partnership/test",
            "id/city/lund",
            "id/city/lahti",
            "id/figure/lund-declared-twin-towns",  # the completeness warnings count it
            "id/figure/lahti-declared-twin-towns",
            "id/dataset/partnergraph",  # the statistics count its triples
        )
    }
    assert_guarantee(
        real_findings, full_run(compiled)(after), affected, compiled.findings(after, affected)
    )


@pytest.mark.parametrize("choice", ["compiled", "pyshacl"])
def test_a_partnership_without_a_party_gives_the_full_runs_violation(
    choice: str, real: ox.Store, shapes: Graph
) -> None:
    node = f"<{BASE}id/partnership/test>"
    after, added, removed = apply_change(real, new_partnership("id/partnership/test", []), [])
    found = validate_change(real, after, shapes, added, removed, choice=choice)
    violations = [f for f in found if f.severity == "Violation"]
    assert [(f.focus, f.path, f.component, f.message) for f in violations] == [
        (
            node,
            f"<{PG}party>",
            "http://www.w3.org/ns/shacl#MinCountConstraintComponent",
            "A partnership needs exactly two distinct parties",
        )
    ]
    full = (
        compile_shapes(shapes).run(after)
        if choice == "compiled"
        else pyshacl_findings(after, shapes)
    )
    assert keys(f for f in found if f.focus == node) == keys(f for f in full if f.focus == node)
    assert [f for f in found if f.severity == "Violation"] == [
        f for f in full if f.severity == "Violation" and f.focus == node
    ]


def test_a_concept_out_of_its_class_and_scheme_affects_the_partnerships_of_its_type(
    real: ox.Store, compiled: ChangeValidator, real_findings: list[Finding]
) -> None:
    """Each removed triple joins the partnerships only through the other one, which
    the store after the change no longer holds: the joins are read before it."""
    concept = iri("def/partnership-type/twin-town")
    remove = [
        q
        for q in real.quads_for_pattern(concept, None, None)
        if q.predicate in (TYPE, iri(SKOS + "inScheme"))
    ]
    after, added, removed = apply_change(real, [], remove)
    affected = compiled.affected(real, after, added, removed)
    twinnings = {
        str(q.subject) for q in real.quads_for_pattern(None, iri(PG + "partnershipType"), concept)
    }
    assert twinnings
    assert twinnings <= affected.nodes
    found = compiled.findings(after, affected)
    assert_guarantee(real_findings, full_run(compiled)(after), affected, found)
    assert {f.focus for f in found if "partnership type" in f.message} == twinnings


def test_nothing_changed_affects_nothing(real: ox.Store, compiled: ChangeValidator) -> None:
    affected = compiled.affected(real, real, [], [])
    assert affected == Affected()
    assert compiled.findings(real, affected) == []


@pytest.mark.parametrize(
    ("kind", "reason"),
    [("subclass", "rdfs:subClassOf"), ("blank", "the blank node")],
)
def test_changes_to_what_everything_depends_on_affect_everything(
    kind: str, reason: str, real: ox.Store, compiled: ChangeValidator, real_findings: list[Finding]
) -> None:
    add, remove = Mutator(real, 0).change(kind)
    after, added, removed = apply_change(real, add, remove)
    affected = compiled.affected(real, after, added, removed)
    assert affected.everything
    assert reason in affected.reason
    assert keys(compiled.findings(after, affected)) == keys(full_run(compiled)(after))


def test_too_large_a_change_affects_everything(real: ox.Store, shapes: Graph) -> None:
    after, added, removed = apply_change(real, new_partnership("id/partnership/test", []), [])
    few_nodes = ChangeValidator(shapes, "pyshacl", max_nodes=1)
    assert "focus nodes" in few_nodes.affected(real, after, added, removed).reason
    few_changes = ChangeValidator(shapes, "pyshacl", max_changes=len(added))
    assert "changed triples" in few_changes.affected(real, after, added, removed).reason


def test_shapes_outside_the_subset_affect_everything(real: ox.Store) -> None:
    shapes = Graph().parse(
        data="""@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:or ( ex:A ex:B ) .""",
        format="turtle",
    )
    affected = ChangeValidator(shapes, "auto").affected(real, real, [], [])
    assert affected.everything
    assert "sh:or" in affected.reason
    with pytest.raises(ConfigurationError, match="sh:or"):
        ChangeValidator(shapes, "compiled")


# ---- what a shape reads -------------------------------------------------------------------

EX = "http://example.org/"


def reads_of(select: str) -> dict[str, bool]:
    """The patterns of a query (ex: prefix declared), each with whether it is anchored."""
    query = f"PREFIX ex: <{EX}>\n{select}"
    return {r.pattern.sparql(): r.anchored for r in sparql_reads(query, (EX + "C",))}


def test_every_read_of_the_project_shapes_is_followed(shapes: Graph) -> None:
    reads = shape_reads(shapes)
    assert not [r for r in reads if r.opaque or not r.anchored]
    patterns = {r.pattern.sparql() for r in reads}
    assert f"?partnership <{PG}party> ?city ." in patterns  # inside an OPTIONAL
    assert f"?party <{PG}partner> ?value ." in patterns  # inside a NOT EXISTS


def test_a_pattern_is_joined_to_this_only_through_patterns_matched_with_it() -> None:
    assert reads_of(
        "SELECT $this WHERE { $this ex:p ?x OPTIONAL { ?x ex:q ?y } OPTIONAL { ?y ex:r ?z } }"
    ) == {
        "?this <http://example.org/p> ?x .": True,
        "?x <http://example.org/q> ?y .": True,
        "?y <http://example.org/r> ?z .": False,  # ?y is bound by the other OPTIONAL only
    }
    assert reads_of("SELECT $this WHERE { { $this ex:p ?x } UNION { ?x ex:q ?y } }") == {
        "?this <http://example.org/p> ?x .": True,
        "?x <http://example.org/q> ?y .": False,
    }
    assert reads_of(
        "SELECT $this WHERE { OPTIONAL { $this ex:p ?x } FILTER NOT EXISTS { ?x ex:q ?y } }"
    ) == {"?this <http://example.org/p> ?x .": True, "?x <http://example.org/q> ?y .": False}
    assert reads_of(
        "SELECT DISTINCT $this WHERE { $this ex:p ?x FILTER NOT EXISTS { ?x ex:q ?y } } LIMIT 1"
    ) == {
        "?this <http://example.org/p> ?x .": True,
        "?x <http://example.org/q> ?y .": True,
    }


@pytest.mark.parametrize(
    "select",
    [
        "SELECT $this WHERE { $this ex:p/ex:q ?x }",
        "SELECT $this WHERE { $this ex:p ?x { SELECT ?x WHERE { ?x ex:q ?y } } }",
        "SELECT $this (COUNT(?x) AS ?n) WHERE { $this ex:p ?x } GROUP BY $this "
        "HAVING (EXISTS { ?x ex:q ?y })",
    ],
    ids=["property path", "sub-query", "EXISTS after GROUP BY"],
)
def test_a_query_the_analysis_does_not_follow_is_opaque(select: str) -> None:
    query = f"PREFIX ex: <{EX}>\n{select}"
    assert [r.opaque for r in sparql_reads(query, (EX + "C",))] == [True]


GLOBAL_SHAPES = f"""@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <{EX}> .
ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:severity sh:Violation ;
  sh:sparql [ sh:message "No flag is on" ;
    sh:select "SELECT $this WHERE {{ FILTER NOT EXISTS {{ ?flag <{EX}on> true }} }}" ] ."""


@pytest.mark.parametrize("choice", ["compiled", "pyshacl"])
def test_a_read_not_joined_to_this_affects_every_focus_node_of_its_shape(choice: str) -> None:
    shapes = Graph().parse(data=GLOBAL_SHAPES, format="turtle")
    before = ox.Store()
    before.load(
        f"<{EX}a> a <{EX}C> . <{EX}b> a <{EX}C> . <{EX}f> <{EX}on> true .".encode(),
        format=ox.RdfFormat.TURTLE,
        to_graph=ox.NamedNode(EX + "g"),
    )
    flag = next(iter(before.quads_for_pattern(ox.NamedNode(EX + "f"), None, None)))
    after = ox.Store()
    after.extend([q for q in before if q != flag])
    validator = ChangeValidator(shapes, choice)
    affected = validator.affected(before, after, [], [flag])
    assert affected.nodes == {f"<{EX}a>", f"<{EX}b>"}
    found = validator.findings(after, affected)
    assert sorted(f.focus for f in found) == [f"<{EX}a>", f"<{EX}b>"]


# ---- the engines restricted to some focus nodes ------------------------------------------------


def test_the_compiled_engine_restricted_to_some_nodes_gives_their_findings(
    generated: ox.Store, compiled: ChangeValidator, generated_findings: list[Finding]
) -> None:
    assert compiled.compiled is not None
    rng = random.Random(5)
    subjects = sorted({str(q.subject) for q in generated if isinstance(q.subject, ox.NamedNode)})
    with_findings = sorted({f.focus for f in generated_findings})
    for _ in range(5):
        focus = set(rng.sample(subjects, 40) + rng.sample(with_findings, 4))
        found = compiled.compiled.run(generated, focus=focus)
        assert keys(found) == keys(f for f in generated_findings if f.focus in focus)
    assert compiled.compiled.run(generated, focus=[]) == []


@pytest.mark.parametrize("focus", ["_:b1", '"literal"', "https://example.org/no-brackets"])
def test_a_focus_node_to_validate_must_be_an_iri(
    focus: str, real: ox.Store, compiled: ChangeValidator
) -> None:
    assert compiled.compiled is not None
    with pytest.raises(ValueError, match="must be an IRI"):
        compiled.compiled.run(real, focus=[focus])
    with pytest.raises(ValueError, match="must be an IRI"):
        validate_with_pyshacl(real, compiled.shapes, focus=[focus])


# ---- stores whose default graph holds the union (a snapshot's) ----------------------------------


def with_union(store: ox.Store) -> ox.Store:
    """A copy of ``store`` with the union of its named graphs in its default graph."""
    copy = ox.Store()
    copy.extend(list(store))
    copy.extend([ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in store])
    return copy


def test_the_compiled_engine_reads_a_union_default_graph_alone(
    generated: ox.Store, compiled: ChangeValidator, generated_findings: list[Finding]
) -> None:
    assert compiled.compiled is not None
    union = with_union(generated)
    assert keys(compiled.compiled.run(union, default_is_union=True)) == keys(generated_findings)
    focus = {f.focus for f in generated_findings[::2]}
    found = compiled.compiled.run(union, focus=focus, default_is_union=True)
    assert keys(found) == keys(f for f in generated_findings if f.focus in focus)


@pytest.mark.parametrize("seed", range(300, 312))
def test_changes_to_stores_with_a_union_default_graph(
    seed: int, generated: ox.Store, compiled: ChangeValidator, generated_findings: list[Finding]
) -> None:
    kind, (after, added, removed) = random_change(generated, seed)
    before_union, after_union = with_union(generated), with_union(after)
    affected = compiled.affected(before_union, after_union, added, removed, default_is_union=True)
    assert affected == compiled.affected(generated, after, added, removed), kind
    found = compiled.findings(after_union, affected, default_is_union=True)
    assert_guarantee(generated_findings, full_run(compiled)(after), affected, found)
