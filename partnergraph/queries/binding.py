"""A request's parameter values, checked and turned into RDF terms.

Each value is parsed in the lexical form of its parameter's type
(:mod:`partnergraph.queries.types`) and becomes an RDF term (a pyoxigraph
``NamedNode`` or ``Literal``) that the store binds to the query's variable
(:attr:`partnergraph.store.base.QueryRequest.bindings`). Nothing of a request is
ever pasted into a query's text.

An ``iri`` parameter takes an absolute IRI; with a ``class``, the IRI must be an
instance of that class in the graph (``?value rdf:type ?class``, no inference),
and the short form a person types is accepted too: the slug of a resource,
``lund`` for ``{base}id/city/lund``, when exactly one instance of the class has
an IRI ``{base}id/{kind}/{slug}`` (else a 400 that lists the candidates). A
``concept`` parameter takes a concept of its scheme (``skos:inScheme``): its IRI
or its short name, the last segment of its IRI (``twin-town``).

Warning:
    The values are untrusted. They are only ever compared, parsed by the
    functions here and given to pyoxigraph's term constructors, which check
    their syntax; a value that is not of the parameter's type is a
    :class:`~partnergraph.queries.errors.ParameterError` (a 400 that names the
    parameter and says what it expects), never a 500.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Final, Protocol

import pyoxigraph as ox

from partnergraph.namespaces import Namespaces
from partnergraph.queries.errors import ParameterError
from partnergraph.queries.files import NamedQuery
from partnergraph.queries.types import Parameter, literal_term, resolve_iri, short_form
from partnergraph.store.base import Term

#: How a request writes a slug: the last segment of a resource's IRI.
SLUG: Final = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_SCHEME: Final = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
#: How many candidates an ambiguous short form lists.
_LISTED: Final = 5


class GraphLookup(Protocol):
    """What checking a value needs to know of the graph."""

    def is_instance(self, iri: str, cls: str) -> bool:
        """Whether ``iri`` has ``rdf:type`` ``cls``."""

    def instances(self, cls: str) -> Sequence[str] | None:
        """The IRIs of the instances of ``cls``; None when there are too many to list."""

    def concepts(self, scheme: str) -> Sequence[str]:
        """The IRIs of the concepts of a SKOS concept ``scheme``."""


def bind(
    query: NamedQuery, given: Mapping[str, str], base_iri: str, graph: GraphLookup
) -> tuple[tuple[str, Term], ...]:
    """The terms a call binds to the query's variables.

    Args:
        query: the named query.
        given: the call's values by parameter name; an empty value counts as not
            given (an HTML form sends its empty fields).
        base_iri: the configured base IRI.
        graph: the lookups that check IRIs and concepts.

    Returns:
        ``(name, term)`` for every parameter given or defaulted, in header order.

    Raises:
        ParameterError: a required value is missing, or a value is not of its
            parameter's type.
    """
    bound: list[tuple[str, Term]] = []
    for param in query.parameters:
        raw = given.get(param.name, "")
        if raw:
            bound.append((param.name, parse_value(param, raw, base_iri, graph)))
        elif param.default is not None:
            bound.append((param.name, default_term(param, base_iri)))
        elif param.required:
            raise ParameterError(param.name, f"is required: {expectation(param, base_iri)}")
    return tuple(bound)


def parse_value(param: Parameter, raw: str, base_iri: str, graph: GraphLookup) -> Term:
    """The term a request's value of ``param`` stands for.

    Raises:
        ParameterError: ``raw`` is not a value of the parameter.
    """
    if param.type == "iri":
        return _iri(param, raw, base_iri, graph)
    if param.type == "concept":
        return _concept(param, raw, base_iri, graph)
    try:
        return literal_term(param.type, raw)
    except ValueError as exc:
        raise ParameterError(param.name, f"{raw!r} is not a value: it {exc}") from None


def default_term(param: Parameter, base_iri: str) -> Term:
    """The term of a parameter's default, written in the header's syntax."""
    if param.default is None:
        raise ValueError(f"parameter {param.name!r} has no default")
    if param.type in {"iri", "concept"}:
        return ox.NamedNode(resolve_iri(param.default, base_iri))
    return literal_term(param.type, param.default)


def expectation(param: Parameter, base_iri: str) -> str:
    """What a value of ``param`` must be, in words, for messages and documentation."""
    if param.type == "iri" and param.cls:
        cls = short_form(resolve_iri(param.cls, base_iri), base_iri)
        return f"the IRI of a {cls} in the graph, or its slug (the last segment of its IRI)"
    if param.type == "iri":
        return "an absolute IRI"
    if param.type == "concept" and param.scheme:
        scheme = short_form(resolve_iri(param.scheme, base_iri), base_iri)
        return f"a concept of the scheme {scheme}: its IRI or its short name"
    return {
        "string": "a text",
        "language": "a language tag such as en, sv or fi",
        "integer": "an integer (64 bits)",
        "date": "a date, YYYY-MM-DD",
        "year": "a year, YYYY",
    }[param.type]


def short_name(iri: str) -> str:
    """The last segment of an IRI (after its last ``/`` or ``#``)."""
    return re.split(r"[/#]", iri)[-1]


def short_names(concepts: Sequence[str]) -> dict[str, str]:
    """The unambiguous short names of ``concepts``, each with its IRI."""
    counts: dict[str, int] = {}
    for iri in concepts:
        counts[short_name(iri)] = counts.get(short_name(iri), 0) + 1
    return {short_name(iri): iri for iri in concepts if counts[short_name(iri)] == 1}


def _iri(param: Parameter, raw: str, base_iri: str, graph: GraphLookup) -> ox.NamedNode:
    cls = resolve_iri(param.cls, base_iri) if param.cls else None
    if _SCHEME.match(raw):
        try:
            node = ox.NamedNode(raw)
        except ValueError:
            raise ParameterError(
                param.name, f"{raw!r} is no valid IRI: it expects {expectation(param, base_iri)}"
            ) from None
        if cls is not None and not graph.is_instance(raw, cls):
            raise ParameterError(
                param.name,
                f"<{raw}> is no {short_form(cls, base_iri)} in the graph: "
                f"it expects {expectation(param, base_iri)}",
            )
        return node
    if cls is None or not SLUG.fullmatch(raw):
        raise ParameterError(
            param.name, f"{raw!r} is no IRI: it expects {expectation(param, base_iri)}"
        )
    root = Namespaces(base_iri).id
    instances = graph.instances(cls)
    if instances is None:
        raise ParameterError(
            param.name,
            f"the graph has too many instances of {short_form(cls, base_iri)} to look up "
            f"the slug {raw!r}: give the full IRI",
        )
    found = [
        iri
        for iri in instances
        if iri.startswith(root) and re.fullmatch(r"[a-z0-9-]+/" + re.escape(raw), iri[len(root) :])
    ]
    if len(found) == 1:
        return ox.NamedNode(found[0])
    if not found:
        raise ParameterError(
            param.name,
            f"no {short_form(cls, base_iri)} in the graph has the slug {raw!r}: "
            f"it expects {expectation(param, base_iri)}",
        )
    listed = ", ".join(f"<{iri}>" for iri in sorted(found)[:_LISTED])
    raise ParameterError(
        param.name, f"the slug {raw!r} is ambiguous: give the full IRI, one of {listed}"
    )


def _concept(param: Parameter, raw: str, base_iri: str, graph: GraphLookup) -> ox.NamedNode:
    scheme = resolve_iri(param.scheme or "", base_iri)
    concepts = graph.concepts(scheme)
    if raw in concepts:
        return ox.NamedNode(raw)
    names = short_names(concepts)
    if raw in names:
        return ox.NamedNode(names[raw])
    allowed = ", ".join(sorted(names)) or "none"
    raise ParameterError(
        param.name,
        f"{raw!r} is no concept of {short_form(scheme, base_iri)}: "
        f"it expects one of {allowed} (or the concept's IRI)",
    )
