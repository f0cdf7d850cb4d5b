"""Documents about resources: where they are, and their RDF in every graph format.

https://www.w3.org/TR/cooluris/#r303gendocument (303 to a generic document)
https://www.w3.org/TR/json-ld11/#the-context (a published JSON-LD context)

Every resource IRI under the base has one generic document, negotiated between
HTML and the RDF formats, and one document per format (a suffix):

| resource | generic document | one format |
| --- | --- | --- |
| ``{base}id/{kind}/{slug}`` | ``/doc/{kind}/{slug}`` | ``/doc/{kind}/{slug}.ttl`` |
| ``{base}def/`` (the vocabulary) | ``/doc/def`` | ``/doc/def.jsonld`` |
| ``{base}def/{term}`` (terms, schemes, concepts) | ``/doc/def/{term}`` | ``/doc/def/{term}.nt`` |

``def`` is therefore never the kind of an ``id/`` resource. Slugs and terms hold
no dot, so a suffix can always be told apart.

JSON-LD documents are compacted against one context of prefixes, published at
``/context.jsonld`` and referred to by its URL, so the same context serves every
document and a client may cache it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import pyoxigraph as ox

from partnergraph.formats import Format, Kind, of_kind
from partnergraph.namespaces import Namespaces

#: The path of the published JSON-LD context (under the site's root).
CONTEXT_PATH = "context.jsonld"

_DEF = "def"


def document_formats() -> list[Format]:
    """The RDF formats a document is served in: the graph formats, Turtle first."""
    return [fmt for fmt in of_kind(Kind.GRAPH) if fmt.kind is Kind.GRAPH]


def document_path(iri: str, ns: Namespaces) -> str | None:
    """The path of the generic document about ``iri`` (no leading ``/``), or None when
    ``iri`` is not a resource of this dataset.

    >>> document_path("https://w3id.org/partnergraph/id/city/lund", Namespaces("https://w3id.org/partnergraph/"))
    'doc/city/lund'
    """
    if iri.startswith(ns.id):
        rest = iri[len(ns.id) :]
        if rest and not rest.startswith(_DEF + "/") and _plain(rest):
            return "doc/" + rest
        return None
    if iri == ns.pg:
        return "doc/" + _DEF
    if iri.startswith(ns.pg):
        rest = iri[len(ns.pg) :]
        return f"doc/{_DEF}/{rest}" if _plain(rest) else None
    return None


def resource_iri(path: str, ns: Namespaces) -> str | None:
    """The resource a document path (after ``doc/``, no suffix) is about, or None.

    Args:
        path: e.g. ``city/lund``, ``def`` or ``def/Partnership``.
        ns: the namespaces of the base IRI.
    """
    if not path or not _plain(path):
        return None
    if path == _DEF:
        return ns.pg
    if path.startswith(_DEF + "/"):
        return ns.pg + path[len(_DEF) + 1 :]
    return ns.id + path


def split_suffix(path: str, formats: Iterable[Format]) -> tuple[str, Format | None]:
    """Split a format suffix (``.ttl``, ``.html``…) off a document path.

    Returns:
        The path without the suffix and the format it names; the path unchanged
        and None when it has no known suffix.
    """
    stem, dot, suffix = path.rpartition(".")
    if dot and "/" not in suffix:
        for fmt in formats:
            if fmt.extension == suffix:
                return stem, fmt
    return path, None


def _plain(path: str) -> bool:
    """Whether ``path`` is made of non-empty segments without dots or odd characters."""
    return all(
        segment and all(c.isalnum() or c in "-_" for c in segment) for segment in path.split("/")
    )


def context(ns: Namespaces) -> dict[str, Any]:
    """The published JSON-LD context: every project prefix."""
    return {"@context": dict(ns.prefixes())}


def serialize(
    triples: Iterable[ox.Triple],
    fmt: Format,
    ns: Namespaces,
    context_url: str,
    extra: Mapping[str, str] | None = None,
) -> bytes:
    """Write ``triples`` as a document in ``fmt`` (an RDF graph format).

    Turtle and RDF/XML use the project's prefixes (and ``extra`` ones); JSON-LD is
    compacted against the published context (:func:`context`), referred to by
    ``context_url``.

    Raises:
        ValueError: ``fmt`` is not an RDF graph format.
    """
    if not isinstance(fmt.oxigraph, ox.RdfFormat) or fmt.kind is not Kind.GRAPH:
        raise ValueError(f"{fmt.key} is not an RDF graph format")
    triples = list(triples)
    prefixes = ns.prefixes()
    if fmt.oxigraph is ox.RdfFormat.JSON_LD:
        expanded = json.loads(ox.serialize(triples, format=fmt.oxigraph) or b"[]")
        return compact(expanded, prefixes, context_url)
    if fmt.oxigraph in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML):
        used = _used_prefixes(triples, {**prefixes, **(extra or {})})
        return ox.serialize(triples, format=fmt.oxigraph, prefixes=used) or b""
    return ox.serialize(triples, format=fmt.oxigraph) or b""


def compact(expanded: list[Any], prefixes: Mapping[str, str], context_url: str) -> bytes:
    """Compact expanded JSON-LD node objects with ``prefixes`` into one document.

    IRIs become compact IRIs (``pg:party``) where a prefix fits: as keys, as
    ``@id`` and ``@type`` values, and as literal datatypes, which JSON-LD
    expands back with the same context (keys and types against the vocabulary
    mapping, ``@id`` as compact IRIs). Nothing else changes, so expanding the
    result with the context gives the same graph.

    Args:
        expanded: the node objects, as pyoxigraph writes JSON-LD.
        prefixes: prefix → namespace, the published context.
        context_url: the URL of the published context.

    Returns:
        UTF-8 JSON: ``{"@context": context_url, "@graph": [...]}``.
    """
    ordered = sorted(prefixes.items(), key=lambda item: -len(item[1]))

    def short(iri: str) -> str:
        for prefix, namespace in ordered:
            if iri.startswith(namespace) and len(iri) > len(namespace):
                local = iri[len(namespace) :]
                if not local.startswith("//") and ":" not in local:
                    return f"{prefix}:{local}"
        return iri

    def node(value: Any) -> Any:
        if isinstance(value, list):
            return [node(item) for item in value]
        if not isinstance(value, dict):
            return value
        out: dict[str, Any] = {}
        for key, item in value.items():
            if key == "@id" and isinstance(item, str) and not item.startswith("_:"):
                out[key] = short(item)
            elif key == "@type":
                out[key] = [short(t) for t in item] if isinstance(item, list) else short(item)
            elif key.startswith("@"):
                out[key] = node(item)
            else:
                out[short(key)] = node(item)
        return out

    document = {"@context": context_url, "@graph": node(expanded)}
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


def not_found(fmt: Format, iri: str, problem: Mapping[str, Any]) -> bytes:
    """The body of a 404 in an RDF format: an empty graph (a comment where the
    syntax has comments), so that a client parsing what it asked for gets no triples.
    In JSON-LD the error is the usual ``{"error": …}`` member beside an empty
    ``@graph`` (a member the context does not define expands to nothing).
    """
    note = f"Not found: <{iri}> is not described in this dataset."
    if fmt.oxigraph in (ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES):
        return f"# {note}\n".encode()
    if fmt.oxigraph is ox.RdfFormat.RDF_XML:
        body = ox.serialize([], format=ox.RdfFormat.RDF_XML) or b""
        return body.replace(b"\n", f"\n<!-- {note.replace('--', '- -')} -->\n".encode(), 1)
    return json.dumps({"@graph": [], "error": dict(problem)}, ensure_ascii=False).encode()


def _used_prefixes(triples: list[ox.Triple], prefixes: Mapping[str, str]) -> dict[str, str]:
    """The prefixes whose namespace some IRI of ``triples`` starts with."""
    iris: set[str] = set()
    for triple in triples:
        for term in (triple.subject, triple.predicate, triple.object):
            if isinstance(term, ox.NamedNode):
                iris.add(term.value)
            elif isinstance(term, ox.Literal):
                iris.add(term.datatype.value)
    return {
        prefix: namespace
        for prefix, namespace in prefixes.items()
        if any(iri.startswith(namespace) for iri in iris)
    }
