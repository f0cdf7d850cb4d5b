"""Property-based tests of the API from its own OpenAPI description (schemathesis).

schemathesis reads ``/api/openapi.json`` from the app (WSGI, no server) and
makes requests for every operation from its parameter schemas — values that fit
them (positive) and values that break them (negative) — and checks every
answer: never a 5xx, and the status, content type, headers and body as the
description declares them. Bounded and derandomised (Hypothesis draws the same
examples each run), so that CI sees the same requests every time.

(schemathesis' lazy ``from_fixture`` loader does not run under pytest 9, so each
operation gets a plain Hypothesis test over ``operation.as_strategy()``.)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from partnergraph.queries import load_queries

from .paths import ROOT
from .realapp import real_app

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
PATHS = ["/api/queries"] + [f"/api/queries/{q.name}" for q in load_queries(ROOT / "queries")]
EXAMPLES = 12


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    with real_app("oxigraph", tmp_path_factory.mktemp("schemathesis")) as made:
        yield made


@pytest.fixture(scope="module")
def api_schema(app: Flask) -> Any:
    return schemathesis.openapi.from_wsgi("/api/openapi.json", app)


def test_every_operation_is_described(api_schema: Any) -> None:
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert sorted(op.path for op in operations) == sorted(PATHS)


CASES = [
    pytest.param(path, mode, id=f"{path}-{mode.value}")
    for path in PATHS
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
]


@pytest.mark.slow
@pytest.mark.parametrize(("path", "mode"), CASES)
def test_the_api_keeps_its_description(api_schema: Any, path: str, mode: GenerationMode) -> None:
    operation = api_schema[path]["GET"]
    answered: list[int] = []

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case: schemathesis.Case) -> None:
        response = case.call_and_validate(checks=CHECKS)
        answered.append(response.status_code)

    check()
    assert answered
    if mode is GenerationMode.NEGATIVE:
        assert set(answered) & {400, 404, 406}, "no invalid request was refused"
