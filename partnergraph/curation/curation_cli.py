"""The ``partnergraph template``, ``import`` and ``export`` commands."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import Any

from partnergraph.build import release_snapshot
from partnergraph.curation import importing, template
from partnergraph.curation.messages import say
from partnergraph.curation.sheets import LANGUAGES
from partnergraph.curation.workbook import SpreadsheetError
from partnergraph.errors import PartnergraphError, WriteRefused
from partnergraph.settings import Settings
from partnergraph.validation.validate import Report
from partnergraph.writes.tokens import Writer

EXIT_OK, EXIT_INVALID, EXIT_ERROR = 0, 1, 2


def add_parsers(sub: Any) -> None:
    """Add the three commands to the ``partnergraph`` parser's subcommands."""
    made = sub.add_parser(
        "template",
        help="write the curators' spreadsheet template, made from the shapes",
        description="Write an xlsx workbook (or, with --format csv, a folder of CSV files "
        "and a CSVW metadata document) with a sheet for municipalities, partnerships, "
        "memberships, contact points and sources: headings in the chosen language, "
        "required columns marked, drop-down lists from the concept schemes, a real "
        "example row, and a sheet that explains every column in en, sv and fi.",
    )
    _output_options(made, "partnergraph-template")
    exported = sub.add_parser(
        "export",
        help="write the served data as the template's workbook",
        description="Write the served data in the template's sheets, one row per resource "
        "and source: import it again unchanged and nothing changes; correct it and import "
        "it to write the corrections.",
    )
    _output_options(exported, "partnergraph-export")
    imported = sub.add_parser(
        "import",
        help="import a filled-in template as one write (matched, validated, logged)",
        description="Read an xlsx file, a CSV file, a CSVW metadata document or a folder "
        "of CSV files with headings in en, sv or fi; match names to the data; show the "
        "change in words and as RDF Patch; and, without --dry-run, write it through the "
        "same validation, change log and commit as every write. Exit 0 written (or "
        "nothing to change), 1 problems found (listed by sheet, row and column; nothing "
        "written), 2 the file cannot be read.",
    )
    imported.add_argument("file", type=Path, help="the workbook")
    imported.add_argument(
        "--dry-run", action="store_true", help="show what would change; write nothing"
    )
    imported.add_argument(
        "--as", dest="writer", default="", help="the name the log records (default: cli:USER)"
    )


def _output_options(parser: argparse.ArgumentParser, stem: str) -> None:
    parser.add_argument(
        "--out", dest="target", type=Path, help=f"where to write (default: {stem}.xlsx or {stem}/)"
    )
    parser.add_argument("--format", choices=("xlsx", "csv"), default="xlsx")
    parser.add_argument(
        "--lang", choices=LANGUAGES, default="en", help="the language of the headings"
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Run ``template``, ``export`` or ``import``."""
    if args.command == "import":
        return _import(settings, args.file, dry_run=args.dry_run, name=args.writer)
    stem = f"partnergraph-{args.command}"
    target = args.target or Path(stem if args.format == "csv" else f"{stem}.xlsx")
    try:
        version = template.write(
            settings, target, args.lang, with_rows=args.command == "export", format=args.format
        )
    except PartnergraphError as exc:
        print(f"partnergraph {args.command}: {exc}", file=sys.stderr)
        return EXIT_ERROR
    print(f"wrote {target} (data version {version[:12]})", file=sys.stderr)
    return EXIT_OK


def _import(settings: Settings, file: Path, *, dry_run: bool, name: str) -> int:
    try:
        plan = importing.plan(settings, file, file.name, check=dry_run)
    except SpreadsheetError as exc:
        print(f"partnergraph import: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except PartnergraphError as exc:
        print(f"partnergraph import: {exc}", file=sys.stderr)
        return EXIT_ERROR
    if plan.problems:
        for problem in plan.problems:
            print(f"{problem.where()}: {problem.message}")
        print(
            f"partnergraph import: {len(plan.problems)} problems in {file.name}; "
            "nothing was written",
            file=sys.stderr,
        )
        return EXIT_INVALID
    for line in plan.words:
        print(line)
    if not plan.change:
        return EXIT_OK
    if dry_run:
        print()
        sys.stdout.write(plan.patch)
        print(
            f"partnergraph import: dry run, {len(plan.change)} quads; nothing was written",
            file=sys.stderr,
        )
        return EXIT_OK
    writer = Writer(name or f"cli:{getpass.getuser()}", ())
    try:
        written = importing.apply(settings, plan, writer)
    except WriteRefused as exc:
        located = plan.locate(exc.report) if isinstance(exc.report, Report) else []
        for problem in located:
            print(f"{problem.where()}: {problem.message}")
        print(f"partnergraph import: {exc}; nothing was written", file=sys.stderr)
        return EXIT_INVALID
    except PartnergraphError as exc:
        print(f"partnergraph import: {exc}", file=sys.stderr)
        return EXIT_INVALID
    release_snapshot(settings, written.snapshot)
    if written.entry is None:
        print(say("nothing", plan.language), file=sys.stderr)
    else:
        print(
            f"change {written.entry.number} written ({len(plan.change)} quads); serving "
            f"{written.snapshot.version[:12]}",
            file=sys.stderr,
        )
    return EXIT_OK
