"""The parameter types of named queries, and the lexical forms of their values.

A value is bound to its variable as an RDF term (https://www.w3.org/TR/rdf11-concepts/)
built here from its lexical form, never pasted into the query:

| type | lexical form | term |
| --- | --- | --- |
| ``iri`` | an absolute IRI | an IRI |
| ``concept`` | a concept's IRI (or its short name, see :mod:`.binding`) | an IRI |
| ``string`` | any text | an ``xsd:string`` literal |
| ``language`` | a BCP 47 language tag (``sv``, ``en-GB``) | an ``xsd:string`` literal, lowercase |
| ``integer`` | ``[+-]?[0-9]+`` within 64 bits | an ``xsd:integer`` literal |
| ``date`` | ``YYYY-MM-DD``, a real calendar day | an ``xsd:date`` literal |
| ``year`` | ``YYYY`` | an ``xsd:gYear`` literal |
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final
from urllib.parse import urljoin

import pyoxigraph as ox

from partnergraph.namespaces import XSD, Namespaces

#: The base IRI the query files are written under; see :func:`partnergraph.queries.rebase`.
WRITTEN_BASE: Final = "https://w3id.org/partnergraph/"

#: What a parameter's ``type`` may be, with what its values look like.
PARAMETER_TYPES: Final[Mapping[str, str]] = {
    "iri": "an IRI (of the class given by 'class', when there is one)",
    "concept": "a concept of the SKOS concept scheme given by 'scheme'",
    "string": "a string",
    "language": "a language tag such as en, sv or fi",
    "integer": "an integer",
    "date": "a date, YYYY-MM-DD",
    "year": "a year, YYYY",
}

#: Names the API uses itself (paging and format): no parameter may be called so.
RESERVED: Final = frozenset({"limit", "offset", "format"})

#: The smallest and largest integer a parameter takes (64 bits, as engines store them).
INTEGER_RANGE: Final = (-(2**63), 2**63 - 1)

LEXICAL: Final[Mapping[str, re.Pattern[str]]] = {
    "integer": re.compile(r"[+-]?[0-9]{1,19}"),
    "date": re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}"),
    "year": re.compile(r"[0-9]{4}"),
    "language": re.compile(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*"),
}

_DATATYPES: Final[Mapping[str, str]] = {
    "integer": XSD + "integer",
    "date": XSD + "date",
    "year": XSD + "gYear",
}
_PREFIXED = re.compile(r"([A-Za-z][A-Za-z0-9_-]*):([A-Za-z0-9_][A-Za-z0-9_./-]*)?")
_BRACKETED = re.compile(r"<([^<>\"{}|^`\\\x00-\x20]*)>")


@dataclass(frozen=True)
class Parameter:
    """One declared parameter of a named query.

    Attributes:
        name: the name, also the query variable (``?name``) it binds.
        type: one of :data:`PARAMETER_TYPES`.
        description: what it means, for people.
        required: whether a call must give it.
        default: the value used when a call does not give it (lexical form).
        example: a value that works, for the documentation (lexical form).
        cls: for ``iri``: the class the IRI must be an instance of (header key ``class``).
        scheme: for ``concept``: the concept scheme the value must belong to.
        line: the line of the file where it is declared.
    """

    name: str
    type: str
    description: str = ""
    required: bool = False
    default: str | None = None
    example: str | None = None
    cls: str | None = None
    scheme: str | None = None
    line: int = 0


def literal_term(kind: str, text: str) -> ox.Literal:
    """The literal a value of a ``string``, ``language``, ``integer``, ``date`` or
    ``year`` parameter stands for.

    Args:
        kind: the parameter type.
        text: the value as written (in a header or a request).

    Returns:
        The literal, in canonical form (``+007`` is ``7``, ``SV`` is ``sv``).

    Raises:
        ValueError: ``text`` is not a value of ``kind``; the message says what it expects.
    """
    pattern = LEXICAL.get(kind)
    if kind not in PARAMETER_TYPES or kind in {"iri", "concept"}:
        raise ValueError(f"{kind!r} is no literal type")
    if pattern is not None and not pattern.fullmatch(text):
        raise ValueError(f"expects {PARAMETER_TYPES[kind]}")
    if kind == "string":
        return ox.Literal(text)
    if kind == "language":
        return ox.Literal(text.lower())
    if kind == "integer":
        number = int(text)
        if not INTEGER_RANGE[0] <= number <= INTEGER_RANGE[1]:
            raise ValueError(f"expects {PARAMETER_TYPES[kind]} that fits in 64 bits")
        text = str(number)
    elif kind == "date":
        try:
            datetime.date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"expects {PARAMETER_TYPES[kind]} that is a real day") from None
    return ox.Literal(text, datatype=ox.NamedNode(_DATATYPES[kind]))


def resolve_iri(value: str, base_iri: str) -> str:
    """The absolute IRI a header value stands for.

    Args:
        value: ``prefix:local`` with a project prefix, or ``<iri>`` (relative ones
            resolved against the base).
        base_iri: the configured base IRI.

    Returns:
        The absolute IRI.

    Raises:
        ValueError: the value is neither form, or its prefix is unknown.
    """
    bracketed = _BRACKETED.fullmatch(value)
    if bracketed:
        return urljoin(base_iri, str(bracketed.group(1)))
    prefixed = _PREFIXED.fullmatch(value)
    prefixes = Namespaces(base_iri).prefixes()
    if prefixed and prefixed.group(1) in prefixes:
        return prefixes[prefixed.group(1)] + (prefixed.group(2) or "")
    raise ValueError(
        f"{value!r} is no IRI: write <iri> or prefix:name with one of "
        + ", ".join(sorted(prefixes))
    )


def short_form(iri: str, base_iri: str) -> str:
    """An IRI in the header's short form: ``prefix:local`` where a project prefix
    fits, else ``<iri>`` (for messages and documentation)."""
    best = ""
    for prefix, namespace in Namespaces(base_iri).prefixes().items():
        local = iri[len(namespace) :]
        if iri.startswith(namespace) and len(namespace) > len(best) and _local_ok(local):
            best = prefix
    if best:
        return f"{best}:{iri[len(Namespaces(base_iri).prefixes()[best]) :]}"
    return f"<{iri}>"


def _local_ok(local: str) -> bool:
    return local == "" or _PREFIXED.fullmatch("p:" + local) is not None
