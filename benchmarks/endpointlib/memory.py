"""Memory of a server's process tree: RSS and PSS, per process role, and the baselines.

RSS counts every page a process maps, so pages that forked processes share (the
gunicorn master's build, the interpreter) count once per process; PSS (proportional
set size, ``Pss:`` of ``/proc/PID/smaps_rollup``) divides each shared page among
the processes that map it, so a tree's PSS sums to what it really holds. Neither
counts the page cache an on-disk store reads through.

https://www.kernel.org/doc/html/latest/filesystems/proc.html (smaps_rollup)
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import psutil

from .engines import Engine

#: The bare interpreter baselines: a Python process as each role starts it.
BASELINES = {
    "bare python": "import time",
    "python + pyoxigraph + flask": "import time, pyoxigraph, flask",
}


def process_memory(process: psutil.Process) -> tuple[int, int]:
    """``(rss, pss)`` of one process in bytes (PSS from ``smaps_rollup``, else psutil)."""
    try:
        text = Path(f"/proc/{process.pid}/smaps_rollup").read_text()
    except OSError:
        full = process.memory_full_info()
        return int(full.rss), int(getattr(full, "pss", 0))
    fields = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
    return _kib(fields["Rss"]), _kib(fields["Pss"])


def _kib(value: str) -> int:
    return int(value.split(maxsplit=1)[0]) * 1024


def role(process: psutil.Process, root: int, gunicorn: bool) -> str:
    """The role of a process in a server's tree.

    partnergraph (``gunicorn``): the ``gunicorn master`` (the ``partnergraph serve``
    process, which built the graph), its forked ``gunicorn worker`` processes, the
    ``query worker`` processes (``multiprocessing`` spawn children) and
    multiprocessing's ``resource tracker``; the other engines: ``server``.
    """
    if not gunicorn:
        return "server"
    command = " ".join(process.cmdline())
    if "spawn_main" in command:
        return "query worker"
    if "resource_tracker" in command:
        return "resource tracker"
    return "gunicorn master" if process.pid == root else "gunicorn worker"


def by_role(engine: Engine) -> dict[str, dict[str, float]]:
    """The engine's processes now: per role, how many and their RSS and PSS in MB."""
    root = engine.process.pid if engine.process is not None else -1
    pg = engine.name.startswith("pg-")
    return summed_by_role((role(process, root, pg), process) for process in engine.tree())


def summed_by_role(
    processes: Iterable[tuple[str, psutil.Process]],
) -> dict[str, dict[str, float]]:
    """Per role name: how many of ``processes`` and their RSS and PSS in MB (a process
    that ended meanwhile, or cannot be read, is left out)."""
    roles: dict[str, dict[str, float]] = {}
    for name, process in processes:
        with contextlib.suppress(psutil.Error):
            rss, pss = process_memory(process)
            entry = roles.setdefault(name, {"processes": 0, "rss_mb": 0.0, "pss_mb": 0.0})
            entry["processes"] += 1
            entry["rss_mb"] += rss / 2**20
            entry["pss_mb"] += pss / 2**20
    return roles


def totals(roles: dict[str, dict[str, float]]) -> dict[str, float]:
    """The whole tree: processes, RSS and PSS."""
    keys = ("processes", "rss_mb", "pss_mb")
    return {k: sum(r[k] for r in roles.values()) for k in keys}


class Watch:
    """Samples one engine's memory during a phase: the last sample and the maxima."""

    def __init__(self, engine: Engine, interval: float) -> None:
        self.engine = engine
        self.interval = interval
        self.last: dict[str, dict[str, float]] = {}
        self.max_rss_mb = 0.0
        self.max_pss_mb = 0.0
        self.samples = 0
        self.due = 0.0

    def sample(self) -> None:
        """Take a sample now."""
        self.last = by_role(self.engine)
        whole = totals(self.last)
        self.max_rss_mb = max(self.max_rss_mb, whole["rss_mb"])
        self.max_pss_mb = max(self.max_pss_mb, whole["pss_mb"])
        self.samples += 1
        self.due = time.monotonic() + self.interval

    def tick(self) -> None:
        """Take a sample if one is due."""
        if time.monotonic() >= self.due:
            self.sample()

    def result(self) -> dict[str, Any]:
        """The last sample (per role and in all) and the maxima over the samples."""
        return {
            "end": {**totals(self.last), "roles": self.last},
            "max_rss_mb": self.max_rss_mb,
            "max_pss_mb": self.max_pss_mb,
            "samples": self.samples,
        }


def baselines(settle: float = 1.0) -> dict[str, dict[str, float]]:
    """RSS and PSS (MB) of a Python process that only sleeps, bare or after the imports a
    gunicorn worker has, each alone (no server running: its shared pages are its own)."""
    out: dict[str, dict[str, float]] = {}
    for name, imports in BASELINES.items():
        out[name] = _idle_process(f"{imports}; print('ready', flush=True); time.sleep(60)", settle)
    return out


def _idle_process(code: str, settle: float) -> dict[str, float]:
    process = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, stdin=subprocess.DEVNULL
    )
    try:
        if process.stdout is None or process.stdout.readline().strip() != b"ready":
            raise RuntimeError(f"the baseline process failed: {code}")
        time.sleep(settle)
        rss, pss = process_memory(psutil.Process(process.pid))
        return {"rss_mb": rss / 2**20, "pss_mb": pss / 2**20}
    finally:
        process.kill()
        process.wait()
