"""The served data as the rows of the curators' workbook: one row per resource and
source graph, every cell written so that importing it again changes nothing.

A reference is written as the name the data gives it when that name finds exactly
that resource again, else as its id (``id/city/lund``); a choice as its concept's
label; a source as its web address when it has one, else its id; a year as a
number, a date as a date, a decimal as its text (so that ``25.650`` stays
``25.650``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import pyoxigraph as ox

from partnergraph.curation import cells
from partnergraph.curation.matching import Index
from partnergraph.curation.sheets import Column, Sheet
from partnergraph.namespaces import RDF, SCHEMA, Namespaces

Cell = object


def rows(
    store: ox.Store, sheet: Sheet, index: Index, ns: Namespaces, language: str
) -> list[tuple[Cell, ...]]:
    """The rows of ``sheet``: one per resource of its class and graph that describes
    it, sorted by id and source."""
    prefix = f"{ns.id}{sheet.spec.kind}/"
    kind = ox.NamedNode(sheet.classes[0])
    paths = {c.path for c in sheet.columns if c.path}
    found: list[tuple[Cell, ...]] = []
    typed = store.quads_for_pattern(None, ox.NamedNode(RDF + "type"), kind)
    subjects = sorted({q.subject.value for q in typed if isinstance(q.subject, ox.NamedNode)})
    for subject in subjects:
        if not subject.startswith(prefix):
            continue
        graphs = _graphs(store, subject, paths, ns, sheet)
        for graph in sorted(graphs):
            source = graph.replace(ns.graph, ns.id + "source/", 1)
            if sheet.key != "sources" and source not in index.known:
                continue  # not a source's graph (the vocabulary, personal data)
            found.append(
                tuple(
                    _cell(store, column, subject, graph, source, prefix, index, language)
                    for column in sheet.columns
                )
            )
    return found


def _graphs(
    store: ox.Store, subject: str, paths: set[str], ns: Namespaces, sheet: Sheet
) -> set[str]:
    node = ox.NamedNode(subject)
    graphs = set()
    own = "/" + subject.rsplit("/", 1)[-1]
    for quad in store.quads_for_pattern(node, None, None, None):
        graph = quad.graph_name
        if not (isinstance(graph, ox.NamedNode) and graph.value.startswith(ns.graph)):
            continue
        if sheet.key != "sources" or graph.value.endswith(own):
            graphs.add(graph.value)
    for column in sheet.columns:
        if column.inverse and column.path:
            for quad in store.quads_for_pattern(None, ox.NamedNode(column.path), node, None):
                if isinstance(quad.graph_name, ox.NamedNode):
                    graphs.add(quad.graph_name.value)
    derived = ns.named_graph("derived")
    return {g for g in graphs if g != derived}


def _cell(  # noqa: PLR0917
    store: ox.Store,
    column: Column,
    subject: str,
    graph: str,
    source: str,
    prefix: str,
    index: Index,
    language: str,
) -> Cell:
    if column.kind == "id":
        return subject.removeprefix(prefix)
    if column.kind == "source":
        return _source(store, source, index)
    assert column.path is not None
    node, predicate, context = ox.NamedNode(subject), ox.NamedNode(column.path), ox.NamedNode(graph)
    found: list[object]
    if column.inverse:
        found = [q.subject for q in store.quads_for_pattern(None, predicate, node, context)]
    else:
        found = [q.object for q in store.quads_for_pattern(node, predicate, None, context)]
    terms = [t for t in found if isinstance(t, (ox.NamedNode, ox.Literal))]
    if column.language:
        terms = [t for t in terms if isinstance(t, ox.Literal) and t.language == column.language]
    ordered: list[ox.NamedNode | ox.Literal] = sorted(
        terms, key=lambda t: _position(subject, t.value)
    )
    if column.position is not None:  # party 1, party 2: in the order the id names them
        ordered = ordered[column.position - 1 : column.position]
    values = [_value(t, column, index, language) for t in ordered]
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return cells.separator(column).join(cells.text(v) for v in values)


def _position(subject: str, value: str) -> tuple[int, str]:
    """Where a part's slug stands in the id (``lahti-akureyri``: Lahti first)."""
    name = value.rsplit("/", 1)[-1]
    at = subject.rsplit("/", 1)[-1].find(name)
    return (at if at >= 0 else 1 << 30, value)


def _value(term: ox.NamedNode | ox.Literal, column: Column, index: Index, language: str) -> Cell:
    if column.kind in ("reference", "choice") and isinstance(term, ox.NamedNode):
        classes = [f"scheme:{column.scheme}"] if column.scheme else list(column.classes)
        label = index.label(term.value, language)
        if index.find(label, classes).iri == term.value:
            return label
        return term.value.removeprefix(index.ns.base)
    return cells.cell(term, column)


def _source(store: ox.Store, source: str, index: Index) -> Cell:
    urls = [
        q.object.value
        for q in store.quads_for_pattern(ox.NamedNode(source), ox.NamedNode(SCHEMA + "url"), None)
        if isinstance(q.object, ox.NamedNode)
    ]
    if len(urls) == 1 and index.find_url(urls[0]) == source:
        return urls[0]
    return source.rsplit("/", 1)[-1]


def sheets_rows(
    store: ox.Store, sheets: Sequence[Sheet], index: Index, ns: Namespaces, language: str
) -> dict[str, list[tuple[Cell, ...]]]:
    """Every sheet's rows, by sheet key."""
    out: dict[str, list[tuple[Cell, ...]]] = defaultdict(list)
    for sheet in sheets:
        out[sheet.key] = rows(store, sheet, index, ns, language)
    return out
