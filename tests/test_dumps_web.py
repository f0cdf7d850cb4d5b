"""/dumps/: listings, latest, files with ETag, Last-Modified, ranges, gzip as itself, safe paths."""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Iterator
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from partnergraph.dumps import Release, dumps_folder, latest_release

from .webapp import web_app


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    with web_app("oxigraph", tmp_path_factory.mktemp("dumps-web")) as made:
        yield made


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def release(app: Flask) -> Release:
    found = latest_release(dumps_folder(app.extensions["partnergraph"].settings))
    assert found is not None
    return found


def fetch(client: FlaskClient, url: str, **kwargs: Any) -> TestResponse:
    """A response read whole and closed (a file response holds the file open until then)."""
    response = client.open(url, **kwargs)
    response.get_data()
    response.close()
    return response


def sums(client: FlaskClient, release: Release) -> dict[str, str]:
    text = fetch(client, f"/dumps/{release.id}/SHA256SUMS").get_data(as_text=True)
    return {name: digest for digest, name in (line.split("  ") for line in text.splitlines())}


def test_the_listing_names_every_release_newest_first(
    client: FlaskClient, release: Release
) -> None:
    response = fetch(client, "/dumps/", headers={"Accept": "application/json"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["latest"] == release.id
    (entry,) = body["releases"]
    assert entry["id"] == release.id
    assert entry["version"] == release.version
    assert entry["url"] == f"/dumps/{release.id}/"
    files = {f["name"]: f for f in entry["files"]}
    assert files["partnergraph.nq.gz"]["media_type"] == "application/gzip"
    assert files["partnergraph.nq.gz"]["url"] == f"/dumps/{release.id}/partnergraph.nq.gz"
    assert response.headers["Vary"] == "Accept"
    page = fetch(client, "/dumps/", headers={"Accept": "text/html"})
    assert "Accept-Language" in page.headers["Vary"]  # the page is in the reader's language
    assert page.mimetype == "text/html"
    assert f'href="/dumps/{release.id}/"' in page.get_data(as_text=True)
    assert fetch(client, "/dumps").status_code in (301, 308)


def test_the_release_page_and_its_manifest(client: FlaskClient, release: Release) -> None:
    page = fetch(client, f"/dumps/{release.id}/", headers={"Accept": "text/html"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    for f in release.files:
        assert f'id="{f.name}"' in text  # the fragment of the DCAT distribution IRI
        assert f.sha256 in text
    assert "sha256sum -c" in text
    manifest = fetch(client, f"/dumps/{release.id}/", headers={"Accept": "application/json"})
    assert manifest.mimetype == "application/json"
    assert manifest.get_json()["id"] == release.id
    assert manifest.headers["Vary"] == "Accept"
    assert "Accept" in page.headers["Vary"].split(", ")


@pytest.mark.parametrize(
    ("path", "location"),
    [
        ("/dumps/latest/partnergraph.ttl", "/dumps/{id}/partnergraph.ttl"),
        ("/dumps/latest/", "/dumps/{id}/"),
    ],
)
def test_latest_is_a_temporary_redirect(
    client: FlaskClient, release: Release, path: str, location: str
) -> None:
    response = fetch(client, path)
    assert response.status_code == 302
    assert response.headers["Location"] == location.format(id=release.id)
    assert response.headers["Cache-Control"] == "no-cache"
    followed = fetch(client, path, follow_redirects=True)
    assert followed.status_code == 200


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("partnergraph.nt", "application/n-triples; charset=utf-8"),
        ("partnergraph.nq", "application/n-quads; charset=utf-8"),
        ("partnergraph.ttl", "text/turtle; charset=utf-8"),
        ("partnergraph.trig", "application/trig; charset=utf-8"),
        ("partnergraph.jsonld", "application/ld+json; charset=utf-8"),
        ("partnergraph.nt.gz", "application/gzip"),
        ("manifest.json", "application/json"),
        ("manifest.ttl", "text/turtle; charset=utf-8"),
        ("SHA256SUMS", "text/plain; charset=utf-8"),
    ],
)
def test_files_are_sent_with_their_media_type_length_and_validators(
    client: FlaskClient, release: Release, name: str, content_type: str
) -> None:
    response = fetch(client, f"/dumps/{release.id}/{name}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == content_type
    data = response.get_data()
    assert int(response.headers["Content-Length"]) == len(data)
    assert response.headers["Accept-Ranges"] == "bytes"
    assert parsedate_to_datetime(response.headers["Last-Modified"]) == release.built
    assert "Content-Encoding" not in response.headers
    if name != "SHA256SUMS":
        assert hashlib.sha256(data).hexdigest() == sums(client, release)[name]
    entry = release.file(name)
    if entry is not None:
        assert response.headers["ETag"] == f'"{entry.sha256}"'
        assert "immutable" in response.headers["Cache-Control"]


def test_gzip_is_sent_as_itself_even_to_a_client_that_accepts_gzip(
    client: FlaskClient, release: Release
) -> None:
    response = fetch(
        client, f"/dumps/{release.id}/partnergraph.nq.gz", headers={"Accept-Encoding": "gzip"}
    )
    assert response.mimetype == "application/gzip"
    assert "Content-Encoding" not in response.headers
    data = response.get_data()
    assert hashlib.sha256(data).hexdigest() == sums(client, release)["partnergraph.nq.gz"]
    plain = fetch(client, f"/dumps/{release.id}/partnergraph.nq").get_data()
    assert gzip.decompress(data) == plain


def test_conditional_and_range_requests(client: FlaskClient, release: Release) -> None:
    url = f"/dumps/{release.id}/partnergraph.nt"
    whole = fetch(client, url)
    etag = whole.headers["ETag"]
    assert fetch(client, url, headers={"If-None-Match": etag}).status_code == 304
    modified = whole.headers["Last-Modified"]
    assert fetch(client, url, headers={"If-Modified-Since": modified}).status_code == 304
    part = fetch(client, url, headers={"Range": "bytes=10-29"})
    assert part.status_code == 206
    assert part.get_data() == whole.get_data()[10:30]
    assert part.headers["Content-Range"] == f"bytes 10-29/{len(whole.get_data())}"
    assert part.headers["Content-Length"] == "20"
    stale = fetch(client, url, headers={"Range": "bytes=10-29", "If-Range": '"other"'})
    assert stale.status_code == 200
    assert stale.get_data() == whole.get_data()
    fresh = fetch(client, url, headers={"Range": "bytes=-5", "If-Range": etag})
    assert fresh.status_code == 206
    assert fresh.get_data() == whole.get_data()[-5:]
    beyond = fetch(client, url, headers={"Range": f"bytes={len(whole.get_data()) + 10}-"})
    assert beyond.status_code == 416
    head = fetch(client, url, method="HEAD")
    assert head.status_code == 200
    assert head.headers["Content-Length"] == str(len(whole.get_data()))
    assert head.get_data() == b""


TRAVERSALS = [
    "/dumps/../../etc/passwd",
    "/dumps/..%2F..%2Fetc%2Fpasswd",
    "/dumps/%2e%2e/%2e%2e/etc/passwd",
    "/dumps/{id}/..%2F..%2Fpartnergraph.nq",
    "/dumps/{id}/../../partnergraph.nq",
    "/dumps/{id}/%2Fetc%2Fpasswd",
    "/dumps/{id}//etc/passwd",
    "/dumps/{id}/%252e%252e%252fmanifest.json",
    "/dumps/{id}/..%5c..%5cpartnergraph.nq",
    "/dumps/{id}/partnergraph.nq%00.txt",
    "/dumps/{id}/.lock",
    "/dumps/{id}/../.lock",
    "/dumps/latest/..%2F..%2Fpartnergraph.nq",
    "/dumps/latest/%2Fetc%2Fpasswd",
    "/dumps/%2Fetc/passwd",
    "/dumps//etc/passwd",
    "/dumps/.lock",
    "/dumps/latest",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_paths_never_leave_the_release_files(
    app: Flask, client: FlaskClient, release: Release, path: str
) -> None:
    url = path.format(id=release.id)
    response = fetch(client, url, follow_redirects=True)
    if url == "/dumps/latest":  # a plain redirect to the release page, nothing else
        assert response.request.path == f"/dumps/{release.id}/"
        return
    assert response.status_code in (400, 404), url
    body = response.get_data()
    assert b"root:" not in body
    output = Path(app.extensions["partnergraph"].settings.output_dir)
    assert body != (output / "partnergraph.nq").read_bytes()
    assert response.get_json()["error"]["status"] == response.status_code


def test_unknown_releases_and_files_are_404s_in_the_error_shape(
    client: FlaskClient, release: Release
) -> None:
    for url in ("/dumps/000000000000/", f"/dumps/{release.id}/nope.nt", "/dumps/nope/x"):
        response = fetch(client, url, headers={"Accept": "application/json"})
        assert response.status_code == 404, url
        assert set(response.get_json()["error"]) == {"status", "title", "detail"}


def test_an_app_without_releases_says_so(tmp_path: Path) -> None:
    with web_app("oxigraph", tmp_path, dumps=False) as app:
        client = app.test_client()
        body = fetch(client, "/dumps/", headers={"Accept": "application/json"}).get_json()
        assert body == {"latest": None, "releases": []}
        assert fetch(client, "/dumps/latest/partnergraph.nt").status_code == 404
