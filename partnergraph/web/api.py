"""The ``/api`` blueprint: the named queries of ``queries/`` as a web API.

| route | answers |
| --- | --- |
| ``/api/`` | the documentation of the API, for people (HTML) |
| ``/api/queries`` | the named queries: JSON, or an HTML list |
| ``/api/queries/{name}`` | one query, run with the query string's parameters: JSON, CSV, HTML |
| ``/api/openapi.json`` | the OpenAPI 3.1 description, made from the query headers |

A query answers in JSON rows, SPARQL JSON, CSV or an HTML table, one page
(``limit``, ``offset``) at a time, with ``Link`` headers to the other pages. A
request for HTML (a browser) that lacks a required parameter gets the query's
page with a form for its parameters (:mod:`partnergraph.web.api_form`), a 200;
any other client gets the 400 that names the parameter.

Warning:
    Every parameter value is untrusted. It is checked against its declared type
    and bound to the query as an RDF term (:func:`partnergraph.queries.binding.bind`),
    never pasted into its text; paging cuts the answer, not the query
    (:mod:`partnergraph.web.api_render`). The query runs through the app's query
    service, so the endpoint's time limit, row cap and worker processes apply.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Final
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, render_template, request

from partnergraph import formats
from partnergraph.errors import NotFound
from partnergraph.formats import Kind
from partnergraph.queries import NamedQuery, ParameterError, rebase
from partnergraph.queries.binding import bind, expectation
from partnergraph.queries.lookup import ServiceLookup
from partnergraph.queries.openapi import document, request_form
from partnergraph.queries.results import read_table
from partnergraph.queries.types import RESERVED
from partnergraph.store import row_cap_link
from partnergraph.store.base import QueryForm, QueryRequest
from partnergraph.web import api_form
from partnergraph.web import api_render as render
from partnergraph.web.editor import named_queries
from partnergraph.web.state import once, state

bp = Blueprint("api", __name__, url_prefix="/api")

#: Where the app keeps the API's graph lookups (the concepts of a scheme are remembered).
LOOKUP: Final = "partnergraph.api.lookup"
OPENAPI_MEDIA_TYPE: Final = "application/vnd.oai.openapi+json;version=3.1"


@bp.get("/")
def docs() -> Response:
    """The documentation of the API, for people."""
    settings = state().settings
    return render.html_response(
        render_template(
            "api/docs.html",
            queries=[_summary(query) for query in named_queries()],
            page_size=min(settings.api_page_size, settings.row_cap),
            row_cap=settings.row_cap,
        )
    )


@bp.get("/queries")
def index() -> Response:
    """The named queries, as JSON or an HTML list."""
    fmt = render.choose_format(render.list_formats(), request.args)
    summaries = [_summary(query) for query in named_queries()]
    if fmt.kind is Kind.PAGE:
        return render.html_response(render_template("api/index.html", queries=summaries))
    body = json.dumps(summaries, ensure_ascii=False, indent=1)
    return render.with_headers(Response(body, content_type=fmt.content_type), {}, cut=False)


@bp.get("/queries/<name>")
def run(name: str) -> Response:
    """Run one named query with the parameters of the query string, one page of it."""
    query = _query(name)
    current = state()
    settings = current.settings
    fmt = render.choose_format(render.table_formats(), request.args)
    try:
        page = render.read_page(request.args, settings)
        given = _given(query)
        missing = [p.name for p in query.parameters if p.required and not given.get(p.name)]
        if missing and fmt.kind is Kind.PAGE:  # a person opening the query: its form
            return render.html_response(_query_page(query, None, missing=missing))
        bindings = bind(query, given, settings.base_iri, _lookup())
    except ParameterError as exc:
        if fmt.kind is not Kind.PAGE:
            raise
        return render.html_response(_query_page(query, None, error=str(exc)), status=400)
    sparql_json = formats.by_key("json")
    if sparql_json is None:  # pragma: no cover - the registry always has SPARQL JSON
        abort(500)
    cap = min(page.end + 1, settings.row_cap)
    request_ = QueryRequest(
        rebase(query.query, settings.base_iri), QueryForm.SELECT, row_cap=cap, bindings=bindings
    )
    result = current.service.run(request_, sparql_json)
    table = read_table(result.body)
    cut = result.truncated and page.end >= settings.row_cap
    links = render.page_links(page, more=len(table.rows) > page.end)
    window = table.window(page.offset, page.limit)
    if fmt.kind is Kind.PAGE:
        body = _query_page(query, {"table": window, "links": links, "cut": cut, "page": page})
        return render.with_headers(render.html_response(body), links, cut)
    return render.table_response(window, fmt, links, cut, row_cap_link(settings))


@bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3.1 description of the API."""
    settings = state().settings
    spec = document(
        named_queries(),
        settings.base_iri,
        _lookup().concepts,
        page_size=min(settings.api_page_size, settings.row_cap),
        row_cap=settings.row_cap,
        server=request.script_root or "/",
    )
    body = json.dumps(spec, ensure_ascii=False, indent=1)
    return Response(body, content_type=OPENAPI_MEDIA_TYPE)


def _query(name: str) -> NamedQuery:
    for query in named_queries():
        if query.name == name:
            return query
    raise NotFound(f"there is no named query {name!r}; /api/queries lists them")


def _lookup() -> ServiceLookup:
    """The graph lookups of the request's snapshot (the concepts of a scheme are remembered)."""
    return once(LOOKUP, lambda: ServiceLookup(state().service))


def _given(query: NamedQuery) -> dict[str, str]:
    """The call's parameter values by name.

    Raises:
        ParameterError: a parameter the query does not take, or one given twice.
    """
    given: dict[str, str] = {}
    for name in request.args:
        if name in RESERVED:
            continue
        if query.parameter(name) is None:
            takes = ", ".join(p.name for p in query.parameters) or "no parameters of its own"
            raise ParameterError(
                name,
                f"is no parameter of {query.name}: it takes {takes} (and limit, offset, format)",
            )
        values = request.args.getlist(name)
        if len(values) > 1:
            raise ParameterError(name, "is given more than once")
        given[name] = values[0]
    return given


def _summary(query: NamedQuery) -> dict[str, Any]:
    """A query as the list and the documentation show it (JSON-ready)."""
    base = state().settings.base_iri
    parameters: list[dict[str, Any]] = []
    example: dict[str, str] = {}
    for param in query.parameters:
        item: dict[str, Any] = {
            "name": param.name,
            "type": param.type,
            "required": param.required,
            "description": param.description,
            "expects": expectation(param, base),
        }
        if param.default is not None:
            item["default"] = request_form(param.type, param.default, base)
        if param.example is not None:
            item["example"] = request_form(param.type, param.example, base)
            example[param.name] = str(item["example"])
        parameters.append(item)
    url = f"{request.script_root}/api/queries/{query.name}"
    return {
        "name": query.name,
        "title": query.title,
        "description": query.description,
        "tags": list(query.tags),
        "url": url,
        "parameters": parameters,
        "example": f"{url}?{urlencode(example)}" if example else url,
    }


def _query_page(
    query: NamedQuery,
    answer: dict[str, Any] | None,
    error: str = "",
    missing: Sequence[str] = (),
) -> str:
    """The HTML page of a query: its form, and its answer, what was wrong or what is missing."""
    base = state().settings.base_iri
    lookup = _lookup()
    rows = render.cells(answer["table"], base) if answer else []
    formats_ = {
        name: f"{request.script_root}{request.path}?"
        + urlencode(
            [
                *[(k, v) for k, v in request.args.items(multi=True) if k != "format"],
                ("format", name),
            ]
        )
        for name in ("json", "srj", "csv")
    }
    return render_template(
        "api/query.html",
        query=_summary(query),
        fields=api_form.fields(query, request.args, base, lookup.concepts, _slugs),
        text=rebase(query.query, base),
        values=request.args,
        answer=answer,
        rows=rows,
        error=error,
        missing=missing,
        formats=formats_,
    )


def _slugs(cls: str) -> tuple[str, ...]:
    """The slugs a form offers for an instance of ``cls``, looked up once per app."""
    base = state().settings.base_iri
    return once(f"api.slugs {cls}", lambda: api_form.slugs(_lookup().instances(cls), base))
