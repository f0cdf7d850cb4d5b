"""The curators' page /curate over HTTP: sessions, CSRF, uploads, preview, confirm.

The app is the real one (``create_app``) over a writable copy of the project, as in
tests/test_writes_http.py. The workbooks are written here with openpyxl; the ones
the import must understand take their headings from the template the project
writes (``partnergraph.curation.template.write_template``), so they follow the
shapes as the template does.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import re
import stat
import time
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from partnergraph import snapshots
from partnergraph.app import create_app
from partnergraph.curation import importing
from partnergraph.settings import Settings
from partnergraph.web.curate_session import MAX_HOURS, Sessions
from partnergraph.writes import commit, log
from partnergraph.writes.operations import ApplyChange
from partnergraph.writes.tokens import create, digest, revoke

from .webapp import clean_environment
from .writing import EVERYONE, NEW_PARTNERSHIP, Project, built_template, project_from

#: The upload limit of the app under test (small, so that a test can pass it cheaply).
UPLOAD_LIMIT = 300_000
FAILURES = 3
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: The partnership the tests add: Lahti and Lund have none in the data.
LAHTI_LUND = {
    "name (en)": "Lahti - Lund twin towns",
    "party 1": "Lahti",
    "party 2": "Lund",
    "type": "twin town",
    "start date": datetime.date(1990, 5, 1),
    "source": "https://example.org/lahti-lund",
}
#: A sheet name cannot hold "/", so no closing tag.
MARKUP = "<script>alert(1)"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built_template(tmp_path_factory.mktemp("template") / "project")


@pytest.fixture
def project(template: Path, tmp_path: Path) -> Project:
    return project_from(template, tmp_path / "project")


@pytest.fixture
def app(project: Project) -> Flask:
    return _app(project.settings)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def token(project: Project) -> str:
    return create(project.settings, "curator")


def _app(settings: Settings, **more: Any) -> Flask:
    names = ("graph_dir", "shapes_dir", "queries_dir", "output_dir", "changes_dir")
    config: dict[str, Any] = {n: getattr(settings, n) for n in (*names, "tokens_file", "dumps")}
    config.update(
        query_workers=1,
        max_upload_bytes=UPLOAD_LIMIT,
        auth_failures_per_minute=FAILURES,
        **more,
    )
    with clean_environment():
        return create_app(config)


# ---- Helpers ---------------------------------------------------------------------------


def csrf(page: TestResponse) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found, page.text
    return found.group(1)


def sign_in(client: FlaskClient, token: str, **kwargs: Any) -> TestResponse:
    form = client.get("/curate", **kwargs)
    answer = client.post("/curate/session", data={"token": token, "csrf": csrf(form)}, **kwargs)
    assert answer.status_code == 303, answer.text
    return answer


def cookies(answer: TestResponse) -> dict[str, str]:
    """The Set-Cookie headers of an answer, by cookie name."""
    return {h.split("=", 1)[0]: h for h in answer.headers.getlist("Set-Cookie")}


def session_folders(project: Project) -> list[Path]:
    folder = project.settings.output_dir / "curate-sessions"
    return sorted(p for p in folder.iterdir() if p.is_dir()) if folder.exists() else []


def upload_files(project: Project) -> list[Path]:
    return [f for s in session_folders(project) for f in s.glob("*.upload")]


def upload(client: FlaskClient, data: bytes, name: str = "lahti.xlsx", **form: str) -> TestResponse:
    home = client.get("/curate")
    fields: dict[str, Any] = {"csrf": csrf(home), **form, "file": (io.BytesIO(data), name)}
    return client.post("/curate/upload", data=fields, content_type="multipart/form-data")


def workbook(
    settings: Settings, rows: list[dict[str, object]], sheet: str = "Partnerships"
) -> bytes:
    """A workbook of one sheet, headed as the template heads it, with ``rows`` (by heading)."""
    template = pytest.importorskip("partnergraph.curation.template")
    written = io.BytesIO()
    template.write_template(settings, written, "en")
    source = openpyxl.load_workbook(io.BytesIO(written.getvalue()), read_only=True)
    headings = next(
        r for r in source[sheet].iter_rows(values_only=True) if any(v is not None for v in r)
    )
    book = openpyxl.Workbook()
    out = book.active
    assert out is not None
    out.title = sheet
    out.append(list(headings))
    named = [str(h or "").rstrip("* ").strip() for h in headings]
    for row in rows:
        missing = set(row) - set(named)
        assert not missing, f"no such headings in the template: {missing} (it has {named})"
        out.append([row.get(name) for name in named])
    return _saved(book)


def _saved(book: openpyxl.Workbook) -> bytes:
    target = io.BytesIO()
    book.save(target)
    return target.getvalue()


def previewed(client: FlaskClient, data: bytes, name: str = "lahti.xlsx") -> TestResponse:
    sent = upload(client, data, name)
    assert sent.status_code == 303, sent.text
    assert re.fullmatch(r"/curate/preview/[A-Za-z0-9_-]{22}", sent.headers["Location"])
    page = client.get(sent.headers["Location"])
    assert page.status_code == 200, page.text
    return page


def confirm_form(page: TestResponse) -> tuple[str, dict[str, str]]:
    action = re.search(r'action="(/curate/confirm/[^"]+)"', page.text)
    found = re.search(r'name="digest" value="([0-9a-f]{64})"', page.text)
    assert action, page.text
    assert found, page.text
    return action.group(1), {"csrf": csrf(page), "digest": found.group(1)}


def nothing_written(project: Project, version: str | None) -> None:
    assert list(log.entries(project.settings.changes_dir)) == []
    assert snapshots.current_version(project.settings) == version


# ---- Signing in ------------------------------------------------------------------------


def test_the_page_asks_for_a_token_and_says_what_it_is_for(client: FlaskClient) -> None:
    page = client.get("/curate")
    assert page.status_code == 200
    assert re.search(
        r'<input id="token" name="token" type="password" autocomplete="off"', page.text
    )
    assert "partnergraph token create" in page.text
    assert "is not stored" in page.text
    assert page.headers["Cache-Control"] == "no-store"
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    login = cookies(page)["pg_curate_login"]
    for flag in ("HttpOnly", "Path=/curate", "SameSite=Strict", "Max-Age=1800"):
        assert flag in login
    assert "Logga in" in client.get("/curate?lang=sv").text
    assert "Kirjaudu" in client.get("/curate", headers={"Accept-Language": "fi"}).text


def test_a_wrong_token_is_refused_and_counted_with_the_write_endpoints(
    client: FlaskClient, token: str
) -> None:
    form = csrf(client.get("/curate"))
    for _ in range(FAILURES):
        wrong = client.post("/curate/session", data={"token": "pg_wrong", "csrf": form})
        assert wrong.status_code == 401
        assert "not known or has been revoked" in wrong.text
        assert 'name="token"' in wrong.text  # the form again
        assert "pg_curate=" not in wrong.headers.get("Set-Cookie", "")
    refused = client.post("/curate/session", data={"token": token, "csrf": form})
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    # the same count as the write endpoints': a right token is refused there too
    update = client.post(
        "/sparql",
        data=NEW_PARTNERSHIP,
        content_type="application/sparql-update",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert update.status_code == 429


def test_without_tokens_on_the_server_nobody_signs_in(client: FlaskClient) -> None:
    form = csrf(client.get("/curate"))
    refused = client.post("/curate/session", data={"token": "pg_anything", "csrf": form})
    assert refused.status_code == 401
    assert "No write tokens are configured" in refused.text


def test_a_right_token_opens_a_session_kept_on_the_server(
    client: FlaskClient, project: Project, token: str
) -> None:
    answer = sign_in(client, token)
    assert answer.headers["Location"] == "/curate"
    made = cookies(answer)
    session = made["pg_curate"]
    for flag in ("HttpOnly", "Path=/curate", "SameSite=Strict"):
        assert flag in session
    for absent in ("Secure", "Expires", "Max-Age"):  # http; a browser session's cookie
        assert absent not in session
    assert "Max-Age=0" in made["pg_curate_login"]  # the sign-in form's cookie is spent
    session_id = session.split(";")[0].split("=", 1)[1]
    (folder,) = session_folders(project)
    assert folder.name == hashlib.sha256(session_id.encode()).hexdigest()
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(folder.parent.stat().st_mode) == 0o700
    record = folder / "session.json"
    assert stat.S_IMODE(record.stat().st_mode) == 0o600
    kept = json.loads(record.read_text())
    assert kept["token_sha256"] == digest(token)
    assert kept["writer"] == "curator"
    assert token not in record.read_text()
    assert session_id not in record.read_text()
    home = client.get("/curate")
    assert "Signed in with the token <strong>curator</strong>" in home.text
    assert 'type="file" accept=".xlsx,.csv"' in home.text
    assert home.headers["Cache-Control"] == "no-store"


def test_over_https_the_cookies_are_secure(client: FlaskClient, token: str) -> None:
    https = "https://localhost"
    form = client.get("/curate", base_url=https)
    assert "Secure" in cookies(form)["pg_curate_login"]
    answer = sign_in(client, token, base_url=https)
    assert "Secure" in cookies(answer)["pg_curate"]
    assert "Signed in" in client.get("/curate", base_url=https).text


def test_a_form_without_its_csrf_token_is_refused_and_changes_nothing(
    client: FlaskClient, app: Flask, project: Project, token: str
) -> None:
    version = snapshots.current_version(project.settings)
    form = csrf(client.get("/curate"))
    for sent in ({"token": token}, {"token": token, "csrf": "x" * 43}):
        refused = client.post("/curate/session", data=sent)
        assert refused.status_code == 403
        assert "security code is missing or wrong" in refused.text
    assert session_folders(project) == []
    other = app.test_client()  # another browser sends this form: it lacks the form's cookie
    assert other.post("/curate/session", data={"token": token, "csrf": form}).status_code == 403
    sign_in(client, token)
    for sent in ({}, {"csrf": "wrong"}):
        fields: dict[str, Any] = {**sent, "file": (io.BytesIO(PNG), "a.xlsx")}
        refused = client.post("/curate/upload", data=fields, content_type="multipart/form-data")
        assert refused.status_code == 403
        assert refused.headers["Cache-Control"] == "no-store"
        assert client.post("/curate/logout", data=sent).status_code == 403
        confirm = client.post("/curate/confirm/" + "a" * 22, data={**sent, "digest": "0" * 64})
        assert confirm.status_code == 403
    assert upload_files(project) == []
    assert "Signed in" in client.get("/curate").text  # the session goes on
    nothing_written(project, version)


def test_sign_out_ends_the_session(client: FlaskClient, project: Project, token: str) -> None:
    sign_in(client, token)
    out = client.post("/curate/logout", data={"csrf": csrf(client.get("/curate"))})
    assert out.status_code == 303
    assert "Max-Age=0" in cookies(out)["pg_curate"]
    assert session_folders(project) == []
    assert 'name="token"' in client.get("/curate").text


def test_an_expired_session_asks_for_the_token_again_and_is_removed(
    client: FlaskClient, app: Flask, project: Project, token: str
) -> None:
    sign_in(client, token)
    other = app.test_client()
    sign_in(other, token)
    first, second = session_folders(project)
    expired = json.loads((first / "session.json").read_text())
    expired["expires"] = time.time() - 1
    (first / "session.json").write_text(json.dumps(expired))
    one, two = client.get("/curate"), other.get("/curate")  # one of them is the expired one
    ended = one if 'name="token"' in one.text else two
    live = two if ended is one else one
    assert "your session has ended" in ended.text
    assert "Max-Age=0" in cookies(ended)["pg_curate"]
    assert "Signed in" in live.text
    assert session_folders(project) == [second]


def test_an_expired_session_is_removed_when_any_session_is_read(
    client: FlaskClient, app: Flask, project: Project, token: str
) -> None:
    sign_in(client, token)
    (idle,) = session_folders(project)
    record = json.loads((idle / "session.json").read_text())
    record["expires"] = time.time() - 1
    (idle / "session.json").write_text(json.dumps(record))
    other = app.test_client()
    sign_in(other, token)
    assert other.get("/curate").status_code == 200
    assert idle not in session_folders(project)
    assert len(session_folders(project)) == 1


def test_a_session_lasts_the_minutes_set(project: Project, token: str) -> None:
    app = _app(project.settings, curate_session_minutes=1)
    client = app.test_client()
    sign_in(client, token)
    (folder,) = session_folders(project)
    record = json.loads((folder / "session.json").read_text())
    assert 59 <= record["expires"] - record["created"] <= 61


def test_a_revoked_token_ends_the_session_at_its_next_request(
    client: FlaskClient, project: Project, token: str
) -> None:
    sign_in(client, token)
    assert "Signed in" in client.get("/curate").text
    assert revoke(project.settings, "curator")
    page = client.get("/curate")
    assert 'name="token"' in page.text
    assert "token was revoked" in page.text
    assert session_folders(project) == []
    after = upload(client, PNG)
    assert after.status_code == 401
    assert upload_files(project) == []


def test_a_replaced_token_ends_the_session(
    client: FlaskClient, project: Project, token: str
) -> None:
    sign_in(client, token)
    create(project.settings, "curator", replace=True)
    assert 'name="token"' in client.get("/curate").text


class Clock:
    """A wall clock the test moves."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_a_session_in_use_goes_on_and_ends_when_idle_or_at_most_after_12_hours(
    tmp_path: Path,
) -> None:
    clock = Clock()
    sessions = Sessions(tmp_path / "sessions", 60, clock)
    session_id, session = sessions.start("0" * 64, EVERYONE)
    last = session.created + MAX_HOURS * 3600
    for _ in range(14):  # used every 50 minutes for 11 h 40 min: each use moves its end on
        clock.now += 50 * 60
        found = sessions.find(session_id)
        assert found is not None
        assert found.expires == min(clock.now + 3600, last)
    clock.now += 50 * 60
    assert sessions.find(session_id) is None  # past 12 hours, however busy
    other_id, _ = sessions.start("0" * 64, EVERYONE)
    clock.now += 61 * 60  # idle for longer than its minutes
    assert sessions.find(other_id) is None
    assert list((tmp_path / "sessions").iterdir()) == []
    assert sessions.find("not an id") is None


def test_a_short_session_is_renewed_within_its_minutes(tmp_path: Path) -> None:
    clock = Clock()
    sessions = Sessions(tmp_path / "sessions", 1, clock)
    session_id, _ = sessions.start("0" * 64, EVERYONE)
    for _ in range(5):
        clock.now += 40
        assert sessions.find(session_id) is not None


# ---- Uploads ---------------------------------------------------------------------------


class _Unread(io.RawIOBase):
    """A request body of ``size`` bytes that counts what is read of it."""

    def __init__(self, size: int) -> None:
        self.size, self.position, self.read_bytes = size, 0, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = 0) -> int:
        self.position = (offset, self.position + offset, self.size + offset)[whence]
        return self.position

    def readinto(self, buffer: Any) -> int:
        count = min(len(buffer), self.size - self.position)
        buffer[:count] = b"x" * count
        self.position += count
        self.read_bytes += count
        return count


def test_an_upload_over_the_limit_is_413_before_its_body_is_read(
    client: FlaskClient, project: Project, token: str
) -> None:
    version = snapshots.current_version(project.settings)
    sign_in(client, token)
    body = _Unread(50_000_000)
    answer = client.post(
        "/curate/upload",
        input_stream=body,
        content_type="multipart/form-data; boundary=x",
    )
    assert answer.status_code == 413
    assert body.read_bytes == 0
    assert "larger than 0.3 MB" in answer.text
    assert answer.headers["Cache-Control"] == "no-store"
    # a file just over the limit in a body within the form's allowance: refused too
    over = upload(client, b"a,b\n" + b"x" * UPLOAD_LIMIT, "big.csv")
    assert over.status_code == 413
    assert upload_files(project) == []
    nothing_written(project, version)


def test_a_png_named_xlsx_is_refused_by_its_content(
    client: FlaskClient, project: Project, token: str
) -> None:
    sign_in(client, token)
    refused = upload(client, PNG, "partners.xlsx")
    assert refused.status_code == 400
    assert "partners.xlsx" in refused.text
    assert "not a spreadsheet" in refused.text
    assert 'type="file"' in refused.text  # the upload form again
    assert upload_files(project) == []


def test_a_macro_enabled_workbook_is_refused(
    client: FlaskClient, project: Project, token: str
) -> None:
    book = openpyxl.Workbook()
    plain = io.BytesIO(_saved(book))
    macro = io.BytesIO()
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(macro, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0macro")
    sign_in(client, token)
    refused = upload(client, macro.getvalue(), "macro.xlsx")
    assert refused.status_code == 400
    assert "macro-enabled" in refused.text
    assert upload_files(project) == []


def test_markup_in_a_sheet_name_a_cell_and_a_file_name_is_shown_as_text(
    client: FlaskClient, token: str
) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = MARKUP
    sheet.append(["<b>heading</b>", "other"])
    sheet.append(["<img src=x onerror=alert(2)>", "value"])
    sign_in(client, token)
    page = previewed(client, _saved(book), "<i>file<b>.xlsx")
    body = page.text
    assert MARKUP not in body
    assert "<b>heading</b>" not in body
    assert "<i>file<b>" not in body
    assert "&lt;script&gt;alert(1)" in body
    assert "&lt;i&gt;file&lt;b&gt;.xlsx" in body
    assert 'action="/curate/confirm/' not in body  # problems: nothing to confirm


# ---- Preview, confirm, cancel ----------------------------------------------------------


def test_the_preview_shows_the_change_and_confirm_writes_it(
    client: FlaskClient, project: Project, token: str
) -> None:
    data = workbook(project.settings, [LAHTI_LUND])
    version = snapshots.current_version(project.settings)
    sign_in(client, token)
    page = previewed(client, data)
    assert "lahti.xlsx" in page.text
    assert version is not None
    assert version[:12] in page.text
    assert "new partnership Lahti - Lund twin towns" in page.text
    assert "<details>" in page.text
    assert "TX ." in page.text  # the RDF Patch
    assert "&lt;https://w3id.org/partnergraph/id/city/lahti&gt;" in page.text
    assert len(upload_files(project)) == 1
    nothing_written(project, version)  # a preview writes nothing
    action, form = confirm_form(page)
    written = client.post(action, data=form)
    assert written.status_code == 200, written.text
    entries = list(log.entries(project.settings.changes_dir))
    assert [e.number for e in entries] == [1]
    assert entries[0].who == "curator"
    assert 'href="/changes/1"' in written.text
    assert 'href="/doc/city/lahti"' in written.text
    assert upload_files(project) == []
    lahti = client.get("/doc/city/lahti", headers={"Accept": "text/html"})
    assert lahti.status_code == 200
    assert re.search(r'<a href="/doc/city/lund"[^>]*>Lund</a>', lahti.text)
    again = client.post(action, data=form)  # sent twice: the upload is gone
    assert again.status_code == 404
    assert len(list(log.entries(project.settings.changes_dir))) == 1


def test_the_same_file_again_changes_nothing(
    client: FlaskClient, project: Project, token: str
) -> None:
    data = workbook(project.settings, [LAHTI_LUND])
    sign_in(client, token)
    action, form = confirm_form(previewed(client, data))
    assert client.post(action, data=form).status_code == 200
    page = previewed(client, data)
    assert "Nothing to change: the data already says this." in page.text
    assert 'action="/curate/confirm/' not in page.text
    assert len(list(log.entries(project.settings.changes_dir))) == 1


def test_problems_are_shown_by_sheet_row_and_column_without_confirm(
    client: FlaskClient, project: Project, token: str
) -> None:
    without_source = {**LAHTI_LUND, "source": None}
    data = workbook(project.settings, [without_source])
    version = snapshots.current_version(project.settings)
    sign_in(client, token)
    page = previewed(client, data)
    assert "Problems to correct" in page.text
    row = re.search(r"<tbody>\s*<tr><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td>", page.text)
    assert row, page.text
    assert row.groups()[:2] == ("Partnerships", "2")
    assert 'action="/curate/confirm/' not in page.text
    assert 'action="/curate/cancel/' in page.text
    assert "Upload a corrected file" in page.text
    nothing_written(project, version)


def test_a_confirm_after_the_data_changed_is_409_and_writes_nothing(
    client: FlaskClient, project: Project, token: str
) -> None:
    data = workbook(project.settings, [LAHTI_LUND])
    sign_in(client, token)
    page = previewed(client, data)
    action, form = confirm_form(page)
    # someone else writes the same partnership meanwhile: the file now changes nothing
    made = importing.plan(project.settings, data, "lahti.xlsx")
    commit.write(project.settings, ApplyChange(made.change), EVERYONE)
    version = snapshots.current_version(project.settings)
    late = client.post(action, data=form)
    assert late.status_code == 409
    assert "The data changed since the preview" in late.text
    preview_url = action.replace("/confirm/", "/preview/")
    assert f'href="{preview_url}"' in late.text
    assert len(list(log.entries(project.settings.changes_dir))) == 1
    assert snapshots.current_version(project.settings) == version
    assert "Nothing to change" in client.get(preview_url).text


def test_a_confirm_with_another_digest_is_409(
    client: FlaskClient, project: Project, token: str
) -> None:
    data = workbook(project.settings, [LAHTI_LUND])
    version = snapshots.current_version(project.settings)
    sign_in(client, token)
    action, form = confirm_form(previewed(client, data))
    refused = client.post(action, data={**form, "digest": "0" * 64})
    assert refused.status_code == 409
    nothing_written(project, version)


def test_cancel_removes_the_upload(client: FlaskClient, project: Project, token: str) -> None:
    data = workbook(project.settings, [LAHTI_LUND])
    sign_in(client, token)
    page = previewed(client, data)
    cancel = re.search(r'action="(/curate/cancel/[^"]+)"', page.text)
    assert cancel
    assert len(upload_files(project)) == 1
    answer = client.post(cancel.group(1), data={"csrf": csrf(page)})
    assert answer.status_code == 303
    assert upload_files(project) == []
    assert client.get(cancel.group(1).replace("/cancel/", "/preview/")).status_code == 404
    assert list(log.entries(project.settings.changes_dir)) == []


def test_an_upload_of_another_session_is_not_found(
    client: FlaskClient, app: Flask, token: str, project: Project
) -> None:
    data = workbook(project.settings, [LAHTI_LUND])
    sign_in(client, token)
    location = upload(client, data).headers["Location"]
    other = app.test_client()
    sign_in(other, token)
    assert other.get(location).status_code == 404


def test_the_template_and_the_export_are_workbooks(client: FlaskClient, token: str) -> None:
    pytest.importorskip("partnergraph.curation.template")
    sign_in(client, token)
    for url, name in (
        ("/curate/template?lang=fi", "partnergraph-template-fi.xlsx"),
        ("/curate/export?lang=sv", "partnergraph-"),
    ):
        answer = client.get(url)
        assert answer.status_code == 200, answer.text
        assert answer.mimetype == XLSX
        assert f'attachment; filename="{name}' in answer.headers["Content-Disposition"]
        assert answer.headers["Cache-Control"] == "no-store"
        book = openpyxl.load_workbook(io.BytesIO(answer.data), read_only=True)
        assert len(book.sheetnames) >= 5
    assert client.get("/curate/export", base_url="http://localhost").status_code == 200


def test_the_downloads_need_a_session(client: FlaskClient) -> None:
    for url in ("/curate/template", "/curate/export", "/curate/preview/" + "a" * 22):
        answer = client.get(url)
        assert answer.status_code == 401
        assert 'name="token"' in answer.text


def test_every_answer_under_curate_is_not_stored(client: FlaskClient, token: str) -> None:
    answers = [
        client.get("/curate"),
        client.post("/curate/session", data={}),
        client.get("/curate/nothing-here"),
        client.get("/curate/upload"),
    ]
    sign_in(client, token)
    answers += [client.get("/curate"), client.get("/curate/preview/bad")]
    assert [a.status_code for a in answers] == [200, 403, 404, 405, 200, 404]
    for answer in answers:
        assert answer.headers["Cache-Control"] == "no-store"
        assert "frame-ancestors 'none'" in answer.headers["Content-Security-Policy"]
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")
