"""The OpenAPI 3.1 description of the named-query API, made from the query headers.

https://spec.openapis.org/oas/v3.1.0

One path per named query (``/api/queries/{name}``), its parameters typed as the
header declares them (JSON Schema 2020-12): a concept parameter lists the
concepts of its scheme as an ``enum`` (their short names, then their IRIs), an
``iri`` parameter gives its class in words and an example IRI. The paging and
format parameters are shared components. The document is data only: the web
layer serves it, the test suite validates it (openapi-spec-validator) and runs
schemathesis against it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

import partnergraph
from partnergraph.queries.binding import expectation, short_names
from partnergraph.queries.files import NamedQuery
from partnergraph.queries.types import INTEGER_RANGE, LEXICAL, Parameter, resolve_iri

OPENAPI_VERSION: Final = "3.1.0"
#: The ``format`` values of the API, in order of preference (JSON rows first).
FORMAT_NAMES: Final = ("json", "srj", "csv", "html")
#: The media type of each ``format`` value.
FORMAT_MEDIA_TYPES: Final[Mapping[str, str]] = {
    "json": "application/json",
    "srj": "application/sparql-results+json",
    "csv": "text/csv",
    "html": "text/html",
}
_REF = "#/components/"
_VALUE_TYPES: Final = ["string", "number", "boolean", "null"]


def document(
    queries: Sequence[NamedQuery],
    base_iri: str,
    concepts: Callable[[str], Sequence[str]],
    *,
    page_size: int,
    row_cap: int,
    server: str = "/",
) -> dict[str, Any]:
    """The OpenAPI 3.1 document of the API.

    Args:
        queries: the named queries.
        base_iri: the configured base IRI (examples and classes are resolved against it).
        concepts: the IRIs of the concepts of a scheme, for the ``enum`` of a concept
            parameter.
        page_size: the default ``limit``.
        row_cap: the largest ``offset + limit``.
        server: the URL the API's paths are under (relative: the document's host).

    Returns:
        The document, ready for ``json.dumps``.
    """
    paths: dict[str, Any] = {"/api/queries": {"get": _list_operation()}}
    for query in queries:
        paths[f"/api/queries/{query.name}"] = {"get": _query_operation(query, base_iri, concepts)}
    tags = sorted({tag for query in queries for tag in query.tags})
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "partnergraph named queries",
            "version": partnergraph.__version__,
            "summary": "The named SPARQL queries of partnergraph as a web API.",
            "description": (
                "Each named query of the knowledge graph of municipalities' international "
                "relations answers with a table of rows: JSON (typed values), SPARQL JSON, "
                "CSV or an HTML table, chosen by Accept or by the format parameter. "
                "Parameter values are bound to the query as RDF terms, never pasted into "
                "its text. Pages are chosen with limit and offset; the response's Link "
                "header points to the next and previous pages."
            ),
            "license": {"name": "CC0 1.0 (the data)", "identifier": "CC0-1.0"},
        },
        "servers": [{"url": server}],
        "tags": [{"name": tag} for tag in tags],
        "paths": paths,
        "components": _components(page_size, row_cap),
    }


def parameter_schema(
    param: Parameter, base_iri: str, concepts: Callable[[str], Sequence[str]]
) -> dict[str, Any]:
    """The JSON Schema of a parameter's value in a request."""
    schema: dict[str, Any]
    if param.type == "concept":
        iris = list(concepts(resolve_iri(param.scheme or "", base_iri)))
        schema = {"type": "string", "enum": [*sorted(short_names(iris)), *iris]}
    elif param.type == "integer":
        schema = {"type": "integer", "minimum": INTEGER_RANGE[0], "maximum": INTEGER_RANGE[1]}
    elif param.type == "date":
        schema = {"type": "string", "format": "date"}
    elif param.type in LEXICAL:
        schema = {"type": "string", "pattern": f"^{LEXICAL[param.type].pattern}$"}
    elif param.type == "iri" and not param.cls:
        schema = {"type": "string", "format": "iri"}
    else:
        schema = {"type": "string", "minLength": 1}
    if param.default is not None:
        schema["default"] = request_form(param.type, param.default, base_iri)
    return schema


def request_form(kind: str, value: str, base_iri: str) -> str | int:
    """A header value (default, example) as a request writes it."""
    if kind in {"iri", "concept"}:
        return resolve_iri(value, base_iri)
    if kind == "integer":
        return int(value)
    return value


def _query_operation(
    query: NamedQuery, base_iri: str, concepts: Callable[[str], Sequence[str]]
) -> dict[str, Any]:
    parameters: list[dict[str, Any]] = []
    for param in query.parameters:
        words = param.description.rstrip(".")
        item: dict[str, Any] = {
            "name": param.name,
            "in": "query",
            "required": param.required,
            "description": f"{words}. Expects {expectation(param, base_iri)}.".lstrip(". "),
            "schema": parameter_schema(param, base_iri, concepts),
        }
        if param.example is not None:
            item["example"] = request_form(param.type, param.example, base_iri)
        parameters.append(item)
    parameters += [{"$ref": f"{_REF}parameters/{name}"} for name in ("limit", "offset", "format")]
    if query.columns:
        row: dict[str, Any] = {
            "type": "object",
            "properties": {name: {"type": _VALUE_TYPES} for name in query.columns},
            "required": list(query.columns),
            "additionalProperties": False,
        }
    else:
        row = {"type": "object", "additionalProperties": {"type": _VALUE_TYPES}}
    return {
        "operationId": query.name,
        "summary": query.title,
        "description": query.description,
        "tags": list(query.tags),
        "parameters": parameters,
        "responses": {
            "200": {
                "description": "A page of the query's rows.",
                "headers": {
                    "Link": {"$ref": f"{_REF}headers/Link"},
                    "X-Partnergraph-Truncated": {"$ref": f"{_REF}headers/Truncated"},
                },
                "content": {
                    "application/json": {"schema": {"type": "array", "items": row}},
                    "application/sparql-results+json": {
                        "schema": {"$ref": f"{_REF}schemas/SparqlResults"}
                    },
                    "text/csv": {"schema": {"type": "string"}},
                    "text/html": {"schema": {"type": "string"}},
                },
            },
            **_errors("400", "406", "502", "503"),
        },
    }


def _list_operation() -> dict[str, Any]:
    return {
        "operationId": "list-queries",
        "summary": "The named queries",
        "description": "Every named query with its title, description, tags and parameters.",
        "parameters": [
            {
                "name": "format",
                "in": "query",
                "description": "The format of the answer, instead of Accept: json or html.",
                "schema": {"type": "string", "enum": ["json", "html"]},
            }
        ],
        "responses": {
            "200": {
                "description": "The named queries, by name.",
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "array",
                            "items": {"$ref": f"{_REF}schemas/QuerySummary"},
                        }
                    },
                    "text/html": {"schema": {"type": "string"}},
                },
            },
            **_errors("400", "406"),
        },
    }


_ERROR_WORDS: Final = {
    "400": "A parameter is missing, malformed or of the wrong type; the detail names it.",
    "406": "No format the client accepts can carry the answer.",
    "502": "The store cannot answer.",
    "503": "The query ran past the time or memory limit and was stopped.",
}


def _errors(*statuses: str) -> dict[str, Any]:
    content = {
        "application/json": {"schema": {"$ref": f"{_REF}schemas/Error"}},
        "text/html": {"schema": {"type": "string"}},
    }
    return {
        status: {"description": _ERROR_WORDS[status], "content": content} for status in statuses
    }


def _components(page_size: int, row_cap: int) -> dict[str, Any]:
    term = {
        "type": "object",
        "required": ["type", "value"],
        "properties": {
            "type": {"enum": ["uri", "literal", "bnode", "triple"]},
            "value": {},
            "xml:lang": {"type": "string"},
            "datatype": {"type": "string"},
        },
    }
    summary_parameter = {
        "type": "object",
        "required": ["name", "type", "required", "description", "expects"],
        "properties": {
            "name": {"type": "string"},
            "type": {"type": "string"},
            "required": {"type": "boolean"},
            "description": {"type": "string"},
            "expects": {"type": "string"},
            "default": {"type": ["string", "integer"]},
            "example": {"type": ["string", "integer"]},
        },
    }
    return {
        "parameters": {
            "limit": {
                "name": "limit",
                "in": "query",
                "description": (
                    f"The most rows of the page (default {page_size}); "
                    f"offset + limit may not exceed the row cap, {row_cap}."
                ),
                "schema": {"type": "integer", "minimum": 1, "maximum": row_cap},
            },
            "offset": {
                "name": "offset",
                "in": "query",
                "description": "How many rows to skip (default 0).",
                "schema": {"type": "integer", "minimum": 0, "maximum": row_cap - 1},
            },
            "format": {
                "name": "format",
                "in": "query",
                "description": (
                    "The format of the answer, instead of Accept: json (rows of typed "
                    "values), srj (SPARQL 1.1 Query Results JSON), csv (SPARQL 1.1 CSV), "
                    "html (a table)."
                ),
                "schema": {"type": "string", "enum": list(FORMAT_NAMES)},
            },
        },
        "headers": {
            "Link": {
                "description": (
                    "RFC 8288 links to the first, previous and next pages (rel first, prev, next)."
                ),
                "schema": {"type": "string"},
            },
            "Truncated": {
                "description": (
                    "true when the result has more rows than the row cap; they cannot be paged to."
                ),
                "schema": {"type": "string", "enum": ["true"]},
            },
        },
        "schemas": {
            "Error": {
                "type": "object",
                "required": ["error"],
                "properties": {
                    "error": {
                        "type": "object",
                        "required": ["status", "title", "detail"],
                        "properties": {
                            "status": {"type": "integer"},
                            "title": {"type": "string"},
                            "detail": {"type": "string"},
                        },
                    }
                },
            },
            "SparqlResults": {
                "type": "object",
                "required": ["head", "results"],
                "properties": {
                    "head": {
                        "type": "object",
                        "required": ["vars"],
                        "properties": {
                            "vars": {"type": "array", "items": {"type": "string"}},
                            "link": {"type": "array", "items": {"type": "string"}},
                        },
                    },
                    "results": {
                        "type": "object",
                        "required": ["bindings"],
                        "properties": {
                            "bindings": {
                                "type": "array",
                                "items": {"type": "object", "additionalProperties": term},
                            }
                        },
                    },
                },
            },
            "QuerySummary": {
                "type": "object",
                "required": [
                    "name",
                    "title",
                    "description",
                    "tags",
                    "url",
                    "example",
                    "parameters",
                ],
                "properties": {
                    "name": {"type": "string"},
                    "title": {"type": "string"},
                    "description": {"type": "string"},
                    "tags": {"type": "array", "items": {"type": "string"}},
                    "url": {"type": "string"},
                    "example": {"type": "string"},
                    "parameters": {"type": "array", "items": summary_parameter},
                },
            },
        },
    }
