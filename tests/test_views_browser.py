"""The views as a reader meets them: ``partnergraph serve`` in a copy of the project, no
map tiles (nothing leaves the machine), headless Debian Chromium (Playwright).

A municipality's map is fitted to the municipality and its partners (the shown bounds
hold every marker and are far smaller than the world, at 1280 and 390 px), has a
legend by partnership type, names every marker without a click, and draws the
countries' outlines (served by this site, not tiles) under the markers; a network's page
maps its members; the data section opens without script; no console error (a
Content-Security-Policy violation is one), no request to another site. Screenshots go
to ``tests/artifacts/views/``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from .browser import Watched
from .paths import ROOT
from .served import serve_copy

ARTIFACTS = ROOT / "tests" / "artifacts" / "views"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    scratch = tmp_path_factory.mktemp("views")
    with serve_copy(scratch, settings={"PARTNERGRAPH_MAP_TILES": ""}) as served:
        yield served.base


def only_this_site(watched: Watched, site: str) -> None:
    assert watched.errors == [], (watched.errors, watched.requests)
    assert all(url.startswith(site + "/") for url in watched.requests), watched.requests


def map_data(page: Page) -> dict[str, object]:
    found = json.loads(page.locator("#map-data").text_content() or "{}")
    assert isinstance(found, dict)
    return found


def shown_bounds(page: Page) -> tuple[float, float, float, float]:
    """(south, west, north, east) of what the map shows, as the map script records it."""
    element = page.locator("#map")
    expect(element).to_have_attribute("data-bounds", re.compile(r"^\[\["))
    (south, west), (north, east) = json.loads(element.get_attribute("data-bounds") or "")
    return south, west, north, east


@pytest.mark.parametrize("city", ["lahti", "lund"])
@pytest.mark.parametrize(("width", "height"), [(1280, 900), (390, 844)])
def test_the_map_is_fitted_to_the_municipality_and_its_partners(
    site: str, browser: Browser, city: str, width: int, height: int
) -> None:
    watched = Watched(browser, width, height)
    try:
        page = watched.page
        page.goto(f"{site}/doc/city/{city}")
        data = map_data(page)
        points = data["points"]
        assert isinstance(points, list)
        assert len(points) > 5
        assert [p["name"] for p in points if p["home"]] == [city.capitalize()]
        markers = page.locator("#map path.map-partner")
        expect(markers).to_have_count(len(points) - 1)
        expect(page.locator("#map path.map-home")).to_have_count(1)
        south, west, north, east = shown_bounds(page)
        for point in points:
            assert south <= point["lat"] <= north, point
            assert west <= point["long"] <= east, point
        assert north - south < 150
        assert east - west < 300
        # Every marker says its name without a click, in the page's text; a name that
        # would cover a nearer one waits for a zoom (or the pointer), and the
        # municipality's own name is always shown.
        names = page.locator("#map .leaflet-tooltip.map-name")
        expect(names).to_have_count(len(points))
        assert sorted(names.all_text_contents()) == sorted(p["name"] for p in points)
        expect(page.locator("#map .leaflet-tooltip.map-name-home")).to_be_visible()
        shown = [b for b in _boxes(page, "#map .leaflet-tooltip.map-name") if b["visible"]]
        assert len(shown) >= 3
        for i, one in enumerate(shown):
            for other in shown[i + 1 :]:
                assert not _overlap(one, other), (one, other)
        # The legend: the municipality, then each partnership type in its colour.
        legend = page.locator("section.map ul.map-legend li")
        colours = data["colours"]
        assert isinstance(colours, list)
        expect(legend).to_have_count(len(colours))
        expect(legend.first).to_contain_text(city.capitalize())
        expect(page.locator("section.map ul.map-legend")).to_contain_text("twin town")
        fills = {
            page.evaluate("(e) => getComputedStyle(e).fill", markers.nth(i).element_handle())
            for i in range(markers.count())
        }
        assert len(fills) == len(colours) - 1  # one colour per partnership type
        # Without tiles, the countries of Natural Earth from this site, under the markers.
        assert isinstance(data["outlines"], str)
        assert data["outlines"].startswith("/-/static/world-atlas/")
        expect(page.locator("#map")).to_have_attribute("data-outlines", re.compile(r"^1\d\d$"))
        countries = page.locator("#map .leaflet-outlines-pane path.map-country")
        assert countries.count() > 100
        assert page.evaluate(
            "(e) => getComputedStyle(e).fill", countries.first.element_handle()
        ) not in {"none", "rgb(0, 0, 0)"}
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.locator("section.map").screenshot(path=str(ARTIFACTS / f"{city}-map-{width}.png"))
        page.screenshot(path=str(ARTIFACTS / f"{city}-{width}.png"), full_page=True)
        only_this_site(watched, site)
    finally:
        watched.context.close()


def _boxes(page: Page, selector: str) -> list[dict[str, float]]:
    """The boxes of the elements ``selector`` finds, and whether each is visible."""
    found = page.eval_on_selector_all(
        selector,
        """(all) => all.map((e) => {
            const r = e.getBoundingClientRect();
            return {left: r.left, top: r.top, right: r.right, bottom: r.bottom,
                    visible: getComputedStyle(e).visibility === "visible"};
        })""",
    )
    assert isinstance(found, list)
    return found


def _overlap(one: dict[str, float], other: dict[str, float]) -> bool:
    return (
        one["left"] < other["right"]
        and other["left"] < one["right"]
        and one["top"] < other["bottom"]
        and other["top"] < one["bottom"]
    )


def test_a_network_maps_its_members(site: str, watched: Watched) -> None:
    page = watched.page
    page.goto(site + "/doc/network/eurocities")
    expect(page.locator("#members")).to_contain_text("Members")
    expect(page.locator("section.members tbody tr")).to_have_count(1)
    expect(page.locator("#map path.map-partner")).to_have_count(1)
    expect(page.locator("#map .leaflet-tooltip.map-name", has_text="Lahti")).to_have_count(1)
    page.screenshot(path=str(ARTIFACTS / "eurocities-1280.png"), full_page=True)
    only_this_site(watched, site)


@pytest.mark.parametrize(
    "path",
    [
        "/doc/partnership/lund-dalvik",
        "/doc/source/lahti-kansainvalinen-lahti",
        "/doc/def/partnership-type/twin-town?lang=fi",
        "/doc/event/kymiring-motogp-2021",
    ],
)
def test_other_views_and_their_data_section(site: str, watched: Watched, path: str) -> None:
    page = watched.page
    page.goto(site + path)
    data = page.locator("details.data")
    properties = data.locator("#properties")
    expect(properties).to_be_hidden()
    data.locator("summary").click()
    expect(properties).to_be_visible()
    name = path.strip("/").replace("/", "-").replace("?lang=", "-")
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    only_this_site(watched, site)
