"""The description of the dataset as a whole: VoID and DCAT-AP 3.0.1.

https://www.w3.org/TR/void/
https://semiceu.github.io/DCAT-AP/releases/3.0.1/

One description serves both vocabularies, about the dataset IRI the build already
describes with its VoID counts (``{base}id/dataset/partnergraph``): what it is,
who publishes it under which licence, whom to contact, its keywords (the labels
of the partnership types), its spatial coverage (the GeoNames places of the
municipalities), its temporal coverage (the earliest and latest date the data
states), the vocabularies it uses, its counts, the SPARQL endpoint as a
``dcat:DataService`` and a distribution, and the dump distributions.

Everything but the title, the description and the settings (publisher, contact,
licence) is asked of the store, one query per block. The controlled terms
DCAT-AP asks for (languages, file types, media types) are the EU Publications
Office authority tables and IANA; their types and schemes are stated here, as the
official shapes check them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

import pyoxigraph as ox

from partnergraph.materialise import dataset_iri
from partnergraph.namespaces import (
    DCTERMS,
    FOAF,
    ORG,
    RDF,
    RDFS,
    SCHEMA,
    SKOS,
    VOID,
    XSD,
    Namespaces,
)
from partnergraph.rdf import triple
from partnergraph.service import QueryService
from partnergraph.settings import Settings

DCAT = "http://www.w3.org/ns/dcat#"
VCARD = "http://www.w3.org/2006/vcard/ns#"
EU = "http://publications.europa.eu/resource/authority/"
GEONAMES = "https://sws.geonames.org/"
SPARQL_PROTOCOL = "https://www.w3.org/TR/sparql11-protocol/"

TITLE = {
    "en": "partnergraph: international relations of municipalities",
    "sv": "partnergraph: kommuners internationella relationer",
    "fi": "partnergraph: kuntien kansainväliset suhteet",
}
DESCRIPTION = {
    "en": "Twin towns, friendship towns, cooperation agreements, memberships in city "
    "networks, EU programmes and projects, and the people to contact, as linked open "
    "data. Each fact has its source and the sentence that states it.",
    "sv": "Vänorter, vänskapsorter, samarbetsavtal, medlemskap i stadsnätverk, EU-program "
    "och projekt samt kontaktpersoner som länkade öppna data. Varje uppgift har sin källa "
    "och meningen som anger den.",
    "fi": "Ystävyyskaupungit, ystävyyskunnat, yhteistyösopimukset, jäsenyydet "
    "kaupunkiverkostoissa, EU-ohjelmat ja -hankkeet sekä yhteyshenkilöt linkitettynä "
    "avoimena datana. Jokaisella tiedolla on lähteensä ja sen ilmaiseva virke.",
}
#: The languages of the data: EU authority code and English name (as the table gives it).
LANGUAGES = {"en": ("ENG", "English"), "sv": ("SWE", "Swedish"), "fi": ("FIN", "Finnish")}

_COUNTS = """
SELECT ?municipalities ?partnerships ?networks ?triples ?entities ?subjects ?properties ?classes
WHERE {
  { SELECT (COUNT(DISTINCT ?m) AS ?municipalities)
    WHERE { ?m a <https://schema.org/City>, <http://www.w3.org/ns/org#Organization> } }
  { SELECT (COUNT(DISTINCT ?p) AS ?partnerships) WHERE { ?p a <{pg}Partnership> } }
  { SELECT (COUNT(DISTINCT ?n) AS ?networks) WHERE { ?n a <{pg}Network> } }
  OPTIONAL { ?d <http://rdfs.org/ns/void#triples> ?triples }
  OPTIONAL { ?d <http://rdfs.org/ns/void#entities> ?entities }
  OPTIONAL { ?d <http://rdfs.org/ns/void#distinctSubjects> ?subjects }
  OPTIONAL { ?d <http://rdfs.org/ns/void#properties> ?properties }
  OPTIONAL { ?d <http://rdfs.org/ns/void#classes> ?classes }
}
"""

_TERMS = "SELECT DISTINCT ?term WHERE { { ?s ?term ?o } UNION { ?s a ?term } }"

_DATES = f"""
SELECT DISTINCT ?date WHERE {{
  ?s ?p ?date
  FILTER (?p IN (<{SCHEMA}startDate>, <{SCHEMA}endDate>, <{DCTERMS}date>))
  FILTER (DATATYPE(?date) IN (<{XSD}date>, <{XSD}gYear>, <{XSD}gYearMonth>))
}}
"""

_PLACES = f"""
SELECT DISTINCT ?id WHERE {{
  ?m a <{SCHEMA}City>, <{ORG}Organization> ; <{{pg}}geonamesId> ?id
}} ORDER BY ?id
"""

_PUBLISHERS = f"""
SELECT DISTINCT ?m ?label WHERE {{
  ?source <{{pg}}seedFile> ?file ; <{DCTERMS}publisher> ?m .
  ?m a <{SCHEMA}City>, <{ORG}Organization> .
  OPTIONAL {{ ?m <{RDFS}label> ?label }}
}} ORDER BY ?m
"""


def _described(m: str) -> str:
    """The graph pattern of a municipality whose relations the data describes, bound as
    ``?{m}``: a member of a network, or a party to partnerships with two or more other
    places (the others of those partnerships are its partner places)."""
    return f"""
  ?{m} a <{SCHEMA}City>, <{ORG}Organization> .
  FILTER EXISTS {{
    {{ ?{m}_membership <{ORG}member> ?{m} }}
    UNION
    {{ ?{m}_p1 a <{{pg}}Partnership> ; <{{pg}}party> ?{m}, ?{m}_a .
       ?{m}_p2 a <{{pg}}Partnership> ; <{{pg}}party> ?{m}, ?{m}_b .
       FILTER (?{m}_a != ?{m} && ?{m}_b != ?{m} && ?{m}_a != ?{m}_b) }}
  }}"""


_HOME_COUNTS = f"""
SELECT ?described ?partner_places ?partnerships ?networks ?sources WHERE {{
  {{ SELECT (COUNT(DISTINCT ?m) AS ?described) WHERE {{ {_described("m")} }} }}
  {{ SELECT (COUNT(DISTINCT ?place) AS ?partner_places) WHERE {{
      {_described("m")}
      ?p a <{{pg}}Partnership> ; <{{pg}}party> ?m, ?place .
      FILTER (?place != ?m)
      FILTER NOT EXISTS {{ {_described("place")} }}
  }} }}
  {{ SELECT (COUNT(DISTINCT ?p) AS ?partnerships) WHERE {{ ?p a <{{pg}}Partnership> }} }}
  {{ SELECT (COUNT(DISTINCT ?n) AS ?networks) WHERE {{ ?n a <{{pg}}Network> }} }}
  {{ SELECT (COUNT(DISTINCT ?s) AS ?sources) WHERE {{ ?s a <{{pg}}SourceDocument> }} }}
}}
"""

_DESCRIBED_MUNICIPALITIES = f"""
SELECT DISTINCT ?m ?partnership ?membership ?label WHERE {{
  {_described("m")}
  {{ ?partnership a <{{pg}}Partnership> ; <{{pg}}party> ?m }}
  UNION {{ ?membership <{ORG}member> ?m }}
  UNION {{ ?m <{RDFS}label> ?label }}
}}
"""

#: The EU data theme of the dataset (and its English label, as the table gives it).
THEME = ("GOVE", "Government and public sector")

_KEYWORDS = f"""
SELECT DISTINCT ?label WHERE {{
  ?concept <{SKOS}inScheme> ?scheme ; <{SKOS}prefLabel> ?label
  FILTER (?scheme IN (<{{pg}}partnership-type>, <{{pg}}theme>))
}} ORDER BY ?label
"""


@dataclass(frozen=True)
class Counts:
    """The counts the home page and VoID show (from the build's VoID statistics)."""

    municipalities: int = 0
    partnerships: int = 0
    networks: int = 0
    triples: int = 0
    entities: int = 0
    subjects: int = 0
    properties: int = 0
    classes: int = 0


@dataclass(frozen=True)
class HomeCounts:
    """What the home page counts, each asked of the query service.

    Attributes:
        municipalities: the municipalities whose relations the data describes (a
            network membership, or partnerships with two or more places).
        partner_places: the other parties of their partnerships, not described
            themselves.
        partnerships: every partnership.
        networks: every network.
        sources: every source document.
    """

    municipalities: int = 0
    partner_places: int = 0
    partnerships: int = 0
    networks: int = 0
    sources: int = 0


@dataclass(frozen=True)
class Described:
    """A municipality whose relations the data describes.

    Attributes:
        iri: its IRI.
        labels: its labels by language.
        partnerships: how many partnerships it is a party to.
        memberships: how many memberships it holds.
    """

    iri: str
    labels: dict[str, str]
    partnerships: int
    memberships: int


@dataclass(frozen=True)
class Site:
    """Where this deployment answers.

    Attributes:
        root: the site's root URL, ending with ``/``.
        version: the dataset version (SHA-256 of the build).
        built: when the served graph was built.
        dumps: the DCAT description of the current release of dumps, merged in as
            it is (``partnergraph.dumps.dcat.describe_release``: the distributions
            and ``void:dataDump`` links). Empty when the app wrote no release
            (setting ``dumps`` off): then no dump is claimed.
    """

    root: str
    version: str
    built: datetime
    dumps: Sequence[ox.Triple] = ()


def counts(service: QueryService, ns: Namespaces) -> Counts:
    """The counts of the served dataset (one query, the dataset IRI bound)."""
    query = _COUNTS.replace("{pg}", ns.pg)
    rows = service.select(query, {"d": ox.NamedNode(dataset_iri(ns))}, 1).rows
    if not rows:
        return Counts()
    row = rows[0]
    values = {
        name: int(term.value) if isinstance(term, ox.Literal) else 0 for name, term in row.items()
    }
    return Counts(**values)


def publishers(service: QueryService, ns: Namespaces) -> dict[str, dict[str, str]]:
    """The municipalities whose own pages are sources, with their labels by language."""
    rows = service.select(_PUBLISHERS.replace("{pg}", ns.pg), {}, 10_000).rows
    found: dict[str, dict[str, str]] = {}
    for row in rows:
        municipality, label = row["m"], row["label"]
        if isinstance(municipality, ox.NamedNode):
            labels = found.setdefault(municipality.value, {})
            if isinstance(label, ox.Literal) and label.language:
                labels.setdefault(label.language, label.value)
    return found


def home_counts(service: QueryService, ns: Namespaces) -> HomeCounts:
    """The counts of the home page (one query of five counts)."""
    rows = service.select(_HOME_COUNTS.replace("{pg}", ns.pg), {}, 1).rows
    if not rows:
        return HomeCounts()
    row = rows[0]
    return HomeCounts(
        municipalities=_count(row["described"]),
        partner_places=_count(row["partner_places"]),
        partnerships=_count(row["partnerships"]),
        networks=_count(row["networks"]),
        sources=_count(row["sources"]),
    )


def described_municipalities(service: QueryService, ns: Namespaces) -> list[Described]:
    """The municipalities whose relations the data describes, with their labels and
    how many partnerships and memberships each has (one query), in IRI order."""
    rows = service.select(_DESCRIBED_MUNICIPALITIES.replace("{pg}", ns.pg), {}, 100_000).rows
    labels: dict[str, dict[str, str]] = {}
    partnerships: dict[str, set[str]] = {}
    memberships: dict[str, set[str]] = {}
    for row in rows:
        municipality = row["m"]
        if not isinstance(municipality, ox.NamedNode):
            continue
        iri = municipality.value
        labels.setdefault(iri, {})
        if isinstance(label := row["label"], ox.Literal) and label.language:
            labels[iri].setdefault(label.language, label.value)
        if (partnership := row["partnership"]) is not None:
            partnerships.setdefault(iri, set()).add(str(partnership))
        if (membership := row["membership"]) is not None:
            memberships.setdefault(iri, set()).add(str(membership))
    return [
        Described(
            iri,
            labels[iri],
            len(partnerships.get(iri, ())),
            len(memberships.get(iri, ())),
        )
        for iri in sorted(labels)
    ]


def _count(term: object) -> int:
    return int(term.value) if isinstance(term, ox.Literal) else 0


def describe(
    service: QueryService, settings: Settings, site: Site, found: Sequence[ox.Triple] = ()
) -> list[ox.Triple]:
    """The VoID and DCAT-AP description of the dataset, as triples.

    Args:
        service: the query service.
        settings: the settings (base IRI, publisher, contact point, licence).
        site: where the deployment answers, and the build's version and time.
        found: :func:`facts` of the served data, when the caller has them already
            (they change only with the data); asked from ``service`` otherwise.

    Returns:
        The triples (blank nodes for the publisher, the contact point and the period).
    """
    ns = Namespaces(settings.base_iri)
    return list(_triples(settings, ns, site, found or facts(service, ns)))


def facts(service: QueryService, ns: Namespaces) -> list[ox.Triple]:
    """What the description says of the data itself, found by querying it: keywords,
    example resources, spatial and temporal coverage, counts, vocabularies."""
    dataset = ox.NamedNode(dataset_iri(ns))
    found = list(_keywords(service, ns, dataset))
    found += [
        triple(dataset, VOID + "exampleResource", ox.NamedNode(example))
        for example in publishers(service, ns)
    ]
    found += _spatial(service, ns, dataset)
    found += _temporal(service, dataset)
    found += _statistics(service, ns, dataset)
    found += _vocabularies(service, ns, dataset)
    return found


def _triples(
    settings: Settings, ns: Namespaces, site: Site, found: Sequence[ox.Triple]
) -> Iterator[ox.Triple]:
    dataset = ox.NamedNode(dataset_iri(ns))
    home = ox.NamedNode(site.root)
    sparql = ox.NamedNode(site.root + "sparql")
    yield from _typed(dataset, VOID + "Dataset", DCAT + "Dataset")
    for lang, text in TITLE.items():
        yield triple(dataset, DCTERMS + "title", ox.Literal(text, language=lang))
    for lang, text in DESCRIPTION.items():
        yield triple(dataset, DCTERMS + "description", ox.Literal(text, language=lang))
    yield triple(dataset, DCTERMS + "modified", _date(site.built))
    yield triple(dataset, DCAT + "version", ox.Literal(site.version[:12]))
    yield triple(dataset, DCAT + "landingPage", home)
    yield from _typed(home, FOAF + "Document")
    yield triple(dataset, FOAF + "homepage", home)
    changes = ox.NamedNode(site.root + "changes")  # the change log of accepted writes
    yield triple(dataset, RDFS + "seeAlso", changes)
    label = ox.Literal("Changes: the log of accepted writes", language="en")
    yield triple(changes, RDFS + "label", label)
    yield from _publisher(dataset, settings, site)
    yield from _licence(dataset, settings)
    for code, name in LANGUAGES.values():
        language = ox.NamedNode(f"{EU}language/{code}")
        yield triple(dataset, DCTERMS + "language", language)
        yield from _typed(language, DCTERMS + "LinguisticSystem", SKOS + "Concept")
        yield triple(language, SKOS + "inScheme", ox.NamedNode(EU + "language"))
        yield triple(language, SKOS + "prefLabel", ox.Literal(name, language="en"))
    theme = ox.NamedNode(f"{EU}data-theme/{THEME[0]}")
    yield triple(dataset, DCAT + "theme", theme)
    yield from _typed(theme, SKOS + "Concept")
    yield triple(theme, SKOS + "inScheme", ox.NamedNode(EU + "data-theme"))
    yield triple(theme, SKOS + "prefLabel", ox.Literal(THEME[1], language="en"))
    yield from found
    yield triple(dataset, VOID + "uriSpace", ox.Literal(ns.id))
    yield triple(dataset, VOID + "sparqlEndpoint", sparql)
    yield from _endpoint(dataset, sparql, settings, site)
    yield from site.dumps


def _publisher(dataset: ox.NamedNode, settings: Settings, site: Site) -> Iterator[ox.Triple]:
    publisher = ox.NamedNode(site.root + "#publisher")
    contact = ox.BlankNode()
    page = ox.NamedNode(settings.publisher_url or site.root)
    yield triple(dataset, DCTERMS + "publisher", publisher)
    yield from _typed(publisher, FOAF + "Agent")
    yield triple(publisher, FOAF + "name", ox.Literal(settings.publisher_name))
    yield triple(publisher, FOAF + "homepage", page)
    yield triple(dataset, DCAT + "contactPoint", contact)
    yield from _typed(contact, VCARD + "Kind", VCARD + "Organization")
    yield triple(contact, VCARD + "fn", ox.Literal(settings.publisher_name))
    yield triple(contact, VCARD + "hasURL", page)
    if settings.contact_email:
        yield triple(contact, VCARD + "hasEmail", ox.NamedNode("mailto:" + settings.contact_email))


def _licence(subject: ox.NamedNode | ox.BlankNode, settings: Settings) -> Iterator[ox.Triple]:
    licence = ox.NamedNode(settings.licence)
    yield triple(subject, DCTERMS + "license", licence)
    yield from _typed(licence, DCTERMS + "LicenseDocument")


def _keywords(service: QueryService, ns: Namespaces, dataset: ox.NamedNode) -> Iterator[ox.Triple]:
    rows = service.select(_KEYWORDS.replace("{pg}", ns.pg), {}, 1000).rows
    for row in rows:
        label = row["label"]
        if isinstance(label, ox.Literal) and label.language in LANGUAGES:
            yield triple(dataset, DCAT + "keyword", label)


def _spatial(service: QueryService, ns: Namespaces, dataset: ox.NamedNode) -> Iterator[ox.Triple]:
    rows = service.select(_PLACES.replace("{pg}", ns.pg), {}, 10_000).rows
    for row in rows:
        geonames_id = row["id"]
        if isinstance(geonames_id, ox.Literal) and geonames_id.value.isdigit():
            place = ox.NamedNode(f"{GEONAMES}{geonames_id.value}/")
            yield triple(dataset, DCTERMS + "spatial", place)
            yield from _typed(place, DCTERMS + "Location")


def _temporal(service: QueryService, dataset: ox.NamedNode) -> Iterator[ox.Triple]:
    rows = service.select(_DATES, {}, 100_000).rows
    years = sorted(
        d.value[:4]
        for row in rows
        if isinstance(d := row["date"], ox.Literal) and d.value[:4].isdigit()
    )
    if not years:
        return
    period = ox.BlankNode()
    yield triple(dataset, DCTERMS + "temporal", period)
    yield from _typed(period, DCTERMS + "PeriodOfTime")
    yield triple(
        period, DCAT + "startDate", ox.Literal(years[0], datatype=ox.NamedNode(XSD + "gYear"))
    )
    yield triple(
        period, DCAT + "endDate", ox.Literal(years[-1], datatype=ox.NamedNode(XSD + "gYear"))
    )


def _statistics(
    service: QueryService, ns: Namespaces, dataset: ox.NamedNode
) -> Iterator[ox.Triple]:
    found = counts(service, ns)
    for name in ("triples", "entities", "properties", "classes"):
        yield triple(dataset, VOID + name, _integer(getattr(found, name)))
    yield triple(dataset, VOID + "distinctSubjects", _integer(found.subjects))


def _vocabularies(
    service: QueryService, ns: Namespaces, dataset: ox.NamedNode
) -> Iterator[ox.Triple]:
    rows = service.select(_TERMS, {}, 100_000).rows
    terms = {term.value for row in rows if isinstance(term := row["term"], ox.NamedNode)}
    for namespace in sorted(set(ns.prefixes().values())):
        if any(term.startswith(namespace) for term in terms):
            yield triple(dataset, VOID + "vocabulary", ox.NamedNode(namespace))


def _endpoint(
    dataset: ox.NamedNode, sparql: ox.NamedNode, settings: Settings, site: Site
) -> Iterator[ox.Triple]:
    service = ox.NamedNode(site.root + "sparql#service")
    distribution = ox.NamedNode(site.root + "sparql#distribution")
    protocol = ox.NamedNode(SPARQL_PROTOCOL)
    yield from _typed(service, DCAT + "DataService")
    yield triple(
        service, DCTERMS + "title", ox.Literal("partnergraph SPARQL endpoint", language="en")
    )
    yield triple(service, DCAT + "endpointURL", sparql)
    yield from _typed(sparql, RDFS + "Resource")
    yield triple(service, DCAT + "endpointDescription", sparql)
    yield triple(service, DCAT + "servesDataset", dataset)
    yield triple(service, DCTERMS + "conformsTo", protocol)
    yield from _typed(protocol, DCTERMS + "Standard")
    yield from _licence(service, settings)
    yield triple(dataset, DCAT + "distribution", distribution)
    yield from _typed(distribution, DCAT + "Distribution")
    yield triple(distribution, DCTERMS + "title", ox.Literal("SPARQL 1.1 endpoint", language="en"))
    yield triple(distribution, DCAT + "accessURL", sparql)
    yield triple(distribution, DCAT + "accessService", service)
    yield from _licence(distribution, settings)


def _typed(node: ox.NamedNode | ox.BlankNode, *classes: str) -> Iterator[ox.Triple]:
    for cls in classes:
        yield ox.Triple(node, ox.NamedNode(RDF + "type"), ox.NamedNode(cls))


def _integer(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer"))


def _date(moment: datetime) -> ox.Literal:
    return ox.Literal(moment.isoformat(), datatype=ox.NamedNode(XSD + "dateTime"))


#: Prefixes for writing the description.
PREFIXES = {
    "void": VOID,
    "dcat": DCAT,
    "dcterms": DCTERMS,
    "foaf": FOAF,
    "vcard": VCARD,
    "skos": SKOS,
    "rdfs": RDFS,
    "xsd": XSD,
}
