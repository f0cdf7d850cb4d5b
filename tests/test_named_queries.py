"""What each named query means, tested on fixture data built for it, on every backend.

Issue 10, point 15: the named queries were tested for "some rows, and every
backend agrees" on the real graph, so a query could lose a condition (the
``?to`` filter of partnerships-by-period, a condition of shared-ties or
partners-by-country) and every test still passed. Here each query of
``queries/`` is called through the API (``/api/queries/{name}``) of an app built
from ``tests/data/named/`` (graph and minimal shapes) with the real
``queries/``, and its answer is compared with the rows the fixture was built to
give (:mod:`tests.named`): the rows that must be there, and the boundary
rows that must not.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from flask import Flask

from .named import CASES
from .named.case import Case, Value
from .paths import DATA, ROOT
from .webapp import BACKENDS, web_app

NAMED = DATA / "named"
QUERIES = ROOT / "queries"


@pytest.fixture(scope="module", params=BACKENDS)
def app(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Flask]:
    with web_app(
        request.param,
        tmp_path_factory.mktemp(f"named-{request.param}"),
        graph_dir=NAMED / "graph",
        shapes_dir=NAMED / "shapes",
        queries_dir=QUERIES,
    ) as made:
        yield made


def answer(app: Flask, case: Case) -> list[dict[str, Any]]:
    """The rows of ``case``'s call, as the API's JSON gives them (every row, one page)."""
    url = f"/api/queries/{case.query}?{urlencode({**case.params, 'limit': 1000})}"
    response = app.test_client().get(url, headers={"Accept": "application/json"})
    assert response.status_code == 200, response.get_data(as_text=True)
    rows: list[dict[str, Any]] = response.get_json()
    return rows


def project(row: dict[str, Any], case: Case) -> tuple[Value, ...]:
    """The compared columns of a row; a concatenation as the set of its parts."""
    values: list[Value] = []
    for column in case.columns:
        value = row[column]
        separator = case.lists.get(column)
        if separator is not None:  # nothing concatenated: "" or unbound, engines differ
            value = frozenset(value.split(separator)) if value else frozenset()
        values.append(value)
    return tuple(values)


def difference(got: list[tuple[Value, ...]], expected: tuple[tuple[Value, ...], ...]) -> str:
    missing = Counter(expected) - Counter(got)
    unexpected = Counter(got) - Counter(expected)
    lines = [f"  missing:    {row}" for row in missing.elements()]
    lines += [f"  unexpected: {row}" for row in unexpected.elements()]
    return "\n".join(lines)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_issue10_point15_each_named_query_answers_what_it_means(app: Flask, case: Case) -> None:
    rows = answer(app, case)
    got = [project(row, case) for row in rows]

    present = [row for row in case.absent if row in got]
    assert not present, f"rows that must not be in the answer: {present}"
    for column, value in case.fixed.items():
        assert all(row[column] == value for row in rows), (column, [row[column] for row in rows])
    if case.ordered:
        assert got == list(case.rows), "\n" + "\n".join(map(str, got))
    elif case.exact:
        assert Counter(got) == Counter(case.rows), "\n" + difference(got, case.rows)
    else:
        missing = [row for row in case.rows if row not in got]
        assert not missing, f"rows missing from the answer: {missing}"


def test_issue10_point15_every_named_query_has_a_test_of_its_meaning() -> None:
    """A query added to queries/ without cases (and a boundary case) fails here."""
    queries = sorted(path.stem for path in QUERIES.glob("*.rq"))
    assert queries, "no named queries found"
    tested = {case.query for case in CASES}
    assert [name for name in queries if name not in tested] == []
    assert sorted(tested - set(queries)) == []  # no cases for a query that is gone
    without_boundary = [
        name for name in queries if not any(case.absent for case in CASES if case.query == name)
    ]
    assert without_boundary == []  # every query has rows that must not appear


def test_the_cases_are_well_formed() -> None:
    """Each case's rows have one value a compared column, and absent rows are not expected."""
    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids))
    for case in CASES:
        for row in (*case.rows, *case.absent):
            assert len(row) == len(case.columns), (case.id, row)
        assert not set(case.rows) & set(case.absent), case.id
