"""The query editor in a real browser: headless Chromium (the Debian package) driven by
Playwright, against a real server on 127.0.0.1.

Chromium is installed by ``make install`` (Debian package ``chromium``); Playwright
never downloads a browser of its own. axe-core (the npm package) checks the whole page,
YASGUI and its results included, for serious and critical findings.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from .browser import Watched, serving
from .paths import DATA, ROOT
from .webapp import web_app

QUERIES = DATA / "editor" / "queries"
TOWNS = "Towns & names </script><b>x</b>"
#: The labels of the towns in tests/data/web/graph/towns.trig.
LABELS = 13
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
#: (width, colour scheme) of each look at the editor with axe.
AXE_VIEWS = ((1280, "light"), (390, "light"), (1280, "dark"), (390, "dark"))
#: A token of each kind YASQE colours (keyword, variable, prefixed name, IRI, string,
#: language tag, datatype, number, boolean, comment); more rows than a page of 10.
EVERY_TOKEN = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
# every label, a filter that keeps them all
SELECT ?town (STR(?name) AS ?label) WHERE {
  ?town rdfs:label ?name .
  FILTER (LANG(?name) != "xx" || ?name = "a"@en || 1 < 2.5 || true
    || ?name = "b"^^<http://www.w3.org/2001/XMLSchema#string>)
}
LIMIT 100
"""


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
    page.locator(".yasgui .tabsBar .addTab").click()  # the visitor's own tab
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


def checked_context(browser: Browser, width: int, scheme: str) -> BrowserContext:
    """A fresh context at ``width`` px in ``scheme``, where axe (an inline script) may run."""
    return browser.new_context(
        viewport={"width": width, "height": 900},
        color_scheme=scheme,  # type: ignore[arg-type]
        bypass_csp=True,
    )


def serious_findings(page: Page) -> list[dict[str, Any]]:
    """The serious and critical findings of axe-core on the whole page, for a readable
    failure: rule, impact, what is wrong and the first few elements."""
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result: dict[str, Any] = page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations']})"
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


@pytest.mark.parametrize(("width", "scheme"), AXE_VIEWS, ids=[f"{w}-{s}" for w, s in AXE_VIEWS])
def test_axe_finds_nothing_serious_in_the_editor_and_its_results(
    site: str, browser: Browser, width: int, scheme: str
) -> None:
    assert AXE.is_file(), f"no {AXE}: `make install` installs axe-core from the npm registry"
    context = checked_context(browser, width, scheme)
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(site + "/sparql")
        expect(page.locator(".yasgui .tabPanel.active .CodeMirror")).to_be_visible()
        example(page, "Partners of a town")  # a second tab: the first one is not selected
        page.evaluate(
            "(query) => window.partnergraphEditor.getTab().getYasqe().setValue(query)",
            EVERY_TOKEN,
        )
        panel = page.locator(".yasgui .tabPanel.active")
        panel.locator(".yasqe_queryButton").click()
        expect(panel.locator(".yasr table.dataTable tbody tr").first).to_be_visible()
        panel.locator(".yasr select.tableSizer").select_option("10")
        expect(panel.locator(".yasr .dt-paging button").filter(has_text="2")).to_be_visible()

        found = {"table": serious_findings(page)}
        panel.locator(".yasr .select_response").click()
        expect(panel.locator(".yasr .CodeMirror")).to_contain_text('"bindings"')
        found["response"] = serious_findings(page)

        assert found == {"table": [], "response": []}
        assert errors == []
    finally:
        context.close()


def test_axe_finds_nothing_serious_in_the_editor_s_menus_and_messages(
    site: str, browser: Browser
) -> None:
    """What the editor shows for a moment: a tab's menu, completions, an error, the
    link to a query."""
    context = checked_context(browser, 1280, "light")
    try:
        page = context.new_page()
        page.goto(site + "/sparql")
        panel = page.locator(".yasgui .tabPanel.active")
        expect(panel.locator(".CodeMirror")).to_be_visible()
        found: dict[str, list[dict[str, Any]]] = {}

        page.locator(".yasgui .tabsList .tab a").first.click(button="right")
        expect(page.locator(".yasgui.context-menu")).to_be_visible()
        found["tab menu"] = serious_findings(page)
        page.locator(".editor-header h1").click()  # a click elsewhere closes the menu
        expect(page.locator(".yasgui.context-menu")).to_have_count(0)

        page.evaluate(
            "() => { const yasqe = window.partnergraphEditor.getTab().getYasqe();"
            " yasqe.setValue('SELECT * WHERE {\\n  ?x '); yasqe.focus();"
            " yasqe.setCursor(yasqe.lineCount(), 0); }"
        )
        page.keyboard.type("pg:p")
        page.keyboard.press("Control+Space")
        expect(page.locator(".CodeMirror-hints li").first).to_be_visible()
        found["completions"] = serious_findings(page)
        page.keyboard.press("Escape")

        page.evaluate(
            "() => window.partnergraphEditor.getTab().getYasqe()"
            ".setValue('SELECT * WHERE { ?s ?p }\\nLIMIT x')"
        )
        panel.locator(".yasqe_queryButton").click()
        expect(page.locator("#query-error")).to_be_visible()
        found["error"] = serious_findings(page)

        panel.locator(".yasqe_share").click()
        expect(panel.locator(".yasqe_sharePopup input")).to_be_visible()
        found["share"] = serious_findings(page)

        assert found == {"tab menu": [], "completions": [], "error": [], "share": []}
    finally:
        context.close()


def test_a_long_query_scrolls_by_keyboard_and_new_tabs_follow_the_list(
    site: str, watched: Watched
) -> None:
    page = open_editor(watched, site + "/sparql")  # 14 PREFIX lines: more than 320 px
    panel = page.locator(".yasgui .tabPanel.active")
    panel.locator(".yasqe_share").focus()
    page.keyboard.press("Shift+Tab")  # the scrolling area is between the text and its buttons
    scroller = panel.locator(".CodeMirror-scroll")
    expect(scroller).to_be_focused()
    page.keyboard.press("PageDown")
    # the key is handled when the browser gets to it (late on a busy machine): wait for it
    page.wait_for_function("area => area.scrollTop > 0", arg=scroller.element_handle())

    tabs = page.locator(".yasgui .tabsList [role=tab]")
    assert page.locator(".yasgui .tabsList button").count() == 0  # tabs only in the list
    page.locator(".yasgui .tabsBar .addTab").click()
    expect(tabs).to_have_count(2)
    expect(tabs.last).to_have_attribute("aria-selected", "true")  # the new one, at the end
    tabs.last.focus()
    page.keyboard.press("ArrowLeft")
    expect(tabs.first).to_be_focused()
    assert watched.errors == []
