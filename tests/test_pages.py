"""The pages for people, without a browser: the home page and its search, a
municipality's page in each language, a generic resource page, the vocabulary's
documentation, the shapes, the static files, escaping and the security headers.

The fixture graph ``tests/data/pages/graph`` has a label written in markup and a
``javascript:`` IRI, labels missing in some languages, and one partner without
coordinates; the vocabulary and the shapes pages use the real graph.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib.compare import isomorphic

from partnergraph.validation import load_shapes
from partnergraph.web.state import state

from .linkeddata import parse, real_app
from .paths import DATA, ROOT
from .webapp import WEB, web_app

PAGES = DATA / "pages"
HTML = {"Accept": "text/html"}
FIXTOWN = "/doc/city/fixtown"
MARKUP = "<script>alert('label')</script><b>Bold</b> & \"Co\""


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    with web_app(
        "oxigraph",
        tmp_path_factory.mktemp("pages"),
        graph_dir=PAGES / "graph",
        shapes_dir=WEB / "shapes",
        map_tiles="",
    ) as made:
        yield made


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlaskClient]:
    with real_app("oxigraph", tmp_path_factory.mktemp("real")) as made:
        yield made.test_client()


class Links(HTMLParser):
    """Every link (``href``) and every element with a ``title`` of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.titled: list[tuple[str, str]] = []
        self.scripts: list[str] = []
        self._in_script: dict[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if "href" in found:
            self.hrefs.append(found["href"])
        if "title" in found:
            self.titled.append((tag, found["title"]))
        if tag == "script":
            self._in_script = found

    def handle_data(self, data: str) -> None:
        if self._in_script is not None and self._in_script.get("type") == "application/json":
            self.scripts.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = None


def links(body: str) -> Links:
    parser = Links()
    parser.feed(body)
    return parser


def page(client: FlaskClient, url: str, language: str | None = None) -> str:
    headers = dict(HTML)
    if language:
        headers["Accept-Language"] = language
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.data[:300]
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


# ---- The home page -------------------------------------------------------------------


def test_home_says_what_the_dataset_is_and_counts_it(client: FlaskClient) -> None:
    body = page(client, "/")
    assert "international relations of municipalities" in body
    assert "partnergraph" in body
    assert 'rel="license"' in body
    assert "CC0 1.0" in body
    counts = {
        name: int(n)
        for name, n in re.findall(r'<li data-count="([a-z-]+)"><strong>(\d+)</strong>', body)
    }
    # honest counts: the one municipality whose relations are described, not every city
    assert counts == {
        "municipalities": 1,
        "partner-places": 4,
        "partnerships": 4,
        "networks": 0,
        "sources": 1,
    }


def test_home_links_to_everything(client: FlaskClient) -> None:
    hrefs = links(page(client, "/")).hrefs
    for target in (
        "/sparql",
        "/dumps/",
        "/api/queries",
        "/doc/def",
        "/shapes",
        "/.well-known/void",
    ):
        assert target in hrefs, target


def test_home_links_the_files_of_the_current_release(app: Flask, client: FlaskClient) -> None:
    release = state(app).release
    assert release is not None
    hrefs = links(page(client, "/")).hrefs
    dumps = [f.name for f in release.files if f.role == "dump"]
    assert {"partnergraph.nq", "partnergraph.ttl.gz"} <= set(dumps)
    for name in dumps:
        href = f"/dumps/{release.id}/{name}"
        assert href in hrefs, href
        with client.head(href) as response:
            assert response.status_code == 200


def test_search_finds_labels_in_any_language(client: FlaskClient) -> None:
    assert client.get("/?q=norr").headers["Location"].endswith("/search?q=norr")
    body = page(client, "/search?q=norr")
    assert 'href="/doc/city/northby"' in body
    assert "Nowhere" not in body.split("<main", 1)[1]


@pytest.mark.parametrize("text", ["<script>", '"} UNION { ?x ?y ?z', "x" * 500, "ö"])
def test_search_text_is_data(client: FlaskClient, text: str) -> None:
    response = client.get("/search", query_string={"q": text}, headers=HTML)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "<script>" not in body.split("<main", 1)[1]


# ---- A municipality's page -------------------------------------------------------------


WORDS = {
    "en": ("Partnerships", "twin town", "Fixtown", "Sweden"),
    "sv": ("Partnerskap", "vänort", "Fixstad", "Sverige"),
    "fi": ("Kumppanuudet", "ystävyyskaupunki", "Fixkaupunki", "Ruotsi"),
}


@pytest.mark.parametrize("language", sorted(WORDS))
def test_the_page_is_in_the_reader_s_language(client: FlaskClient, language: str) -> None:
    heading, kind, name, country = WORDS[language]
    for body in (
        page(client, FIXTOWN, language=f"{language},en;q=0.5"),
        page(client, f"{FIXTOWN}?lang={language}", language="de"),
    ):
        assert f'<html lang="{language}">' in body
        assert f'<h1 lang="{language}">{name}</h1>' in body
        assert f">{heading} <small>" in body
        assert f">{kind}</a>" in body
        assert f">{country}</a>" in body
        assert f'<strong lang="{language}" aria-current="true">{language}</strong>' in body


def test_a_missing_label_falls_back_and_says_so(client: FlaskClient) -> None:
    body = page(client, FIXTOWN + "?lang=fi")
    # Northby has no Finnish label: English, marked as such, in the page's language.
    assert re.search(
        r'lang="en"[^>]*>Northby</a> <small class="note[^"]*"[^>]*>\(englanniksi\)', body
    )
    sv = page(client, FIXTOWN + "?lang=sv")
    assert ">Norrby</a>" in sv
    # Eastwick has English and Finnish: a Swedish reader gets English.
    assert re.search(
        r'lang="en"[^>]*>Eastwick</a> <small class="note[^"]*"[^>]*>\(på engelska\)', sv
    )


def test_the_chosen_language_is_kept_by_the_links(client: FlaskClient) -> None:
    hrefs = links(page(client, FIXTOWN + "?lang=sv")).hrefs
    assert "/doc/city/northby?lang=sv" in hrefs


def test_partnerships_are_grouped_by_type_with_dates_and_countries(client: FlaskClient) -> None:
    body = page(client, FIXTOWN)
    twin, cooperation = body.index(">twin town</a>"), body.index(">cooperation agreement</a>")
    section = body[twin:] if twin > cooperation else body[twin:cooperation]
    assert "Northby" in section
    assert "Eastwick" in section
    assert '<td><span class="literal">1947</span>\u2013</td>' in body  # a period: from 1947 on
    assert (
        '<td><span class="literal" title="2015-06-01">1 June 2015</span>\u2013'
        '<span class="literal">2020</span></td>'
    ) in body
    assert ">Norway</a>" in body
    assert ">Finland</a>" in body


def test_declared_and_listed_counts(client: FlaskClient) -> None:
    body = page(client, FIXTOWN)
    assert re.search(r'<tr class="differs"><td>.*twin town.*</td><td>3</td><td>2</td></tr>', body)


def test_the_map_data_has_every_partner_with_coordinates(client: FlaskClient) -> None:
    body = page(client, FIXTOWN)
    data = json.loads(links(body).scripts[0])
    partners = sorted(p["href"] for p in data["points"] if not p["home"])
    assert partners == ["/doc/city/eastwick", "/doc/city/markup", "/doc/city/northby"]
    home = [p for p in data["points"] if p["home"]]
    assert home == [
        {"name": "Fixtown", "href": None, "lat": 55.7, "long": 13.19, "home": True, "kind": 0}
    ]
    assert data["tiles"] == ""
    assert re.search(r"Not on the map.*Nowhere", body)


def test_sources_are_shown_with_their_quotes(client: FlaskClient) -> None:
    body = page(client, FIXTOWN)
    assert 'href="/doc/source/fixture-page"' in body
    assert '<blockquote lang="en">Fixtown has three twin towns.</blockquote>' in body
    statement = page(client, "/doc/partnership/fixtown-northby")
    assert "Northby has been our twin town since 1947." in statement


def test_every_iri_is_a_link(client: FlaskClient) -> None:
    parsed = links(page(client, FIXTOWN))
    unlinked = [title for tag, title in parsed.titled if tag != "a" and title.startswith("http")]
    assert unlinked == []
    resource_links = [h for h in parsed.hrefs if h.startswith("/doc/city/")]
    assert len(set(resource_links)) >= 4


def test_the_links_of_a_real_municipality_lead_where_they_say(real: FlaskClient) -> None:
    parsed = links(page(real, "/doc/city/lund"))
    followed = 0
    for href in sorted(set(parsed.hrefs)):
        if href.startswith("/doc/"):
            with real.get(href, headers=HTML) as response:
                assert response.status_code == 200, href
            followed += 1
    assert followed > 30


def test_markup_in_data_stays_text(client: FlaskClient) -> None:
    for url in (FIXTOWN, "/doc/city/markup", "/search?q=bold"):
        body = page(client, url)
        assert "<script>alert" not in body
        assert "<b>Bold</b>" not in body
        assert "&lt;script&gt;alert(&#39;label&#39;)&lt;/script&gt;&lt;b&gt;Bold&lt;/b&gt;" in body
    data = json.loads(links(page(client, FIXTOWN)).scripts[0])
    assert MARKUP in [p["name"] for p in data["points"]]


def test_a_javascript_iri_is_never_a_link(client: FlaskClient) -> None:
    parsed = links(page(client, FIXTOWN))
    assert not [h for h in parsed.hrefs if h.lower().startswith("javascript:")]
    assert ("span", "javascript:alert(1)") in parsed.titled


def test_pages_send_a_content_security_policy_without_inline_code(client: FlaskClient) -> None:
    for url in ("/", FIXTOWN, "/doc/partnership/fixtown-northby", "/doc/city/nowhere-at-all"):
        response = client.get(url, headers=HTML)
        policy = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy
        assert "unsafe-inline" not in policy
        assert "style-src 'self'" in policy
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    body = page(client, FIXTOWN)
    assert " style=" not in body
    assert re.findall(r"<script(?![^>]*(?:src=|application/json))", body) == []


def test_the_map_tiles_origin_is_allowed_only_when_set(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    with web_app(
        "oxigraph",
        tmp_path_factory.mktemp("tiles"),
        graph_dir=PAGES / "graph",
        shapes_dir=WEB / "shapes",
    ) as other:
        response = other.test_client().get(FIXTOWN, headers=HTML)
    assert (
        "img-src 'self' data: https://tile.openstreetmap.org;"
        in (response.headers["Content-Security-Policy"])
    )


def test_a_generic_page_shows_properties_and_links_here(client: FlaskClient) -> None:
    body = page(client, "/doc/city/northby")
    assert "Links here" in body
    assert 'href="/doc/partnership/fixtown-northby"' in body
    assert '<h1 lang="en">Northby</h1>' in body


def test_the_page_is_readable_on_a_phone(client: FlaskClient) -> None:
    body = page(client, FIXTOWN)
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in body
    url = re.search(r'href="(/-/static/pages/pages\.css\?v=[0-9a-f]+)"', body)
    assert url is not None
    with client.get(url.group(1)) as css:
        assert css.mimetype == "text/css"
        assert "@media (max-width" in css.get_data(as_text=True)
        assert "immutable" in css.headers["Cache-Control"]


# ---- Static files ----------------------------------------------------------------------


def test_leaflet_is_served_from_node_modules(client: FlaskClient) -> None:
    version = json.loads((ROOT / "node_modules" / "leaflet" / "package.json").read_text())[
        "version"
    ]
    body = page(client, FIXTOWN)
    assert f"/-/static/leaflet/{version}/leaflet.js" in body
    assert f"/-/static/leaflet/{version}/leaflet.css" in body
    with client.get(f"/-/static/leaflet/{version}/leaflet.js") as script:
        assert script.status_code == 200
        assert script.mimetype == "text/javascript"
        assert "immutable" in script.headers["Cache-Control"]
    assert client.get("/-/static/leaflet/0.0.1/leaflet.js").status_code == 404
    assert client.get(f"/-/static/leaflet/{version}/package.json").status_code == 404


def test_the_outlines_and_their_reader_are_served_from_node_modules(client: FlaskClient) -> None:
    for package, name, media_type in (
        ("world-atlas", "countries-110m.json", "application/json"),
        ("topojson-client", "topojson-client.min.js", "text/javascript"),
    ):
        folder = ROOT / "node_modules" / package
        version = json.loads((folder / "package.json").read_text())["version"]
        with client.get(f"/-/static/{package}/{version}/{name}") as answer:
            assert answer.status_code == 200
            assert answer.mimetype == media_type
            assert "immutable" in answer.headers["Cache-Control"]
    assert client.get(f"/-/static/world-atlas/{version}/land-110m.json").status_code == 404
    assert client.get("/-/static/left-pad/1.0.0/index.js").status_code == 404


@pytest.mark.parametrize("encoding", ["gzip", "br", "zstd"])
def test_static_files_are_sent_compressed_when_the_client_accepts_it(
    client: FlaskClient, encoding: str
) -> None:
    import gzip

    import brotli
    from backports import zstd

    decode = {"gzip": gzip.decompress, "br": brotli.decompress, "zstd": zstd.decompress}
    folder = ROOT / "node_modules" / "leaflet"
    version = json.loads((folder / "package.json").read_text())["version"]
    url = f"/-/static/leaflet/{version}/leaflet.js"
    original = (folder / "dist" / "leaflet.js").read_bytes()
    with client.get(url, headers={"Accept-Encoding": encoding}) as answer:
        assert answer.headers["Content-Encoding"] == encoding
        assert "Accept-Encoding" in answer.headers["Vary"]
        body = answer.get_data()
        assert len(body) < len(original) / 2
        assert int(answer.headers["Content-Length"]) == len(body)
        assert decode[encoding](body) == original
        etag = answer.headers["ETag"]
    # The compressed file's own validator answers 304.
    again = client.get(url, headers={"Accept-Encoding": encoding, "If-None-Match": etag})
    assert again.status_code == 304
    # Without Accept-Encoding, and for a range, the bytes are the file's as they are.
    with client.get(url, headers={"Accept-Encoding": "identity"}) as plain:
        assert "Content-Encoding" not in plain.headers
        assert plain.get_data() == original
    with client.get(url, headers={"Accept-Encoding": encoding, "Range": "bytes=0-99"}) as part:
        assert part.status_code == 206
        assert "Content-Encoding" not in part.headers
        assert part.get_data() == original[:100]


# ---- The vocabulary and the shapes (the real graph) ------------------------------------


def test_the_vocabulary_has_a_readable_page(real: FlaskClient) -> None:
    for language, word in (("en", "partnership"), ("sv", "partnerskap"), ("fi", "kumppanuus")):
        body = page(real, "/doc/def?lang=" + language)
        assert ">Partnership</a>" not in body or language == "en"
        assert word in body
        assert 'id="Partnership"' in body
        assert 'id="partnership-type"' in body


def test_the_shapes_are_published(real: FlaskClient) -> None:
    response = real.get("/shapes", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    published = parse(real, response.data, "ttl", "http://localhost/shapes")
    shapes, _ = load_shapes([ROOT / "shapes"])
    assert isomorphic(published, shapes)
    body = page(real, "/shapes")
    assert "City-lat-range" in body
    assert "A latitude lies between -90 and 90 degrees" in body
    assert "schema:City" in body


@pytest.mark.parametrize("backend", ["memory", "remote"])
def test_every_backend_renders_the_same_pages(
    real: FlaskClient, backend: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    urls = (
        "/doc/city/lund?lang=sv",
        "/doc/city/lahti",
        "/doc/def/partnership-type",
        "/search?q=lund",
    )
    with real_app(backend, tmp_path_factory.mktemp(backend)) as other:
        client = other.test_client()
        for url in urls:
            assert page(client, url) == page(real, url), url


def test_health(real: FlaskClient) -> None:
    assert real.get("/-/health").headers["Cache-Control"] == "no-store"
