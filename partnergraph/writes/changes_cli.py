"""The ``partnergraph log`` and ``partnergraph undo`` commands."""

from __future__ import annotations

import getpass
import sys

from partnergraph.build import release_snapshot
from partnergraph.errors import PartnergraphError, WriteRefused
from partnergraph.namespaces import Namespaces
from partnergraph.settings import Settings
from partnergraph.validation.report import render
from partnergraph.validation.validate import Report
from partnergraph.writes import commit, log
from partnergraph.writes.change import parse_patch
from partnergraph.writes.operations import ApplyChange
from partnergraph.writes.tokens import Writer

EXIT_OK, EXIT_INVALID, EXIT_ERROR = 0, 1, 2


def show_log(settings: Settings, verify: bool) -> int:
    """Print the log, oldest first; with ``verify``, check its chain instead."""
    if verify:
        checked = log.verify(settings.changes_dir)
        for problem in checked.problems:
            print(f"{log.log_file(settings.changes_dir)}: {problem}", file=sys.stderr)
        state = "broken" if checked.problems else "intact"
        print(f"{checked.entries} entries, hash chain {state}", file=sys.stderr)
        return EXIT_INVALID if checked.problems else EXIT_OK
    for entry in log.entries(settings.changes_dir):
        when = entry.when.strftime("%Y-%m-%dT%H:%M:%SZ")
        what = entry.request.get("operation", "")
        print(
            f"{entry.number:>5}  {entry.id[:12]}  {when}  {entry.who}  {what}  "
            f"{entry.before[:12]} -> {entry.after[:12]}"
        )
    return EXIT_OK


def undo(settings: Settings, change: str, name: str) -> int:
    """Write the inverse of a logged change through the gate."""
    entry = log.find(settings.changes_dir, change)
    if entry is None:
        print(
            f"partnergraph undo: no change {change!r} in the log (or more than one)",
            file=sys.stderr,
        )
        return EXIT_ERROR
    writer = Writer(name or f"cli:{getpass.getuser()}", ())
    operation = ApplyChange(
        parse_patch(entry.patch).inverse(), {"undoes": entry.id, "change": entry.number}
    )
    try:
        written = commit.write(settings, operation, writer, undoes=entry.id)
    except WriteRefused as exc:
        if isinstance(exc.report, Report):
            sys.stdout.write(render(exc.report, "text", Namespaces(settings.base_iri)))
        print(f"partnergraph undo: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except PartnergraphError as exc:
        print(f"partnergraph undo: {exc}", file=sys.stderr)
        return EXIT_ERROR
    release_snapshot(settings, written.snapshot)
    if written.entry is None:
        print("nothing to undo: the data already is as before that change", file=sys.stderr)
    else:
        print(
            f"change {written.entry.number} undoes change {entry.number}; "
            f"serving {written.snapshot.version[:12]}",
            file=sys.stderr,
        )
    return EXIT_OK
