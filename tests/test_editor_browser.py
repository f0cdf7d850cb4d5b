"""The query editor in a real browser: headless Chromium (the Debian package) driven by
Playwright, against a real server on 127.0.0.1.

Chromium is installed by ``make install`` (Debian package ``chromium``); Playwright
never downloads a browser of its own.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from .browser import Watched, serving
from .paths import DATA
from .webapp import web_app

QUERIES = DATA / "editor" / "queries"
TOWNS = "Towns & names </script><b>x</b>"
#: The labels of the towns in tests/data/web/graph/towns.trig.
LABELS = 13


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with (
        web_app("oxigraph", tmp_path_factory.mktemp("out"), queries_dir=QUERIES) as app,
        serving(app) as url,
    ):
        yield url


def open_editor(watched: Watched, url: str) -> Page:
    page = watched.page
    page.goto(url)
    expect(page.locator(".yasgui .tabPanel.active .CodeMirror")).to_be_visible()
    return page


def tab(page: Page, title: str) -> Locator:
    return page.locator(".yasgui .tabsList .tab").filter(has_text=title)


def test_the_editor_runs_an_example_and_shows_the_table(
    site: str, watched: Watched, tmp_path_factory: pytest.TempPathFactory
) -> None:
    page = open_editor(watched, site + "/sparql")

    endpoint = page.locator(".yasgui .tabPanel.active .autocompleteWrapper input")
    expect(endpoint).to_have_value(site + "/sparql")
    tabs = page.locator(".yasgui .tabsList .tab")
    expect(tabs.filter(has_text="Partners of a town")).to_have_count(1)
    expect(tabs.filter(has_text=TOWNS)).to_have_count(1)

    tab(page, TOWNS).click()
    panel = page.locator(".yasgui .tabPanel.active")
    expect(panel.locator(".CodeMirror")).to_contain_text("SELECT ?town ?name")
    panel.locator(".yasqe_queryButton").click()

    rows = panel.locator(".yasr table.dataTable tbody tr")
    expect(rows).to_have_count(LABELS)
    expect(panel.locator(".yasr table.dataTable thead")).to_contain_text("name")
    expect(rows.first).to_contain_text("Aarhus")
    shot = tmp_path_factory.mktemp("screenshots") / "editor.png"
    page.screenshot(path=str(shot), full_page=True)
    print(f"editor screenshot: {shot}")

    assert watched.errors == []
    assert all(url.startswith(site + "/") for url in watched.requests), watched.requests


def test_a_shared_link_opens_and_runs_the_query(
    site: str, watched: Watched, browser: Browser
) -> None:
    page = open_editor(watched, site + "/sparql")
    tab(page, "Partners of a town").click()
    link = page.evaluate("() => window.partnergraphEditor.getTab().getShareableLink()")
    assert link.startswith(site + "/sparql#")

    elsewhere = Watched(browser)  # another visitor: nothing in the browser's storage
    try:
        shared = open_editor(elsewhere, link)
        panel = shared.locator(".yasgui .tabPanel.active")
        expect(panel.locator(".CodeMirror")).to_contain_text("SELECT DISTINCT ?town ?partner")
        expect(panel.locator(".yasr table.dataTable tbody tr")).to_have_count(6)
        assert elsewhere.errors == []
    finally:
        elsewhere.context.close()


def test_prefixes_and_terms_of_the_graph_are_completed(site: str, watched: Watched) -> None:
    page = open_editor(watched, site + "/sparql")
    tab(page, TOWNS).click()
    start = "() => { const yasqe = window.partnergraphEditor.getTab().getYasqe();"
    page.evaluate(
        start + " yasqe.setValue('SELECT * WHERE {\\n  ?x '); yasqe.focus();"
        " yasqe.setCursor(yasqe.lineCount(), 0); }"
    )

    page.keyboard.type("pg:p")  # a project prefix: its PREFIX line is added
    expect(page.locator(".yasgui .tabPanel.active .CodeMirror")).to_contain_text("PREFIX pg:")
    assert page.evaluate(start + " return yasqe.getValue(); }") == (
        "PREFIX pg: <https://w3id.org/partnergraph/def/>\nSELECT * WHERE {\n  ?x pg:p"
    )

    page.keyboard.press("Control+Space")  # the graph's properties, asked of the endpoint
    hints = page.locator(".CodeMirror-hints li")
    expect(hints).to_have_count(2)
    assert sorted(hints.all_text_contents()) == ["pg:partner", "pg:party"]
    assert watched.errors == []


def test_a_second_visit_keeps_the_tabs_and_adds_no_copies(site: str, watched: Watched) -> None:
    page = open_editor(watched, site + "/sparql")
    page.locator(".yasgui .tabsList .addTab").click()  # the visitor's own tab
    expect(page.locator(".yasgui .tabsList .tab")).to_have_count(3)

    page.reload()
    expect(page.locator(".yasgui .tabPanel.active .CodeMirror")).to_be_visible()

    tabs = page.locator(".yasgui .tabsList .tab")
    expect(tabs).to_have_count(3)
    expect(tabs.filter(has_text="Partners of a town")).to_have_count(1)
    expect(tabs.filter(has_text=TOWNS)).to_have_count(1)
    assert watched.errors == []
