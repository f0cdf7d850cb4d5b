"""The query editor page of /sparql and the files it is served with (no browser here)."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from partnergraph.namespaces import Namespaces
from partnergraph.queries import QueryFileError
from partnergraph.web import editor

from .paths import BASE, DATA, ROOT
from .webapp import web_app

QUERIES = DATA / "editor" / "queries"
HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
YASGUI = ROOT / "node_modules" / "@zazuko" / "yasgui"


def installed_version() -> str:
    package = YASGUI / "package.json"
    assert package.is_file(), "YASGUI is not installed: run `make install` (it runs npm ci)"
    version: str = json.loads(package.read_text())["version"]
    return version


YASGUI_VERSION = installed_version()


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    with web_app("oxigraph", tmp_path_factory.mktemp("out"), queries_dir=QUERIES) as made:
        yield made


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def page_config(body: str) -> dict[str, object]:
    found = re.search(
        r'<script id="editor-config" type="application/json">(.*?)</script>', body, re.S
    )
    assert found, "no editor configuration in the page"
    config: dict[str, object] = json.loads(found.group(1))
    return config


def test_a_browser_gets_the_editor_on_sparql(client: FlaskClient) -> None:
    response = client.get("/sparql", headers=HTML)

    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    body = response.get_data(as_text=True)
    assert f"/-/static/yasgui/{YASGUI_VERSION}/yasgui.min.js" in body
    assert f"/-/static/yasgui/{YASGUI_VERSION}/yasgui.min.css" in body
    assert re.search(r'src="/-/static/editor/editor\.js\?v=[0-9a-f]{16}"', body)
    assert "http://localhost/sparql" in body


def test_the_page_presets_endpoint_prefixes_and_examples(client: FlaskClient) -> None:
    config = page_config(client.get("/sparql", headers=HTML).get_data(as_text=True))

    assert config["endpoint"] == "/sparql"
    assert config["prefixes"] == Namespaces(BASE).prefixes()
    assert [e["title"] for e in config["examples"]] == [  # type: ignore[attr-defined]
        "Partners of a town",
        "Towns & names </script><b>x</b>",
    ]
    partners = config["examples"][0]  # type: ignore[index]
    assert partners["query"].startswith("PREFIX pg: <https://w3id.org/partnergraph/def/>")
    assert "#+" not in partners["query"]
    assert str(config["defaultQuery"]).startswith(Namespaces(BASE).sparql_prologue())


def test_markup_in_a_query_title_stays_text(client: FlaskClient) -> None:
    body = client.get("/sparql", headers=HTML).get_data(as_text=True)

    assert "</script><b>" not in body
    assert "<b>x</b>" not in body
    # every </script> closes a script element of the page (none comes from a title)
    assert body.count("</script>") == body.count("<script")


def test_the_examples_follow_the_configured_base(tmp_path: Path) -> None:
    base = "http://data.example.org/pg/"
    with web_app("oxigraph", tmp_path, queries_dir=QUERIES, base_iri=base) as app:
        body = app.test_client().get("/sparql", headers=HTML).get_data(as_text=True)

    config = page_config(body)
    assert config["prefixes"] == Namespaces(base).prefixes()
    partners = config["examples"][0]  # type: ignore[index]
    assert partners["query"].startswith(f"PREFIX pg: <{base}def/>")


@pytest.mark.parametrize(
    ("filename", "media_type"),
    [
        ("yasgui.min.js", "text/javascript"),
        ("yasgui.min.css", "text/css"),
        ("yasgui.min.js.map", "application/json"),
    ],
)
def test_yasgui_is_served_from_node_modules(
    client: FlaskClient, filename: str, media_type: str
) -> None:
    url = f"/-/static/yasgui/{YASGUI_VERSION}/{filename}"
    with client.get(url) as response:
        assert response.status_code == 200
        assert response.mimetype == media_type
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        cache = response.cache_control
        assert (cache.public, cache.max_age, cache.immutable) == (True, 365 * 24 * 60 * 60, True)
        assert response.data == (YASGUI / "build" / filename).read_bytes()
        etag = response.headers["ETag"]

    with client.get(url, headers={"If-None-Match": etag}) as again:
        assert again.status_code == 304


@pytest.mark.parametrize(
    "url",
    [
        "/-/static/yasgui/0.0.1/yasgui.min.js",
        f"/-/static/yasgui/{YASGUI_VERSION}/yasgui.esm.js",
        f"/-/static/yasgui/{YASGUI_VERSION}/..%2Fpackage.json",
        f"/-/static/yasgui/{YASGUI_VERSION}/../package.json",
        "/-/static/editor/editor.html",
        "/-/static/editor/..%2F..%2Fqueries.py",
    ],
)
def test_nothing_else_is_served(client: FlaskClient, url: str) -> None:
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("filename", "media_type"), [("editor.js", "text/javascript"), ("editor.css", "text/css")]
)
def test_the_page_files_are_cached_while_their_hash_is_current(
    client: FlaskClient, filename: str, media_type: str
) -> None:
    body = client.get("/sparql", headers=HTML).get_data(as_text=True)
    found = re.search(rf'"(/-/static/editor/{re.escape(filename)}\?v=[0-9a-f]+)"', body)
    assert found
    with (
        client.get(html.unescape(found.group(1))) as current,
        client.get(f"/-/static/editor/{filename}?v=0000") as stale,
    ):
        assert current.status_code == stale.status_code == 200
        assert current.mimetype == stale.mimetype == media_type
        assert current.cache_control.immutable
        assert current.cache_control.max_age == 365 * 24 * 60 * 60
        assert stale.cache_control.no_cache
        assert not stale.cache_control.immutable


def test_without_node_modules_the_page_says_to_run_make_install(
    app: Flask, client: FlaskClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, editor.NODE_MODULES, str(tmp_path))

    response = client.get("/sparql", headers=HTML)

    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "The query editor is not installed." in body
    assert "Run <code>make install</code>" in body
    assert "Towns &amp; names &lt;/script&gt;&lt;b&gt;x&lt;/b&gt;" in body
    assert "/-/static/yasgui/" not in body
    assert client.get(f"/-/static/yasgui/{YASGUI_VERSION}/yasgui.min.js").status_code == 404


def test_rdf_clients_still_get_the_service_description(client: FlaskClient) -> None:
    response = client.get("/sparql", headers={"Accept": "text/turtle"})

    assert response.status_code == 200
    assert response.mimetype == "text/turtle"


def test_a_broken_named_query_stops_start_up(tmp_path: Path) -> None:
    queries = tmp_path / "queries"
    queries.mkdir()
    (queries / "broken.rq").write_text("#+ title: x\n#+ colour: red\nASK {}\n")

    with (
        pytest.raises(QueryFileError, match=r"broken\.rq:2: unknown key 'colour'"),
        web_app("oxigraph", tmp_path / "out", queries_dir=queries),
    ):
        pass
