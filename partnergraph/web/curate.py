"""The curators' page ``/curate``: sign in with a write token, upload a spreadsheet,
see what it would change, confirm or cancel.

| route | answers |
| --- | --- |
| ``GET /curate`` | the sign-in form, or (signed in) the upload form, downloads and uploads |
| ``POST /curate/session`` | sign in: a write token, then a session cookie |
| ``POST /curate/logout`` | sign out: the session and its uploads removed |
| ``GET /curate/template``, ``GET /curate/export`` | the template, the current data (xlsx) |
| ``POST /curate/upload`` | keep a file, plan its import, 303 to its preview |
| ``GET /curate/preview/{id}`` | the change in words and as RDF Patch, or the problems |
| ``POST /curate/confirm/{id}`` | write the previewed change through the gate |
| ``POST /curate/cancel/{id}`` | forget the upload |

Sessions and their uploads: :mod:`partnergraph.web.curate_session`. The session
cookie ``pg_curate`` is HttpOnly, SameSite=Strict, limited to ``/curate``, Secure
over HTTPS (behind a proxy, Werkzeug's ``ProxyFix`` makes the request HTTPS), and
has no expiry of its own. Every form carries the session's CSRF token; the sign-in
form, before any session, a random value also sent in the short-lived cookie
``pg_curate_login`` (double submit). Both are compared in constant time. Wrong
tokens count in the same per-address failures as the write endpoints
(:mod:`partnergraph.web.auth`). Every response under ``/curate`` is ``no-store``
and has the pages' security headers. The pages work without JavaScript.

Warning:
    Uploads, their names, sheet names and cell values are untrusted: the size is
    checked from ``Content-Length`` before the body is read, the kind from the
    content (never the name), the name is cut to its base name, and everything
    shown is escaped by the templates.
"""

from __future__ import annotations

import hmac
import io
import logging
from typing import Any

import pyoxigraph as ox
from flask import Blueprint, Response, render_template, request, url_for

from partnergraph import snapshots
from partnergraph.curation import importing
from partnergraph.curation.template import export_xlsx, write_template
from partnergraph.curation.workbook import sniff
from partnergraph.describe import LABEL, LANGUAGES, Labels, add_labels
from partnergraph.errors import PartnergraphError, WriteRefused
from partnergraph.namespaces import RDFS, Namespaces
from partnergraph.settings import Settings
from partnergraph.validation.validate import Report
from partnergraph.web import headers
from partnergraph.web.auth import guard as auth_gate
from partnergraph.web.curate_session import (
    COOKIE,
    LOGIN_COOKIE,
    LOGIN_SECONDS,
    Preview,
    Session,
    Sessions,
    Upload,
    clean_name,
    csrf_matches,
    forget_cookie,
    forget_ended,
    login_csrf,
    sessions_of,
    set_cookie,
    signed_in,
)
from partnergraph.web.i18n import word
from partnergraph.web.present import Presenter, Value
from partnergraph.web.protocol import discard_body, discard_limit
from partnergraph.web.state import state
from partnergraph.web.writes import release_later
from partnergraph.writes.change import Change
from partnergraph.writes.commit import Written
from partnergraph.writes.tokens import Writer, digest

log = logging.getLogger(__name__)

bp = Blueprint("curate", __name__)

#: What a multipart form adds to its file: the limit on the body is the file's plus this.
FORM_OVERHEAD = 64 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_HIDDEN = "curate_hidden_error"
_LABELS = f"SELECT ?label WHERE {{ ?x <{RDFS}label> ?label }}"


class Refusal(Exception):
    """A request under /curate answered with a page that says why (status and message).

    Attributes:
        status: the HTTP status.
        message: what is wrong and what to do, in the page's language.
        sign_in: answer with the sign-in form (the session is missing or ended).
        retry_after: seconds for ``Retry-After``, if any.
        link: (text, URL) of where to go next, if any.
        findings: a refused write's findings, as (node, property, value, message).
    """

    def __init__(
        self,
        status: int,
        message: str,
        *,
        sign_in: bool = False,
        retry_after: int | None = None,
        link: tuple[str, str] | None = None,
        findings: tuple[tuple[str, str, str, str], ...] = (),
    ) -> None:
        super().__init__(message)
        self.status, self.message, self.sign_in = status, message, sign_in
        self.retry_after, self.link, self.findings = retry_after, link, findings


@bp.get("/curate")
def home() -> Response:
    """The sign-in form, or the upload form with the downloads and the uploads kept."""
    signed = signed_in(state().settings)
    if signed is None:
        ended = _t("curate_ended") if request.cookies.get(COOKIE) else None
        return _sign_in_page(ended, 200)
    return _home_page(*signed)


@bp.post("/curate/session")
def sign_in() -> Response:
    """Check the token given; a right one opens a session (303 to /curate)."""
    _check_csrf(request.cookies.get(LOGIN_COOKIE, ""), sign_in=True)
    settings = state().settings
    gate = auth_gate(settings)
    client = request.remote_addr or "unknown"
    wait = gate.failures.retry_after(client)
    if wait is not None:
        message = _t("curate_too_many").format(seconds=wait)
        raise Refusal(429, message, sign_in=True, retry_after=wait)
    token = request.form.get("token", "").strip()
    configured = gate.tokens.configured()
    writer = gate.tokens.authenticate(token) if token and configured else None
    if writer is None:
        gate.failures.record(client)
        raise Refusal(
            401, _t("curate_wrong_token" if configured else "curate_no_tokens"), sign_in=True
        )
    sessions = sessions_of(settings)
    old = sessions.find(request.cookies.get(COOKIE, ""))
    if old is not None:
        sessions.end(old)
    session_id, _ = sessions.start(digest(token), writer)
    response = _see(_url("curate.home"))
    set_cookie(response, COOKIE, session_id)
    forget_cookie(response, LOGIN_COOKIE)
    return response


@bp.post("/curate/logout")
def sign_out() -> Response:
    """End the session (its uploads removed); 303 to /curate."""
    session, _ = _require()
    _check_csrf(session.csrf)
    sessions_of(state().settings).end(session)
    response = _see(_url("curate.home"))
    forget_cookie(response, COOKIE)
    return response


@bp.get("/curate/template")
def template() -> Response:
    """The template workbook, in ``?lang=`` (else the page's language)."""
    _require()
    language = _download_language()
    target = io.BytesIO()
    write_template(state().settings, target, language)
    return _download(target.getvalue(), f"partnergraph-template-{language}.xlsx")


@bp.get("/curate/export")
def export() -> Response:
    """The current data in the template's shape, in ``?lang=`` (else the page's language)."""
    _require()
    current = state()
    language = _download_language()
    target = io.BytesIO()
    export_xlsx(current.settings, target, language)
    return _download(target.getvalue(), f"partnergraph-{current.version[:12]}-{language}.xlsx")


@bp.post("/curate/upload")
def upload() -> Response:
    """Keep an uploaded file and plan its import; 303 to its preview."""
    session, writer = _require()
    settings = state().settings
    if (request.content_length or 0) > settings.max_upload_bytes + FORM_OVERHEAD:
        _discard()
        raise Refusal(413, _too_large(settings))
    request.max_content_length = settings.max_upload_bytes + FORM_OVERHEAD
    _check_csrf(session.csrf)
    sent = request.files.get("file")
    if sent is None or not sent.filename:
        return _home_page(session, writer, _t("curate_no_file"), 400)
    data = sent.stream.read(settings.max_upload_bytes + 1)
    if len(data) > settings.max_upload_bytes:
        raise Refusal(413, _too_large(settings))
    name = clean_name(sent.filename)
    sessions = sessions_of(settings)
    try:
        sniff(data, name)
        kept = sessions.keep(session, data, name)
    except PartnergraphError as exc:
        return _home_page(session, writer, _said(exc), exc.status)
    try:
        made = importing.plan(settings, data, name, writer=writer)
    except PartnergraphError as exc:
        sessions.remove(session, kept.id)
        return _home_page(session, writer, _said(exc), exc.status)
    _remember(sessions, session, kept, Preview.of(made))
    return _see(_url("curate.preview", upload_id=kept.id))


@bp.get("/curate/preview/<upload_id>")
def preview(upload_id: str) -> Response:
    """What an upload would change, or what is wrong with it."""
    session, writer = _require()
    kept, data = _kept(session, upload_id)
    shown = kept.preview
    if shown is None or shown.version != snapshots.current_version(state().settings):
        shown = _plan(session, writer, kept, data)[1]
    return _preview_page(session, kept, shown, 200)


@bp.post("/curate/confirm/<upload_id>")
def confirm(upload_id: str) -> Response:
    """Write the change previewed, if it is still the change the file makes."""
    session, writer = _require()
    _check_csrf(session.csrf)
    kept, data = _kept(session, upload_id)
    made, shown = _plan(session, writer, kept, data)
    if not shown.ok:
        return _preview_page(session, kept, shown, 422)
    if not hmac.compare_digest(shown.digest.encode(), request.form.get("digest", "").encode()):
        look = (_t("curate_new_preview"), _url("curate.preview", upload_id=kept.id))
        raise Refusal(409, _t("curate_changed_since"), link=look)
    if not shown.changed:
        sessions_of(state().settings).remove(session, kept.id)
        return _preview_page(session, kept, shown, 200, pending=False)
    written = _apply(made, writer)
    sessions_of(state().settings).remove(session, kept.id)
    settings = state().settings
    if written.entry is not None and settings.dumps:
        release_later(settings, written.snapshot)
    return _page("written.html", written=written, parties=_parties(written.change))


@bp.post("/curate/cancel/<upload_id>")
def cancel(upload_id: str) -> Response:
    """Forget an upload; 303 to /curate."""
    session, _ = _require()
    _check_csrf(session.csrf)
    sessions_of(state().settings).remove(session, upload_id)
    return _see(_url("curate.home"))


@bp.errorhandler(Refusal)
def _refused(refusal: Refusal) -> Response:
    if refusal.sign_in:
        response = _sign_in_page(refusal.message, refusal.status)
    else:
        response = _page(
            "message.html",
            refusal.status,
            message=refusal.message,
            link=refusal.link,
            findings=refusal.findings,
        )
    if refusal.retry_after is not None:
        response.headers["Retry-After"] = str(refusal.retry_after)
    if refusal.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="partnergraph"'
    return response


@bp.after_app_request
def _no_store(response: Response) -> Response:
    """Every response under /curate: not stored, the pages' security headers."""
    if request.path != "/curate" and not request.path.startswith("/curate/"):
        return response
    response.headers["Cache-Control"] = "no-store"
    headers.secure_page(response)
    forget_ended(response)
    return response


# ---- Sessions and forms -------------------------------------------------------------


def _require() -> tuple[Session, Writer]:
    """The request's session and writer, or the sign-in form (401)."""
    signed = signed_in(state().settings)
    if signed is None:
        _discard()
        raise Refusal(401, _t("curate_ended"), sign_in=True)
    return signed


def _check_csrf(expected: str, sign_in: bool = False) -> None:
    """Refuse (403) a form whose ``csrf`` field is missing or not ``expected``."""
    if not csrf_matches(expected):
        raise Refusal(403, _t("curate_csrf"), sign_in=sign_in)


def _discard() -> None:
    """Skip the body of a request answered before it is read (its connection stays usable
    when it is small; a large one is not read at all)."""
    discard_body(request, discard_limit(state().settings.max_request_bytes))


# ---- Planning and writing -----------------------------------------------------------


def _kept(session: Session, upload_id: str) -> tuple[Upload, bytes]:
    """An upload of the session and its bytes, or a 404 page."""
    sessions = sessions_of(state().settings)
    kept = sessions.upload(session, upload_id)
    data = None if kept is None else sessions.data(session, kept)
    if kept is None or data is None:
        raise Refusal(404, _t("curate_gone"), link=(_t("curate_back"), _url("curate.home")))
    return kept, data


def _plan(
    session: Session, writer: Writer, kept: Upload, data: bytes
) -> tuple[importing.Plan, Preview]:
    """Plan an upload's import as ``writer`` against the data served now, and keep its
    preview."""
    try:
        made = importing.plan(state().settings, data, kept.file, writer=writer)
    except PartnergraphError as exc:
        raise Refusal(exc.status, _said(exc)) from None
    shown = Preview.of(made)
    _remember(sessions_of(state().settings), session, kept, shown)
    return made, shown


def _remember(sessions: Sessions, session: Session, kept: Upload, shown: Preview) -> None:
    try:
        sessions.remember(session, Upload(kept.id, kept.file, kept.size, kept.created, shown))
    except OSError as exc:  # the preview is made again next time
        log.warning("the preview of an upload could not be kept: %s", exc)


def _apply(made: importing.Plan, writer: Writer) -> Written:
    """Write a plan; a refusal becomes a page that says why (never a stack trace)."""
    back = (_t("curate_back"), _url("curate.home"))
    try:
        return importing.apply(state().settings, made, writer)
    except WriteRefused as exc:
        message = f"{_t('curate_refused')} {exc}"
        raise Refusal(422, message, link=back, findings=_findings(exc.report)) from None
    except PartnergraphError as exc:
        raise Refusal(exc.status, _said(exc), link=back) from None


def _findings(report: object) -> tuple[tuple[str, str, str, str], ...]:
    """A refused write's findings as (node, property, value, message) rows."""
    if not isinstance(report, Report):
        return ()
    show = Presenter(Namespaces(state().settings.base_iri), headers.language(), Labels())
    return tuple(
        (
            show.short(f.finding.focus),
            show.short(f.finding.path or ""),
            f.finding.value or "",
            f.finding.message,
        )
        for f in report.findings
    )


def _parties(change: Change) -> list[Value]:
    """The parties of the partnerships a change touched, as links to their pages."""
    ns = Namespaces(state().settings.base_iri)
    party = ns.term("party")
    iris = sorted(
        {
            q.object.value
            for q in change.added | change.removed
            if q.predicate.value == party and isinstance(q.object, ox.NamedNode)
        }
    )
    labels: dict[str, dict[str, str]] = {}
    add_labels(labels, ((q.subject, q.object) for q in change.added if q.predicate == LABEL))
    for iri in iris:
        found = state().service.select(_LABELS, {"x": ox.NamedNode(iri)}).rows
        add_labels(labels, ((ox.NamedNode(iri), row["label"]) for row in found))
    show = Presenter(ns, headers.language(), Labels(labels), request.script_root, _explicit())
    return [show.label(iri) for iri in iris]


# ---- Pages --------------------------------------------------------------------------


def _sign_in_page(message: str | None, status: int) -> Response:
    """The sign-in form, with its CSRF cookie (the one the browser has, if well-formed)."""
    value = login_csrf()
    minutes = state().settings.curate_session_minutes
    response = _page("sign_in.html", status, message=message, csrf=value, minutes=minutes)
    set_cookie(response, LOGIN_COOKIE, value, max_age=LOGIN_SECONDS)
    return response


def _home_page(
    session: Session, writer: Writer, message: str | None = None, status: int = 200
) -> Response:
    settings = state().settings
    return _page(
        "home.html",
        status,
        session=session,
        writer=writer,
        message=message,
        uploads=sessions_of(settings).uploads(session),
        most=_size(settings.max_upload_bytes),
        languages=LANGUAGES,
    )


def _preview_page(
    session: Session, kept: Upload, shown: Preview, status: int, pending: bool = True
) -> Response:
    """The preview; ``pending``: the upload is still kept (it can be confirmed or cancelled)."""
    return _page(
        "preview.html",
        status,
        session=session,
        upload=kept,
        preview=shown,
        pending=pending,
        confirmable=pending and shown.ok and shown.changed,
    )


def _page(template: str, status: int = 200, **context: Any) -> Response:
    """A page of ``templates/curate/``, in the reader's language."""
    more: dict[str, Any] = {"language": headers.language(), "url": _url}
    if request.method != "GET":  # a language link goes to the page, not to the form's URL
        more["lang_url"] = _language_link
    body = render_template(f"curate/{template}", **more, **context)
    return Response(body, status=status, content_type="text/html; charset=utf-8")


def _download(data: bytes, name: str) -> Response:
    response = Response(data, content_type=XLSX)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _see(location: str) -> Response:
    return Response(status=303, headers={"Location": location})


def _url(endpoint: str, **values: Any) -> str:
    """A URL of this site that keeps the language the reader chose (``?lang=``)."""
    if _explicit():
        values.setdefault("lang", headers.language())
    return url_for(endpoint, **values)


def _language_link(code: str) -> str:
    return url_for("curate.home", lang=code)


def _explicit() -> bool:
    return request.args.get("lang", "") in LANGUAGES


def _download_language() -> str:
    asked = request.args.get("lang", "")
    return asked if asked in LANGUAGES else headers.language()


def _t(key: str) -> str:
    return word(key, headers.language())


def _said(exc: PartnergraphError) -> str:
    """What an error says to a curator: its message, unless it is a bug (logged, hidden)."""
    if exc.status >= 500 and exc.status not in (502, 503):
        log.error("unexpected error on %s %s", request.method, request.path, exc_info=exc)
        return _t(_HIDDEN)
    return str(exc) or exc.title


def _too_large(settings: Settings) -> str:
    return _t("curate_too_large").format(size=_size(settings.max_upload_bytes))


def _size(count: int) -> str:
    return f"{count / 1_000_000:g} MB" if count >= 100_000 else f"{count:,} B"
