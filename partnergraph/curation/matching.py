"""Matching what a curator writes in a cell to the resources the data already has.

A cell may hold a resource's IRI, its id (the slug), a Wikidata id (Q…), a GeoNames
id, an ISO 3166 country code, or a label in any language; labels are compared with
accents and case folded ("Pecs" finds Pécs, "vasteras" Västerås). A name that finds
no resource, or several, is reported with its best candidates and never guessed.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final, cast

import pyoxigraph as ox

from partnergraph.namespaces import OWL, RDF, RDFS, SCHEMA, SKOS, WD, Namespaces

#: Letters Unicode does not decompose into a base letter and a mark.
_LETTERS: Final = str.maketrans(
    {"ø": "o", "Ø": "o", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ß": "ss", "đ": "d",
     "Đ": "d", "ł": "l", "Ł": "l", "þ": "th", "Þ": "th", "ð": "d", "Ð": "d", "\u0131": "i"}
)  # fmt: skip
_QID = re.compile(r"^(?:https?://www\.wikidata\.org/(?:entity|wiki)/)?(Q[1-9][0-9]*)$", re.I)
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def fold(text: str) -> str:
    """``text`` compared as a name: accents dropped, case folded, spaces and
    punctuation made one space ("Västerås" and "VASTERAS" fold alike)."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LETTERS))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.split(r"[\W_]+", bare.casefold())).strip()


def slug(text: str) -> str:
    """The slug the project would give ``text``: lowercase ASCII words joined by ``-``
    (docs/model.md)."""
    folded = fold(text).encode("ascii", "ignore").decode()
    return "-".join(re.findall(r"[a-z0-9]+", folded))


def is_slug(text: str) -> bool:
    """Whether ``text`` is a well-formed slug."""
    return bool(_SLUG.match(text))


@dataclass
class Known:
    """A resource that names may find.

    Attributes:
        iri: its IRI.
        classes: its classes.
        labels: its labels by language (rdfs:label), then other names.
        country: the IRI of the country it lies in, if any.
    """

    iri: str
    classes: set[str] = field(default_factory=set)
    labels: dict[str, str] = field(default_factory=dict)
    country: str | None = None

    def label(self, language: str) -> str:
        """Its label in ``language``, else in English, else any, else its slug."""
        for lang in (language, "en", *self.labels):
            if lang in self.labels:
                return self.labels[lang]
        return self.iri.rstrip("/").rsplit("/", 1)[-1]


@dataclass(frozen=True)
class Found:
    """The outcome of a lookup: the one resource found, or why not and the best
    candidates (IRIs)."""

    iri: str | None
    reason: str = ""  # "unknown" or "ambiguous" when iri is None
    candidates: tuple[str, ...] = ()


class Index:
    """Every resource under ``{base}id/`` and every concept, with the keys a cell may
    use to find it.

    Args:
        store: the served store (its default graph is the union of the named graphs).
        ns: the namespaces of the deployment.
    """

    def __init__(self, store: ox.Store, ns: Namespaces) -> None:
        self.ns = ns
        self.known: dict[str, Known] = {}
        self._keys: dict[str, set[str]] = defaultdict(set)
        self.urls: dict[str, str] = {}  # a source document's schema:url -> its IRI
        self._load(store)

    def _load(self, store: ox.Store) -> None:
        ns = self.ns
        query = f"""
            SELECT ?s ?p ?o WHERE {{
              ?s ?p ?o .
              FILTER (?p IN (<{RDF}type>, <{RDFS}label>, <{SKOS}altLabel>, <{SKOS}prefLabel>,
                             <{OWL}sameAs>, <{ns.pg}geonamesId>, <{ns.pg}countryCode>,
                             <{SCHEMA}containedInPlace>, <{SCHEMA}url>, <{SKOS}inScheme>))
              FILTER (STRSTARTS(STR(?s), "{ns.id}") || STRSTARTS(STR(?s), "{ns.pg}"))
            }}"""
        for s, p, o in cast(ox.QuerySolutions, store.query(query)):
            iri, predicate = s.value, p.value
            known = self.known.get(iri) or self.known.setdefault(iri, Known(iri))
            if predicate == RDF + "type":
                known.classes.add(o.value)
            elif predicate == RDFS + "label" and isinstance(o, ox.Literal) and o.language:
                known.labels.setdefault(o.language, o.value)
                self._key(o.value, iri)
            elif predicate in (SKOS + "altLabel", SKOS + "prefLabel"):
                self._key(o.value, iri)
            elif predicate == OWL + "sameAs" and o.value.startswith(WD):
                self._keys[o.value[len(WD) :].casefold()].add(iri)
            elif predicate in (ns.pg + "geonamesId", ns.pg + "countryCode"):
                self._keys[o.value.casefold()].add(iri)
            elif predicate == SCHEMA + "containedInPlace":
                known.country = o.value
            elif predicate == SCHEMA + "url":
                self.urls[url_key(o.value)] = iri
            elif predicate == SKOS + "inScheme":
                known.classes.add(f"scheme:{o.value}")
        supers: dict[str, set[str]] = defaultdict(set)
        subclasses = f"SELECT ?c ?s WHERE {{ ?c <{RDFS}subClassOf>+ ?s }}"
        for sub, sup in cast(ox.QuerySolutions, store.query(subclasses)):
            supers[sub.value].add(sup.value)
        for known in self.known.values():
            known.classes |= {s for c in list(known.classes) for s in supers.get(c, ())}
        for iri in self.known:
            self._keys[iri].add(iri)
            self._keys[iri.rstrip("/").rsplit("/", 1)[-1]].add(iri)  # the slug

    def _key(self, label: str, iri: str) -> None:
        folded = fold(label)
        if folded:
            self._keys[folded].add(iri)

    def add(
        self, iri: str, classes: Iterable[str], labels: dict[str, str], keys: Iterable[str] = ()
    ) -> Known:
        """Make a resource the workbook creates findable by the rows after it."""
        known = self.known.setdefault(iri, Known(iri))
        known.classes.update(classes)
        for language, label in labels.items():
            known.labels.setdefault(language, label)
            self._key(label, iri)
        for key in keys:
            self._keys[key.casefold()].add(iri)
        self._keys[iri].add(iri)
        self._keys[iri.rstrip("/").rsplit("/", 1)[-1]].add(iri)
        return known

    def find(self, text: str, classes: Iterable[str] = (), *, near: bool = True) -> Found:
        """The one resource of every class in ``classes`` that ``text`` names.

        Args:
            text: what the cell says.
            classes: classes the resource must all have (``scheme:<iri>`` for a
                concept of a scheme); empty for any.
            near: for a name that finds nothing, look for the nearest names (the
                candidates a report shows); False when nothing is reported.
        """
        wanted = set(classes)
        text = text.strip()
        keys = [text if "://" in text else text.casefold()]
        qid = _QID.match(text)
        if qid:
            keys = [qid.group(1).casefold()]
        elif not text.startswith(("http://", "https://")):
            keys.append(self.ns.base + text)  # a relative IRI (id/city/lund)
            keys.append(fold(text))
        hits: set[str] = set()
        for key in keys:
            hits |= {i for i in self._keys.get(key, ()) if wanted <= self.known[i].classes}
            if hits:
                break
        if len(hits) == 1:
            return Found(next(iter(hits)))
        if hits:
            return Found(None, "ambiguous", tuple(sorted(hits)))
        return Found(None, "unknown", self._near(text, wanted) if near else ())

    def _near(self, text: str, wanted: set[str]) -> tuple[str, ...]:
        """Up to three resources of the wanted classes whose names are nearest."""
        folded = fold(text)
        names: dict[str, str] = {}
        for known in self.known.values():
            if wanted <= known.classes:
                for label in known.labels.values():
                    names.setdefault(fold(label), known.iri)
        close = difflib.get_close_matches(folded, list(names), n=3, cutoff=0.6)
        return tuple(dict.fromkeys(names[c] for c in close))

    def describe(self, iri: str, language: str) -> str:
        """A resource named for a curator: its label, with its country if it has one,
        and its id (``Pécs, Hungary (city/pecs)``)."""
        known = self.known.get(iri)
        if known is None:
            return iri
        country = self.known.get(known.country or "")
        where = f", {country.label(language)}" if country else ""
        return f"{known.label(language)}{where} ({iri.removeprefix(self.ns.id)})"

    def label(self, iri: str, language: str) -> str:
        """A resource's label in ``language`` (or its IRI when unknown)."""
        known = self.known.get(iri)
        return known.label(language) if known else iri

    def find_url(self, url: str) -> str | None:
        """The source document whose web address is ``url`` (a trailing ``/`` and the
        scheme's case do not matter)."""
        return self.urls.get(url_key(url))


def url_key(url: str) -> str:
    """A web address as compared: the scheme's case and a trailing ``/`` do not matter."""
    scheme, sep, rest = url.strip().partition("://")
    return f"{scheme.lower()}{sep}{rest.rstrip('/')}"
