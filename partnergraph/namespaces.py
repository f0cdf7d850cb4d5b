"""The IRIs partnergraph mints, all derived from the one configured base IRI."""

from __future__ import annotations

from dataclasses import dataclass

SCHEMA = "https://schema.org/"
ORG = "http://www.w3.org/ns/org#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
OWL = "http://www.w3.org/2002/07/owl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SH = "http://www.w3.org/ns/shacl#"
VOID = "http://rdfs.org/ns/void#"
FOAF = "http://xmlns.com/foaf/0.1/"
WD = "http://www.wikidata.org/entity/"
GEO = "http://www.w3.org/2003/01/geo/wgs84_pos#"


@dataclass(frozen=True)
class Namespaces:
    """The namespaces under one base IRI.

    Attributes:
        base: the base IRI, ending with '/'.
    """

    base: str

    @property
    def pg(self) -> str:
        """The project vocabulary, ``{base}def/``."""
        return self.base + "def/"

    @property
    def id(self) -> str:
        """Resources, ``{base}id/``."""
        return self.base + "id/"

    @property
    def graph(self) -> str:
        """Named graphs, ``{base}graph/``."""
        return self.base + "graph/"

    def term(self, name: str) -> str:
        """A vocabulary term, e.g. ``term('partner')``."""
        return self.pg + name

    def named_graph(self, name: str) -> str:
        """A named graph, e.g. ``named_graph('derived')``."""
        return self.graph + name

    def prefixes(self) -> dict[str, str]:
        """Every prefix the project uses, for SPARQL headers and serialisations."""
        return {
            "pg": self.pg,
            "pt": self.pg + "partnership-type/",
            "measure": self.pg + "measure/",
            "role": self.pg + "role/",
            "theme": self.pg + "theme/",
            "schema": SCHEMA,
            "org": ORG,
            "skos": SKOS,
            "dcterms": DCTERMS,
            "prov": PROV,
            "owl": OWL,
            "rdf": RDF,
            "rdfs": RDFS,
            "xsd": XSD,
            "void": VOID,
            "foaf": FOAF,
            "wd": WD,
            "geo": GEO,
        }

    def sparql_prologue(self) -> str:
        """``PREFIX`` lines for every project prefix."""
        return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in self.prefixes().items())
