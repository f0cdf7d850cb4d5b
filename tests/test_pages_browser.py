"""The pages in a real browser (headless Chromium, the Debian package, driven by
Playwright) against real servers on 127.0.0.1, with no map tiles (nothing leaves
the machine): the home page and its search, a municipality page in each language,
one map marker per partner with coordinates, links that lead where they say, no
console errors (a Content-Security-Policy violation is one), and a screenshot of a
municipality page kept in ``tests/artifacts/`` (git-ignored).
"""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from playwright.sync_api import Browser, Page, expect

from .browser import Watched, serving
from .linkeddata import built_store, real_app
from .paths import BASE, DATA, ROOT
from .webapp import WEB, web_app

ARTIFACTS = ROOT / "tests" / "artifacts"
MARKUP = "<script>alert('label')</script><b>Bold</b> & \"Co\""
HEADINGS = {"en": "Partnerships", "sv": "Partnerskap", "fi": "Kumppanuudet"}
NAMES = {"en": "Fixtown", "sv": "Fixstad", "fi": "Fixkaupunki"}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with (
        web_app(
            "oxigraph",
            tmp_path_factory.mktemp("pages"),
            graph_dir=DATA / "pages" / "graph",
            shapes_dir=WEB / "shapes",
            map_tiles="",
        ) as app,
        serving(app) as url,
    ):
        yield url


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, ox.Store]]:
    with real_app("oxigraph", tmp_path_factory.mktemp("real"), map_tiles="") as app:
        store = built_store(app)
        with serving(app) as url:
            yield url, store


def only_this_site(watched: Watched, site: str) -> None:
    assert watched.errors == []
    assert all(url.startswith(site + "/") for url in watched.requests), watched.requests


def test_home_page_and_search(site: str, watched: Watched) -> None:
    page = watched.page
    page.goto(site + "/")
    expect(page.locator("h1")).to_contain_text("international relations of municipalities")
    expect(page.locator("ul.counts li").first).to_contain_text("1")
    page.locator("#site-search").fill("north")
    page.locator("form[role=search] button").click()
    expect(page).to_have_url(site + "/search?q=north")
    result = page.locator("ul.results").get_by_role("link", name="Northby", exact=True)
    expect(result).to_have_count(1)
    result.click()
    expect(page).to_have_url(site + "/doc/city/northby")
    expect(page.locator("h1")).to_have_text("Northby")
    only_this_site(watched, site)


@pytest.mark.parametrize("language", sorted(HEADINGS))
def test_a_municipality_page_in_each_language(site: str, watched: Watched, language: str) -> None:
    page = watched.page
    page.goto(site + "/doc/city/fixtown")
    page.locator(f'nav.languages a[hreflang="{language}"]').click() if language != "en" else None
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("h1")).to_have_text(NAMES[language])
    expect(page.locator("#partnerships")).to_contain_text(HEADINGS[language])
    # One marker per partner with coordinates, one for the town itself.
    expect(page.locator("#map path.map-partner")).to_have_count(3)
    expect(page.locator("#map path.map-home")).to_have_count(1)
    expect(page.locator("section.map .notice")).to_contain_text("Nowhere")
    only_this_site(watched, site)


def test_markup_in_a_label_stays_text_in_the_page_and_the_map(site: str, watched: Watched) -> None:
    page = watched.page
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(site + "/doc/city/fixtown")
    expect(page.locator(".partnerships a", has_text=MARKUP)).to_have_count(1)
    assert page.locator(".partnerships b").count() == 0
    markers = page.locator("#map path.map-partner")
    for index in range(markers.count()):
        markers.nth(index).click(force=True)
        popup = page.locator(".leaflet-popup-content")
        expect(popup).to_be_visible()
        if MARKUP in popup.inner_text():
            assert popup.locator("b").count() == 0
            break
    else:
        pytest.fail("no marker shows the partner whose label is markup")
    assert dialogs == []
    only_this_site(watched, site)


def test_links_lead_where_they_say(site: str, watched: Watched) -> None:
    page = watched.page
    page.goto(site + "/doc/city/fixtown?lang=sv")
    page.locator(".partnerships").get_by_role("link", name="Norrby", exact=True).click()
    expect(page).to_have_url(site + "/doc/city/northby?lang=sv")
    expect(page.locator("h1")).to_have_text("Norrby")
    page.locator(".partnerships").get_by_role("link", name="Fixtown \u2013 Northby").click()
    # no Swedish label: the English one, said so in Swedish
    expect(page.locator("h1")).to_have_text("Fixtown \u2013 Northby (på engelska)")
    page.locator("section.partnership").get_by_role(
        "link", name="Fixstad", exact=True
    ).first.click()
    expect(page.locator("h1")).to_have_text("Fixstad")
    page.locator("#map path.map-partner").first.click(force=True)
    link = page.locator(".leaflet-popup-content a")
    target = link.get_attribute("href")
    assert target is not None
    link.click()
    expect(page).to_have_url(site + target)
    only_this_site(watched, site)


def partners_with_coordinates(store: ox.Store, city: str) -> int:
    """The partners of ``city`` that have a latitude, counted from the built graph."""
    party = ox.NamedNode(BASE + "def/party")
    lat = ox.NamedNode("http://www.w3.org/2003/01/geo/wgs84_pos#lat")
    home = ox.NamedNode(BASE + "id/city/" + city)
    partners = {
        other.object
        for q in store.quads_for_pattern(None, party, home)
        for other in store.quads_for_pattern(q.subject, party, None)
        if other.object != home
    }
    return sum(1 for p in partners if next(store.quads_for_pattern(p, lat, None), None))


@pytest.mark.parametrize("city", ["lund", "lahti"])
def test_a_real_municipality_page_and_its_screenshot(
    real: tuple[str, ox.Store], browser: Browser, city: str
) -> None:
    site, store = real
    for width, height, name in ((1280, 900, city), (390, 844, f"{city}-phone")):
        watched = Watched(browser, width, height)
        try:
            page: Page = watched.page
            page.goto(f"{site}/doc/city/{city}")
            expected = partners_with_coordinates(store, city)
            assert expected > 5
            expect(page.locator("#map path.map-partner")).to_have_count(expected)
            expect(page.locator("#map path.map-home")).to_have_count(1)
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
            scroll = page.evaluate("document.documentElement.scrollWidth")
            assert scroll <= width, f"the page is wider than the screen: {scroll} > {width}"
            only_this_site(watched, site)
        finally:
            watched.context.close()
