"""The HTML page of a resource, in the reader's language: the view its types choose
(:mod:`partnergraph.web.views`), framed by the same header (name, kinds, other
names, description), the numbered sources of every fact shown, and the data
section (every statement and the links here) at the end.
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox
from flask import render_template, request
from jinja2 import Template

from partnergraph.describe import Description, Labels
from partnergraph.documents import document_formats
from partnergraph.namespaces import RDF, SCHEMA, SKOS, Namespaces
from partnergraph.web import assets, headers
from partnergraph.web.present import Presenter, Value
from partnergraph.web.state import once, state
from partnergraph.web.views import data
from partnergraph.web.views.facts import merge_labels, vocabulary_labels
from partnergraph.web.views.page import Gathered, Page
from partnergraph.web.views.registry import VIEWS


def presenter(labels: Labels, language: str) -> Presenter:
    """A presenter for this request, knowing ``labels`` and the vocabulary's."""
    current = state()
    ns = Namespaces(current.settings.base_iri)
    vocabulary = once("views-vocabulary-labels", lambda: vocabulary_labels(current.service, ns))
    return Presenter(
        ns,
        language,
        Labels(merge_labels(labels.by_iri, vocabulary)),
        request.script_root,
        explicit="lang" in request.args,
    )


def render(description: Description, doc_url: str) -> str:
    """The page of ``description``, in the reader's language.

    Args:
        description: the resource's description.
        doc_url: the URL of its generic document (for the format links).
    """
    current = state()
    show = presenter(description.labels, headers.language())
    page = Page(description, show, current.service, current.settings)
    view = VIEWS.choose(description, show.ns)
    gathered = view.gather(page)
    context = frame(page, gathered, doc_url)
    context["view_name"] = view.name
    candidates: list[str | Template] = [*VIEWS.templates(view, description.iri, show.ns)]
    return render_template(candidates, **context)


def frame(page: Page, gathered: Gathered, doc_url: str) -> dict[str, Any]:
    """What every view's page shows around the view: the header, the sources, the
    data section, the format links."""
    description, show = page.description, gathered.show
    context: dict[str, Any] = {
        "title": show.label(description.iri),
        "iri": description.iri,
        "types": data.ordered(show.term(t) for t in description.values(RDF + "type")),
        "alt_labels": data.ordered(show.term(v) for v in description.values(SKOS + "altLabel")),
        "description_text": pick_text(description.values(SCHEMA + "description"), page.language),
        "own_sources": _described_by(description, gathered),
        "view": gathered.values,
        "sources": gathered.citations.sources(),
        "unsourced": gathered.citations.unsourced(),
        "data_rows": data.table(description, show),
        "incoming": data.incoming(description, show),
        "page": description.page,
        "more_incoming": description.more_incoming,
        "cut": description.cut or gathered.facts.cut,
        "formats": [
            (fmt.key, fmt.media_type, f"{doc_url}.{fmt.extension}") for fmt in document_formats()
        ],
        "doc_url": doc_url,
        "language": page.language,
        "show": show,
    }
    if gathered.extra.get("map"):
        # without tiles the countries are drawn from TopoJSON (topojson-client reads it)
        outlines = not page.settings.map_tiles
        context.update(
            leaflet_js=assets.library_url("leaflet", "leaflet.js"),
            leaflet_css=assets.library_url("leaflet", "leaflet.css"),
            topojson_js=outlines
            and assets.library_url("topojson-client", "topojson-client.min.js"),
            map_js=assets.own_url("map.js"),
        )
    return context


def _described_by(description: Description, gathered: Gathered) -> list[int]:
    """The numbers of the sources whose graphs give the resource's description."""
    graphs = {
        q.graph_name.value
        for q in description.quads
        if q.predicate.value == SCHEMA + "description" and isinstance(q.graph_name, ox.NamedNode)
    }
    return sorted({n for g in graphs for n in gathered.citations.numbers(description.iri, g)})


def pick_text(values: list[Any], language: str) -> Value | None:
    """The literal in the reader's language, else English, else the first."""
    literals = [v for v in values if isinstance(v, ox.Literal)]
    for lang in (language, "en"):
        for value in literals:
            if value.language == lang:
                return Value(value.value, lang=lang)
    return Value(literals[0].value, lang=literals[0].language) if literals else None
