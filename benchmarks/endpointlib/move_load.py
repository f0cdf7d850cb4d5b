"""What the clients of a deployment see while it moves to a new version: client threads
sending ``ASK`` through HAProxy, a watcher per reader's ``/-/health``, and HAProxy's own
view of its servers (its stats socket).

Each answer's version is read from its ``ETag`` (the first 32 hex digits of the dataset
version, then the format). Times are ``time.monotonic()`` seconds.
"""

from __future__ import annotations

import contextlib
import math
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

ASK = {"query": "ASK { ?s ?p ?o }"}
JSON_RESULTS = {"Accept": "application/sparql-results+json"}


@dataclass(frozen=True)
class Answer:
    """One client request: when it started and ended, and the version it was answered
    from (empty when it failed, with ``error``)."""

    started: float
    ended: float
    version: str = ""
    error: str = ""


@dataclass
class Load:
    """``threads`` client threads, each on its own connection through HAProxy, sending
    ``ASK { ?s ?p ?o }`` one after the other with ``pause`` seconds between."""

    base: str
    threads: int = 4
    pause: float = 0.02
    timeout: float = 60.0
    seen: list[list[Answer]] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _running: list[threading.Thread] = field(default_factory=list)

    def __enter__(self) -> Load:
        for _ in range(self.threads):
            mine: list[Answer] = []
            self.seen.append(mine)
            thread = threading.Thread(target=self._send, args=(mine,), daemon=True)
            thread.start()
            self._running.append(thread)
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        for thread in self._running:
            thread.join(timeout=self.timeout + 5)

    def _send(self, mine: list[Answer]) -> None:
        with httpx.Client(base_url=self.base, timeout=self.timeout) as client:
            while not self._stop.is_set():
                started = time.monotonic()
                try:
                    answer = client.get("/sparql", params=ASK, headers=JSON_RESULTS)
                except httpx.HTTPError as exc:
                    mine.append(Answer(started, time.monotonic(), error=f"{type(exc).__name__}"))
                    continue
                ended = time.monotonic()
                if answer.status_code != 200:
                    mine.append(Answer(started, ended, error=f"{answer.status_code}"))
                else:
                    version = answer.headers.get("ETag", "").strip('W/"').split("-")[0]
                    mine.append(Answer(started, ended, version))
                self._stop.wait(self.pause)


def watch_health(port: int, version: str, since: float, deadline: float) -> dict[str, Any]:
    """Ask ``127.0.0.1:port/-/health`` again and again until it reports ``version``.

    Returns:
        ``seconds`` from ``since`` to the first answer naming it (None: not by
        ``deadline``), ``checks`` made, and ``longest_check`` (seconds one check took).
    """
    out: dict[str, Any] = {"seconds": None, "checks": 0, "longest_check": 0.0, "errors": 0}
    with httpx.Client(timeout=60) as client:
        while time.monotonic() < deadline:
            asked = time.monotonic()
            try:
                found = client.get(f"http://127.0.0.1:{port}/-/health").json()
            except (httpx.HTTPError, ValueError):
                found = {}
                out["errors"] += 1
            took = time.monotonic() - asked
            out["checks"] += 1
            out["longest_check"] = max(out["longest_check"], took)
            if found.get("snapshot", {}).get("version") == version:
                out["seconds"] = time.monotonic() - since
                return out
            time.sleep(0.05)
    return out


@dataclass
class StatusWatch:
    """HAProxy's status of each server (``UP``, ``DOWN``, ...) read from its stats socket
    every ``every`` seconds; every change is kept with its time."""

    socket_path: str
    every: float = 0.2
    changes: list[tuple[float, str, str]] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __enter__(self) -> StatusWatch:
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _watch(self) -> None:
        last: dict[str, str] = {}
        while not self._stop.is_set():
            with contextlib.suppress(OSError):
                for name, status in server_status(self.socket_path).items():
                    if last.get(name) != status:
                        self.changes.append((time.monotonic(), name, status))
                        last[name] = status
            self._stop.wait(self.every)


def server_status(path: str) -> dict[str, str]:
    """Each server's status, as HAProxy's ``show stat`` says."""
    with socket.socket(socket.AF_UNIX) as stats:
        stats.settimeout(2)
        stats.connect(path)
        stats.sendall(b"show stat\n")
        text = b"".join(iter(lambda: stats.recv(65536), b"")).decode()
    header, *rows = [line for line in text.splitlines() if line]
    names = header.lstrip("# ").split(",")
    found = {}
    for row in rows:
        values = dict(zip(names, row.split(","), strict=False))
        if values.get("svname") not in ("FRONTEND", "BACKEND", None):
            found[f"{values['pxname']}/{values['svname']}"] = values["status"]
    return found


def latency(answers: list[Answer]) -> dict[str, Any]:
    """Requests, failures, and p50/p99/max seconds of the answered ones."""
    times = sorted(a.ended - a.started for a in answers if not a.error)
    failed = [a.error for a in answers if a.error]
    return {
        "requests": len(answers),
        "failed": len(failed),
        "errors": sorted(set(failed)),
        "p50": _rank(times, 0.50),
        "p99": _rank(times, 0.99),
        "max": times[-1] if times else math.nan,
    }


def _rank(ordered: list[float], share: float) -> float:
    """The nearest-rank percentile of ``ordered``."""
    if not ordered:
        return math.nan
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]
