"""What each named query of ``queries/`` answers on the fixture of ``tests/data/named/``.

One :class:`~tests.named.case.Case` is one call of a query through the API and the
rows its answer must hold, and must not hold: the boundary cases the fixture was
built for. :data:`CASES` holds them all, query by query.
"""

from __future__ import annotations

from .case import Case
from .organisations import ACTIVITIES_OF_CITY, CONTACT_POINTS, NETWORK_MEMBERS
from .partnerships import (
    COMPLETENESS_REPORT,
    PARTNERS_BY_COUNTRY,
    PARTNERS_OF_CITY,
    PARTNERSHIPS_BY_PERIOD,
    SHARED_TIES,
)
from .provenance import (
    DATASET_STATISTICS,
    DESCRIBE_RESOURCE,
    FIGURES,
    LABEL_SEARCH,
    PARTNERSHIP_SOURCES,
    SOURCES,
)

#: Every case, query by query.
CASES: list[Case] = [
    *ACTIVITIES_OF_CITY,
    *COMPLETENESS_REPORT,
    *CONTACT_POINTS,
    *DATASET_STATISTICS,
    *DESCRIBE_RESOURCE,
    *FIGURES,
    *LABEL_SEARCH,
    *NETWORK_MEMBERS,
    *PARTNERS_BY_COUNTRY,
    *PARTNERS_OF_CITY,
    *PARTNERSHIP_SOURCES,
    *PARTNERSHIPS_BY_PERIOD,
    *SHARED_TIES,
    *SOURCES,
]
