"""A result cache shared by every process on one machine, bounded in size, keyed by version.

What is keyed: :func:`request_key` digests (SHA-256) everything that decides an
answer: the dataset version, the query text with whitespace and ``#`` comments
normalised (by :mod:`partnergraph.store.lexer`, so strings and IRIs are never
touched), the query form, the protocol's dataset (``default-graph-uri`` and
``named-graph-uri``, as sets), the row cap, the base IRI, the bound values (in
N-Triples) and a *variant*: the format key of a serialised answer, or a name such
as ``rows`` for a typed call. Two requests share a key only when they must get
the same answer.

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
    Keep the folder writable only by the service's user. diskcache unpickles
    values it finds stored as pickles, and :attr:`CachedAnswer.payload` is meant
    to be a pickle: whoever can write the folder can run code in the endpoint.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import sqlite3
import struct
from dataclasses import dataclass
from os import PathLike
from pathlib import Path

import diskcache  # type: ignore[import-untyped]

from partnergraph import formats
from partnergraph.store.base import QueryRequest, QueryResult
from partnergraph.store.lexer import tokens

logger = logging.getLogger(__name__)

#: Bumped whenever the key's inputs or the stored layout change, so that an old
#: folder's entries are simply never found again.
_SCHEMA = 1
_MAGIC = b"pgc1"
_HEADER_LENGTH = struct.Struct(">I")
_HEX_DIGEST = re.compile(r"[0-9a-f]{64}")

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
        payload: for a typed call, its value pickled by the caller (rows of
            pyoxigraph terms pickle as they are); else None.
    """

    body: bytes
    format_key: str
    rows: int | None = None
    truncated: bool = False
    payload: bytes | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.body, bytes):
            raise TypeError(f"body must be bytes, not {type(self.body).__name__}")
        if not self.format_key or not isinstance(self.format_key, str):
            raise ValueError("format_key must be a non-empty string")
        if self.rows is not None and (not isinstance(self.rows, int) or self.rows < 0):
            raise ValueError(f"rows must be None or a count, not {self.rows!r}")
        if self.payload is not None and not isinstance(self.payload, bytes):
            raise TypeError(f"payload must be bytes or None, not {type(self.payload).__name__}")

    @classmethod
    def of(cls, result: QueryResult, payload: bytes | None = None) -> CachedAnswer:
        """The answer to keep for a store's ``result``.

        Args:
            result: a serialised query result.
            payload: a pickled typed value to keep with it, if any.

        Returns:
            The answer.
        """
        return cls(result.body, result.format.key, result.rows, result.truncated, payload)

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


def normalise_query(text: str) -> tuple[str, ...]:
    """The tokens of a query, with whitespace and comments reduced to where they were.

    Two texts that differ only in the amount or kind of whitespace and comments
    between the same tokens give the same tuple; any other difference (in a
    string, an IRI, a name's case, or whitespace added where there was none:
    ``SELECT*`` against ``SELECT *``) gives another. Keeping where a gap was,
    rather than dropping it, makes the result exact even where the lexer splits
    differently from an engine.

    Args:
        text: a SPARQL query.

    Returns:
        The token texts in order, with "" (never a token) between two tokens that
        whitespace or a comment separated.
    """
    parts: list[str] = []
    end = 0
    for token in tokens(text):
        if parts and token.start > end:
            parts.append("")
        parts.append(token.text)
        end = token.start + len(token.text)
    return tuple(parts)


def request_key(version: str, request: QueryRequest, variant: str) -> str:
    """The cache key of a request's answer.

    Args:
        version: the dataset version (hex SHA-256) the answer comes from.
        request: the query as the protocol delivered it.
        variant: what form the answer takes: a format key (``json``, ``ttl``…),
            or a name such as ``rows`` for a typed call.

    Returns:
        A hex SHA-256 digest.

    Raises:
        ValueError: ``version`` is not a hex SHA-256, or ``variant`` is empty.
    """
    if not isinstance(version, str) or not _HEX_DIGEST.fullmatch(version.lower()):
        raise ValueError(f"version must be a hex SHA-256, not {version!r}")
    if not variant:
        raise ValueError("variant must not be empty")
    document = {
        "schema": _SCHEMA,
        "version": version.lower(),
        "query": normalise_query(request.query),
        "form": request.form.value,
        "default_graph_uris": sorted(set(request.default_graph_uris)),
        "named_graph_uris": sorted(set(request.named_graph_uris)),
        "row_cap": request.row_cap,
        "base_iri": request.base_iri,
        # In order: a name bound twice is not a set.
        "bindings": [[name, str(term)] for name, term in request.bindings],
        "variant": variant,
    }
    text = json.dumps(document, ensure_ascii=True, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("ascii")).hexdigest()


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
            key: a key from :func:`request_key`.

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
            key: a key from :func:`request_key`.
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
    if not isinstance(key, str) or not _HEX_DIGEST.fullmatch(key):
        raise ValueError(f"a cache key is a lower-case hex SHA-256, not {key!r}")


def _encode(answer: CachedAnswer) -> bytes:
    """One blob: magic, header length, JSON header, payload, body (never pickled)."""
    payload = answer.payload if answer.payload is not None else b""
    header = json.dumps(
        {
            "f": answer.format_key,
            "r": answer.rows,
            "t": answer.truncated,
            "p": None if answer.payload is None else len(payload),
        },
        separators=(",", ":"),
    ).encode("utf-8")
    return b"".join((_MAGIC, _HEADER_LENGTH.pack(len(header)), header, payload, answer.body))


def _decode(value: object) -> CachedAnswer:
    """The answer in a blob from :func:`_encode`.

    Raises:
        ValueError: the blob is not one (another writer, or damage).
    """
    start = len(_MAGIC) + _HEADER_LENGTH.size
    if not isinstance(value, bytes) or len(value) < start or not value.startswith(_MAGIC):
        raise ValueError("not a cached answer")
    (length,) = _HEADER_LENGTH.unpack_from(value, len(_MAGIC))
    try:
        header = json.loads(value[start : start + length])
        payload_length = header["p"]
        if payload_length is not None and (
            not isinstance(payload_length, int) or payload_length < 0
        ):
            raise ValueError(f"bad payload length {payload_length!r}")
        body_start = start + length + (payload_length or 0)
        if len(value) < body_start:
            raise ValueError("truncated cached answer")
        payload = None if payload_length is None else value[start + length : body_start]
        return CachedAnswer(value[body_start:], header["f"], header["r"], header["t"], payload)
    except (KeyError, TypeError) as error:
        raise ValueError(f"damaged cached answer: {error}") from error
