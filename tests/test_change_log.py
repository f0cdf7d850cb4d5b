"""The change log: entries chained by hash, the newest read from the end, a torn line cut."""

from __future__ import annotations

from pathlib import Path

from partnergraph.writes import log


def _append(folder: Path, count: int, patch: str = "TX .\nTC .\n") -> list[log.Entry]:
    made: list[log.Entry] = []
    for number in range(count):
        entry = log.make_entry(
            made[-1] if made else None,
            "tester",
            request={"operation": "test", "number": number},
            before=f"{number:064x}",
            after=f"{number + 1:064x}",
            patch=patch,
        )
        log.append(folder, entry)
        made.append(entry)
    return made


def test_the_newest_entry_is_read_from_the_end_whatever_the_size(tmp_path: Path) -> None:
    assert log.last(tmp_path) is None
    big = "TX .\n" + 'A <http://x/s> <http://x/p> "' + "y" * 200_000 + '" <http://x/g> .\nTC .\n'
    made = _append(tmp_path, 3, big)
    assert log.last(tmp_path) == made[-1] == list(log.entries(tmp_path))[-1]
    assert log.verify(tmp_path).problems == []


def test_a_torn_last_line_is_no_entry_and_is_cut(tmp_path: Path) -> None:
    made = _append(tmp_path, 2)
    with log.log_file(tmp_path).open("ab") as stream:
        stream.write(b'{"number": 3, "id": "unfin')
    assert log.last(tmp_path) == made[-1]
    assert [e.number for e in log.entries(tmp_path)] == [1, 2]
    assert log.verify(tmp_path).problems  # the chain check names the torn line
    assert log.repair(tmp_path) is True
    assert log.verify(tmp_path).problems == []


def test_a_changed_entry_breaks_the_chain(tmp_path: Path) -> None:
    _append(tmp_path, 3)
    path = log.log_file(tmp_path)
    path.write_bytes(path.read_bytes().replace(b'"tester"', b'"someone"', 1))
    problems = log.verify(tmp_path).problems
    assert problems
    assert "line 1" in problems[0]
