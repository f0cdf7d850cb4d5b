"""A workbook's rows as statements: which resource each row describes, in which
named graph (its source's), and what its cells say.

Each row describes one resource as one source states it, so its statements go to
that source's graph (``{base}graph/{source-slug}``). A cell replaces what that
graph says for its column (``-`` removes it); an empty cell, or a column the
sheet leaves out, leaves the data as it is. New resources get their classes and,
where the row gives no English name, a name made from their parts (a
partnership's parties). Problems are collected by sheet, row and column, never
raised one at a time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pyoxigraph as ox

from partnergraph.curation import cells
from partnergraph.curation.matching import Index, is_slug, slug, url_key
from partnergraph.curation.messages import say
from partnergraph.curation.problems import Problem
from partnergraph.curation.sheets import LANGUAGES, Column, Sheet
from partnergraph.curation.workbook import Table
from partnergraph.namespaces import DCTERMS, RDF, RDFS, SCHEMA, Namespaces

#: The order sheets are read in: a row may name what an earlier sheet creates.
READ_ORDER = ("sources", "municipalities", "partnerships", "memberships", "contact-points")
#: Pairs that find an existing resource of a sheet without an id.
PAIRS = {"partnerships": ("party_1", "party_2"), "memberships": ("member", "organization")}


@dataclass(frozen=True)
class Place:
    """Where a row is: its sheet as the file names it, its number, and its columns'
    headings as written (by column key)."""

    sheet: str
    row: int | None
    headings: Mapping[str, str]


@dataclass(frozen=True)
class Slot:
    """The values one graph gives one resource for one column: the statements an
    import replaces."""

    subject: str
    path: str
    inverse: bool
    language: str | None
    graph: str


@dataclass
class Statements:
    """What a workbook says, ready to compare with the data.

    Attributes:
        slots: the values per slot (an empty set removes what is there).
        ensure: quads added when missing and never removed (classes of new
            resources, a row's ``dcterms:source``, new sources).
        rows: where each resource is described, by (resource, graph).
        mentions: the rows that name a resource in a cell, by resource.
        problems: what is wrong.
        new: the resources the workbook creates, with their kind.
        columns: the column of each slot's path, for the change in words.
    """

    slots: dict[Slot, set[ox.NamedNode | ox.Literal]] = field(default_factory=dict)
    ensure: set[ox.Quad] = field(default_factory=set)
    rows: dict[tuple[str, str], Place] = field(default_factory=dict)
    mentions: dict[str, list[Place]] = field(default_factory=lambda: defaultdict(list))
    problems: list[Problem] = field(default_factory=list)
    new: dict[str, str] = field(default_factory=dict)
    columns: dict[tuple[str, str | None], Column] = field(default_factory=dict)


class Reader:
    """Reads a workbook's tables against the sheets and the data.

    Args:
        sheets: the sheets (from the shapes).
        index: the data's resources, to match names.
        pairs: existing partnerships and memberships by their two parts.
        ns: the namespaces.
        language: the curator's language (of the headings).
        file: the workbook's name.
    """

    def __init__(  # noqa: PLR0917
        self,
        sheets: Sequence[Sheet],
        index: Index,
        pairs: Mapping[tuple[str, ...], set[str]],
        ns: Namespaces,
        language: str,
        file: str,
    ) -> None:
        self.sheets = {s.key: s for s in sheets}
        self.index = index
        self.pairs = pairs
        self.ns = ns
        self.language = language
        self.file = file
        self.out = Statements()
        self._titles: dict[str, str] = {}
        for sheet in sheets:
            for column in sheet.columns:
                self._titles.setdefault(column.key, column.titles.get(language, column.key))

    # ---- problems ------------------------------------------------------------

    def problem(self, place: Place | None, column: str | None, key: str, **values: object) -> None:
        """Note a problem at ``place`` (and the column of key ``column``)."""
        self.out.problems.append(
            Problem(
                say(key, self.language, **values),
                self.file,
                place.sheet if place else None,
                place.row if place else None,
                place.headings.get(column, self._titles.get(column, column))
                if place and column
                else None,
            )
        )

    def _names(self, iris: Iterable[str]) -> str:
        return "; ".join(self.index.describe(i, self.language) for i in iris)

    # ---- tables ----------------------------------------------------------------

    def read(self, tables: Sequence[tuple[Sheet, Table, dict[int, Column]]]) -> Statements:
        """Read every table (matched to its sheet, each heading to its column)."""
        order = {key: n for n, key in enumerate(READ_ORDER)}
        for sheet, table, columns in sorted(tables, key=lambda t: order.get(t[0].key, 99)):
            headings = {c.key: table.headings[i] for i, c in columns.items()}
            for row in table.rows:
                place = Place(table.name, row.number, headings)
                values = {
                    columns[i].key: v
                    for i, v in enumerate(row.values)
                    if i in columns and v is not None and cells.text(v) != ""
                }
                self._row(sheet, place, values)
        return self.out

    def _row(self, sheet: Sheet, place: Place, values: dict[str, object]) -> None:
        by_key = {c.key: c for c in sheet.columns}
        problems = len(self.out.problems)
        source: str | None = None
        graph: str | None = None
        if sheet.key != "sources":
            found = self._source(place, values.get("source"))
            if found is not None:
                source, graph = found
        terms: dict[str, list[ox.NamedNode | ox.Literal]] = {}
        for key, value in values.items():
            column = by_key[key]
            if column.kind in ("id", "source") or cells.text(value) == cells.REMOVE:
                continue
            terms[key] = self._terms(place, column, value)
        if len(self.out.problems) > problems:
            return
        iri = self._identify(sheet, place, values, terms)
        if iri is None:
            return
        if sheet.key == "sources":
            source, graph = iri, self._graph_of(iri)
        assert source is not None
        assert graph is not None
        earlier = self.out.rows.get((iri, graph))
        if earlier is not None:
            self.problem(
                place,
                None,
                "twice",
                what=self.index.describe(iri, self.language),
                other=earlier.row,
            )
            return
        self.out.rows[(iri, graph)] = place
        new = iri not in self.index.known or iri in self.out.new
        if iri not in self.index.known:
            self._create(sheet, place, iri, values, terms, graph)
        for key, value in values.items():
            column = by_key[key]
            if column.kind in ("id", "source") or column.path is None:
                continue
            slot = Slot(iri, column.path, column.inverse, column.language, graph)
            self.out.columns.setdefault((column.path, column.language), column)
            if cells.text(value) == cells.REMOVE:
                self.out.slots[slot] = set()
            else:
                self.out.slots.setdefault(slot, set()).update(terms[key])
        if new and "label_en" not in values:
            self._name_new(sheet, iri, terms, graph)
        self.out.ensure.add(
            ox.Quad(ox.NamedNode(iri), _iri(DCTERMS + "source"), _iri(source), _iri(graph))
        )

    # ---- sources and graphs --------------------------------------------------

    def _graph_of(self, source: str) -> str:
        return self.ns.named_graph(source.removeprefix(self.ns.id + "source/"))

    def _source(self, place: Place, value: object) -> tuple[str, str] | None:
        if value is None:
            self.problem(place, "source", "no_source")
            return None
        shown = cells.text(value)
        if shown.startswith(("http://", "https://")):
            known = self.index.find_url(shown)
            if known is None:
                known = self._web_page(place, shown)
                if known is None:
                    return None
            return known, self._graph_of(known)
        found = self.index.find(shown, [self.ns.pg + "SourceDocument"])
        if found.iri is None:
            self._not_found(place, "source", shown, found.reason, found.candidates, False)
            return None
        return found.iri, self._graph_of(found.iri)

    def _web_page(self, place: Place, url: str) -> str | None:
        """A source made for a web address no source has yet, in its own graph."""
        try:
            node = cells.literal(url, Column("url", None, {}, {}, "url"))
        except cells.CellError:
            self.problem(place, "source", "bad_url", value=url)
            return None
        parts = urlsplit(url)
        name = slug(f"{parts.hostname or ''} {parts.path} {parts.query}")[:80].strip("-")
        iri = self.ns.id + "source/" + (name or "web-page")
        if iri in self.index.known and self.index.find_url(url) != iri:
            iri = f"{iri}-{len(self.out.new) + 1}"
        graph = _iri(self._graph_of(iri))
        subject = _iri(iri)
        label = say("web_page", "en", url=url)
        for p, o in (
            (RDF + "type", _iri(self.ns.pg + "SourceDocument")),
            (RDFS + "label", ox.Literal(label, language="en")),
            (SCHEMA + "url", node),
            (DCTERMS + "source", subject),
        ):
            self.out.ensure.add(ox.Quad(subject, _iri(p), o, graph))
        self.index.add(iri, [self.ns.pg + "SourceDocument"], {"en": label})
        self.index.urls.setdefault(url_key(url), iri)
        self.out.new[iri] = "source"
        return iri

    # ---- cells -----------------------------------------------------------------

    def _terms(
        self, place: Place, column: Column, value: object
    ) -> list[ox.NamedNode | ox.Literal]:
        found: list[ox.NamedNode | ox.Literal] = []
        pieces = cells.parts(value, column)
        if not column.multiple and len(pieces) > 1:
            self.problem(place, column.key, "one_value")
            return []
        for piece in pieces:
            if column.kind in ("reference", "choice"):
                classes = [f"scheme:{column.scheme}"] if column.scheme else list(column.classes)
                match = self.index.find(piece, classes)
                if match.iri is None:
                    if column.kind == "choice":
                        self._bad_choice(place, column, piece)
                    else:
                        creatable = set(column.classes) & {
                            c for c in self.sheets["municipalities"].classes
                        }
                        self._not_found(
                            place,
                            column.key,
                            piece,
                            match.reason,
                            match.candidates,
                            bool(creatable),
                        )
                    continue
                self.out.mentions[match.iri].append(place)
                found.append(_iri(match.iri))
                continue
            try:
                found.append(cells.literal(piece, column))
            except cells.CellError as exc:
                self.problem(place, column.key, exc.key, value=exc.value)
        return found

    def _bad_choice(self, place: Place, column: Column, value: str) -> None:
        concepts = [k for k in self.index.known.values() if f"scheme:{column.scheme}" in k.classes]
        names = ", ".join(sorted(k.label(self.language) for k in concepts))
        self.problem(place, column.key, "bad_choice", value=value, names=names)

    def _not_found(  # noqa: PLR0917
        self,
        place: Place,
        column: str,
        value: str,
        reason: str,
        candidates: Sequence[str],
        creatable: bool,
    ) -> None:
        if reason == "ambiguous":
            self.problem(place, column, "ambiguous", value=value, names=self._names(candidates))
            return
        near = say("near", self.language, names=self._names(candidates)) if candidates else ""
        title = self.sheets["municipalities"].spec.titles
        create = (
            say("create_place", self.language, sheet=title.get(self.language, title["en"]))
            if creatable
            else ""
        )
        self.problem(place, column, "unknown", value=value, near=near, create=create)

    # ---- which resource --------------------------------------------------------

    def _identify(
        self,
        sheet: Sheet,
        place: Place,
        values: Mapping[str, object],
        terms: Mapping[str, list[ox.NamedNode | ox.Literal]],
    ) -> str | None:
        prefix = f"{self.ns.id}{sheet.spec.kind}/"
        given = values.get("id")
        if given is not None:
            shown = cells.text(given).removeprefix(prefix).removeprefix(f"id/{sheet.spec.kind}/")
            if not is_slug(shown):
                self.problem(place, "id", "bad_id", value=cells.text(given))
                return None
            iri = prefix + shown
            known = self.index.known.get(iri)
            if known is not None and not set(sheet.classes[:1]) <= known.classes:
                self.problem(place, "id", "id_taken", value=shown, other=self._names([iri]))
                return None
            return iri
        existing = self._existing(sheet, place, values, terms)
        if isinstance(existing, str):
            return existing or None
        return self._new_iri(sheet, place, values, terms, prefix)

    def _existing(
        self,
        sheet: Sheet,
        place: Place,
        values: Mapping[str, object],
        terms: Mapping[str, list[ox.NamedNode | ox.Literal]],
    ) -> str | bool:
        """The existing resource a row without an id describes: its IRI, ``""`` after
        a problem, or False when it is new."""
        pair = PAIRS.get(sheet.key)
        if pair:
            a, b = (terms.get(k, [None])[0] for k in pair)
            if a is None or b is None:
                return False
            key = (sheet.key, *sorted((a.value, b.value)))
            if sheet.key == "memberships":
                key = (sheet.key, a.value, b.value)
            hits = self.pairs.get(key, set())
            if len(hits) > 1:
                self.problem(place, "id", "ambiguous", value="", names=self._names(sorted(hits)))
                return ""
            return next(iter(hits)) if hits else False
        if sheet.key in ("municipalities", "sources"):
            keys = [cells.text(values[k]) for k in ("sameAs", "geonamesId", "url") if k in values]
            keys += [
                cells.text(values[f"label_{lang}"])
                for lang in LANGUAGES
                if f"label_{lang}" in values
            ]
            for text in keys:
                if sheet.key == "sources" and text.startswith("http"):
                    hit = self.index.find_url(text)
                    if hit:
                        return hit
                    continue
                found = self.index.find(text, sheet.classes, near=False)
                if found.iri:
                    return found.iri
                if found.reason == "ambiguous":
                    self.problem(
                        place, "id", "ambiguous", value=text, names=self._names(found.candidates)
                    )
                    return ""
        return False

    def _new_iri(
        self,
        sheet: Sheet,
        place: Place,
        values: Mapping[str, object],
        terms: Mapping[str, list[ox.NamedNode | ox.Literal]],
        prefix: str,
    ) -> str | None:
        pair = PAIRS.get(sheet.key)
        if pair:
            parts = [terms[k][0].value.rstrip("/").rsplit("/", 1)[-1] for k in pair if k in terms]
            name = "-".join(parts) if len(parts) == 2 else ""
        elif sheet.key == "contact-points" and "contactPoint" in terms and "label_en" in values:
            owner = terms["contactPoint"][0].value.rsplit("/", 1)[-1]
            name = f"{owner}-{slug(cells.text(values['label_en']))}"
        elif sheet.key == "sources" and "label_en" not in values and "url" in values:
            address = urlsplit(cells.text(values["url"]))
            name = slug(f"{address.hostname or ''} {address.path}")
        else:
            label = next(
                (
                    cells.text(values[f"label_{lang}"])
                    for lang in LANGUAGES
                    if f"label_{lang}" in values
                ),
                "",
            )
            name = slug(label)
        if not name:
            self.problem(place, "label_en", "no_name")
            return None
        iri = prefix + name
        if iri in self.index.known:
            self.problem(place, "id", "id_taken", value=name, other=self._names([iri]))
            return None
        return iri

    def _create(  # noqa: PLR0917
        self,
        sheet: Sheet,
        place: Place,
        iri: str,
        values: Mapping[str, object],
        terms: Mapping[str, list[ox.NamedNode | ox.Literal]],
        graph: str,
    ) -> None:
        said = {"label_en"}  # a name is made from the parts, or asked for by the shapes
        if sheet.key == "municipalities" and "containedInPlace" not in terms:
            self.problem(place, "containedInPlace", "no_country")
            said.add("containedInPlace")
        for column in sheet.columns:
            missing = column.required and column.key not in values
            if missing and column.kind not in ("id", "source") and column.key not in said:
                self.problem(place, column.key, "needs_value")
        labels = {
            lang: cells.text(values[f"label_{lang}"])
            for lang in LANGUAGES
            if f"label_{lang}" in values
        }
        keys = [cells.text(values[k]) for k in ("sameAs", "geonamesId") if k in values]
        self.index.add(iri, sheet.classes, labels, keys)
        if sheet.key == "sources" and "url" in values:
            self.index.urls.setdefault(url_key(cells.text(values["url"])), iri)
        for cls in sheet.classes:
            self.out.ensure.add(ox.Quad(_iri(iri), _iri(RDF + "type"), _iri(cls), _iri(graph)))
        self.out.new[iri] = sheet.spec.kind

    def _name_new(
        self,
        sheet: Sheet,
        iri: str,
        terms: Mapping[str, list[ox.NamedNode | ox.Literal]],
        graph: str,
    ) -> None:
        """An English name for a new partnership or membership made from its parts."""
        pair = PAIRS.get(sheet.key)
        if not pair or not all(k in terms for k in pair):
            return
        a, b = (self.index.label(terms[k][0].value, "en") for k in pair)
        if sheet.key == "partnerships":
            label = say("labelled", "en", a=a, b=b)
            kind = terms.get("partnershipType")
            if kind:
                label = f"{label} {self.index.label(kind[0].value, 'en')}"
        else:
            label = say("membership_label", "en", a=a, b=b)
        slot = Slot(iri, RDFS + "label", False, "en", graph)
        self.out.slots[slot] = {ox.Literal(label, language="en")}
        self.index.add(iri, (), {"en": label})


def _iri(value: str) -> ox.NamedNode:
    return ox.NamedNode(value)
