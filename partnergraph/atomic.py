"""Writing a file whole or not at all: a reader sees the old content or the new, never half."""

from __future__ import annotations

import os
import secrets
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


def write_private(content: bytes, target: Path) -> Path:
    """Write ``content`` to ``target`` whole or not at all, readable by its owner only, durably.

    For files that hold secrets (the tokens file). :func:`write_atomically`
    writes its temporary file with the umask's mode (usually 0644) and does not
    sync; this one gives mode 0600 from the first byte and survives a crash: a
    new temporary file opened with mode 0600 (``O_EXCL``, never one that someone
    else made), the content written and synced, renamed over ``target``, the
    folder synced. The temporary file is removed when any step fails.

    Args:
        content: the file's bytes.
        target: the file.

    Returns:
        ``target``.

    Raises:
        OSError: the folder cannot be written, or ``target`` cannot be replaced
            (a folder, say); ``target`` is then unchanged.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    sync_folder(target.parent)
    return target


def sync_folder(path: Path) -> None:
    """fsync a folder, so that a file created, renamed or removed in it survives a crash."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
