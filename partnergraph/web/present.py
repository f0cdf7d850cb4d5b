"""Turning RDF terms into what a page shows: links, names in the reader's language,
literals written the way a reader of that language writes them.

Every value reaches the templates as plain data (text, an href, a language tag, the
kind of a literal) and is escaped there by Jinja's autoescape. A term is named by its
``rdfs:label`` in the reader's language (else English, Swedish, Finnish, any); a term
of another vocabulary by :data:`partnergraph.web.views.terms.LABELS`; a term without
either by its local name in words; never by a prefixed name.

Warning:
    Labels, literals and IRIs are data from curators and, later, from remote
    stores. Only ``http``, ``https`` and ``mailto`` IRIs become links (a
    ``javascript:`` IRI stays text); IRIs of this dataset link to their document
    on this site.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlencode

import pyoxigraph as ox

from partnergraph.describe import Labels, pick
from partnergraph.documents import document_path
from partnergraph.namespaces import XSD, Namespaces
from partnergraph.web.views import terms

_LINKABLE = ("http://", "https://", "mailto:")

#: The kind of a literal by its XSD datatype (what the data section says of it).
KINDS: Final = {
    "gYear": "year",
    "gYearMonth": "month",
    "date": "date",
    "dateTime": "datetime",
    "duration": "duration",
    "boolean": "boolean",
    "anyURI": "link",
    **dict.fromkeys(
        (
            "integer",
            "decimal",
            "double",
            "float",
            "int",
            "long",
            "short",
            "byte",
            "nonNegativeInteger",
            "positiveInteger",
            "negativeInteger",
            "nonPositiveInteger",
            "unsignedInt",
            "unsignedLong",
            "unsignedShort",
            "unsignedByte",
        ),
        "number",
    ),
}

_MONTHS: Final = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
    "sv": ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
           "september", "oktober", "november", "december"),
    "fi": ("tammikuu", "helmikuu", "maaliskuu", "huhtikuu", "toukokuu", "kesäkuu",
           "heinäkuu", "elokuu", "syyskuu", "lokakuu", "marraskuu", "joulukuu"),
}  # fmt: skip
_UNITS: Final = {  # ISO 8601 duration designator → (singular, plural) per language
    "en": {"Y": ("year", "years"), "M": ("month", "months"), "W": ("week", "weeks"),
           "D": ("day", "days")},
    "sv": {"Y": ("år", "år"), "M": ("månad", "månader"), "W": ("vecka", "veckor"),
           "D": ("dag", "dagar")},
    "fi": {"Y": ("vuosi", "vuotta"), "M": ("kuukausi", "kuukautta"), "W": ("viikko", "viikkoa"),
           "D": ("päivä", "päivää")},
}  # fmt: skip
_BOOLEANS: Final = {"en": ("yes", "no"), "sv": ("ja", "nej"), "fi": ("kyllä", "ei")}
_DATE = re.compile(r"^(-?\d{4,})-(\d{2})-(\d{2})")
_MONTH = re.compile(r"^(-?\d{4,})-(\d{2})")
_DURATION = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$")
_NUMBER = re.compile(r"^([+-]?)(\d+)(?:\.(\d+))?$")
_GROUP = {"en": ",", "sv": "\u00a0", "fi": "\u00a0"}
_DECIMAL = {"en": ".", "sv": ",", "fi": ","}


@dataclass(frozen=True)
class Value:
    """One value as a page shows it.

    Attributes:
        text: what is shown.
        href: where it links to, or None for a literal or an IRI that is not linked.
        lang: the language of ``text`` (the ``lang`` attribute), or None.
        iri: the IRI shown on hover, for IRIs.
        note: a short note after the value (the datatype of a literal of an
            unknown datatype).
        kind: what a literal is (``year``, ``month``, ``date``, ``datetime``,
            ``number``, ``duration``, ``boolean``, ``link``), or None for text
            and IRIs.
        raw: the literal as written in the data, when ``text`` writes it otherwise.
    """

    text: str
    href: str | None = None
    lang: str | None = None
    iri: str | None = None
    note: str | None = None
    kind: str | None = None
    raw: str | None = None


@dataclass(frozen=True)
class Presenter:
    """Presents terms to a reader of one language.

    Attributes:
        ns: the namespaces of the base IRI.
        language: the reader's language.
        labels: the labels known for this page.
        root: the site's script root (``""`` at the root of a host).
        explicit: whether the reader chose the language (``?lang=``), which the
            links then keep.
    """

    ns: Namespaces
    language: str
    labels: Labels
    root: str = ""
    explicit: bool = False

    def href(self, iri: str) -> str | None:
        """Where a link to ``iri`` goes: its document here, the IRI itself, or None."""
        path = document_path(iri, self.ns)
        if path is not None:
            query = f"?{urlencode({'lang': self.language})}" if self.explicit else ""
            return f"{self.root}/{path}{query}"
        return iri if iri.startswith(_LINKABLE) else None

    def label(self, iri: str) -> Value:
        """``iri`` as a link named in the reader's language (see the module's doc)."""
        found = self.labels.pick(iri, self.language) or pick(
            terms.LABELS.get(iri, {}), self.language
        )
        if found is None:
            return Value(self.unnamed(iri), self.href(iri), None, iri)
        text, lang = found
        return Value(text, self.href(iri), lang, iri)

    def term(self, term: object) -> Value:
        """Any term: an IRI as :meth:`label`, a literal as :func:`literal` writes it."""
        if isinstance(term, ox.NamedNode):
            return self.label(term.value)
        if isinstance(term, ox.Literal):
            return literal(term, self.language)
        return Value(str(term))

    def unnamed(self, iri: str) -> str:
        """The text of an IRI that nothing names: a vocabulary term or a resource of
        this dataset in words, any other IRI as it is (it is an address)."""
        known = (self.ns.id, *self.ns.prefixes().values(), *terms.SITES)
        if any(iri.startswith(namespace) for namespace in known):
            return terms.words(iri)
        return iri

    def short(self, iri: str) -> str:
        """``iri`` as a compact IRI (``pg:party``) where a project prefix fits (for
        code and identifiers, not for names)."""
        for prefix, namespace in sorted(self.ns.prefixes().items(), key=lambda i: -len(i[1])):
            if iri.startswith(namespace) and len(iri) > len(namespace):
                return f"{prefix}:{iri[len(namespace) :]}"
        return iri

    def with_labels(self, more: Mapping[str, Mapping[str, str]]) -> Presenter:
        """A presenter that also knows the labels ``more``."""
        merged = {iri: dict(by_lang) for iri, by_lang in self.labels.by_iri.items()}
        for iri, by_lang in more.items():
            merged.setdefault(iri, {}).update(by_lang)
        return Presenter(self.ns, self.language, Labels(merged), self.root, self.explicit)


def literal(term: ox.Literal, language: str = "en") -> Value:
    """A literal as a reader of ``language`` writes it: a year as a year, a date
    with its month's name, a number with the language's separators, a duration in
    words; text with its language tag.

    Args:
        term: the literal.
        language: the reader's language (en, sv or fi).
    """
    if term.language:
        return Value(term.value, lang=term.language)
    datatype = term.datatype.value
    if datatype == XSD + "string":
        return Value(term.value)
    kind = KINDS.get(datatype[len(XSD) :]) if datatype.startswith(XSD) else None
    if kind is None:
        return Value(term.value, note=terms.words(datatype))
    text = _written(term.value, kind, language)
    href = term.value if kind == "link" and term.value.startswith(_LINKABLE) else None
    return Value(text, href=href, kind=kind, raw=term.value if text != term.value else None)


def _written(value: str, kind: str, language: str) -> str:
    """``value`` (the lexical form of a literal of ``kind``) written for ``language``;
    as it is when it is not in the form the datatype defines."""
    months = _MONTHS.get(language, _MONTHS["en"])
    if kind in ("date", "datetime") and (found := _DATE.match(value)):
        year, month, day = found.group(1), int(found.group(2)), int(found.group(3))
        if not 1 <= month <= 12:
            return value
        if language == "fi":
            written = f"{day}.{month}.{year}"
        else:
            written = f"{day} {months[month - 1]} {year}"
        if kind == "datetime" and "T" in value:
            written += " " + value.split("T", 1)[1][:5]
        return written
    if kind == "month" and (found := _MONTH.match(value)):
        month = int(found.group(2))
        return f"{months[month - 1]} {found.group(1)}" if 1 <= month <= 12 else value
    if kind == "number":
        return _number(value, language)
    if kind == "duration" and (found := _DURATION.match(value)) and any(found.groups()):
        units = _UNITS.get(language, _UNITS["en"])
        parts = []
        for designator, amount in zip("YMWD", found.groups(), strict=True):
            if amount is not None:
                singular, plural = units[designator]
                parts.append(f"{int(amount)} {singular if int(amount) == 1 else plural}")
        return " ".join(parts)
    if kind == "boolean" and value in ("true", "false", "1", "0"):
        yes, no = _BOOLEANS.get(language, _BOOLEANS["en"])
        return yes if value in ("true", "1") else no
    return value


def _number(value: str, language: str) -> str:
    """A decimal number with the thousands and decimal separators of ``language``."""
    found = _NUMBER.match(value)
    if found is None:
        return value
    sign, whole, fraction = found.groups()
    whole = whole.lstrip("0") or "0"
    if len(whole) > 4:
        group = _GROUP.get(language, ",")
        head = len(whole) % 3 or 3
        whole = whole[:head] + "".join(group + whole[i : i + 3] for i in range(head, len(whole), 3))
    fraction = (fraction or "").rstrip("0")
    decimal = _DECIMAL.get(language, ".")
    return f"{'-' if sign == '-' else ''}{whole}{decimal + fraction if fraction else ''}"
