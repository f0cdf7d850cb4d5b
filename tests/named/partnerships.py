"""The partnership queries: by period, of a city, by country, shared ties, completeness."""

from __future__ import annotations

from itertools import permutations

from .case import (
    ATLANTIS,
    CEMR,
    DENMARK,
    EUROCITIES,
    FINLAND,
    GREEN_BRIDGE,
    HAMAR,
    HEALTHY_CITIES,
    KOLDING,
    LAHTI,
    LAHTI_PAGE,
    LUND,
    LUND_PAGE,
    LUND_UNIVERSITY,
    NORWAY,
    PARTNERSHIPS,
    PORVOO,
    SKI_GAMES,
    SWEDEN,
    TWIN,
    UBC,
    VASTERAS,
    VIBORG,
    Case,
    Value,
    names,
    partners_of,
    ptn,
    res,
)

PERIOD_COLUMNS = ("partnership", "partnershipName", "start", "typeName")
#: partnerships-by-period's rows by partnership: (name, start, type name).
PERIOD = {
    "lund-kolding": ("Lund and Kolding friendship", "1945", "friendship municipality"),
    "lahti-kolding": ("Lahti and Kolding twin towns", "1949", "twin town"),
    "lund-porvoo": ("Lund and Porvoo twin towns", "1950", "twin town"),
    "lahti-porvoo": ("Lahti and Porvoo twin towns", "1955-06-01", "twin town"),
    "lahti-kolding-cooperation": (
        "Lahti and Kolding cooperation agreement",
        "1958",
        "cooperation agreement",
    ),
    "lund-atlantis": (
        "Lund and Atlantis cooperation agreement",
        "1960-12-31",
        "cooperation agreement",
    ),
    "lund-viborg": ("Lund and Viborg twin towns", "1961-01-01", "twin town"),
    "lahti-viborg": ("Lahti and Viborg twin towns", "1972", "twin town"),
    "lund-hamar": ("Lund and Hamar twin towns", None, "twin town"),
    "lahti-vasteras": ("Lahti and Vasteras twin towns", None, "twin town"),
}


def period(*slugs: str) -> tuple[tuple[Value, ...], ...]:
    """The rows of ``slugs`` in partnerships-by-period's compared columns."""
    return tuple((ptn(slug), *PERIOD[slug]) for slug in slugs)


PARTNERSHIPS_BY_PERIOD = [
    Case(
        "partnerships-by-period",
        "both ends of the period are in it, the years around it are not",
        {"from": "1950", "to": "1960"},
        PERIOD_COLUMNS,
        period("lund-porvoo", "lahti-porvoo", "lahti-kolding-cooperation", "lund-atlantis"),
        absent=period("lund-kolding", "lahti-kolding", "lund-viborg", "lahti-viborg", "lund-hamar"),
        fixed={"from": "1950", "to": "1960"},
    ),
    Case(
        "partnerships-by-period",
        "only the type asked for",
        {"from": "1950", "to": "1960", "type": "twin-town"},
        PERIOD_COLUMNS,
        period("lund-porvoo", "lahti-porvoo"),
        absent=period("lahti-kolding-cooperation", "lund-atlantis"),
        fixed={"type": TWIN},
    ),
    Case(
        "partnerships-by-period",
        "without years every dated partnership, no undated one",
        {},
        PERIOD_COLUMNS,
        period(*(slug for slug, row in PERIOD.items() if row[1] is not None)),
        absent=period("lund-hamar", "lahti-vasteras"),
        fixed={"from": None, "to": None},
    ),
    Case(
        "partnerships-by-period",
        "from a year on",
        {"from": "1960"},
        PERIOD_COLUMNS,
        period("lund-atlantis", "lund-viborg", "lahti-viborg"),
        absent=period("lahti-kolding-cooperation"),
    ),
    Case(
        "partnerships-by-period",
        "up to a year",
        {"to": "1949"},
        PERIOD_COLUMNS,
        period("lund-kolding", "lahti-kolding"),
        absent=period("lund-porvoo"),
    ),
]

PARTNERS_COLUMNS = (
    "partnership",
    "partner",
    "partnerName",
    "countryName",
    "typeName",
    "start",
    "end",
)

PARTNERS_OF_CITY = [
    Case(
        "partners-of-city",
        "in Swedish, in English where a label is missing",
        {"city": "lund", "lang": "sv"},
        PARTNERS_COLUMNS,
        (
            (ptn("lund-porvoo"), PORVOO, "Borgå", "Finland", "vänort", "1950", None),
            (ptn("lund-hamar"), HAMAR, "Hamar", "Norway", "vänort", None, None),
            (ptn("lund-viborg"), VIBORG, "Viborg", "Danmark", "vänort", "1961-01-01", None),
            (
                ptn("lund-atlantis"),
                ATLANTIS,
                "Atlantis",
                "Norway",
                "cooperation agreement",
                "1960-12-31",
                None,
            ),
            (ptn("lund-kolding"), KOLDING, "Kolding", "Danmark", "vänskapskommun", "1945", "1960"),
        ),
        absent=(
            (ptn("lund-porvoo"), PORVOO, "Porvoo", "Finland", "vänort", "1950", None),
            (ptn("lund-viborg"), VIBORG, "Viborg", "Denmark", "vänort", "1961-01-01", None),
            (ptn("lund-porvoo"), LUND, "Lund", "Sverige", "vänort", "1950", None),
            (ptn("lahti-porvoo"), PORVOO, "Borgå", "Finland", "vänort", "1955-06-01", None),
        ),
        fixed={"city": LUND, "lang": "sv"},
    ),
    Case(
        "partners-of-city",
        "in English by default, one row a partnership",
        {"city": "lahti"},
        PARTNERS_COLUMNS,
        (
            (ptn("lahti-porvoo"), PORVOO, "Porvoo", "Finland", "twin town", "1955-06-01", None),
            (ptn("lahti-kolding"), KOLDING, "Kolding", "Denmark", "twin town", "1949", None),
            (
                ptn("lahti-kolding-cooperation"),
                KOLDING,
                "Kolding",
                "Denmark",
                "cooperation agreement",
                "1958",
                None,
            ),
            (ptn("lahti-viborg"), VIBORG, "Viborg", "Denmark", "twin town", "1972", None),
            (ptn("lahti-vasteras"), VASTERAS, "Vasteras", "Sweden", "twin town", None, None),
        ),
        absent=((ptn("lahti-vasteras"), VASTERAS, "Västerås", "Sverige", "vänort", None, None),),
        fixed={"city": LAHTI, "lang": "en"},
    ),
    Case(
        "partners-of-city",
        "without a municipality: every partnership from both sides",
        {},
        ("city", "partner", "partnership"),
        tuple(row for slug, a, b in PARTNERSHIPS for row in ((a, b, ptn(slug)), (b, a, ptn(slug)))),
        absent=((LUND, LUND, ptn("lund-porvoo")),),
    ),
]

COUNTRY_COLUMNS = ("country", "countryName", "partners", "partnerNames")

PARTNERS_BY_COUNTRY = [
    Case(
        "partners-by-country",
        "a partner with two partnerships counts once, the city never",
        {"city": "lahti"},
        COUNTRY_COLUMNS,
        (
            (DENMARK, "Denmark", 2, names("Kolding", "Viborg")),
            (FINLAND, "Finland", 1, names("Porvoo")),
            (SWEDEN, "Sweden", 1, names("Vasteras")),
        ),
        absent=(
            (FINLAND, "Finland", 2, names("Lahti", "Porvoo")),
            (DENMARK, "Denmark", 3, names("Kolding", "Viborg")),
            (NORWAY, "Norway", 1, names("Hamar")),
        ),
        ordered=True,
        fixed={"city": LAHTI, "lang": "en"},
        lists={"partnerNames": ", "},
    ),
    Case(
        "partners-by-country",
        "in Swedish, in English where a label is missing",
        {"city": "lund", "lang": "sv"},
        COUNTRY_COLUMNS,
        (
            (DENMARK, "Danmark", 2, names("Kolding", "Viborg")),
            (NORWAY, "Norway", 2, names("Atlantis", "Hamar")),
            (FINLAND, "Finland", 1, names("Borgå")),
        ),
        absent=(
            (DENMARK, "Denmark", 2, names("Kolding", "Viborg")),
            (FINLAND, "Finland", 1, names("Porvoo")),
            (SWEDEN, "Sverige", 1, names("Lund")),
        ),
        fixed={"city": LUND, "lang": "sv"},
        lists={"partnerNames": ", "},
    ),
    Case(
        "partners-by-country",
        "the city is no partner in its own country; countries of a count by name",
        {"city": "porvoo"},
        COUNTRY_COLUMNS,
        ((FINLAND, "Finland", 1, names("Lahti")), (SWEDEN, "Sweden", 1, names("Lund"))),
        absent=((FINLAND, "Finland", 2, names("Lahti", "Porvoo")),),
        ordered=True,
        fixed={"city": PORVOO},
        lists={"partnerNames": ", "},
    ),
    Case(
        "partners-by-country",
        "without a municipality: every municipality's countries",
        {},
        ("city", "country", "partners"),
        ((LAHTI, DENMARK, 2), (LUND, DENMARK, 2), (PORVOO, SWEDEN, 1), (KOLDING, FINLAND, 1)),
        absent=((LAHTI, FINLAND, 2), (LUND, SWEDEN, 1)),
        exact=False,
    ),
]


def tie_rows(city: str, other: str) -> list[tuple[str, str, str, str]]:
    """The ties ``city`` and ``other`` share in the fixture (activities.trig, partnerships)."""
    networks = {
        EUROCITIES: {LUND, LAHTI},  # and Lund University, no municipality
        UBC: {LAHTI, VASTERAS},
        HEALTHY_CITIES: {LUND},
        CEMR: {LUND},
    }
    activities = {GREEN_BRIDGE: {LUND, LAHTI}, SKI_GAMES: {LAHTI, VASTERAS}}
    rows = [
        (city, other, "network", n) for n, members in networks.items() if {city, other} <= members
    ]
    rows += [(city, other, "activity", a) for a, who in activities.items() if {city, other} <= who]
    shared = partners_of(city) & partners_of(other)
    return rows + [(city, other, "partner", p) for p in sorted(shared)]


CITIES = [LUND, LAHTI, PORVOO, HAMAR, VIBORG, KOLDING, VASTERAS, ATLANTIS]

SHARED_TIES = [
    Case(
        "shared-ties",
        "networks, activities and partners both have; not those of one",
        {"city": "lund", "other": "lahti"},
        ("tie", "shared", "sharedName"),
        (
            ("network", EUROCITIES, "Eurocities"),
            ("activity", GREEN_BRIDGE, "Green Bridge"),
            ("partner", PORVOO, "Porvoo"),
            ("partner", KOLDING, "Kolding"),
            ("partner", VIBORG, "Viborg"),
        ),
        absent=(
            ("network", HEALTHY_CITIES, "Healthy Cities"),
            ("network", UBC, "Union of the Baltic Cities"),
            ("activity", SKI_GAMES, "Ski Games"),
            ("partner", HAMAR, "Hamar"),
            ("partner", VASTERAS, "Vasteras"),
            ("partner", ATLANTIS, "Atlantis"),
        ),
        fixed={"city": LUND, "other": LAHTI},
    ),
    Case(
        "shared-ties",
        "another pair",
        {"city": "lahti", "other": "vasteras"},
        ("tie", "shared", "sharedName"),
        (("network", UBC, "Union of the Baltic Cities"), ("activity", SKI_GAMES, "Ski Games")),
        absent=(("network", EUROCITIES, "Eurocities"), ("partner", PORVOO, "Porvoo")),
        fixed={"city": LAHTI, "other": VASTERAS},
    ),
    Case(
        "shared-ties",
        "a municipality shares nothing with itself",
        {"city": "lund", "other": "lund"},
        ("tie", "shared", "sharedName"),
        (),
        absent=(("network", EUROCITIES, "Eurocities"), ("partner", PORVOO, "Porvoo")),
    ),
    Case(
        "shared-ties",
        "without municipalities: every pair of municipalities, both ways",
        {},
        ("city", "other", "tie", "shared"),
        tuple(row for city, other in permutations(CITIES, 2) for row in tie_rows(city, other)),
        absent=(
            (LUND, LUND, "network", EUROCITIES),
            (LUND_UNIVERSITY, LUND, "network", EUROCITIES),
            (LUND, LUND_UNIVERSITY, "network", EUROCITIES),
            (LAHTI, res("organization/lahti-youth-centre"), "activity", SKI_GAMES),
        ),
    ),
]

COMPLETENESS_COLUMNS = (
    "city",
    "cityName",
    "typeName",
    "declared",
    "listed",
    "missing",
    "source",
    "quote",
)
LAHTI_TWINS = (
    LAHTI,
    "Lahti",
    "twin town",
    6,
    4,
    2,
    LAHTI_PAGE,
    "Lahdella on kuusi ystävyyskaupunkia.",
)
LUND_TWINS = (LUND, "Lund", "twin town", 4, 3, 1, LUND_PAGE, "Lund har fyra vänorter.")
LUND_AGREEMENTS = (
    LUND,
    "Lund",
    "cooperation agreement",
    1,
    1,
    0,
    LUND_PAGE,
    "Lund har ett samarbetsavtal.",
)

COMPLETENESS_REPORT = [
    Case(
        "completeness-report",
        "declared against listed, for one city, most missing first",
        {"city": "lund"},
        COMPLETENESS_COLUMNS,
        (LUND_TWINS, LUND_AGREEMENTS),
        absent=(LAHTI_TWINS,),
        ordered=True,
    ),
    Case(
        "completeness-report",
        "every declared count, most missing first",
        {},
        COMPLETENESS_COLUMNS,
        (LAHTI_TWINS, LUND_TWINS, LUND_AGREEMENTS),
        absent=(
            (
                LAHTI,
                "Lahti",
                "twin town",
                6,
                5,
                1,
                LAHTI_PAGE,
                "Lahdella on kuusi ystävyyskaupunkia.",
            ),
        ),
        ordered=True,
    ),
]
