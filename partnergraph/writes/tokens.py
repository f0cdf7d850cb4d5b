"""Write tokens: who may write, and which named graphs.

A token is ``pg_`` and 43 characters of ``secrets.token_urlsafe(32)`` (256 random
bits). It is shown once, when it is made (``partnergraph token create``); the
tokens file (setting ``tokens_file``) keeps only its SHA-256, with a name, the
graph patterns it may write and when it was made::

    {"format": "partnergraph-tokens/1",
     "tokens": [{"name": "lund-editor", "sha256": "9f86…",
                 "graphs": ["https://w3id.org/partnergraph/graph/lund-*"],
                 "created": "2025-05-01T12:00:00Z"}]}

A graph pattern is a glob (:func:`fnmatch.fnmatchcase`: case-sensitive; ``*``
matches any run of characters, ``/`` included; ``?`` one; ``[…]`` a set) over
graph IRIs. A pattern without a scheme is relative to the base IRI and stored
absolute: ``graph/lund-*`` is ``{base_iri}graph/lund-*``. No pattern: every graph.

The file is written whole or not at all (a temporary file, created with mode 0600,
synced and renamed over it), so it is never readable by others, not even for a
moment, and a reader sees the old list or the new one. Changes (create, revoke)
hold an exclusive ``flock`` on the file's folder, so two commands never lose one
another's change. A reader (the server) reads the file again when its stat
changes, so a revoked token is refused from the next request on, without restart.

Warning:
    Whoever can write the tokens file can give themselves a token: keep it, and
    its folder, writable only by the service's user.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import hmac
import json
import logging
import os
import re
import secrets
import stat
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from partnergraph.atomic import write_private
from partnergraph.errors import ConfigurationError
from partnergraph.settings import Settings

log = logging.getLogger(__name__)

#: What every token starts with, so that a leaked one is recognisable (secret scanners).
PREFIX = "pg_"
#: The ``format`` of the tokens file this version reads and writes.
FORMAT = "partnergraph-tokens/1"
#: A token's name: letters, digits, '.', '_' and '-', 1 to 64 of them.
NAME = re.compile(r"[A-Za-z0-9._-]{1,64}")
#: The longest graph pattern accepted.
MAX_PATTERN_LENGTH = 2048
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
#: Characters no IRI holds (RFC 3987), whitespace and controls aside.
_NOT_IN_IRI = frozenset('<>"{}|\\^`')
_HEX64 = re.compile(r"[0-9a-f]{64}")
_TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


class TokenError(ConfigurationError):
    """A token cannot be made, revoked or read as asked (bad name, taken name, damaged file)."""

    title = "Token error"


@dataclass(frozen=True)
class Writer:
    """Who a write comes from: the name of a token and the graphs it may write.

    Attributes:
        name: the token's name.
        graphs: absolute glob patterns over graph IRIs; empty means every graph.
    """

    name: str
    graphs: tuple[str, ...] = ()

    def may_write(self, graph_iri: str) -> bool:
        """Whether this writer may change the named graph ``graph_iri``.

        Args:
            graph_iri: the graph's IRI, absolute.

        Returns:
            True when the writer has no patterns (every graph) or one matches.
        """
        return not self.graphs or any(fnmatchcase(graph_iri, p) for p in self.graphs)

    def first_outside(self, graph_iris: Iterable[str]) -> str | None:
        """The first of ``graph_iris`` this writer may not write, or None when it may write all.

        Args:
            graph_iris: graph IRIs, in the order to report them.
        """
        for iri in graph_iris:
            if not self.may_write(iri):
                return iri
        return None


@dataclass(frozen=True)
class TokenInfo:
    """What ``token list`` shows of a token: never its hash, never the token.

    Attributes:
        name: the token's name.
        graphs: the absolute graph patterns it may write; empty means every graph.
        created: when it was made (UTC).
    """

    name: str
    graphs: tuple[str, ...]
    created: datetime


@dataclass(frozen=True)
class _Entry:
    """One token as the file keeps it."""

    name: str
    sha256: str
    graphs: tuple[str, ...]
    created: datetime

    def info(self) -> TokenInfo:
        return TokenInfo(self.name, self.graphs, self.created)

    def writer(self) -> Writer:
        return Writer(self.name, self.graphs)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "sha256": self.sha256,
            "graphs": list(self.graphs),
            "created": self.created.strftime(_TIME_FORMAT),
        }


def digest(token: str) -> str:
    """The SHA-256 (lower-case hex) the tokens file keeps of ``token``.

    A plain hash, not a slow key-derivation function (bcrypt, scrypt, Argon2):
    those make guessing a *low-entropy* secret (a password) from its hash costly.
    A token holds 256 random bits; no one can guess it from its hash however fast
    the hash is, and a fast hash keeps every write's check cheap.

    Args:
        token: the token as the client sent it.
    """
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def check_name(name: str) -> str:
    """``name`` when it is a valid token name.

    Raises:
        TokenError: it is not 1 to 64 of A-Z, a-z, 0-9, '.', '_', '-'.
    """
    if not NAME.fullmatch(name):
        raise TokenError(f"a token name is 1 to 64 letters, digits, '.', '_' or '-', not {name!r}")
    return name


def absolute_pattern(pattern: str, base_iri: str) -> str:
    """``pattern`` made absolute: one without a scheme is relative to ``base_iri``.

    Args:
        pattern: a glob over graph IRIs, such as ``graph/lund-*`` or
            ``https://w3id.org/partnergraph/graph/lund-*``.
        base_iri: the base IRI (ends with '/').

    Returns:
        The absolute pattern.

    Raises:
        TokenError: the pattern is empty, too long, starts with '/', or holds a
            character no IRI can hold (whitespace, controls, ``<>"{}|\\^```).
    """
    if not pattern:
        raise TokenError("a graph pattern cannot be empty")
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise TokenError(f"a graph pattern may be {MAX_PATTERN_LENGTH} characters at most")
    bad = sorted({c for c in pattern if c in _NOT_IN_IRI or c.isspace() or ord(c) < 32})
    if bad:
        raise TokenError(f"graph pattern {pattern!r} holds characters no IRI can hold: {bad}")
    if _SCHEME.match(pattern):
        return pattern
    if pattern.startswith("/"):
        raise TokenError(
            f"graph pattern {pattern!r}: a relative pattern is relative to the base IRI "
            f"{base_iri} and so does not start with '/' (write {pattern.lstrip('/')!r})"
        )
    return base_iri + pattern


class Tokens:
    """The tokens of one tokens file: made, listed, revoked and checked here.

    An instance remembers what it last read and reads the file again only when
    its stat (mtime, ctime, size, inode) changes, so keep one per server (the web
    layer keeps one per app) and :meth:`authenticate` costs a ``stat`` and a hash.
    Thread-safe: what was read is replaced in one assignment.

    Args:
        path: the tokens file (setting ``tokens_file``).
        base_iri: the base IRI relative graph patterns are resolved against.
    """

    def __init__(self, path: Path, base_iri: str) -> None:
        self.path = Path(path)
        self.base_iri = base_iri
        self._read: tuple[tuple[int, ...], tuple[_Entry, ...]] | None = None

    @classmethod
    def of(cls, settings: Settings) -> Tokens:
        """The tokens of ``settings.tokens_file``."""
        return cls(settings.tokens_file, settings.base_iri)

    def authenticate(self, token: str) -> Writer | None:
        """The writer whose token ``token`` is, or None for an unknown or revoked token.

        The token's hash is compared with every stored hash with
        :func:`hmac.compare_digest`, all of them whatever matches, so the time
        taken does not depend on how much of a hash a guess got right, nor on
        where the match is.

        Args:
            token: the token the client sent (after ``Bearer``).

        Raises:
            TokenError: the tokens file cannot be read or is damaged.
        """
        return self.by_digest(digest(token))

    def by_digest(self, sha256: str) -> Writer | None:
        """The writer of the listed token whose SHA-256 is ``sha256``, or None when no
        listed token has it (revoked, or replaced by a new token of the same name).

        For who keeps a token's hash instead of the token: a curator's session on
        ``/curate`` asks here at every request whether its token still holds. Compared
        as :meth:`authenticate` compares (every stored hash, in constant time).

        Args:
            sha256: the token's :func:`digest`.

        Raises:
            TokenError: the tokens file cannot be read or is damaged.
        """
        found: _Entry | None = None
        for entry in self._entries():
            if hmac.compare_digest(entry.sha256, sha256) and found is None:
                found = entry
        return None if found is None else found.writer()

    def configured(self) -> bool:
        """Whether the file exists and holds at least one token (else no write is accepted).

        Raises:
            TokenError: the tokens file cannot be read or is damaged.
        """
        return bool(self._entries())

    def listed(self) -> list[TokenInfo]:
        """Every token's name, graph patterns and creation time, by name.

        Raises:
            TokenError: the tokens file cannot be read or is damaged.
        """
        return [entry.info() for entry in sorted(self._entries(), key=lambda e: e.name)]

    def create(self, name: str, graphs: Sequence[str] = (), replace: bool = False) -> str:
        """Make a token named ``name`` and keep its hash; return the token (shown once).

        Args:
            name: the token's name (see :data:`NAME`).
            graphs: glob patterns over graph IRIs, absolute or relative to the
                base IRI; none means every graph.
            replace: replace a token of that name (which stops working) instead
                of refusing.

        Returns:
            The token. It is not kept anywhere: whoever is to use it must get it now.

        Raises:
            TokenError: a bad name or pattern; a token of that name exists and
                ``replace`` is false; the file cannot be read, is damaged or
                cannot be written.
        """
        check_name(name)
        patterns = tuple(dict.fromkeys(absolute_pattern(p, self.base_iri) for p in graphs))
        token = PREFIX + secrets.token_urlsafe(32)
        created = datetime.now(UTC).replace(microsecond=0)
        with self._changing():
            loaded = self._load()
            entries = [e for e in loaded if e.name != name]
            if len(entries) < len(loaded) and not replace:
                raise TokenError(
                    f"a token named {name!r} exists already in {self.path}; nothing was "
                    "changed. Revoke it first, or give --replace to replace it (the old "
                    "token then stops working)"
                )
            entries.append(_Entry(name, digest(token), patterns, created))
            self._save(entries)
        return token

    def revoke(self, name: str) -> bool:
        """Remove the token named ``name``; writes with it are refused from then on.

        Returns:
            True when there was one; False when no token has that name.

        Raises:
            TokenError: the file cannot be read, is damaged or cannot be written.
        """
        with self._changing():
            entries = self._load()
            kept = [e for e in entries if e.name != name]
            if len(kept) == len(entries):
                return False
            self._save(kept)
        return True

    def _entries(self) -> tuple[_Entry, ...]:
        """The tokens, read again only when the file's stat has changed."""
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return ()
        except OSError as error:
            raise TokenError(f"cannot read the tokens file {self.path}: {error}") from error
        key = (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)
        read = self._read
        if read is not None and read[0] == key:
            return read[1]
        if stat.S_IMODE(st.st_mode) & 0o077:
            log.warning(
                "the tokens file %s has mode %o: others may read it; make it 0600",
                self.path,
                stat.S_IMODE(st.st_mode),
            )
        entries = self._load()
        self._read = (key, entries)
        return entries

    def _load(self) -> tuple[_Entry, ...]:
        """The tokens in the file as it is now (no file: none)."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return ()
        except OSError as error:
            raise TokenError(f"cannot read the tokens file {self.path}: {error}") from error
        try:
            document = json.loads(raw)
        except ValueError as error:
            raise TokenError(f"the tokens file {self.path} is not JSON: {error}") from error
        return _parse(document, self.path)

    def _save(self, entries: Iterable[_Entry]) -> None:
        document = {
            "format": FORMAT,
            "tokens": [e.to_json() for e in sorted(entries, key=lambda e: e.name)],
        }
        content = (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
        try:
            write_private(content, self.path)
        except OSError as error:
            raise TokenError(
                f"cannot write the tokens file {self.path}: {error}; nothing was changed"
            ) from error

    @contextlib.contextmanager
    def _changing(self) -> Iterator[None]:
        """Hold an exclusive lock on the file's folder while the file is read and replaced."""
        folder = self.path.parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        except OSError as error:
            raise TokenError(
                f"cannot use the folder of the tokens file {folder}: {error}"
            ) from error
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)


def _parse(document: Any, path: Path) -> tuple[_Entry, ...]:
    """The entries of a tokens file's JSON.

    Raises:
        TokenError: it is not a tokens file of :data:`FORMAT`, naming what is wrong.
    """
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise TokenError(f"{path} is not a tokens file: its 'format' is not {FORMAT!r}")
    items = document.get("tokens")
    if not isinstance(items, list):
        raise TokenError(f"{path}: 'tokens' must be a list")
    entries: list[_Entry] = []
    for number, item in enumerate(items, 1):
        where = f"{path}: token {number}"
        if not isinstance(item, dict):
            raise TokenError(f"{where} is not an object")
        name, sha256, graphs, created = (
            item.get(k) for k in ("name", "sha256", "graphs", "created")
        )
        if not isinstance(name, str) or not NAME.fullmatch(name):
            raise TokenError(f"{where}: 'name' must be 1 to 64 of A-Za-z0-9._-, not {name!r}")
        if not isinstance(sha256, str) or not _HEX64.fullmatch(sha256):
            raise TokenError(f"{where} ({name}): 'sha256' must be 64 lower-case hex digits")
        if not isinstance(graphs, list) or not all(
            isinstance(g, str) and _SCHEME.match(g) for g in graphs
        ):
            raise TokenError(f"{where} ({name}): 'graphs' must be a list of absolute patterns")
        try:
            when = datetime.strptime(str(created), _TIME_FORMAT).replace(tzinfo=UTC)
        except ValueError:
            raise TokenError(
                f"{where} ({name}): 'created' must be a time such as 2025-05-01T12:00:00Z, "
                f"not {created!r}"
            ) from None
        entries.append(_Entry(name, sha256, tuple(graphs), when))
    names = [e.name for e in entries]
    if len(set(names)) < len(names):
        raise TokenError(f"{path}: two tokens have the same name")
    return tuple(entries)


def create(settings: Settings, name: str, graphs: Sequence[str] = (), replace: bool = False) -> str:
    """Make a token (see :meth:`Tokens.create`) in ``settings.tokens_file``; return it."""
    return Tokens.of(settings).create(name, graphs, replace)


def listed(settings: Settings) -> list[TokenInfo]:
    """The tokens of ``settings.tokens_file`` (see :meth:`Tokens.listed`)."""
    return Tokens.of(settings).listed()


def revoke(settings: Settings, name: str) -> bool:
    """Revoke a token of ``settings.tokens_file`` (see :meth:`Tokens.revoke`)."""
    return Tokens.of(settings).revoke(name)


def authenticate(settings: Settings, token: str) -> Writer | None:
    """The writer of ``token`` in ``settings.tokens_file`` (see :meth:`Tokens.authenticate`).

    Reads the file each call; a server keeps a :class:`Tokens` instead.
    """
    return Tokens.of(settings).authenticate(token)
