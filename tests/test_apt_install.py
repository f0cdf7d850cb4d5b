"""The install step waits for the package manager instead of failing at once.

`make` installs missing Debian packages through ``scripts/apt-install``. Here another
process holds apt's real locks (the lists lock that ``apt-get update`` takes, and
dpkg's frontend lock that ``apt-get install`` takes: fcntl locks, as apt takes them)
for a few seconds; the script must wait for them and then succeed. The package asked
for is one that is installed already, so nothing on the machine changes.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from .paths import ROOT

SCRIPT = ROOT / "scripts" / "apt-install"
LOCKS = (Path("/var/lib/apt/lists/lock"), Path("/var/lib/dpkg/lock-frontend"))
HELD = 4.0

needs_root = pytest.mark.skipif(
    os.geteuid() != 0 or not all(lock.parent.is_dir() for lock in LOCKS),
    reason="apt's locks can be held only by root on a Debian machine (CI runs as root)",
)


@contextmanager
def held(lock: Path, seconds: float) -> Iterator[threading.Event]:
    """Hold ``lock`` (an fcntl write lock, as apt takes it) for ``seconds`` in a thread."""
    taken = threading.Event()

    def hold() -> None:
        with lock.open("a") as handle:
            fcntl.lockf(handle, fcntl.LOCK_EX)
            taken.set()
            time.sleep(seconds)
            fcntl.lockf(handle, fcntl.LOCK_UN)

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        yield taken
    finally:
        thread.join()


def install_installed(wait: int) -> subprocess.CompletedProcess[str]:
    """Run the script on a package that is installed already, waiting at most ``wait`` s."""
    return subprocess.run(
        [str(SCRIPT), "coreutils"],
        capture_output=True,
        text=True,
        env={**os.environ, "APT_LOCK_WAIT": str(wait)},
        timeout=wait + 240,
        check=False,
    )


@needs_root
@pytest.mark.parametrize("lock", LOCKS, ids=["update", "install"])
def test_issue10_point4_the_install_step_waits_for_the_apt_lock(lock: Path) -> None:
    with held(lock, HELD) as taken:
        assert taken.wait(5)
        started = time.monotonic()
        done = install_installed(wait=60)
        waited = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    assert waited >= HELD - 1, f"it did not wait for the lock ({waited:.1f} s)"


@needs_root
def test_issue10_point4_a_lock_held_too_long_fails_with_a_message() -> None:
    with held(LOCKS[0], HELD) as taken:
        assert taken.wait(5)
        done = install_installed(wait=1)
    assert done.returncode != 0
    assert "stayed locked for 1 s during apt-get update" in done.stderr
