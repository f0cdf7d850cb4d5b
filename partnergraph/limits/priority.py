"""The CPU priority of a query worker process, as the kernel's scheduler sees it.

A long query's worker is moved to the lowest priority (nice 19), so that the
workers that answer small queries, at nice 0, get nearly all the CPU against it:
the kernel's fair scheduler weighs a nice-0 task 1024 against 15 for a nice-19
one, so a small query beside eight long ones on two cores keeps about 94 % of a
core.

On Linux the nice value belongs to each *thread*, not to the process
(``setpriority(PRIO_PROCESS, pid)`` changes only the thread whose id is ``pid``:
a worker's main thread, which only waits, while its queries run on another
thread). So every thread of the process is changed, from ``/proc/<pid>/task``;
threads a query starts later inherit the value of the thread that starts them.
Elsewhere the process's value is changed.

An unprivileged process may lower a priority but not raise it again (unless
``RLIMIT_NICE`` allows, or the process has ``CAP_SYS_NICE``, as root has):
:func:`restore` says whether it could, and the pool retires a worker it cannot
restore.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

#: The nice value of a long query's worker: the lowest priority.
LOW = 19
#: The nice value of a worker that answers small queries.
NORMAL = 0


def threads(pid: int) -> list[int]:
    """The ids of the threads of process ``pid`` (just ``pid`` where ``/proc`` is missing)."""
    folder = Path(f"/proc/{pid}/task")
    try:
        return [int(entry.name) for entry in folder.iterdir()]
    except (FileNotFoundError, NotADirectoryError, PermissionError):
        return [pid]


def niceness(pid: int) -> list[int]:
    """The nice value of each thread of process ``pid``."""
    values = []
    for tid in threads(pid):
        with contextlib.suppress(ProcessLookupError):
            values.append(os.getpriority(os.PRIO_PROCESS, tid))
    return values


def _set(pid: int, value: int) -> None:
    for tid in threads(pid):
        with contextlib.suppress(ProcessLookupError):  # a thread that ended meanwhile
            os.setpriority(os.PRIO_PROCESS, tid, value)


def lower(pid: int) -> None:
    """Move every thread of process ``pid`` to the lowest CPU priority (always allowed)."""
    _set(pid, LOW)


def restore(pid: int) -> bool:
    """Move every thread of process ``pid`` back to the normal CPU priority.

    Returns:
        True when it could; False when the operating system does not let this
        process raise a priority (an unprivileged user): the worker stays low.
    """
    try:
        _set(pid, NORMAL)
    except PermissionError:
        return False
    return all(value == NORMAL for value in niceness(pid))
