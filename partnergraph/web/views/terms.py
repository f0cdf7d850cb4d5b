"""The names of the terms of other vocabularies in English, Swedish and Finnish.

The project's own classes and properties have their ``rdfs:label`` in the
vocabulary graph (``graph/vocabulary.trig``), which the description of a page
brings along. The terms the data borrows from schema.org, W3C ORG, DCTERMS, SKOS,
RDF(S), OWL, PROV, FOAF, VoID and W3C Basic Geo have no label in the graph: this
table names the ones the data uses, so that no page shows a prefixed name such as
``schema:containedInPlace``. A term missing here is named by its local name in
words (:func:`words`), never by a prefixed name.

It also names the languages of the EU languages authority table that
``dcterms:language`` points to, and the statuses of events.
"""

from __future__ import annotations

import re
from typing import Final

from partnergraph.namespaces import (
    DCTERMS,
    FOAF,
    GEO,
    ORG,
    OWL,
    PROV,
    RDF,
    RDFS,
    SCHEMA,
    SKOS,
    VOID,
    WD,
)

#: The EU languages authority table (``dcterms:language`` values).
LANGUAGE_AUTHORITY: Final = "http://publications.europa.eu/resource/authority/language/"

_TABLE: Final[tuple[tuple[str, str, str, str], ...]] = (
    # ---- properties ----
    (RDF + "type", "type", "typ", "tyyppi"),
    (RDFS + "label", "name", "namn", "nimi"),
    (RDFS + "comment", "comment", "kommentar", "kommentti"),
    (RDFS + "domain", "domain", "domän", "määrittelyjoukko"),
    (RDFS + "range", "range", "värdemängd", "arvojoukko"),
    (RDFS + "isDefinedBy", "defined by", "definieras av", "määrittelijä"),
    (RDFS + "subClassOf", "subclass of", "underklass till", "alaluokka luokalle"),
    (RDFS + "subPropertyOf", "subproperty of", "underegenskap till", "alaominaisuus"),
    (OWL + "sameAs", "same as", "samma som", "sama kuin"),
    (OWL + "versionInfo", "version", "version", "versio"),
    (GEO + "lat", "latitude", "latitud", "leveysaste"),
    (GEO + "long", "longitude", "longitud", "pituusaste"),
    (DCTERMS + "source", "source", "källa", "lähde"),
    (DCTERMS + "title", "title", "titel", "otsikko"),
    (DCTERMS + "publisher", "publisher", "utgivare", "julkaisija"),
    (DCTERMS + "language", "language", "språk", "kieli"),
    (DCTERMS + "date", "date", "datum", "päivämäärä"),
    (DCTERMS + "issued", "published", "publicerad", "julkaistu"),
    (DCTERMS + "modified", "modified", "ändrad", "muutettu"),
    (DCTERMS + "license", "licence", "licens", "lisenssi"),
    (DCTERMS + "relation", "related to", "relaterad till", "liittyy"),
    (SKOS + "prefLabel", "preferred name", "föredraget namn", "ensisijainen nimi"),
    (SKOS + "altLabel", "also known as", "även kallad", "myös"),
    (SKOS + "definition", "definition", "definition", "määritelmä"),
    (SKOS + "note", "note", "anmärkning", "huomautus"),
    (SKOS + "inScheme", "in scheme", "i begreppsschema", "käsitejärjestelmässä"),
    (SKOS + "topConceptOf", "top concept of", "toppbegrepp i", "yläkäsite järjestelmässä"),
    (SKOS + "hasTopConcept", "top concepts", "toppbegrepp", "yläkäsitteet"),
    (SKOS + "broader", "broader", "överordnat", "laajempi"),
    (SKOS + "narrower", "narrower", "underordnat", "suppeampi"),
    (ORG + "member", "member", "medlem", "jäsen"),
    (ORG + "organization", "organisation", "organisation", "organisaatio"),
    (ORG + "memberOf", "member of", "medlem i", "jäsenenä"),
    (ORG + "hasPrimarySite", "seat", "säte", "toimipaikka"),
    (ORG + "holds", "holds", "innehar", "hoitaa"),
    (ORG + "postIn", "post in", "tjänst i", "toimi"),
    (ORG + "subOrganizationOf", "part of", "del av", "osa"),
    (SCHEMA + "containedInPlace", "located in", "ligger i", "sijaitsee"),
    (SCHEMA + "description", "description", "beskrivning", "kuvaus"),
    (SCHEMA + "url", "web address", "webbadress", "verkko-osoite"),
    (SCHEMA + "name", "name", "namn", "nimi"),
    (SCHEMA + "startDate", "start date", "startdatum", "alkamispäivä"),
    (SCHEMA + "endDate", "end date", "slutdatum", "päättymispäivä"),
    (SCHEMA + "email", "e-mail", "e-post", "sähköposti"),
    (SCHEMA + "telephone", "telephone", "telefon", "puhelin"),
    (SCHEMA + "contactPoint", "contact point", "kontaktpunkt", "yhteyspiste"),
    (SCHEMA + "contactType", "kind of contact", "typ av kontakt", "yhteyden tyyppi"),
    (SCHEMA + "provider", "provider", "anordnare", "järjestäjä"),
    (SCHEMA + "funder", "funder", "finansiär", "rahoittaja"),
    (SCHEMA + "isPartOf", "part of", "del av", "osa"),
    (SCHEMA + "location", "location", "plats", "paikka"),
    (SCHEMA + "eventStatus", "status", "status", "tila"),
    (SCHEMA + "typicalAgeRange", "age range", "åldersgrupp", "ikäryhmä"),
    (SCHEMA + "unitText", "unit", "enhet", "yksikkö"),
    (SCHEMA + "value", "value", "värde", "arvo"),
    (SCHEMA + "streetAddress", "street address", "gatuadress", "katuosoite"),
    (SCHEMA + "postOfficeBoxNumber", "post office box", "box", "postilokero"),
    (SCHEMA + "postalCode", "postal code", "postnummer", "postinumero"),
    (SCHEMA + "addressLocality", "town", "ort", "postitoimipaikka"),
    (SCHEMA + "addressCountry", "country", "land", "maa"),
    (PROV + "wasDerivedFrom", "derived from", "härledd från", "johdettu"),
    (VOID + "triples", "triples", "tripler", "kolmikot"),
    # ---- classes ----
    (SCHEMA + "City", "city", "stad", "kaupunki"),
    (SCHEMA + "Country", "country", "land", "maa"),
    (SCHEMA + "Place", "place", "plats", "paikka"),
    (SCHEMA + "Organization", "organisation", "organisation", "organisaatio"),
    (SCHEMA + "CollegeOrUniversity", "university", "universitet", "korkeakoulu"),
    (
        SCHEMA + "ResearchOrganization",
        "research organisation",
        "forskningsorganisation",
        "tutkimusorganisaatio",
    ),
    (
        SCHEMA + "GovernmentOrganization",
        "government organisation",
        "myndighet",
        "viranomainen",
    ),
    (SCHEMA + "FundingScheme", "funding scheme", "finansieringsprogram", "rahoitusohjelma"),
    (SCHEMA + "Person", "person", "person", "henkilö"),
    (SCHEMA + "PostalAddress", "address", "adress", "osoite"),
    (SCHEMA + "ContactPoint", "contact point", "kontaktpunkt", "yhteyspiste"),
    (SCHEMA + "Project", "project", "projekt", "hanke"),
    (SCHEMA + "Event", "event", "evenemang", "tapahtuma"),
    (SCHEMA + "EventSeries", "event series", "evenemangsserie", "tapahtumasarja"),
    (SCHEMA + "Service", "service", "tjänst", "palvelu"),
    (SCHEMA + "EventCancelled", "cancelled", "inställt", "peruttu"),
    (SCHEMA + "EventScheduled", "scheduled", "planerat", "suunniteltu"),
    (SCHEMA + "EventPostponed", "postponed", "uppskjutet", "siirretty"),
    (ORG + "Organization", "organisation", "organisation", "organisaatio"),
    (ORG + "Membership", "membership", "medlemskap", "jäsenyys"),
    (ORG + "Post", "post", "tjänst", "toimi"),
    (ORG + "Site", "site", "säte", "toimipaikka"),
    (SKOS + "Concept", "concept", "begrepp", "käsite"),
    (SKOS + "ConceptScheme", "concept scheme", "begreppsschema", "käsitejärjestelmä"),
    (RDF + "Property", "property", "egenskap", "ominaisuus"),
    (RDFS + "Class", "class", "klass", "luokka"),
    (OWL + "Class", "class", "klass", "luokka"),
    (OWL + "Ontology", "vocabulary", "vokabulär", "sanasto"),
    (OWL + "ObjectProperty", "link property", "länkegenskap", "linkkiominaisuus"),
    (OWL + "DatatypeProperty", "value property", "värdeegenskap", "arvo-ominaisuus"),
    (OWL + "SymmetricProperty", "symmetric property", "symmetrisk egenskap", "symmetrinen"),
    (PROV + "Entity", "entity", "entitet", "entiteetti"),
    (FOAF + "Document", "document", "dokument", "asiakirja"),
    (VOID + "Dataset", "dataset", "datamängd", "aineisto"),
    # ---- languages (dcterms:language) ----
    (LANGUAGE_AUTHORITY + "ENG", "English", "engelska", "englanti"),
    (LANGUAGE_AUTHORITY + "SWE", "Swedish", "svenska", "ruotsi"),
    (LANGUAGE_AUTHORITY + "FIN", "Finnish", "finska", "suomi"),
    (LANGUAGE_AUTHORITY + "DEU", "German", "tyska", "saksa"),
    (LANGUAGE_AUTHORITY + "NOR", "Norwegian", "norska", "norja"),
    (LANGUAGE_AUTHORITY + "DAN", "Danish", "danska", "tanska"),
    (LANGUAGE_AUTHORITY + "ISL", "Icelandic", "isländska", "islanti"),
    (LANGUAGE_AUTHORITY + "EST", "Estonian", "estniska", "viro"),
    (LANGUAGE_AUTHORITY + "POL", "Polish", "polska", "puola"),
    (LANGUAGE_AUTHORITY + "FRA", "French", "franska", "ranska"),
    (LANGUAGE_AUTHORITY + "SPA", "Spanish", "spanska", "espanja"),
    (LANGUAGE_AUTHORITY + "POR", "Portuguese", "portugisiska", "portugali"),
    (LANGUAGE_AUTHORITY + "HUN", "Hungarian", "ungerska", "unkari"),
    (LANGUAGE_AUTHORITY + "UKR", "Ukrainian", "ukrainska", "ukraina"),
    (LANGUAGE_AUTHORITY + "RUS", "Russian", "ryska", "venäjä"),
    (LANGUAGE_AUTHORITY + "ZHO", "Chinese", "kinesiska", "kiina"),
)

#: Term IRI → language → name.
LABELS: Final[dict[str, dict[str, str]]] = {
    iri: {"en": en, "sv": sv, "fi": fi} for iri, en, sv, fi in _TABLE
}

#: Namespaces whose IRIs are shown as "site: local name" when nothing names them.
SITES: Final = {WD: "Wikidata"}

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def words(iri: str) -> str:
    """A term without a label named by its local name in words:
    ``.../containedInPlace`` → ``contained in place``, ``.../twin-town`` → ``twin town``.

    An IRI of a known site keeps its identifier (``Wikidata Q34``); an IRI with no
    local name is returned as it is.
    """
    for namespace, site in SITES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{site} {iri[len(namespace) :]}"
    local = re.split(r"[#/]", iri.rstrip("/#"))[-1]
    if not local or local.startswith(("http", "mailto")) or ":" in local:
        return iri
    spaced = _CAMEL.sub(" ", local).replace("-", " ").replace("_", " ")
    return spaced.lower() if local[:1].islower() else spaced
