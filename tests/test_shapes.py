"""The SHACL shapes in ``shapes/``: their form, their coverage, and what they reject.

- every shapes file parses, uses only the SHACL subset both engines run, and gives
  every constraint a message and a severity;
- every class used in ``graph/`` is the target of a shape;
- every shape rejects its fixture in ``tests/data/shapes/`` with the expected
  message, severity, focus node and value, and a valid fixture passes untouched;
- the real ``graph/`` conforms, with exactly the expected completeness warnings.

The fixtures are validated with both engines (pySHACL, the reference, and the shapes
compiled to SPARQL): each fixture's table below is what both must report.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple, overload

import pyoxigraph as ox
import pytest
import rdflib
from rdflib import RDF, SH, Graph, URIRef
from rdflib.plugins.sparql import prepareQuery
from rdflib.term import Node

from partnergraph.loader import data_files, load_store, parse_file
from partnergraph.settings import Settings, load
from partnergraph.validation import Finding, load_shapes, validate_paths, validate_store

from .paths import BASE, DATA, ROOT

SHAPES_DIR = ROOT / "shapes"
GRAPH_DIR = ROOT / "graph"
FIXTURES = DATA / "shapes"
CONTEXT = [GRAPH_DIR / "vocabulary.trig", GRAPH_DIR / "schemes.trig", FIXTURES / "base.trig"]
PGSH = rdflib.Namespace(BASE + "shapes/")
ENGINES = ("pyshacl", "compiled")

#: Every sh: predicate the shapes may use: the subset the compiled engine runs.
SUPPORTED = {
    SH.targetClass,
    SH.property,
    SH.path,
    SH.inversePath,
    SH.minCount,
    SH.maxCount,
    SH.datatype,
    SH["class"],
    SH.nodeKind,
    SH["in"],
    SH.hasValue,
    SH.pattern,
    SH.flags,
    SH.minInclusive,
    SH.maxInclusive,
    SH.minExclusive,
    SH.uniqueLang,
    SH.languageIn,
    SH.sparql,
    SH.select,
    SH.prefixes,
    SH.declare,
    SH.name,  # sh:name, sh:description, sh:order: non-validating, the template's columns
    SH.description,
    SH.order,
    SH.prefix,
    SH.namespace,
    SH.message,
    SH.severity,
}
#: The constraint parameters: a shape with any of them needs a message and a severity.
CONSTRAINTS = SUPPORTED - {
    SH.name,
    SH.description,
    SH.order,
    SH.targetClass,
    SH.property,
    SH.path,
    SH.inversePath,
    SH.flags,
    SH.sparql,
    SH.select,
    SH.prefixes,
    SH.declare,
    SH.prefix,
    SH.namespace,
    SH.message,
    SH.severity,
}
#: The generic shapes that hold for every resource under {base}id/: one target list.
RESOURCE_SHAPES = (
    "Resource",
    "Resource-label-en",
    "Resource-dates",
    "Resource-period",
    "Resource-focus-scheme",
)


# ---- Helpers ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shapes() -> Graph:
    graph, _files = load_shapes([SHAPES_DIR])
    return graph


def settings(engine: str) -> Settings:
    # no graph folder around the fixtures: each is validated with CONTEXT alone
    alone = FIXTURES / "no-graph-dir"
    return load({"validator": engine, "shapes_dir": SHAPES_DIR, "graph_dir": alone}, environ={})


@overload
def short(term: str) -> str: ...
@overload
def short(term: str | None) -> str | None: ...
def short(term: str | None) -> str | None:
    """A finding's term, shortened: the base IRI and XSD namespace cut, blank nodes `_:`."""
    if term is None:
        return None
    if term.startswith("_:"):
        return "_:"
    term = term.replace(BASE, "").replace("http://www.w3.org/2001/XMLSchema#", "xsd:")
    return term[1:-1] if term.startswith("<") and term.endswith(">") else term


def local(shape: Node | str) -> str:
    return str(shape).removeprefix(str(PGSH))


def findings(paths: Sequence[Path], engine: str, derive: bool = True) -> list[Finding]:
    """Validate ``paths``; with ``derive=False`` the build's derived graph is left out."""
    if derive:
        report = validate_paths(list(paths), settings(engine))
    else:
        files = data_files(paths)
        shapes_graph, shapes_files = load_shapes([SHAPES_DIR])
        store = load_store(files, BASE)
        report = validate_store(store, shapes_graph, settings(engine), files, shapes_files)
    return [located.finding for located in report.findings]


def shape_message(shapes: Graph, shape: str) -> str:
    messages = [str(m) for m in shapes.objects(PGSH[shape], SH.message)]
    assert len(messages) == 1, f"{shape} has {len(messages)} messages"
    return messages[0]


def shapes_with_constraints(shapes: Graph) -> set[str]:
    """Every shape that has a constraint of its own (the ones a fixture must trigger)."""
    named = {s for p in CONSTRAINTS | {SH.sparql} for s in shapes.subjects(p, None)}
    return {local(s) for s in named if (s, RDF.type, SH.SPARQLConstraint) not in shapes}


# ---- The shapes files ------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(SHAPES_DIR.glob("*.ttl")), ids=lambda p: p.name)
def test_shapes_file_parses_with_absolute_iris(path: Path) -> None:
    # No base IRI: a relative IRI is a syntax error here.
    assert parse_file(path, base_iri=None)


def test_only_the_supported_shacl_subset(shapes: Graph) -> None:
    used = {p for p in shapes.predicates() if str(p).startswith(str(SH))}
    assert used <= SUPPORTED, sorted(str(p) for p in used - SUPPORTED)
    used_classes = {o for o in shapes.objects(None, RDF.type) if str(o).startswith(str(SH))}
    assert used_classes <= {SH.NodeShape, SH.PropertyShape, SH.SPARQLConstraint}


def test_every_shape_is_named(shapes: Graph) -> None:
    nodes = (
        set(shapes.subjects(RDF.type, SH.NodeShape))
        | set(shapes.subjects(RDF.type, SH.PropertyShape))
        | set(shapes.objects(None, SH.property))
        | set(shapes.subjects(SH.path, None))
        | set(shapes.objects(None, SH.sparql))
    )
    unnamed = [n for n in nodes if not str(n).startswith(str(PGSH)) or not isinstance(n, URIRef)]
    assert not unnamed


def test_every_constraint_has_a_message_and_a_severity(shapes: Graph) -> None:
    severities = {SH.Violation, SH.Warning, SH.Info}
    problems = []
    all_shapes = set(shapes.subjects(RDF.type, SH.NodeShape)) | set(
        shapes.subjects(RDF.type, SH.PropertyShape)
    )
    for shape in sorted(all_shapes, key=str):
        own = {p for p in CONSTRAINTS if (shape, p, None) in shapes}
        severity = list(shapes.objects(shape, SH.severity))
        messages = list(shapes.objects(shape, SH.message))
        if len(severity) != 1 or severity[0] not in severities:
            problems.append(f"{local(shape)}: needs one sh:severity")
        if own and [getattr(m, "language", None) for m in messages] != ["en"]:
            problems.append(f"{local(shape)}: needs one sh:message @en for {sorted(own)}")
        sparql = list(shapes.objects(shape, SH.sparql))
        if sparql and messages:
            # pySHACL would add the shape's message to every result of the query.
            problems.append(f"{local(shape)}: a SPARQL shape carries no message of its own")
        for constraint in sparql:
            if [getattr(m, "language", None) for m in shapes.objects(constraint, SH.message)] != [
                "en"
            ]:
                problems.append(f"{local(constraint)}: needs one sh:message @en")
            if list(shapes.objects(constraint, SH.severity)) != severity:
                problems.append(f"{local(constraint)}: sh:severity must repeat its shape's")
    assert not problems, "\n".join(problems)


def test_sparql_constraints_parse_with_the_declared_prefixes(shapes: Graph) -> None:
    declared = {
        str(shapes.value(d, SH.prefix)): str(shapes.value(d, SH.namespace))
        for d in shapes.objects(PGSH[""], SH.declare)
    }
    for constraint, select in shapes.subject_objects(SH.select):
        assert shapes.value(constraint, SH.prefixes) == PGSH[""], local(constraint)
        text = str(select)
        # pySHACL refuses these keywords anywhere in a constraint's text.
        assert not re.search(r"\b(VALUES|MINUS|SERVICE)\b", text, re.IGNORECASE), local(constraint)
        assert "$this" in text, local(constraint)
        prepareQuery(text, initNs=declared)


def test_generic_resource_shapes_share_one_target_list(shapes: Graph) -> None:
    targets = {name: set(shapes.objects(PGSH[name], SH.targetClass)) for name in RESOURCE_SHAPES}
    first = targets[RESOURCE_SHAPES[0]]
    assert first
    assert all(t == first for t in targets.values()), {
        n: sorted(map(str, first ^ t)) for n, t in targets.items()
    }


# ---- Coverage of the graph -------------------------------------------------------------


def classes(paths: Sequence[Path], query: str) -> set[str]:
    store = load_store(data_files(paths), BASE)
    rows = store.query(query, use_default_graph_as_union=True)
    assert isinstance(rows, ox.QuerySolutions)
    return {str(row[0].value) for row in rows}


def test_every_class_used_in_graph_is_the_target_class_of_some_shape(shapes: Graph) -> None:
    used = classes([GRAPH_DIR], "SELECT DISTINCT ?class WHERE { ?s a ?class }")
    targets = {str(c) for c in shapes.objects(None, SH.targetClass)}
    assert used
    assert used <= targets, sorted(used - targets)


def test_every_class_of_a_resource_is_a_target_of_the_resource_shapes(shapes: Graph) -> None:
    used = classes(
        [GRAPH_DIR],
        f'SELECT DISTINCT ?class WHERE {{ ?s a ?class FILTER STRSTARTS(STR(?s), "{BASE}id/") }}',
    )
    targets = {str(c) for c in shapes.objects(PGSH.Resource, SH.targetClass)}
    assert used <= targets, sorted(used - targets)


def test_valid_fixture_instantiates_every_target_class(shapes: Graph) -> None:
    used = classes([*CONTEXT, FIXTURES / "valid.trig"], "SELECT DISTINCT ?c WHERE { ?s a ?c }")
    # The build adds the one void:Dataset.
    targets = {str(c) for c in shapes.objects(None, SH.targetClass)} - {
        "http://rdfs.org/ns/void#Dataset"
    }
    assert targets <= used, sorted(targets - used)


# ---- What each shape rejects -----------------------------------------------------------


class Expected(NamedTuple):
    """One expected finding: shape (local name), focus and value as :func:`short` gives
    them; message None means the shape's own sh:message."""

    shape: str
    focus: str
    value: str | None = None
    message: str | None = None
    severity: str = "Violation"


E = Expected


DATES = (
    "{} is not a valid date: write an xsd:date (YYYY-MM-DD), xsd:gYearMonth (YYYY-MM) "
    "or xsd:gYear (YYYY)"
)
SCHEME = "The {} {} is not a concept of the {} scheme <https://w3id.org/partnergraph/def/{}>"
NO_EN_LABEL = "A resource needs an rdfs:label in English (@en)"
NO_EN_DEFINITION = "A concept or concept scheme needs a skos:definition in English (@en)"
P = "id/partnership/"

EXPECTED: dict[str, list[Expected]] = {
    "valid": [],
    "partnership": [
        E("Partnership-party-count", P + "one-party"),
        E("Partnership-party-count", P + "three-parties"),
        E("Partnership-party-count", P + "same-party-twice"),
        E("Partnership-party-municipality", P + "party-not-municipality", "id/city/oslo"),
        E("Partnership-type", P + "no-type"),
        E("Partnership-type", P + "two-types"),
        E(
            "Partnership-type-scheme",
            P + "type-outside-scheme",
            "def/theme/culture",
            SCHEME.format(
                "partnership type",
                BASE + "def/theme/culture",
                "partnership-type",
                "partnership-type",
            ),
        ),
        E("Partnership-startDate", P + "two-start-dates"),
        E("Partnership-endDate", P + "two-end-dates"),
    ],
    "shortcuts": [
        E(
            "Partner-link",
            "id/city/lund",
            "id/city/hamar",
            f"The pg:partner link to {BASE}id/city/hamar has no pg:Partnership node with both "
            "parties",
        ),
        E(
            "MemberOf-link",
            "id/city/lund",
            "id/network/fixture-cities",
            f"The org:memberOf link to {BASE}id/network/fixture-cities has no org:Membership "
            "node with this member and organisation",
        ),
    ],
    "dates": [
        E(
            "Resource-dates",
            P + "day-out-of-month",
            '"2021-02-30"^^<xsd:date>',
            DATES.format("2021-02-30"),
        ),
        E(
            "Resource-dates",
            P + "not-a-leap-year",
            '"1900-02-29"^^<xsd:date>',
            DATES.format("1900-02-29"),
        ),
        E("Resource-dates", P + "year-as-date", '"1990"^^<xsd:date>', DATES.format("1990")),
        E("Resource-dates", P + "month-13", '"2021-13"^^<xsd:gYearMonth>', DATES.format("2021-13")),
        E("Resource-dates", P + "two-digit-year", '"90"^^<xsd:gYear>', DATES.format("90")),
        E("Resource-dates", P + "plain-string", '"1990-05-01"', DATES.format("1990-05-01")),
        E(
            "Resource-dates",
            P + "date-time",
            '"1990-05-01T12:00:00"^^<xsd:dateTime>',
            DATES.format("1990-05-01T12:00:00"),
        ),
        E(
            "Resource-dates",
            P + "iri-date",
            "https://example.org/1990",
            DATES.format("https://example.org/1990"),
        ),
        E(
            "Resource-dates",
            "id/figure/lund-inhabitants-2019",
            '"2019-02-29"^^<xsd:date>',
            DATES.format("2019-02-29"),
        ),
        E("Resource-dates", "id/target/lund-carbon-neutral", '"soon"', DATES.format("soon")),
        E(
            "Resource-period",
            P + "ends-before-it-starts",
            '"2020"^^<xsd:gYear>',
            "The start 2020 comes after the end 2019-12-31",
        ),
    ],
    "labels": [
        E(
            "Resource-label-en",
            "id/organization/no-english-label",
            "id/organization/no-english-label",
            NO_EN_LABEL,
        ),
        E("Resource-label-en", "id/organization/no-label", "id/organization/no-label", NO_EN_LABEL),
        E("Resource-label", "id/organization/german-label", '"Deutsche Bezeichnung"@de'),
        E("Resource-label", "id/organization/plain-label", '"No language"'),
        E("Resource-label-unique", "id/organization/two-english-labels"),
        E("Resource-altLabel", "id/organization/plain-alt-label", '"PAL"'),
        E("Resource-description", "id/organization/plain-description", '"No language."'),
        E("Resource-note", "id/organization/german-note", '"Eine Notiz."@de'),
        E("Resource-quote", "id/organization/german-quote", '"Ein Zitat."@de'),
    ],
    "sources": [
        E("Resource-source", "id/organization/no-source"),
        E("Resource-source", "id/organization/source-not-a-document", "id/city/hamar"),
        E(
            "SourceDocument-locator",
            "id/source/two-locators",
            "id/source/two-locators",
            "A source document needs exactly one of schema:url, pg:seedFile or "
            "pg:referenceFile; it has 2",
        ),
        E(
            "SourceDocument-locator",
            "id/source/no-locator",
            "id/source/no-locator",
            "A source document needs exactly one of schema:url, pg:seedFile or "
            "pg:referenceFile; it has 0",
        ),
        E("SourceDocument-title", "id/source/badly-described"),
        E("SourceDocument-language", "id/source/badly-described", '"sv"'),
        E("SourceDocument-publisher", "id/source/badly-described"),
        E("SourceDocument-seedFile", "id/source/badly-described", '"seeds/badly-described.txt"'),
        E("Resource-url", "id/source/url-as-text", '"https://example.org/url-as-text"'),
        E("SourceDocument-referenceFile", "id/source/reference-file-number", '"42"^^<xsd:integer>'),
        E("SourceDocument-url", "id/source/two-addresses"),
        E(
            "SourceDocument-locator",
            "id/source/two-addresses",
            "id/source/two-addresses",
            "A source document needs exactly one of schema:url, pg:seedFile or "
            "pg:referenceFile; it has 2",
        ),
    ],
    "contacts": [
        E("Resource-email", "id/contact-point/bad-emails", '"kommunkontoret.lund.se"'),
        E("Resource-email", "id/contact-point/bad-emails", '"mailto:kommunkontoret@lund.se"'),
        E("Resource-email", "id/contact-point/bad-emails", '"kommunkontoret@lund"'),
        E("Resource-telephone", "id/contact-point/bad-phones", '"+46-46-359 60 45"'),
        E("Resource-telephone", "id/contact-point/bad-phones", '"046-359 50 00"'),
        E("Resource-telephone", "id/contact-point/bad-phones", '"+46 46  359 50 00"'),
        E(
            "ContactPoint-channel",
            "id/contact-point/no-channel",
            "id/contact-point/no-channel",
            "A contact point needs an e-mail address, a phone number or a web address",
        ),
        E("ContactPoint-contactType", "id/contact-point/no-channel", '"citizen centre"'),
        E("ContactPoint-of", "id/contact-point/no-channel"),
        E("Post-postIn", "id/post/nowhere"),
        E("Person-name", "id/person/nameless"),
        E("Person-holds", "id/person/nameless", "id/city/lund"),
        E("PostalAddress-locality", "id/address/incomplete"),
        E("PostalAddress-country", "id/address/incomplete", '"Sweden"'),
        E(
            "PostalAddress-delivery",
            "id/address/incomplete",
            "id/address/incomplete",
            "An address needs a street address or a post-office box number",
        ),
        E("PostalAddress-name", "id/address/doubled"),
        E("PostalAddress-street", "id/address/doubled"),
        E("PostalAddress-postOfficeBox", "id/address/doubled", '"Box 41"'),
        E("PostalAddress-postalCode", "id/address/doubled"),
    ],
    "places": [
        E("Resource-sameAs", "id/city/wikidata-page", "https://www.wikidata.org/wiki/Q2167"),
        E("Resource-sameAs", "id/city/leading-zero", "http://www.wikidata.org/entity/Q02167"),
        E("Resource-sameAs", "id/city/qid-as-text", '"Q2167"'),
        E("Resource-sameAs", "id/city/two-entities"),
        E("City-country", "id/city/no-country"),
        E("City-geonamesId", "id/city/no-country", '"2693678"^^<xsd:integer>'),
        E("City-lat", "id/city/two-latitudes"),
        E("City-lat-range", "id/city/north-of-the-pole", '"95.5"^^<xsd:decimal>'),
        E("City-long-range", "id/city/north-of-the-pole", '"-181.5"^^<xsd:decimal>'),
        E("City-long", "id/city/longitude-as-double", '"13.2"^^<xsd:double>'),
        E("Country-code", "id/country/no-code"),
        E("Country-label", "id/country/no-code"),
        E("Country-code", "id/country/three-letter-code", '"SWE"'),
        E("Place-containedInPlace", "id/site/in-two-places"),
    ],
    "figures": [
        E("Resource-figure", "id/city/lund", "id/organization/not-a-figure"),
        E(
            "Figure-quantity",
            "id/figure/two-quantities",
            "id/figure/two-quantities",
            "A figure needs exactly one of schema:value, pg:moreThan or pg:nearly; it has 2",
        ),
        E(
            "Figure-quantity",
            "id/figure/no-quantity",
            "id/figure/no-quantity",
            "A figure needs exactly one of schema:value, pg:moreThan or pg:nearly; it has 0",
        ),
        E("Figure-value", "id/figure/decimal-value", '"1.5"^^<xsd:decimal>'),
        E("Figure-moreThan", "id/figure/negative-minimum", '"-1"^^<xsd:integer>'),
        E("Figure-nearly", "id/figure/nearly-zero", '"0"^^<xsd:integer>'),
        E("Figure-measure", "id/figure/no-measure"),
        E(
            "Figure-measure-scheme",
            "id/figure/measure-outside-scheme",
            "def/theme/sport",
            SCHEME.format("measure", BASE + "def/theme/sport", "measure", "measures"),
        ),
        E("Figure-unitText", "id/figure/doubled-unit-and-date"),
        E("Figure-date", "id/figure/doubled-unit-and-date"),
        E("Figure-of", "id/figure/orphan"),
    ],
    "declared-counts": [
        E(
            "DeclaredCount-completeness",
            "id/figure/lund-declared-twin-towns",
            '"2"^^<xsd:integer>',
            "Lund declares 2 partnerships of type twin town, the graph lists 1",
            "Warning",
        ),
        E(
            "DeclaredCount-countOf-scheme",
            "id/figure/lund-declared-themes",
            "def/theme/culture",
            f"The counted type {BASE}def/theme/culture is not a concept of the partnership-type "
            "scheme <https://w3id.org/partnergraph/def/partnership-type>",
        ),
        E("DeclaredCount-countOf", "id/figure/lund-declared-nothing"),
        E("DeclaredCount-value", "id/figure/lund-declared-nothing"),
        E(
            "Figure-quantity",
            "id/figure/lund-declared-nothing",
            "id/figure/lund-declared-nothing",
            "A figure needs exactly one of schema:value, pg:moreThan or pg:nearly; it has 0",
        ),
        E("DeclaredCount-measure", "id/figure/lund-declared-inhabitants"),
    ],
    "organisations": [
        E("Network-primarySite", "id/network/fixture-cities"),
        E("Organization-url", "id/network/other-cities"),
        E("Site-city", "id/site/nowhere"),
        E("Membership-member", "id/membership/no-member"),
        E("Membership-organization", "id/membership/two-networks"),
        E("Membership-activeIn", "id/membership/active-in-a-city", "id/city/hamar"),
        E(
            "Membership-activeIn-scheme",
            "id/membership/active-in-a-city",
            "id/city/hamar",
            SCHEME.format("theme", BASE + "id/city/hamar", "theme", "theme"),
        ),
        E(
            "Membership-activeIn-scheme",
            "id/membership/active-in-a-role",
            "def/role/host",
            SCHEME.format("theme", BASE + "def/role/host", "theme", "theme"),
        ),
        E("Organization-memberOf", "id/organization/member-of-a-country", "id/country/sweden"),
        E(
            "MemberOf-link",
            "id/organization/member-of-a-country",
            "id/country/sweden",
            f"The org:memberOf link to {BASE}id/country/sweden has no org:Membership node with "
            "this member and organisation",
        ),
        E("Participation-participant", "id/participation/no-participant"),
        E("Participation-activity", "id/participation/two-activities"),
        E("Participation-role", "id/participation/no-role"),
        E(
            "Participation-role-scheme",
            "id/participation/role-outside-scheme",
            "def/theme/youth",
            SCHEME.format("role", BASE + "def/theme/youth", "role", "roles"),
        ),
    ],
    "activities": [
        E("Programme-provider", "id/programme/no-provider"),
        E("Resource-typicalAgeRange", "id/programme/no-provider", '"16 to 20"'),
        E("Resource-minDuration", "id/programme/no-provider", '"two months"^^<xsd:duration>'),
        E("Resource-maxDuration", "id/programme/no-provider", '"P12M"'),
        E("Project-startDate", "id/project/doubled-dates"),
        E("Project-endDate", "id/project/doubled-dates"),
        E("Event-startDate", "id/event/doubled-dates"),
        E("Event-endDate", "id/event/doubled-dates"),
        E("Event-eventStatus", "id/event/doubled-dates", '"cancelled"'),
        E("EventSeries-eventStatus", "id/event/series-with-status"),
        E("Service-provider", "id/service/no-provider"),
        E("Designation-date", "id/designation/held-by-nobody"),
        E("Designation-holder", "id/designation/held-by-nobody"),
        E("Target-targetDate", "id/target/set-by-nobody"),
        E("Target-holder", "id/target/set-by-nobody"),
        *(
            E(f"Resource-{name}", "id/organization/wrong-links", "id/city/lund")
            for name in (
                "focus",
                "postalAddress",
                "visitingAddress",
                "contactPoint",
                "designation",
                "target",
            )
        ),
        E(
            "Resource-focus-scheme",
            "id/organization/wrong-links",
            "id/city/lund",
            SCHEME.format("theme", BASE + "id/city/lund", "theme", "theme"),
        ),
        E("Resource-containedInPlace", "id/organization/wrong-links", '"Lund"'),
        E("Resource-isPartOf", "id/organization/wrong-links", '"Erasmus+"'),
        E("Resource-provider", "id/organization/wrong-links", '"Lund"'),
        E("Resource-location", "id/organization/wrong-links", '"Lund"'),
        E("Resource-subOrganizationOf", "id/organization/wrong-links", "id/country/sweden"),
        E("Resource-funder", "id/organization/wrong-links", '"EU"'),
        E("Resource-relation", "id/organization/wrong-links", '"Beijing 2022"'),
    ],
    "blank-nodes": [
        E("Resource", "_:", "_:"),
        E("Resource-visitingAddress", "id/organization/blank-address", "_:"),
        E("Dataset", "_:", "_:"),
        E("Dataset-triples", "id/dataset/counted-in-words", '"many"'),
        E("VocabularyTerm", "_:", "_:"),
        E("ConceptScheme", "_:", "_:"),
        E("Concept", "_:", "_:"),
    ],
    "vocabulary-terms": [
        E("VocabularyTerm-label", "def/Thing"),
        E("VocabularyTerm-comment", "def/Thing"),
        E("Term-isDefinedBy", "def/Thing"),
        E(
            "Term-distinct",
            "def/twoThings",
            "http://www.w3.org/2004/02/skos/core#Concept",
            "One IRI must not name two things: this class or property is also a "
            "http://www.w3.org/2004/02/skos/core#Concept",
        ),
        E("Concept-prefLabel", "def/theme/half-described"),
        E("Concept-label", "def/theme/half-described"),
        E("Concept-altLabel", "def/theme/half-described", '"halb beschrieben"@de'),
        E("Concept-definition", "def/theme/half-described"),
        E(
            "Concept-definition-en",
            "def/theme/half-described",
            "def/theme/half-described",
            NO_EN_DEFINITION,
        ),
        E("Concept-inScheme", "def/theme/half-described"),
        E("Concept-topConceptOf", "def/theme/half-described", "def/theme/culture"),
        E(
            "Concept-definition-en",
            "def/theme/defined-in-swedish",
            "def/theme/defined-in-swedish",
            NO_EN_DEFINITION,
        ),
        E("ConceptScheme-prefLabel", "def/half-described-scheme"),
        E("ConceptScheme-label", "def/half-described-scheme"),
        E("ConceptScheme-hasTopConcept", "def/half-described-scheme"),
        E(
            "Concept-definition-en",
            "def/half-described-scheme",
            "def/half-described-scheme",
            NO_EN_DEFINITION,
        ),
        E("ConceptScheme-definition", "def/undefined-scheme"),
        E(
            "Concept-definition-en",
            "def/undefined-scheme",
            "def/undefined-scheme",
            NO_EN_DEFINITION,
        ),
    ],
}

#: Validated without the build: the shortcut links the build would add are missing.
EXPECTED_UNDERIVED: dict[str, list[Expected]] = {
    "shortcuts-missing": [
        E(
            "Partnership-shortcut",
            P + "lund-hamar",
            "id/city/hamar",
            f"The partnership's party {BASE}id/city/lund has no pg:partner link to the other "
            f"party {BASE}id/city/hamar",
        ),
        E(
            "Partnership-shortcut",
            P + "lund-hamar",
            "id/city/lund",
            f"The partnership's party {BASE}id/city/hamar has no pg:partner link to the other "
            f"party {BASE}id/city/lund",
        ),
        E(
            "Membership-shortcut",
            "id/membership/lund-fixture-cities",
            "id/network/fixture-cities",
            f"The member {BASE}id/city/lund has no org:memberOf link to "
            f"{BASE}id/network/fixture-cities",
        ),
    ],
}


def check(shapes: Graph, found: list[Finding], expected: list[Expected]) -> None:
    got = {(f.severity, local(f.shape), short(f.focus), short(f.value)) for f in found}
    want = {(e.severity, e.shape, e.focus, e.value) for e in expected}
    assert got == want, f"unexpected: {sorted(got - want)}\nmissing: {sorted(want - got)}"
    messages = {
        (e.shape, e.focus, e.value): e.message or shape_message(shapes, e.shape) for e in expected
    }
    for f in found:
        assert f.message == messages[(local(f.shape), short(f.focus), short(f.value))], f


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("fixture", sorted(EXPECTED))
def test_fixture_gives_exactly_the_expected_findings(
    shapes: Graph, fixture: str, engine: str
) -> None:
    found = findings([*CONTEXT, FIXTURES / f"{fixture}.trig"], engine)
    check(shapes, found, EXPECTED[fixture])


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("fixture", sorted(EXPECTED_UNDERIVED))
def test_missing_shortcuts_are_found_without_the_build(
    shapes: Graph, fixture: str, engine: str
) -> None:
    found = findings([*CONTEXT, FIXTURES / f"{fixture}.trig"], engine, derive=False)
    check(shapes, found, EXPECTED_UNDERIVED[fixture])


def test_every_fixture_file_has_expectations() -> None:
    files = {p.stem for p in FIXTURES.glob("*.trig")} - {"base"}
    assert files == set(EXPECTED) | set(EXPECTED_UNDERIVED)


def test_every_shape_has_a_fixture_that_it_rejects(shapes: Graph) -> None:
    tables = (EXPECTED, EXPECTED_UNDERIVED)
    covered = {e.shape for table in tables for expected in table.values() for e in expected}
    assert shapes_with_constraints(shapes) <= covered, sorted(
        shapes_with_constraints(shapes) - covered
    )


# ---- The real graph --------------------------------------------------------------------

#: The completeness report on the real graph: what the sources declare but the graph
#: does not (yet) list. Lund's page names three of its four cooperation agreements;
#: Lahti's thirteen twin cities are ten with a source of confidence high or
#: medium-high; no source confirms any of its four friendship municipalities.
COMPLETENESS = {
    (
        "id/figure/lund-declared-cooperation-agreements",
        "Lund declares 4 partnerships of type cooperation agreement, the graph lists 3",
    ),
    (
        "id/figure/lahti-declared-twin-towns",
        "Lahti declares 13 partnerships of type twin town, the graph lists 10",
    ),
    (
        "id/figure/lahti-declared-friendship-municipalities",
        "Lahti declares 4 partnerships of type friendship municipality, the graph lists 0",
    ),
}


@pytest.mark.parametrize("engine", ENGINES)
def test_real_graph_conforms_with_only_the_completeness_warnings(engine: str) -> None:
    found = findings([GRAPH_DIR], engine)
    assert [f for f in found if f.severity != "Warning"] == []
    assert {local(f.shape) for f in found} == {"DeclaredCount-completeness"}
    assert {(short(f.focus), f.message) for f in found} == COMPLETENESS
    assert len(found) == len(COMPLETENESS)
