"""What a municipality's page shows beyond its description, one query per block.

A municipality (``schema:City`` and ``org:Organization``) is the page people
share: its partnerships grouped by type (dates, partner countries and the
partners' coordinates for the map), its networks, the programmes, projects and
events it takes part in or runs, its posts and contact points, and the partnership
counts its sources declare beside the number the graph lists.

Each block is one ``CONSTRUCT`` with the municipality bound as ``?city``
(:attr:`~partnergraph.store.base.QueryRequest.bindings`); its optional parts are
``UNION`` branches, so a block grows with the data, not with the product of its
options. The blocks come back as triples and are read here into plain values.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pyoxigraph as ox

from partnergraph.describe import Description, add_labels
from partnergraph.namespaces import GEO, ORG, RDF, RDFS, SCHEMA
from partnergraph.service import QueryService

#: The most triples one block may return.
BLOCK_LIMIT = 20_000

_PREFIXES = f"""PREFIX rdf: <{RDF}>
PREFIX rdfs: <{RDFS}>
PREFIX schema: <{SCHEMA}>
PREFIX org: <{ORG}>
PREFIX geo: <{GEO}>
PREFIX pg: <{{pg}}>
"""

PARTNERSHIPS = """
CONSTRUCT {
  ?p pg:party ?partner ; pg:partnershipType ?type ; schema:startDate ?start ;
     schema:endDate ?end .
  ?partner schema:containedInPlace ?country ; geo:lat ?lat ; geo:long ?long .
  ?x rdfs:label ?label .
} WHERE {
  ?p a pg:Partnership ; pg:party ?city, ?partner ; pg:partnershipType ?type .
  FILTER (?partner != ?city)
  { } UNION { ?p schema:startDate ?start } UNION { ?p schema:endDate ?end }
  UNION { ?partner schema:containedInPlace ?country }
  UNION { ?partner geo:lat ?lat ; geo:long ?long }
  UNION { ?partner rdfs:label ?label BIND (?partner AS ?x) }
  UNION { ?type rdfs:label ?label BIND (?type AS ?x) }
  UNION { ?partner schema:containedInPlace ?x . ?x rdfs:label ?label }
}
"""

NETWORKS = """
CONSTRUCT {
  ?m org:organization ?network ; schema:startDate ?start ; schema:endDate ?end .
  ?x rdfs:label ?label .
} WHERE {
  ?m a org:Membership ; org:member ?city ; org:organization ?network .
  { } UNION { ?m schema:startDate ?start } UNION { ?m schema:endDate ?end }
  UNION { ?network rdfs:label ?label BIND (?network AS ?x) }
}
"""

ACTIVITIES = """
CONSTRUCT {
  ?activity a ?type ; pg:role ?role ; schema:startDate ?start .
  ?x rdfs:label ?label .
} WHERE {
  { ?part pg:participant ?city ; pg:activity ?activity ; pg:role ?role .
    { } UNION { ?role rdfs:label ?label BIND (?role AS ?x) } }
  UNION { ?activity schema:provider ?city FILTER NOT EXISTS { ?activity a schema:Service } }
  UNION { ?activity a schema:Project ; org:subOrganizationOf ?city }
  ?activity a ?type .
  { } UNION { ?activity schema:startDate ?start }
  UNION { ?activity rdfs:label ?label BIND (?activity AS ?x) }
  UNION { ?activity a ?x . ?x rdfs:label ?label }
}
"""

CONTACTS = """
CONSTRUCT {
  ?post org:postIn ?in . ?holder org:holds ?post ; schema:name ?name .
  ?unit schema:contactPoint ?point .
  ?point schema:email ?email ; schema:telephone ?phone ; schema:url ?url ;
     schema:contactType ?kind .
  ?x rdfs:label ?label .
} WHERE {
  { { ?post a org:Post ; org:postIn ?city BIND (?city AS ?in) }
    UNION { ?post a org:Post ; org:postIn ?in . ?in org:subOrganizationOf ?city }
    { } UNION { ?holder org:holds ?post ; schema:name ?name }
    UNION { ?post rdfs:label ?label BIND (?post AS ?x) }
    UNION { ?in rdfs:label ?label BIND (?in AS ?x) } }
  UNION {
    { ?city schema:contactPoint ?point BIND (?city AS ?unit) }
    UNION { ?unit org:subOrganizationOf ?city ; schema:contactPoint ?point }
    { } UNION { ?point schema:email ?email } UNION { ?point schema:telephone ?phone }
    UNION { ?point schema:url ?url } UNION { ?point schema:contactType ?kind }
    UNION { ?unit rdfs:label ?label BIND (?unit AS ?x) } }
}
"""

COUNTS = """
CONSTRUCT {
  ?f pg:countOf ?type ; schema:value ?declared ; pg:listedCount ?listed .
  ?type rdfs:label ?label .
} WHERE {
  ?city pg:figure ?f . ?f a pg:DeclaredCount ; pg:countOf ?type ; schema:value ?declared .
  { } UNION { ?f pg:listedCount ?listed } UNION { ?type rdfs:label ?label }
}
"""


@dataclass(frozen=True)
class Partner:
    """One partnership seen from the municipality."""

    partnership: str
    partner: str
    type: str
    start: str | None
    end: str | None
    countries: tuple[str, ...]
    lat: float | None
    long: float | None


@dataclass(frozen=True)
class Activity:
    """A programme, project or event the municipality takes part in or runs."""

    iri: str
    types: tuple[str, ...]
    roles: tuple[str, ...]
    start: str | None


@dataclass(frozen=True)
class Contact:
    """A post or a contact point of the municipality or one of its units."""

    iri: str
    of: str
    post: bool = False
    holders: tuple[str, ...] = ()
    email: tuple[str, ...] = ()
    telephone: tuple[str, ...] = ()
    url: tuple[str, ...] = ()
    kind: tuple[str, ...] = ()


@dataclass(frozen=True)
class Count:
    """A declared count of partnerships of one type, and how many the graph lists."""

    type: str
    declared: int
    listed: int | None


@dataclass(frozen=True)
class View:
    """Everything a municipality's page shows beyond the generic description."""

    iri: str
    partners: tuple[Partner, ...]
    networks: tuple[tuple[str, str | None, str | None], ...]
    activities: tuple[Activity, ...]
    contacts: tuple[Contact, ...]
    counts: tuple[Count, ...]
    labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


def is_municipality(description: Description) -> bool:
    """Whether the described resource is a municipality (a city and an organisation)."""
    types = {t.value for t in description.values(RDF + "type") if isinstance(t, ox.NamedNode)}
    return {SCHEMA + "City", ORG + "Organization"} <= types


def view(service: QueryService, iri: str, pg: str) -> View:
    """Ask the store for the blocks of a municipality's page.

    Args:
        service: the query service.
        iri: the municipality.
        pg: the project vocabulary's namespace (``{base}def/``).
    """
    prologue = _PREFIXES.replace("{pg}", pg)
    city = {"city": ox.NamedNode(iri)}
    labels: dict[str, dict[str, str]] = {}
    blocks = {}
    for name, query in (
        ("partners", PARTNERSHIPS),
        ("networks", NETWORKS),
        ("activities", ACTIVITIES),
        ("contacts", CONTACTS),
        ("counts", COUNTS),
    ):
        triples = service.construct(prologue + query, city, BLOCK_LIMIT)
        index = _Index(triples)
        add_labels(labels, index.pairs(RDFS + "label"))
        blocks[name] = index
    return View(
        iri,
        _partners(blocks["partners"], pg),
        _networks(blocks["networks"]),
        _activities(blocks["activities"], pg),
        _contacts(blocks["contacts"]),
        _counts(blocks["counts"], pg),
        labels,
    )


class _Index:
    """Triples indexed by subject and predicate."""

    def __init__(self, triples: Iterable[ox.Triple]) -> None:
        self.by: dict[str, dict[str, list[ox.NamedNode | ox.Literal]]] = defaultdict(
            lambda: defaultdict(list)
        )
        for t in triples:
            if isinstance(t.subject, ox.NamedNode) and isinstance(
                t.object, ox.NamedNode | ox.Literal
            ):
                values = self.by[t.subject.value][t.predicate.value]
                if t.object not in values:
                    values.append(t.object)

    def subjects(self, predicate: str) -> list[str]:
        return sorted(s for s, props in self.by.items() if predicate in props)

    def all(self, subject: str, predicate: str) -> tuple[str, ...]:
        return tuple(sorted(v.value for v in self.by.get(subject, {}).get(predicate, [])))

    def one(self, subject: str, predicate: str) -> str | None:
        found = self.all(subject, predicate)
        return found[0] if found else None

    def pairs(self, predicate: str) -> list[tuple[ox.NamedNode, ox.NamedNode | ox.Literal]]:
        return [
            (ox.NamedNode(s), v) for s, props in self.by.items() for v in props.get(predicate, [])
        ]


def _number(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _partners(index: _Index, pg: str) -> tuple[Partner, ...]:
    found = []
    for p in index.subjects(pg + "party"):
        kind = index.one(p, pg + "partnershipType") or ""
        for partner in index.all(p, pg + "party"):
            found.append(
                Partner(
                    p,
                    partner,
                    kind,
                    index.one(p, SCHEMA + "startDate"),
                    index.one(p, SCHEMA + "endDate"),
                    index.all(partner, SCHEMA + "containedInPlace"),
                    _number(index.one(partner, GEO + "lat")),
                    _number(index.one(partner, GEO + "long")),
                )
            )
    return tuple(found)


def _networks(index: _Index) -> tuple[tuple[str, str | None, str | None], ...]:
    return tuple(
        sorted(
            {
                (network, index.one(m, SCHEMA + "startDate"), index.one(m, SCHEMA + "endDate"))
                for m in index.subjects(ORG + "organization")
                for network in index.all(m, ORG + "organization")
            }
        )
    )


def _activities(index: _Index, pg: str) -> tuple[Activity, ...]:
    return tuple(
        Activity(
            a,
            index.all(a, RDF + "type"),
            index.all(a, pg + "role"),
            index.one(a, SCHEMA + "startDate"),
        )
        for a in index.subjects(RDF + "type")
    )


def _contacts(index: _Index) -> tuple[Contact, ...]:
    posts = [
        Contact(
            post,
            index.one(post, ORG + "postIn") or "",
            post=True,
            holders=tuple(
                name
                for holder in index.subjects(ORG + "holds")
                if post in index.all(holder, ORG + "holds")
                for name in index.all(holder, SCHEMA + "name")
            ),
        )
        for post in index.subjects(ORG + "postIn")
    ]
    points = [
        Contact(
            point,
            unit,
            email=index.all(point, SCHEMA + "email"),
            telephone=index.all(point, SCHEMA + "telephone"),
            url=index.all(point, SCHEMA + "url"),
            kind=index.all(point, SCHEMA + "contactType"),
        )
        for unit in index.subjects(SCHEMA + "contactPoint")
        for point in index.all(unit, SCHEMA + "contactPoint")
    ]
    return (*posts, *points)


def _counts(index: _Index, pg: str) -> tuple[Count, ...]:
    counts = []
    for f in index.subjects(pg + "countOf"):
        declared = index.one(f, SCHEMA + "value")
        listed = index.one(f, pg + "listedCount")
        if declared is not None and declared.isdigit():
            counts.append(
                Count(
                    index.one(f, pg + "countOf") or "",
                    int(declared),
                    int(listed) if listed is not None and listed.isdigit() else None,
                )
            )
    return tuple(counts)
