"""An import: a workbook read, matched and turned into one change, previewed, and
written through the same gate, log and commit as every other write.

:func:`plan` reads the workbook, finds each row's resource and graph, compares what
the rows say with the served data, and runs the gate on the result without
committing (``commit.write(..., dry_run=True)``): the preview shows the change in
words and as RDF Patch, and every problem by sheet, row and column. :func:`apply`
writes a plan without problems as one change (``ApplyChange``, which refuses with
409 when the data moved since the plan). Importing the same workbook again makes
an empty change.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

import pyoxigraph as ox

from partnergraph import snapshots
from partnergraph.curation import messages
from partnergraph.curation import sheets as sheet_model
from partnergraph.curation.headings import match_tables
from partnergraph.curation.matching import Index
from partnergraph.curation.messages import say
from partnergraph.curation.problems import Problem
from partnergraph.curation.rows import Place, Reader, Statements
from partnergraph.curation.sheets import Sheet
from partnergraph.curation.words import describe
from partnergraph.curation.workbook import Workbook, read
from partnergraph.errors import (
    BadRequest,
    Forbidden,
    PayloadTooLarge,
    WriteRefused,
    WriteUnavailable,
)
from partnergraph.namespaces import ORG, Namespaces
from partnergraph.settings import Settings
from partnergraph.validation.findings import Finding
from partnergraph.validation.validate import Report
from partnergraph.writes import commit
from partnergraph.writes.change import Change, patch_text
from partnergraph.writes.commit import Written
from partnergraph.writes.operations import ApplyChange
from partnergraph.writes.tokens import Writer

__all__ = ["Plan", "Problem", "apply", "plan"]

#: Who a preview is checked as: every graph (the writer's scope is checked on apply).
PREVIEW = Writer("preview", ())


@dataclass(frozen=True)
class Plan:
    """What an import would do, made against one version of the data; nothing written.

    Attributes:
        file: the workbook's name.
        language: the language of its headings (en, sv or fi): the report's language.
        version: the snapshot version the plan was made against.
        change: the quads it adds and removes in the curated graphs.
        words: the change in words, one line per resource, in ``language``.
        patch: the change as RDF Patch.
        problems: what is wrong, by sheet, row and column; an import with problems
            writes nothing.
        rows: how many rows the workbook has.
        locate: the findings of a validation report by sheet, row and column.
    """

    file: str
    language: str
    version: str
    change: Change
    words: tuple[str, ...]
    patch: str
    problems: tuple[Problem, ...]
    rows: int = 0
    locate: Callable[[Report], list[Problem]] = field(
        default=lambda _report: [], repr=False, compare=False
    )

    @property
    def ok(self) -> bool:
        """Whether the import may be written (no problems)."""
        return not self.problems

    @property
    def digest(self) -> str:
        """The SHA-256 of the patch: a confirmation must find the same change."""
        return hashlib.sha256(self.patch.encode()).hexdigest()


def plan(
    settings: Settings,
    data: Path | bytes,
    file: str,
    *,
    check: bool = True,
    writer: Writer = PREVIEW,
) -> Plan:
    """Read, match and compare a workbook with the served data, and run the gate on
    the result without writing anything.

    Args:
        settings: the settings.
        data: the workbook: a path (xlsx, CSV, CSVW metadata, a folder of CSV) or the
            bytes of an uploaded xlsx or CSV file.
        file: its name as the curator knows it (reports name it).
        check: run the gate on the result (a preview); False when the plan is
            written at once (:func:`apply` runs the gate then).
        writer: who would write it: a graph outside its scope is a problem of the
            preview (default: no limit; :func:`apply` checks its own writer).

    Raises:
        SpreadsheetError: the file cannot be read as a spreadsheet (with where).
        WriteUnavailable: nothing is served yet.
    """
    workbook = read(
        data, file, max_rows=settings.max_import_rows, max_bytes=settings.max_upload_bytes
    )
    return plan_workbook(settings, workbook, check=check, writer=writer)


def plan_workbook(
    settings: Settings, workbook: Workbook, *, check: bool = True, writer: Writer = PREVIEW
) -> Plan:
    """:func:`plan` for a workbook already read."""
    file = workbook.file
    ns = Namespaces(settings.base_iri)
    sheets = sheet_model.model(settings.shapes_dir, settings.base_iri)
    language, tables, unmatched = match_tables(workbook, sheets, file)
    base = snapshots.current(settings)
    if base is None:
        raise WriteUnavailable("nothing is served yet: build the graph first")
    store = ox.Store.read_only(str(base.store))
    try:
        index = Index(store, ns)
        reader = Reader(sheets, index, _pairs(store, ns), ns, language, file)
        _unmatched(reader, unmatched, sheets)
        statements = reader.read(tables)
        rows = sum(len(t.rows) for _, t, _ in tables)
        if not rows and not statements.problems:
            reader.problem(None, None, "no_rows")
        change = compare(store, statements)
    finally:
        del store
    problems = list(statements.problems)

    def locate(report: Report) -> list[Problem]:
        return _located(report, statements, index, language, file)

    if check and not problems and change:
        problems += _gate(settings, change, locate, file, writer)
    words = describe(
        change,
        index=index,
        columns=statements.columns,
        new=statements.new,
        ns=ns,
        language=language,
    )
    return Plan(
        file=file,
        language=language,
        version=base.version,
        change=change,
        words=words or (say("nothing", language),),
        patch=patch_text(change) if change else "",
        problems=tuple(problems),
        rows=rows,
        locate=locate,
    )


def apply(settings: Settings, plan: Plan, writer: Writer) -> Written:
    """Write a plan without problems as one change.

    Raises:
        ValueError: the plan has problems.
        Conflict: the data changed since the plan was made (nothing written).
        Forbidden: the writer may not write one of the graphs.
        WriteRefused: the shapes refuse the result (with the report).
    """
    if not plan.ok:
        raise ValueError("a plan with problems is not written")
    operation = ApplyChange(plan.change, {"import": plan.file, "rows": plan.rows})
    return commit.write(settings, operation, writer)


def compare(store: ox.Store, statements: Statements) -> Change:
    """The change that makes the data say what the rows say."""
    added: set[ox.Quad] = set()
    removed: set[ox.Quad] = set()
    for slot, values in statements.slots.items():
        subject, predicate = ox.NamedNode(slot.subject), ox.NamedNode(slot.path)
        graph = ox.NamedNode(slot.graph)
        if slot.inverse:
            there = set(store.quads_for_pattern(None, predicate, subject, graph))
            wanted = {
                ox.Quad(v, predicate, subject, graph) for v in values if isinstance(v, ox.NamedNode)
            }
        else:
            there = set(store.quads_for_pattern(subject, predicate, None, graph))
            wanted = {ox.Quad(subject, predicate, v, graph) for v in values}
        if slot.language is not None:
            there = {q for q in there if _language(q.object) == slot.language}
        added |= wanted - there
        removed |= there - wanted
    added |= {q for q in statements.ensure if q not in store}
    return Change(frozenset(added), frozenset(removed))


def _language(term: object) -> str | None:
    return term.language if isinstance(term, ox.Literal) else None


def _select(store: ox.Store, query: str) -> ox.QuerySolutions:
    return cast(ox.QuerySolutions, store.query(query))


def _pairs(store: ox.Store, ns: Namespaces) -> dict[tuple[str, ...], set[str]]:
    """Existing partnerships by their two parties (sorted) and memberships by member
    and organisation: how a row without an id finds the one it describes."""
    pairs: dict[tuple[str, ...], set[str]] = defaultdict(set)
    parties: dict[str, list[str]] = defaultdict(list)
    for s, o in _select(store, f"SELECT ?s ?o WHERE {{ ?s <{ns.pg}party> ?o }}"):
        parties[s.value].append(o.value)
    for partnership, found in parties.items():
        if len(found) == 2:
            pairs[("partnerships", *sorted(found))].add(partnership)
    query = f"SELECT ?s ?m ?o WHERE {{ ?s <{ORG}member> ?m ; <{ORG}organization> ?o }}"
    for s, m, o in _select(store, query):
        pairs[("memberships", m.value, o.value)].add(s.value)
    return pairs


def _unmatched(
    reader: Reader, unmatched: Iterable[tuple[str, str, list[str]]], sheets: Sequence[Sheet]
) -> None:
    for what, table, names in unmatched:
        place = Place(table, 1, {})
        if what == "sheet":
            titles = ", ".join(s.spec.titles.get(reader.language, s.key) for s in sheets)
            reader.problem(Place(table, None, {}), None, "unknown_sheet", value=table, names=titles)
        else:
            sheet = next((s for s in sheets if s.key == table), None)
            shown = ", ".join(
                c.titles.get(reader.language, c.key) for c in (sheet.columns if sheet else ())
            )
            reader.problem(place, None, "unknown_column", value=names[0], names=shown or "…")


def _gate(
    settings: Settings,
    change: Change,
    locate: Callable[[Report], list[Problem]],
    file: str,
    writer: Writer,
) -> list[Problem]:
    """Run the gate on the change without committing; its findings by cell, or why
    no write may make it (a graph outside the writer's scope, too large a change)."""
    try:
        commit.write(settings, ApplyChange(change), writer, dry_run=True)
    except WriteRefused as exc:
        if isinstance(exc.report, Report):
            return locate(exc.report)
        return [Problem(str(exc), file)]
    except (BadRequest, Forbidden, PayloadTooLarge) as exc:
        return [Problem(str(exc), file)]
    return []


def _located(
    report: Report, statements: Statements, index: Index, language: str, file: str
) -> list[Problem]:
    return [
        _finding_problem(f.finding, statements, index, language, file)
        for f in report.findings
        if f.finding.severity == "Violation"
    ]


def _finding_problem(
    finding: Finding, statements: Statements, index: Index, language: str, file: str
) -> Problem:
    """A gate finding where the curator finds it: the row that describes its focus
    node (or names it), the column of its path, in the curator's language."""
    focus = finding.focus.strip("<>")
    path = (finding.path or "").lstrip("^").strip("<>")
    value = _shown(finding.value, index, language)
    text = messages.finding(finding.component, language, value, finding.message)
    places = [p for (iri, _g), p in statements.rows.items() if iri == focus]
    places = places or statements.mentions.get(focus, [])
    if not places:
        return Problem(f"{index.describe(focus, language)}: {text}", file)
    place = places[0]
    column = next(
        (
            place.headings[c.key]
            for (p, _lang), c in statements.columns.items()
            if p == path and c.key in place.headings
        ),
        None,
    )
    return Problem(text, file, place.sheet, place.row, column)


def _shown(value: str | None, index: Index, language: str) -> str:
    """A finding's value (N-Triples) as a curator wrote it: a label, or the text."""
    if not value:
        return ""
    if value.startswith("<"):
        return index.label(value[1:-1], language)
    if value.startswith('"'):
        quoted = value[: value.rindex('"') + 1]
        try:  # N-Triples escapes a string as JSON does (\\, \", \n, \uXXXX)
            return str(json.loads(quoted))
        except ValueError:
            return quoted[1:-1]
    return value
