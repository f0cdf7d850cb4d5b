"""The query editor in a real browser: headless Chromium (the Debian package) driven by
Playwright, against a real server on 127.0.0.1.

Chromium is installed by ``make install`` (Debian package ``chromium``); Playwright
never downloads a browser of its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlencode

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


def example(page: Page, title: str) -> Locator:
    """Open the examples menu, filter it by the title's first word, pick the example;
    its tab (made or reused) is returned."""
    page.locator("details.examples summary").click()
    page.locator("details.examples input").fill(title.split(maxsplit=1)[0])
    page.locator("details.examples li button").filter(has_text=title).click()
    return tab(page, title)


def test_the_editor_runs_an_example_and_shows_the_table(
    site: str, watched: Watched, tmp_path_factory: pytest.TempPathFactory
) -> None:
    page = open_editor(watched, site + "/sparql")

    endpoint = page.locator(".yasgui .tabPanel.active .autocompleteWrapper input")
    expect(endpoint).to_have_value(site + "/sparql")
    expect(page.locator(".yasgui .tabsList .tab")).to_have_count(1)  # examples are a menu
    expect(page.locator("details.examples summary")).to_have_text("Example queries (2)")
    page.locator("details.examples summary").click()
    page.locator("details.examples input").fill("partners")
    items = page.locator("details.examples li")
    expect(items.filter(has_text="Partners of a town")).to_be_visible()
    expect(items.filter(has_text=TOWNS)).to_be_hidden()  # the filter hides it
    page.locator("details.examples input").fill("")
    page.locator("details.examples summary").click()

    expect(example(page, TOWNS)).to_have_count(1)
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
    example(page, "Partners of a town")
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
    example(page, TOWNS)
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
    example(page, "Partners of a town")
    page.locator(".yasgui .tabsList .addTab").click()  # the visitor's own tab
    expect(page.locator(".yasgui .tabsList .tab")).to_have_count(3)

    page.reload()
    expect(page.locator(".yasgui .tabPanel.active .CodeMirror")).to_be_visible()
    example(page, "Partners of a town")  # picked again: its tab, not a copy

    tabs = page.locator(".yasgui .tabsList .tab")
    expect(tabs).to_have_count(3)
    expect(tabs.filter(has_text="Partners of a town")).to_have_count(1)
    assert watched.errors == []


def test_a_query_link_opened_in_a_browser_shows_the_query_and_its_results(
    site: str, watched: Watched
) -> None:
    query = "SELECT ?town ?name WHERE { ?town <http://www.w3.org/2000/01/rdf-schema#label> ?name }"
    page = watched.page
    page.goto(site + "/sparql?" + urlencode({"query": query}))
    panel = page.locator(".yasgui .tabPanel.active")
    expect(panel.locator(".CodeMirror")).to_contain_text("SELECT ?town ?name")
    expect(tab(page, "Query from the link")).to_have_count(1)
    expect(panel.locator(".yasr table.dataTable tbody tr").first).to_be_visible()
    # the dataset's IRIs lead to this site's pages, not to their own host
    towns = panel.locator(".yasr table.dataTable tbody a")
    expect(towns.first).to_have_attribute("href", re.compile("^" + re.escape(site) + "/id/"))
    assert watched.errors == []


def test_an_error_is_said_in_words_with_its_line_marked(site: str, watched: Watched) -> None:
    page = open_editor(watched, site + "/sparql")
    page.evaluate(
        "() => window.partnergraphEditor.getTab().getYasqe()"
        ".setValue('SELECT * WHERE { ?s ?p }\\nLIMIT x')"
    )
    page.locator(".yasgui .tabPanel.active .yasqe_queryButton").click()
    error = page.locator("#query-error")
    expect(error).to_be_visible()
    expect(error).to_have_text(
        "400 Bad request: syntax error at line 2, column 1: expected OPTIONAL"
    )
    expect(page.locator(".yasgui .tabPanel.active .query-error-line")).to_have_count(1)
    assert [e for e in watched.errors if "400" not in e] == []
