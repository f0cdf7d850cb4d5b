"""A release in DCAT 3 (https://www.w3.org/TR/vocab-dcat-3/): the version and its distributions.

The release ``{base}dumps/{id}/#release`` is a ``dcat:Dataset`` (and ``void:Dataset``)
that is a version (``dcterms:isVersionOf``, ``dcat:version``,
``dcat:previousVersion``) of the dataset ``{base}id/dataset/partnergraph``. Each dump
file is a ``dcat:Distribution`` ``{base}dumps/{id}/#{file}`` with its download URL,
media type (IANA IRI; ``dcat:compressFormat`` for gzip), ``dcat:byteSize``, an SPDX
SHA-256 checksum (as DCAT 3 recommends) and its triple or quad count
(``dcterms:extent``). The change files are the distributions of a second dataset,
``#changes``. With ``current``, the dataset itself gets ``dcat:hasCurrentVersion``,
``dcat:distribution`` and ``void:dataDump`` links to the release: the triples a
VoID / DCAT-AP description of the dataset merges in.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox

from partnergraph import formats
from partnergraph.dumps.manifest import FileEntry, Release
from partnergraph.namespaces import DCTERMS, FOAF, RDF, RDFS, VOID, XSD
from partnergraph.rdf import triple

DCAT = "http://www.w3.org/ns/dcat#"
SPDX = "http://spdx.org/rdf/terms#"
ADMS = "http://www.w3.org/ns/adms#"
IANA = "http://www.iana.org/assignments/media-types/"
#: SPDX 2.3's IRI, as DCAT 3 writes it (``http:``; the ``mdr-vocabularies`` shape of
#: DCAT-AP 3.0.1 expects ``https://spdx.org/rdf/terms``, which is no SPDX IRI).
SHA256 = ox.NamedNode(SPDX + "checksumAlgorithm_sha256")
PREFIXES = {
    "dcat": DCAT,
    "dcterms": DCTERMS,
    "spdx": SPDX,
    "adms": ADMS,
    "void": VOID,
    "rdfs": RDFS,
    "rdf": RDF,
    "xsd": XSD,
    "foaf": FOAF,
}
TITLES = {
    "nq": "N-Quads",
    "nt": "N-Triples",
    "ttl": "Turtle",
    "trig": "TriG",
    "jsonld": "JSON-LD",
    "manifest": "the manifest (JSON)",
}


def release_url(base_iri: str, release_id: str) -> str:
    """The URL of a release's folder, ``{base}dumps/{id}/``."""
    return f"{base_iri}dumps/{release_id}/"


def describe_release(
    release: Release, base_iri: str, current: bool = False, checksums: bool = True
) -> list[ox.Triple]:
    """The DCAT description of ``release``.

    Args:
        release: the release (its manifest).
        base_iri: the base IRI the dumps are served under (``{base}dumps/``).
        current: also link the dataset to it as its current version.
        checksums: give each distribution its ``spdx:checksum``. The DCAT-AP
            description leaves them out: DCAT-AP 3.0.1's controlled-vocabulary
            shape wants an ``https://spdx.org/rdf/terms`` algorithm IRI, which
            SPDX does not define (its terms are ``http://``); ``SHA256SUMS`` and
            the release's ``manifest.ttl`` carry them.

    Returns:
        The triples (blank nodes for the checksums and extents).
    """
    return list(_release(release, base_iri, current, checksums))


def _release(release: Release, base: str, current: bool, checksums: bool) -> Iterator[ox.Triple]:
    folder = release_url(base, release.id)
    node = ox.NamedNode(folder + "#release")
    dataset = ox.NamedNode(release.dataset.iri)
    yield triple(node, RDF + "type", ox.NamedNode(DCAT + "Dataset"))
    yield triple(node, RDF + "type", ox.NamedNode(VOID + "Dataset"))
    yield triple(node, DCTERMS + "title", _en(f"{release.dataset.title}, release {release.id}"))
    yield triple(node, DCTERMS + "isVersionOf", dataset)
    yield triple(node, DCAT + "version", ox.Literal(release.id))
    yield triple(node, DCTERMS + "identifier", ox.Literal(f"sha256:{release.version}"))
    yield triple(
        node, DCTERMS + "issued", _literal(release.built.strftime("%Y-%m-%dT%H:%M:%SZ"), "dateTime")
    )
    yield triple(node, DCTERMS + "description", _en(_description(release)))
    yield triple(node, DCAT + "landingPage", ox.NamedNode(folder))
    yield triple(ox.NamedNode(folder), RDF + "type", ox.NamedNode(FOAF + "Document"))
    yield triple(node, VOID + "triples", _literal(str(release.triples), "integer"))
    if release.dataset.licence:
        licence = ox.NamedNode(release.dataset.licence)
        yield triple(node, DCTERMS + "license", licence)
        yield triple(licence, RDF + "type", ox.NamedNode(DCTERMS + "LicenseDocument"))
    if checksums:
        yield triple(SHA256, RDF + "type", ox.NamedNode(SPDX + "ChecksumAlgorithm"))
    if release.previous:
        previous = ox.NamedNode(release_url(base, release.previous) + "#release")
        yield triple(node, DCAT + "previousVersion", previous)
    if release.changes:
        c = release.changes
        notes = (
            f"Since release {c.previous}: {c.triples_added} triples added, "
            f"{c.triples_removed} removed ({c.quads_added} quads added, "
            f"{c.quads_removed} removed)."
        )
        yield triple(node, ADMS + "versionNotes", _en(notes))
        changes = ox.NamedNode(folder + "#changes")
        yield triple(changes, RDF + "type", ox.NamedNode(DCAT + "Dataset"))
        yield triple(
            changes, DCTERMS + "title", _en(f"Changes from release {c.previous} to {release.id}")
        )
        yield triple(changes, DCTERMS + "description", _en(notes))
        yield triple(changes, DCTERMS + "relation", node)
    for entry in release.files:
        if entry.role == "manifest" and entry.format != "ttl":
            continue
        owner = node if entry.role in ("dump", "manifest") else ox.NamedNode(folder + "#changes")
        yield from _distribution(owner, folder, entry, release, checksums)
        if current and entry.role == "dump":
            yield triple(dataset, DCAT + "distribution", ox.NamedNode(folder + "#" + entry.name))
            yield triple(dataset, VOID + "dataDump", ox.NamedNode(folder + entry.name))
    if current:
        yield triple(dataset, DCAT + "hasVersion", node)
        yield triple(dataset, DCAT + "hasCurrentVersion", node)


def _distribution(
    owner: ox.NamedNode, folder: str, entry: FileEntry, release: Release, checksums: bool
) -> Iterator[ox.Triple]:
    node = ox.NamedNode(folder + "#" + entry.name)
    yield triple(owner, DCAT + "distribution", node)
    yield triple(node, RDF + "type", ox.NamedNode(DCAT + "Distribution"))
    yield triple(node, DCTERMS + "title", _en(_title(entry)))
    yield triple(node, DCAT + "downloadURL", ox.NamedNode(folder + entry.name))
    yield triple(node, DCAT + "accessURL", ox.NamedNode(folder))
    inner = entry.media_type if entry.compression is None else _inner_media_type(entry)
    yield from _media_type(node, DCAT + "mediaType", inner)
    if entry.compression == "gzip":
        yield from _media_type(node, DCAT + "compressFormat", entry.media_type)
    yield triple(node, DCAT + "byteSize", _literal(str(entry.bytes), "nonNegativeInteger"))
    if checksums:
        checksum = ox.BlankNode()
        yield triple(node, SPDX + "checksum", checksum)
        yield triple(checksum, RDF + "type", ox.NamedNode(SPDX + "Checksum"))
        yield triple(checksum, SPDX + "algorithm", SHA256)
        yield triple(checksum, SPDX + "checksumValue", _literal(entry.sha256, "hexBinary"))
    if entry.count is not None and entry.unit:
        extent = ox.BlankNode()
        yield triple(node, DCTERMS + "extent", extent)
        yield triple(extent, RDF + "type", ox.NamedNode(DCTERMS + "SizeOrDuration"))
        yield triple(extent, RDF + "value", _literal(str(entry.count), "nonNegativeInteger"))
        yield triple(extent, RDFS + "label", _en(f"{entry.count} {entry.unit}"))
    if release.dataset.licence:
        yield triple(node, DCTERMS + "license", ox.NamedNode(release.dataset.licence))


def _media_type(node: ox.NamedNode, predicate: str, media_type: str) -> Iterator[ox.Triple]:
    iri = ox.NamedNode(IANA + media_type)
    yield triple(node, predicate, iri)
    yield triple(iri, RDF + "type", ox.NamedNode(DCTERMS + "MediaType"))


def _inner_media_type(entry: FileEntry) -> str:
    fmt = formats.by_key(entry.format)
    return fmt.media_type if fmt else "application/octet-stream"


def _description(release: Release) -> str:
    what = (
        f"Release {release.id} of {release.dataset.title}: {release.triples} triples in "
        f"the union of its graphs, {release.quads} quads in its named graphs, in Turtle, "
        "N-Triples, N-Quads, TriG and JSON-LD, each also gzipped."
    )
    return what if release.personal_data else what + " Without personal contact data."


def _title(entry: FileEntry) -> str:
    what = TITLES.get(entry.format, entry.format)
    if entry.role == "manifest":
        what = "the manifest (DCAT, Turtle)" if entry.format == "ttl" else what
    elif entry.role in ("added", "removed"):
        what = f"{entry.unit} {entry.role} ({what})"
    return what + (", gzipped" if entry.compression else "")


def _en(text: str) -> ox.Literal:
    return ox.Literal(text, language="en")


def _literal(value: str, datatype: str) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(XSD + datatype))
