"""The HTML page of a resource: its properties, its sources with their quotes, and
the links to it, in the reader's language; a municipality's page adds its
partnerships, networks, activities, contacts, counts and map.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox
from flask import render_template, request

from partnergraph import municipality
from partnergraph.describe import Description, Labels
from partnergraph.documents import document_formats
from partnergraph.namespaces import DCTERMS, GEO, RDF, RDFS, SCHEMA, SKOS, Namespaces
from partnergraph.web import assets, headers
from partnergraph.web.present import Presenter, Value
from partnergraph.web.state import state

#: Shown in the sources section, not in the table of properties.
_SOURCE = DCTERMS + "source"
_HIDDEN = {RDF + "type", RDFS + "label"}


@dataclass(frozen=True)
class Row:
    """One property and its values."""

    property: Value
    values: list[Value]


@dataclass(frozen=True)
class SourceBlock:
    """What one named graph states about the resource: its sources and quotes."""

    graph: str
    sources: list[Value]
    quotes: list[Value] = field(default_factory=list)


def presenter(description_labels: Labels, language: str) -> Presenter:
    """A presenter for this request."""
    return Presenter(
        Namespaces(state().settings.base_iri),
        language,
        description_labels,
        request.script_root,
        explicit="lang" in request.args,
    )


def render(description: Description, doc_url: str) -> str:
    """The page of ``description``, in the reader's language.

    Args:
        description: the resource's description.
        doc_url: the URL of its generic document (for the format links).
    """
    language = headers.language()
    show = presenter(description.labels, language)
    ns = show.ns
    quote = ns.term("quote")
    types = ordered(show.term(t) for t in description.values(RDF + "type"))
    rows: dict[str, list[Value]] = defaultdict(list)
    seen: set[tuple[str, ox.NamedNode | ox.Literal | ox.BlankNode]] = set()
    blocks: dict[str, SourceBlock] = {}
    for quad in description.quads:
        predicate, obj = quad.predicate.value, quad.object
        if isinstance(obj, ox.Triple):
            continue
        graph = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""
        if predicate in (_SOURCE, quote):
            block = blocks.setdefault(graph, SourceBlock(graph, []))
            (block.sources if predicate == _SOURCE else block.quotes).append(show.term(obj))
            continue
        if predicate in _HIDDEN or (predicate, obj) in seen:
            continue
        seen.add((predicate, obj))
        rows[predicate].append(show.term(obj))
    table = sorted(
        (Row(show.label(p), ordered(values)) for p, values in rows.items()),
        key=lambda row: row.property.text.lower(),
    )
    sources = [
        SourceBlock(b.graph, ordered(b.sources), ordered(b.quotes))
        for b in sorted(blocks.values(), key=lambda b: b.graph)
    ]
    incoming: dict[str, list[Value]] = defaultdict(list)
    for source, link in description.incoming:
        incoming[link.value].append(show.label(source.value))
    context = {
        "title": show.label(description.iri),
        "iri": description.iri,
        "types": types,
        "labels": description.labels.of(description.iri),
        "alt_labels": ordered(show.term(v) for v in description.values(SKOS + "altLabel")),
        "description_text": _pick_text(description.values(SCHEMA + "description"), language),
        "rows": table,
        "sources": sources,
        "incoming": sorted(
            ((show.label(p), subjects) for p, subjects in incoming.items()),
            key=lambda pair: pair[0].text.lower(),
        ),
        "page": description.page,
        "more_incoming": description.more_incoming,
        "cut": description.cut,
        "formats": [
            (fmt.key, fmt.media_type, f"{doc_url}.{fmt.extension}") for fmt in document_formats()
        ],
        "doc_url": doc_url,
        "language": language,
    }
    if municipality.is_municipality(description):
        return _municipality(description, show, context)
    return render_template("pages/resource.html", **context)


def ordered(values: Iterable[Value]) -> list[Value]:
    """Values in a stable order (by text, then language, then link): the same page
    whatever order the store returned them in."""
    return sorted(values, key=lambda v: (v.text.casefold(), v.text, v.lang or "", v.href or ""))


def _municipality(description: Description, show: Presenter, context: dict[str, Any]) -> str:
    """The municipality page: the generic page plus the blocks people share it for."""
    service = state().service
    settings = state().settings
    view = municipality.view(service, description.iri, show.ns.pg)
    show = show.with_labels(view.labels)
    context.update(
        municipality=_present(view, show, description),
        leaflet_js=assets.leaflet_url("leaflet.js"),
        leaflet_css=assets.leaflet_url("leaflet.css"),
        map_js=assets.own_url("map.js"),
        map_config={
            "tiles": settings.map_tiles,
            "attribution": settings.map_attribution,
        },
    )
    return render_template("pages/municipality.html", **context)


def _present(view: municipality.View, show: Presenter, description: Description) -> dict[str, Any]:
    """The municipality's blocks as values for the template."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    points: list[dict[str, Any]] = []
    missing: list[Value] = []
    for item in view.partners:
        partner = show.label(item.partner)
        groups[item.type].append(
            {
                "partner": partner,
                "partnership": show.href(item.partnership),
                "start": item.start,
                "end": item.end,
                "countries": [show.label(c) for c in item.countries],
            }
        )
        if item.lat is not None and item.long is not None:
            points.append(
                {
                    "name": partner.text,
                    "href": partner.href,
                    "lat": item.lat,
                    "long": item.long,
                    "home": False,
                }
            )
        else:
            missing.append(partner)
    home = [_float(description.values(GEO + name)) for name in ("lat", "long")]
    if home[0] is not None and home[1] is not None:
        name = show.label(description.iri).text
        points.append({"name": name, "href": None, "lat": home[0], "long": home[1], "home": True})
    return {
        "partnerships": sorted(
            (
                (show.label(kind), sorted(rows, key=lambda r: r["partner"].text.lower()))
                for kind, rows in groups.items()
            ),
            key=lambda group: group[0].text.lower(),
        ),
        "partner_count": len({item.partner for item in view.partners}),
        "networks": [(show.label(n), start, end) for n, start, end in view.networks],
        "activities": sorted(
            (
                {
                    "activity": show.label(a.iri),
                    "types": [show.label(t) for t in a.types],
                    "roles": [show.label(r) for r in a.roles],
                    "start": a.start,
                }
                for a in view.activities
            ),
            key=lambda a: a["activity"].text.lower(),
        ),
        "posts": [c for c in view.contacts if c.post],
        "points": [c for c in view.contacts if not c.post],
        "counts": [
            {"type": show.label(c.type), "declared": c.declared, "listed": c.listed}
            for c in view.counts
        ],
        "map_points": points,
        "map_missing": sorted({m.text: m for m in missing}.values(), key=lambda v: v.text),
        "show": show,
    }


def _float(values: list[Any]) -> float | None:
    for value in values:
        if isinstance(value, ox.Literal):
            try:
                return float(value.value)
            except ValueError:
                return None
    return None


def _pick_text(values: list[Any], language: str) -> Value | None:
    """The literal in the reader's language, else English, else the first."""
    literals = [v for v in values if isinstance(v, ox.Literal)]
    for lang in (language, "en"):
        for value in literals:
            if value.language == lang:
                return Value(value.value, lang=lang)
    return Value(literals[0].value, lang=literals[0].language) if literals else None
