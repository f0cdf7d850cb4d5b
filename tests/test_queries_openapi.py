"""The OpenAPI 3.1 document made from the query headers: valid, and true to the headers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

from partnergraph.queries import load_queries
from partnergraph.queries.openapi import document

from .paths import BASE, ROOT

QUERIES = load_queries(ROOT / "queries")
TYPES = BASE + "def/partnership-type"


def concepts(scheme: str) -> Sequence[str]:
    return {TYPES: [f"{TYPES}/twin-town", f"{TYPES}/cooperation-agreement"]}.get(scheme, [])


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    return document(QUERIES, BASE, concepts, page_size=100, row_cap=10_000)


def operation(spec: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = spec["paths"][f"/api/queries/{name}"]["get"]
    return found


def parameter(spec: dict[str, Any], query: str, name: str) -> dict[str, Any]:
    return next(p for p in operation(spec, query)["parameters"] if p.get("name") == name)


def test_the_document_is_valid_openapi_3_1(spec: dict[str, Any]) -> None:
    validate(spec)
    assert spec["openapi"] == "3.1.0"


def test_the_validator_would_catch_a_broken_document(spec: dict[str, Any]) -> None:
    broken = {**spec, "paths": {"/api/queries/x": {"get": {"responses": {"200": {}}}}}}
    with pytest.raises(OpenAPIValidationError):
        validate(broken)


def test_every_query_is_an_operation_with_its_parameters(spec: dict[str, Any]) -> None:
    assert set(spec["paths"]) == {"/api/queries"} | {f"/api/queries/{q.name}" for q in QUERIES}
    for query in QUERIES:
        op = operation(spec, query.name)
        assert op["operationId"] == query.name
        assert op["summary"] == query.title
        names = [p.get("name") or p["$ref"].rsplit("/", 1)[1] for p in op["parameters"]]
        assert names == [p.name for p in query.parameters] + ["limit", "offset", "format"]
        row = op["responses"]["200"]["content"]["application/json"]["schema"]["items"]
        assert row["required"] == list(query.columns)


def test_parameters_are_typed_as_their_headers_say(spec: dict[str, Any]) -> None:
    period = "partnerships-by-period"
    assert parameter(spec, period, "type")["schema"]["enum"] == [
        "cooperation-agreement",
        "twin-town",
        f"{TYPES}/twin-town",
        f"{TYPES}/cooperation-agreement",
    ]
    assert parameter(spec, period, "from")["schema"] == {"type": "string", "pattern": "^[0-9]{4}$"}
    assert parameter(spec, period, "from")["example"] == "1940"
    figures = "figures"
    assert parameter(spec, figures, "since")["schema"] == {"type": "string", "format": "date"}
    assert parameter(spec, figures, "atLeast")["schema"]["type"] == "integer"
    assert parameter(spec, figures, "atLeast")["example"] == 100000
    city = parameter(spec, "partners-of-city", "city")
    assert city["example"] == BASE + "id/city/lund"
    assert "the IRI of a schema:City in the graph, or its slug" in city["description"]
    assert parameter(spec, "partners-of-city", "lang")["schema"]["default"] == "en"
    assert parameter(spec, "describe-resource", "resource")["required"] is True
    assert parameter(spec, "describe-resource", "resource")["schema"]["format"] == "iri"


def test_paging_is_bounded_by_the_row_cap() -> None:
    small = document(QUERIES, BASE, concepts, page_size=10, row_cap=50)
    limit = small["components"]["parameters"]["limit"]
    assert limit["schema"] == {"type": "integer", "minimum": 1, "maximum": 50}
    assert "default 10" in limit["description"]
