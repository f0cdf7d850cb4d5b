"""One error body everywhere: every error class gives the same JSON shape.

Every :class:`partnergraph.errors.PartnergraphError` subclass (those defined
anywhere in partnergraph, found by walking the hierarchy) and every Werkzeug
``HTTPException`` with a status is raised from a route of a real app; the body is
``{"error": {"status", "title", "detail"}}`` with the response's status. An
unexpected exception is a logged 500 that shows no stack trace.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.exceptions import HTTPException, default_exceptions

import partnergraph
from partnergraph.errors import PartnergraphError

from .webapp import web_app

SECRET = "s3cr3t-internal-detail"


def _load_every_module() -> None:
    for module in pkgutil.walk_packages(partnergraph.__path__, "partnergraph."):
        importlib.import_module(module.name)


def _subclasses(cls: type[PartnergraphError]) -> list[type[PartnergraphError]]:
    found = [cls]
    for sub in cls.__subclasses__():
        found.extend(_subclasses(sub))
    return found


_load_every_module()
PARTNERGRAPH_ERRORS = sorted(set(_subclasses(PartnergraphError)), key=lambda c: c.__qualname__)
HTTP_ERRORS = [default_exceptions[code] for code in sorted(default_exceptions)]
SAMPLES: dict[str, Any] = {"path": Path("graph/lund.trig"), "report": None, "line": 3}


def instance(cls: type[Exception]) -> Exception:
    """An instance of ``cls``, its required arguments filled with samples."""
    parameters = list(inspect.signature(cls.__init__).parameters.values())[1:]
    if any(p.kind is p.VAR_POSITIONAL for p in parameters):
        return cls(f"something about {cls.__name__} ({SECRET})")
    arguments = [
        SAMPLES.get(p.name, f"{p.name} of {cls.__name__}")
        for p in parameters
        if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
    return cls(*arguments)


ERRORS: list[type[Exception]] = [*PARTNERGRAPH_ERRORS, *HTTP_ERRORS, RuntimeError, KeyError]


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    with web_app("oxigraph", tmp_path_factory.mktemp("errors")) as made:

        def raise_error(index: int) -> str:
            raise instance(ERRORS[index])

        made.add_url_rule("/-/test-error/<int:index>", view_func=raise_error)
        yield made


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def expected_status(cls: type[Exception]) -> int:
    if issubclass(cls, PartnergraphError):
        return cls.status
    if issubclass(cls, HTTPException) and cls.code is not None:
        return cls.code
    return 500


@pytest.mark.parametrize("index", range(len(ERRORS)), ids=[c.__name__ for c in ERRORS])
def test_every_error_has_the_one_json_shape(client: FlaskClient, index: int) -> None:
    cls = ERRORS[index]
    response = client.get(f"/-/test-error/{index}", headers={"Accept": "application/json"})
    status = expected_status(cls)
    assert response.status_code == status
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert list(body) == ["error"]
    assert list(body["error"]) == ["status", "title", "detail"]
    assert body["error"]["status"] == status
    assert isinstance(body["error"]["title"], str)
    assert body["error"]["title"]
    assert isinstance(body["error"]["detail"], str)
    assert body["error"]["detail"]
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    text = response.get_data(as_text=True)
    assert "Traceback" not in text
    if status == 500:
        assert SECRET not in text


@pytest.mark.parametrize("index", range(len(ERRORS)), ids=[c.__name__ for c in ERRORS])
def test_html_for_a_client_that_prefers_html(client: FlaskClient, index: int) -> None:
    response = client.get(
        f"/-/test-error/{index}",
        headers={"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"},
    )
    assert response.status_code == expected_status(ERRORS[index])
    assert response.mimetype == "text/html"
    assert f"<h1>{response.status_code} " in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)


def test_a_client_error_says_what_is_wrong(client: FlaskClient) -> None:
    index = ERRORS.index(partnergraph.errors.BadRequest)
    body = client.get(f"/-/test-error/{index}").get_json()
    assert body == {
        "error": {
            "status": 400,
            "title": "Bad request",
            "detail": f"something about BadRequest ({SECRET})",
        }
    }


def test_an_unexpected_error_is_logged_with_its_stack(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    index = ERRORS.index(RuntimeError)
    response = client.get(f"/-/test-error/{index}")
    assert response.status_code == 500
    assert SECRET not in response.get_data(as_text=True)
    logged = [r for r in caplog.records if r.exc_info and SECRET in str(r.exc_info[1])]
    assert logged, "the unexpected error was not logged with its exception"


def test_a_405_names_the_allowed_methods(client: FlaskClient) -> None:
    response = client.delete("/sparql")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]
    assert response.get_json()["error"]["status"] == 405
