"""Where the document about a resource is, and how its path maps back (no app)."""

from __future__ import annotations

import pytest

from partnergraph.documents import (
    document_formats,
    document_path,
    resource_iri,
    split_suffix,
)
from partnergraph.namespaces import Namespaces
from partnergraph.web.i18n import WORDS

from .paths import BASE

NS = Namespaces(BASE)


@pytest.mark.parametrize(
    ("iri", "path"),
    [
        (BASE + "id/city/lund", "doc/city/lund"),
        (BASE + "id/partnership/lund-porvoo", "doc/partnership/lund-porvoo"),
        (BASE + "def/", "doc/def"),
        (BASE + "def/Partnership", "doc/def/Partnership"),
        (BASE + "def/partnership-type/twin-town", "doc/def/partnership-type/twin-town"),
    ],
)
def test_a_resource_and_its_document_map_both_ways(iri: str, path: str) -> None:
    assert document_path(iri, NS) == path
    assert resource_iri(path.removeprefix("doc/"), NS) == iri


@pytest.mark.parametrize(
    "iri",
    [
        BASE + "id/",
        BASE + "id/def/party",  # def is never a kind: its documents are the vocabulary's
        BASE + "id/city/lund.ttl",
        BASE + "id/city//lund",
        BASE + "id/city/lund>",
        BASE + "graph/derived",
        "https://example.org/id/city/lund",
    ],
)
def test_what_is_not_a_resource_of_the_dataset_has_no_document(iri: str) -> None:
    assert document_path(iri, NS) is None


@pytest.mark.parametrize("path", ["", "city/", "city/../def", "city/lund%20x", "a b"])
def test_odd_paths_name_no_resource(path: str) -> None:
    assert resource_iri(path, NS) is None


def test_suffixes() -> None:
    formats = document_formats()
    assert [f.key for f in formats] == ["ttl", "nt", "jsonld", "rdf"]
    assert split_suffix("city/lund.jsonld", formats)[0] == "city/lund"
    assert split_suffix("city/lund.jsonld", formats)[1] is formats[2]
    assert split_suffix("city/lund", formats) == ("city/lund", None)
    assert split_suffix("city/lund.exe", formats) == ("city/lund.exe", None)


def test_every_word_of_the_pages_is_in_the_three_languages() -> None:
    assert all(set(languages) == {"en", "sv", "fi"} for languages in WORDS.values())
