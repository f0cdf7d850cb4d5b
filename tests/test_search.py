"""The site search: the text index of a snapshot (made whole, made from the previous one
and a change, made lazily), folding, ranking, hostile input, the names nearest to a
text that finds nothing ("Did you mean"), ``/search`` and ``/search.json``, and a
write's new name found in the next snapshot.

The index is the real thing throughout (SQLite FTS5 over the real graph or small
inline graphs); the web tests use the real app over the curated ``graph/``.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from flask import Flask
from flask.testing import FlaskClient

from partnergraph import (
    search,
    search_build,
    search_file,
    search_index,
    search_kinds,
    search_suggest,
    search_update,
    snapshots,
)
from partnergraph.curation.matching import fold
from partnergraph.describe import pick
from partnergraph.search import EXACT, INFIX, PREFIX, WORD, Hit
from partnergraph.service import open_query_service
from partnergraph.settings import load
from partnergraph.validation import load_data
from partnergraph.web import headers
from partnergraph.writes import commit
from partnergraph.writes.operations import SparqlUpdate
from partnergraph.writes.update import UpdateRequest, prepare

from .linkeddata import real_app
from .paths import BASE, ROOT
from .writing import EVERYONE, NEW_PARTNERSHIP, built_template, project_from

ID = BASE + "id/"
PG = BASE + "def/"
SCHEMA = "https://schema.org/"
ORG = "http://www.w3.org/ns/org#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
ALT = ox.NamedNode("http://www.w3.org/2004/02/skos/core#altLabel")
GRAPH = ox.NamedNode(BASE + "graph/test")
MUNICIPALITY = (SCHEMA + "City", ORG + "Organization")
#: The en dash of the real labels ("Lund, en dash, Porvoo twin towns").
DASH = "\u2013"
#: Hostile texts: FTS5 syntax, SQL, NUL, control and odd characters, very long, empty.
HOSTILE = (
    '"',
    '""',
    '"lund',
    "*",
    "lund*",
    "NEAR(",
    "NEAR(lund porvoo, 2)",
    "lund AND",
    "OR NOT",
    "^lund",
    "lund:",
    "words:lund",
    "'; DROP TABLE name; --",
    "lu%",
    "l_nd",
    "\\",
    "\x00",
    "\x00lund\x00",
    "\u202e\u0301",
    "🙂🙂🙂",
    "x" * 10_000,
    "",
    "   ",
)


def quad(subject: str, predicate: ox.NamedNode, obj: ox.NamedNode | ox.Literal) -> ox.Quad:
    return ox.Quad(ox.NamedNode(subject), predicate, obj, GRAPH)


def resource(iri: str, classes: tuple[str, ...], **labels: str) -> list[ox.Quad]:
    """The type and label quads of one resource (labels by language; ``alt_xx`` for
    an alternative label)."""
    quads = [quad(iri, RDF_TYPE, ox.NamedNode(c)) for c in classes]
    for key, text in labels.items():
        predicate, lang = (ALT, key[4:]) if key.startswith("alt_") else (LABEL, key)
        quads.append(quad(iri, predicate, ox.Literal(text, language=lang)))
    return quads


def store_of(quads: list[ox.Quad]) -> ox.Store:
    store = ox.Store()
    store.extend(quads)
    return store


def index_of(quads: list[ox.Quad], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return search_build.build(store_of(quads), folder, BASE)


def names(hits: list[Hit]) -> list[str]:
    """The label each hit is sorted by (English, else Swedish, else Finnish…)."""
    return [found[0] if (found := pick(h.labels, "en")) else h.iri for h in hits]


@pytest.fixture(scope="module")
def real_store() -> ox.Store:
    settings = load({"graph_dir": ROOT / "graph", "shapes_dir": ROOT / "shapes"}, environ={})
    store, _ = load_data([ROOT / "graph"], settings)
    return store


@pytest.fixture(scope="module")
def real_index(real_store: ox.Store, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return search_build.build(real_store, tmp_path_factory.mktemp("index"), BASE)


# ---- the index: SQLite, folding, ranking -------------------------------------------


def test_this_sqlite_has_fts5_and_its_trigram_tokenizer() -> None:
    with sqlite3.connect(":memory:") as connection:
        assert connection.execute("SELECT sqlite_compileoption_used('ENABLE_FTS5')").fetchone()
        assert connection.execute("SELECT sqlite_compileoption_used('ENABLE_FTS5')").fetchone() == (
            1,
        )
        connection.execute("CREATE VIRTUAL TABLE t USING fts5 (x, tokenize='trigram')")
    connection.close()


@pytest.mark.parametrize(
    ("typed", "iri", "label"),
    [
        ("Pecs", ID + "city/pecs", "Pécs"),
        ("pécs", ID + "city/pecs", "Pécs"),
        ("vasteras", ID + "city/vasteras", "Västerås"),
        ("VÄSTERÅS", ID + "city/vasteras", "Västerås"),
        ("EUROCITIES", ID + "network/eurocities", "Eurocities"),
        ("eurocities", ID + "network/eurocities", "Eurocities"),
    ],
)
def test_folded_names_find_the_resource_first_and_exactly(
    real_index: Path, typed: str, iri: str, label: str
) -> None:
    hits = search.find(real_index, typed, 10)
    assert hits[0].iri == iri
    assert hits[0].labels["en"] == label
    assert hits[0].rank == EXACT
    assert [h.iri for h in hits].count(iri) == 1


def test_eurocities_the_network_comes_before_what_is_named_after_it(real_index: Path) -> None:
    hits = search.find(real_index, "Eurocities", 10)
    assert (hits[0].kind, hits[0].type) == ("network", PG + "Network")
    assert len(hits) > 1  # its figure, its secretariat, memberships…
    assert all(h.rank > EXACT for h in hits[1:])


@pytest.mark.parametrize("language", ["en", "sv", "fi"])
def test_every_result_list_is_in_rank_then_kind_then_label_order(
    real_index: Path, language: str
) -> None:
    order = {k.name: k.rank for k in (*search_kinds.kinds(BASE), search_kinds.OTHER)}
    for text in ("lund", "lahti", "la", "twin", "por", "city", "kaupunki", "stad", "sister"):
        hits = search.find(real_index, text, 50, language)
        assert hits, text
        shown = [found[0] if (found := pick(h.labels, language)) else h.iri for h in hits]
        keys = [(h.rank, order[h.kind], fold(label)) for h, label in zip(hits, shown, strict=True)]
        assert keys == sorted(keys), text
    assert [h.iri for h in search.find(real_index, "lahti", 50, language)] != [
        h.iri for h in search.find(real_index, "lahti", 50, "sv" if language == "fi" else "fi")
    ]


def test_the_four_tiers_and_the_kinds_within_each(tmp_path: Path) -> None:
    quads = [
        *resource(ID + "country/nord", (SCHEMA + "Country",), en="Nord"),
        *resource(ID + "city/nordvik", MUNICIPALITY, en="Nordvik"),
        *resource(ID + "city/nordby", MUNICIPALITY, en="Nordby", sv="Nordby kommun"),
        *resource(ID + "partnership/a", (PG + "Partnership",), en=f"Nordby {DASH} Sudby"),
        *resource(ID + "source/nordic", (PG + "SourceDocument",), en="Nordic source"),
        *resource(ID + "network/baltic", (PG + "Network",), en="Baltic Nordic"),
        *resource(ID + "figure/x", (PG + "Figure",), en="Baltic nordic figure"),
        *resource(ID + "other/kanordi", (), en="Kanordi"),
        *resource(ID + "city/unrelated", MUNICIPALITY, en="Sudby"),
        *resource("https://elsewhere.example/nord", MUNICIPALITY, en="Nord elsewhere"),
    ]
    hits = search.find(index_of(quads, tmp_path), "NORD", 50)
    assert [(names([h])[0], h.rank) for h in hits] == [
        ("Nord", EXACT),
        ("Nordby", PREFIX),  # municipalities first, then by label
        ("Nordvik", PREFIX),
        (f"Nordby {DASH} Sudby", PREFIX),  # partnership: kind 1
        ("Nordic source", PREFIX),  # source document: kind 2
        ("Baltic Nordic", WORD),  # network: kind 0
        ("Baltic nordic figure", WORD),
        ("Kanordi", INFIX),
    ]
    assert [h.kind for h in hits[:2]] == ["place", "municipality"]
    assert hits[1].labels == {"en": "Nordby", "sv": "Nordby kommun"}


def test_words_of_a_name_match_in_any_order_and_by_their_start(tmp_path: Path) -> None:
    quads = [
        *resource(ID + "p/1", (PG + "Partnership",), en=f"Lund {DASH} Porvoo twin towns"),
        *resource(ID + "p/2", (PG + "Partnership",), en=f"Lund {DASH} Hamar twin towns"),
    ]
    index = index_of(quads, tmp_path)
    assert names(search.find(index, "porvoo lund", 10)) == [f"Lund {DASH} Porvoo twin towns"]
    assert names(search.find(index, "twin p", 10)) == [f"Lund {DASH} Porvoo twin towns"]
    assert names(search.find(index, "lund-hamar", 10)) == [f"Lund {DASH} Hamar twin towns"]
    assert names(search.find(index, f"und {DASH} po", 10)) == [f"Lund {DASH} Porvoo twin towns"]
    assert search.find(index, "towns twinx", 10) == []


def test_letters_unicode_does_not_decompose_are_folded(tmp_path: Path) -> None:
    quads = [
        *resource(ID + "city/lodz", MUNICIPALITY, en="Łódź"),
        *resource(ID + "city/aebeltoft", MUNICIPALITY, en="Æbeltoft"),
        *resource(ID + "city/tromso", MUNICIPALITY, en="Tromsø"),
        *resource(ID + "city/giessen", MUNICIPALITY, en="Gießen"),
    ]
    index = index_of(quads, tmp_path)
    for typed, found in (("lodz", "Łódź"), ("aebel", "Æbeltoft"), ("TROMSO", "Tromsø")):
        assert names(search.find(index, typed, 5)) == [found]
    assert names(search.find(index, "giessen", 5)) == ["Gießen"]


def test_alternative_labels_are_found_but_the_label_is_shown(real_index: Path) -> None:
    hits = search.find(real_index, "City of Lahti", 5)
    assert hits[0].iri == ID + "city/lahti"
    assert hits[0].rank == EXACT
    assert hits[0].labels["en"] == "Lahti"


def test_limits_and_short_texts(real_index: Path) -> None:
    assert len(search.find(real_index, "lund", 3)) == 3
    assert search.find(real_index, "lund", 0) == []
    assert search.find(real_index, "l", 10) == []
    assert search.find(real_index, " l ", 10) == []
    assert search.find(real_index, DASH, 10) == []
    assert len(search.find(real_index, "la", 50)) == 50


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_text_is_searched_as_text(real_index: Path, text: str) -> None:
    hits = search.find(real_index, search.clean(text), 20)
    assert isinstance(hits, list)
    if fold(text) == "lund":
        assert hits[0].iri == ID + "city/lund"
    with search_file.open_read_only(real_index) as connection:  # nothing was dropped
        assert connection.execute("SELECT count(*) FROM name").fetchone()[0] > 100


def test_a_text_is_cut_to_the_longest_length() -> None:
    assert search.clean("  " + "a" * 500) == "a" * search.MAX_LENGTH
    assert not search.searchable("x")
    assert not search.searchable("!!")
    assert search.searchable("Ås")


# ---- made from the previous index and a change -------------------------------------


def dump(index: Path) -> dict[str, object]:
    """What an index holds, without its ids (equal for equal content)."""
    with search_file.open_read_only(index) as connection:
        resources = connection.execute(
            "SELECT iri, kind, rank, type, labels, sort FROM resource "
            "WHERE id IN (SELECT resource FROM label UNION SELECT resource FROM typed) ORDER BY iri"
        ).fetchall()
        labels = connection.execute(
            "SELECT r.iri, l.predicate, l.lang, l.text, l.graphs FROM label l "
            "JOIN resource r ON r.id = l.resource ORDER BY 1, 2, 3, 4"
        ).fetchall()
        typed = connection.execute(
            "SELECT r.iri, c.iri, t.graphs FROM typed t JOIN resource r ON r.id = t.resource "
            "JOIN class c ON c.id = t.class ORDER BY 1, 2"
        ).fetchall()
        order = connection.execute(
            "SELECT r.iri, n.words FROM name n JOIN resource r ON r.id = n.resource ORDER BY n.id"
        ).fetchall()
        grams = connection.execute(
            "SELECT count(*) FROM name_grams WHERE name_grams MATCH '\" la\"'"
        ).fetchone()
        words = connection.execute("SELECT text, names FROM word ORDER BY text").fetchall()
        word_grams = connection.execute(
            "SELECT w.text FROM word_grams g JOIN word w ON w.id = g.rowid "
            "WHERE word_grams MATCH '\" la\"' ORDER BY 1"
        ).fetchall()
    return {
        "resources": resources,
        "labels": labels,
        "typed": typed,
        "order": order,
        "grams": grams,
        "words": words,
        "word_grams": word_grams,
    }


def test_an_index_updated_by_a_change_equals_one_built_afresh(
    real_store: ox.Store, real_index: Path, tmp_path: Path
) -> None:
    lund, lahti = ID + "city/lund", ID + "city/lahti"
    added = [
        *resource(ID + "city/pecs-2", MUNICIPALITY, en="Pécs Two", fi="Pécs kaksi"),
        *resource(ID + "network/aaa", (PG + "Network",), en="Aardvark network"),
        quad(lund, ALT, ox.Literal("Lunda", language="sv")),
        quad(lahti, RDF_TYPE, ox.NamedNode(PG + "Network")),  # a kind that changes nothing
        quad(ID + "city/porvoo", LABEL, ox.Literal("Borgå", language="sv")),
    ]
    eurocities = ox.NamedNode(ID + "network/eurocities")
    removed = [
        q
        for q in real_store.quads_for_pattern(eurocities, None, None, None)
        if q.predicate in (LABEL, RDF_TYPE) and not isinstance(q.graph_name, ox.DefaultGraph)
    ]
    after = ox.Store()
    after.extend(q for q in real_store if not isinstance(q.graph_name, ox.DefaultGraph))
    for q in removed:
        after.remove(q)
    after.extend(q for q in added if q not in after)
    (tmp_path / "fresh").mkdir()
    fresh = search_build.build(after, tmp_path / "fresh", BASE)
    (tmp_path / "updated").mkdir()
    updated = search_update.update(
        real_index.parent,
        tmp_path / "updated",
        added=[q for q in added if q not in real_store],
        removed=removed,
        base_iri=BASE,
        source=after,
    )
    assert dump(updated) == dump(fresh)
    assert names(search.find(updated, "pecs", 5))[:2] == ["Pécs", "Pécs Two"]
    assert search.find(updated, "eurocities", 5)[0].kind != "network"
    assert search.find(updated, "lunda", 1)[0].iri == lund
    assert search.find(real_index, "lunda", 1) == []  # the previous index is as it was
    # the words of suggestions follow the change: a new word is near, a gone name is not
    assert search_suggest.suggest(updated, "Aardvrak")[0].iri == ID + "network/aaa"
    assert search_suggest.suggest(real_index, "Aardvrak") == []
    assert ID + "network/eurocities" not in [
        near.iri for near in search_suggest.suggest(updated, "Eurocitys")
    ]


def test_names_added_where_the_order_has_no_room_left_renumber_the_rest(
    tmp_path: Path,
) -> None:
    base = [
        *resource(ID + "city/a", MUNICIPALITY, en="Zz"),
        *resource(ID + "city/b", MUNICIPALITY, en="Zzzz"),
    ]
    (tmp_path / "before").mkdir()
    before = search_build.build(store_of(base), tmp_path / "before", BASE)
    # each new name sorts just before the one added before it: the gap halves each time
    added = [
        q
        for n in range(40, 0, -1)
        for q in resource(ID + f"city/n{n:02}", MUNICIPALITY, en=f"Zz{n:02}")
    ]
    (tmp_path / "after").mkdir()
    updated = search_update.update(
        tmp_path / "before",
        tmp_path / "after",
        added=added,
        removed=[],
        base_iri=BASE,
        source=store_of(base + added),
    )
    (tmp_path / "fresh").mkdir()
    fresh = search_build.build(store_of(base + added), tmp_path / "fresh", BASE)
    assert before.exists()
    assert dump(updated) == dump(fresh)
    assert names(search.find(updated, "zz", 50)) == ["Zz"] + [f"Zz{n:02}" for n in range(1, 41)] + [
        "Zzzz"
    ]


def test_a_new_snapshot_is_indexed_by_one_call_that_never_raises(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    first = [*resource(ID + "city/a", MUNICIPALITY, en="Alpha")]
    change = [*resource(ID + "city/b", MUNICIPALITY, en="Alphabet")]
    built, written = tmp_path / "built", tmp_path / "written"
    built.mkdir()
    written.mkdir()
    assert search_index.index_snapshot(built, BASE, store_of(first)) == built / search_file.FILE
    made = search_index.index_snapshot(
        written, BASE, store_of(first + change), previous=built, change=(change, [])
    )
    assert made == written / search_file.FILE
    assert names(search.find(made, "alpha", 5)) == ["Alpha", "Alphabet"]
    with caplog.at_level("WARNING", logger="partnergraph.search_index"):
        assert search_index.index_snapshot(tmp_path / "gone", BASE, store_of(first)) is None
    assert "made at its first search" in caplog.text


# ---- made lazily ---------------------------------------------------------------------


def test_a_snapshot_without_an_index_gets_one_once(real_store: ox.Store, tmp_path: Path) -> None:
    folder = tmp_path / "snapshot"
    folder.mkdir()
    data = folder / snapshots.DATA
    data.write_bytes(real_store.dump(format=ox.RdfFormat.N_QUADS) or b"")
    paths: list[Path] = []
    errors: list[BaseException] = []

    def ensure() -> None:
        try:
            paths.append(search_index.ensure(folder, BASE, data))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=ensure) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert paths == [folder / search_file.FILE] * 4
    assert search.find(paths[0], "Pecs", 1)[0].iri == ID + "city/pecs"
    leftovers = sorted(p.name for p in folder.iterdir())
    assert leftovers == [search_index.LOCK, snapshots.DATA, search_file.FILE]


def test_an_index_of_another_layout_is_made_again(real_index: Path, tmp_path: Path) -> None:
    folder = tmp_path / "snapshot"
    folder.mkdir()
    shutil.copyfile(real_index, folder / search_file.FILE)
    with sqlite3.connect(folder / search_file.FILE) as connection:
        connection.execute("PRAGMA user_version = 0")
    connection.close()
    assert not search_file.usable(folder / search_file.FILE)
    (folder / "x.nq").write_text(f'<{ID}city/q> <{LABEL.value}> "Qwerty"@en <{GRAPH.value}> .\n')
    search_index.ensure(folder, BASE, folder / "x.nq")
    assert names(search.find(folder / search_file.FILE, "qwe", 5)) == ["Qwerty"]


# ---- suggestions: the names nearest to a text that finds nothing -------------------


@pytest.mark.parametrize(
    ("typed", "iri", "label"),
    [
        ("Vasteraas", ID + "city/vasteras", "Västerås"),  # a letter too many
        ("Eurocitys", ID + "network/eurocities", "Eurocities"),  # two letters wrong
        ("Lhati", ID + "city/lahti", "Lahti"),  # two letters swapped: no trigram in common
        ("lnud", ID + "city/lund", "Lund"),  # swapped, in a short word
        ("Hamr", ID + "city/hamar", "Hamar"),  # a letter missing
    ],
)
def test_a_misspelt_name_suggests_the_resource_first(
    real_index: Path, typed: str, iri: str, label: str
) -> None:
    assert search.find(real_index, typed, 50) == []
    near = search_suggest.suggest(real_index, typed)
    assert near[0].iri == iri
    assert near[0].labels["en"] == label
    assert 1 <= len(near) <= search_suggest.LIMIT
    scores = [n.score for n in near]
    assert scores == sorted(scores, reverse=True)
    assert all(search_suggest.CUT <= score < 1 for score in scores)
    assert len({n.iri for n in near}) == len(near)


def test_a_misspelt_word_in_longer_names_suggests_them_after_the_name_itself(
    real_index: Path,
) -> None:
    near = search_suggest.suggest(real_index, "Eurocitys")
    assert (near[0].kind, near[0].score) == ("network", pytest.approx(0.842, abs=1e-3))
    assert len(near) > 1
    assert all("Eurocities" in n.labels["en"] for n in near)
    assert all(n.score < near[0].score for n in near[1:])  # a run of words counts less


@pytest.mark.parametrize(
    "typed", ["zzzzqqq", "qqqzzx", "xylophone orchestra", "Lahti zzzzqqq", "qwerty", "qz", "9999"]
)
def test_nonsense_suggests_nothing(real_index: Path, typed: str) -> None:
    assert search.find(real_index, typed, 50) == []
    assert search_suggest.suggest(real_index, typed) == []


def test_several_misspelt_words_are_put_right_together(real_index: Path) -> None:
    assert search.find(real_index, "Lund Hamr twin twons", 50) == []
    near = search_suggest.suggest(real_index, "Lund Hamr twin twons")
    assert [(n.iri, n.kind) for n in near] == [(ID + "partnership/lund-hamar", "partnership")]


@pytest.mark.parametrize(
    "typed",
    [
        "Vasteraas Eurocitys Lhati Hamr",  # each near a name, but more than three misspelt
        "lhati" * 7,  # one word longer than any looked for
    ],
)
def test_a_text_too_far_from_every_name_is_not_looked_for(real_index: Path, typed: str) -> None:
    assert search_suggest.suggest(real_index, typed) == []


def test_suggestions_are_cut_to_the_limit(real_index: Path) -> None:
    assert len(search_suggest.suggest(real_index, "twin twons")) == search_suggest.LIMIT
    assert len(search_suggest.suggest(real_index, "twin twons", 2)) == 2
    assert search_suggest.suggest(real_index, "twin twons", 0) == []
    assert search_suggest.suggest(real_index, "") == []


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_text_is_compared_as_text(real_index: Path, text: str) -> None:
    near = search_suggest.suggest(real_index, search.clean(text))
    assert all(n.score >= search_suggest.CUT for n in near)


def test_a_name_many_resources_bear_is_suggested_once(tmp_path: Path) -> None:
    quads = [
        q
        for n in range(30)
        for q in resource(
            ID + f"post/{n}", (SCHEMA + "ContactPoint",), en="International secretary"
        )
    ]
    quads += resource(ID + "city/secretary", MUNICIPALITY, en="Secretary Island")
    index = index_of(quads, tmp_path)
    near = search_suggest.suggest(index, "international secretry")
    assert [(n.iri, n.shared) for n in near] == [(ID + "post/0", True)]
    near = search_suggest.suggest(index, "secretry")
    assert [(n.iri, n.shared) for n in near] == [
        (ID + "city/secretary", False),  # a municipality before contacts, at one score
        (ID + "post/0", True),
    ]


def test_words_of_suggestions_skip_numbers_and_short_words() -> None:
    assert search_file.vocabulary(" lund 2024 a of eu coordinator") == {" lund", " coordinator"}


def test_similarity_and_score() -> None:
    assert search_suggest.similarity("lhati", "lahti") == pytest.approx(0.8)
    assert search_suggest.score("lund", "lund") == 1
    assert search_suggest.score("lund", "lund porvoo") == pytest.approx(search_suggest.WITHIN)
    assert search_suggest.score("lund porvoo", "lund") == search_suggest.similarity(
        "lund porvoo", "lund"
    )


# ---- the web: /search and /search.json --------------------------------------------


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    with real_app("oxigraph", tmp_path_factory.mktemp("web")) as made:
        yield made


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def results(client: FlaskClient, url: str) -> list[dict[str, object]]:
    response = client.get(url)
    assert response.status_code == 200, response.text
    body = response.get_json()
    assert isinstance(body, dict)
    found = body["results"]
    assert isinstance(found, list)
    return found


def test_search_json_has_one_shape(client: FlaskClient) -> None:
    response = client.get("/search.json?q=EUROCITIES")
    assert response.status_code == 200
    assert response.content_type == "application/json; charset=utf-8"
    body = json.loads(response.text)
    assert set(body) == {"query", "results", "suggestions"}
    assert body["suggestions"] == []  # a search that finds something suggests nothing
    assert body["query"] == "EUROCITIES"
    first = body["results"][0]
    assert set(first) == {"iri", "label", "lang", "labels", "kind", "kind_label", "url", "rank"}
    assert first == {
        "iri": ID + "network/eurocities",
        "label": "Eurocities",
        "lang": "en",
        "labels": {"en": "Eurocities", "fi": "Eurocities", "sv": "Eurocities"},
        "kind": "network",
        "kind_label": "Network",
        "url": "/doc/network/eurocities",
        "rank": 0,
    }
    assert len(body["results"]) <= 20
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Cache-Control"] == headers.PAGE
    assert "Accept-Language" in response.headers["Vary"]
    again = client.get(
        "/search.json?q=EUROCITIES", headers={"If-None-Match": response.headers["ETag"]}
    )
    assert again.status_code == 304
    other = client.get("/search.json?q=eurocities")
    assert other.headers["ETag"] != response.headers["ETag"]


def test_search_json_in_the_readers_language(client: FlaskClient) -> None:
    found = results(client, "/search.json?q=lund&lang=sv&limit=1")
    assert found == [
        {
            "iri": ID + "city/lund",
            "label": "Lund",
            "lang": "sv",
            "labels": found[0]["labels"],
            "kind": "municipality",
            "kind_label": "Kommun",
            "url": "/doc/city/lund?lang=sv",
            "rank": 0,
        }
    ]
    by_header = client.get("/search.json?q=lund&limit=1", headers={"Accept-Language": "fi"})
    assert by_header.get_json()["results"][0]["kind_label"] == "Kunta"
    assert by_header.get_json()["results"][0]["url"] == "/doc/city/lund"


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("", "q"),
        ("?limit=5", "q"),
        ("?q=lund&limit=0", "limit"),
        ("?q=lund&limit=51", "limit"),
        ("?q=lund&limit=abc", "limit"),
        ("?q=lund&limit=-1", "limit"),
        ("?q=lund&limit=1e3", "limit"),
        ("?q=lund&limit=%D9%A3", "limit"),  # an Arabic-Indic three
        ("?q=lund&limit=", "limit"),
    ],
)
def test_bad_parameters_are_400_with_the_one_error_body(
    client: FlaskClient, query: str, parameter: str
) -> None:
    response = client.get("/search.json" + query, headers={"Accept": "application/json"})
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert set(error) == {"status", "title", "detail"}
    assert error["status"] == 400
    assert f"parameter {parameter} " in error["detail"]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_text_over_http(client: FlaskClient, text: str) -> None:
    response = client.get("/search.json", query_string={"q": text})
    assert response.status_code == 200
    body = response.get_json()
    assert body["query"] == search.clean(text)
    assert len(body["query"]) <= search.MAX_LENGTH
    page = client.get("/search", query_string={"q": text})
    assert page.status_code == 200


def test_the_results_page(client: FlaskClient) -> None:
    response = client.get("/search?q=vasteras&lang=sv")
    assert response.status_code == 200
    assert response.content_type.startswith("text/html")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    page = response.text
    assert '<a href="/doc/city/vasteras?lang=sv" lang="sv"' in page
    assert "Kommun" in page
    assert 'value="vasteras"' in page  # the header's search box keeps the text
    assert page.index("/doc/city/vasteras?") < page.index("/doc/partnership/")


def test_the_results_page_escapes_the_text(client: FlaskClient) -> None:
    page = client.get("/search", query_string={"q": "<script>alert(1)</script>"}).text
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)" in page


@pytest.mark.parametrize(
    ("query", "says"),
    [("", "accents and capitals"), ("?q=x", "at least two letters"), ("?q=qqqzzz", "Nothing")],
)
def test_the_page_without_results_says_why(client: FlaskClient, query: str, says: str) -> None:
    response = client.get("/search" + query)
    assert response.status_code == 200
    assert says in response.text
    assert "search-results" not in response.text


def test_search_json_suggests_the_nearest_names_when_nothing_is_found(
    client: FlaskClient,
) -> None:
    body = client.get("/search.json?q=Eurocitys").get_json()
    assert body["results"] == []
    first = body["suggestions"][0]
    assert first == {
        "iri": ID + "network/eurocities",
        "label": "Eurocities",
        "lang": "en",
        "kind": "network",
        "kind_label": "Network",
        "url": "/doc/network/eurocities",
        "score": 0.842,
    }
    assert 1 < len(body["suggestions"]) <= 5
    assert len(client.get("/search.json?q=Eurocitys&limit=2").get_json()["suggestions"]) == 2
    for typed, iri in (("Vasteraas", "city/vasteras"), ("Lhati", "city/lahti")):
        assert results(client, f"/search.json?q={typed}") == []
        assert client.get(f"/search.json?q={typed}").get_json()["suggestions"][0]["iri"] == ID + iri
    assert client.get("/search.json?q=zzzzqqq").get_json() == {
        "query": "zzzzqqq",
        "results": [],
        "suggestions": [],
    }


def test_search_json_suggestions_in_the_readers_language(client: FlaskClient) -> None:
    found = client.get("/search.json?q=Lhati&lang=fi").get_json()["suggestions"]
    assert (found[0]["label"], found[0]["kind_label"]) == ("Lahti", "Kunta")
    assert found[0]["url"] == "/doc/city/lahti?lang=fi"
    by_header = client.get("/search.json?q=Lhati", headers={"Accept-Language": "sv"})
    assert by_header.get_json()["suggestions"][0]["kind_label"] == "Kommun"
    assert by_header.get_json()["suggestions"][0]["url"] == "/doc/city/lahti"


def test_a_name_several_resources_bear_is_suggested_as_a_search(client: FlaskClient) -> None:
    found = client.get("/search.json?q=particpant&lang=sv").get_json()
    assert found["results"] == []
    first = found["suggestions"][0]
    assert (first["iri"], first["label"]) == (PG + "participant", "deltagare")
    assert first["url"] == "/search?q=deltagare&lang=sv"
    assert len(results(client, first["url"].replace("/search?", "/search.json?"))) >= 2


@pytest.mark.parametrize(
    ("language", "typed", "heading", "link", "kind"),
    [
        ("en", "Eurocitys", "Did you mean", "/doc/network/eurocities?lang=en", "Network"),
        ("sv", "Vasteraas", "Menade du", "/doc/city/vasteras?lang=sv", "Kommun"),
        ("fi", "Lhati", "Tarkoititko", "/doc/city/lahti?lang=fi", "Kunta"),
    ],
)
def test_the_page_suggests_the_nearest_names_in_its_language(
    client: FlaskClient, language: str, typed: str, heading: str, link: str, kind: str
) -> None:
    page = client.get(f"/search?q={typed}&lang={language}").text
    assert f'<h2 id="did-you-mean">{heading}?</h2>' in page
    assert '<ul class="results search-suggestions" aria-labelledby="did-you-mean">' in page
    first = page.index('class="results search-suggestions"')
    assert page.index(f'<a href="{link}"', first) < page.index(f"· {kind}</small>", first)
    assert "search-results" not in page


@pytest.mark.parametrize("query", ["?q=vasteras", "?q=zzzzqqq", "?q=x", ""])
def test_the_page_suggests_nothing_for_a_hit_or_for_nonsense(
    client: FlaskClient, query: str
) -> None:
    page = client.get("/search" + query).text
    assert "did-you-mean" not in page
    assert "search-suggestions" not in page


def test_the_served_snapshot_has_its_index(app: Flask, client: FlaskClient) -> None:
    results(client, "/search.json?q=lund")
    folder = app.extensions["partnergraph"].current.snapshot.folder
    assert search_file.usable(folder / search_file.FILE)


# ---- after a write ---------------------------------------------------------------------


def test_a_written_name_is_found_in_the_new_snapshot(tmp_path: Path) -> None:
    project = project_from(built_template(tmp_path / "template"), tmp_path / "project")
    settings = project.settings
    before = snapshots.current(settings)
    assert before is not None
    service = open_query_service(settings, before)
    try:
        assert ID + "partnership/lahti-lund" not in [
            h.iri for h in search.search(service, "Lahti - Lund cooperation")
        ]
    finally:
        service.close()
    operation = SparqlUpdate(prepare(UpdateRequest(NEW_PARTNERSHIP), settings.base_iri))
    written = commit.write(settings, operation, EVERYONE)
    assert written.snapshot.version != before.version
    service = open_query_service(settings, written.snapshot)
    try:
        hits = search.search(service, f"LAHTI {DASH} LUND COOPERATION")
    finally:
        service.close()
    assert (hits[0].iri, hits[0].kind, hits[0].rank) == (
        ID + "partnership/lahti-lund",
        "partnership",
        EXACT,
    )
    assert search_file.usable(written.snapshot.folder / search_file.FILE)
