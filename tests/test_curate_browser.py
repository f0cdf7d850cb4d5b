"""The curators' page in a real browser: headless Chromium (the Debian package, driven
by Playwright) against ``partnergraph serve`` in a copy of the project, as the README
runs it, with a token made by ``partnergraph token create`` in that copy.

A curator signs in, downloads the template, fills in one partnership with openpyxl
(Lahti and Lund, which have none in the data), uploads it through the file input,
reads the preview, confirms, and follows the link to Lahti's page, which now lists
Lund. No console errors (a Content-Security-Policy violation is one), no request
leaves the site, no JavaScript needed by the pages.
"""

from __future__ import annotations

import datetime
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import expect

from .browser import Watched
from .served import Served, serve_copy
from .webapp import ENV_PREFIX

ROW = {
    "name (en)": "Lahti - Lund twin towns",
    "party 1": "Lahti",
    "party 2": "Lund",
    "type": "twin town",
    "start date": datetime.date(1990, 5, 1),
    "source": "https://example.org/lahti-lund",
}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    scratch = tmp_path_factory.mktemp("curate")
    with serve_copy(scratch, settings={"PARTNERGRAPH_MAP_TILES": ""}) as running:
        yield running


def make_token(folder: Path) -> str:
    """``partnergraph token create curator`` in the project's folder, as an admin runs it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(ENV_PREFIX)}
    made = subprocess.run(
        [str(Path(sys.executable).parent / "partnergraph"), "token", "create", "curator"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    token = made.stdout.strip().splitlines()[-1].strip()
    assert token.startswith("pg_"), made.stdout
    return token


def fill_in(template: Path, target: Path) -> Path:
    """The downloaded template with one more row on its Partnerships sheet."""
    book = openpyxl.load_workbook(template)
    sheet = book["Partnerships"]
    rows = list(sheet.iter_rows(values_only=True))
    headings = next(r for r in rows if any(v is not None for v in r))
    named = [str(h or "").rstrip("* ").strip() for h in headings]
    assert set(ROW) <= set(named), named
    sheet.append([ROW.get(name) for name in named])
    book.save(target)
    return target


def test_a_curator_uploads_previews_and_confirms_a_partnership(
    served: Served, watched: Watched, tmp_path: Path
) -> None:
    token = make_token(served.folder)
    page = watched.page
    page.goto(served.base + "/curate")
    expect(page.locator("h1")).to_have_text("Curate the data")
    token_field = page.locator("#token")
    expect(token_field).to_have_attribute("type", "password")
    token_field.fill(token)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("main")).to_contain_text("Signed in with the token curator")

    with page.expect_download() as downloading:
        page.locator('a[href="/curate/template?lang=en"]').click()
    template = tmp_path / downloading.value.suggested_filename
    downloading.value.save_as(template)
    assert template.name == "partnergraph-template-en.xlsx"
    filled = fill_in(template, tmp_path / "lahti-lund.xlsx")

    page.locator("#file").set_input_files(str(filled))
    page.get_by_role("button", name="Upload and preview").click()
    expect(page).to_have_url(re.compile(r"/curate/preview/[A-Za-z0-9_-]{22}$"))
    expect(page.locator("h1")).to_have_text("Preview: lahti-lund.xlsx")
    expect(page.locator("ul.words")).to_contain_text("Lahti - Lund twin towns")
    expect(page.locator("table.problems")).to_have_count(0)
    page.locator("details summary").click()
    expect(page.locator("details pre")).to_contain_text("id/city/lund")

    page.get_by_role("button", name="Confirm and publish").click()
    expect(page.locator("h1")).to_have_text("Published as change 1")
    expect(page.locator("#change-link")).to_have_attribute("href", "/changes/1")
    page.locator('main a[href="/doc/city/lahti"]').click()

    expect(page).to_have_url(served.base + "/doc/city/lahti")
    partnership = page.locator('main a[href="/doc/partnership/lahti-lund"]')
    expect(partnership.first).to_be_visible()
    expect(page.locator('main a[href="/doc/city/lund"]').first).to_be_visible()
    assert watched.errors == []
    assert all(url.startswith(served.base + "/") for url in watched.requests), watched.requests
