"""Who may write: a request's bearer token, the graphs it may write, and failed attempts.

https://www.rfc-editor.org/rfc/rfc6750 (Bearer tokens)

Reads are public; a write needs ``Authorization: Bearer <token>`` with a token of
the tokens file (:mod:`partnergraph.writes.tokens`). A write route calls
:func:`authorise` before it reads the body, and :func:`check_scope` with the
graphs the write changes before it changes anything. Every refusal is one of
:mod:`partnergraph.errors`, which :mod:`partnergraph.web.errors` writes in the one
error body, with a detail that says why and that nothing was changed:

- 401 with ``WWW-Authenticate: Bearer realm="partnergraph"``: no token, or no
  token configured on the server; with ``error="invalid_token"`` when a token was
  sent but is unknown or revoked.
- 403: the token may not write one of the graphs (the first one is named).
- 429 with ``Retry-After``: the client's address has had
  ``auth_failures_per_minute`` refused authentications in this minute; every
  write from it is refused, whatever its token, until the minute is over.

The failures are counted per address and per clock minute in a small diskcache
database, ``{output_dir}/auth-failures``, shared by every process of the machine
(gunicorn's workers count together). Only failures count; a success does not
reset the count, a new minute does. When the count cannot be kept (the folder
cannot be written) it is logged and writes are checked without it: tokens are
256 random bits, the count only spares the server from clients that keep trying.

Warning:
    The ``Authorization`` header is untrusted and secret: it is hashed and
    compared, never logged nor echoed. The client's address is
    ``request.remote_addr``; behind a proxy, make it the client's (Werkzeug's
    ``ProxyFix``), else every client shares the proxy's count.
"""

from __future__ import annotations

import logging
import math
import sqlite3
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import diskcache  # type: ignore[import-untyped]
from flask import Request, current_app

from partnergraph.errors import Forbidden, TooManyFailures, Unauthorized
from partnergraph.settings import Settings
from partnergraph.writes.tokens import Tokens, Writer

log = logging.getLogger(__name__)

REALM = "partnergraph"
#: ``WWW-Authenticate`` when no token was sent (RFC 6750 §3: no error code then).
CHALLENGE = f'Bearer realm="{REALM}"'
#: ``WWW-Authenticate`` when the token sent is unknown or revoked.
INVALID_TOKEN = f'{CHALLENGE}, error="invalid_token"'
#: The folder, under ``output_dir``, of the failed authentications' counts.
FAILURES_FOLDER = "auth-failures"
#: The window failures are counted in, in seconds: a clock minute.
WINDOW_SECONDS = 60
#: The most disk the counts may take; the oldest go first beyond it.
FAILURES_SIZE_LIMIT = 16 * 1024 * 1024
_EXTENSION = "partnergraph.auth"
_NOTHING_CHANGED = "Nothing was changed."
_HOW = "send 'Authorization: Bearer <token>' with a token made by `partnergraph token create`"
_COUNTER_ERRORS = (OSError, sqlite3.Error, diskcache.Timeout)


class FailureCounter:
    """Failed authentications per client address and clock minute, shared by the machine.

    Args:
        directory: the diskcache folder (created when missing).
        limit: the failures an address may have in a window before it is refused.
        window: the window's length in seconds (windows start at multiples of it).
        clock: the wall clock (seconds since the epoch), the same in every process.
    """

    def __init__(
        self,
        directory: Path,
        limit: int,
        window: int = WINDOW_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.directory = Path(directory)
        self.limit = limit
        self.window = window
        self.clock = clock
        self._cache: diskcache.Cache | None = None
        try:
            self._cache = diskcache.Cache(
                str(self.directory),
                timeout=1.0,
                size_limit=FAILURES_SIZE_LIMIT,
                eviction_policy="least-recently-stored",
                statistics=0,
            )
        except _COUNTER_ERRORS as error:
            self._failed("open", error)

    def count(self, client: str) -> int:
        """The failures of ``client`` in the current window (0 when they cannot be read)."""
        if self._cache is None:
            return 0
        try:
            value = self._cache.get(self._key(client), 0)
        except _COUNTER_ERRORS as error:
            self._failed("read", error)
            return 0
        return value if isinstance(value, int) else 0

    def retry_after(self, client: str) -> int | None:
        """Seconds until ``client`` may try again, or None when it may try now.

        Args:
            client: the client's address.
        """
        if self.count(client) < self.limit:
            return None
        return max(1, math.ceil(self.window - self.clock() % self.window))

    def record(self, client: str) -> int:
        """Count one failure of ``client``; return its failures in the window so far.

        Atomic across processes: concurrent failures are each counted.
        """
        if self._cache is None:
            return 0
        key = self._key(client)
        expire = self.window - self.clock() % self.window + 5
        try:
            self._cache.add(key, 0, expire=expire)
            return int(self._cache.incr(key))
        except _COUNTER_ERRORS as error:
            self._failed("write", error)
            return 0

    def close(self) -> None:
        """Close this process's connection (it reopens on next use)."""
        if self._cache is not None:
            self._cache.close()

    def _key(self, client: str) -> str:
        return f"{int(self.clock() // self.window)} {client}"

    def _failed(self, action: str, error: Exception) -> None:
        log.warning(
            "authentication failures in %s: %s failed (%r); writes are checked without "
            "counting failures",
            self.directory,
            action,
            error,
        )


@dataclass(frozen=True)
class Guard:
    """What an app keeps to authenticate writes under one set of settings."""

    tokens: Tokens
    failures: FailureCounter


def authorise(settings: Settings, request: Request) -> Writer:
    """The writer of ``request``'s bearer token, or a refusal.

    Call it in a write route before the body is read. It reads the tokens file
    again when it has changed (a revoke holds from the next request on).

    Args:
        settings: the settings of the request's state.
        request: the write request.

    Returns:
        The writer: the token's name and the graphs it may write.

    Raises:
        partnergraph.errors.TooManyFailures: 429 with ``Retry-After``: the
            client's address has had ``auth_failures_per_minute`` refusals this minute.
        partnergraph.errors.Unauthorized: 401 with ``WWW-Authenticate``: no token,
            no token configured, or an unknown or revoked token; the failure is counted.
        partnergraph.writes.tokens.TokenError: the tokens file is damaged (a
            logged 500; no write is accepted until it is mended).
    """
    gate = guard(settings)
    client = request.remote_addr or "unknown"
    wait = gate.failures.retry_after(client)
    if wait is not None:
        raise TooManyFailures(
            f"Too many writes from {client} had a missing, unknown or revoked token this "
            f"minute ({settings.auth_failures_per_minute} may); every write from it is "
            f"refused for {wait} s. {_NOTHING_CHANGED}",
            retry_after=wait,
        )
    scheme, _, credentials = request.headers.get("Authorization", "").strip().partition(" ")
    token = credentials.strip() if scheme.lower() == "bearer" else ""
    refusal: Unauthorized
    if not gate.tokens.configured():
        refusal = Unauthorized(
            "No write tokens are configured on this server, so it accepts no write "
            f"(an administrator makes one with `partnergraph token create`). {_NOTHING_CHANGED}",
            INVALID_TOKEN if token else CHALLENGE,
        )
    elif not token:
        refusal = Unauthorized(
            f"A write needs a token ({_sent(scheme)}): {_HOW}. {_NOTHING_CHANGED}", CHALLENGE
        )
    else:
        writer = gate.tokens.authenticate(token)
        if writer is not None:
            return writer
        refusal = Unauthorized(
            f"The token sent is unknown or has been revoked. {_NOTHING_CHANGED}", INVALID_TOKEN
        )
    failures = gate.failures.record(client)
    if failures == settings.auth_failures_per_minute:
        log.warning(
            "%d writes from %s refused for a missing or unknown token this minute; "
            "its writes are refused until the minute is over",
            failures,
            client,
        )
    raise refusal


def check_scope(writer: Writer, graphs: Iterable[str]) -> None:
    """Refuse a write that changes a graph ``writer`` may not write.

    Args:
        writer: from :func:`authorise`.
        graphs: the IRIs of the named graphs the write changes.

    Raises:
        partnergraph.errors.Forbidden: 403, naming the first graph outside the
            token's patterns and the token.
    """
    graph = writer.first_outside(graphs)
    if graph is not None:
        raise Forbidden(
            f"The token {writer.name!r} may write only the graphs matching "
            f"{', '.join(writer.graphs)}; this write changes {graph}, which is not one of "
            f"them. {_NOTHING_CHANGED}"
        )


def _sent(scheme: str) -> str:
    """What the client sent instead of a token, for a refusal's detail."""
    if not scheme:
        return "none was sent"
    if scheme.lower() == "bearer":
        return "the Bearer credentials were empty"
    return f"{scheme} credentials were sent, not a Bearer token"


def guard(settings: Settings) -> Guard:
    """The app's tokens and failure counts for ``settings`` (made on first use, then kept)."""
    gates: dict[tuple[object, ...], Guard] = current_app.extensions.setdefault(_EXTENSION, {})
    key = (
        settings.tokens_file,
        settings.base_iri,
        settings.output_dir,
        settings.auth_failures_per_minute,
    )
    gate = gates.get(key)
    if gate is None:
        made = Guard(
            Tokens.of(settings),
            FailureCounter(
                settings.output_dir / FAILURES_FOLDER, settings.auth_failures_per_minute
            ),
        )
        gate = gates.setdefault(key, made)
    return gate
