"""The curators' workbook: the template (empty sheets with an example row each) and
the export (the served data in the same sheets), as xlsx or as CSV files with a
CSVW metadata document.

Both are laid out from the sheets the shapes describe (:mod:`.sheets`); the
drop-down lists are the labels of the concepts of each choice column's scheme, and
a template's example row is a real row of the served data.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Final

import pyoxigraph as ox

from partnergraph import snapshots
from partnergraph.curation import cells, exporting
from partnergraph.curation.matching import Index
from partnergraph.curation.sheets import EXPLANATION_TITLE, LANGUAGES, Column, Sheet, model
from partnergraph.curation.workbook_write import (
    ColumnOut,
    SheetOut,
    write_csv_folder,
    write_xlsx,
)
from partnergraph.errors import WriteUnavailable
from partnergraph.namespaces import Namespaces
from partnergraph.settings import Settings

#: The kinds of :mod:`.sheets` as the workbook writer knows them.
_KINDS: Final = {
    "decimal": "decimal",
    "date": "date",
    "choice": "choice",
    "reference": "reference",
    "url": "url",
}
EXPLANATION_HEADINGS: Final = {
    "sheet": {"en": "sheet", "sv": "blad", "fi": "välilehti"},
    "column": {"en": "column", "sv": "kolumn", "fi": "sarake"},
    "required": {"en": "required", "sv": "krävs", "fi": "pakollinen"},
    "values": {"en": "allowed values", "sv": "tillåtna värden", "fi": "sallitut arvot"},
    "description": {"en": "what it holds", "sv": "vad den innehåller", "fi": "mitä siihen tulee"},
    "yes": {"en": "yes", "sv": "ja", "fi": "kyllä"},
    "no": {"en": "no", "sv": "nej", "fi": "ei"},
    "multiple": {
        "en": "several values, one per line",
        "sv": "flera värden, ett per rad",
        "fi": "useita arvoja, yksi riviä kohden",
    },
    "example": {
        "en": "example from the data: overwrite or delete it",
        "sv": "exempel ur data: skriv över eller ta bort",
        "fi": "esimerkki aineistosta: kirjoita päälle tai poista",
    },
}
NOTES: Final = {
    "en": "Each row says what one source states about one resource. A filled cell replaces "
    "what that source's graph says for its column; an empty cell leaves the data as it "
    "is; a cell with a single “-” removes what is there. Columns marked * are required "
    "for a new resource. Import with `partnergraph import FILE --dry-run` to see the "
    "change first.",
    "sv": "Varje rad säger vad en källa anger om en resurs. En ifylld cell ersätter det "
    "källans graf säger för kolumnen; en tom cell lämnar data som den är; en cell med "
    "bara ”-” tar bort det som finns. Kolumner märkta * krävs för en ny resurs. "
    "Importera med `partnergraph import FIL --dry-run` för att först se ändringen.",
    "fi": "Jokainen rivi kertoo, mitä yksi lähde sanoo yhdestä resurssista. Täytetty solu "
    "korvaa sen, mitä lähteen graafi sanoo sarakkeelle; tyhjä solu jättää aineiston "
    "ennalleen; solu, jossa on vain ”-”, poistaa olemassa olevan. *-merkityt sarakkeet "
    "ovat pakollisia uudelle resurssille. Tuo komennolla `partnergraph import TIEDOSTO "
    "--dry-run` nähdäksesi muutoksen ensin.",
}


@dataclass(frozen=True)
class Served:
    """The served data opened for a template or an export."""

    store: ox.Store
    index: Index
    sheets: tuple[Sheet, ...]
    ns: Namespaces
    version: str


@contextmanager
def served(settings: Settings) -> Iterator[Served]:
    """The current snapshot, opened read-only, with its index and the sheets.

    Raises:
        WriteUnavailable: nothing is served yet.
    """
    snapshot = snapshots.current(settings)
    if snapshot is None:
        raise WriteUnavailable("nothing is served yet: build the graph first")
    ns = Namespaces(settings.base_iri)
    store = ox.Store.read_only(str(snapshot.store))
    try:
        yield Served(
            store,
            Index(store, ns),
            model(settings.shapes_dir, settings.base_iri),
            ns,
            snapshot.version,
        )
    finally:
        del store


def layout(data: Served, language: str, *, with_rows: bool) -> list[SheetOut]:
    """The sheets as the workbook writer takes them: with the data's rows (an
    export) or with one example row each (a template)."""
    found = exporting.sheets_rows(data.store, data.sheets, data.index, data.ns, language)
    out = []
    for sheet in data.sheets:
        rows = found[sheet.key]
        out.append(
            SheetOut(
                name=sheet.key,
                titles=sheet.spec.titles,
                columns=tuple(_column(c, data.index, language) for c in sheet.columns),
                rows=tuple(rows) if with_rows else (),
                example=None if with_rows else _example(rows),
            )
        )
    return out


def _column(column: Column, index: Index, language: str) -> ColumnOut:
    choices: tuple[str, ...] = ()
    if column.scheme:
        concepts = [k for k in index.known.values() if f"scheme:{column.scheme}" in k.classes]
        choices = tuple(sorted(k.label(language) for k in concepts))
    return ColumnOut(
        name=column.key,
        titles=column.titles,
        kind=_KINDS.get(column.kind, "text"),
        required=column.required,
        choices=choices,
        multiple=column.multiple,
        description=column.descriptions,
        separator=cells.separator(column),
    )


def _example(rows: Sequence[tuple[object, ...]]) -> tuple[object, ...] | None:
    """The fullest of the first rows: a real row of the data shows what a row says."""
    if not rows:
        return None
    return max(rows[:40], key=lambda r: sum(v is not None for v in r))


def write(
    settings: Settings,
    target: Path | BinaryIO,
    language: str,
    *,
    with_rows: bool,
    format: str = "xlsx",
) -> str:
    """Write the template (``with_rows=False``) or the export as xlsx to ``target``
    (a path or a binary stream), or as CSV files and ``csv-metadata.json`` into the
    folder ``target``; return the version of the data it was made from.

    Raises:
        ValueError: an unknown language or format.
        WriteUnavailable: nothing is served yet.
    """
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, not {language!r}")
    with served(settings) as data:
        sheets = layout(data, language, with_rows=with_rows)
        if format == "csv":
            if not isinstance(target, Path):
                raise ValueError("CSV files are written into a folder: give a path")
            write_csv_folder(target, sheets, language)
        elif format == "xlsx":
            write_xlsx(
                target,
                sheets,
                language,
                explanation_title=EXPLANATION_TITLE,
                explanation_headings=EXPLANATION_HEADINGS,
                notes=NOTES,
            )
        else:
            raise ValueError(f"format must be xlsx or csv, not {format!r}")
        return data.version


def write_template(settings: Settings, target: Path | BinaryIO, language: str) -> str:
    """The xlsx template (see :func:`write`)."""
    return write(settings, target, language, with_rows=False)


def export_xlsx(settings: Settings, target: Path | BinaryIO, language: str) -> str:
    """The xlsx export of the served data (see :func:`write`)."""
    return write(settings, target, language, with_rows=True)
