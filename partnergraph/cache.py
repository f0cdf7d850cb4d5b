"""A result cache shared by every process on one machine, bounded in size, keyed by version.

An answer is kept under its request's key, from
:func:`partnergraph.request_keys.request_key`, which holds the dataset version.

Why nothing is ever purged: a version is the SHA-256 of a build's canonical
N-Quads and a built dataset never changes, so an answer stored under a version
stays right for ever. A new build has a new version, hence new keys; the answers
of the old one are no longer asked for and age out under the size bound.

The size bound: ``size_mb`` MiB of SQLite pages and value files, as diskcache
counts them. A store that takes the cache past it evicts the least recently
*stored* entries until it is back within it; an entry may be at most an eighth
of the bound (larger answers are not stored). SQLite's write-ahead log (up to
about 4 MB) comes on top.

Sharing: the cache is a folder (a SQLite database in WAL mode, and one file per
value of 32 KiB or more) that every process opening the same folder shares;
gunicorn's workers on one machine see each other's answers. A hit reads without
a transaction or a lock; a store is one short SQLite transaction.

A process that dies mid-write (SIGKILL, out-of-memory) leaves the cache
consistent: SQLite rolls its unfinished transaction back, so an entry is wholly
there or absent. At worst the value file of that entry stays behind,
unreferenced, until diskcache's ``check(fix=True)`` is run.

Any failure of the cache itself (a folder that cannot be created or written, a
corrupt database, a lock held too long) is logged as a warning and behaves as a
miss or as an answer not stored: the endpoint keeps answering without it.

Warning:
    Keep the folder writable only by the service's user: it decides what is
    served. This module stores bytes only (never a pickle), but diskcache
    unpickles any entry whose row says it is a pickle, so whoever can write the
    folder can also run code in the endpoint.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import struct
from dataclasses import dataclass
from os import PathLike
from pathlib import Path

import diskcache  # type: ignore[import-untyped]

from partnergraph import formats
from partnergraph.request_keys import is_request_key
from partnergraph.store.base import QueryResult

logger = logging.getLogger(__name__)

#: The stored layout's tag, so that an entry of another layout is never decoded
#: as this one. Bump it together with ``partnergraph.request_keys._SCHEMA``, which
#: moves every key, so that old entries are not even looked up.
_MAGIC = b"pgc2"
_HEADER_LENGTH = struct.Struct(">I")

#: Where diskcache draws the line between a value in the SQLite database and a
#: value in its own file (diskcache's default, made explicit): a 200 KB hit read
#: in 50-70 us from a file against 160-220 us from a database blob.
DISK_MIN_FILE_SIZE = 32 * 1024
#: How much of the database each process maps into memory (diskcache's default).
SQLITE_MMAP_SIZE = 64 * 1024 * 1024
#: Seconds a store waits for another process's write before giving up.
SQLITE_TIMEOUT = 1.0
#: The largest entry, as a fraction of the size bound.
MAX_ENTRY_FRACTION = 8
#: Least recently stored: a hit is then a plain read, where least recently used
#: would write (and lock) on every hit: a 1 KB hit took 16-19 us against 90-110 us.
EVICTION_POLICY = "least-recently-stored"
#: How many entries a store evicts while the cache is over its bound. diskcache's
#: 10 would empty a cache of a few large entries, the new one included; when one
#: eviction is not enough (a large entry after small ones) :meth:`ResultCache.put`
#: culls in batches until the cache is back within its bound.
CULL_LIMIT = 1

_CACHE_ERRORS = (OSError, sqlite3.Error, diskcache.Timeout)


@dataclass(frozen=True)
class CachedAnswer:
    """What the cache keeps for one request.

    Attributes:
        body: the serialised answer (empty for a typed call that has none).
        format_key: the key of its format in :mod:`partnergraph.formats`.
        rows: how many solutions or triples it holds (None for ASK).
        truncated: True when the row cap cut it.
    """

    body: bytes
    format_key: str
    rows: int | None = None
    truncated: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.body, bytes):
            raise TypeError(f"body must be bytes, not {type(self.body).__name__}")
        if not self.format_key or not isinstance(self.format_key, str):
            raise ValueError("format_key must be a non-empty string")
        if self.rows is not None and (not isinstance(self.rows, int) or self.rows < 0):
            raise ValueError(f"rows must be None or a count, not {self.rows!r}")

    @classmethod
    def of(cls, result: QueryResult) -> CachedAnswer:
        """The answer to keep for a store's ``result``.

        Args:
            result: a serialised query result.

        Returns:
            The answer.
        """
        return cls(result.body, result.format.key, result.rows, result.truncated)

    def result(self) -> QueryResult:
        """The answer as the store gave it.

        Returns:
            A query result in the format the answer was stored in.

        Raises:
            LookupError: the format key names no format of this version.
        """
        fmt = formats.by_key(self.format_key)
        if fmt is None:
            raise LookupError(f"no format with the key {self.format_key!r}")
        return QueryResult(self.body, fmt, self.rows, self.truncated)


@dataclass(frozen=True)
class CacheStats:
    """How a cache has done in this process, and how full it is.

    Attributes:
        hits: gets that found an answer (this process only).
        misses: gets that did not, failures included (this process only).
        stored: answers stored (this process only).
        refused: answers not stored because too large or the cache is disabled.
        errors: failures of the cache itself (this process only).
        volume: bytes the cache holds on disk now, as diskcache estimates it.
        size_limit: the size bound in bytes (0 when disabled).
    """

    hits: int
    misses: int
    stored: int
    refused: int
    errors: int
    volume: int
    size_limit: int


class ResultCache:
    """Answers kept on disk under their request's key, shared by the machine's processes.

    Safe to use from several threads (diskcache keeps a connection per thread)
    and across ``fork`` (it reopens in the child). The per-process counters are
    approximate under threads.
    """

    def __init__(self, directory: str | PathLike[str], size_mb: int) -> None:
        """Open (or create) the cache in ``directory``.

        A folder that cannot be used is logged as a warning and leaves a cache
        that stores nothing; the caller goes on without it.

        Args:
            directory: the cache's folder, created when missing.
            size_mb: its size bound in MiB; 0 or less disables the cache (the
                folder is not touched).

        Raises:
            TypeError: ``size_mb`` is not an int.
        """
        if not isinstance(size_mb, int) or isinstance(size_mb, bool):
            raise TypeError(f"size_mb must be an int, not {type(size_mb).__name__}")
        self.directory = Path(directory)
        self.size_limit = max(0, size_mb) * 1024 * 1024
        self.max_entry = self.size_limit // MAX_ENTRY_FRACTION
        self._hits = self._misses = self._stored = self._refused = self._errors = 0
        self._cache: diskcache.Cache | None = None
        if self.size_limit:
            try:
                self._cache = diskcache.Cache(
                    str(self.directory),
                    timeout=SQLITE_TIMEOUT,
                    size_limit=self.size_limit,
                    eviction_policy=EVICTION_POLICY,
                    cull_limit=CULL_LIMIT,
                    statistics=0,
                    disk_min_file_size=DISK_MIN_FILE_SIZE,
                    sqlite_mmap_size=SQLITE_MMAP_SIZE,
                )
            except _CACHE_ERRORS as error:
                self._failed("open", error)

    @property
    def enabled(self) -> bool:
        """Whether the cache can store answers (it is open and has a size)."""
        return self._cache is not None

    def get(self, key: str) -> CachedAnswer | None:
        """The answer kept under ``key``, or None.

        Args:
            key: a key from :func:`~partnergraph.request_keys.request_key`.

        Returns:
            The answer, or None on a miss or when the cache fails.

        Raises:
            ValueError: ``key`` is not a hex SHA-256.
        """
        _check_key(key)
        answer = None
        try:
            value = None if self._cache is None else self._cache.get(key)
            answer = None if value is None else _decode(value)
        except (*_CACHE_ERRORS, ValueError) as error:
            self._failed("read", error)
        if answer is None:
            self._misses += 1
        else:
            self._hits += 1
        return answer

    def put(self, key: str, answer: CachedAnswer) -> bool:
        """Keep ``answer`` under ``key``, evicting the oldest entries past the bound.

        Args:
            key: a key from :func:`~partnergraph.request_keys.request_key`.
            answer: the answer.

        Returns:
            True when it was stored; False when the cache is disabled, the answer
            is larger than an eighth of the size bound, or the cache fails.

        Raises:
            ValueError: ``key`` is not a hex SHA-256.
            TypeError: ``answer`` is not a :class:`CachedAnswer`.
        """
        _check_key(key)
        if not isinstance(answer, CachedAnswer):
            raise TypeError(f"answer must be a CachedAnswer, not {type(answer).__name__}")
        if self._cache is None:
            self._refused += 1
            return False
        value = _encode(answer)
        if len(value) > self.max_entry:
            self._refused += 1
            return False
        try:
            self._cache.set(key, value)
        except _CACHE_ERRORS as error:
            self._failed("write", error)
            return False
        self._stored += 1
        try:
            if self._cache.volume() > self.size_limit:
                self._cache.cull()
        except _CACHE_ERRORS as error:
            self._failed("evict", error)
        return True

    def volume(self) -> int:
        """Bytes the cache holds on disk, as diskcache estimates it (0 when disabled)."""
        if self._cache is None:
            return 0
        try:
            return int(self._cache.volume())
        except _CACHE_ERRORS as error:
            self._failed("measure", error)
            return 0

    def stats(self) -> CacheStats:
        """This process's counters and the cache's volume."""
        return CacheStats(
            self._hits,
            self._misses,
            self._stored,
            self._refused,
            self._errors,
            self.volume(),
            self.size_limit,
        )

    def close(self) -> None:
        """Close this process's connections (the cache reopens on next use)."""
        if self._cache is not None:
            try:
                self._cache.close()
            except _CACHE_ERRORS as error:
                self._failed("close", error)

    def __enter__(self) -> ResultCache:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _failed(self, action: str, error: Exception) -> None:
        """Count a failure and log the 1st, 2nd, 4th, 8th…: a broken disk cannot flood the log."""
        self._errors += 1
        if self._errors & (self._errors - 1) == 0:
            message = "result cache in %s: %s failed (%r); answering without it (failure %d)"
            logger.warning(message, self.directory, action, error, self._errors)


def _check_key(key: str) -> None:
    if not is_request_key(key):
        raise ValueError(f"a cache key is a lower-case hex SHA-256, not {key!r}")


def _encode(answer: CachedAnswer) -> bytes:
    """One blob: magic, header length, JSON header, body (never pickled)."""
    header = json.dumps(
        {"f": answer.format_key, "r": answer.rows, "t": answer.truncated},
        separators=(",", ":"),
    ).encode("utf-8")
    return b"".join((_MAGIC, _HEADER_LENGTH.pack(len(header)), header, answer.body))


def _decode(value: object) -> CachedAnswer:
    """The answer in a blob from :func:`_encode`.

    Raises:
        ValueError: the blob is not one (another writer, another layout, or damage).
    """
    start = len(_MAGIC) + _HEADER_LENGTH.size
    if not isinstance(value, bytes) or len(value) < start or not value.startswith(_MAGIC):
        raise ValueError("not a cached answer")
    (length,) = _HEADER_LENGTH.unpack_from(value, len(_MAGIC))
    body_start = start + length
    if len(value) < body_start:
        raise ValueError("truncated cached answer")
    try:
        header = json.loads(value[start:body_start])
        return CachedAnswer(value[body_start:], header["f"], header["r"], header["t"])
    except (KeyError, TypeError) as error:
        raise ValueError(f"damaged cached answer: {error}") from error
