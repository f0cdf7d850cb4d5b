"""Reading an RDF payload of the Graph Store Protocol safely.

https://www.w3.org/TR/sparql11-http-rdf-update/

The payload is untrusted. Before pyoxigraph parses it: its media type must be an
RDF syntax for a graph, an RDF/XML payload may not declare entities (Oxigraph
expands internal entities: ten nested ones make a gigabyte out of a kilobyte), a
JSON-LD payload may not nest deeper than ``max_jsonld_depth``. JSON-LD remote
contexts are never fetched (pyoxigraph has no loader; the message says so).
After: at most ``max_write_quads`` triples, no blank node (every resource the
curated data describes has an IRI a curator can correct later), and every term a
valid IRI or literal (the parser checks).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from xml.parsers import expat

import pyoxigraph as ox

from partnergraph.errors import BadRequest, PayloadTooLarge, UnsupportedMediaType

#: Media types of a graph payload, and the syntax each names.
GRAPH_MEDIA_TYPES: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/x-turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
}
_ENTITY = re.compile(rb"<!ENTITY", re.IGNORECASE)


@dataclass(frozen=True)
class PayloadLimits:
    """How much a payload may hold.

    Attributes:
        quads: the most triples.
        jsonld_depth: the deepest nesting of a JSON-LD document.
    """

    quads: int
    jsonld_depth: int


def parse_graph(
    body: bytes, media_type: str, graph: ox.NamedNode, base_iri: str, limits: PayloadLimits
) -> list[ox.Quad]:
    """The triples of a payload, put in ``graph``.

    Args:
        body: the payload.
        media_type: its media type (without parameters).
        graph: the named graph the triples go to.
        base_iri: the base of relative IRIs.
        limits: the payload limits.

    Raises:
        UnsupportedMediaType: not an RDF graph syntax.
        BadRequest: a syntax error (with line and column), entity declarations, too
            deep a JSON-LD document, a remote JSON-LD context, a blank node, or
            named graphs in the payload.
        PayloadTooLarge: more triples than the limit.
    """
    syntax = GRAPH_MEDIA_TYPES.get(media_type)
    if syntax is None:
        accepted = ", ".join(GRAPH_MEDIA_TYPES)
        shown = media_type or "no Content-Type"
        raise UnsupportedMediaType(f"a graph payload must be one of {accepted}, not {shown}")
    if syntax is ox.RdfFormat.RDF_XML:
        if _ENTITY.search(body):
            raise BadRequest(
                "the RDF/XML payload declares entities (<!ENTITY …>), which are not accepted: "
                "their expansion can be made to take any amount of memory; write the values out"
            )
        _well_formed(body)
    if syntax is ox.RdfFormat.JSON_LD:
        _check_depth(body, limits.jsonld_depth)
    quads: list[ox.Quad] = []
    try:
        for quad in ox.parse(body, format=syntax, base_iri=base_iri):
            if not isinstance(quad.graph_name, ox.DefaultGraph):
                raise BadRequest("the payload of a graph holds triples, not named graphs")
            _named(quad)
            quads.append(ox.Quad(quad.subject, quad.predicate, quad.object, graph))
            if len(quads) > limits.quads:
                raise PayloadTooLarge(f"the payload holds more than {limits.quads} triples")
    except SyntaxError as exc:
        raise BadRequest(f"the payload does not parse: {_syntax_message(exc)}") from None
    return quads


def _well_formed(body: bytes) -> None:
    """Refuse XML that is not well-formed, saying where (pyoxigraph does not)."""
    parser = expat.ParserCreate()
    try:
        parser.Parse(body, True)
    except expat.ExpatError as exc:
        raise BadRequest(
            f"the payload does not parse: line {exc.lineno}, column {exc.offset + 1}: "
            f"{expat.ErrorString(exc.code)}"
        ) from None


def _named(quad: ox.Quad) -> None:
    for term in (quad.subject, quad.object):
        if isinstance(term, ox.BlankNode):
            raise BadRequest(
                "blank nodes are not accepted in a write: give every resource an IRI, so "
                f"that a curator can correct or remove it later (found in {quad.subject} "
                f"{quad.predicate} {quad.object})"
            )


def _syntax_message(exc: SyntaxError) -> str:
    text = str(exc)
    if "LoadDocumentCallback" in text:
        return "it names a remote JSON-LD context, and remote contexts are never fetched: inline it"
    return text


def _check_depth(body: bytes, most: int) -> None:
    """Refuse JSON nested deeper than ``most`` (objects and arrays), outside strings."""
    depth = 0
    in_string = False
    escaped = False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x7B, 0x5B):  # { [
            depth += 1
            if depth > most:
                raise BadRequest(f"the JSON-LD payload nests deeper than {most} levels")
        elif byte in (0x7D, 0x5D):
            depth -= 1
