"""The named-query API: every query over the real graph, formats, parameters, pages, errors."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode

import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from werkzeug.test import TestResponse

from partnergraph.queries import NamedQuery, Parameter, load_queries, rebase, resolve_iri
from partnergraph.queries.openapi import request_form
from partnergraph.store.base import QueryRequest
from partnergraph.web.state import state

from .paths import BASE, ROOT
from .realapp import real_app
from .webapp import BACKENDS

QUERIES = load_queries(ROOT / "queries")
JSON = {"Accept": "application/json"}
HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
LUND = BASE + "id/city/lund"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    with real_app("oxigraph", tmp_path_factory.mktemp("api")) as made:
        yield made


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def error_of(response: TestResponse, status: int = 400) -> str:
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body["error"]) == {"status", "title", "detail"}
    assert body["error"]["status"] == status
    detail: str = body["error"]["detail"]
    return detail


def example_url(query: NamedQuery) -> str:
    """The query's URL with the examples of its header, as a request writes them."""
    values = {
        p.name: str(request_form(p.type, p.example, BASE))
        for p in query.parameters
        if p.example is not None
    }
    return f"/api/queries/{query.name}?{urlencode(values)}"


# ---- every query, every backend -------------------------------------------------------


@pytest.fixture(scope="module", params=BACKENDS)
def any_backend(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Flask]:
    with real_app(request.param, tmp_path_factory.mktemp(request.param)) as made:
        yield made


def same_rows(rows: list[dict[str, Any]]) -> list[str]:
    """Rows in an order- and concatenation-order-free form, to compare engines."""

    def norm(value: Any) -> Any:
        if isinstance(value, str) and any(sep in value for sep in (", ", " | ", " ")):
            return sorted(re.split(r", | \| | ", value))
        return value

    return sorted(json.dumps({k: norm(v) for k, v in row.items()}, sort_keys=True) for row in rows)


@pytest.mark.slow
@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
def test_every_query_answers_rows_for_its_examples_alike_on_every_backend(
    any_backend: Flask, client: FlaskClient, query: NamedQuery
) -> None:
    url = example_url(query) + "&limit=10000"
    response = any_backend.test_client().get(url, headers=JSON)

    assert response.status_code == 200, response.get_data(as_text=True)
    rows = response.get_json()
    assert rows, f"{query.name} gives no rows for its examples"
    for param in query.parameters:
        if param.example is not None:
            assert all(row[param.name] is not None for row in rows), param.name
    assert same_rows(rows) == same_rows(client.get(url, headers=JSON).get_json())


def test_the_list_names_every_query_with_its_parameters(client: FlaskClient) -> None:
    listed = client.get("/api/queries", headers=JSON)

    assert listed.status_code == 200
    assert listed.content_type == "application/json"
    assert [q["name"] for q in listed.get_json()] == [q.name for q in QUERIES]
    partners = next(q for q in listed.get_json() if q["name"] == "partners-of-city")
    assert partners["url"] == "/api/queries/partners-of-city"
    assert partners["example"] == example_url(
        QUERIES[[q.name for q in QUERIES].index(partners["name"])]
    )
    assert partners["parameters"][0] == {
        "name": "city",
        "type": "iri",
        "required": False,
        "description": "The municipality whose partners are listed.",
        "expects": (
            "the IRI of a schema:City in the graph, or its slug (the last segment of its IRI)"
        ),
        "example": LUND,
    }
    page = client.get("/api/queries", headers=HTML)
    assert page.content_type == "text/html; charset=utf-8"
    for query in QUERIES:
        assert f'href="/api/queries/{query.name}"' in page.get_data(as_text=True)


def test_the_documentation_page_describes_every_query(client: FlaskClient) -> None:
    page = client.get("/api/")

    assert page.status_code == 200
    text = page.get_data(as_text=True)
    for query in QUERIES:
        assert f'id="{query.name}"' in text
    # no inline script may run: only this site's own files (the site search's)
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in page.headers["Content-Security-Policy"]
    assert re.findall(r"<script(?![^>]*\bsrc=)", text) == []


def test_the_editor_has_the_same_queries_as_tabs(client: FlaskClient) -> None:
    page = client.get("/sparql", headers=HTML).get_data(as_text=True)
    for query in QUERIES:
        assert json.dumps(query.title)[1:-1] in page or query.title in page


# ---- formats --------------------------------------------------------------------------


def test_json_rows_have_typed_values(client: FlaskClient) -> None:
    response = client.get("/api/queries/completeness-report?city=lund", headers=JSON)

    assert response.status_code == 200
    assert response.content_type == "application/json"
    twin = next(row for row in response.get_json() if row["typeName"] == "twin town")
    assert twin["declared"] == 8
    assert isinstance(twin["listed"], int)
    assert twin["city"] == LUND


def test_sparql_json_keeps_language_tags_and_datatypes(client: FlaskClient) -> None:
    response = client.get(
        "/api/queries/partners-of-city?city=lund&lang=sv",
        headers={"Accept": "application/sparql-results+json"},
    )

    assert response.content_type == "application/sparql-results+json; charset=utf-8"
    data = response.get_json()
    assert data["head"]["vars"][:3] == ["city", "partner", "partnerName"]
    porvoo = next(
        b for b in data["results"]["bindings"] if b["partner"]["value"].endswith("porvoo")
    )
    assert porvoo["partnerName"] == {"type": "literal", "value": "Borgå", "xml:lang": "sv"}
    dated = [b for b in data["results"]["bindings"] if "start" in b]
    assert dated[0]["start"]["datatype"].startswith("http://www.w3.org/2001/XMLSchema#")


def test_csv_is_sparql_results_csv(client: FlaskClient) -> None:
    response = client.get("/api/queries/partners-of-city?city=lund&format=csv")

    assert response.content_type == "text/csv; charset=utf-8"
    text = response.get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == list(next(q for q in QUERIES if q.name == "partners-of-city").columns)
    assert "\r\n" in text
    assert {row[0] for row in rows[1:]} == {LUND}


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        ("text/csv", "text/csv"),
        ("application/sparql-results+json", "application/sparql-results+json"),
        ("application/json", "application/json"),
        ("*/*", "application/json"),
        ("text/html;q=0.5, text/csv", "text/csv"),
        (HTML["Accept"], "text/html"),
    ],
)
def test_the_format_is_negotiated(client: FlaskClient, accept: str, media_type: str) -> None:
    response = client.get("/api/queries/dataset-statistics", headers={"Accept": accept})

    assert response.status_code == 200
    assert response.mimetype == media_type
    assert "Accept" in response.vary


def test_a_format_nobody_offers_is_406_and_a_bad_format_400(client: FlaskClient) -> None:
    response = client.get("/api/queries/dataset-statistics", headers={"Accept": "application/xml"})
    detail = error_of(response, 406)
    assert "nothing in Accept: application/xml can carry this answer" in detail
    assert "(or format=json|srj|csv|html)" in detail
    detail = error_of(client.get("/api/queries/dataset-statistics?format=xlsx"))
    assert detail.startswith("parameter 'format': 'xlsx' is no format: one of json, srj, csv, html")


def test_the_html_table_links_iris_to_their_pages(client: FlaskClient) -> None:
    page = client.get("/api/queries/partnership-sources?partnership=lund-hangzhou", headers=HTML)

    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert '<a href="/id/partnership/lund-hangzhou">' in text
    assert f">{BASE}id/partnership/lund-hangzhou</a>" in text
    assert (
        '<a href="https://lund.se/kommun-och-politik/projekt-och-samarbeten/lunds-vanorter">'
        in text
    )
    assert "Content-Security-Policy" in page.headers


def test_html_cells_link_only_safe_iris(app: Flask) -> None:
    from partnergraph.queries.results import Table
    from partnergraph.web.api_render import cells

    table = Table(
        ("x",),
        (
            {"x": {"type": "uri", "value": "javascript:alert(1)"}},
            {"x": {"type": "uri", "value": "mailto:a@b.c"}},
            {"x": {"type": "uri", "value": BASE + "def/Partnership"}},
            {
                "x": {
                    "type": "literal",
                    "value": "1947",
                    "datatype": "http://www.w3.org/2001/XMLSchema#gYear",
                }
            },
            {"x": {"type": "literal", "value": "Lund", "xml:lang": "sv"}},
        ),
    )
    with app.test_request_context("/api/queries/x"):
        found = [row[0] for row in cells(table, BASE)]
    assert [cell["href"] for cell in found] == [None, None, "/def/Partnership", None, None]
    assert [cell["note"] for cell in found] == ["", "", "", "xsd:gYear", "@sv"]


def test_values_with_markup_are_escaped_in_html(client: FlaskClient) -> None:
    markup = '<script>alert("x")</script><b>'
    page = client.get("/api/queries/label-search", query_string={"text": markup}, headers=HTML)

    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "<script>" not in text
    assert "<b>" not in text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;b&gt;" in text
    error = client.get("/api/queries/figures", query_string={"since": markup}, headers=HTML)
    assert error.status_code == 400
    assert "<script>" not in error.get_data(as_text=True)
    assert "&lt;script&gt;" in error.get_data(as_text=True)


# ---- parameters -------------------------------------------------------------------------


def test_a_slug_full_iri_and_default_give_the_same_rows(client: FlaskClient) -> None:
    by_slug = client.get("/api/queries/partners-of-city?city=lund", headers=JSON).get_json()
    by_iri = client.get("/api/queries/partners-of-city", query_string={"city": LUND}).get_json()
    explicit = client.get("/api/queries/partners-of-city?city=lund&lang=en").get_json()
    empty = client.get("/api/queries/partners-of-city?city=lund&lang=").get_json()

    assert by_slug == by_iri == explicit == empty
    assert {row["city"] for row in by_slug} == {LUND}
    assert len(by_slug) == 11


def test_a_concept_by_short_name_or_iri(client: FlaskClient) -> None:
    url = "/api/queries/partnerships-by-period"
    short = client.get(url, query_string={"type": "cooperation-agreement"}).get_json()
    full = client.get(
        url, query_string={"type": BASE + "def/partnership-type/cooperation-agreement"}
    )

    assert short == full.get_json()
    assert {row["typeName"] for row in short} == {"cooperation agreement"}


@pytest.mark.parametrize(
    ("url", "parameter", "words"),
    [
        ("/api/queries/describe-resource", "resource", "is required: an absolute IRI"),
        (
            "/api/queries/partners-of-city?city=nowhere",
            "city",
            "no schema:City in the graph has the slug",
        ),
        ("/api/queries/partners-of-city?city=lund-nevers", "city", "no schema:City in the graph"),
        (
            f"/api/queries/partners-of-city?city={BASE}id/partnership/lund-nevers",
            "city",
            "is no schema:City",
        ),
        ("/api/queries/partners-of-city?city=http://exa mple.org/", "city", "is no valid IRI"),
        ("/api/queries/partners-of-city?lang=english!", "lang", "expects a language tag"),
        ("/api/queries/partnerships-by-period?from=1940-01-01", "from", "expects a year, YYYY"),
        (
            "/api/queries/partnerships-by-period?type=twinning",
            "type",
            "is no concept of pg:partnership-type",
        ),
        ("/api/queries/figures?atLeast=lots", "atLeast", "expects an integer"),
        ("/api/queries/figures?since=2023-13-01", "since", "a real day"),
        (
            "/api/queries/figures?cty=lund",
            "cty",
            "is no parameter of figures: it takes about, measure",
        ),
        (
            "/api/queries/figures?measure=inhabitants&measure=members",
            "measure",
            "given more than once",
        ),
        ("/api/queries/figures?limit=0", "limit", "not a whole number from 1 to 10000"),
        ("/api/queries/figures?limit=-1", "limit", "not a whole number"),
        ("/api/queries/figures?offset=1e3", "offset", "not a whole number"),
        ("/api/queries/figures?offset=9990&limit=20", "offset", "more than the row cap (10000)"),
    ],
)
def test_a_bad_value_is_a_400_that_names_the_parameter(
    client: FlaskClient, url: str, parameter: str, words: str
) -> None:
    detail = error_of(client.get(url, headers=JSON))

    assert detail.startswith(f"parameter {parameter!r}: "), detail
    assert words in detail


def test_an_unknown_query_is_a_404(client: FlaskClient) -> None:
    assert "no named query 'nope'" in error_of(client.get("/api/queries/nope"), 404)


def test_an_html_client_gets_the_form_with_the_error(client: FlaskClient) -> None:
    page = client.get("/api/queries/describe-resource?resource=not+an+iri", headers=HTML)

    assert page.status_code == 400
    text = page.get_data(as_text=True)
    assert "parameter &#39;resource&#39;: &#39;not an iri&#39; is no IRI" in text
    assert '<form method="get" action="/api/queries/describe-resource">' in text
    assert 'value="not an iri"' in text


# ---- a browser opening a query: its form (issue 10, point 6) ----------------------------


class Html(HTMLParser):
    """The links, forms and form fields of a page."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.links: list[str] = []
        self.forms: list[tuple[str, str]] = []
        self.fields: dict[str, dict[str, Any]] = {}
        self.lists: dict[str, list[str]] = {}
        self._select: dict[str, Any] | None = None
        self._list: list[str] | None = None
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if tag == "a" and "href" in found:
            self.links.append(found["href"])
        elif tag == "form":
            self.forms.append((found["action"], found["method"]))
        elif tag in {"input", "select"}:
            field = {"tag": tag, "options": [], "value": "", **found}
            self.fields[found["name"]] = field
            self._select = field if tag == "select" else None
        elif tag == "datalist":
            self._list = self.lists.setdefault(found["id"], [])
        elif tag == "option" and self._list is not None:
            self._list.append(found["value"])
        elif tag == "option" and self._select is not None and "selected" in found:
            self._select["value"] = found.get("value")  # None: the option's text

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "datalist":
            self._list = None

    def handle_data(self, data: str) -> None:
        if self._select is not None and self.lasttag == "option" and data.strip():
            self._select["options"].append(data.strip())
            if self._select["value"] is None:
                self._select["value"] = data.strip()


def browser_get(client: FlaskClient, url: str, **kwargs: Any) -> tuple[TestResponse, Html]:
    response = client.get(url, headers=HTML, **kwargs)
    return response, Html(response.get_data(as_text=True))


def typed_by_a_person(param: Parameter) -> str:
    """The example of a parameter as a person types it in the form: a slug, a short name."""
    if param.example is None:
        return ""
    if param.type in {"iri", "concept"}:
        iri = resolve_iri(param.example, BASE)
        return iri.rsplit("/", 1)[1] if param.cls or param.type == "concept" else iri
    return param.example


REQUIRING = [q for q in QUERIES if any(p.required for p in q.parameters)]
CONTROLS = {
    "iri": ("input", "text"),
    "string": ("input", "text"),
    "language": ("input", "text"),
    "year": ("input", "text"),
    "integer": ("input", "number"),
    "date": ("input", "date"),
    "concept": ("select", None),
}


def test_issue10_point6_the_queries_linked_from_the_api_pages_need_parameters() -> None:
    assert {"describe-resource", "label-search"} <= {q.name for q in REQUIRING}


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
def test_issue10_point6_a_browser_opening_a_query_without_parameters_gets_its_form(
    client: FlaskClient, query: NamedQuery
) -> None:
    response, page = browser_get(client, f"/api/queries/{query.name}")

    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/html"
    text = response.get_data(as_text=True)
    assert f"<h1>{escape(query.title)}</h1>" in text
    assert escape(query.description) in text
    assert escape(rebase(query.query, BASE)) in text
    assert page.forms == [("/search", "get"), (f"/api/queries/{query.name}", "get")]
    for param in query.parameters:
        field = page.fields[param.name]
        tag, kind = CONTROLS[param.type]
        assert field["tag"] == tag, param.name
        if kind is not None:
            assert field["type"] == kind, param.name
        assert ("required" in field) is param.required, param.name
        marked = f'<label for="p-{param.name}">{param.name} <small>('
        assert marked in text
        assert (", required)" in text.split(marked, 1)[1].split("</label>", 1)[0]) is param.required
    for param in query.parameters:
        if param.required:
            assert f"<code>{param.name}</code>" in _before_query_form(text)
    if query in REQUIRING:
        assert "To run this query, give" in text
        assert "<table>" not in text


@pytest.mark.parametrize("query", REQUIRING, ids=lambda q: q.name)
@pytest.mark.parametrize(
    "accept",
    [JSON, {"Accept": "text/csv"}, {"Accept": "*/*"}, {}],
    ids=["json", "csv", "any", "none"],
)
def test_issue10_point6_a_script_still_gets_the_400_that_names_the_parameter(
    client: FlaskClient, query: NamedQuery, accept: dict[str, str]
) -> None:
    first = next(p for p in query.parameters if p.required)

    detail = error_of(client.get(f"/api/queries/{query.name}", headers=accept))

    assert detail.startswith(f"parameter {first.name!r}: is required"), detail


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
def test_issue10_point6_submitting_the_form_gives_the_table(
    client: FlaskClient, query: NamedQuery
) -> None:
    _, page = browser_get(client, f"/api/queries/{query.name}")
    ((action, _),) = [f for f in page.forms if f[0] != "/search"]
    sent: list[tuple[str, str]] = []
    for name, field in page.fields.items():  # as a browser sends it: every field, in order
        if name == "q" and query.parameter(name) is None:
            continue  # the site search's field, in the header's own form
        param = query.parameter(name)
        value = typed_by_a_person(param) if param else ""
        if field["tag"] == "select" and value:
            assert value in field["options"], name
        if field.get("list") and value:
            assert value in page.lists[field["list"]], name
        sent.append((name, value))

    response, answered = browser_get(client, action, query_string=sent)

    assert response.status_code == 200, response.get_data(as_text=True)
    text = response.get_data(as_text=True)
    assert "To run this query" not in text
    table = text.split("</form>", 2)[2]  # after the site search and the query's form
    assert "<table>" in table
    assert "No rows." not in table
    for name, value in sent:
        assert answered.fields[name]["value"] == value, name


def test_issue10_point6_a_form_sent_without_a_required_value_shows_the_form_again(
    client: FlaskClient,
) -> None:
    response, page = browser_get(client, "/api/queries/label-search?text=&lang=fi&limit=&offset=")

    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "To run this query, give <code>text</code>" in text
    assert page.fields["lang"]["value"] == "fi"
    assert "<table>" not in text
    by_city = client.get("/api/queries/partners-of-city?city=lund&limit=", headers=HTML)
    assert by_city.status_code == 200
    assert '<a href="/id/city/lund">' in by_city.get_data(as_text=True)


def test_issue10_point6_every_link_on_the_api_pages_answers_a_browser(client: FlaskClient) -> None:
    targets: set[str] = set()
    for url in ["/api/", "/api/queries", *(f"/api/queries/{q.name}" for q in QUERIES)]:
        response, page = browser_get(client, url)
        assert response.status_code == 200, url
        targets |= set(page.links) | {action for action, _ in page.forms}

    local = sorted(t for t in targets if not t.startswith(("http://", "https://", "mailto:")))
    assert "/api/queries/describe-resource" in local
    assert "/api/queries/label-search" in local
    for target in local:
        response = client.get(target, headers=HTML)
        response.close()
        assert response.status_code < 400, target


# ---- binding, never splicing ------------------------------------------------------------

HOSTILE_STRINGS = [
    'lahti") } UNION { ?resource ?p ?name } #',
    "lahti' . ?s ?p ?o . FILTER('",
    'x"""\n} ; DROP ALL ; {',
    "\\u0022) || true || (\\u0022",
    "lahti\x00",
]


@pytest.mark.parametrize("hostile", HOSTILE_STRINGS)
def test_a_string_crafted_to_break_out_is_only_ever_a_string(
    client: FlaskClient, hostile: str
) -> None:
    response = client.get("/api/queries/label-search", query_string={"text": hostile})

    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json() == []  # nothing has the whole text in its name
    echoed = client.get(
        "/api/queries/label-search",
        query_string={"text": hostile, "format": "srj", "lang": "fi"},
    ).get_json()
    assert echoed["results"]["bindings"] == []


def test_the_query_text_is_the_file_and_the_values_are_terms(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = state(app).service
    sent: list[QueryRequest] = []
    real_run = service.run

    def spy(request: QueryRequest, fmt: Any) -> Any:
        sent.append(request)
        return real_run(request, fmt)

    monkeypatch.setattr(service, "run", spy)
    hostile = 'lahti"} #'
    client.get(
        "/api/queries/label-search", query_string={"text": hostile, "lang": "FI", "limit": "3"}
    )

    query = next(q for q in QUERIES if q.name == "label-search")
    assert sent[-1].query == query.query
    assert hostile not in sent[-1].query
    assert [(name, str(term)) for name, term in sent[-1].bindings] == [
        ("text", '"lahti\\"} #"'),
        ("lang", '"fi"'),
    ]
    assert sent[-1].row_cap == 4  # the page and one row more, never the query text


def test_a_slug_is_checked_through_the_query_service(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = state(app).service
    sent: list[QueryRequest] = []
    real_run = service.run
    monkeypatch.setattr(service, "run", lambda r, f: (sent.append(r), real_run(r, f))[1])

    client.get(f"/api/queries/partners-of-city?city={LUND}")
    client.get("/api/queries/partners-of-city?city=lund")

    assert [r.form.value for r in sent] == ["ASK", "SELECT", "SELECT", "SELECT"]
    assert dict(sent[0].bindings)["class"].value == "https://schema.org/City"


# ---- pages ------------------------------------------------------------------------------


def links(response: TestResponse) -> dict[str, str]:
    found: dict[str, str] = {}
    for part in response.headers.get("Link", "").split(", "):
        if part:
            url, rel = part.split("; ")
            found[rel.removeprefix('rel="').removesuffix('"')] = url.strip("<>")
    return found


def test_pages_follow_one_another_by_their_links(client: FlaskClient) -> None:
    everything = client.get("/api/queries/partners-of-city?limit=1000").get_json()
    assert len(everything) > 25
    assert "Link" not in client.get("/api/queries/partners-of-city?limit=1000").headers

    seen: list[Any] = []
    url: str | None = "/api/queries/partners-of-city?limit=10"
    pages = 0
    while url:
        response = client.get(url)
        seen += response.get_json()
        found = links(response)
        if pages:
            assert found["first"].endswith("limit=10&offset=0")
            assert "prev" in found
        url = found.get("next")
        pages += 1
    assert seen == everything
    assert pages == -(-len(everything) // 10)


def test_the_row_cap_cuts_an_answer_and_says_so(tmp_path_factory: pytest.TempPathFactory) -> None:
    with real_app("oxigraph", tmp_path_factory.mktemp("cap"), row_cap=5, api_page_size=3) as small:
        client = small.test_client()
        first = client.get("/api/queries/partners-of-city")
        assert len(first.get_json()) == 3
        assert "X-Partnergraph-Truncated" not in first.headers
        assert links(first)["next"].endswith("limit=3&offset=3")

        last = client.get("/api/queries/partners-of-city?offset=3&limit=2&format=srj")
        assert last.headers["X-Partnergraph-Truncated"] == "true"
        assert "next" not in links(last)
        assert last.get_json()["head"]["link"] == [BASE + "-/limits#row-cap"]
        slug = error_of(client.get("/api/queries/partners-of-city?city=lund"))
        assert "too many instances of schema:City to look up the slug 'lund'" in slug
        assert client.get(f"/api/queries/partners-of-city?city={LUND}&limit=1").status_code == 200
        assert "row cap (5)" in error_of(
            client.get("/api/queries/partners-of-city?offset=4&limit=2")
        )


def test_link_headers_are_readable_cross_origin(client: FlaskClient) -> None:
    response = client.get(
        "/api/queries/partners-of-city?limit=2", headers={"Origin": "https://x.org"}
    )
    assert "Link" in response.headers["Access-Control-Expose-Headers"]
    assert response.headers["Access-Control-Allow-Origin"] == "*"


# ---- OpenAPI ----------------------------------------------------------------------------


def test_openapi_is_served_valid_with_the_graphs_concepts(client: FlaskClient) -> None:
    from openapi_spec_validator import validate

    response = client.get("/api/openapi.json")

    assert response.status_code == 200
    assert response.mimetype == "application/vnd.oai.openapi+json"
    spec = response.get_json(force=True)
    validate(spec)
    period = spec["paths"]["/api/queries/partnerships-by-period"]["get"]
    kind = next(p for p in period["parameters"] if p.get("name") == "type")
    assert sorted(kind["schema"]["enum"][:3]) == [
        "cooperation-agreement",
        "friendship-municipality",
        "twin-town",
    ]
    figures = spec["paths"]["/api/queries/figures"]["get"]
    measure = next(p for p in figures["parameters"] if p.get("name") == "measure")
    assert "inhabitants" in measure["schema"]["enum"]


def _before_query_form(text: str) -> str:
    """The page's text before the query's own form (the site search's form comes first)."""
    main = text.split("<main", 1)[1]
    return main.split("<form", 1)[0]
