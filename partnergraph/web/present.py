"""Turning RDF terms into what a page shows: links, labels in the reader's language,
literals with their language and datatype.

Every value reaches the templates as plain data (text, an href, a language tag)
and is escaped there by Jinja's autoescape.

Warning:
    Labels, literals and IRIs are data from curators and, later, from remote
    stores. Only ``http``, ``https`` and ``mailto`` IRIs become links (a
    ``javascript:`` IRI stays text); IRIs of this dataset link to their document
    on this site.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

import pyoxigraph as ox

from partnergraph.describe import Labels
from partnergraph.documents import document_path
from partnergraph.namespaces import XSD, Namespaces

_LINKABLE = ("http://", "https://", "mailto:")


@dataclass(frozen=True)
class Value:
    """One value as a page shows it.

    Attributes:
        text: what is shown.
        href: where it links to, or None for a literal or an IRI that is not linked.
        lang: the language of ``text`` (the ``lang`` attribute), or None.
        iri: the IRI shown on hover, for IRIs.
        note: a short note after the value (a datatype, or the language of a
            fallback label).
    """

    text: str
    href: str | None = None
    lang: str | None = None
    iri: str | None = None
    note: str | None = None


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
        """``iri`` as a link named by its label (or its short form without one)."""
        found = self.labels.pick(iri, self.language)
        if found is None:
            return Value(self.short(iri), self.href(iri), None, iri)
        text, lang = found
        note = lang if lang != self.language else None
        return Value(text, self.href(iri), lang, iri, note)

    def term(self, term: object) -> Value:
        """Any term: an IRI as :meth:`label`, a literal as its text."""
        if isinstance(term, ox.NamedNode):
            return self.label(term.value)
        if isinstance(term, ox.Literal):
            return literal(term)
        return Value(str(term))

    def short(self, iri: str) -> str:
        """``iri`` as a compact IRI (``pg:party``) where a project prefix fits."""
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


def literal(term: ox.Literal) -> Value:
    """A literal: its text, its language, and its datatype unless it is a plain string."""
    if term.language:
        return Value(term.value, lang=term.language)
    datatype = term.datatype.value
    if datatype == XSD + "string":
        return Value(term.value)
    note = "xsd:" + datatype[len(XSD) :] if datatype.startswith(XSD) else datatype
    return Value(term.value, note=note)
