"""A writer process for the crash tests: it writes through the product's write path,
says on stdout which writes were acknowledged, and can be killed at any moment.

Run it with the project's venv python, from the project's root::

    python -m tests.write_child FOLDER UPDATE_FILE... [--kill-at-step S] [--kill-at-call N]

runs each SPARQL Update file through :func:`partnergraph.writes.commit.write` against the
project copy in FOLDER (settings as :func:`tests.writing.settings_in` makes them) and
prints ``acknowledged <i> <log number> <version> <seconds>`` after write ``i`` returned,
before the next one starts. It SIGKILLs itself (no clean-up of any kind runs):

* ``--kill-at-step S``: at the commit step ``S`` (``validated``, ``sealed``,
  ``pending``, ``logged``, ``files``, ``switched``), or ``acknowledged`` (after the
  last write was acknowledged);
* ``--kill-at-call N``: just before the ``N``-th filesystem call the writes make in
  the project folder (an ``open`` for writing, ``rename``, ``remove``, ``mkdir``,
  ``link``, ``chmod``, ``truncate``, ``rmtree``, ``os.write``, ``os.fsync``; counted
  from the start of the first write); with ``--tear``, an ``os.write`` at that
  moment writes half its bytes first (an append cut short).

``--calls FILE`` writes the calls a run made, one a line (a clean run counts them).
``--recover`` runs the recovery a restart runs instead of writes (under the write
lock), with the same kill options: a crash while finishing a crashed write.

``python -m tests.write_child --server`` is a fork server for many short trials
(:class:`ForkServer` runs one and talks to it): it
reads one JSON object a line on stdin (the options above as keys, ``folder`` and
``updates`` as texts) and forks a writer for each, so the imports and the shapes'
compilation (seconds) are paid once; ``{"warm": FOLDER}`` compiles the shapes of
FOLDER's served snapshot first. After each trial it prints ``exit <code>`` or
``signal <number>``. ``kill_after`` (seconds from the start of the first write)
makes the server SIGKILL its writer from outside. The server forks only while it
has a single thread (it never opens an on-disk store, whose threads a fork would
not copy).

Only this test helper is patched (an audit hook, ``os.write`` and ``os.fsync``
wrapped in the writer process): the product has no hook for it.
"""

from __future__ import annotations

import argparse
import json
import os
import selectors
import signal
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from partnergraph import snapshots
from partnergraph.writes import commit, gate
from partnergraph.writes.operations import SparqlUpdate
from partnergraph.writes.tokens import Writer
from partnergraph.writes.update import UpdateRequest, prepare

from .paths import ROOT
from .writing import settings_in

#: Seconds a trial may take before the fork server is taken for hung.
TRIAL_LIMIT = 120
#: Who the child writes as (every graph).
WRITER = Writer("crash-test", ())
#: Audit events that change the filesystem.
_CHANGING = frozenset(
    {
        "os.rename",
        "os.remove",
        "os.rmdir",
        "os.mkdir",
        "os.link",
        "os.symlink",
        "os.truncate",
        "os.chmod",
        "shutil.rmtree",
        "shutil.copyfile",
    }
)
_WRITING = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


@dataclass
class Trial:
    """What one writer process does and when it dies.

    Attributes:
        folder: the project copy.
        updates: the SPARQL Update texts, written one after the other.
        recover: run the restart's recovery instead of the updates.
        kill_at_step: a commit step's name, or ``acknowledged``.
        kill_at_call: die before this filesystem call (1 = the first).
        tear: an ``os.write`` at the fatal call writes half its bytes first.
        kill_after: seconds from the first write's start to a SIGKILL from outside.
        calls_file: where to write the calls seen.
    """

    folder: Path
    updates: list[str] = field(default_factory=list)
    recover: bool = False
    kill_at_step: str | None = None
    kill_at_call: int | None = None
    tear: bool = False
    kill_after: float | None = None
    calls_file: Path | None = None

    @classmethod
    def from_json(cls, fields: dict[str, Any]) -> Trial:
        """A trial from a fork server's request line."""
        calls = fields.get("calls_file")
        return cls(
            Path(fields["folder"]),
            list(fields.get("updates", [])),
            bool(fields.get("recover", False)),
            fields.get("kill_at_step"),
            fields.get("kill_at_call"),
            bool(fields.get("tear", False)),
            fields.get("kill_after"),
            Path(calls) if calls else None,
        )


def _say(line: str) -> None:
    """One whole line on stdout (one write: a kill never leaves half of it)."""
    os.write(1, f"{line}\n".encode())


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


class Killer:
    """Counts the filesystem calls made in a folder and dies at the chosen one.

    Args:
        trial: the trial (its kill options).
    """

    def __init__(self, trial: Trial) -> None:
        self.trial = trial
        self.root = str(trial.folder.resolve()) + os.sep
        self.armed = False
        self.calls: list[str] = []
        self._busy = False

    def install(self) -> None:
        """Hook this process's filesystem calls (for good: the process is a writer only)."""
        sys.addaudithook(self._audit)
        write, fsync = os.write, os.fsync

        def counted_write(fd: int, data: Any) -> int:
            if self._count("os.write", self._path_of(fd)) and self.trial.tear:
                write(fd, bytes(data)[: len(data) // 2])
                _die()
            self._maybe_die()
            return write(fd, data)

        def counted_fsync(fd: Any) -> None:
            self._count("os.fsync", self._path_of(fd))
            self._maybe_die()
            fsync(fd)

        os.write = counted_write
        os.fsync = counted_fsync

    def step(self, name: str) -> None:
        """The commit's step callback."""
        if name == self.trial.kill_at_step:
            _die()

    def _audit(self, event: str, args: tuple[Any, ...]) -> None:
        if self._busy or not self.armed:
            return
        path: str | None = None
        if event == "open":
            flags = args[2]
            if isinstance(flags, int) and flags & _WRITING and isinstance(args[0], str | Path):
                path = str(args[0])
        elif event in _CHANGING and args:
            first = args[0]
            path = self._path_of(first) if isinstance(first, int) else str(first)
            if event == "os.rename":
                path = f"{path} -> {self._shown(str(args[1]))}"
        if path is not None:
            self._count(event, path)
            self._maybe_die()

    def _count(self, event: str, path: str | None) -> bool:
        """Record a call in the folder; True when it is the fatal one."""
        if not self.armed or path is None or not path.startswith(self.root):
            return False
        self.calls.append(f"{event} {self._shown(path)}")
        return len(self.calls) == self.trial.kill_at_call

    def _maybe_die(self) -> None:
        if self.armed and len(self.calls) == self.trial.kill_at_call:
            _die()

    def _path_of(self, fd: Any) -> str | None:
        if not isinstance(fd, int):
            fd = fd.fileno()
        self._busy = True  # readlink is no call to count
        try:
            return os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            return None
        finally:
            self._busy = False

    def _shown(self, path: str) -> str:
        return path[len(self.root) :] if path.startswith(self.root) else path


def run(trial: Trial, started: Callable[[], None] = lambda: None) -> None:
    """Do the trial in this process: the writes (or the recovery), killed as asked."""
    settings = settings_in(trial.folder)
    killer = Killer(trial)
    killer.install()
    if trial.recover:
        started()
        killer.armed = True
        with commit.write_lock(settings):
            commit.recover(settings)
        killer.armed = False
        _say("recovered")
    for number, text in enumerate(trial.updates, 1):
        operation = SparqlUpdate(prepare(UpdateRequest(text), settings.base_iri))
        if number == 1:
            started()
        begun = time.perf_counter()
        killer.armed = True
        written = commit.write(settings, operation, WRITER, step=killer.step)
        killer.armed = False
        entry = written.entry.number if written.entry else 0
        took = time.perf_counter() - begun
        _say(f"acknowledged {number} {entry} {written.snapshot.version} {took:.4f}")
    if trial.calls_file is not None:
        trial.calls_file.write_text("".join(f"{c}\n" for c in killer.calls), encoding="utf-8")
    if trial.kill_at_step == "acknowledged":
        _die()


def warm(folder: Path) -> None:
    """Compile the shapes of ``folder``'s served snapshot into this process's cache
    (the gate keys it by the shapes file's path and mtime), without opening a store."""
    settings = settings_in(folder)
    served = snapshots.current(settings)
    if served is None:
        raise SystemExit(f"{folder}: nothing is served")
    gate.prepare_gate(settings, served)


def _single_threaded() -> None:
    threads = os.listdir("/proc/self/task")
    if len(threads) != 1:
        raise SystemExit(f"the fork server has {len(threads)} threads: forking is not safe")


def fork_trial(trial: Trial) -> str:
    """Run ``trial`` in a forked writer; how it ended (``exit N`` or ``signal N``)."""
    _single_threaded()
    ready, ready_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the writer
        os.close(ready)

        def started() -> None:
            os.write(ready_w, b"s")

        code = 1
        try:
            run(trial, started)
            code = 0
        except BaseException:
            traceback.print_exc()
        finally:
            os._exit(code)
    os.close(ready_w)
    if trial.kill_after is not None and os.read(ready, 1):
        time.sleep(trial.kill_after)
        os.kill(pid, signal.SIGKILL)  # a writer that exited is a zombie until waited for
    _, status = os.waitpid(pid, 0)
    os.close(ready)
    if os.WIFSIGNALED(status):
        return f"signal {os.WTERMSIG(status)}"
    return f"exit {os.WEXITSTATUS(status)}"


def serve() -> None:
    """The fork server: one trial a line of stdin, ``exit``/``signal`` a line of stdout."""
    for line in sys.stdin:
        request = json.loads(line)
        if "warm" in request:
            warm(Path(request["warm"]))
            _say("warmed")
        else:
            _say(fork_trial(Trial.from_json(request)))


class ForkServer:
    """The writer processes' fork server (``python -m tests.write_child --server``).

    Args:
        errors: the file its standard error goes to.
    """

    def __init__(self, errors: Path) -> None:
        self.errors = errors
        with errors.open("wb") as stream:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tests.write_child", "--server"],
                cwd=ROOT,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=stream,
            )
        self._pending = b""

    def ask(self, request: dict[str, Any]) -> list[str]:
        """Send one request; its output lines, the last one ``exit``, ``signal`` or ``warmed``."""
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.process.stdin.write(json.dumps(request).encode() + b"\n")
        self.process.stdin.flush()
        lines: list[str] = []
        with selectors.DefaultSelector() as selector:
            selector.register(self.process.stdout, selectors.EVENT_READ)
            deadline = time.monotonic() + TRIAL_LIMIT
            while True:
                while b"\n" in self._pending:
                    raw, self._pending = self._pending.split(b"\n", 1)
                    lines.append(raw.decode())
                    if lines[-1].startswith(("exit ", "signal ", "warmed")):
                        return lines
                if not selector.select(timeout=max(0.0, deadline - time.monotonic())):
                    raise AssertionError(f"no answer to {request} in {TRIAL_LIMIT} s: {lines}")
                chunk = os.read(self.process.stdout.fileno(), 65536)
                if not chunk:
                    tail = self.errors.read_text(errors="replace")[-3000:]
                    raise AssertionError(f"the fork server died: {lines}\n{tail}")
                self._pending += chunk

    def close(self) -> None:
        """End the server (its standard input closed) and wait for it."""
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.process.stdin.close()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process.stdout.close()


def main(argv: list[str] | None = None) -> None:
    """The command line (see the module's docstring)."""
    parser = argparse.ArgumentParser(prog="python -m tests.write_child")
    parser.add_argument("folder", nargs="?", type=Path)
    parser.add_argument("updates", nargs="*", type=Path)
    parser.add_argument("--server", action="store_true")
    parser.add_argument("--recover", action="store_true")
    parser.add_argument("--kill-at-step")
    parser.add_argument("--kill-at-call", type=int)
    parser.add_argument("--tear", action="store_true")
    parser.add_argument("--calls", type=Path)
    args = parser.parse_args(argv)
    if args.server:
        serve()
        return
    if args.folder is None:
        parser.error("a project folder is needed")
    texts = [path.read_text(encoding="utf-8") for path in args.updates]
    trial = Trial(
        args.folder,
        texts,
        args.recover,
        args.kill_at_step,
        args.kill_at_call,
        args.tear,
        None,
        args.calls,
    )
    run(trial)


if __name__ == "__main__":
    main()
