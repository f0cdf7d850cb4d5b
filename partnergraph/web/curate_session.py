"""Curators' sessions on ``/curate``: a random id in a cookie, a record on the server.

A session starts when a curator gives a write token (:mod:`partnergraph.web.curate`).
Its id is ``secrets.token_urlsafe(32)`` (256 random bits), sent once in the cookie
and never stored: the session's folder is named by the id's SHA-256, so whoever
reads the folder cannot act as the session. The record keeps the token's SHA-256,
never the token; the web layer asks :meth:`partnergraph.writes.tokens.Tokens.by_digest`
at every request whether it is still listed, so a revoked or replaced token ends
the session at its next request.

Layout, under ``{output_dir}/curate-sessions/`` (mode 0700)::

    {SHA-256 of the id}/     0700  one session
        session.json         0600  token hash, writer, graphs, CSRF token, created, expires
        {upload id}.upload   0600  an uploaded file's bytes, as they came
        {upload id}.json     0600  its name, size, when, and the last preview made of it

Expiry is sliding: each request the session authenticates moves its end
``curate_session_minutes`` on (the record is rewritten at most once a minute, or a
tenth of that time when it is shorter than ten minutes), and
a session lasts at most :data:`MAX_HOURS` from sign-in. An expired session is
removed when it is read, and every expired one whenever any session is read.

The request's side: the session cookie :data:`COOKIE` (HttpOnly, SameSite=Strict,
``Path=/curate``, Secure over HTTPS, no expiry of its own: it goes with the
browser), :func:`signed_in`, and the CSRF tokens, compared in constant time: the
session's in every form of a session; before any session, the sign-in form's
random value, also sent in the short-lived cookie :data:`LOGIN_COOKIE` (double
submit).

Warning:
    The cookie's value and an upload id from a URL are untrusted: each is checked
    against its form (:data:`SESSION_ID`, :data:`UPLOAD_ID`) before it names
    anything, and a session id names a folder only through its hash. Uploaded
    bytes are kept as they came; only the import parses them.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
import logging
import os
import re
import secrets
import shutil
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Response, current_app, g, request

from partnergraph.atomic import write_private
from partnergraph.curation.importing import Plan, Problem
from partnergraph.errors import WriteUnavailable
from partnergraph.settings import Settings
from partnergraph.web.auth import guard as auth_gate
from partnergraph.writes.tokens import Writer

log = logging.getLogger(__name__)

#: The folder, under ``output_dir``, of the sessions.
FOLDER = "curate-sessions"
#: The session cookie.
COOKIE = "pg_curate"
#: The sign-in form's CSRF cookie (before any session).
LOGIN_COOKIE = "pg_curate_login"
#: How long a sign-in form may wait before it is sent, in seconds.
LOGIN_SECONDS = 1800
#: A session id as the cookie carries it: ``secrets.token_urlsafe(32)``.
SESSION_ID = re.compile(r"[A-Za-z0-9_-]{43}")
#: An upload id as URLs carry it: ``secrets.token_urlsafe(16)``.
UPLOAD_ID = re.compile(r"[A-Za-z0-9_-]{22}")
#: The longest a session lasts from sign-in, however busy, in hours.
MAX_HOURS = 12
#: The uploads a session keeps; a new one beyond removes the oldest.
MAX_UPLOADS = 10
RECORD = "session.json"
_KEY = re.compile(r"[0-9a-f]{64}")
_RENEW_SECONDS = 60
_EXTENSION = "partnergraph.curate"
_FORGET = "curate_forget"


@dataclass(frozen=True)
class Session:
    """A curator's session, as its record says.

    Attributes:
        key: the SHA-256 of the session's id (its folder's name).
        folder: the session's folder.
        token_sha256: the SHA-256 of the token it was opened with.
        writer: the token's name when the session began.
        graphs: the token's graph patterns when the session began (empty: every graph).
        csrf: the token every form of the session carries.
        created: when it began (seconds since the epoch).
        expires: when it ends unless used before (seconds since the epoch).
    """

    key: str
    folder: Path
    token_sha256: str
    writer: str
    graphs: tuple[str, ...]
    csrf: str
    created: float
    expires: float

    def to_json(self) -> dict[str, Any]:
        """The record as ``session.json`` holds it (the folder is its name)."""
        return {k: v for k, v in dataclasses.asdict(self).items() if k not in ("key", "folder")}


@dataclass(frozen=True)
class Preview:
    """What the preview of an upload shows: a plan without its quads.

    Attributes:
        version: the dataset version the plan was made against.
        language: the language of the workbook's headings.
        words: the change in words, one line per resource.
        patch: the change as RDF Patch.
        problems: what is wrong, by sheet, row and column.
        digest: the plan's digest (a confirmation must find the same).
        changed: whether the plan changes anything.
    """

    version: str
    language: str
    words: tuple[str, ...]
    patch: str
    problems: tuple[Problem, ...]
    digest: str
    changed: bool

    @classmethod
    def of(cls, plan: Plan) -> Preview:
        """The preview of ``plan``."""
        return cls(
            plan.version,
            plan.language,
            tuple(plan.words),
            plan.patch,
            tuple(plan.problems),
            plan.digest,
            bool(plan.change),
        )

    @property
    def ok(self) -> bool:
        """Whether the plan may be written (no problems)."""
        return not self.problems

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Preview:
        """The preview as :func:`dataclasses.asdict` gave it (KeyError, TypeError when damaged)."""
        problems = tuple(Problem(**p) for p in data.pop("problems"))
        return cls(**{**data, "words": tuple(data["words"]), "problems": problems})


@dataclass(frozen=True)
class Upload:
    """A file uploaded in a session, kept until it is written or cancelled.

    Attributes:
        id: its random id (:data:`UPLOAD_ID`).
        file: its name as the curator knows it (a base name, cleaned).
        size: its length in bytes.
        created: when it was uploaded (seconds since the epoch).
        preview: the last preview made of it, if any.
    """

    id: str
    file: str
    size: int
    created: float
    preview: Preview | None = None

    def to_json(self) -> dict[str, Any]:
        """The upload's record (the id is its file's name)."""
        return {k: v for k, v in dataclasses.asdict(self).items() if k != "id"}


class Sessions:
    """The curators' sessions of one output folder, shared by every process.

    Args:
        folder: ``{output_dir}/curate-sessions`` (made, mode 0700, on first use).
        minutes: how long a session lasts without use (``curate_session_minutes``).
        clock: the wall clock (seconds since the epoch).
    """

    def __init__(self, folder: Path, minutes: int, clock: Callable[[], float] = time.time) -> None:
        self.folder = Path(folder)
        self.minutes = minutes
        self.clock = clock

    def start(self, token_sha256: str, writer: Writer) -> tuple[str, Session]:
        """Open a session for the holder of a token.

        Args:
            token_sha256: the SHA-256 of the token given (the token itself is never kept).
            writer: the token's writer.

        Returns:
            The session's id (for the cookie; kept nowhere) and the session.

        Raises:
            WriteUnavailable: the session cannot be stored (a full disk, a read-only folder).
        """
        session_id = secrets.token_urlsafe(32)
        now = self.clock()
        key = hashlib.sha256(session_id.encode()).hexdigest()
        session = Session(
            key,
            self.folder / key,
            token_sha256,
            writer.name,
            writer.graphs,
            secrets.token_urlsafe(32),
            now,
            now + self.minutes * 60,
        )
        try:
            _private_folder(self.folder)
            _private_folder(session.folder)
            self._save(session)
        except OSError as exc:
            shutil.rmtree(session.folder, ignore_errors=True)
            raise WriteUnavailable(f"a curator's session cannot be stored: {exc}") from exc
        return session_id, session

    def find(self, session_id: str) -> Session | None:
        """The live session of ``session_id``, its end moved on; None when there is none.

        Removes every expired session it finds on the way (this one included).

        Args:
            session_id: the cookie's value (untrusted).
        """
        now = self.clock()
        self._sweep(now)
        if not SESSION_ID.fullmatch(session_id):
            return None
        folder = self.folder / hashlib.sha256(session_id.encode()).hexdigest()
        session = self._read(folder)
        if session is None:
            return None
        if session.expires <= now:
            _remove(folder)
            return None
        wanted = min(now + self.minutes * 60, session.created + self._longest())
        if wanted - session.expires >= min(_RENEW_SECONDS, self.minutes * 6):
            renewed = dataclasses.replace(session, expires=wanted)
            try:
                self._save(renewed)
                session = renewed
            except OSError as exc:  # the session goes on to its old end
                log.warning("a curator's session could not be renewed: %s", exc)
        return session

    def end(self, session: Session) -> None:
        """Remove a session and its uploads."""
        _remove(session.folder)

    def keep(self, session: Session, data: bytes, file: str) -> Upload:
        """Keep an uploaded file's bytes (mode 0600) under a new random id.

        The oldest uploads beyond :data:`MAX_UPLOADS` are removed.

        Raises:
            WriteUnavailable: the bytes cannot be stored.
        """
        upload = Upload(secrets.token_urlsafe(16), file, len(data), self.clock())
        try:
            write_private(data, session.folder / f"{upload.id}.upload")
            self.remember(session, upload)
        except OSError as exc:
            self.remove(session, upload.id)
            raise WriteUnavailable(f"the uploaded file cannot be stored: {exc}") from exc
        for old in self.uploads(session)[MAX_UPLOADS:]:
            self.remove(session, old.id)
        return upload

    def remember(self, session: Session, upload: Upload) -> None:
        """Write an upload's record (its preview included).

        Raises:
            OSError: it cannot be written.
        """
        text = json.dumps(upload.to_json(), ensure_ascii=False).encode("utf-8")
        write_private(text, session.folder / f"{upload.id}.json")

    def upload(self, session: Session, upload_id: str) -> Upload | None:
        """An upload of the session, or None (no such upload, or a malformed id)."""
        if not UPLOAD_ID.fullmatch(upload_id):
            return None
        try:
            data = json.loads((session.folder / f"{upload_id}.json").read_bytes())
            shown = data.pop("preview")
            preview = None if shown is None else Preview.from_json(shown)
            return Upload(**{**data, "id": upload_id, "preview": preview})
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("upload %s of a curator's session is unreadable: %r", upload_id, exc)
            return None

    def data(self, session: Session, upload: Upload) -> bytes | None:
        """An upload's bytes, or None when they are gone."""
        try:
            return (session.folder / f"{upload.id}.upload").read_bytes()
        except FileNotFoundError:
            return None

    def uploads(self, session: Session) -> list[Upload]:
        """The session's uploads, newest first."""
        found = [
            self.upload(session, path.stem)
            for path in session.folder.glob("*.json")
            if path.name != RECORD
        ]
        return sorted((u for u in found if u), key=lambda u: (-u.created, u.id))

    def remove(self, session: Session, upload_id: str) -> None:
        """Remove an upload (nothing when there is none)."""
        if UPLOAD_ID.fullmatch(upload_id):
            for suffix in (".upload", ".json"):
                (session.folder / f"{upload_id}{suffix}").unlink(missing_ok=True)

    def _longest(self) -> float:
        return max(MAX_HOURS * 3600, self.minutes * 60)

    def _save(self, session: Session) -> None:
        text = json.dumps(session.to_json()).encode("utf-8")
        write_private(text, session.folder / RECORD)

    def _read(self, folder: Path) -> Session | None:
        """The session of ``folder``, or None when it has no readable record."""
        try:
            data = json.loads((folder / RECORD).read_bytes())
            graphs = tuple(str(g) for g in data.pop("graphs"))
            created, expires = float(data.pop("created")), float(data.pop("expires"))
            return Session(
                **data,
                key=folder.name,
                folder=folder,
                graphs=graphs,
                created=created,
                expires=expires,
            )
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("a curator's session record in %s is unreadable: %r", folder, exc)
            return None

    def _sweep(self, now: float) -> None:
        """Remove every expired session; a folder without a record once it is older
        than a session may live (it was never finished)."""
        try:
            folders = [p for p in self.folder.iterdir() if _KEY.fullmatch(p.name)]
        except OSError:
            return
        for folder in folders:
            session = self._read(folder)
            if session is not None:
                if session.expires <= now:
                    _remove(folder)
                continue
            try:
                stale = folder.stat().st_mtime + self._longest() <= now
            except OSError:
                continue
            if stale:
                _remove(folder)


def _private_folder(folder: Path) -> None:
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(folder, 0o700)


def _remove(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


def clean_name(filename: str) -> str:
    """An uploaded file's name as reports show it: its last path part, without control
    or format characters, at most 120 characters (its extension kept).

    Args:
        filename: the name the browser sent (untrusted).
    """
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if not unicodedata.category(c).startswith("C")).strip()
    if len(name) > 120:
        stem, dot, extension = name.rpartition(".")
        name = (
            f"{stem[: 119 - len(extension)]}.{extension}"
            if dot and len(extension) < 10
            else name[:120]
        )
    return name or "upload"


# ---- The request's side --------------------------------------------------------------


def sessions_of(settings: Settings) -> Sessions:
    """The app's sessions for ``settings`` (made on first use, then kept)."""
    kept: dict[tuple[object, ...], Sessions] = current_app.extensions.setdefault(_EXTENSION, {})
    key = (settings.output_dir, settings.curate_session_minutes)
    if key not in kept:
        made = Sessions(settings.output_dir / FOLDER, settings.curate_session_minutes)
        kept.setdefault(key, made)
    return kept[key]


def signed_in(settings: Settings) -> tuple[Session, Writer] | None:
    """The request's live session and its token's writer as listed now, or None; then
    the cookie, if one was sent, is removed with the answer (:func:`forget_ended`).

    Raises:
        TokenError: the tokens file cannot be read or is damaged.
    """
    raw = request.cookies.get(COOKIE)
    if not raw:
        return None
    sessions = sessions_of(settings)
    session = sessions.find(raw)
    if session is not None:
        writer = auth_gate(settings).tokens.by_digest(session.token_sha256)
        if writer is not None:
            return session, writer
        sessions.end(session)  # its token was revoked or replaced
    g.setdefault(_FORGET, True)
    return None


def csrf_matches(expected: str) -> bool:
    """Whether the form's ``csrf`` field is ``expected`` (never when either is empty)."""
    sent = request.form.get("csrf", "")
    return bool(expected) and hmac.compare_digest(sent.encode(), expected.encode())


def login_csrf() -> str:
    """The sign-in form's CSRF value: the browser's :data:`LOGIN_COOKIE` when it has a
    well-formed one, else a new random one (set it with :func:`set_cookie`)."""
    value = request.cookies.get(LOGIN_COOKIE, "")
    return value if SESSION_ID.fullmatch(value) else secrets.token_urlsafe(32)


def set_cookie(response: Response, name: str, value: str, max_age: int | None = None) -> None:
    """Set a cookie of /curate: HttpOnly, SameSite=Strict, Secure over HTTPS; without
    ``max_age`` it lasts as long as the browser's session."""
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=_cookie_path(),
        secure=request.is_secure,
        httponly=True,
        samesite="Strict",
    )


def forget_cookie(response: Response, name: str) -> None:
    """Remove a cookie of /curate from the browser."""
    response.delete_cookie(
        name, path=_cookie_path(), secure=request.is_secure, httponly=True, samesite="Strict"
    )


def forget_ended(response: Response) -> None:
    """Remove the session cookie when :func:`signed_in` found its session ended."""
    if g.get(_FORGET):
        forget_cookie(response, COOKIE)


def _cookie_path() -> str:
    return request.script_root + "/curate"
