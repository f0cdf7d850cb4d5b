"""One look, as a reader meets it (issue 14): ``partnergraph serve`` in a copy of the
project (no map tiles: nothing leaves the machine), headless Debian Chromium driven by
Playwright, every kind of page at 1280 and 390 px wide (and at 390 px in the dark
scheme): no console error (a Content-Security-Policy violation is one), no request to
another site, no horizontal scroll, every same-site link answers, the language switch
keeps the page, no serious or critical finding of axe-core (the npm package, injected
into the page), and at most 300 KB transferred per page (the query editor excepted).
Screenshots go to ``tests/artifacts/look/<page>-<width>.png`` (git-ignored).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from playwright.sync_api import Browser, Page, Request

from partnergraph.settings import load
from partnergraph.writes.tokens import create

from .paths import ROOT
from .served import BROWSER_ACCEPT, Served, serve_copy
from .webapp import clean_environment
from .writing import NEW_PARTNERSHIP

ARTIFACTS = ROOT / "tests" / "artifacts" / "look"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
#: The most bytes a page may bring over the network, scripts and styles included.
WEIGHT = 300 * 1024
#: (name, path) of every kind of page; the release is filled in from the server.
PAGES = (
    ("home", "/"),
    ("municipality", "/doc/city/lahti"),
    ("partnership", "/doc/partnership/lund-porvoo"),
    ("network", "/doc/network/eurocities"),
    ("source", "/doc/source/lund-se-collaborations-and-projects"),
    ("activity", "/doc/programme/erasmus-plus"),
    ("event", "/doc/event/kymiring-motogp-2021"),
    ("contact", "/doc/contact-point/lund-medborgarcenter"),
    ("concept", "/doc/def/partnership-type/twin-town"),
    ("generic", "/doc/country/sweden"),
    ("search", "/search?q=lund"),
    ("dumps", "/dumps/"),
    ("release", "/dumps/{release}/"),
    ("api", "/api/"),
    ("shapes", "/shapes"),
    ("vocabulary", "/doc/def"),
    ("changes", "/changes"),
    ("change", "/changes/1"),
    ("curate", "/curate"),
    ("not-found", "/doc/city/atlantis"),
    ("editor", "/sparql"),
)
#: (label, width, colour scheme) of each look at a page.
VIEWS = (("1280", 1280, "light"), ("390", 390, "light"), ("390-dark", 390, "dark"))
#: Pages answered with an error on purpose: Chromium logs the status of the document,
#: and the page's own address in another language answers the same.
STATUS = {"not-found": 404}
#: Widgets of other projects inside a page, which axe checks apart (the query editor is
#: YASGUI: its findings are written beside the screenshots, not asserted here).
WIDGETS: dict[str, str] = {}


@dataclass(frozen=True)
class Site:
    """The running server, and the links already found to answer."""

    served: Served
    release: str
    answered: dict[str, int]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The server, after one write (so that the change log has an entry)."""
    scratch = tmp_path_factory.mktemp("look")
    with serve_copy(scratch, settings={"PARTNERGRAPH_MAP_TILES": ""}) as served:
        token = _token(served.folder)
        with served.client() as client:
            written = client.post(
                "/sparql",
                content=NEW_PARTNERSHIP.encode(),
                headers={
                    "Content-Type": "application/sparql-update",
                    "Authorization": f"Bearer {token}",
                },
            )
            assert written.status_code in (200, 204), written.text
            listing = client.get("/dumps/", headers={"Accept": "application/json"}).json()
        yield Site(served, listing["latest"], {})


def _token(folder: Path) -> str:
    """A write token in the copy's token file (as ``partnergraph token create`` makes one)."""
    with clean_environment():
        settings = load({"tokens_file": folder / "tokens.json"}, environ={})
    return create(settings, "look")


@dataclass
class Visit:
    """A page opened in a fresh context: its console errors, requests and bytes."""

    page: Page
    errors: list[str]
    requests: list[str]
    weights: list[int]


def visit(browser: Browser, url: str, width: int, scheme: str, bypass_csp: bool = False) -> Visit:
    """Open ``url`` at ``width`` px in a fresh context, and wait until it is still."""
    context = browser.new_context(
        viewport={"width": width, "height": 900},
        color_scheme=scheme,  # type: ignore[arg-type]
        bypass_csp=bypass_csp,
    )
    page = context.new_page()
    found = Visit(page, [], [], [])
    page.on("console", lambda m: found.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: found.errors.append(f"page error: {exc}"))
    page.on("request", lambda r: found.requests.append(r.url))
    page.on("requestfinished", lambda r: found.weights.append(_body_size(r)))
    page.goto(url, wait_until="networkidle")
    return found


def _body_size(request: Request) -> int:
    return int(request.sizes()["responseBodySize"])


def path_of(site: Site, template: str) -> str:
    return template.format(release=site.release)


def answers(site: Site, url: str) -> int:
    """The status a same-site link answers with (HEAD, then GET when HEAD is refused)."""
    if url not in site.answered:
        with site.served.client() as client:
            status = client.head(url, headers={"Accept": BROWSER_ACCEPT}).status_code
            if status in (405, 501):
                status = client.get(url, headers={"Accept": BROWSER_ACCEPT}).status_code
        site.answered[url] = status
    return site.answered[url]


def same_site_links(page: Page, base: str) -> list[str]:
    """Every link of the page to this site, as a path with its query."""
    hrefs: list[str] = page.eval_on_selector_all(
        "a[href], link[href]", "els => els.map(e => e.getAttribute('href'))"
    )
    site = urlsplit(base).netloc
    found = set()
    for href in hrefs:
        target = urlsplit(urljoin(page.url, href))
        if target.scheme in ("http", "https") and target.netloc == site:
            found.add(target.path + (f"?{target.query}" if target.query else ""))
    return sorted(found)


@pytest.mark.parametrize(("name", "template"), PAGES, ids=[name for name, _ in PAGES])
@pytest.mark.parametrize(("label", "width", "scheme"), VIEWS, ids=[v[0] for v in VIEWS])
def test_a_page_as_a_reader_sees_it(
    site: Site,
    browser: Browser,
    name: str,
    template: str,
    label: str,
    width: int,
    scheme: str,
) -> None:
    base = site.served.base
    url = base + path_of(site, template)
    seen = visit(browser, url, width, scheme)
    page = seen.page
    try:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}-{label}.png"), full_page=True)
        expected = [] if name not in STATUS else [f"status of {STATUS[name]}"]
        errors = [e for e in seen.errors if not any(x in e for x in expected)]
        assert errors == [], (name, label, errors)
        assert all(r.startswith(base + "/") or r.startswith("data:") for r in seen.requests), (
            name,
            [r for r in seen.requests if not r.startswith(base)],
        )
        (ARTIFACTS / f"weight-{name}-{label}.txt").write_text(f"{sum(seen.weights)}\n")
        scroll = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
        assert scroll[0] <= scroll[1], (name, label, scroll, _widest(page))
        if name != "editor":
            assert sum(seen.weights) < WEIGHT, (name, sum(seen.weights))
        if label == "1280":
            own = urlsplit(url).path
            for link in same_site_links(page, base):
                if name in STATUS and urlsplit(link).path == own:
                    continue  # the missing page in another language is missing too
                assert answers(site, link) < 400, (name, link, answers(site, link))
    finally:
        page.context.close()


@pytest.mark.parametrize(("name", "template"), PAGES, ids=[name for name, _ in PAGES])
@pytest.mark.parametrize(("label", "width", "scheme"), VIEWS, ids=[v[0] for v in VIEWS])
def test_axe_finds_nothing_serious(
    site: Site,
    browser: Browser,
    name: str,
    template: str,
    label: str,
    width: int,
    scheme: str,
) -> None:
    assert AXE.is_file(), f"no {AXE}: `make install` installs axe-core from the npm registry"
    url = site.served.base + path_of(site, template)
    seen = visit(browser, url, width, scheme, bypass_csp=True)  # axe is an inline script
    try:
        seen.page.add_script_tag(path=str(AXE))
        widget = WIDGETS.get(name)
        checked = {"exclude": [[widget]]} if widget else {"include": [["html"]]}
        serious = _serious(seen.page, checked)
        assert serious == [], json.dumps(serious, indent=1)
        if widget:  # what axe says of the widget itself, kept for its owner
            found = _serious(seen.page, {"include": [[widget]]})
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            report = ARTIFACTS / f"axe-{name}-widget-{label}.json"
            report.write_text(json.dumps(found, indent=1), encoding="utf-8")
    finally:
        seen.page.context.close()


@pytest.mark.parametrize(("name", "template"), PAGES, ids=[name for name, _ in PAGES])
def test_the_language_switch_keeps_the_page(
    site: Site, browser: Browser, name: str, template: str
) -> None:
    path = path_of(site, template)
    seen = visit(browser, site.served.base + path, 1280, "light")
    page = seen.page
    try:
        for code in ("sv", "fi", "en"):
            page.locator(f'header.site nav.languages a[hreflang="{code}"]').click()
            page.wait_for_load_state()
            assert urlsplit(page.url).path == urlsplit(path).path, (name, code, page.url)
            assert page.locator("html").get_attribute("lang") == code
            current = page.locator("header.site nav.languages [aria-current]")
            assert current.inner_text() == code
    finally:
        page.context.close()


def test_the_site_search_is_in_the_header_of_every_page(site: Site, browser: Browser) -> None:
    for name, template in PAGES:
        seen = visit(browser, site.served.base + path_of(site, template), 390, "light")
        try:
            field = seen.page.locator("header.site form.site-search input#site-search")
            assert field.is_visible(), name
            box = field.bounding_box()
            assert box is not None
            assert box["x"] >= 0, name
            assert box["x"] + box["width"] <= 390, name
        finally:
            seen.page.context.close()


def _serious(page: Page, context: dict[str, Any]) -> list[dict[str, Any]]:
    """The serious and critical findings of axe-core in ``context`` of the page."""
    result: dict[str, Any] = page.evaluate(
        "async (context) => await axe.run(context, {resultTypes: ['violations']})", context
    )
    return [
        {
            "rule": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def _widest(page: Page) -> list[str]:
    """The elements wider than the window, for a readable failure."""
    found: list[str] = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
            .slice(0, 8)
            .map(e => e.tagName + (e.id ? '#' + e.id : '') + '.' + e.className)"""
    )
    return found
