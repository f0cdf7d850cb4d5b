"""The views of resource pages over the real graph, with the Flask test client: the view
each kind of resource gets, a partnership's parties and sources, a network's members,
each partner once on a municipality's page, no prefixed names and names in the reader's
language, literals written humanly, the map's data; and the registry, the presenter
and the table of other vocabularies' names on their own.

What a page should show is computed from the built graph with pyoxigraph's pattern
API (tests/linkeddata.py), independently of the SPARQL the views run.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient
from markupsafe import escape

from partnergraph.describe import Description, Labels
from partnergraph.namespaces import DCTERMS, ORG, RDFS, SCHEMA, Namespaces
from partnergraph.web.present import Presenter, literal
from partnergraph.web.views import terms
from partnergraph.web.views.registry import VIEWS, Match, Registry, View, of

from .linkeddata import built_store, real_app
from .paths import BASE

HTML = {"Accept": "text/html"}
NS = Namespaces(BASE)
PG = NS.pg
PREFIXED = re.compile(
    r"\b(?:schema|org|owl|dcterms|skos|geo|pg|pt|rdfs|rdf|xsd|prov|foaf|void|wd|theme|role|"
    r"measure):[A-Za-z]"
)

#: One resource of each kind and the view it must get.
KINDS = {
    "/doc/city/lund": "municipality",
    "/doc/city/lahti": "municipality",
    "/doc/partnership/lund-dalvik": "partnership",
    "/doc/partnership/lahti-akureyri": "partnership",
    "/doc/network/eurocities": "network",
    "/doc/source/lahti-kansainvalinen-lahti": "source",
    "/doc/source/kulturportallund-lunds-vanorter": "source",
    "/doc/programme/erasmus-plus": "activity",
    "/doc/project/lahti-talenthub": "activity",
    "/doc/event/kymiring-motogp-2021": "event",
    "/doc/event/salpausselka-games": "event",
    "/doc/contact-point/lund-medborgarcenter": "contact",
    "/doc/post/lund-eu-coordinator": "contact",
    "/doc/def/partnership-type/twin-town": "concept",
    "/doc/def/partnership-type": "concept",
    "/doc/country/sweden": "generic",
    "/doc/membership/lahti-eurocities": "generic",
    "/doc/def/party": "generic",
}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FlaskClient, ox.Store]]:
    with real_app("oxigraph", tmp_path_factory.mktemp("views"), map_tiles="") as app:
        yield app.test_client(), built_store(app)


@pytest.fixture(scope="module")
def client(served: tuple[FlaskClient, ox.Store]) -> FlaskClient:
    return served[0]


@pytest.fixture(scope="module")
def store(served: tuple[FlaskClient, ox.Store]) -> ox.Store:
    return served[1]


def page(client: FlaskClient, url: str) -> str:
    response = client.get(url, headers=HTML)
    assert response.status_code == 200, (url, response.data[:300])
    return response.get_data(as_text=True)


class Text(HTMLParser):
    """The text a reader sees (not scripts, not attributes), and the sections."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible(body: str) -> str:
    parser = Text()
    parser.feed(body)
    return " ".join(parser.parts)


def section(body: str, opening: str) -> str:
    """The HTML from the element that opens with ``opening`` to the end of its section."""
    start = body.index(opening)
    return body[start : body.index("</section>", start)]


def main_flow(body: str) -> str:
    """The page without its data section and the map's JSON."""
    body = re.sub(r'<details class="data".*?</details>', "", body, flags=re.S)
    return re.sub(r'<script id="map-data".*?</script>', "", body, flags=re.S)


def label(store: ox.Store, iri: str, language: str = "en") -> str:
    """The label of ``iri`` as the page writes it (escaped)."""
    found = {
        q.object.language: q.object.value
        for q in store.quads_for_pattern(ox.NamedNode(iri), ox.NamedNode(RDFS + "label"), None)
        if isinstance(q.object, ox.Literal)
    }
    return str(escape(found.get(language) or found.get("en") or next(iter(found.values()))))


def objects(store: ox.Store, subject: str, predicate: str) -> set[str]:
    return {
        q.object.value
        for q in store.quads_for_pattern(ox.NamedNode(subject), ox.NamedNode(predicate), None)
    }


def subjects(store: ox.Store, predicate: str, obj: str) -> set[str]:
    return {
        q.subject.value
        for q in store.quads_for_pattern(None, ox.NamedNode(predicate), ox.NamedNode(obj))
    }


def partners(store: ox.Store, city: str) -> set[str]:
    home = BASE + "id/city/" + city
    return {
        party
        for partnership in subjects(store, PG + "party", home)
        for party in objects(store, partnership, PG + "party")
        if party != home
    }


# ---- The view of each kind ----------------------------------------------------------


@pytest.mark.parametrize(("url", "view"), sorted(KINDS.items()))
def test_each_kind_gets_its_view(client: FlaskClient, url: str, view: str) -> None:
    body = page(client, url)
    assert f'<article class="resource view-{view}">' in body
    assert '<details class="data" id="data">' in body  # the statements, folded away


@pytest.mark.parametrize("url", sorted(KINDS))
@pytest.mark.parametrize("language", ["en", "sv", "fi"])
def test_no_prefixed_name_in_what_a_reader_sees(
    client: FlaskClient, url: str, language: str
) -> None:
    text = visible(page(client, f"{url}?lang={language}"))
    assert PREFIXED.findall(text) == [], url
    assert "(xsd" not in text


# ---- A partnership ------------------------------------------------------------------


@pytest.mark.parametrize("slug", ["lund-dalvik", "lund-porvoo", "lahti-akureyri", "lahti-wuxi"])
def test_a_partnership_shows_both_parties_and_every_source(
    client: FlaskClient, store: ox.Store, slug: str
) -> None:
    iri = BASE + "id/partnership/" + slug
    body = page(client, "/doc/partnership/" + slug)
    card = section(body, '<section aria-labelledby="partnership"')
    parties = objects(store, iri, PG + "party")
    assert len(parties) == 2
    for party in parties:
        assert f'href="/doc/{party.removeprefix(BASE + "id/")}"' in card
        assert label(store, party) in card
    kind = objects(store, iri, PG + "partnershipType").pop()
    assert label(store, kind) in card
    sources = section(body, '<section aria-labelledby="sources"')
    cited = objects(store, iri, DCTERMS + "source")
    assert cited
    items = re.findall(r'<li id="source-\d+">.*?</li>\s*(?=<li id="source-|</ol>)', sources, re.S)
    assert len(items) == len(cited)
    for source in cited:
        item = next(i for i in items if label(store, source) in i)
        urls = objects(store, source, SCHEMA + "url")
        if urls:
            assert f'href="{urls.pop()}"' in item
        else:
            assert "no link known" in item
        for publisher in objects(store, source, DCTERMS + "publisher"):
            assert label(store, publisher) in item


def test_a_partnership_s_quotes_are_under_their_source(client: FlaskClient) -> None:
    body = page(client, "/doc/partnership/lahti-zhangjiakou")
    sources = section(body, '<section aria-labelledby="sources"')
    assert (
        '<blockquote lang="fi">Yhteistyösopimus Kiinan Zhangjiakoun solmittiin vuonna 2018.'
        "</blockquote>" in sources
    )
    assert "no link known" in sources  # Lahti's own page: its address is not known
    assert "Retrieved: date not recorded" in visible(sources)


def test_a_partnership_without_dates_says_they_are_not_known(client: FlaskClient) -> None:
    card = section(page(client, "/doc/partnership/lund-viborg"), '<section aria-labelledby="p')
    assert "Dates" in card
    assert "not known" in card


def test_dates_are_written_in_the_reader_s_language(client: FlaskClient) -> None:
    for language, written in (("en", "22 May 1967"), ("sv", "22 maj 1967"), ("fi", "22.5.1967")):
        body = page(client, f"/doc/partnership/lund-nevers?lang={language}")
        card = section(body, '<section aria-labelledby="partnership"')
        assert f'title="1967-05-22">{written}</span>' in card


# ---- A network ----------------------------------------------------------------------


def test_the_eurocities_page_lists_its_members(client: FlaskClient, store: ox.Store) -> None:
    network = BASE + "id/network/eurocities"
    memberships = subjects(store, ORG + "organization", network)
    members = {m for ms in memberships for m in objects(store, ms, ORG + "member")}
    assert BASE + "id/city/lahti" in members
    body = page(client, "/doc/network/eurocities")
    listed = section(body, '<section aria-labelledby="members"')
    hrefs = re.findall(r'<th scope="row"><a href="/doc/([^"]+)"', listed)
    assert sorted(hrefs) == sorted(m.removeprefix(BASE + "id/") for m in members)
    names = [label(store, BASE + "id/" + h) for h in hrefs]
    assert names == sorted(names, key=str.casefold)
    for membership in memberships:  # the themes it is active in, and its source
        for theme in objects(store, membership, PG + "activeIn"):
            assert label(store, theme) in listed
    assert re.search(r'href="#source-\d+"', listed)
    data = json.loads(re.findall(r'<script id="map-data"[^>]*>(.*?)</script>', body, re.S)[0])
    assert {p["href"] for p in data["points"] if not p["home"]} == {"/doc/" + h for h in hrefs}
    assert [p["name"] for p in data["points"] if p["home"]] == ["Brussels"]  # the seat
    assert '<ul class="map-legend"' in body


# ---- A municipality -----------------------------------------------------------------


@pytest.mark.parametrize("city", ["lahti", "lund"])
def test_each_partner_is_listed_once(client: FlaskClient, store: ox.Store, city: str) -> None:
    body = main_flow(page(client, f"/doc/city/{city}"))
    # A partner may also publish a source (Zabrze's page on Lund): not a listing.
    body = re.sub(r'<section aria-labelledby="sources".*?</section>', "", body, flags=re.S)
    found = partners(store, city)
    assert len(found) > 8
    for partner in found:
        href = f'href="/doc/{partner.removeprefix(BASE + "id/")}"'
        assert body.count(href) == 1, (partner, body.count(href))
    partnerships = section(body, '<section aria-labelledby="partnerships"')
    assert partnerships.count('<tr><th scope="row">') == len(found)


def test_a_municipality_page_has_no_property_table_in_its_main_flow(client: FlaskClient) -> None:
    body = page(client, "/doc/city/lund")
    flow = main_flow(body)
    assert 'id="properties"' not in flow
    assert 'id="incoming"' not in flow
    assert body.index('<details class="data"') > body.index('<section aria-labelledby="sources"')


def test_every_partnership_row_cites_its_sources(client: FlaskClient, store: ox.Store) -> None:
    body = page(client, "/doc/city/lund")
    table = section(body, '<section aria-labelledby="partnerships"')
    sources = section(body, '<section aria-labelledby="sources"')
    rows = re.findall(r'<tr><th scope="row">.*?</tr>', table, re.S)
    for row in rows:
        numbers = re.findall(r'href="#source-(\d+)"', row)
        assert numbers, row
        for number in numbers:
            assert f'<li id="source-{number}">' in sources


def test_the_map_has_every_partner_with_coordinates(client: FlaskClient, store: ox.Store) -> None:
    body = page(client, "/doc/city/lahti")
    data = json.loads(re.findall(r'<script id="map-data"[^>]*>(.*?)</script>', body, re.S)[0])
    lat = "http://www.w3.org/2003/01/geo/wgs84_pos#lat"
    placed = {p for p in partners(store, "lahti") if objects(store, p, lat)}
    assert {p["href"] for p in data["points"] if not p["home"]} == {
        "/doc/" + p.removeprefix(BASE + "id/") for p in placed
    }
    legend = section(body, '<section aria-labelledby="map-heading"')
    kinds = {
        label(store, t)
        for p in subjects(store, PG + "party", BASE + "id/city/lahti")
        for t in objects(store, p, PG + "partnershipType")
    }
    for kind in kinds:
        assert f">{kind}</a></li>" in legend
    assert len(data["colours"]) == len(kinds) + 1  # and Lahti itself
    assert data["tiles"] == ""


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("sv", ("Partnerskap", "vänort", "Källor", "ligger i", "Alla uppgifter (data)")),
        ("fi", ("Kumppanuudet", "ystävyyskaupunki", "Lähteet", "sijaitsee", "Kaikki tiedot")),
    ],
)
def test_swedish_and_finnish_pages_use_their_names(
    client: FlaskClient, language: str, words: tuple[str, ...]
) -> None:
    for city in ("lund", "lahti"):
        text = visible(page(client, f"/doc/city/{city}?lang={language}"))
        for word in words:
            assert word in text, (city, word)
        for english in ("Partnerships", "located in", "Sources", "All statements"):
            assert english not in text, (city, english)


def test_a_text_in_another_language_says_so(client: FlaskClient) -> None:
    body = page(client, "/doc/city/lund?lang=fi")  # Lund has no Finnish description
    start = body.index('<header class="resource">')
    header = body[start : body.index("</header>", start)]
    assert re.search(r'<span lang="en">One of the most international cities', header)
    assert '<small class="note lang-note">(englanniksi)</small>' in header
    quotes = section(body, '<section aria-labelledby="sources"')
    assert '<blockquote lang="sv">' in quotes


# ---- Other views --------------------------------------------------------------------


def test_a_source_page_says_where_to_read_it_and_what_it_states(
    client: FlaskClient, store: ox.Store
) -> None:
    body = page(client, "/doc/source/lahti-kansainvalinen-lahti")
    card = section(body, '<section aria-labelledby="where"')
    assert "no link known" in card
    assert 'href="/doc/city/lahti"' in card  # the publisher
    assert "Finnish" in card
    states = section(body, '<section aria-labelledby="states"')
    source = BASE + "id/source/lahti-kansainvalinen-lahti"
    described = subjects(store, DCTERMS + "source", source) - {source}
    assert len(re.findall(r'<a href="/doc/', states)) == len(described)
    assert 'href="/doc/partnership/lahti-akureyri"' in states
    web = page(client, "/doc/source/kulturportallund-lunds-vanorter")
    link = '<a href="https://kulturportallund.se/lunds-vanorter/" rel="external noopener">'
    assert link in section(web, '<section aria-labelledby="where"')


def test_a_concept_page_names_it_in_every_language_and_says_what_uses_it(
    client: FlaskClient,
) -> None:
    body = page(client, "/doc/def/partnership-type/twin-town?lang=sv")
    names = visible(section(body, '<section aria-labelledby="concept"'))
    for name in ("twin town", "vänort", "ystävyyskaupunki", "vänstad"):
        assert name in names
    uses = section(body, '<section aria-labelledby="uses"')
    assert 'href="/doc/partnership/lund-nevers?lang=sv"' in uses
    scheme = page(client, "/doc/def/partnership-type")
    concepts = section(scheme, '<section aria-labelledby="concepts"')
    assert concepts.count("<dt>") == 3


def test_an_event_shows_its_status_with_its_source(client: FlaskClient) -> None:
    body = page(client, "/doc/event/kymiring-motogp-2021")
    status = body[body.index('<p class="status">') :]
    status = status[: status.index("</p>")]
    assert "cancelled" in status
    assert re.search(r'href="#source-\d+"', status)
    sources = section(body, '<section aria-labelledby="sources"')
    assert 'href="https://speedcafe.com/motogp-cancels-finland-adds-second-austria-round/"' in (
        sources
    )


def test_a_contact_point_links_its_ways_to_reach_it(client: FlaskClient) -> None:
    body = page(client, "/doc/contact-point/lund-medborgarcenter?lang=sv")
    contact = section(body, '<section aria-labelledby="reach"')
    assert '<a href="tel:+46463595000">+46 46 359 50 00</a>' in contact
    assert "Medborgarcenter" in contact
    assert 'href="/doc/organization/lund-kommunkontoret?lang=sv"' in contact


def test_the_generic_view_lists_facts_with_sources_and_links_here(client: FlaskClient) -> None:
    body = page(client, "/doc/country/sweden")
    facts = section(body, '<section aria-labelledby="facts"')
    assert "Country code" in facts
    assert re.search(r'href="#source-\d+"', facts)
    assert '<section aria-labelledby="incoming" class="incoming">' in main_flow(body)


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["memory", "remote", "virtuoso"])
def test_every_backend_renders_the_same_views(
    client: FlaskClient, backend: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    urls = (
        "/doc/city/lund?lang=sv",
        "/doc/city/lahti",
        "/doc/network/eurocities",
        "/doc/partnership/lund-dalvik",
        "/doc/source/lahti-kansainvalinen-lahti",
        "/doc/def/partnership-type/twin-town",
    )
    with real_app(backend, tmp_path_factory.mktemp(backend), map_tiles="") as other:
        for url in urls:
            assert page(other.test_client(), url) == page(client, url), url


# ---- The registry, the presenter, the names of other vocabularies ----------------------


def described(*types: str, predicates: tuple[str, ...] = ()) -> Description:
    subject = ox.NamedNode(BASE + "id/thing/x")
    graph = ox.NamedNode(BASE + "graph/test")
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    quads = [ox.Quad(subject, rdf_type, ox.NamedNode(t), graph) for t in types]
    quads += [ox.Quad(subject, ox.NamedNode(p), ox.Literal("v"), graph) for p in predicates]
    return Description(subject.value, tuple(quads), Labels(), ())


def test_the_registry_picks_the_most_specific_view_first() -> None:
    city, organisation = SCHEMA + "City", ORG + "Organization"
    assert VIEWS.choose(described(city, organisation), NS).name == "municipality"
    assert VIEWS.choose(described(city), NS).name == "generic"
    assert VIEWS.choose(described(organisation, PG + "Network"), NS).name == "network"
    assert VIEWS.choose(described(SCHEMA + "EventSeries"), NS).name == "event"
    concept = described(predicates=("http://www.w3.org/2004/02/skos/core#inScheme",))
    assert VIEWS.choose(concept, NS).name == "concept"
    mine = View("mine", VIEWS.fallback.gather)
    registry = Registry([(of("pg:Partnership"), mine), *VIEWS.entries], VIEWS.fallback)
    assert registry.choose(described(PG + "Partnership"), NS) is mine
    assert registry.templates(mine, BASE + "id/partnership/a-b", NS) == [
        "pages/views/mine-partnership-a-b.html",
        "pages/views/mine.html",
    ]
    assert not Match().fits({city}, set(), NS)
    with pytest.raises(ValueError, match="no prefix 'nope'"):
        of("nope:Thing").fits(set(), set(), NS)


@pytest.mark.parametrize(
    ("lexical", "datatype", "language", "shown", "kind"),
    [
        ("1978", "gYear", "fi", "1978", "year"),
        ("1967-05-22", "date", "en", "22 May 1967", "date"),
        ("1967-05-22", "date", "sv", "22 maj 1967", "date"),
        ("1967-05-22", "date", "fi", "22.5.1967", "date"),
        ("2020-05", "gYearMonth", "fi", "toukokuu 2020", "month"),
        ("130288", "integer", "en", "130,288", "number"),
        ("130288", "integer", "sv", "130\u00a0288", "number"),
        ("9000", "integer", "en", "9000", "number"),
        ("55.70", "decimal", "fi", "55,7", "number"),
        ("-18.0878", "decimal", "en", "-18.0878", "number"),
        ("P2M", "duration", "en", "2 months", "duration"),
        ("P1Y", "duration", "sv", "1 år", "duration"),
        ("not a date", "date", "en", "not a date", "date"),
    ],
)
def test_literals_are_written_humanly(
    lexical: str, datatype: str, language: str, shown: str, kind: str
) -> None:
    xsd = "http://www.w3.org/2001/XMLSchema#"
    value = literal(ox.Literal(lexical, datatype=ox.NamedNode(xsd + datatype)), language)
    assert (value.text, value.kind, value.note) == (shown, kind, None)


def test_a_term_without_a_label_is_named_in_words_never_by_a_prefixed_name() -> None:
    show = Presenter(NS, "sv", Labels())
    assert show.label(SCHEMA + "containedInPlace").text == "ligger i"
    assert show.label(SCHEMA + "someNewProperty").text == "some new property"
    assert show.label(PG + "partnershipType").text == "partnership type"
    assert show.label("http://www.wikidata.org/entity/Q34").text == "Wikidata Q34"
    assert show.label("https://example.org/page").text == "https://example.org/page"
    english = Presenter(NS, "en", Labels({SCHEMA + "url": {"en": "home page"}}))
    assert english.label(SCHEMA + "url").text == "home page"  # the graph's label wins


def test_the_names_of_other_vocabularies_are_in_three_languages() -> None:
    assert terms.LABELS
    for iri, names in terms.LABELS.items():
        assert set(names) == {"en", "sv", "fi"}, iri
        assert all(names.values()), iri
