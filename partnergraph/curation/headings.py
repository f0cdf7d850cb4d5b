"""Which sheet each table of a workbook is, which column each heading names, and the
language the headings are written in (the curator's language).

A table is known by its name in any of the three languages (or its key), else by
the sheet whose headings it shares most; a heading by a column's title in any
language (the required mark stripped), or by its CSVW column name.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from partnergraph.curation.matching import fold
from partnergraph.curation.sheets import EXPLANATION_TITLE, LANGUAGES, Column, Sheet
from partnergraph.curation.workbook import Table, Workbook, heading_text


def match_tables(
    workbook: Workbook, sheets: Sequence[Sheet], file: str
) -> tuple[str, list[tuple[Sheet, Table, dict[int, Column]]], list[tuple[str, str, list[str]]]]:
    """Each table's sheet and each heading's column, and the headings' language.

    Returns:
        The language, the matched tables, and what did not match: (``"sheet"``,
        table name, the sheet titles) or (``"column"``, table name, [heading,
        the sheet's headings…]).
    """
    votes: dict[str, int] = defaultdict(int)
    matched = []
    unmatched: list[tuple[str, str, list[str]]] = []
    explanation = {fold(t) for t in EXPLANATION_TITLE.values()}
    for table in workbook.tables:
        if fold(table.name) in explanation:
            continue
        sheet = _sheet_of(table, sheets)
        if sheet is None:
            unmatched.append(("sheet", table.name, [s.spec.titles["en"] for s in sheets]))
            continue
        columns: dict[int, Column] = {}
        for i, heading in enumerate(table.headings):
            name = table.columns[i] if i < len(table.columns) else None
            column, languages = _column_of(heading, name, sheet)
            for lang in languages:
                votes[lang] += 1
            if column is not None:
                columns[i] = column
            elif heading:
                unmatched.append(("column", table.name, [heading]))
        matched.append((sheet, table, columns))
    language = max(LANGUAGES, key=lambda lang: (votes[lang], lang == "en"))
    return language, matched, unmatched


def _sheet_of(table: Table, sheets: Sequence[Sheet]) -> Sheet | None:
    name = fold(table.name)
    for sheet in sheets:
        if name in {fold(t) for t in sheet.spec.titles.values()} | {fold(sheet.key)}:
            return sheet
    best, score = None, 0
    for sheet in sheets:
        titles = {fold(t) for c in sheet.columns for t in c.titles.values()} | {
            fold(c.key) for c in sheet.columns
        }
        hits = sum(1 for h in table.headings if fold(heading_text(h)) in titles)
        if hits > score:
            best, score = sheet, hits
    return best if score >= 2 else None


def _column_of(heading: str, name: str | None, sheet: Sheet) -> tuple[Column | None, list[str]]:
    """The column a heading (or a CSVW column name) names, and the languages whose
    titles the heading matches (the votes for the curator's language)."""
    folded = fold(heading_text(heading))
    found: Column | None = None
    languages: list[str] = []
    for column in sheet.columns:
        matches = [lang for lang, title in column.titles.items() if fold(title) == folded]
        if matches and found is None:
            found = column
            # a heading the same in every language says nothing about the language
            languages = matches if len(set(column.titles.values())) > 1 else []
        if name and name == column.key:
            return column, languages
    if found is None:
        found = next((c for c in sheet.columns if fold(c.key) == folded), None)
    return found, languages
