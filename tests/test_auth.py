"""Authentication of writes: 401, 403 and 429 from a real Flask app that calls the real functions.

The app is built here: one write route that calls
:func:`partnergraph.web.auth.authorise` and :func:`~partnergraph.web.auth.check_scope`
(the graphs it "changes" come from the query string), with the project's error
handlers, so every refusal is checked in the one JSON error body.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, request
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from partnergraph.settings import Settings, load
from partnergraph.web import errors
from partnergraph.web.auth import FAILURES_FOLDER, FailureCounter, authorise, check_scope
from partnergraph.writes import tokens

from .paths import BASE, ROOT

CHALLENGE = 'Bearer realm="partnergraph"'
INVALID = 'Bearer realm="partnergraph", error="invalid_token"'
NOTHING = "Nothing was changed."


def write_app(settings: Settings) -> Flask:
    """An app with one write route guarded as the write routes are."""
    app = Flask(__name__)
    errors.init_app(app)

    @app.post("/write")
    def write() -> dict[str, Any]:
        writer = authorise(settings, request)
        check_scope(writer, request.args.getlist("graph"))
        return {"writer": writer.name}

    return app


@pytest.fixture
def make(tmp_path: Path) -> Callable[..., Settings]:
    def made(**overrides: Any) -> Settings:
        values = {"tokens_file": tmp_path / "tokens.json", "output_dir": tmp_path / "out"}
        values.update(overrides)
        return load(values, environ={})

    return made


@pytest.fixture
def settings(make: Callable[..., Settings]) -> Settings:
    return make()


@pytest.fixture
def client(settings: Settings) -> FlaskClient:
    return write_app(settings).test_client()


def post(
    client: FlaskClient, token: str | None = None, address: str = "192.0.2.1", **kw: Any
) -> TestResponse:
    headers = {} if token is None else {"Authorization": f"Bearer {token}"}
    headers.update(kw.pop("headers", {}))
    return client.post(
        "/write", headers=headers, environ_base={"REMOTE_ADDR": address}, data="x", **kw
    )


def problem(response: TestResponse, status: int) -> str:
    """The detail of a refusal, after checking the one error body."""
    assert response.status_code == status
    body = response.get_json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"status", "title", "detail"}
    assert body["error"]["status"] == status
    detail: str = body["error"]["detail"]
    assert detail.endswith(NOTHING)
    return detail


def test_a_known_token_may_write(settings: Settings, client: FlaskClient) -> None:
    token = tokens.create(settings, "ci")
    response = post(client, token, query_string={"graph": f"{BASE}graph/lund"})
    assert response.status_code == 200
    assert response.get_json() == {"writer": "ci"}


def test_no_token_configured_refuses_every_write(settings: Settings, client: FlaskClient) -> None:
    response = post(client)
    assert "No write tokens are configured" in problem(response, 401)
    assert response.headers["WWW-Authenticate"] == CHALLENGE
    response = post(client, "pg_guess")
    assert "No write tokens are configured" in problem(response, 401)
    assert response.headers["WWW-Authenticate"] == INVALID
    tokens.create(settings, "ci")
    assert tokens.revoke(settings, "ci")
    assert "No write tokens are configured" in problem(post(client, "pg_guess"), 401)


def test_a_missing_token_is_a_401_without_error_code(
    settings: Settings, client: FlaskClient
) -> None:
    tokens.create(settings, "ci")
    response = post(client)
    detail = problem(response, 401)
    assert "Authorization: Bearer <token>" in detail
    assert response.headers["WWW-Authenticate"] == CHALLENGE
    response = post(client, headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert "Basic credentials were sent" in problem(response, 401)
    assert response.headers["WWW-Authenticate"] == CHALLENGE
    response = post(client, headers={"Authorization": "Bearer "})
    assert "empty" in problem(response, 401)


def test_an_unknown_token_is_a_401_invalid_token(settings: Settings, client: FlaskClient) -> None:
    token = tokens.create(settings, "ci")
    response = post(client, token[:-1])
    assert "unknown or has been revoked" in problem(response, 401)
    assert response.headers["WWW-Authenticate"] == INVALID
    assert token[:-1] not in response.get_data(as_text=True)


def test_the_scheme_is_case_insensitive(settings: Settings, client: FlaskClient) -> None:
    token = tokens.create(settings, "ci")
    response = post(client, headers={"Authorization": f"bearer {token}"})
    assert response.status_code == 200


def test_a_revoke_holds_on_a_running_app(settings: Settings, client: FlaskClient) -> None:
    token = tokens.create(settings, "ci")
    tokens.create(settings, "other")
    assert post(client, token).status_code == 200
    assert tokens.revoke(settings, "ci")
    response = post(client, token)
    assert "revoked" in problem(response, 401)
    assert response.headers["WWW-Authenticate"] == INVALID


def test_a_graph_outside_the_scope_is_a_403_naming_it_and_the_token(
    settings: Settings, client: FlaskClient
) -> None:
    token = tokens.create(settings, "lund-editor", ["graph/lund-*"])
    inside, outside = f"{BASE}graph/lund-2024", f"{BASE}graph/malmo"
    assert post(client, token, query_string={"graph": [inside]}).status_code == 200
    response = post(client, token, query_string={"graph": [inside, outside, f"{BASE}graph/y"]})
    detail = problem(response, 403)
    assert "'lund-editor'" in detail
    assert outside in detail
    assert f"{BASE}graph/y" not in detail
    assert f"{BASE}graph/lund-*" in detail


def test_failures_past_the_limit_are_a_429_for_every_write_of_the_address(
    make: Callable[..., Settings],
) -> None:
    _away_from_a_minute_boundary()
    settings = make(auth_failures_per_minute=3)
    client = write_app(settings).test_client()
    token = tokens.create(settings, "ci")
    assert post(client, "pg_wrong").status_code == 401
    assert post(client).status_code == 401  # no token counts too
    assert post(client, token).status_code == 200  # a success does not reset the count
    assert post(client, "pg_wrong").status_code == 401
    response = post(client, token)  # the limit is reached: even a good token is refused
    detail = problem(response, 429)
    assert "192.0.2.1" in detail
    assert "(3 may)" in detail
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    assert "WWW-Authenticate" not in response.headers
    assert post(client, "pg_wrong").status_code == 429
    assert post(client, token, address="192.0.2.2").status_code == 200
    counter = FailureCounter(settings.output_dir / FAILURES_FOLDER, 3)
    assert counter.count("192.0.2.1") == 3  # a 429 is not counted as a failure


def test_a_new_minute_forgives(tmp_path: Path) -> None:
    now = [60 * 16_667 + 20.0]  # 20 s into a minute
    counter = FailureCounter(tmp_path / "failures", 2, clock=lambda: now[0])
    assert counter.retry_after("a") is None
    assert [counter.record("a"), counter.record("a")] == [1, 2]
    assert counter.retry_after("a") == 40
    assert counter.retry_after("b") is None
    now[0] += 39.5
    assert counter.retry_after("a") == 1
    now[0] += 0.5  # the next minute
    assert counter.count("a") == 0
    assert counter.retry_after("a") is None
    assert counter.record("a") == 1


def test_an_unusable_folder_counts_nothing_and_says_so(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    counter = FailureCounter(blocker / "failures", 1)
    assert counter.record("a") == 0
    assert counter.retry_after("a") is None
    assert "writes are checked without counting failures" in caplog.text


SECOND_PROCESS = """
import sys
from flask import Flask, request
from partnergraph.settings import load
from partnergraph.web import errors
from partnergraph.web.auth import authorise

settings = load(
    {"tokens_file": sys.argv[1], "output_dir": sys.argv[2], "auth_failures_per_minute": 5},
    environ={},
)
app = Flask("second")
errors.init_app(app)
app.add_url_rule("/write", "write", lambda: authorise(settings, request).name, methods=["POST"])
client = app.test_client()
statuses = [
    client.post(
        "/write",
        headers={"Authorization": "Bearer pg_wrong"},
        environ_base={"REMOTE_ADDR": "198.51.100.9"},
    ).status_code
    for _ in range(5)
]
print(statuses)
"""


def test_the_failure_count_is_shared_by_processes(make: Callable[..., Settings]) -> None:
    _away_from_a_minute_boundary()
    settings = make(auth_failures_per_minute=5)
    token = tokens.create(settings, "ci")
    client = write_app(settings).test_client()
    assert post(client, token, address="198.51.100.9").status_code == 200  # opens the count
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            SECOND_PROCESS,
            str(settings.tokens_file),
            str(settings.output_dir),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert done.stdout.strip() == "[401, 401, 401, 401, 401]"
    response = post(client, token, address="198.51.100.9")
    assert "5 may" in problem(response, 429)
    assert post(client, token, address="198.51.100.10").status_code == 200


def _away_from_a_minute_boundary() -> None:
    """Wait for the next minute when this one ends within 10 s (the counts are per minute)."""
    left = 60 - time.time() % 60
    if left < 10:
        time.sleep(left + 0.1)


def test_a_damaged_tokens_file_is_a_logged_500_and_no_write(
    settings: Settings, client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    settings.tokens_file.write_text("{not json")
    response = post(client, "pg_anything")
    assert response.status_code == 500
    assert "not json" not in response.get_data(as_text=True).lower()
    assert str(settings.tokens_file) in caplog.text
    counter = FailureCounter(settings.output_dir / FAILURES_FOLDER, 10)
    assert counter.count("192.0.2.1") == 0
