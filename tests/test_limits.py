"""The limits that protect a public endpoint, proven on real engines and processes.

* the guard refuses what would crash an engine (deep nesting, long paths and
  chains), ``SERVICE`` and updates, before any engine sees the query;
* the hard time limit kills the worker that runs an explosive query (its CPU
  released) while small queries on the other worker keep being answered;
* the memory limit stops a query that doubles a string, and the service goes on;
* nothing reaches the network or the file system from a user's query.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import rdflib

from partnergraph import formats
from partnergraph.build import build
from partnergraph.errors import (
    PayloadTooLarge,
    QueryOutOfMemory,
    QueryRejected,
    QueryTimeout,
    StoreUnavailable,
)
from partnergraph.formats import Format
from partnergraph.limits.guard import ELEMENTS_PER_LEVEL, UPDATE_KEYWORDS, inspect_query
from partnergraph.service import QueryService
from partnergraph.settings import Settings, load
from partnergraph.store.base import QueryForm, QueryRequest, QuerySyntaxError, Store
from partnergraph.store.memory import MemoryStore
from partnergraph.store.oxigraph import OxigraphStore

from .listener import Listener
from .snapshot_files import open_file_service
from .store_data import QUADS, write_nquads

DEEP = 10_000


def settings_with(**overrides: Any) -> Settings:
    return load(overrides, environ={})


def json_format() -> Format:
    fmt = formats.by_key("json")
    assert fmt is not None
    return fmt


def ask(service: QueryService) -> bytes:
    return service.run(QueryRequest("ASK { ?s ?p ?o }", QueryForm.ASK), json_format()).body


# -- the guard -----------------------------------------------------------------------

NESTED = {
    "braces": "SELECT * WHERE " + "{" * DEEP + "}" * DEEP,
    "parentheses": "SELECT * WHERE { FILTER(" + "(" * DEEP + "1" + ")" * DEEP + ") }",
    "brackets": "SELECT * WHERE { ?s ?p " + "[ <x:p> " * DEEP + "]" * DEEP + " }",
    "quoted triples": "SELECT * WHERE { ?s ?p " + "<< ?a ?b " * DEEP + "?c" + " >>" * DEEP + " }",
}

LONG = {
    "sequence path": "SELECT * WHERE { ?s " + "/".join(["<x:p>"] * DEEP) + " ?o }",
    "alternative path": "SELECT * WHERE { ?s " + "|".join(["<x:p>"] * DEEP) + " ?o }",
    "inverse path": "SELECT * WHERE { ?s " + "/".join(["^<x:p>"] * DEEP) + " ?o }",
    "sum": "SELECT (" + "+".join(["1"] * DEEP) + " AS ?x) WHERE {}",
    "disjunction": "SELECT * WHERE { FILTER(" + " || ".join(["true"] * DEEP) + ") }",
    "negation": "SELECT * WHERE { FILTER(" + "!" * DEEP + "true) }",
    "unions": "SELECT * WHERE { " + " UNION ".join(["{}"] * DEEP) + " }",
    "optionals": "SELECT * WHERE { " + " OPTIONAL {}" * DEEP + " }",
    "binds": "SELECT * WHERE { " + " ".join(f"BIND(1 AS ?v{i})" for i in range(DEEP)) + " }",
    "triples": "SELECT * WHERE { " + " ".join(f"?s <x:p> ?v{i} ." for i in range(DEEP)) + " }",
}


@pytest.mark.parametrize("query", NESTED.values(), ids=NESTED.keys())
def test_deep_nesting_is_rejected_before_any_engine(query: str) -> None:
    with pytest.raises(
        QueryRejected, match=r"deeper than 100 levels: line 1, column \d+"
    ) as raised:
        inspect_query(query, settings_with())
    assert raised.value.status == 400


@pytest.mark.parametrize("query", LONG.values(), ids=LONG.keys())
def test_long_paths_and_chains_are_rejected(query: str) -> None:
    with pytest.raises(QueryRejected, match=r"line 1, column \d+") as raised:
        inspect_query(query, settings_with())
    assert raised.value.status == 400


def test_the_limits_are_the_settings() -> None:
    settings = settings_with(max_nesting_depth=5)
    inspect_query("SELECT * WHERE " + "{" * 5 + "}" * 5, settings)
    with pytest.raises(QueryRejected, match="deeper than 5 levels: line 1, column 21"):
        inspect_query("SELECT * WHERE " + "{" * 6 + "}" * 6, settings)
    inspect_query("SELECT * WHERE { ?s " + "/".join(["<x:p>"] * 6) + " ?o }", settings)
    with pytest.raises(QueryRejected, match="longer than 5 steps"):
        inspect_query("SELECT * WHERE { ?s " + "/".join(["<x:p>"] * 7) + " ?o }", settings)
    elements = " ".join(f"?s <x:p> ?v{i} ." for i in range(5 * ELEMENTS_PER_LEVEL))
    inspect_query("SELECT * WHERE { " + elements + " }", settings_with(max_nesting_depth=6))
    with pytest.raises(QueryRejected, match="more than 50 operators and pattern elements"):
        inspect_query("SELECT * WHERE { " + elements + " }", settings)


def test_a_deeply_nested_query_would_crash_the_engine_itself() -> None:
    """Why the guard exists: pyoxigraph takes the whole process down."""
    code = f"import pyoxigraph; pyoxigraph.Store().query({NESTED['braces']!r})"
    crashed = subprocess.run(
        [sys.executable, "-c", code], check=False, capture_output=True, timeout=60
    )
    assert crashed.returncode < 0  # killed by a signal (stack overflow), no exception


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "select * { service silent <http://example.org/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE ?endpoint { ?s ?q ?r } } }",
    ],
)
def test_service_is_refused_unless_federation_is_allowed(query: str) -> None:
    with pytest.raises(QueryRejected, match=r"SERVICE.*not allowed.*line 1, column"):
        inspect_query(query, settings_with())
    assert inspect_query(query, settings_with(allow_federation=True)) is QueryForm.SELECT


@pytest.mark.parametrize(
    "query",
    [
        r"SELECT * WHERE { \u0053ERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        r"SELECT * WHERE { \U00000053\u0045RVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        r"\u0049NSERT DATA { <http://example.org/a> <http://example.org/b> 1 }",
    ],
)
def test_issue10_keywords_written_with_codepoint_escapes_are_refused(query: str) -> None:
    # rdflib replaces \u escapes before parsing, as the grammar says: the guard must too
    with pytest.raises(QueryRejected, match=r"not (allowed|accepted)"):
        inspect_query(query, settings_with())


def test_codepoint_escapes_in_strings_are_still_accepted() -> None:
    query = r'SELECT * WHERE { ?s ?p "V\u00e4ster\u00e5s" }'
    assert inspect_query(query, settings_with()) is QueryForm.SELECT


@pytest.mark.parametrize("keyword", sorted(UPDATE_KEYWORDS))
def test_updates_are_refused(keyword: str) -> None:
    update = f"PREFIX ex: <http://example.org/>\n{keyword} DATA {{ ex:a ex:b ex:c }}"
    with pytest.raises(
        QueryRejected, match=f"updates are not accepted.*{keyword}.*line 2, column 1"
    ):
        inspect_query(update, settings_with())


def test_an_update_after_a_query_is_refused() -> None:
    with pytest.raises(QueryRejected, match=r"updates are not accepted on this endpoint \(LOAD\)"):
        inspect_query("SELECT * {} ; LOAD <file:///etc/passwd>", settings_with())


@pytest.mark.parametrize(
    "query",
    [
        'SELECT * WHERE { ?s ?p "SERVICE <http://example.org/> { }" }',
        "SELECT * WHERE { ?s ?p '''a long\nSERVICE string''' }",
        "SELECT * WHERE { ?s <http://example.org/service> ?o }",
        "PREFIX service: <http://example.org/> SELECT * WHERE { ?s service:load ?o }",
        "PREFIX ex: <http://example.org/> SELECT ?service WHERE { ?service ex:insert ?delete }",
        "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://example.org/> in a comment, DROP ALL",
    ],
)
def test_the_words_inside_strings_iris_names_and_comments_are_fine(query: str) -> None:
    assert inspect_query(query, settings_with()) is QueryForm.SELECT


@pytest.mark.parametrize(
    ("query", "form"),
    [
        ("SELECT * {}", QueryForm.SELECT),
        ("# a comment\nbase <http://x/> prefix : <y#>\nask { :a :b :c }", QueryForm.ASK),
        ("PREFIX ex: <http://x/> CONSTRUCT WHERE { ?s ex:p ?o }", QueryForm.CONSTRUCT),
        ("DESCRIBE <http://x/a>", QueryForm.DESCRIBE),
    ],
)
def test_the_form_follows_the_prologue(query: str, form: QueryForm) -> None:
    assert inspect_query(query, settings_with()) is form


@pytest.mark.parametrize(
    ("query", "line", "column"),
    [("", 1, 1), ("  # nothing\n", 2, 1), ("PREFIX ex: <x>\n  SELEKT *", 2, 3)],
)
def test_no_query_form_is_a_syntax_error(query: str, line: int, column: int) -> None:
    with pytest.raises(QuerySyntaxError) as raised:
        inspect_query(query, settings_with())
    assert (raised.value.line, raised.value.column) == (line, column)


def test_an_undeclared_prefix_is_placed() -> None:
    with pytest.raises(QuerySyntaxError, match="ex: is not declared") as raised:
        inspect_query("SELECT * WHERE {\n  ?s ex:p ?o }", settings_with())
    assert (raised.value.line, raised.value.column) == (2, 6)


def test_every_named_query_passes_the_guard() -> None:
    for path in sorted((Path(__file__).parent.parent / "queries").glob("*.rq")):
        assert isinstance(
            inspect_query(path.read_text(encoding="utf-8"), settings_with()), QueryForm
        )


# -- worker processes: time and memory -----------------------------------------------------


@pytest.fixture(scope="module")
def data_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_nquads(tmp_path_factory.mktemp("build"))


@pytest.fixture(scope="module", params=["oxigraph", "memory"])
def service(request: pytest.FixtureRequest, data_file: Path) -> Iterator[QueryService]:
    settings = settings_with(
        store=request.param, query_timeout=2, query_memory_mb=128, query_workers=2
    )
    opened = open_file_service(settings, data_file)
    try:
        assert opened.count() == QUADS  # the workers are up
        yield opened
    finally:
        opened.close()


def explosive_queries(backend: str) -> list[str]:
    product = " . ".join(f"?s{i} ?p{i} ?o{i}" for i in range(9))
    paths = " . ".join(f"?a{i} (<x:p>|!<x:p>)* ?b{i}" for i in range(7))
    queries = [
        f"SELECT (COUNT(*) AS ?n) WHERE {{ {product} }}",  # a cartesian product of the graph
        f"SELECT (COUNT(*) AS ?n) WHERE {{ {paths} }}",  # unbounded property paths
    ]
    if backend == "memory":  # Python's regex backtracks for ever, holding the GIL
        queries.append(
            'SELECT * WHERE { BIND(CONCAT("' + "a" * 32 + '", "!") AS ?x) '
            'FILTER(REGEX(?x, "^(a+)+$")) }'
        )
    return queries


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.serial
def test_time_limit_kills_the_query_and_others_are_answered(service: QueryService) -> None:
    for query in explosive_queries(service.backend):
        before = set(service.worker_pids())
        outcome: dict[str, Any] = {}

        def explode(query: str = query, outcome: dict[str, Any] = outcome) -> None:
            started = time.monotonic()
            try:
                service.run(QueryRequest(query, QueryForm.SELECT), json_format())
            except QueryTimeout as exc:
                outcome["error"] = exc
            outcome["seconds"] = time.monotonic() - started

        thread = threading.Thread(target=explode)
        thread.start()
        time.sleep(0.2)
        latencies = []
        while thread.is_alive():
            started = time.monotonic()
            assert b"true" in ask(service)
            latencies.append(time.monotonic() - started)
        thread.join()
        seen = f"{query[:60]}…: {outcome}, latencies {latencies}"
        assert isinstance(outcome.get("error"), QueryTimeout), seen
        assert 2.0 <= outcome["seconds"] < 4.0, seen
        assert len(latencies) >= 5, seen
        assert max(latencies) < 1.0, seen  # the other worker kept answering
        killed = before - set(service.worker_pids())
        assert len(killed) == 1, (before, service.worker_pids())  # the worker was replaced ...
        assert not any(alive(pid) for pid in killed)  # ... and is gone: its CPU is free


def test_memory_limit_stops_a_doubling_string(service: QueryService) -> None:
    doublings = " ".join(f"BIND(CONCAT(?s{i}, ?s{i}) AS ?s{i + 1})" for i in range(30))
    query = f'SELECT (STRLEN(?s30) AS ?n) WHERE {{ BIND("{"x" * 64}" AS ?s0) {doublings} }}'
    with pytest.raises(QueryOutOfMemory, match="more than 128 MB") as raised:
        service.run(QueryRequest(query, QueryForm.SELECT), json_format())
    assert raised.value.status == 503  # stopped by the memory limit (not the clock)
    assert b"true" in ask(service)  # and the service goes on


def test_rejected_queries_never_reach_a_worker(service: QueryService) -> None:
    before = service.worker_pids()
    for query in [*NESTED.values(), *LONG.values()]:
        with pytest.raises(QueryRejected):
            service.run(QueryRequest(query, QueryForm.SELECT), json_format())
    assert service.worker_pids() == before
    assert b"true" in ask(service)


def test_many_threads_share_the_workers(service: QueryService) -> None:
    """The service is thread-safe: one query per worker, the others wait their turn."""
    query = QueryRequest(
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", QueryForm.SELECT
    )
    answers: list[bytes] = []

    def ask_five() -> None:
        answers.extend(service.run(query, json_format()).body for _ in range(5))

    threads = [threading.Thread(target=ask_five) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(answers) == 40
    assert all(f'"{QUADS}"'.encode() in answer for answer in answers)


def test_the_service_says_when_its_workers_are_ready(data_file: Path) -> None:
    service = open_file_service(settings_with(store="memory", query_workers=2), data_file)
    try:
        assert service.worker_pids() == []
        assert service.wait_ready(30)
        assert len(service.worker_pids()) == 2
    finally:
        service.close()
    with pytest.raises(StoreUnavailable, match="closed"):
        ask(service)


def test_a_query_longer_than_the_request_limit_is_too_large() -> None:
    with pytest.raises(PayloadTooLarge) as raised:
        inspect_query("SELECT * {}" + " " * 100, settings_with(max_request_bytes=100))
    assert raised.value.status == 413


def test_callers_wait_for_a_free_worker(data_file: Path) -> None:
    settings = settings_with(query_timeout=2, query_workers=1)
    service = open_file_service(settings, data_file)
    try:
        assert b"true" in ask(service)
        product = " . ".join(f"?s{i} ?p{i} ?o{i}" for i in range(9))
        explosive = QueryRequest(f"SELECT (COUNT(*) AS ?n) {{ {product} }}", QueryForm.SELECT)
        stopped: list[QueryTimeout] = []

        def explode() -> None:
            try:
                service.run(explosive, json_format())
            except QueryTimeout as exc:
                stopped.append(exc)

        thread = threading.Thread(target=explode)
        thread.start()
        time.sleep(0.2)
        assert b"true" in ask(service)  # waited for the replaced worker, then answered
        thread.join()
        assert len(stopped) == 1
    finally:
        service.close()


def test_workers_outlive_the_thread_that_started_them(data_file: Path) -> None:
    """A threaded server starts the workers in a request's thread, which then ends."""
    service = open_file_service(settings_with(query_workers=1), data_file)
    try:
        thread = threading.Thread(target=ask, args=(service,))
        thread.start()
        thread.join()
        started = service.worker_pids()
        time.sleep(0.5)
        assert b"true" in ask(service)
        assert service.worker_pids() == started
        assert all(alive(pid) for pid in started)
    finally:
        service.close()


def test_workers_start_in_the_process_that_uses_them(data_file: Path) -> None:
    """As under ``gunicorn --preload``: the service is opened, then the process forks."""
    service = open_file_service(settings_with(query_workers=1), data_file)
    try:
        assert service.worker_pids() == []  # nothing started before the fork
        child = os.fork()
        if child == 0:  # pragma: no cover - runs in the forked child
            code = 0 if b"true" in ask(service) and len(service.worker_pids()) == 1 else 1
            service.close()
            os._exit(code)
        _, status = os.waitpid(child, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        assert b"true" in ask(service)  # the parent starts its own
    finally:
        service.close()


# -- nothing leaves the process ------------------------------------------------------------


EMBEDDED: dict[str, Callable[[bool], Store]] = {
    "oxigraph": lambda federation: OxigraphStore(allow_federation=federation),
    "memory": lambda federation: MemoryStore(allow_federation=federation),
}


@pytest.mark.parametrize("make", EMBEDDED.values(), ids=EMBEDDED.keys())
def test_service_reaches_nothing_from_the_store(
    make: Callable[[bool], Store], listener: Listener
) -> None:
    query = f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"
    with pytest.raises(QueryRejected):
        make(False).query(QueryRequest(query, QueryForm.SELECT), json_format())
    time.sleep(0.3)
    assert listener.connections == 0


def test_the_listener_does_see_an_engine_that_federates(listener: Listener) -> None:
    """The control: with federation on, pyoxigraph does connect to the listener."""
    store = OxigraphStore(allow_federation=True)
    query = f"SELECT * WHERE {{ SERVICE SILENT <{listener.url}> {{ ?s ?p ?o }} }}"
    store.query(QueryRequest(query, QueryForm.SELECT), json_format())
    deadline = time.monotonic() + 5
    while listener.connections == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert listener.connections >= 1


SANDBOXED_ENGINES = """
import sys, rdflib, pyoxigraph
from partnergraph.limits.sandbox import deny_network
assert deny_network()
query = "SELECT * WHERE { SERVICE <%s> { ?s ?p ?o } }"
for engine in (lambda: list(pyoxigraph.Store().query(query)),
               lambda: list(rdflib.Dataset().query(query))):
    try:
        engine()
    except OSError as error:  # pyoxigraph: PermissionError; rdflib: URLError
        print(type(error).__name__)
    else:
        sys.exit("an engine reached the network")
"""


def test_workers_sandbox_stops_both_raw_engines(listener: Listener) -> None:
    """Even an engine given SERVICE with no check at all cannot connect in a worker."""
    ran = subprocess.run(
        [sys.executable, "-c", SANDBOXED_ENGINES % listener.url],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.split() == ["PermissionError", "URLError"]
    time.sleep(0.3)
    assert listener.connections == 0


@pytest.mark.parametrize("make", EMBEDDED.values(), ids=EMBEDDED.keys())
def test_from_reads_no_file_and_no_url(
    make: Callable[[bool], Store], listener: Listener, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.ttl"
    secret.write_text('<http://x/a> <http://x/b> "secret" .\n', encoding="utf-8")
    store = make(False)
    for source in (secret.as_uri(), listener.url):
        for clause in ("FROM", "FROM NAMED"):
            everything = "{ ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } }"
            query = f"SELECT * {clause} <{source}> WHERE {{ {everything} }}"
            result = store.query(QueryRequest(query, QueryForm.SELECT), json_format())
            assert result.rows == 0
            assert b"secret" not in result.body
    time.sleep(0.3)
    assert listener.connections == 0


def test_rdflib_alone_would_read_the_file(tmp_path: Path) -> None:
    """The control: what the memory store prevents."""
    secret = tmp_path / "secret.ttl"
    secret.write_text('<http://x/a> <http://x/b> "secret" .\n', encoding="utf-8")
    query = f"SELECT ?o FROM <{secret.as_uri()}> WHERE {{ ?s ?p ?o }}"
    with warnings.catch_warnings():  # rdflib's own deprecations inside its engine
        warnings.simplefilter("ignore", DeprecationWarning)
        rows = list(rdflib.Dataset().query(query))
    assert [str(row[0]) for row in rows] == ["secret"]


# -- issue 10, points 11 and 12: values and lists too large ---------------------------------


def doubling(steps: int) -> str:
    """The query of issue 10, point 11: "0123456789" doubled ``steps`` times."""
    binds = " ".join(f"BIND(CONCAT(?s{i}, ?s{i}) AS ?s{i + 1})" for i in range(steps))
    return f'SELECT (STRLEN(?s{steps}) AS ?n) WHERE {{ BIND("0123456789" AS ?s0) {binds} }}'


def concatenation(copies: int) -> str:
    """The cheapest way to build a big value: one CONCAT of ``copies`` of a 1.25 MiB string."""
    binds = " ".join(f"BIND(CONCAT(?s{i}, ?s{i}) AS ?s{i + 1})" for i in range(17))
    parts = ", ".join(["?s17"] * copies)
    return (
        f'SELECT (STRLEN(?big) AS ?n) WHERE {{ BIND("0123456789" AS ?s0) {binds} '
        f"BIND(CONCAT({parts}) AS ?big) }}"
    )


@pytest.mark.parametrize("backend", ["oxigraph", "memory"])
def test_issue10_point11_a_query_building_a_100_mb_value_is_stopped_by_default(
    data_file: Path, backend: str
) -> None:
    settings = settings_with(store=backend, query_workers=1)
    assert settings.query_memory_mb == 192
    service = open_file_service(settings, data_file)
    try:
        for query in (doubling(24), doubling(23), concatenation(77)):  # 168, 84 and 101 MB
            with pytest.raises(QueryOutOfMemory) as raised:
                service.run(QueryRequest(query, QueryForm.SELECT), json_format())
            assert raised.value.status == 503
            assert "more than 192 MB of memory (the limit query_memory_mb" in str(raised.value)
        small = service.run(QueryRequest(doubling(20), QueryForm.SELECT), json_format())
        assert b'"10485760"' in small.body  # a 10 MB value is fine
        assert b"true" in ask(service)  # and the service goes on
    finally:
        service.close()


def in_list(terms: int) -> str:
    values = ", ".join(str(i) for i in range(terms))
    return f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o FILTER(?o IN ({values})) }}"


def test_issue10_point12_a_long_in_list_is_refused_naming_the_limit_and_values() -> None:
    settings = settings_with()
    assert settings.max_list_terms == 200
    assert inspect_query(in_list(200), settings) is QueryForm.SELECT
    iris = ", ".join(f"<x:{i}>" for i in range(999))
    strings = ", ".join(['"a"'] * 201)
    for query in (
        in_list(201),
        in_list(110_000),  # the issue's query: just under the request limit
        f"SELECT * WHERE {{ ?s ?p ?o FILTER(?o IN (1, 2) && ?s NOT IN ({iris})) }}",  # together
        f"SELECT (CONCAT({strings}) AS ?x) WHERE {{}}",  # a function's arguments too
    ):
        assert len(query) < settings.max_request_bytes
        with pytest.raises(QueryRejected) as raised:
            inspect_query(query, settings)
        assert raised.value.status == 400
        message = str(raised.value)
        assert "more than 200 terms, the limit max_list_terms" in message
        assert "use VALUES" in message
        assert "line 1, column" in message
    values = " ".join(str(i) for i in range(110_000))  # what the message suggests passes
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o VALUES ?o {{ {values} }} }}"
    assert inspect_query(query, settings) is QueryForm.SELECT
    assert inspect_query(in_list(201), settings_with(max_list_terms=2000)) is QueryForm.SELECT


@pytest.mark.serial
def test_issue10_point12_the_longest_list_allowed_costs_under_a_second(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """On the real graph (2 763 quads), served from its snapshot on disk: the cost is
    terms x solutions; 200 terms, 0.65 s."""
    root = Path(__file__).parent.parent
    settings = settings_with(
        graph_dir=root / "graph",
        shapes_dir=root / "shapes",
        output_dir=tmp_path_factory.mktemp("real"),
        dumps=False,
        query_workers=1,
    )
    built = build(settings)
    assert built.output is not None
    service = open_file_service(settings, built.output)
    try:
        assert service.count() > 2500
        seconds = []
        for _ in range(3):  # the best of three: the machine may be busy
            started = time.monotonic()
            service.run(QueryRequest(in_list(200), QueryForm.SELECT), json_format())
            seconds.append(time.monotonic() - started)
        assert min(seconds) < 1.0, seconds
    finally:
        service.close()
