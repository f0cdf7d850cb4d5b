"""A query worker's result message: framed as multiprocessing frames it, read in one buffer."""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable

import pytest

from partnergraph.limits.worker import RESULT, RESULT_TAG, read_message, send_result

SIZES = [0, 26, 100_000, 5_000_000]


def _in_thread(action: Callable[[], None]) -> threading.Thread:
    """Run ``action`` beside the reader: a long message fills the socket's buffer."""
    thread = threading.Thread(target=action)
    thread.start()
    return thread


@pytest.mark.parametrize("size", SIZES)
def test_a_result_reads_back_whole(size: int) -> None:
    parent, child = multiprocessing.Pipe()
    body = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
    writer = _in_thread(lambda: send_result(child, 7, True, body))
    data = read_message(parent)
    writer.join()
    assert RESULT.unpack_from(data) == (RESULT_TAG, 7, 1)
    assert data[RESULT.size :] == body


@pytest.mark.parametrize("size", SIZES)
def test_its_frame_is_multiprocessings(size: int) -> None:
    parent, child = multiprocessing.Pipe()
    body = b"y" * size
    writer = _in_thread(lambda: send_result(child, -1, False, body))
    assert parent.recv_bytes() == RESULT.pack(RESULT_TAG, -1, False) + body
    writer.join()
    writer = _in_thread(lambda: child.send_bytes(body))
    assert read_message(parent) == body
    writer.join()
    child.send(("count", 3))  # a pickled message between results
    assert parent.recv() == ("count", 3)


def test_a_closed_connection_ends_the_read() -> None:
    parent, child = multiprocessing.Pipe()
    child.close()
    with pytest.raises(EOFError):
        read_message(parent)
