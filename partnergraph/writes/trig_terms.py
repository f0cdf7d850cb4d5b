"""Terms and statements written in Turtle as the curated files write them.

Turtle: https://www.w3.org/TR/turtle/ (TriG's terms: https://www.w3.org/TR/trig/).

:class:`Names` writes one term (prefixed names where a declared prefix fits,
relative IRIs, literals quoted and escaped); :func:`sort_pairs` and :func:`group`
put a subject's predicates and objects in the files' order and on their lines;
:func:`render_statement` writes a whole statement. The text model that edits a
file statement by statement (:mod:`partnergraph.writes.trig_blocks`) uses these
to write what it changes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import pyoxigraph as ox

_LOCAL = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]*\Z")
_RELATIVE = re.compile(r"[A-Za-z0-9_~-][A-Za-z0-9_~.-]*(?:/[A-Za-z0-9_~-][A-Za-z0-9_~.-]*)*/?\Z")
_ESCAPE = re.compile(r'["\\\x00-\x1f\x7f\x85\u2028\u2029]')
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = "http://www.w3.org/2001/XMLSchema#"
_BARE = {  # datatypes Turtle writes without quotes, and the lexical forms it reads back
    XSD + "integer": re.compile(r"[+-]?[0-9]+\Z"),
    XSD + "decimal": re.compile(r"[+-]?[0-9]*\.[0-9]+\Z"),
    XSD + "double": re.compile(r"[+-]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)[eE][+-]?[0-9]+\Z"),
    XSD + "boolean": re.compile(r"(?:true|false)\Z"),
}
_WIDTH = 100  # the column the files wrap long object lists at

Object = ox.NamedNode | ox.Literal
Pair = tuple[ox.NamedNode, Object]


def namespace_of(iri: str) -> str:
    """An IRI up to its last ``/`` or ``#``: ``{base}id/partnership/`` for a partnership."""
    return iri[: max(iri.rfind("/"), iri.rfind("#")) + 1]


_Source = TypeVar("_Source")


@dataclass
class Row(Generic[_Source]):
    """One predicate line of a statement: the predicate, its objects and their text.

    Attributes:
        source: what it comes from in an existing statement (the text model's
            part), else None.
    """

    predicate: ox.NamedNode
    text: str
    objects: list[Object]
    texts: list[str]
    source: _Source | None


class Names:
    """Writes terms in Turtle as the curated files do.

    IRIs as prefixed names where a declared prefix leaves a plain local part
    (letters, digits, ``_`` and ``-``, not starting with ``-``), else as ``<...>``,
    relative to the base when the rest is plain path segments (so that it
    resolves back exactly); literals quoted and escaped, numbers and booleans
    bare when Turtle reads them back unchanged, datatypes compacted.

    Args:
        prefixes: prefix name to namespace IRI (absolute).
        base: the base IRI the text is parsed with.
    """

    def __init__(self, prefixes: dict[str, str], base: str | None) -> None:
        by_length = sorted(prefixes.items(), key=lambda item: (-len(item[1]), item[0]))
        self._prefixes = [(iri, name) for name, iri in by_length]
        plain = base is not None and base.endswith("/") and not {"?", "#"} & set(base)
        self._base = base if plain else None

    def term(self, term: Object) -> str:
        """An IRI or a literal."""
        return self.iri(term.value) if isinstance(term, ox.NamedNode) else self.literal(term)

    def predicate(self, term: ox.NamedNode) -> str:
        """A predicate: ``a`` for rdf:type."""
        return "a" if term.value == RDF_TYPE else self.iri(term.value)

    def iri(self, iri: str) -> str:
        """An IRI, as a prefixed name if one fits."""
        for namespace, name in self._prefixes:
            if iri.startswith(namespace) and _LOCAL.match(iri, len(namespace)):
                return f"{name}:{iri[len(namespace) :]}"
        return self.ref(iri)

    def ref(self, iri: str) -> str:
        """An IRI in angle brackets, relative to the base where that is safe."""
        if self._base and iri.startswith(self._base) and _RELATIVE.match(iri, len(self._base)):
            return f"<{iri[len(self._base) :]}>"
        return f"<{iri}>"

    def literal(self, literal: ox.Literal) -> str:
        """A literal, with its language tag (and direction) or datatype."""
        value = literal.value
        quoted = '"' + _ESCAPE.sub(lambda m: _ESCAPES.get(m[0], f"\\u{ord(m[0]):04X}"), value) + '"'
        if literal.language:
            direction = f"--{literal.direction}" if literal.direction is not None else ""
            return f"{quoted}@{literal.language}{direction}"
        datatype = literal.datatype.value
        if datatype == XSD + "string":
            return quoted
        bare = _BARE.get(datatype)
        return value if bare and bare.match(value) else f"{quoted}^^{self.iri(datatype)}"

    @staticmethod
    def row(row: Row[Any], indent: str, newline: str) -> str:
        """A row, indented, without its closing ``;`` or ``.``.

        Comma-separated objects that would run past column 100 continue on lines
        indented four spaces more, as the files wrap long lists.
        """
        text = indent + row.text + " " + row.texts[0]
        for more in row.texts[1:]:
            if len(text) - text.rfind("\n") + len(more) + 3 > _WIDTH:
                text += "," + newline + indent + "    " + more
            else:
                text += ", " + more
        return text


def sort_pairs(
    pairs: Sequence[Pair], names: Names, order: Sequence[ox.NamedNode] = ()
) -> list[Pair]:
    """Pairs without repeats: ``a`` first, then the predicates of ``order`` in that
    order, then the others; by predicate and object as written within each."""
    rank = {p: k for k, p in enumerate(dict.fromkeys(order))}

    def key(pair: Pair) -> tuple[bool, int, str, str]:
        first = pair[0].value == RDF_TYPE
        return (
            not first,
            rank.get(pair[0], len(rank)),
            names.predicate(pair[0]),
            names.term(pair[1]),
        )

    return sorted(dict.fromkeys(pairs), key=key)


def group(pairs: Sequence[Pair], names: Names) -> list[Row[Any]]:
    """Rows for pairs, predicates in first-seen order with ``a`` first.

    Classes share one line; other IRIs of a predicate share one line; each
    literal has a line of its own.
    """
    objects: dict[ox.NamedNode, list[Object]] = {}
    for predicate, obj in dict.fromkeys(pairs):
        objects.setdefault(predicate, []).append(obj)
    order = sorted(objects, key=lambda p: p.value != RDF_TYPE)
    rows: list[Row[Any]] = []
    for predicate in order:
        text = names.predicate(predicate)
        iris = [
            o
            for o in objects[predicate]
            if predicate.value == RDF_TYPE or isinstance(o, ox.NamedNode)
        ]
        literals = [o for o in objects[predicate] if o not in iris]
        for chunk in ([iris] if iris else []) + [[o] for o in literals]:
            rows.append(Row(predicate, text, chunk, [names.term(o) for o in chunk], None))
    return rows


def render_statement(
    subject: str, pairs: Sequence[Pair], names: Names, *, step: str, newline: str, indent: str = ""
) -> str:
    """A statement in house style: subject line, ``a`` line, one line per row.

    Args:
        subject: the subject IRI.
        pairs: its predicates and objects (see :func:`group` for the order).
        names: how to write terms.
        step: the indent of the predicate lines.
        newline: the line ending.
        indent: the indent of the subject line.

    Returns:
        Its text, every line ending with ``newline``.
    """
    pieces = [(names.row(row, step, newline) + " ", newline) for row in group(pairs, names)]
    return indent + names.iri(subject) + newline + close_rows(pieces)


def close_rows(pieces: list[tuple[str, str]]) -> str:
    """Rows joined: each closed by ``;``, the last by ``.``."""
    last = len(pieces) - 1
    return "".join(
        f"{before}{';' if k < last else '.'}{after}" for k, (before, after) in enumerate(pieces)
    )
