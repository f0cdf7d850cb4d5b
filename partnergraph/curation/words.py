"""An import's change in words, one line per resource, in the curator's language
("new partnership Lahti - Pécs: party Lahti; party Pécs; type twin town; start date
1956")."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

import pyoxigraph as ox

from partnergraph.curation.matching import Index
from partnergraph.curation.messages import kind, say
from partnergraph.curation.sheets import Column
from partnergraph.namespaces import DCTERMS, RDF, RDFS, Namespaces
from partnergraph.writes.change import Change


def describe(
    change: Change,
    *,
    index: Index,
    columns: Mapping[tuple[str, str | None], Column],
    new: Mapping[str, str],
    ns: Namespaces,
    language: str,
) -> tuple[str, ...]:
    """The lines that say what ``change`` does, new resources first, then by name.

    Args:
        change: the change.
        index: the resources (for names).
        columns: the column of each (path, language), for the properties' names.
        new: the resources the change creates, with their kind.
        ns: the namespaces.
        language: the curator's language.
    """
    added: dict[str, list[ox.Quad]] = defaultdict(list)
    removed: dict[str, list[ox.Quad]] = defaultdict(list)
    for quad in change.added:
        added[_value(quad.subject)].append(quad)
    for quad in change.removed:
        removed[_value(quad.subject)].append(quad)
    order = {key: n for n, key in enumerate(columns)}
    lines = []
    for subject in sorted(set(added) | set(removed), key=lambda s: (s not in new, s)):
        name = index.label(subject, language)
        said = [
            _statement(q, index, columns, language)
            for q in sorted(added[subject], key=lambda q: _order(q, order))
            if q.predicate.value != RDF + "type"
            and not (subject in new and _is_name_or_self(q, subject))
        ]
        if subject in new:
            head = say("new", language, kind=kind(new[subject], language), name=name)
            lines.append(f"{head}: {'; '.join(s for s in said if s)}")
            continue
        gone = [
            _statement(q, index, columns, language)
            for q in sorted(removed[subject], key=lambda q: _order(q, order))
        ]
        parts = []
        if said:
            parts.append(f"{say('added', language)} {'; '.join(said)}")
        if gone:
            parts.append(f"{say('removed', language)} {'; '.join(gone)}")
        lines.append(f"{say('changed', language, name=name)}: {' — '.join(parts)}")
    return tuple(lines)


def _order(quad: ox.Quad, order: Mapping[tuple[str, str | None], int]) -> tuple[int, str]:
    """Statements in the order of the sheet's columns, the source last."""
    term = quad.object
    lang = term.language if isinstance(term, ox.Literal) else None
    predicate = quad.predicate.value
    at = order.get((predicate, lang), order.get((predicate, None), len(order)))
    return (len(order) + 1 if predicate == DCTERMS + "source" else at, str(quad))


def _is_name_or_self(quad: ox.Quad, subject: str) -> bool:
    """A new resource's English name (already its heading) or a source that is itself."""
    term = quad.object
    if quad.predicate.value == RDFS + "label":
        return isinstance(term, ox.Literal) and term.language == "en"
    return _value(term) == subject


def _value(term: object) -> str:
    return str(getattr(term, "value", term))


def _statement(
    quad: ox.Quad,
    index: Index,
    columns: Mapping[tuple[str, str | None], Column],
    language: str,
) -> str:
    predicate = quad.predicate.value
    term = quad.object
    lang = term.language if isinstance(term, ox.Literal) else None
    column = columns.get((predicate, lang)) or columns.get((predicate, None))
    if predicate == DCTERMS + "source":
        title = say("in_source", language)
    elif column is not None:
        title = column.titles.get(language, column.titles.get("en", column.key))
        if column.position is not None:  # "party 1" names one of the parties
            title = title.rsplit(" ", 1)[0]
    else:
        title = predicate.rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    value = index.label(term.value, language) if isinstance(term, ox.NamedNode) else _value(term)
    return f"{title} {value}"
