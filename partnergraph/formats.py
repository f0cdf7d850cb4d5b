"""The one table of media types: SPARQL results, RDF graphs and datasets, HTML.

Every part of partnergraph that writes RDF or query results (the endpoint, the
linked-data pages, the dumps, the named-query API) takes its formats from here,
and negotiates with Werkzeug's Accept parser over :func:`media_types`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import pyoxigraph as ox


class Kind(Enum):
    """What a format can carry."""

    RESULTS = "results"  # SELECT solutions and ASK booleans
    GRAPH = "graph"  # triples (CONSTRUCT, DESCRIBE, a resource's description)
    DATASET = "dataset"  # quads; a dataset format also carries a graph
    PAGE = "page"  # HTML for people
    ROWS = "rows"  # a table as plain JSON rows of typed values (the named-query API)
    FILE = "file"  # a published file that is not RDF: gzip, checksums, a manifest (the dumps)


@dataclass(frozen=True)
class Format:
    """One format.

    Attributes:
        key: the short name used in ``?format=`` and file suffixes (``json``, ``ttl``…).
        media_type: the canonical media type, sent in ``Content-Type``.
        aliases: other media types a client may ask for that mean this format.
        kind: what it carries.
        extension: the file extension, without the dot.
        oxigraph: the pyoxigraph format, when pyoxigraph reads and writes it.
        rdflib: the rdflib plugin name for it.
        text: whether ``; charset=utf-8`` belongs in ``Content-Type``.
    """

    key: str
    media_type: str
    aliases: tuple[str, ...]
    kind: Kind
    extension: str
    oxigraph: ox.QueryResultsFormat | ox.RdfFormat | None
    rdflib: str
    text: bool = True

    @property
    def content_type(self) -> str:
        """The ``Content-Type`` header value."""
        return f"{self.media_type}; charset=utf-8" if self.text else self.media_type

    def carries(self, kind: Kind) -> bool:
        """Whether this format can carry ``kind`` (a dataset format carries graphs too)."""
        return self.kind is kind or (self.kind is Kind.DATASET and kind is Kind.GRAPH)


FORMATS: tuple[Format, ...] = (
    Format(
        "json",
        "application/sparql-results+json",
        ("application/json",),
        Kind.RESULTS,
        "srj",
        ox.QueryResultsFormat.JSON,
        "json",
    ),
    Format(
        "xml",
        "application/sparql-results+xml",
        ("application/xml", "text/xml"),
        Kind.RESULTS,
        "srx",
        ox.QueryResultsFormat.XML,
        "xml",
    ),
    Format("csv", "text/csv", (), Kind.RESULTS, "csv", ox.QueryResultsFormat.CSV, "csv"),
    Format(
        "tsv",
        "text/tab-separated-values",
        (),
        Kind.RESULTS,
        "tsv",
        ox.QueryResultsFormat.TSV,
        "tsv",
    ),
    Format(
        "ttl",
        "text/turtle",
        ("application/x-turtle",),
        Kind.GRAPH,
        "ttl",
        ox.RdfFormat.TURTLE,
        "turtle",
    ),
    Format("nt", "application/n-triples", (), Kind.GRAPH, "nt", ox.RdfFormat.N_TRIPLES, "nt"),
    Format(
        "jsonld",
        "application/ld+json",
        ("application/json",),
        Kind.GRAPH,
        "jsonld",
        ox.RdfFormat.JSON_LD,
        "json-ld",
    ),
    Format(
        "rdf",
        "application/rdf+xml",
        ("application/xml", "text/xml"),
        Kind.GRAPH,
        "rdf",
        ox.RdfFormat.RDF_XML,
        "xml",
    ),
    Format("nq", "application/n-quads", (), Kind.DATASET, "nq", ox.RdfFormat.N_QUADS, "nquads"),
    Format("trig", "application/trig", (), Kind.DATASET, "trig", ox.RdfFormat.TRIG, "trig"),
    Format("html", "text/html", ("application/xhtml+xml",), Kind.PAGE, "html", None, ""),
    Format("rows", "application/json", (), Kind.ROWS, "json", None, "", text=False),
    # The dumps' other files. A .gz file is served as application/gzip (RFC 6713), never
    # as a Content-Encoding, so the bytes a client saves are the bytes SHA256SUMS names.
    Format("gz", "application/gzip", ("application/x-gzip",), Kind.FILE, "gz", None, "", False),
    Format("txt", "text/plain", (), Kind.FILE, "txt", None, ""),
    Format("manifest", "application/json", (), Kind.FILE, "json", None, "", text=False),
)


def by_key(key: str) -> Format | None:
    """The format named ``key`` (``json``, ``ttl``, ``nq``…), or None."""
    for fmt in FORMATS:
        if fmt.key == key:
            return fmt
    return None


def of_kind(*kinds: Kind) -> list[Format]:
    """The formats that carry any of ``kinds``, in order of preference."""
    return [fmt for fmt in FORMATS if any(fmt.carries(kind) for kind in kinds)]


def media_types(formats: list[Format]) -> list[str]:
    """Every media type (canonical first, then aliases) of ``formats``, for negotiation."""
    seen: list[str] = []
    for fmt in formats:
        for media_type in (fmt.media_type, *fmt.aliases):
            if media_type not in seen:
                seen.append(media_type)
    return seen


def for_media_type(media_type: str, formats: list[Format]) -> Format | None:
    """The first of ``formats`` whose media type or alias is ``media_type``."""
    for fmt in formats:
        if media_type == fmt.media_type or media_type in fmt.aliases:
            return fmt
    return None
