"""Stopping the server processes the tests start."""

from __future__ import annotations

import subprocess


def stop(process: subprocess.Popen[bytes], grace: float = 20.0) -> None:
    """Stop a server process a test started (SIGTERM, then SIGKILL after ``grace``
    seconds), and wait for it."""
    process.terminate()
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
