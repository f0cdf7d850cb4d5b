"""What changed between releases: sorted merges, their application, counts per class."""

from __future__ import annotations

from pathlib import Path

import pytest

from partnergraph.dumps.changes import Diff, apply, diff, per_class
from partnergraph.errors import DataFileError

TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"


def nt(*lines: str) -> list[bytes]:
    return sorted(line.encode() + b"\n" for line in lines)


OLD = nt(
    f"<x:a> {TYPE} <x:City> .",
    '<x:a> <x:name> "A" .',
    f"<x:b> {TYPE} <x:City> .",
    '<x:b> <x:name> "B" .',
    f"<x:p> {TYPE} <x:Partnership> .",
    "<x:p> <x:party> <x:a> .",
    "<x:u> <x:note> <x:a> .",
)
NEW = nt(
    f"<x:a> {TYPE} <x:City> .",
    '<x:a> <x:name> "A, renamed" .',
    f"<x:c> {TYPE} <x:City> .",
    '<x:c> <x:name> "C" .',
    f"<x:p> {TYPE} <x:Partnership> .",
    "<x:p> <x:party> <x:a> .",
    "<x:p> <x:party> <x:c> .",
    "<x:u> <x:note> <x:a> .",
    f"<x:u> {TYPE} <x:Note> .",
)


def test_diff_finds_the_added_and_removed_lines() -> None:
    changes = diff(iter(OLD), NEW, Path("old.nt"))
    assert changes.added == nt(
        '<x:a> <x:name> "A, renamed" .',
        f"<x:c> {TYPE} <x:City> .",
        '<x:c> <x:name> "C" .',
        "<x:p> <x:party> <x:c> .",
        f"<x:u> {TYPE} <x:Note> .",
    )
    assert changes.removed == nt(
        '<x:a> <x:name> "A" .', f"<x:b> {TYPE} <x:City> .", '<x:b> <x:name> "B" .'
    )


def test_applying_the_changes_to_the_old_lines_gives_the_new_ones() -> None:
    assert apply(OLD, diff(iter(OLD), NEW, Path("old.nt"))) == NEW
    assert apply(NEW, diff(iter(NEW), OLD, Path("new.nt"))) == OLD
    assert diff(iter(NEW), NEW, Path("same.nt")) == Diff()


@pytest.mark.parametrize("old", [[], OLD])
def test_diff_against_nothing_and_to_nothing(old: list[bytes]) -> None:
    assert diff(iter(old), [], Path("x")).removed == old
    assert diff(iter([]), old, Path("x")).added == old


def test_counts_per_class() -> None:
    counts = per_class(NEW, diff(iter(OLD), NEW, Path("old.nt")))
    assert {k: (v.added, v.removed, v.changed) for k, v in counts.items()} == {
        "x:City": (1, 1, 1),  # c added, b removed, a renamed
        "x:Partnership": (0, 0, 1),  # p got a party
        "x:Note": (0, 0, 1),  # u was untyped, now typed: changed, counted under its class
    }


def test_untyped_subjects_are_counted_apart() -> None:
    old = nt("<x:u> <x:note> <x:a> .")
    new = nt("<x:u> <x:note> <x:b> .", "<x:v> <x:note> <x:a> .")
    counts = per_class(new, diff(iter(old), new, Path("old.nt")))
    assert {k: (v.added, v.removed, v.changed) for k, v in counts.items()} == {"": (1, 0, 1)}


def test_an_unsorted_previous_file_is_refused() -> None:
    with pytest.raises(DataFileError, match="not sorted"):
        diff(iter(list(reversed(OLD))), NEW, Path("old.nt"))
