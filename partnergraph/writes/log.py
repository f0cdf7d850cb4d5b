"""The change log: every accepted write, chained by hash, appended before it is acknowledged.

``{changes_dir}/log.jsonl`` holds one JSON object a line:

- ``number`` (1, 2, …), ``prev`` (the previous entry's ``id``, or null) and ``id``:
  the SHA-256 of the entry's other fields (canonical JSON: sorted keys, no spaces),
  so that changing, removing or reordering an entry breaks the chain
  (:func:`verify`);
- ``who`` (the token's name), ``when`` (UTC), ``request`` (what was asked),
  ``before`` and ``after`` (the dataset versions), ``undoes`` (the id of the entry an
  undo reverts, or null) and ``patch``: the added and removed quads as RDF Patch.

An entry is written with one ``write`` on a file opened for appending, then
``fsync``: the append is the moment a write is committed. A line cut short by a
crash is no entry (its write was not acknowledged); :func:`repair` cuts it off.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from partnergraph.atomic import sync_folder

LOG_FILE = "log.jsonl"


@dataclass(frozen=True)
class Entry:
    """One accepted write.

    Attributes:
        number: its place in the log, from 1.
        id: the SHA-256 (hex) of its fields and the previous entry's id.
        prev: the previous entry's id, or None for the first.
        who: the name of the token that wrote it.
        when: when it was committed (UTC).
        request: what was asked (operation, update text or graph).
        before: the dataset version it applied to.
        after: the dataset version it made.
        patch: the change, as RDF Patch.
        undoes: the id of the entry this one reverts, or None.
    """

    number: int
    id: str
    prev: str | None
    who: str
    when: datetime
    request: dict[str, Any]
    before: str
    after: str
    patch: str
    undoes: str | None = None

    def fields(self) -> dict[str, Any]:
        """The entry as the log stores it."""
        return {**_hashed(self), "id": self.id}


def _hashed(entry: Entry) -> dict[str, Any]:
    return {
        "number": entry.number,
        "prev": entry.prev,
        "who": entry.who,
        "when": entry.when.isoformat(),
        "request": entry.request,
        "before": entry.before,
        "after": entry.after,
        "patch": entry.patch,
        "undoes": entry.undoes,
    }


def _digest(fields: dict[str, Any]) -> str:
    text = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def log_file(changes_dir: Path) -> Path:
    """The log file of a changes folder."""
    return changes_dir / LOG_FILE


def make_entry(
    previous: Entry | None,
    who: str,
    *,
    request: dict[str, Any],
    before: str,
    after: str,
    patch: str,
    undoes: str | None = None,
) -> Entry:
    """The next entry after ``previous``, its id computed."""
    draft = Entry(
        number=previous.number + 1 if previous else 1,
        id="",
        prev=previous.id if previous else None,
        who=who,
        when=datetime.now(UTC),
        request=request,
        before=before,
        after=after,
        patch=patch,
        undoes=undoes,
    )
    return Entry(**{**draft.__dict__, "id": _digest(_hashed(draft))})


def append(changes_dir: Path, entry: Entry) -> None:
    """Append ``entry`` and make it durable (one write, then fsync of file and folder).

    Raises:
        OSError: it could not be written (disk full, read-only): nothing was appended
            whole, and :func:`repair` cuts off any part that was.
    """
    changes_dir.mkdir(parents=True, exist_ok=True)
    line = json.dumps(entry.fields(), ensure_ascii=False, separators=(",", ":")) + "\n"
    path = log_file(changes_dir)
    created = not path.exists()
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        data = line.encode("utf-8")
        written = os.write(descriptor, data)
        if written != len(data):
            raise OSError(f"only {written} of {len(data)} bytes of the log entry were written")
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    if created:
        sync_folder(changes_dir)


def repair(changes_dir: Path) -> bool:
    """Cut off a last line that a crash left unfinished. True when one was cut."""
    path = log_file(changes_dir)
    try:
        with path.open("rb+") as stream:
            data = stream.read()
            if not data or data.endswith(b"\n"):
                return False
            stream.truncate(data.rfind(b"\n") + 1)
            stream.flush()
            os.fsync(stream.fileno())
            return True
    except FileNotFoundError:
        return False


def entries(changes_dir: Path) -> Iterator[Entry]:
    """Every whole entry of the log, oldest first."""
    path = log_file(changes_dir)
    try:
        stream = path.open("rb")
    except FileNotFoundError:
        return
    with stream:
        for raw in stream:
            if raw.endswith(b"\n"):
                yield _entry(json.loads(raw))


def last(changes_dir: Path) -> Entry | None:
    """The newest whole entry, or None: read from the end of the log (a write reads
    its last line, not the whole history)."""
    try:
        stream = log_file(changes_dir).open("rb")
    except FileNotFoundError:
        return None
    with stream:
        position = stream.seek(0, os.SEEK_END)
        tail = b""
        while position > 0 and tail.count(b"\n") < 2:
            step = min(_TAIL, position)
            position -= step
            stream.seek(position)
            tail = stream.read(step) + tail
    whole = tail[: tail.rfind(b"\n") + 1]
    if not whole:
        return None
    start = whole.rfind(b"\n", 0, len(whole) - 1) + 1
    return _entry(json.loads(whole[start:]))


_TAIL = 64 * 1024


def find(changes_dir: Path, prefix: str) -> Entry | None:
    """The entry whose id starts with ``prefix`` (8 characters or more) or whose
    number is ``prefix``; None when there is none or more than one."""
    matches = [
        e
        for e in entries(changes_dir)
        if (len(prefix) >= 8 and e.id.startswith(prefix)) or str(e.number) == prefix
    ]
    return matches[0] if len(matches) == 1 else None


def _entry(fields: dict[str, Any]) -> Entry:
    return Entry(
        number=int(fields["number"]),
        id=str(fields["id"]),
        prev=fields.get("prev"),
        who=str(fields["who"]),
        when=datetime.fromisoformat(fields["when"]),
        request=dict(fields.get("request") or {}),
        before=str(fields["before"]),
        after=str(fields["after"]),
        patch=str(fields["patch"]),
        undoes=fields.get("undoes"),
    )


@dataclass(frozen=True)
class Verified:
    """What :func:`verify` found.

    Attributes:
        entries: how many entries were checked.
        problems: what is wrong, each naming the entry's line; empty when the chain holds.
    """

    entries: int
    problems: list[str]


def verify(changes_dir: Path) -> Verified:
    """Check every entry's id and its link to the previous one."""
    problems: list[str] = []
    previous: str | None = None
    count = 0
    path = log_file(changes_dir)
    try:
        lines = path.read_bytes().splitlines(keepends=True)
    except FileNotFoundError:
        return Verified(0, [])
    for number, raw in enumerate(lines, 1):
        if not raw.endswith(b"\n"):
            problems.append(f"line {number}: an unfinished entry (a crash while writing it)")
            break
        try:
            fields = json.loads(raw)
            stored = fields.pop("id")
        except (ValueError, KeyError):
            problems.append(f"line {number}: not a log entry")
            previous = None
            continue
        count += 1
        if fields.get("number") != number:
            problems.append(f"line {number}: numbered {fields.get('number')}")
        if fields.get("prev") != previous:
            problems.append(f"line {number}: does not follow the entry before it")
        if _digest(fields) != stored:
            problems.append(f"line {number}: its content does not match its id {stored[:12]}")
        previous = stored
    return Verified(count, problems)
