"""What a release says about its dataset: its IRI and name, its licence and its sources.

Everything comes from the graph itself (the dataset description the build derives
on ``{base}id/dataset/partnergraph``: ``rdfs:label``, ``dcterms:source``), except the
licence when the graph states none: then it is the deployment's ``licence`` setting
(the one the VoID and DCAT-AP description state too), and the manifest says so.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pyoxigraph as ox

from partnergraph.materialise import dataset_iri
from partnergraph.namespaces import DCTERMS, RDFS, SCHEMA, Namespaces

#: The most sources a dump's header comment lists; the manifest lists them all.
HEADER_SOURCES = 30


@dataclass(frozen=True)
class Source:
    """A source document of the dataset.

    Attributes:
        iri: its IRI.
        label: its English label (else any), if it has one.
        url: its web address (``schema:url``), if known.
    """

    iri: str
    label: str | None
    url: str | None


@dataclass(frozen=True)
class DatasetInfo:
    """The dataset a release is a version of.

    Attributes:
        iri: the dataset's IRI.
        title: its name (``rdfs:label``, English first).
        licence: the IRI of its licence, or None when neither graph nor setting names one.
        licence_from: ``graph`` (``dcterms:license`` in the data) or ``setting licence``.
        sources: its source documents (``dcterms:source``), sorted by IRI.
    """

    iri: str
    title: str
    licence: str | None
    licence_from: str | None
    sources: tuple[Source, ...]


def describe_dataset(store: ox.Store, ns: Namespaces, licence_setting: str) -> DatasetInfo:
    """Read the dataset description from ``store``.

    Args:
        store: the built dataset.
        ns: the namespaces of the base IRI.
        licence_setting: the ``licence`` setting (may be empty).

    Returns:
        The dataset's IRI, name, licence and sources.
    """
    iri = dataset_iri(ns)
    node = ox.NamedNode(iri)
    labels = _objects(store, node, RDFS + "label")
    title = _prefer_english(labels) or "partnergraph"
    licences = sorted(o.value for o in _objects(store, node, DCTERMS + "license"))
    if licences:
        licence, licence_from = licences[0], "graph"
    elif licence_setting:
        licence, licence_from = licence_setting, "setting licence"
    else:
        licence, licence_from = None, None
    sources = []
    for source in sorted({o.value for o in _objects(store, node, DCTERMS + "source")}):
        subject = ox.NamedNode(source)
        urls = sorted(o.value for o in _objects(store, subject, SCHEMA + "url"))
        label = _prefer_english(_objects(store, subject, RDFS + "label"))
        sources.append(Source(source, label, urls[0] if urls else None))
    return DatasetInfo(iri, title, licence, licence_from, tuple(sources))


def header(info: DatasetInfo, release: str, version: str, content: str) -> str:
    """The comment that opens a Turtle or TriG dump (no date: the text stays the same).

    Args:
        info: the dataset.
        release: the release id.
        version: the dataset version (SHA-256 of the canonical N-Quads).
        content: what the file holds, e.g. ``"the union of all named graphs"``.
    """
    lines = [
        f"{info.title}: release {release}",
        f"dataset: <{info.iri}>",
        f"version: sha256 {version} (of partnergraph.nq, the canonical N-Quads)",
        f"content: {content}",
        f"licence: <{info.licence}> ({_licence_note(info)})"
        if info.licence
        else "licence: not stated",
        f"sources: {len(info.sources)} source documents (dcterms:source of the dataset)",
    ]
    for source in info.sources[:HEADER_SOURCES]:
        text = f"  <{source.iri}>"
        if source.label:
            text += " " + json.dumps(source.label, ensure_ascii=False)
        if source.url:
            text += f" <{source.url}>"
        lines.append(text)
    if len(info.sources) > HEADER_SOURCES:
        lines.append(f"  … and {len(info.sources) - HEADER_SOURCES} more: see manifest.json")
    return "".join(f"# {_one_line(line)}\n" for line in lines) + "\n"


def _licence_note(info: DatasetInfo) -> str:
    if info.licence_from == "graph":
        return "as the graph states it"
    return "the publisher's licence setting; the graph states none"


def _one_line(text: str) -> str:
    return "".join(c if c.isprintable() else " " for c in text)


Term = ox.NamedNode | ox.Literal


def _objects(store: ox.Store, subject: ox.NamedNode, predicate: str) -> list[Term]:
    found: dict[str, Term] = {}
    for quad in store.quads_for_pattern(subject, ox.NamedNode(predicate), None, None):
        term = quad.object
        if isinstance(term, ox.NamedNode | ox.Literal):
            found.setdefault(str(term), term)
    return [found[key] for key in sorted(found)]


def _prefer_english(terms: list[Term]) -> str | None:
    literals = [t for t in terms if isinstance(t, ox.Literal)]
    english = sorted(t.value for t in literals if (t.language or "").lower().startswith("en"))
    chosen = english or sorted(t.value for t in literals)
    return chosen[0] if chosen else None
