"""Paths, the engines and the targets of the endpoint benchmark."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


BENCH = ROOT / "benchmarks"


QUERIES = BENCH / "queries"


BIN = Path(sys.executable).parent


PREFIXES = """PREFIX pg: <https://w3id.org/partnergraph/def/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""


ENGINES = (
    "oxigraph-server",
    "oxigraph-server-disk",
    "oxigraph-server-union",
    "pg-oxigraph",
    "pg-oxigraph-disk",
    "pg-memory",
    "rdflib-endpoint",
)


#: partnergraph engine -> the Oxigraph server on the same kind of storage.
PEERS = {"pg-oxigraph": "oxigraph-server", "pg-oxigraph-disk": "oxigraph-server-disk"}


#: Ratios shown for reference only (no target): against Oxigraph's multiset union view.
REFERENCE = ("pg-oxigraph", "oxigraph-server-union")


ACCEPT = {
    "select": "application/sparql-results+json",
    "ask": "application/sparql-results+json",
    "construct": "application/n-triples",
    "describe": "application/n-triples",
}


LATENCY_TARGET = 1.1


THROUGHPUT_TARGET = 0.9


PEER_TARGET = 20.0
