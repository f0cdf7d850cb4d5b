"""Generate partnergraph data of the real graph's shape, at a chosen size, for benchmarks.

Seeded and reproducible: the same arguments give the same file, byte for byte.
The vocabulary and concept schemes are copied from ``graph/`` (the named graph
``{base}graph/vocabulary``); everything else is made up but shaped like the curated
files: municipalities with labels in en/sv/fi, countries, partnerships with types
from the real scheme, dates, memberships in networks, figures and declared counts,
participations in programmes, posts, contact points, addresses, people (in the
personal graph), source documents, quotes, one named graph per source.

The generated data conforms to ``shapes/``; ``--violations N`` plants N faults,
each of which the shapes report exactly once (one finding per fault).

Usage::

    python benchmarks/generate.py --triples 100000 [--violations 20] [--seed 1]

writes ``benchmarks/data/partnergraph-100000.trig`` (TriG, what ``partnergraph
validate`` reads; ``--format nq`` writes N-Quads).
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
BASE = "https://w3id.org/partnergraph/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
SCHEMA = "https://schema.org/"
ORG = "http://www.w3.org/ns/org#"
OWL = "http://www.w3.org/2002/07/owl#"
WD = "http://www.wikidata.org/entity/"
LANG = "http://publications.europa.eu/resource/authority/language/"

#: The kinds of planted fault, each reported exactly once by the shapes.
FAULTS = (
    "bad-email",
    "bad-phone",
    "invalid-date",
    "start-after-end",
    "missing-en-label",
    "duplicate-label-language",
    "one-party",
    "bad-sameas",
    "declared-count-mismatch",
    "missing-source",
    "label-language",
    "negative-figure",
)
SYLLABLES = ("lun", "ha", "mar", "vik", "sal", "to", "ber", "ga", "ri", "kos", "en", "la", "ny")
LANGUAGES = ("sv", "fi")


def iri(path: str) -> str:
    """An IRI under the base, in N-Triples syntax."""
    return f"<{BASE}{path}>"


def lit(text: str, lang: str | None = None, datatype: str | None = None) -> str:
    """A literal in N-Triples syntax."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    if lang:
        return f'"{escaped}"@{lang}'
    if datatype:
        return f'"{escaped}"^^<{datatype}>'
    return f'"{escaped}"'


def integer(value: int) -> str:
    """An xsd:integer literal."""
    return lit(str(value), datatype=XSD + "integer")


@dataclass
class Dataset:
    """Quads grouped by named graph, in N-Triples term syntax.

    Attributes:
        graphs: graph IRI (N-Triples) to its triples.
        faults: the planted faults, as (kind, node).
    """

    graphs: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)
    faults: list[tuple[str, str]] = field(default_factory=list)

    def add(self, graph: str, subject: str, predicate: str, obj: str) -> None:
        """Add one triple to ``graph``."""
        self.graphs.setdefault(graph, []).append((subject, predicate, obj))

    def __len__(self) -> int:
        return sum(len(triples) for triples in self.graphs.values())

    def trig(self) -> Iterator[str]:
        """The dataset as TriG, graph by graph."""
        for graph, triples in self.graphs.items():
            yield f"GRAPH {graph} {{\n"
            for s, p, o in triples:
                yield f"{s} {p} {o} .\n"
            yield "}\n"

    def nquads(self) -> Iterator[str]:
        """The dataset as N-Quads."""
        for graph, triples in self.graphs.items():
            for s, p, o in triples:
                yield f"{s} {p} {o} {graph} .\n"

    def store(self) -> ox.Store:
        """The dataset in a new in-memory pyoxigraph store."""
        store = ox.Store()
        store.load("".join(self.nquads()).encode(), format=ox.RdfFormat.N_QUADS)
        return store


def vocabulary(graph_dir: Path) -> list[ox.Quad]:
    """The quads of the vocabulary graph in the curated files."""
    name = ox.NamedNode(BASE + "graph/vocabulary")
    quads = []
    for path in sorted(graph_dir.glob("*.trig")):
        for quad in ox.parse(path=str(path), format=ox.RdfFormat.TRIG, base_iri=BASE):
            if quad.graph_name == name:
                quads.append(quad)
    return quads


def concepts(quads: list[ox.Quad], kind: str) -> list[str]:
    """The SKOS concepts (N-Triples) of the vocabulary under ``{base}def/{kind}/``, sorted."""
    concept = ox.NamedNode(SKOS + "Concept")
    prefix = f"{BASE}def/{kind}/"
    found = {
        str(q.subject)
        for q in quads
        if q.object == concept and isinstance(q.subject, ox.NamedNode)
        if q.subject.value.startswith(prefix)
    }
    return sorted(found)


class Generator:
    """Makes the data; one instance per dataset.

    Args:
        seed: the random seed.
        graph_dir: where the curated files are (for the vocabulary).
    """

    def __init__(self, seed: int, graph_dir: Path) -> None:
        self.rng = random.Random(seed)
        self.data = Dataset()
        self.vocabulary = vocabulary(graph_dir)
        vocab_graph = iri("graph/vocabulary")
        for q in self.vocabulary:
            self.data.add(vocab_graph, str(q.subject), str(q.predicate), str(q.object))
        self.types = {
            name: iri(f"def/partnership-type/{name}")
            for name in ("twin-town", "friendship-municipality", "cooperation-agreement")
        }
        self.measures = concepts(self.vocabulary, "measure")
        self.themes = concepts(self.vocabulary, "theme")
        self.roles = concepts(self.vocabulary, "role")
        self.countries: list[tuple[str, str]] = []
        self.networks: list[str] = []
        self.programmes: list[str] = []
        self.listed: dict[tuple[int, str], int] = {}
        self.cities = 0

    # ---- helpers -------------------------------------------------------------------

    def name(self) -> str:
        """A made-up place name."""
        parts = self.rng.randint(2, 3)
        return "".join(self.rng.choice(SYLLABLES) for _ in range(parts)).capitalize()

    def describe(
        self, graph: str, node: str, types: tuple[str, ...], labels: dict[str, str]
    ) -> None:
        """Type, labels, a quote and the source of a resource (the source is the graph's)."""
        for t in types:
            self.data.add(graph, node, f"<{RDF}type>", t)
        for lang, label in labels.items():
            self.data.add(graph, node, f"<{RDFS}label>", lit(label, lang))
        quote_lang = next((lang for lang in labels if lang != "en"), "en")
        self.data.add(graph, node, iri("def/quote"), lit(f"{labels['en']}.", quote_lang))
        self.data.add(graph, node, f"<{DCT}source>", self.source_of(graph))

    def source_of(self, graph: str) -> str:
        """The source document a named graph holds the facts of."""
        return graph.replace("/graph/", "/id/source/")

    def source(self, graph: str, title: str, lang: str, publisher: str | None) -> None:
        """Describe the source document of ``graph``."""
        node = self.source_of(graph)
        self.describe(graph, node, (iri("def/SourceDocument"),), {"en": title, lang: title})
        self.data.add(graph, node, f"<{DCT}title>", lit(title, lang))
        code = {"sv": "SWE", "fi": "FIN", "en": "ENG"}[lang]
        self.data.add(graph, node, f"<{DCT}language>", f"<{LANG}{code}>")
        if publisher:
            self.data.add(graph, node, f"<{DCT}publisher>", publisher)
        slug = graph.rsplit("/", 1)[1].rstrip(">")
        self.data.add(graph, node, f"<{SCHEMA}url>", f"<https://example.org/{slug}>")

    # ---- shared resources ------------------------------------------------------------

    def shared(self, count: int) -> None:
        """Countries, networks and programmes that many cities refer to."""
        graph = iri("graph/gen-reference")
        self.source(graph, "Generated reference identifiers", "en", None)
        self.source(iri("graph/personal"), "Personal contact data", "en", None)
        for i in range(max(5, count)):
            node = iri(f"id/country/gen-{i}")
            name = self.name() + "land"
            self.describe(
                graph, node, (f"<{SCHEMA}Country>",), {"en": name, "sv": name, "fi": name}
            )
            code = chr(65 + i // 26 % 26) + chr(65 + i % 26)
            self.data.add(graph, node, iri("def/countryCode"), lit(code))
            self.data.add(graph, node, f"<{OWL}sameAs>", f"<{WD}Q{900000 + i}>")
            self.countries.append((node, code))
        for i in range(max(3, count // 2)):
            node = iri(f"id/network/gen-{i}")
            name = f"Network {self.name()}"
            self.describe(graph, node, (iri("def/Network"),), {"en": name, "fi": name, "sv": name})
            self.data.add(graph, node, f"<{SCHEMA}url>", f"<https://example.org/network/{i}>")
            for theme in self.rng.sample(self.themes, 2):
                self.data.add(graph, node, iri("def/focus"), theme)
            figure = iri(f"id/figure/gen-network-{i}-members")
            self.data.add(graph, node, iri("def/figure"), figure)
            self.describe(
                graph, figure, (iri("def/Figure"),), {"en": f"{name}: over 100 member cities"}
            )
            self.data.add(graph, figure, iri("def/measure"), self.measure("member-cities"))
            self.data.add(graph, figure, iri("def/moreThan"), integer(100 + i))
            site = iri(f"id/site/gen-network-{i}-secretariat")
            self.data.add(graph, node, f"<{ORG}hasPrimarySite>", site)
            self.describe(graph, site, (f"<{ORG}Site>",), {"en": f"{name} secretariat"})
            self.data.add(graph, site, f"<{SCHEMA}containedInPlace>", iri(f"id/city/gen-{i % 3}"))
            self.networks.append(node)
        funder = iri("id/organization/gen-union")
        self.describe(graph, funder, (f"<{SCHEMA}Organization>",), {"en": "Generated Union"})
        for i in range(max(2, count // 4)):
            node = iri(f"id/programme/gen-{i}")
            name = f"Programme {self.name()}"
            self.describe(
                graph, node, (iri("def/Programme"),), {"en": name, "sv": name, "fi": name}
            )
            self.data.add(graph, node, f"<{SCHEMA}provider>", funder)
            self.programmes.append(node)

    def measure(self, name: str) -> str:
        """A measure concept, by its slug if the scheme has it."""
        wanted = iri(f"def/measure/{name}")
        return wanted if wanted in self.measures else self.measures[0]

    # ---- one municipality ------------------------------------------------------------

    def city(self, i: int) -> None:
        """A municipality and everything its own page would state."""
        lang = LANGUAGES[i % 2]
        graph = iri(f"graph/gen-city-{i}")
        node = iri(f"id/city/gen-{i}")
        name = self.name()
        self.source(graph, f"{name}: international relations", lang, node)
        self.describe(
            graph,
            node,
            (f"<{SCHEMA}City>", f"<{ORG}Organization>"),
            {"en": name, "sv": name, "fi": name},
        )
        self.data.add(graph, node, f"<{SKOS}altLabel>", lit(f"{name} kommun", lang))
        country, code = self.countries[i % len(self.countries)]
        self.data.add(graph, node, f"<{SCHEMA}containedInPlace>", country)
        self.data.add(graph, node, f"<{OWL}sameAs>", f"<{WD}Q{1000000 + i}>")
        self.data.add(graph, node, iri("def/geonamesId"), lit(str(2000000 + i)))
        self.data.add(graph, node, f"<{SCHEMA}description>", lit(f"{name} is a city.", "en"))
        self.data.add(graph, node, f"<{SCHEMA}description>", lit(f"{name} är en stad.", lang))
        self.figures(graph, i, node, name)
        self.office(graph, i, node, name, lang, code)
        for k in range(2):
            post = iri(f"id/post/gen-{i}-{k}")
            title = ("International Secretary", "EU coordinator")[k]
            labels = {"en": title, "sv": f"{title} (sv)", "fi": f"{title} (fi)"}
            self.describe(graph, post, (f"<{ORG}Post>",), labels)
            self.data.add(graph, post, f"<{ORG}postIn>", node)
            self.person(i, k, post, name)
        for k, network in enumerate(self.rng.sample(self.networks, 2)):
            membership = iri(f"id/membership/gen-{i}-{k}")
            self.describe(
                graph,
                membership,
                (f"<{ORG}Membership>",),
                {"en": f"{name} in a network", lang: name},
            )
            self.data.add(graph, membership, f"<{ORG}member>", node)
            self.data.add(graph, membership, f"<{ORG}organization>", network)
            self.data.add(graph, membership, iri("def/activeIn"), self.rng.choice(self.themes))
        participation = iri(f"id/participation/gen-{i}")
        self.describe(
            graph, participation, (iri("def/Participation"),), {"en": f"{name} in a programme"}
        )
        self.data.add(graph, participation, iri("def/participant"), node)
        self.data.add(graph, participation, iri("def/activity"), self.rng.choice(self.programmes))
        self.data.add(graph, participation, iri("def/role"), self.rng.choice(self.roles))
        self.data.add(graph, participation, f"<{SCHEMA}typicalAgeRange>", lit("13-30"))
        self.cities = i + 1

    def figures(self, graph: str, i: int, node: str, name: str) -> None:
        """Population and other figures of a city."""
        for k, (measure, predicate, value) in enumerate(
            (
                ("inhabitants", "value", self.rng.randint(5000, 900000)),
                ("nationalities", "moreThan", self.rng.randint(20, 180)),
                ("foreign-language-residents", "value", self.rng.randint(100, 90000)),
            )
        ):
            figure = iri(f"id/figure/gen-{i}-{measure}")
            self.data.add(graph, node, iri("def/figure"), figure)
            labels = {"en": f"{name}: {value} {measure}", "sv": f"{name}: {value}"}
            self.describe(graph, figure, (iri("def/Figure"),), labels)
            self.data.add(graph, figure, iri("def/measure"), self.measure(measure))
            quantity = f"<{SCHEMA}value>" if predicate == "value" else iri(f"def/{predicate}")
            self.data.add(graph, figure, quantity, integer(value))
            if k == 0:
                date = lit(f"{2015 + i % 9}-12-31", datatype=XSD + "date")
                self.data.add(graph, figure, f"<{DCT}date>", date)

    def office(self, graph: str, i: int, city: str, name: str, lang: str, code: str) -> None:
        """The municipal office with its addresses and contact points."""
        office = iri(f"id/organization/gen-{i}-office")
        self.describe(
            graph,
            office,
            (f"<{SCHEMA}Organization>",),
            {"en": f"{name} municipal office", lang: "Kommunkontoret"},
        )
        self.data.add(graph, office, f"<{ORG}subOrganizationOf>", city)
        for kind in ("postal", "visiting"):
            address = iri(f"id/address/gen-{i}-{kind}")
            self.data.add(graph, office, iri(f"def/{kind}Address"), address)
            self.describe(
                graph, address, (f"<{SCHEMA}PostalAddress>",), {"en": f"{kind} address of {name}"}
            )
            if kind == "postal":
                self.data.add(
                    graph, address, f"<{SCHEMA}postOfficeBoxNumber>", lit(str(i % 90 + 1))
                )
            else:
                self.data.add(
                    graph, address, f"<{SCHEMA}streetAddress>", lit(f"Storgatan {i % 50 + 1}")
                )
            self.data.add(graph, address, f"<{SCHEMA}postalCode>", lit(f"{10000 + i % 89999}"))
            self.data.add(graph, address, f"<{SCHEMA}addressLocality>", lit(name))
            self.data.add(graph, address, f"<{SCHEMA}addressCountry>", lit(code))
        email = iri(f"id/contact-point/gen-{i}-email")
        phone = iri(f"id/contact-point/gen-{i}-phone")
        for contact in (email, phone):
            self.data.add(graph, office, f"<{SCHEMA}contactPoint>", contact)
        self.describe(graph, email, (f"<{SCHEMA}ContactPoint>",), {"en": f"E-mail of {name}"})
        self.data.add(graph, email, f"<{SCHEMA}email>", lit(f"office@city-{i}.example.org"))
        self.describe(
            graph, phone, (f"<{SCHEMA}ContactPoint>",), {"en": f"Citizen centre of {name}"}
        )
        self.data.add(graph, phone, f"<{SCHEMA}contactType>", lit("citizen centre", "en"))
        self.data.add(
            graph, phone, f"<{SCHEMA}telephone>", lit(f"+46 {i % 90 + 10} {i % 900 + 100} 50 00")
        )

    def person(self, i: int, k: int, post: str, city_name: str) -> None:
        """The person who holds a post (in the personal graph)."""
        graph = iri("graph/personal")
        node = iri(f"id/person/gen-{i}-{k}")
        name = f"{self.name()} {self.name()}son"
        self.describe(graph, node, (f"<{SCHEMA}Person>",), {"en": name, "sv": name})
        self.data.add(graph, node, f"<{SCHEMA}name>", lit(name))
        self.data.add(graph, node, f"<{ORG}holds>", post)
        self.data.add(graph, node, f"<{SCHEMA}email>", lit(f"person{k}@city-{i}.example.org"))
        self.data.add(
            graph, node, f"<{SCHEMA}telephone>", lit(f"+358 {i % 90 + 10} {k + 1}23 4567")
        )

    def partnerships(self, i: int, count: int) -> None:
        """Partnerships of city ``i`` with earlier cities, in the graph of city ``i``."""
        names = list(self.types)
        graph = iri(f"graph/gen-city-{i}")
        for k in range(count if i else 0):
            j = self.rng.randrange(i)
            kind = names[self.rng.choices(range(3), weights=(6, 2, 2))[0]]
            node = iri(f"id/partnership/gen-{i}-{k}")
            labels = {"en": f"Partnership {i}-{j}", LANGUAGES[i % 2]: f"Partnerskap {i}-{j}"}
            self.describe(graph, node, (iri("def/Partnership"),), labels)
            self.data.add(graph, node, iri("def/partnershipType"), self.types[kind])
            self.data.add(graph, node, iri("def/party"), iri(f"id/city/gen-{i}"))
            self.data.add(graph, node, iri("def/party"), iri(f"id/city/gen-{j}"))
            year = 1950 + self.rng.randrange(70)
            if k % 2:
                start = lit(str(year), datatype=XSD + "gYear")
            else:
                start = lit(f"{year}-{1 + k % 12:02d}-{1 + i % 28:02d}", datatype=XSD + "date")
            self.data.add(graph, node, f"<{SCHEMA}startDate>", start)
            if k == 2:
                end = lit(str(year + 10), datatype=XSD + "gYear")
                self.data.add(graph, node, f"<{SCHEMA}endDate>", end)
            self.data.add(graph, node, f"<{SKOS}note>", lit("A generated partnership.", "en"))
            for city in (i, j):
                self.listed[(city, kind)] = self.listed.get((city, kind), 0) + 1

    def declared_counts(self) -> None:
        """Each city declares how many twin towns and friendship municipalities it has."""
        for i in range(self.cities):
            graph = iri(f"graph/gen-city-{i}")
            for kind in ("twin-town", "friendship-municipality"):
                node = iri(f"id/figure/gen-{i}-declared-{kind}")
                self.data.add(graph, iri(f"id/city/gen-{i}"), iri("def/figure"), node)
                count = self.listed.get((i, kind), 0)
                self.describe(
                    graph, node, (iri("def/DeclaredCount"),), {"en": f"{count} {kind}s (declared)"}
                )
                self.data.add(graph, node, iri("def/measure"), self.measure("partnerships"))
                self.data.add(graph, node, iri("def/countOf"), self.types[kind])
                self.data.add(graph, node, f"<{SCHEMA}value>", integer(count))

    # ---- faults ----------------------------------------------------------------------

    def plant(self, count: int) -> None:
        """Plant ``count`` faults, each in its own city, each reported once."""
        if count >= self.cities:
            raise SystemExit(f"at most {self.cities - 1} faults fit into {self.cities} cities")
        step = max(1, (self.cities - 1) // max(count, 1))
        for n in range(count):
            kind = FAULTS[n % len(FAULTS)]
            i = 1 + (n * step) % (self.cities - 1)
            self.data.faults.append((kind, self._plant(kind, i)))

    def _replace(self, graph: str, subject: str, predicate: str, new: str | None) -> None:
        triples = self.data.graphs[graph]
        for index, (s, p, _o) in enumerate(triples):
            if s == subject and p == predicate:
                if new is None:
                    del triples[index]
                else:
                    triples[index] = (s, p, new)
                return
        raise KeyError((subject, predicate))

    def _plant(self, kind: str, i: int) -> str:
        graph = iri(f"graph/gen-city-{i}")
        label, source = f"<{RDFS}label>", f"<{DCT}source>"
        if kind == "bad-email":
            node = iri(f"id/contact-point/gen-{i}-email")
            self._replace(graph, node, f"<{SCHEMA}email>", lit("office(at)example"))
        elif kind == "bad-phone":
            node = iri(f"id/contact-point/gen-{i}-phone")
            self._replace(graph, node, f"<{SCHEMA}telephone>", lit("046-359 50 00"))
        elif kind == "invalid-date":
            node = iri(f"id/figure/gen-{i}-inhabitants")
            self._replace(graph, node, f"<{DCT}date>", lit("2021-02-30", datatype=XSD + "date"))
        elif kind == "start-after-end":
            node = iri(f"id/partnership/gen-{i}-2")
            self._replace(graph, node, f"<{SCHEMA}endDate>", lit("1900", datatype=XSD + "gYear"))
        elif kind == "missing-en-label":
            node = iri(f"id/figure/gen-{i}-nationalities")
            self._replace(graph, node, label, None)  # the en label comes first
        elif kind == "duplicate-label-language":
            node = iri(f"id/post/gen-{i}-0")
            self.data.add(graph, node, label, lit("Another title", "sv"))
        elif kind == "one-party":
            node = self._cooperation(i)
            self._replace(graph, node, iri("def/party"), None)
        elif kind == "bad-sameas":
            node = iri(f"id/city/gen-{i}")
            self._replace(graph, node, f"<{OWL}sameAs>", f"<https://www.wikidata.org/wiki/Q{i}>")
        elif kind == "declared-count-mismatch":
            node = iri(f"id/figure/gen-{i}-declared-twin-town")
            count = self.listed.get((i, "twin-town"), 0)
            self._replace(graph, node, f"<{SCHEMA}value>", integer(count + 1))
        elif kind == "missing-source":
            node = iri(f"id/address/gen-{i}-postal")
            self._replace(graph, node, source, None)
        elif kind == "label-language":
            node = iri(f"id/membership/gen-{i}-0")
            self.data.add(graph, node, label, lit("Mitglied", "de"))
        elif kind == "negative-figure":
            node = iri(f"id/figure/gen-{i}-foreign-language-residents")
            self._replace(graph, node, f"<{SCHEMA}value>", integer(-5))
        else:
            raise ValueError(kind)
        return node

    def _cooperation(self, i: int) -> str:
        """A cooperation agreement stated in city i's graph (made one if there is none)."""
        graph = iri(f"graph/gen-city-{i}")
        for s, p, o in self.data.graphs[graph]:
            if p == iri("def/partnershipType") and o == self.types["cooperation-agreement"]:
                return s
        node = iri(f"id/partnership/gen-{i}-planted")
        self.describe(graph, node, (iri("def/Partnership"),), {"en": "Planted partnership"})
        self.data.add(graph, node, iri("def/partnershipType"), self.types["cooperation-agreement"])
        self.data.add(graph, node, iri("def/party"), iri(f"id/city/gen-{i}"))
        self.data.add(graph, node, iri("def/party"), iri(f"id/city/gen-{(i + 1) % self.cities}"))
        return node


#: The triples of one city's two declared counts, added once all partnerships are known.
DECLARED_TRIPLES = 18


def generate(
    triples: int, violations: int = 0, seed: int = 1, graph_dir: Path | None = None
) -> Dataset:
    """Generate a dataset of about ``triples`` triples.

    Args:
        triples: the target size.
        violations: how many faults to plant (each reported once by the shapes).
        seed: the random seed.
        graph_dir: the curated files whose vocabulary is copied (``graph/``).

    Returns:
        The dataset.
    """
    generator = Generator(seed, graph_dir or ROOT / "graph")
    generator.shared(max(5, triples // 4000))
    i = 0
    while i < 3 or len(generator.data) + DECLARED_TRIPLES * i < triples:
        generator.city(i)
        generator.partnerships(i, count=3)
        i += 1
    generator.declared_counts()
    generator.plant(violations)
    return generator.data


def output_path(triples: int, violations: int, fmt: str, folder: Path) -> Path:
    """Where a generated file goes."""
    suffix = f"-v{violations}" if violations else ""
    return folder / f"partnergraph-{triples}{suffix}.{fmt}"


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, default=10000, help="target number of triples")
    parser.add_argument("--violations", type=int, default=0, help="faults to plant")
    parser.add_argument("--seed", type=int, default=1, help="random seed")
    parser.add_argument("--format", choices=("trig", "nq"), default="trig")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "data", help="folder")
    parser.add_argument("--graph", type=Path, default=ROOT / "graph", help="curated files")
    args = parser.parse_args(argv)
    data = generate(args.triples, args.violations, args.seed, args.graph)
    args.out.mkdir(parents=True, exist_ok=True)
    path = output_path(args.triples, args.violations, args.format, args.out)
    with path.open("w", encoding="utf-8") as out:
        out.writelines(data.trig() if args.format == "trig" else data.nquads())
    print(f"{path}: {len(data)} triples, {len(data.faults)} planted faults", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
