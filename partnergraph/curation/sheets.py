"""The sheets of the curators' workbook, read from the shapes.

A sheet holds the resources of one class (municipalities, partnerships, memberships,
contact points, sources). Its columns are the property shapes that carry an
``sh:name`` among the shapes that target the class (SHACL §2.3.2 names its
non-validating characteristics ``sh:name``, ``sh:description`` and ``sh:order`` for
exactly this: building forms), so a property shape given a name appears in the next
template. What a column takes follows from the constraints on its path:

- ``sh:datatype rdf:langString`` (or ``sh:languageIn``): one column per language;
- ``sh:minCount``/``sh:maxCount``: required, and several numbered columns when a
  path takes a fixed number of values (a partnership's two parties), else one cell
  with one value per line when it takes any number;
- ``sh:class``: a reference, matched to a resource of the class by name or id;
- a SPARQL constraint that keeps the values in a concept scheme
  (``$this <p> ?value`` and ``skos:inScheme <scheme>``): a choice among the
  scheme's concepts (a drop-down list);
- the paths the date constraint names (``?path IN (…)``): dates;
- ``sh:datatype``: text or a decimal number; a Wikidata ``sh:pattern``: a Q number;
  ``sh:pattern "^https?://"`` or a language-authority IRI: an address or a code.

Only the sheets themselves (their classes, IRI kind and titles) are listed here.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Final

from rdflib import SH, Graph, Literal, URIRef
from rdflib.term import Node

from partnergraph.namespaces import DCTERMS, ORG, OWL, RDF, RDFS, SCHEMA, XSD

LANGUAGES: Final = ("en", "sv", "fi")
LANG_STRING = RDF + "langString"
LABEL = RDFS + "label"
SOURCE = DCTERMS + "source"
SAME_AS = OWL + "sameAs"
URL = SCHEMA + "url"


@dataclass(frozen=True)
class SheetSpec:
    """A sheet: its key (the CSV file stem), the classes its rows get, the kind of
    their IRIs (``{base}id/{kind}/{slug}``) and its titles in en, sv and fi."""

    key: str
    classes: tuple[str, ...]
    kind: str
    titles: Mapping[str, str]


#: The sheets, in workbook order. ``classes[0]`` is the class the shapes target;
#: a new row gets every class listed.
SHEETS: Final = (
    SheetSpec(
        "municipalities",
        (SCHEMA + "City", ORG + "Organization"),
        "city",
        {"en": "Municipalities", "sv": "Kommuner", "fi": "Kunnat"},
    ),
    SheetSpec(
        "partnerships",
        ("{pg}Partnership",),
        "partnership",
        {"en": "Partnerships", "sv": "Partnerskap", "fi": "Kumppanuudet"},
    ),
    SheetSpec(
        "memberships",
        (ORG + "Membership",),
        "membership",
        {"en": "Memberships", "sv": "Medlemskap", "fi": "Jäsenyydet"},
    ),
    SheetSpec(
        "contact-points",
        (SCHEMA + "ContactPoint",),
        "contact-point",
        {"en": "Contact points", "sv": "Kontaktpunkter", "fi": "Yhteystiedot"},
    ),
    SheetSpec(
        "sources",
        ("{pg}SourceDocument",),
        "source",
        {"en": "Sources", "sv": "Källor", "fi": "Lähteet"},
    ),
)

#: The sheet that explains the others (the import passes over it).
EXPLANATION_TITLE: Final = {"en": "About", "sv": "Om mallen", "fi": "Ohjeet"}

#: The id column every sheet starts with: the slug of the row's resource.
ID_TITLES: Final = {"en": "id", "sv": "id", "fi": "tunniste"}
ID_DESCRIPTION: Final = {
    "en": "The resource's id here (the end of its address). Empty for a new one: "
    "it is made from the names.",
    "sv": "Resursens id här (slutet av dess adress). Tomt för en ny: det bildas av namnen.",
    "fi": "Resurssin tunniste täällä (osoitteen loppu). Tyhjä uudelle: se muodostetaan nimistä.",
}


@dataclass(frozen=True)
class Column:
    """One column of a sheet.

    Attributes:
        key: stable machine name (``label_en``, ``party_1``): the CSVW column name.
        path: the property (an IRI); None for the id column.
        inverse: the row's resource is the object, not the subject, of ``path``.
        titles: the heading per language.
        descriptions: what it holds, per language.
        kind: ``id``, ``text``, ``decimal``, ``date``, ``choice``, ``reference``,
            ``wikidata``, ``url``, ``language`` or ``source``.
        language: the language tag of its values (kind ``text`` of a langString path).
        required: the shapes require a value.
        multiple: several values in one cell (one per line).
        classes: for a reference, the classes a matched resource must have one of.
        scheme: for a choice, the concept scheme.
        position: for one of several numbered columns of one path (``party 1``,
            ``party 2``), its number.
        datatype: for text, the datatype of its literals (xsd:string, or None for
            language-tagged strings).
    """

    key: str
    path: str | None
    titles: Mapping[str, str]
    descriptions: Mapping[str, str]
    kind: str
    inverse: bool = False
    language: str | None = None
    required: bool = False
    multiple: bool = False
    classes: tuple[str, ...] = ()
    scheme: str | None = None
    datatype: str | None = None
    position: int | None = None


@dataclass(frozen=True)
class Sheet:
    """A sheet and its columns, in order."""

    spec: SheetSpec
    columns: tuple[Column, ...]
    classes: tuple[str, ...] = field(default=())

    @property
    def key(self) -> str:
        """The sheet's key."""
        return self.spec.key


@dataclass
class _PathFacts:
    """What the shapes of one class say about one path."""

    names: dict[str, str] = field(default_factory=dict)
    descriptions: dict[str, str] = field(default_factory=dict)
    order: float = 1000.0
    inverse: bool = False
    min_count: int = 0
    max_count: int | None = None
    datatype: str | None = None
    languages: tuple[str, ...] = ()
    classes: set[str] = field(default_factory=set)
    patterns: set[str] = field(default_factory=set)
    iri: bool = False
    unique_lang: bool = False
    named: bool = False


def model(shapes_dir: Path, base_iri: str) -> tuple[Sheet, ...]:
    """The sheets the shapes in ``shapes_dir`` describe (read once per shapes text)."""
    files = sorted(shapes_dir.glob("*.ttl"))
    return _model(tuple((f.name, f.read_text(encoding="utf-8")) for f in files), base_iri)


@cache
def _model(texts: tuple[tuple[str, str], ...], base_iri: str) -> tuple[Sheet, ...]:
    graph = Graph()
    for _name, text in texts:
        graph.parse(data=text, format="turtle")
    pg = base_iri + "def/"
    schemes = _scheme_paths(graph)
    dates = _date_paths(graph)
    english_label = (URIRef(f"{_pgsh(graph)}Resource-label-en"), SH.sparql, None) in graph
    sheets = []
    for spec in SHEETS:
        classes = tuple(c.replace("{pg}", pg) for c in spec.classes)
        facts = _facts(graph, classes)
        columns = [
            Column("id", None, ID_TITLES, ID_DESCRIPTION, "id"),
            *_columns(facts, schemes, dates, english_label, spec, pg + "quote"),
        ]
        sheets.append(Sheet(spec, tuple(columns), classes))
    return tuple(sheets)


def _pgsh(graph: Graph) -> str:
    for prefix, namespace in graph.namespaces():
        if prefix == "pgsh":
            return str(namespace)
    return "https://w3id.org/partnergraph/shapes/"


def _facts(graph: Graph, classes: Iterable[str]) -> dict[tuple[str, bool], _PathFacts]:
    """Every path of a property shape of a node shape that targets one of ``classes``."""
    facts: dict[tuple[str, bool], _PathFacts] = defaultdict(_PathFacts)
    shapes = {s for c in classes for s in graph.subjects(SH.targetClass, URIRef(c))}
    for shape in shapes:
        for prop in graph.objects(shape, SH.property):
            path, inverse = _path(graph, graph.value(prop, SH.path))
            if path is None:
                continue
            _read(graph, prop, facts[(path, inverse)], inverse)
    return facts


def _path(graph: Graph, node: Node | None) -> tuple[str | None, bool]:
    if isinstance(node, URIRef):
        return str(node), False
    inverse = graph.value(node, SH.inversePath) if node is not None else None
    if isinstance(inverse, URIRef):
        return str(inverse), True
    return None, False


def _read(graph: Graph, prop: Node, facts: _PathFacts, inverse: bool) -> None:
    facts.inverse = inverse
    for name in graph.objects(prop, SH.name):
        if isinstance(name, Literal) and name.language:
            facts.names.setdefault(name.language, str(name))
            facts.named = True
    for text in graph.objects(prop, SH.description):
        if isinstance(text, Literal) and text.language:
            facts.descriptions.setdefault(text.language, str(text))
    order = graph.value(prop, SH.order)
    if isinstance(order, Literal):
        facts.order = min(facts.order, float(order.toPython()))
    for value in graph.objects(prop, SH.minCount):
        facts.min_count = max(facts.min_count, int(str(value)))
    for value in graph.objects(prop, SH.maxCount):
        count = int(str(value))
        facts.max_count = count if facts.max_count is None else min(facts.max_count, count)
    datatype = graph.value(prop, SH.datatype)
    if datatype is not None:
        facts.datatype = str(datatype)
    languages = graph.value(prop, SH.languageIn)
    if languages is not None:
        facts.languages = tuple(str(x) for x in graph.items(languages))
    facts.classes.update(str(c) for c in graph.objects(prop, SH["class"]))
    facts.patterns.update(str(p) for p in graph.objects(prop, SH.pattern))
    facts.iri = facts.iri or (prop, SH.nodeKind, SH.IRI) in graph
    facts.unique_lang = facts.unique_lang or (prop, SH.uniqueLang, Literal(True)) in graph


_THIS_VALUE = re.compile(r"\$this\s+([^?\s]\S*)\s+\?value\b")
_IN_SCHEME = re.compile(r"skos:inScheme\s+<([^>]+)>")
_DATE_SELECT = re.compile(r"\?path\s+IN\s*\(([^)]*)\)", re.IGNORECASE)


def _scheme_paths(graph: Graph) -> dict[str, str]:
    """The paths a SPARQL constraint keeps inside a concept scheme: path -> scheme."""
    found = {}
    for select in graph.objects(None, SH.select):
        text = str(select)
        path_match, scheme_match = _THIS_VALUE.search(text), _IN_SCHEME.search(text)
        if path_match and scheme_match:
            path = _expand(graph, path_match.group(1))
            if path:
                found[path] = scheme_match.group(1)
    return found


def _date_paths(graph: Graph) -> set[str]:
    """The paths the dates constraint checks (``FILTER (?path IN (…))`` and a date
    regular expression): those columns take dates."""
    found: set[str] = set()
    for select in graph.objects(None, SH.select):
        text = str(select)
        if "gYear" not in text:
            continue
        for match in _DATE_SELECT.finditer(text):
            for term in match.group(1).split(","):
                path = _expand(graph, term.strip())
                if path:
                    found.add(path)
    return found


def _expand(graph: Graph, term: str) -> str | None:
    """A prefixed name or ``<IRI>`` of a constraint's text as an IRI, by the prefixes
    the shapes declare (``sh:declare``)."""
    if term.startswith("<") and term.endswith(">"):
        return term[1:-1]
    prefix, colon, local = term.partition(":")
    if not colon:
        return None
    for declaration in graph.objects(None, SH.declare):
        if str(graph.value(declaration, SH.prefix)) == prefix:
            return str(graph.value(declaration, SH.namespace)) + local
    return None


def _columns(  # noqa: PLR0917
    facts: Mapping[tuple[str, bool], _PathFacts],
    schemes: Mapping[str, str],
    dates: set[str],
    english_label: bool,
    spec: SheetSpec,
    quote: str,
) -> list[Column]:
    named = sorted(
        ((key, f) for key, f in facts.items() if f.named), key=lambda kv: (kv[1].order, kv[0])
    )
    columns: list[Column] = []
    for (path, inverse), f in named:
        if spec.key == "sources" and path in (SOURCE, quote):
            continue  # a source is its own source; its quotes would quote itself
        columns.extend(_path_columns(path, inverse, f, schemes, dates, english_label))
    return columns


def _path_columns(  # noqa: PLR0917
    path: str,
    inverse: bool,
    f: _PathFacts,
    schemes: Mapping[str, str],
    dates: set[str],
    english_label: bool,
) -> list[Column]:
    local = _local(path)
    base = Column(local, path, dict(f.names), dict(f.descriptions), "text", inverse=inverse)
    if f.datatype == LANG_STRING or f.languages:
        return [
            replace(
                base,
                key=f"{local}_{lang}",
                titles={k: f"{v} ({lang})" for k, v in f.names.items()},
                language=lang,
                required=english_label and path == LABEL and lang == "en",
                multiple=f.max_count != 1 and not f.unique_lang and path != LABEL,
            )
            for lang in f.languages or LANGUAGES
        ]
    typed = _kind(base, f, schemes, dates)
    if f.max_count is not None and 1 < f.max_count <= 3 and f.min_count == f.max_count:
        return [
            replace(
                typed,
                key=f"{local}_{n}",
                titles={k: f"{v} {n}" for k, v in f.names.items()},
                required=True,
                position=n,
            )
            for n in range(1, f.max_count + 1)
        ]
    return [
        replace(
            typed,
            required=f.min_count >= 1 or path == SOURCE,
            multiple=f.max_count != 1 and typed.kind not in ("wikidata", "source"),
        )
    ]


def _kind(base: Column, f: _PathFacts, schemes: Mapping[str, str], dates: set[str]) -> Column:
    """``base`` with the kind of value its path takes."""
    path = base.path or ""
    if path in schemes:
        return replace(base, kind="choice", scheme=schemes[path])
    if path in dates:
        return replace(base, kind="date")
    if path == SOURCE:
        return replace(base, kind="source")
    if any("wikidata" in p for p in f.patterns) or path == SAME_AS:
        return replace(base, kind="wikidata")
    if any("language" in p for p in f.patterns):
        return replace(base, kind="language")
    if f.classes:
        return replace(base, kind="reference", classes=tuple(sorted(f.classes)))
    if f.datatype == XSD + "decimal":
        return replace(base, kind="decimal")
    if path == URL or any(p.startswith("^https?") for p in f.patterns):
        return replace(base, kind="url")
    if f.inverse or f.iri:
        return replace(base, kind="reference")
    return replace(base, kind="text", datatype=f.datatype or XSD + "string")


def _local(iri: str) -> str:
    return re.split(r"[/#]", iri)[-1]


def by_key(sheets: Iterable[Sheet]) -> dict[str, Sheet]:
    """The sheets by key."""
    return {s.key: s for s in sheets}
