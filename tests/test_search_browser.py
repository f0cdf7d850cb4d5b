"""The site search as a reader meets it: ``partnergraph serve`` in a copy of the project,
headless Debian Chromium (Playwright). One types in the header's search box on any page,
sees suggestions (an ARIA combobox), picks one by keyboard or by mouse and lands on its
page; Enter without a pick, or a browser without JavaScript, gets the results page. A
misspelt name ("Vasteraas") offers the names nearest to it ("Did you mean"), in the
list and on the results page.
No console error (a Content-Security-Policy violation is one), nothing asked of another
site. A screenshot of the open suggestions goes to ``tests/artifacts/search/``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from .browser import Watched
from .paths import ROOT
from .served import serve_copy

ARTIFACTS = ROOT / "tests" / "artifacts" / "search"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    scratch = tmp_path_factory.mktemp("search")
    with serve_copy(scratch, settings={"PARTNERGRAPH_MAP_TILES": ""}) as served:
        yield served.base


def only_this_site(watched: Watched, site: str) -> None:
    assert watched.errors == []
    assert all(url.startswith(site + "/") for url in watched.requests), watched.requests


def type_in_header(page: Page, text: str) -> None:
    box = page.locator("header #site-search")
    box.fill("")
    box.press_sequentially(text, delay=40)


def test_pick_a_suggestion_by_keyboard(site: str, watched: Watched) -> None:
    page = watched.page
    page.goto(site + "/doc/city/lund")
    type_in_header(page, "vaster")
    box = page.locator("header #site-search")
    listbox = page.get_by_role("listbox")
    expect(listbox).to_be_visible()
    options = listbox.get_by_role("option")
    expect(options.first).to_contain_text("Västerås")
    expect(options.first).to_contain_text("Municipality")
    expect(box).to_have_attribute("role", "combobox")
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(box).to_have_attribute("aria-controls", listbox.get_attribute("id") or "?")
    box.press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", options.first.get_attribute("id") or "?")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "suggestions-1280.png"))
    box.press("Enter")
    expect(page).to_have_url(site + "/doc/city/vasteras")
    only_this_site(watched, site)


def test_pick_a_suggestion_by_mouse_on_a_phone(site: str, browser: Browser) -> None:
    watched = Watched(browser, width=390, height=800)
    try:
        page = watched.page
        page.goto(site + "/?lang=sv")
        type_in_header(page, "eurocit")
        option = page.get_by_role("option").first
        expect(option).to_contain_text("Eurocities")
        expect(option).to_contain_text("Nätverk")  # the page's language
        page.screenshot(path=str(ARTIFACTS / "suggestions-390.png"))
        option.click()
        expect(page).to_have_url(site + "/doc/network/eurocities?lang=sv")
        only_this_site(watched, site)
    finally:
        watched.context.close()


def test_a_misspelt_name_offers_the_nearest_names(site: str, watched: Watched) -> None:
    page = watched.page
    page.goto(site + "/doc/city/lund?lang=sv")
    type_in_header(page, "Vasteraas")
    listbox = page.get_by_role("listbox", name="Menade du")
    expect(listbox).to_be_visible()
    first = listbox.get_by_role("option").first
    expect(first).to_contain_text("Västerås")
    expect(first).to_contain_text("Kommun")
    expect(page.get_by_role("status").filter(has_text="Menade du")).to_have_count(1)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "did-you-mean-1280.png"))
    box = page.locator("header #site-search")
    box.press("ArrowDown")
    box.press("Enter")
    expect(page).to_have_url(site + "/doc/city/vasteras?lang=sv")
    only_this_site(watched, site)


def test_the_results_page_offers_the_nearest_names(site: str, watched: Watched) -> None:
    page = watched.page
    page.goto(site + "/search?q=Lhati&lang=fi")
    expect(page.get_by_role("heading", name="Tarkoititko")).to_be_visible()
    link = page.get_by_role("list", name="Tarkoititko").get_by_role("link").first
    expect(link).to_have_text("Lahti")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "did-you-mean-page-1280.png"))
    link.click()
    expect(page).to_have_url(site + "/doc/city/lahti?lang=fi")
    only_this_site(watched, site)


def test_escape_closes_the_list_then_empties_the_box(site: str, watched: Watched) -> None:
    page = watched.page
    page.goto(site + "/")
    type_in_header(page, "lund")
    box = page.locator("header #site-search")
    expect(page.get_by_role("listbox")).to_be_visible()
    box.press("ArrowDown")
    box.press("ArrowUp")  # wraps round to the last
    options = page.get_by_role("option")
    expect(options.last).to_have_attribute("aria-selected", "true")
    box.press("Escape")
    expect(page.get_by_role("listbox")).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(box).to_have_value("lund")
    box.press("Escape")
    expect(box).to_have_value("")
    only_this_site(watched, site)


def test_enter_without_a_pick_opens_the_results_page(site: str, watched: Watched) -> None:
    page = watched.page
    page.goto(site + "/doc/network/eurocities")
    type_in_header(page, "Pecs")
    expect(page.get_by_role("option").first).to_contain_text("Pécs")
    page.locator("header #site-search").press("Enter")
    expect(page).to_have_url(site + "/search?q=Pecs")
    first = page.locator("ul.search-results li").first
    expect(first.get_by_role("link")).to_have_text("Pécs")
    expect(first).to_contain_text("Municipality")
    first.get_by_role("link").click()
    expect(page).to_have_url(site + "/doc/city/pecs")
    only_this_site(watched, site)


def test_without_javascript_the_form_still_searches(site: str, browser: Browser) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site + "/?lang=fi")
        page.locator("header #site-search").fill("vasteras")
        page.locator("header form.site-search button").click()
        expect(page).to_have_url(site + "/search?q=vasteras&lang=fi")
        expect(page.locator("ul.search-results a").first).to_have_text("Västerås")
        expect(page.locator("ul.search-results li").first).to_contain_text("Kunta")
        expect(page.get_by_role("listbox")).to_have_count(0)
    finally:
        context.close()


def test_axe_finds_nothing_serious_with_the_suggestions_open(site: str, browser: Browser) -> None:
    assert AXE.is_file(), f"no {AXE}: `make install` installs axe-core from the npm registry"
    context = browser.new_context(bypass_csp=True)  # axe is injected as an inline script
    try:
        page = context.new_page()
        page.goto(site + "/search?q=lahti")
        type_in_header(page, "lah")
        expect(page.get_by_role("listbox")).to_be_visible()
        page.locator("header #site-search").press("ArrowDown")
        page.add_script_tag(path=str(AXE))
        result: dict[str, Any] = page.evaluate(
            "async () => await axe.run(document, {resultTypes: ['violations']})"
        )
        serious = [
            (v["id"], v["help"], [n["target"] for n in v["nodes"]])
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert serious == [], serious
    finally:
        context.close()
