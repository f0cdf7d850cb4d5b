"""The words of the pages themselves in English, Swedish and Finnish.

The data brings its own labels in the three languages; this table holds only the
headings and short phrases around them. A missing word falls back to English.
"""

from __future__ import annotations

from typing import Final
from urllib.parse import urlencode

from flask import Flask, request

from partnergraph.web import headers

LANGUAGE_NAMES: Final = {"en": "English", "sv": "svenska", "fi": "suomi"}

WORDS: Final[dict[str, dict[str, str]]] = {
    "language": {"en": "Language", "sv": "Språk", "fi": "Kieli"},
    "skip": {"en": "Skip to content", "sv": "Till innehållet", "fi": "Siirry sisältöön"},
    "home": {"en": "Home", "sv": "Start", "fi": "Etusivu"},
    "search": {"en": "Search", "sv": "Sök", "fi": "Hae"},
    "search_labels": {
        "en": "Search the labels",
        "sv": "Sök bland namnen",
        "fi": "Hae nimistä",
    },
    "results_for": {"en": "Results for", "sv": "Träffar för", "fi": "Tulokset haulle"},
    "no_results": {"en": "Nothing found.", "sv": "Inga träffar.", "fi": "Ei tuloksia."},
    "query_editor": {"en": "SPARQL query editor", "sv": "SPARQL-frågor", "fi": "SPARQL-kyselyt"},
    "named_queries": {"en": "Named queries", "sv": "Namngivna frågor", "fi": "Valmiit kyselyt"},
    "changes": {"en": "Changes", "sv": "Ändringar", "fi": "Muutokset"},
    "dumps": {"en": "Downloads", "sv": "Nedladdningar", "fi": "Lataukset"},
    "current_release": {
        "en": "Current release",
        "sv": "Aktuell version",
        "fi": "Nykyinen julkaisu",
    },
    "all_releases": {"en": "All releases", "sv": "Alla versioner", "fi": "Kaikki julkaisut"},
    "vocabulary": {"en": "Vocabulary", "sv": "Vokabulär", "fi": "Sanasto"},
    "shapes": {"en": "Shapes", "sv": "Former (SHACL)", "fi": "Muodot (SHACL)"},
    "dataset_description": {
        "en": "Dataset description (VoID, DCAT-AP)",
        "sv": "Beskrivning av datamängden (VoID, DCAT-AP)",
        "fi": "Aineiston kuvaus (VoID, DCAT-AP)",
    },
    "published_by": {"en": "Published by", "sv": "Utgivare", "fi": "Julkaisija"},
    "licence": {"en": "Licence", "sv": "Licens", "fi": "Lisenssi"},
    "municipalities": {"en": "Municipalities", "sv": "Kommuner", "fi": "Kunnat"},
    "partnerships": {"en": "Partnerships", "sv": "Partnerskap", "fi": "Kumppanuudet"},
    "networks": {"en": "Networks", "sv": "Nätverk", "fi": "Verkostot"},
    "triples": {"en": "Triples", "sv": "Tripler", "fi": "Kolmikot"},
    "properties": {"en": "Properties", "sv": "Egenskaper", "fi": "Ominaisuudet"},
    "sources": {"en": "Sources", "sv": "Källor", "fi": "Lähteet"},
    "source": {"en": "Source", "sv": "Källa", "fi": "Lähde"},
    "quote": {"en": "Quote", "sv": "Citat", "fi": "Lainaus"},
    "links_here": {"en": "Links here", "sv": "Länkar hit", "fi": "Linkit tänne"},
    "more_links": {"en": "More links", "sv": "Fler länkar", "fi": "Lisää linkkejä"},
    "previous_links": {"en": "Earlier links", "sv": "Tidigare länkar", "fi": "Edelliset linkit"},
    "formats": {"en": "This page as data", "sv": "Sidan som data", "fi": "Sivu datana"},
    "type": {"en": "Type", "sv": "Typ", "fi": "Tyyppi"},
    "also_known_as": {"en": "Also known as", "sv": "Även kallad", "fi": "Myös"},
    "partner": {"en": "Partner", "sv": "Partner", "fi": "Kumppani"},
    "country": {"en": "Country", "sv": "Land", "fi": "Maa"},
    "since": {"en": "Since", "sv": "Sedan", "fi": "Alkaen"},
    "until": {"en": "Until", "sv": "Till", "fi": "Päättyen"},
    "unknown": {"en": "not known", "sv": "okänt", "fi": "ei tiedossa"},
    "activities": {
        "en": "Programmes, projects and events",
        "sv": "Program, projekt och evenemang",
        "fi": "Ohjelmat, hankkeet ja tapahtumat",
    },
    "role": {"en": "Role", "sv": "Roll", "fi": "Rooli"},
    "contacts": {"en": "Contacts", "sv": "Kontakter", "fi": "Yhteystiedot"},
    "held_by": {"en": "held by", "sv": "innehas av", "fi": "haltija"},
    "counts": {
        "en": "Declared and listed partnerships",
        "sv": "Uppgivna och listade partnerskap",
        "fi": "Ilmoitetut ja luetellut kumppanuudet",
    },
    "declared": {"en": "Declared", "sv": "Uppgivet", "fi": "Ilmoitettu"},
    "listed": {"en": "Listed here", "sv": "Listade här", "fi": "Lueteltu täällä"},
    "map": {"en": "Map of partners", "sv": "Karta över partner", "fi": "Kumppanien kartta"},
    "map_missing": {
        "en": "Not on the map (no coordinates in the data)",
        "sv": "Inte på kartan (inga koordinater i datan)",
        "fi": "Ei kartalla (ei koordinaatteja aineistossa)",
    },
    "map_needs_js": {
        "en": "The map needs JavaScript; the partners are listed above.",
        "sv": "Kartan behöver JavaScript; partnerna listas ovan.",
        "fi": "Kartta tarvitsee JavaScriptin; kumppanit on lueteltu yllä.",
    },
    "label_missing": {
        "en": "no label in this language",
        "sv": "inget namn på detta språk",
        "fi": "ei nimeä tällä kielellä",
    },
    "classes": {"en": "Classes", "sv": "Klasser", "fi": "Luokat"},
    "schemes": {"en": "Concept schemes", "sv": "Begreppsscheman", "fi": "Käsitejärjestelmät"},
    "cut": {
        "en": "This description was cut at its size limit; the SPARQL endpoint has the rest.",
        "sv": "Beskrivningen kortades vid storleksgränsen; SPARQL-ändpunkten har resten.",
        "fi": "Kuvaus katkaistiin kokorajaan; loput saa SPARQL-rajapinnasta.",
    },
}


def word(key: str, language: str) -> str:
    """The word ``key`` in ``language`` (English when missing)."""
    entry = WORDS[key]
    return entry.get(language, entry["en"])


def init_app(app: Flask) -> None:
    """Make ``t(key)``, ``lang_url(code)`` and the language names available to templates."""

    @app.context_processor
    def _words() -> dict[str, object]:
        def t(key: str) -> str:
            return word(key, headers.language())

        def lang_url(code: str) -> str:
            args = request.args.to_dict()
            args["lang"] = code
            return request.script_root + request.path + "?" + urlencode(sorted(args.items()))

        return {"t": t, "lang_url": lang_url, "language_names": LANGUAGE_NAMES}
