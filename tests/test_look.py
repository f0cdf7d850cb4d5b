"""One look for every HTML page (issue 14), through the Flask test client: every page
extends the one layout (the same style sheet, the brand, the sections, the site search,
the language switch that keeps the page), carries no inline style or script (the
pages' Content-Security-Policy allows none), and says so when its own text is English
only; the style sheet has a dark scheme, a phone layout and visible focus; the home
page's counts are honest (computed here again from the built graph, in Python), its
municipalities are the ones it counts, it names the publisher of the settings (with a
warning in the log while that is the default), the current release and the last change.

The apps serve a copy of the real graph/ (a write goes into the copy, never into the
checkout): one never written to, one after a write through SPARQL Update.
"""

from __future__ import annotations

import logging
import re
import shutil
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox
import pytest
from flask import Flask
from flask.testing import FlaskClient

from partnergraph.app import create_app
from partnergraph.writes import log
from partnergraph.writes.tokens import create

from .linkeddata import built_store
from .paths import BASE, ROOT
from .webapp import clean_environment
from .writing import NEW_PARTNERSHIP

HTML = {"Accept": "text/html"}
STYLESHEET = re.compile(r"^/-/static/pages/pages\.css\?v=[0-9a-f]{16}$")
VOID_TAGS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta"}
    | {"param", "source", "track", "wbr"}
)
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
CITY = ox.NamedNode("https://schema.org/City")
ORGANIZATION = ox.NamedNode("http://www.w3.org/ns/org#Organization")
MEMBER = ox.NamedNode("http://www.w3.org/ns/org#member")
PARTY = ox.NamedNode(BASE + "def/party")
PARTNERSHIP = ox.NamedNode(BASE + "def/Partnership")
NETWORK = ox.NamedNode(BASE + "def/Network")
SOURCE = ox.NamedNode(BASE + "def/SourceDocument")
#: Pages whose text is English only (the layout around it is translated).
ENGLISH_ONLY = ("/dumps/", "/changes", "/api/", "/shapes", "/-/limits", "/sparql")


# ---- a small reading of HTML ------------------------------------------------------------


@dataclass
class Element:
    """An element of a page: its tag, attributes, ancestors and text."""

    tag: str
    attrs: dict[str, str]
    ancestors: tuple[Element, ...]
    text: list[str] = field(default_factory=list)

    def inside(self, tag: str, **attrs: str) -> bool:
        """Whether an ancestor is ``tag`` with these attribute values (``class_``: a class)."""
        return any(_matches(a, tag, attrs) for a in self.ancestors)


def _matches(element: Element, tag: str, attrs: dict[str, str]) -> bool:
    if element.tag != tag:
        return False
    for name, wanted in attrs.items():
        if name == "class_":
            if wanted not in element.attrs.get("class", "").split():
                return False
        elif element.attrs.get(name) != wanted:
            return False
    return True


class Page(HTMLParser):
    """Every element of a page, in document order."""

    def __init__(self, body: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self._open: list[Element] = []
        self.feed(body)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs}, tuple(self._open))
        self.elements.append(element)
        if tag not in VOID_TAGS:
            self._open.append(element)

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index].tag == tag:
                del self._open[index:]
                return

    def handle_data(self, data: str) -> None:
        for element in self._open:
            element.text.append(data)

    def find(self, tag: str, **attrs: str) -> list[Element]:
        """The elements ``tag`` with these attribute values (``class_``: a class)."""
        return [e for e in self.elements if _matches(e, tag, attrs)]

    def one(self, tag: str, **attrs: str) -> Element:
        """The one element ``tag`` with these attributes."""
        found = self.find(tag, **attrs)
        assert len(found) == 1, (tag, attrs, len(found))
        return found[0]


def text(element: Element) -> str:
    """An element's text, its white space folded."""
    return " ".join("".join(element.text).split())


# ---- the apps -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Site:
    """An app over a copy of the project, and what it logged while it started."""

    app: Flask
    folder: Path
    started: list[logging.LogRecord]

    def client(self) -> FlaskClient:
        return self.app.test_client()


def config(folder: Path, **more: Any) -> dict[str, Any]:
    """Settings over a copy of the project in ``folder``."""
    return {
        "graph_dir": folder / "graph",
        "shapes_dir": folder / "shapes",
        "queries_dir": folder / "queries",
        "output_dir": folder / "out",
        "changes_dir": folder / "changes",
        "tokens_file": folder / "tokens.json",
        "query_workers": 1,
        "map_tiles": "",
        **more,
    }


def start(folder: Path, **more: Any) -> Site:
    """The app over ``folder``, with the log records of its start."""
    records: list[logging.LogRecord] = []
    handler = logging.Handler(logging.DEBUG)
    handler.emit = records.append  # type: ignore[method-assign]
    logger = logging.getLogger("partnergraph")
    logger.addHandler(handler)
    try:
        with clean_environment():
            app = create_app(config(folder, **more))
    finally:
        logger.removeHandler(handler)
    return Site(app, folder, records)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of graph/, shapes/ and queries/, built once (snapshot and release)."""
    folder = tmp_path_factory.mktemp("look") / "project"
    for name in ("graph", "shapes", "queries"):
        shutil.copytree(ROOT / name, folder / name)
    start(folder)
    return folder


def copy(built: Path, target: Path) -> Path:
    shutil.copytree(built, target, symlinks=True)
    return target


@pytest.fixture(scope="module")
def site(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Site:
    """The app over a copy that was never written to."""
    return start(copy(built, tmp_path_factory.mktemp("pristine") / "project"))


@pytest.fixture(scope="module")
def written(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Site:
    """The app over a copy after one write (SPARQL Update with a token): change 1."""
    running = start(copy(built, tmp_path_factory.mktemp("written") / "project"))
    settings = running.app.extensions["partnergraph"].settings
    token = create(settings, "look-tester")
    answer = running.client().post(
        "/sparql",
        data=NEW_PARTNERSHIP,
        content_type="application/sparql-update",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code in (200, 204), answer.get_data(as_text=True)
    return running


@pytest.fixture(scope="module")
def client(site: Site) -> FlaskClient:
    return site.client()


def get(client: FlaskClient, url: str, status: int = 200, method: str = "GET") -> Page:
    """A page asked for as a browser asks, read."""
    response = client.open(url, method=method, headers=HTML)
    assert response.status_code == status, (url, response.get_data(as_text=True)[:500])
    assert response.mimetype == "text/html", url
    return Page(response.get_data(as_text=True))


def html_routes(site: Site) -> list[tuple[str, int, str]]:
    """Every kind of HTML page: (URL, status, method)."""
    served = site.app.extensions["partnergraph"].current
    release = served.release
    assert release is not None
    query = served.queries[0].name
    found = [
        ("/", 200, "GET"),
        ("/doc/city/lahti", 200, "GET"),
        ("/doc/network/eurocities", 200, "GET"),
        ("/doc/def", 200, "GET"),
        ("/shapes", 200, "GET"),
        ("/dumps/", 200, "GET"),
        (f"/dumps/{release.id}/", 200, "GET"),
        ("/api/", 200, "GET"),
        ("/api/queries", 200, "GET"),
        (f"/api/queries/{query}", 200, "GET"),
        ("/changes", 200, "GET"),
        ("/curate", 200, "GET"),
        ("/-/limits", 200, "GET"),
        ("/sparql", 200, "GET"),
        ("/no/such/page", 404, "GET"),
        ("/doc/city/atlantis", 404, "GET"),
        ("/shapes", 405, "DELETE"),
    ]
    if any(rule.rule == "/search" for rule in site.app.url_map.iter_rules()):
        found.append(("/search?q=lahti", 200, "GET"))
    return found


def named_query(url: str) -> bool:
    """Whether ``url`` is a named query's page (its query string is the query's)."""
    return url.startswith("/api/queries/")


# ---- one layout ---------------------------------------------------------------------------


def test_every_html_page_extends_the_layout(site: Site, client: FlaskClient) -> None:
    for url, status, method in html_routes(site):
        page = get(client, url, status, method)
        sheets = page.find("link", rel="stylesheet")
        ours = [s.attrs["href"] for s in sheets if "/-/static/pages/" in s.attrs["href"]]
        assert len(ours) == 1, (url, ours)
        assert STYLESHEET.match(ours[0]), (url, ours)
        assert page.one("html").attrs["lang"] == "en", url
        header = page.one("header", class_="site")
        assert page.one("a", class_="brand").attrs["href"] == "/", url
        assert page.one("a", class_="brand").inside("header", class_="site")
        sections = [a.attrs["href"] for a in page.elements if a.tag == "a" and a.inside("nav")]
        for path in ("/sparql", "/dumps/", "/changes", "/doc/def", "/shapes"):
            assert path in sections, (url, path)
        form = page.one("form", class_="site-search")
        assert form.attrs["action"] == "/search", url
        assert form.attrs["role"] == "search", url
        assert form.inside("header", class_="site")
        field_ = page.one("input", id="site-search")
        assert field_.attrs["name"] == "q"
        assert field_.attrs["data-suggest"] == "/search.json"
        assert header.tag == "header"
        if named_query(url):  # ?lang= is a parameter of the queries: no switch
            assert not page.find("nav", class_="languages"), url
        else:
            assert page.one("nav", class_="languages").inside("header", class_="site"), url
        assert page.one("main", id="content"), url
        assert page.find("a", class_="skip")[0].attrs["href"] == "#content"


def test_no_page_has_inline_style_or_script(site: Site, client: FlaskClient) -> None:
    for url, status, method in html_routes(site):
        page = get(client, url, status, method)
        assert not page.find("style"), url
        styled = [e.tag for e in page.elements if "style" in e.attrs]
        assert styled == [], (url, styled)
        handlers = [(e.tag, a) for e in page.elements for a in e.attrs if a.startswith("on")]
        assert handlers == [], (url, handlers)
        for script in page.find("script"):
            assert "src" in script.attrs or script.attrs.get("type") == "application/json", url


def test_every_page_varies_with_the_reader_s_language(site: Site, client: FlaskClient) -> None:
    for url, status, method in html_routes(site):
        with client.open(url, method=method, headers=HTML) as response:
            assert response.status_code == status, url
            assert "Accept-Language" in response.vary, (url, response.headers.get("Vary"))
    with client.get("/dumps/", headers={"Accept": "application/json"}) as data:
        assert "Accept-Language" not in data.vary


def test_the_search_script_is_loaded_when_it_exists(site: Site, client: FlaskClient) -> None:
    page = get(client, "/")
    scripts = [s.attrs["src"] for s in page.find("script") if "search.js" in s.attrs.get("src", "")]
    if not (ROOT / "partnergraph" / "static" / "pages" / "search.js").exists():
        assert scripts == []
        return
    assert len(scripts) == 1
    with client.get(scripts[0]) as script:
        assert script.status_code == 200
    assert "defer" in page.find("script", src=scripts[0])[0].attrs


@pytest.mark.parametrize("language", ["sv", "fi"])
def test_the_language_switch_keeps_the_page(site: Site, client: FlaskClient, language: str) -> None:
    for url, status, method in html_routes(site):
        if method != "GET" or named_query(url):
            continue
        page = get(client, url, status)
        links = {
            a.attrs["hreflang"]: a.attrs["href"]
            for a in page.find("a")
            if a.inside("nav", class_="languages")
        }
        assert set(links) == {"sv", "fi"}, (url, links)
        target = urlsplit(links[language])
        asked = urlsplit(url)
        assert target.path == asked.path, (url, links[language])
        query = parse_qs(target.query)
        assert query.pop("lang") == [language]
        assert query == parse_qs(asked.query), url
        switched = get(client, links[language], status)
        assert switched.one("html").attrs["lang"] == language, url
        current = switched.one("strong", lang=language)
        assert current.inside("nav", class_="languages")
        assert current.attrs.get("aria-current") == "true"


def test_a_chosen_language_is_kept_by_the_sections(client: FlaskClient) -> None:
    page = get(client, "/dumps/?lang=fi")
    nav = [a for a in page.find("a") if a.inside("nav", class_="site-nav")]
    assert [a.attrs["href"] for a in nav] == [
        "/sparql?lang=fi",
        "/dumps/?lang=fi",
        "/changes?lang=fi",
        "/doc/def?lang=fi",
        "/shapes?lang=fi",
    ]
    assert [text(a) for a in nav][1] == "Lataukset"
    current = [a for a in nav if a.attrs.get("aria-current") == "page"]
    assert [a.attrs["href"] for a in current] == ["/dumps/?lang=fi"]
    hidden = page.find("input", type="hidden", name="lang")
    assert [h.attrs["value"] for h in hidden if h.inside("form", class_="site-search")] == ["fi"]


@pytest.mark.parametrize("url", ENGLISH_ONLY)
def test_a_page_in_english_only_says_so(client: FlaskClient, url: str) -> None:
    page = get(client, url + "?lang=sv")
    assert page.one("html").attrs["lang"] == "sv"
    assert page.one("main").attrs["lang"] == "en"
    note = page.one("p", class_="lang-note")
    assert note.attrs["lang"] == "sv"
    assert "engelska" in text(note)
    english = get(client, url)
    assert "lang" not in english.one("main").attrs
    assert not english.find("p", class_="lang-note")


def test_my_pages_wrap_their_tables(site: Site, client: FlaskClient) -> None:
    for url, status, method in html_routes(site):
        if url.startswith("/doc/") and status == 200:
            continue  # the resource views (helper V) keep their own markup
        page = get(client, url, status, method)
        for table in page.find("table"):
            assert table.inside("div", class_="table-wrap"), url
        for wrapper in page.find("div", class_="table-wrap"):
            assert wrapper.attrs.get("tabindex") == "0"
            assert wrapper.attrs.get("aria-label")


def test_the_error_pages_keep_their_words(client: FlaskClient) -> None:
    page = get(client, "/no/such/page", 404)
    assert text(page.one("h1")) == "404 Not Found"
    assert page.one("title").text
    assert "404" in text(page.one("title"))
    page = get(client, "/shapes", 405, "DELETE")
    assert text(page.one("h1")).startswith("405 ")
    json_error = client.get("/no/such/page", headers={"Accept": "application/json"})
    assert json_error.mimetype == "application/json"


def test_the_editor_keeps_its_frame_light(client: FlaskClient) -> None:
    response = client.get("/sparql", headers=HTML)
    page = Page(response.get_data(as_text=True))
    assert page.one("html").attrs.get("class") == "light-only"
    assert page.one("meta", name="color-scheme").attrs["content"] == "light"
    assert page.one("div", id="yasgui").inside("main", id="content")
    assert page.one("script", id="editor-config").attrs["type"] == "application/json"
    home = get(client, "/")
    assert home.one("meta", name="color-scheme").attrs["content"] == "light dark"


def test_the_style_sheet(client: FlaskClient) -> None:
    href = get(client, "/").find("link", rel="stylesheet")[0].attrs["href"]
    with client.get(href) as response:
        assert response.mimetype == "text/css"
        assert "immutable" in response.headers["Cache-Control"]
        css = response.get_data(as_text=True)
    assert "@media (prefers-color-scheme: dark)" in css
    assert "@media (max-width: 40rem)" in css
    assert ":focus-visible" in css
    assert "overflow-wrap: anywhere" in css
    assert re.search(r"\.table-wrap \{[^}]*overflow-x: auto", css)
    assert len(css.encode()) < 16_000  # small and plain
    assert "!important" not in css


# ---- the home page ------------------------------------------------------------------------


@dataclass(frozen=True)
class Expected:
    """The home page's counts, computed from the built graph in Python."""

    described: set[str]
    partner_places: set[str]
    partnerships: int
    networks: int
    sources: int


def expected(site: Site) -> Expected:
    """What the home page should count: a municipality's relations are described when it
    holds a membership or partnerships with two or more other places."""
    store = built_store(site.app)

    def typed(cls: ox.NamedNode) -> set[str]:
        return {str(q.subject.value) for q in store.quads_for_pattern(None, RDF_TYPE, cls)}

    cities = typed(CITY) & typed(ORGANIZATION)
    members = {str(q.object.value) for q in store.quads_for_pattern(None, MEMBER, None)}
    partners: dict[str, set[str]] = {}
    for partnership in typed(PARTNERSHIP):
        node = ox.NamedNode(partnership)
        parties = {str(q.object.value) for q in store.quads_for_pattern(node, PARTY, None)}
        for party in parties:
            partners.setdefault(party, set()).update(parties - {party})
    described = {m for m in cities if m in members or len(partners.get(m, ())) >= 2}
    places = set().union(*(partners.get(m, set()) for m in described)) - described
    return Expected(
        described, places, len(typed(PARTNERSHIP)), len(typed(NETWORK)), len(typed(SOURCE))
    )


def counts(page: Page) -> dict[str, int]:
    """The counts of the home page, by their ``data-count`` name."""
    return {
        li.attrs["data-count"]: int(text(li).split()[0])
        for li in page.find("li")
        if "data-count" in li.attrs
    }


def test_the_home_page_counts_honestly(site: Site, client: FlaskClient) -> None:
    want = expected(site)
    page = get(client, "/")
    assert counts(page) == {
        "municipalities": len(want.described),
        "partner-places": len(want.partner_places),
        "partnerships": want.partnerships,
        "networks": want.networks,
        "sources": want.sources,
    }
    listed = {a.attrs["href"] for a in page.find("a") if a.inside("ul", id="municipalities")}
    assert listed == {"/doc/" + m.removeprefix(BASE + "id/") for m in want.described}
    # the real data: Lund and Lahti describe their relations; 22 partner places
    assert listed == {"/doc/city/lahti", "/doc/city/lund"}
    assert len(want.partner_places) == 22


def test_the_home_page_says_what_each_municipality_has(client: FlaskClient) -> None:
    page = get(client, "/?lang=sv")
    cards = {text(li) for li in page.find("li") if li.inside("ul", id="municipalities")}
    assert any(c.startswith("Lund ") and "Partnerskap: 11" in c for c in cards), cards
    assert any("Lahti" in c and "Medlemskap i nätverk: 5" in c for c in cards), cards


def test_the_home_page_names_the_release_and_the_data_s_date(site: Site) -> None:
    served = site.app.extensions["partnergraph"].current
    page = get(site.client(), "/")
    release = page.one("p", id="release")
    assert served.release.id in text(release)
    assert served.release.built.strftime("%Y-%m-%d") in text(release)
    links = [a.attrs["href"] for a in page.find("a") if a.inside("p", id="release")]
    assert links == [f"/dumps/{served.release.id}/"]
    last = page.one("p", id="last-change")
    assert "No change has been made through a write yet" in text(last)
    assert served.built.strftime("%Y-%m-%d") in text(last)


def test_the_home_page_shows_the_last_change(written: Site) -> None:
    entry = log.last(written.folder / "changes")
    assert entry is not None
    assert entry.number == 1
    page = get(written.client(), "/")
    last = page.one("p", id="last-change")
    assert [a.attrs["href"] for a in page.find("a") if a.inside("p", id="last-change")] == [
        "/changes/1"
    ]
    assert f"Change 1 by look-tester on {entry.when.strftime('%Y-%m-%d')}" in text(last)
    change = get(written.client(), "/changes/1?lang=fi")
    assert change.one("main").attrs["lang"] == "en"
    assert text(change.one("h1")) == "Change 1"
    listing = get(written.client(), "/changes")
    for table in listing.find("table"):
        assert table.inside("div", class_="table-wrap")


def test_the_publisher_comes_from_the_settings(built: Path, tmp_path: Path) -> None:
    named = start(copy(built, tmp_path / "named"), publisher_name="Example Town")
    page = get(named.client(), "/")
    assert text(page.one("span", id="publisher")) == "Example Town"
    assert not [r for r in named.started if "publisher" in r.getMessage()]


def test_a_default_publisher_is_warned_about_once(site: Site, client: FlaskClient) -> None:
    warnings = [r for r in site.started if "publisher" in r.getMessage()]
    assert len(warnings) == 1
    assert warnings[0].levelno == logging.WARNING
    assert "publisher_name" in warnings[0].getMessage()
    get(client, "/")
    get(client, "/dumps/")
    assert len([r for r in site.started if "publisher" in r.getMessage()]) == 1


def test_an_old_search_link_goes_to_the_site_search(client: FlaskClient) -> None:
    response = client.get("/?q=Lahti&lang=fi", headers=HTML)
    assert response.status_code == 301
    assert response.headers["Location"] == "/search?q=Lahti&lang=fi"
