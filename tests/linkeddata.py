"""Helpers for the linked-data tests: apps over the real graph, what the store holds
for a resource (computed in Python from the built N-Quads, independently of the
SPARQL the app runs), and parsing every document format with rdflib.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import rdflib
from flask import Flask
from flask.testing import FlaskClient
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from partnergraph.build import GRAPH_FILE
from partnergraph.describe import INCOMING_PAGE
from partnergraph.terms import rdflib_graph

from .paths import ROOT
from .webapp import web_app

LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
#: rdflib's parser name for each document format key.
PARSERS = {"ttl": "turtle", "nt": "nt", "rdf": "xml", "jsonld": "json-ld"}


@contextmanager
def real_app(backend: str, output_dir: Path, **overrides: Any) -> Iterator[Flask]:
    """An app over the curated graph/ and shapes/ (the real data)."""
    values: dict[str, Any] = {
        "graph_dir": ROOT / "graph",
        "shapes_dir": ROOT / "shapes",
        "queries_dir": ROOT / "queries",
    }
    values.update(overrides)
    with web_app(backend, output_dir, **values) as app:
        yield app


def built_store(app: Flask) -> ox.Store:
    """The graph the app serves, loaded from its build output."""
    settings = app.extensions["partnergraph"].settings
    store = ox.Store()
    store.bulk_load(path=str(settings.output_dir / GRAPH_FILE), format=ox.RdfFormat.N_QUADS)
    return store


def _labels(store: ox.Store, node: ox.NamedNode) -> set[ox.Triple]:
    return {
        ox.Triple(node, LABEL, q.object)
        for q in store.quads_for_pattern(node, LABEL, None)
        if isinstance(q.object, ox.Literal)
    }


def expected_description(store: ox.Store, iri: str, page: int = 1) -> rdflib.Graph:
    """What a description of ``iri`` holds: its triples, the labels of the IRIs it
    links to (objects, predicates, the predicates of incoming links), and a page of
    the incoming links, ordered by (subject, predicate), with their subjects' labels."""
    node = ox.NamedNode(iri)
    triples: set[ox.Triple] = set()
    linked: set[ox.NamedNode] = set()
    for q in store.quads_for_pattern(node, None, None):
        triples.add(ox.Triple(q.subject, q.predicate, q.object))
        linked.add(q.predicate)
        if isinstance(q.object, ox.NamedNode):
            linked.add(q.object)
    incoming = sorted(
        {
            (q.subject.value, q.predicate.value)
            for q in store.quads_for_pattern(None, None, node)
            if isinstance(q.subject, ox.NamedNode)
        }
    )
    for _, predicate in incoming:
        linked.add(ox.NamedNode(predicate))
    start = (page - 1) * INCOMING_PAGE
    for subject, predicate in incoming[start : start + INCOMING_PAGE]:
        triples.add(ox.Triple(ox.NamedNode(subject), ox.NamedNode(predicate), node))
        triples |= _labels(store, ox.NamedNode(subject))
    for other in linked:
        triples |= _labels(store, other)
    return rdflib_graph(ox.Quad(t.subject, t.predicate, t.object) for t in triples)


def incoming_count(store: ox.Store, iri: str) -> int:
    """How many distinct (subject, predicate) links point to ``iri``."""
    node = ox.NamedNode(iri)
    return len({(q.subject, q.predicate) for q in store.quads_for_pattern(None, None, node)})


def parse(client: FlaskClient, body: bytes, key: str, base: str) -> rdflib.Graph:
    """Parse a document in the format ``key``; JSON-LD with the context the app
    publishes at the URL the document names (fetched through the same client)."""
    if key == "jsonld":
        document = json.loads(body)
        url = document["@context"]
        assert isinstance(url, str), url
        assert url.endswith("/context.jsonld"), url
        published = client.get("/context.jsonld")
        assert published.status_code == 200
        document["@context"] = published.get_json()["@context"]
        body = json.dumps(document).encode()
    with warnings.catch_warnings():  # rdflib's JSON-LD parser uses its own deprecated class
        warnings.filterwarnings("ignore", "ConjunctiveGraph is deprecated", DeprecationWarning)
        return rdflib.Graph().parse(data=body, format=PARSERS[key], publicID=base)


def assert_isomorphic(got: rdflib.Graph, want: rdflib.Graph) -> None:
    """The two graphs are the same up to blank nodes; a failure lists the difference."""
    if isomorphic(got, want):
        return
    _, only_got, only_want = graph_diff(to_isomorphic(got), to_isomorphic(want))
    extra = sorted(" ".join(t.n3() for t in triple) for triple in only_got)[:20]
    missing = sorted(" ".join(t.n3() for t in triple) for triple in only_want)[:20]
    raise AssertionError(f"not isomorphic\nextra: {extra}\nmissing: {missing}")
