"""The queries about figures, names, statements and sources, and the dataset's statistics."""

from __future__ import annotations

from ..paths import BASE
from .case import (
    CHAIN,
    CITY_CLASSES,
    DCTERMS,
    EUROCITIES,
    HAMAR,
    LAHTI,
    LAHTI_PAGE,
    LANGUAGE,
    LUND,
    LUND_PAGE,
    PARTNERSHIPS,
    PORVOO,
    RDF_TYPE,
    RDFS_LABEL,
    SCHEMA,
    STATISTICS,
    TWIN,
    VIBORG,
    Case,
    Value,
    names,
    ptn,
    res,
    term,
)

FIGURE_COLUMNS = ("about", "measure", "value", "moreThan", "nearly", "unit", "date")
INHABITANTS, AREA = term("measure/inhabitants"), term("measure/area")
LUND_2023 = (LUND, INHABITANTS, 100000, None, None, None, "2023-12-31")
LUND_2022 = (LUND, INHABITANTS, 99999, None, None, None, "2022-12-31")
LUND_NATIONALITIES = (LUND, term("measure/nationalities"), None, 150, None, None, None)
LUND_AREA = (LUND, AREA, None, None, 430, "km2", "2023-01-01")
LAHTI_2024 = (LAHTI, INHABITANTS, 120000, None, None, None, "2024-01-01")
EUROCITIES_MEMBERS = (EUROCITIES, term("measure/members"), None, 200, None, None, None)

FIGURES = [
    Case(
        "figures",
        "the figures about one resource, as stated, with source and sentence",
        {"about": LUND},
        (*FIGURE_COLUMNS, "source", "quote"),
        (
            (*LUND_2023, STATISTICS, "Lund had 100 000 inhabitants at the end of 2023."),
            (*LUND_2022, STATISTICS, None),
            (*LUND_NATIONALITIES, STATISTICS, None),
            (*LUND_AREA, STATISTICS, None),
            (
                LUND,
                term("measure/partnerships"),
                4,
                None,
                None,
                None,
                None,
                LUND_PAGE,
                "Lund har fyra vänorter.",
            ),
            (
                LUND,
                term("measure/partnerships"),
                1,
                None,
                None,
                None,
                None,
                LUND_PAGE,
                "Lund har ett samarbetsavtal.",
            ),
        ),
        absent=((*LAHTI_2024, STATISTICS, None),),
    ),
    Case(
        "figures",
        "one measure",
        {"measure": "inhabitants"},
        FIGURE_COLUMNS,
        (LUND_2023, LUND_2022, LAHTI_2024),
        absent=(LUND_NATIONALITIES, LUND_AREA),
        fixed={"measure": INHABITANTS, "measureName": "inhabitants"},
    ),
    Case(
        "figures",
        "at least a number: the number itself is in, one less is not",
        {"atLeast": "100000"},
        FIGURE_COLUMNS,
        (LUND_2023, LAHTI_2024),
        absent=(LUND_2022, LUND_NATIONALITIES, LUND_AREA, EUROCITIES_MEMBERS),
        fixed={"atLeast": 100000},
    ),
    Case(
        "figures",
        "at least a number: as stated, exact, more than or nearly",
        {"atLeast": "200"},
        FIGURE_COLUMNS,
        (LUND_2023, LUND_2022, LAHTI_2024, LUND_AREA, EUROCITIES_MEMBERS),
        absent=(
            LUND_NATIONALITIES,
            (LUND, term("measure/partnerships"), 4, None, None, None, None),
        ),
        fixed={"atLeast": 200},
    ),
    Case(
        "figures",
        "dated on or after a day: the day itself is in, undated figures are not",
        {"since": "2023-01-01"},
        FIGURE_COLUMNS,
        (LUND_2023, LUND_AREA, LAHTI_2024),
        absent=(LUND_2022, LUND_NATIONALITIES, EUROCITIES_MEMBERS),
        fixed={"since": "2023-01-01"},
    ),
]

LABEL_COLUMNS = ("resource", "name", "nameLanguage", "classes")
PARTNERSHIP_CLASSES = names(term("Partnership"))

LABEL_SEARCH = [
    Case(
        "label-search",
        "labels and other names containing the text, case aside, in one language",
        {"text": "BORG", "lang": "sv"},
        LABEL_COLUMNS,
        (
            (PORVOO, "Borgå", "sv", CITY_CLASSES),
            (PORVOO, "Borgå stad", "sv", CITY_CLASSES),
            (VIBORG, "Viborg", "sv", CITY_CLASSES),
        ),
        absent=((VIBORG, "Viborg", "en", CITY_CLASSES), (PORVOO, "Porvoo", "en", CITY_CLASSES)),
        fixed={"text": "BORG", "lang": "sv"},
        lists={"classes": " "},
    ),
    Case(
        "label-search",
        "in every language; a quote that holds the text is no name",
        {"text": "borg"},
        LABEL_COLUMNS,
        (
            (PORVOO, "Borgå", "sv", CITY_CLASSES),
            (PORVOO, "Borgå stad", "sv", CITY_CLASSES),
            (VIBORG, "Viborg", "sv", CITY_CLASSES),
            (VIBORG, "Viborg", "en", CITY_CLASSES),
            (ptn("lund-viborg"), "Lund and Viborg twin towns", "en", PARTNERSHIP_CLASSES),
            (ptn("lahti-viborg"), "Lahti and Viborg twin towns", "en", PARTNERSHIP_CLASSES),
        ),
        absent=(
            (
                ptn("lund-porvoo"),
                "Lund och Borgå är vänorter sedan 1950.",
                "sv",
                PARTNERSHIP_CLASSES,
            ),
            (PORVOO, "Porvoo", "en", CITY_CLASSES),
        ),
        fixed={"text": "borg", "lang": None},
        lists={"classes": " "},
    ),
]

LUND_PAGE_GRAPH, CHAIN_GRAPH = f"{BASE}graph/lund-page", f"{BASE}graph/chain-article"
PARTY, PARTNERSHIP_TYPE = term("party"), term("partnershipType")
QUOTE, START = term("quote"), SCHEMA + "startDate"


def stated(graph: str, *extra: tuple[str, str | None, str]) -> tuple[tuple[Value, ...], ...]:
    """What both sources state about lund-porvoo in ``graph``, and ``extra`` statements."""
    common = (
        (RDF_TYPE, None, term("Partnership")),
        (PARTNERSHIP_TYPE, "partnership type", TWIN),
        (PARTY, "party", LUND),
        (PARTY, "party", PORVOO),
        (START, None, "1950"),
    )
    return tuple(("out", p, name, value, graph) for p, name, value in (*common, *extra))


DESCRIBE_RESOURCE = [
    Case(
        "describe-resource",
        "what the graphs say about it and what points to it, graph by graph",
        {"resource": ptn("lund-porvoo")},
        ("direction", "property", "propertyName", "value", "graph"),
        (
            *stated(
                LUND_PAGE_GRAPH,
                (RDFS_LABEL, None, "Lund and Porvoo twin towns"),
                (QUOTE, None, "Lund och Borgå är vänorter sedan 1950."),
                (QUOTE, None, "Borgå blev Lunds vänort 1950."),
                (DCTERMS + "source", None, LUND_PAGE),
            ),
            *stated(
                CHAIN_GRAPH,
                (QUOTE, None, "Porvoo and Lund have been twinned since 1950."),
                (DCTERMS + "source", None, CHAIN),
            ),
            ("in", SCHEMA + "about", None, CHAIN, CHAIN_GRAPH),
        ),
        absent=(
            ("out", PARTY, "party", HAMAR, LUND_PAGE_GRAPH),
            ("out", PARTY, "part", LUND, LUND_PAGE_GRAPH),
            ("out", RDF_TYPE, None, term("Partnership"), None),
        ),
        fixed={"resource": ptn("lund-porvoo")},
    ),
]

SOURCE_COLUMNS = ("source", "title", "language", "publisher", "address", "quotes")
LUND_PAGE_ROW = (
    LUND_PAGE,
    "Internationellt arbete",
    LANGUAGE + "SWE",
    LUND,
    "https://lund.example/internationellt",
)
CHAIN_ROW = (CHAIN, "The Nordic chain", LANGUAGE + "ENG", None, "https://news.example/nordic-chain")
LUND_PAGE_QUOTES = names("Lund och Borgå är vänorter sedan 1950.", "Borgå blev Lunds vänort 1950.")
CHAIN_QUOTES = names("Porvoo and Lund have been twinned since 1950.")

PARTNERSHIP_SOURCES = [
    Case(
        "partnership-sources",
        "each source with the quotes of its own graph",
        {"partnership": "lund-porvoo"},
        SOURCE_COLUMNS,
        ((*LUND_PAGE_ROW, LUND_PAGE_QUOTES), (*CHAIN_ROW, CHAIN_QUOTES)),
        absent=(
            (*LUND_PAGE_ROW, LUND_PAGE_QUOTES | CHAIN_QUOTES),
            (*CHAIN_ROW, LUND_PAGE_QUOTES | CHAIN_QUOTES),
            (*CHAIN_ROW, LUND_PAGE_QUOTES),
        ),
        fixed={"partnership": ptn("lund-porvoo"), "partnershipName": "Lund and Porvoo twin towns"},
        lists={"quotes": " | "},
    ),
    Case(
        "partnership-sources",
        "a source that quotes nothing about it",
        {"partnership": "lund-hamar"},
        SOURCE_COLUMNS,
        ((*LUND_PAGE_ROW, names()),),
        absent=((*LUND_PAGE_ROW, LUND_PAGE_QUOTES),),
        fixed={"partnership": ptn("lund-hamar")},
        lists={"quotes": " | "},
    ),
    Case(
        "partnership-sources",
        "every partnership with a source, one row a source",
        {},
        ("partnership", "source"),
        (
            *((ptn(slug), LUND_PAGE) for slug, a, _ in PARTNERSHIPS if a == LUND),
            (ptn("lund-porvoo"), CHAIN),
            *(
                (ptn(slug), LAHTI_PAGE)
                for slug, a, _ in PARTNERSHIPS
                if a == LAHTI and slug != "lahti-vasteras"
            ),
        ),
        absent=((ptn("lahti-vasteras"), None),),
    ),
]

DOCUMENT_COLUMNS = ("source", "name", "title", "language", "publishedBy", "address", "resources")
LUND_PAGE_DOCUMENT = (
    LUND_PAGE,
    "Lund Municipality web page",
    "Internationellt arbete",
    LANGUAGE + "SWE",
    LUND,
    "https://lund.example/internationellt",
    10,
)
LAHTI_PAGE_DOCUMENT = (
    LAHTI_PAGE,
    "City of Lahti web page",
    "Kansainvälinen Lahti",
    LANGUAGE + "FIN",
    LAHTI,
    None,
    7,
)
CHAIN_DOCUMENT = (
    CHAIN,
    "Article on the Nordic chain of twin towns",
    "The Nordic chain",
    LANGUAGE + "ENG",
    None,
    "https://news.example/nordic-chain",
    2,
)
STATISTICS_DOCUMENT = (
    STATISTICS,
    "Population statistics",
    "Population",
    None,
    res("organization/statistics-office"),
    None,
    7,
)

SOURCES = [
    Case(
        "sources",
        "every source document with the resources that name it, itself not counted",
        {},
        DOCUMENT_COLUMNS,
        (LUND_PAGE_DOCUMENT, LAHTI_PAGE_DOCUMENT, CHAIN_DOCUMENT, STATISTICS_DOCUMENT),
        absent=((*LUND_PAGE_DOCUMENT[:-1], 11),),
        fixed={"publisher": None},
    ),
    Case(
        "sources",
        "one publisher's documents only",
        {"publisher": LUND},
        DOCUMENT_COLUMNS,
        (LUND_PAGE_DOCUMENT,),
        absent=(LAHTI_PAGE_DOCUMENT, CHAIN_DOCUMENT),
        fixed={"publisher": LUND},
    ),
]

DATASET_STATISTICS = [
    Case(
        "dataset-statistics",
        "a complete description's numbers and distinct sources; an incomplete one is not listed",
        {},
        ("dataset", "triples", "entities", "subjects", "properties", "classes", "sources"),
        (
            (res("dataset/sample"), 1000, 100, 120, 30, 12, 2),
            (res("dataset/unsourced"), 10, 1, 2, 3, 4, 0),
        ),
        absent=((res("dataset/partial"), 500, 50, 60, 20, None, 1),),
        exact=False,
    ),
    Case(
        "dataset-statistics",
        "every complete description, the built one naming every source document",
        {},
        ("dataset", "sources"),
        (
            (res("dataset/partnergraph"), 4),
            (res("dataset/sample"), 2),
            (res("dataset/unsourced"), 0),
        ),
        absent=((res("dataset/partial"), 1),),
    ),
]
