"""The form on a named query's HTML page: one typed field per parameter.

A person who opens ``/api/queries/{name}`` in a browser without the query's
required parameters gets its page with this form (a script gets a 400 that
names the parameter). Each field is made from the parameter's header:

| type | field |
| --- | --- |
| ``iri`` | text; with a ``class``, the slugs of its instances to pick from |
| ``concept`` | a select of the short names of the concepts of its scheme |
| ``string`` | text |
| ``language`` | text that must look like a language tag; en, sv, fi to pick from |
| ``integer`` | a number, in steps of one |
| ``date`` | a date (``YYYY-MM-DD``) |
| ``year`` | four digits |

The form is sent with ``GET`` to the query's own URL, so submitting it runs the
query and shows its table. A browser checks the patterns and the required
fields; the server checks every value again (:mod:`partnergraph.queries.binding`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from partnergraph.describe import LANGUAGES
from partnergraph.namespaces import Namespaces
from partnergraph.queries import NamedQuery, Parameter, resolve_iri
from partnergraph.queries.binding import SLUG, expectation, short_name, short_names
from partnergraph.queries.types import short_form

#: The most slugs an ``iri`` field offers to pick from (more would weigh the page down).
MOST_SUGGESTIONS: Final = 500
#: The ``pattern`` of a field whose type a browser has no input for (HTML, ``v`` flag).
_PATTERNS: Final[Mapping[str, str]] = {
    "year": "[0-9]{4}",
    "language": "[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*",
}
#: The rest of an IRI under ``{base}id/`` whose slug a request may give: ``{kind}/{slug}``.
_KIND_SLUG: Final = re.compile(r"[a-z0-9-]+/" + SLUG.pattern)
_SIZES: Final[Mapping[str, int]] = {"year": 6, "language": 12}
_INPUT_TYPES: Final[Mapping[str, str]] = {"integer": "number", "date": "date"}
_TYPE_WORDS: Final[Mapping[str, str]] = {
    "iri": "IRI",
    "concept": "concept",
    "string": "text",
    "language": "language tag",
    "integer": "integer",
    "date": "date",
    "year": "year",
}


@dataclass(frozen=True)
class Field:
    """One field of the form.

    Attributes:
        name: the parameter's name, the field's name.
        type: the parameter's type in words (``IRI or slug of a schema:City``…).
        required: whether the query needs a value.
        control: ``select``, or the ``type`` of an ``input`` (``text``, ``number``, ``date``).
        value: the value the request gave, shown again.
        default: the value used when none is given, as a person would type it.
        example: a value that works, as a person would type it.
        pattern: what a value must look like, for the browser to check.
        size: how many characters a text field shows.
        inputmode: the keyboard a phone shows for a text field (``numeric`` for a year).
        options: for a select, the values to choose from.
        suggestions: for an input, values to pick from (a ``datalist``).
        help: what the parameter means and what it expects.
    """

    name: str
    type: str
    required: bool
    control: str
    value: str
    default: str = ""
    example: str = ""
    pattern: str = ""
    size: int = 60
    inputmode: str = ""
    options: tuple[str, ...] = ()
    suggestions: tuple[str, ...] = ()
    help: str = ""


def fields(
    query: NamedQuery,
    values: Mapping[str, str],
    base_iri: str,
    concepts: Callable[[str], Sequence[str]],
    slugs_of: Callable[[str], tuple[str, ...]],
) -> list[Field]:
    """The form's fields, one a parameter of ``query``, in header order.

    Args:
        query: the named query.
        values: the request's values by parameter name (shown again in the fields).
        base_iri: the configured base IRI.
        concepts: the IRIs of the concepts of a scheme.
        slugs_of: the slugs to offer for a class (:func:`slugs` of its instances).
    """
    made: list[Field] = []
    for param in query.parameters:
        options: tuple[str, ...] = ()
        suggestions: tuple[str, ...] = ()
        words = _TYPE_WORDS[param.type]
        if param.type == "concept" and param.scheme:
            scheme = resolve_iri(param.scheme, base_iri)
            options = tuple(sorted(short_names(concepts(scheme))))
            words = f"concept of {short_form(scheme, base_iri)}"
        elif param.type == "iri" and param.cls:
            cls = resolve_iri(param.cls, base_iri)
            suggestions = slugs_of(cls)
            words = f"IRI or slug of a {short_form(cls, base_iri)}"
        elif param.type == "language":
            suggestions = LANGUAGES
        described = param.description.rstrip(".")
        made.append(
            Field(
                name=param.name,
                type=words,
                required=param.required,
                control="select" if options else _INPUT_TYPES.get(param.type, "text"),
                value=values.get(param.name, ""),
                default=_typed(param, param.default, base_iri),
                example=_typed(param, param.example, base_iri),
                pattern=_PATTERNS.get(param.type, ""),
                size=_SIZES.get(param.type, 60),
                inputmode="numeric" if param.type == "year" else "",
                options=options,
                suggestions=suggestions,
                help=f"{described}. Expects {expectation(param, base_iri)}.".lstrip(". "),
            )
        )
    return made


def slugs(instances: Sequence[str] | None, base_iri: str) -> tuple[str, ...]:
    """The slugs that name one of ``instances`` each (``lund`` for ``{base}id/city/lund``).

    Args:
        instances: the IRIs of the instances of a class; None when there are too many.
        base_iri: the configured base IRI.

    Returns:
        The unambiguous slugs, sorted; none when there are more than
        :data:`MOST_SUGGESTIONS` or the instances could not be listed.
    """
    if instances is None:
        return ()
    root = Namespaces(base_iri).id
    found = Counter(
        short_name(iri)
        for iri in instances
        if iri.startswith(root) and _KIND_SLUG.fullmatch(iri[len(root) :])
    )
    unique = sorted(slug for slug, count in found.items() if count == 1)
    return tuple(unique) if len(unique) <= MOST_SUGGESTIONS else ()


def _typed(param: Parameter, value: str | None, base_iri: str) -> str:
    """A header value (default, example) as a person types it in the form.

    A slug for an ``iri`` of a class, a short name for a concept, the full IRI
    for any other ``iri``, else the value as written.
    """
    if value is None:
        return ""
    if param.type not in {"iri", "concept"}:
        return value
    iri = resolve_iri(value, base_iri)
    return short_name(iri) if param.cls or param.type == "concept" else iri
