"""The shared result cache (partnergraph.cache), on a real diskcache folder."""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from multiprocessing.synchronize import Event
from pathlib import Path

import diskcache  # type: ignore[import-untyped]
import pytest

from partnergraph import formats
from partnergraph.cache import CachedAnswer, ResultCache
from partnergraph.request_keys import request_key
from partnergraph.store.base import QueryForm, QueryRequest, QueryResult

VERSION = "a" * 64
QUERY = 'SELECT ?s WHERE { ?s <http://example.org/name> "Lund # Sweden" } LIMIT 5'
REQUEST = QueryRequest(QUERY, QueryForm.SELECT)
SPAWN = multiprocessing.get_context("spawn")


def answer(
    body: bytes = b'{"head":{}}', rows: int | None = None, truncated: bool = False
) -> CachedAnswer:
    return CachedAnswer(body, "json", rows, truncated)


def key(version: str = VERSION, request: QueryRequest = REQUEST, variant: str = "json") -> str:
    return request_key(version, request, variant)


@pytest.fixture
def cache(tmp_path: Path) -> Iterator[ResultCache]:
    with ResultCache(tmp_path / "cache", size_mb=8) as result_cache:
        yield result_cache


def test_a_stored_answer_is_a_hit_and_another_key_a_miss(cache: ResultCache) -> None:
    stored = answer(rows=3, truncated=True)
    assert cache.get(key()) is None
    assert cache.put(key(), stored)
    assert cache.get(key()) == stored
    assert cache.get(key(variant="xml")) is None
    stats = cache.stats()
    assert (stats.hits, stats.misses, stats.stored) == (1, 2, 1)
    assert stats.volume > 0


def test_an_answer_comes_back_as_the_result_it_was(cache: ResultCache) -> None:
    fmt = formats.by_key("ttl")
    assert fmt is not None
    result = QueryResult(b"<x:a> <x:b> <x:c> .\n", fmt, rows=1, truncated=False)
    cache.put(key(variant="ttl"), CachedAnswer.of(result))
    got = cache.get(key(variant="ttl"))
    assert got is not None
    assert got.result() == result


@pytest.mark.parametrize(
    "sizes",
    [[10_000] * 300, [100_000] * 30, [1_000] * 1_500 + [120_000] * 10],
    ids=["in-the-database", "in-files", "large-after-small"],
)
def test_the_size_bound_holds_and_the_oldest_go_first(tmp_path: Path, sizes: list[int]) -> None:
    limit = 1024 * 1024
    keys = [key(request=replace(REQUEST, row_cap=cap)) for cap in range(len(sizes))]
    with ResultCache(tmp_path, size_mb=1) as cache:
        for one, size in zip(keys, sizes, strict=True):
            assert cache.put(one, answer(os.urandom(size)))
            assert cache.volume() <= limit + limit // 8
        held = [one for one in keys if cache.get(one) is not None]
    assert held == keys[-len(held) :]
    assert 5 <= len(held) < len(keys)


def test_an_answer_larger_than_an_eighth_of_the_bound_is_not_stored(tmp_path: Path) -> None:
    with ResultCache(tmp_path, size_mb=1) as cache:
        assert not cache.put(key(), answer(bytes(1024 * 1024 // 8 + 1)))
        assert cache.get(key()) is None
        assert cache.put(key(), answer(bytes(100_000)))
        assert cache.stats().refused == 1


def test_an_entry_of_the_old_layout_is_a_miss(cache: ResultCache) -> None:
    header = b'{"f":"json","r":null,"t":false,"p":null}'
    old = b"pgc1" + len(header).to_bytes(4, "big") + header + b'{"head":{}}'
    with diskcache.Cache(str(cache.directory)) as raw:
        raw.set(key(), old)
    assert cache.get(key()) is None
    assert cache.stats().errors == 1


def _put_one(directory: str, cache_key: str) -> None:
    with ResultCache(Path(directory), size_mb=8) as cache:
        if not cache.put(cache_key, answer(b"from the child", rows=7)):
            raise SystemExit(1)


def test_two_processes_share_the_cache(tmp_path: Path) -> None:
    child = SPAWN.Process(target=_put_one, args=(str(tmp_path), key()))
    child.start()
    child.join(60)
    assert child.exitcode == 0
    with ResultCache(tmp_path, size_mb=8) as cache:
        assert cache.get(key()) == answer(b"from the child", rows=7)


def _body(index: int) -> bytes:
    return bytes([index]) * (500 if index % 2 else 50_000)  # in the database and in files


def _write_forever(directory: str, keys: list[str], started: Event) -> None:
    cache = ResultCache(Path(directory), size_mb=64)
    index = 0
    while True:
        cache.put(keys[index % len(keys)], answer(_body(index % len(keys))))
        started.set()
        index += 1


@pytest.mark.slow
def test_a_process_killed_while_writing_leaves_a_working_cache(tmp_path: Path) -> None:
    keys = [key(request=replace(REQUEST, row_cap=cap)) for cap in range(40)]
    started = SPAWN.Event()
    child = SPAWN.Process(target=_write_forever, args=(str(tmp_path), keys, started))
    child.start()
    try:
        assert started.wait(60)
        time.sleep(0.3)
    finally:
        os.kill(child.pid or 0, signal.SIGKILL)
        child.join(10)
    assert child.exitcode == -signal.SIGKILL
    with ResultCache(tmp_path, size_mb=64) as cache:
        assert cache.enabled
        found = 0
        for index, one in enumerate(keys):
            got = cache.get(one)
            if got is not None:
                assert got.body == _body(index)
                found += 1
        assert found
        fresh = key(variant="after")
        assert cache.put(fresh, answer(b"after the crash"))
        assert cache.get(fresh) == answer(b"after the crash")
        assert cache.stats().errors == 0
    with sqlite3.connect(tmp_path / "cache.db") as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    connection.close()


def test_a_disabled_cache_stores_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    with ResultCache(folder, size_mb=0) as cache:
        assert not cache.enabled
        assert not cache.put(key(), answer())
        assert cache.get(key()) is None
        assert cache.stats().volume == 0
    assert not folder.exists()


def _assert_degrades(cache: ResultCache, caplog: pytest.LogCaptureFixture) -> None:
    assert not cache.enabled
    assert not cache.put(key(), answer())
    assert cache.get(key()) is None
    assert any(
        record.levelno == logging.WARNING and "result cache" in record.getMessage()
        for record in caplog.records
    )


def test_a_file_where_the_folder_should_be_degrades_to_misses(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    in_the_way = tmp_path / "cache"
    in_the_way.write_text("not a folder")
    with caplog.at_level(logging.WARNING, logger="partnergraph.cache"):
        _assert_degrades(ResultCache(in_the_way, size_mb=8), caplog)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only folder")
def test_a_read_only_folder_degrades_to_misses(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    tmp_path.chmod(0o500)
    try:
        with caplog.at_level(logging.WARNING, logger="partnergraph.cache"):
            _assert_degrades(ResultCache(tmp_path / "cache", size_mb=8), caplog)
    finally:
        tmp_path.chmod(0o700)


def test_a_corrupt_database_degrades_to_misses(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "cache.db").write_bytes(b"this is not a SQLite database" * 100)
    with caplog.at_level(logging.WARNING, logger="partnergraph.cache"):
        _assert_degrades(ResultCache(tmp_path, size_mb=8), caplog)


@pytest.mark.parametrize(
    "call",
    [
        lambda cache: cache.get("not-a-key"),
        lambda cache: cache.put("not-a-key", answer()),
        lambda cache: cache.put(key(), b"bytes"),
        lambda cache: CachedAnswer("text", "json"),  # type: ignore[arg-type]
        lambda cache: CachedAnswer(b"", "json", rows=-1),
        lambda cache: ResultCache(Path("unused"), size_mb="8"),  # type: ignore[arg-type]
    ],
)
def test_a_wrong_argument_is_an_error(
    cache: ResultCache, call: Callable[[ResultCache], object]
) -> None:
    with pytest.raises((TypeError, ValueError)):
        call(cache)
