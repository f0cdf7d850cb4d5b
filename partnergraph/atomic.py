"""Writing a file whole or not at all: a reader sees the old content or the new, never half."""

from __future__ import annotations

import os
from pathlib import Path


def write_atomically(content: bytes, target: Path) -> Path:
    """Write ``content`` to ``target`` through a temporary file beside it and a rename.

    The temporary name holds the process id, so two processes writing the same
    target never write into one temporary file; the last rename wins.

    Returns:
        ``target``.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    temporary.write_bytes(content)
    os.replace(temporary, target)
    return target


def sync_folder(path: Path) -> None:
    """fsync a folder, so that a file created, renamed or removed in it survives a crash."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
