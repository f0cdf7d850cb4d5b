"""The queries about organisations: network members, activities, contact points."""

from __future__ import annotations

from .case import (
    CEMR,
    EUROCITIES,
    GREEN_BRIDGE,
    HEALTHY_CITIES,
    LAHTI,
    LUND,
    LUND_UNIVERSITY,
    SKI_GAMES,
    UBC,
    VASTERAS,
    Case,
    names,
    res,
)

NETWORK_MEMBERS = [
    Case(
        "network-members",
        "the members of a network with the themes they are active in, in English",
        {"network": "eurocities"},
        ("member", "memberName", "activeIn"),
        (
            (LUND, "Lund", names("culture")),
            (LAHTI, "Lahti", names("culture", "environment")),
            (LUND_UNIVERSITY, "Lund University", names()),
        ),
        absent=((VASTERAS, "Vasteras", names()),),
        fixed={"network": EUROCITIES, "networkName": "Eurocities"},
        lists={"activeIn": ", "},
    ),
    Case(
        "network-members",
        "the networks of a member",
        {"member": "lahti"},
        ("network", "networkName", "activeIn"),
        (
            (EUROCITIES, "Eurocities", names("culture", "environment")),
            (UBC, "Union of the Baltic Cities", names("environment")),
        ),
        absent=((HEALTHY_CITIES, "Healthy Cities", names()),),
        fixed={"member": LAHTI, "memberName": "Lahti"},
        lists={"activeIn": ", "},
    ),
    Case(
        "network-members",
        "without either: every network (pg:Network only) and member, by name",
        {},
        ("network", "member"),
        (
            (EUROCITIES, LAHTI),
            (EUROCITIES, LUND),
            (EUROCITIES, LUND_UNIVERSITY),
            (HEALTHY_CITIES, LUND),
            (UBC, LAHTI),
            (UBC, VASTERAS),
        ),
        absent=((CEMR, LUND),),
        ordered=True,
    ),
]

ACTIVITY_COLUMNS = ("activity", "activityName", "part", "participant", "participantName", "start")

ACTIVITIES_OF_CITY = [
    Case(
        "activities-of-city",
        "provided, run, located, taken part in by the city or a unit of a unit",
        {"city": "lahti"},
        ACTIVITY_COLUMNS,
        (
            (
                res("programme/lahti-international"),
                "Lahti international programme",
                "provider",
                LAHTI,
                "Lahti",
                "2019",
            ),
            (res("project/lahti-harbour"), "Harbour renewal", "runs", LAHTI, "Lahti", None),
            (res("project/ski-museum"), "Ski museum", "location", LAHTI, "Lahti", None),
            (GREEN_BRIDGE, "Green Bridge", "partner", LAHTI, "Lahti", "2021-03-01"),
            (SKI_GAMES, "Ski Games", "host", LAHTI, "Lahti", None),
            (
                res("programme/erasmus"),
                "Erasmus+",
                "beneficiary",
                res("organization/lahti-youth"),
                "Lahti Youth Services",
                None,
            ),
            (
                SKI_GAMES,
                "Ski Games",
                "participant",
                res("organization/lahti-youth-centre"),
                "Lahti youth centre",
                None,
            ),
        ),
        absent=(
            (GREEN_BRIDGE, "Green Bridge", "partner", LUND, "Lund", None),
            (SKI_GAMES, "Ski Games", "participant", VASTERAS, "Vasteras", None),
            (GREEN_BRIDGE, "Green Bridge", "yhteistyökumppani", LAHTI, "Lahti", "2021-03-01"),
        ),
        fixed={"city": LAHTI},
    ),
    Case(
        "activities-of-city",
        "another city's",
        {"city": "lund"},
        ACTIVITY_COLUMNS,
        (
            (GREEN_BRIDGE, "Green Bridge", "partner", LUND, "Lund", None),
            (res("project/lund-hub"), "Lund Hub", "runs", LUND, "Lund", None),
        ),
        absent=((GREEN_BRIDGE, "Green Bridge", "partner", LAHTI, "Lahti", "2021-03-01"),),
        fixed={"city": LUND},
    ),
]

CONTACT_COLUMNS = (
    "unit",
    "kind",
    "contact",
    "holder",
    "email",
    "telephone",
    "street",
    "postOfficeBox",
    "postalCode",
    "locality",
)
OFFICE = res("organization/lund-office")
AINO = (
    LAHTI,
    "post",
    res("post/lahti-coordinator"),
    "Aino Aalto",
    "aino@lahti.example",
    None,
    None,
    None,
    None,
    None,
)
ANNA = (
    LUND,
    "post",
    res("post/lund-international-secretary"),
    "Anna Andersson",
    "anna@lund.example",
    "+46 46 000 00 01",
    None,
    None,
    None,
    None,
)

CONTACT_POINTS = [
    Case(
        "contact-points",
        "posts and their holders, contact points, addresses of the city and its units",
        {"city": "lund"},
        CONTACT_COLUMNS,
        (
            ANNA,
            (LUND, "post", res("post/lund-eu-coordinator"), *[None] * 7),
            (
                LUND,
                "contact point",
                res("contact-point/lund-switchboard"),
                None,
                None,
                "+46 46 000 00 00",
                *[None] * 4,
            ),
            (
                res("project/lund-hub"),
                "post",
                res("post/lund-hub-coordinator"),
                "Bo Berg",
                "bo@lund.example",
                *[None] * 5,
            ),
            (
                OFFICE,
                "contact point",
                res("contact-point/lund-office-email"),
                None,
                "office@lund.example",
                *[None] * 5,
            ),
            (
                OFFICE,
                "postal address",
                res("address/lund-office-postal"),
                *[None] * 4,
                "41",
                "221 00",
                "Lund",
            ),
            (
                OFFICE,
                "visiting address",
                res("address/lund-office-visiting"),
                *[None] * 3,
                "Bruksgatan 22",
                None,
                None,
                "Lund",
            ),
        ),
        absent=(
            AINO,
            (
                LUND_UNIVERSITY,
                "contact point",
                res("contact-point/lund-university-info"),
                None,
                "info@university.example",
                *[None] * 5,
            ),
        ),
        fixed={"city": LUND},
    ),
    Case(
        "contact-points",
        "another city's",
        {"city": "lahti"},
        CONTACT_COLUMNS,
        (AINO,),
        absent=(ANNA,),
        fixed={"city": LAHTI},
    ),
]
