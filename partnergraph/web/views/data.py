"""Statements property by property: the facts a view lists with their sources, and
the data section that ends every page (every statement of the description, and the
links to the resource), each property named in the reader's language."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from partnergraph.describe import Description
from partnergraph.web.present import Presenter, Value
from partnergraph.web.views.citations import Citations
from partnergraph.web.views.facts import Facts


@dataclass(frozen=True)
class Cited:
    """A value with the numbers of the sources that state it."""

    value: Value
    sources: tuple[int, ...] = ()


@dataclass(frozen=True)
class Row:
    """One property and its values."""

    property: Value
    values: list[Cited]


def ordered(values: Iterable[Value]) -> list[Value]:
    """Values in a stable order (by text, then language, then link): the same page
    whatever order the store returned them in."""
    return sorted(values, key=lambda v: (v.text.casefold(), v.text, v.lang or "", v.href or ""))


def cited_rows(
    facts: Facts,
    node: str,
    show: Presenter,
    citations: Citations,
    *,
    first: Sequence[str] = (),
    hide: Collection[str] = (),
    only: Collection[str] | None = None,
) -> list[Row]:
    """The statements about ``node``, property by property, each value with the
    numbers of the sources of the graphs that state it.

    Args:
        facts: the facts (``node`` cited in ``citations`` already, or now).
        node: the subject.
        show: the presenter.
        citations: the page's citations.
        first: the properties to list first, in this order (the rest by name).
        hide: properties not to list.
        only: the properties to list (all but ``hide`` when None).
    """
    citations.cite(node)
    graphs = facts.in_graphs(node)
    by_property: dict[str, dict[Value, set[int]]] = defaultdict(dict)
    for graph, stated in graphs.items():
        numbers = citations.numbers(node, graph)
        for predicate, objects in stated.items():
            if (only is not None and predicate not in only) or predicate in hide:
                continue
            for obj in objects:
                found = by_property[predicate].setdefault(show.term(obj), set())
                found.update(numbers)
    order = {p: i for i, p in enumerate(first)}
    rows = sorted(
        (
            (
                order.get(predicate, len(order)),
                show.label(predicate),
                [Cited(v, tuple(sorted(values[v]))) for v in ordered(values)],
            )
            for predicate, values in by_property.items()
        ),
        key=lambda row: (row[0], row[1].text.casefold(), row[1].iri or ""),
    )
    return [Row(label, values) for _, label, values in rows]


def table(description: Description, show: Presenter) -> list[Row]:
    """Every statement of the description, property by property (the data section)."""
    rows: dict[str, dict[Value, None]] = defaultdict(dict)
    for quad in description.quads:
        rows[quad.predicate.value].setdefault(show.term(quad.object))
    return sorted(
        (Row(show.label(p), [Cited(v) for v in ordered(values)]) for p, values in rows.items()),
        key=lambda row: row.property.text.casefold(),
    )


def incoming(description: Description, show: Presenter) -> list[Row]:
    """The links to the resource, by property (this page of them)."""
    by_property: dict[str, list[Value]] = defaultdict(list)
    for source, link in description.incoming:
        by_property[link.value].append(show.label(source.value))
    return sorted(
        (
            Row(show.label(p), [Cited(v) for v in ordered(values)])
            for p, values in by_property.items()
        ),
        key=lambda row: row.property.text.casefold(),
    )
