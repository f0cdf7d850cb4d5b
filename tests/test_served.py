"""The served product, as the README starts it and as a person follows its links.

One ``partnergraph serve`` in a copy of the project (see :mod:`tests.served`) for the
module: the dumps the home page links download whole and match ``SHA256SUMS``, and
every same-site link that the pages show answers a browser without an error.
"""

from __future__ import annotations

import gzip
import hashlib
from collections import deque
from collections.abc import Iterator

import httpx
import pytest

from .served import BROWSER_ACCEPT, Served, links, serve_copy

#: The crawl's bounds: pages whose links are followed, and links fetched in all.
PAGES, FETCHES = 60, 600
#: Where a person starts besides the home page: the README's own addresses.
ENTRIES = ("/", "/sparql", "/dumps/", "/api/", "/api/queries", "/shapes", "/doc/def")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with serve_copy(tmp_path_factory.mktemp("served")) as running:
        yield running


def browse(client: httpx.Client, path: str) -> httpx.Response:
    return client.get(path, headers={"Accept": BROWSER_ACCEPT})


def download(client: httpx.Client, path: str) -> bytes:
    """What `curl -LO` saves: the body after following redirects."""
    response = client.get(path, follow_redirects=True)
    assert response.status_code == 200, f"{path}: {response.status_code} {response.text[:200]}"
    return response.content


def test_issue10_point1_the_readme_download_line_saves_the_gzipped_dump(served: Served) -> None:
    with served.client() as client:
        first = client.get("/dumps/latest/partnergraph.nq.gz")
        assert first.status_code == 302
        response = client.get("/dumps/latest/partnergraph.nq.gz", follow_redirects=True)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/gzip"
    assert "Content-Encoding" not in response.headers
    quads = gzip.decompress(response.content).decode("utf-8").splitlines()
    assert len(quads) > 1000
    assert all(line.endswith(" .") for line in quads)


def test_issue10_point1_every_file_the_home_page_links_downloads_and_matches_sha256sums(
    served: Served,
) -> None:
    with served.client() as client:
        home = browse(client, "/")
        assert home.status_code == 200
        linked = sorted({p for p in links(str(home.url), home.text) if p.startswith("/dumps/")})
        files = [path for path in linked if not path.endswith("/")]
        assert any(path.endswith(".nq.gz") for path in files), linked
        saved = {path.rsplit("/", 1)[1]: download(client, path) for path in files}
        sums = download(client, "/dumps/latest/SHA256SUMS").decode("ascii").splitlines()
        assert sums
        for line in sums:
            digest, name = line.split(maxsplit=1)
            name = name.lstrip("*")
            body = saved.get(name) or download(client, f"/dumps/latest/{name}")
            assert hashlib.sha256(body).hexdigest() == digest, name
    assert set(saved) <= {line.split(maxsplit=1)[1].lstrip("*") for line in sums} | {"SHA256SUMS"}
    # the files were written into the copy's own out/, where the command ran
    assert (served.folder / "out" / "dumps").is_dir()


def test_issue10_point6_every_link_of_the_served_product_answers(served: Served) -> None:
    failures: list[str] = []
    seen: set[str] = set()
    queue = deque((entry, "(start)") for entry in ENTRIES)
    pages = 0
    with served.client() as client:
        while queue and len(seen) < FETCHES:
            path, referrer = queue.popleft()
            if path in seen:
                continue
            seen.add(path)
            response = browse(client, path)
            if response.status_code >= 400:
                failures.append(f"{path} (linked from {referrer}): {response.status_code}")
            elif response.is_redirect:
                target = links(str(response.url), f'<a href="{response.headers["Location"]}">')
                queue.extend((link, path) for link in target)
            elif "text/html" in response.headers.get("Content-Type", "") and pages < PAGES:
                pages += 1
                queue.extend((link, path) for link in links(str(response.url), response.text))
    assert not failures, "\n".join(failures)
    assert pages >= 20, f"only {pages} pages crawled: {sorted(seen)[:20]}"


def test_a_get_query_of_six_kilobytes_is_answered(served: Served) -> None:
    # gunicorn's default request line (4094 bytes) refused it with its own HTML 414
    query = "SELECT * WHERE { ?s ?p ?o } LIMIT 1 # " + "x" * 6000
    with served.client() as client:
        response = client.get(
            "/sparql",
            params={"query": query},
            headers={"Accept": "application/sparql-results+json"},
        )
    assert response.status_code == 200, response.text[:300]
    assert len(response.json()["results"]["bindings"]) == 1
