"""The query workers' two lanes: small queries stay fast while long ones run (issue 10, point 10).

Before, two concurrent expensive queries held both query processes for the whole
time limit and an ``ASK {}`` sent meanwhile waited for it. Here real query
services (real worker processes, the fixture store) and a real app run eight
queries that never end within the limit (a nine-way cartesian product), from
one client and from eight, and small queries sent meanwhile are each answered
in under a second (they take milliseconds; the bound leaves room for a busy
machine). Past the caps on long queries the client gets a 429 or a 503 with
``Retry-After``, in the one error shape.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from partnergraph import formats
from partnergraph.errors import EndpointBusy, TooManyQueries
from partnergraph.formats import Format
from partnergraph.limits import priority
from partnergraph.limits.admission import History, LongQueries
from partnergraph.service import QueryService
from partnergraph.settings import load
from partnergraph.store.base import QueryForm, QueryRequest

from .paths import ROOT
from .snapshot_files import open_file_service
from .store_data import write_nquads
from .webapp import web_app

#: A query that never ends within the limit: a nine-way cartesian product of the graph.
ENDLESS = (
    "SELECT (COUNT(*) AS ?n) WHERE { " + " . ".join(f"?s{i} ?p{i} ?o{i}" for i in range(9)) + " }"
)
#: A query that runs long and ends: a five-way product of the 22 fixture quads (about 1 s).
FINITE = (
    "SELECT (COUNT(*) AS ?n) WHERE { " + " . ".join(f"?s{i} ?p{i} ?o{i}" for i in range(5)) + " }"
)
SMALL = QueryRequest("ASK {}", QueryForm.ASK)


def json_format() -> Format:
    fmt = formats.by_key("json")
    assert fmt is not None
    return fmt


@pytest.fixture(scope="module")
def data_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_nquads(tmp_path_factory.mktemp("pool"))


@contextmanager
def opened(data_file: Path, **overrides: Any) -> Iterator[QueryService]:
    service = open_file_service(load(overrides, environ={}), data_file)
    try:
        assert service.wait_ready(60)
        yield service
    finally:
        service.close()


class Load:
    """Queries run from threads, each outcome kept (the error, or ``ok``)."""

    def __init__(self, service: QueryService) -> None:
        self.service = service
        self.outcomes: list[str | Exception] = []
        self.threads: list[threading.Thread] = []

    def start(self, query: str, client: str) -> None:
        def run() -> None:
            try:
                self.service.run(QueryRequest(query, QueryForm.SELECT), json_format(), client)
                self.outcomes.append("ok")
            except Exception as exc:
                self.outcomes.append(exc)

        thread = threading.Thread(target=run)
        thread.start()
        self.threads.append(thread)

    def join(self) -> None:
        for thread in self.threads:
            thread.join(60)


def wait_for(condition: Any, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def low_workers(service: QueryService) -> list[int]:
    """The worker processes whose every thread runs at the lowest priority."""
    return [
        pid
        for pid in service.worker_pids()
        if (values := priority.niceness(pid)) and all(v == priority.LOW for v in values)
    ]


@pytest.mark.serial
@pytest.mark.parametrize("clients", [1, 8], ids=["from one client", "from eight clients"])
def test_issue10_point10_small_queries_stay_fast_while_eight_long_ones_run(
    data_file: Path, clients: int
) -> None:
    # starting eight worker processes takes seconds on a loaded 2-core machine (CI once
    # had seven after 20 s); the start is not what is measured, so it may take a minute
    with opened(
        data_file, query_timeout=120, max_long_queries=8, max_long_queries_per_client=8
    ) as service:
        load = Load(service)
        for i in range(8):
            load.start(ENDLESS, f"10.0.0.{i % clients + 1}")
        running = wait_for(lambda: service.health().workers["long"] == 8, 60)
        assert running, service.health()
        assert len(low_workers(service)) == 8  # every thread of each at nice 19
        latencies = []
        for _ in range(20):
            started = time.monotonic()
            answer = service.run(SMALL, json_format(), client="10.0.1.1")
            latencies.append(time.monotonic() - started)
            assert b"true" in answer.body
        assert service.health().workers["long"] == 8  # they ran all along
        assert max(latencies) < 1.0, latencies
        health = service.health()
        assert health.status == "ok", health  # the normal lane is whole
    load.join()
    assert len(load.outcomes) == 8  # ended by close(), not by a result


def test_issue10_point10_a_clients_queries_past_its_cap_are_429_at_once(data_file: Path) -> None:
    with opened(
        data_file, query_timeout=30, max_long_queries=8, max_long_queries_per_client=2
    ) as service:
        load = Load(service)
        for _ in range(4):
            load.start(ENDLESS, "10.0.0.1")
        assert wait_for(lambda: len(load.outcomes) == 2, 10), load.outcomes
        refused = [o for o in load.outcomes if isinstance(o, TooManyQueries)]
        assert len(refused) == 2, load.outcomes
        assert all(1 <= (o.retry_after or 0) <= 30 for o in refused)
        assert service.health().workers["long"] == 2
        started = time.monotonic()
        with pytest.raises(TooManyQueries, match="max_long_queries_per_client") as raised:
            service.run(SMALL, json_format(), client="10.0.0.1")  # at its cap: even an ASK
        assert time.monotonic() - started < 0.5  # refused before any worker
        assert raised.value.status == 429
        assert b"true" in service.run(SMALL, json_format(), client="10.0.0.2").body
    load.join()


def test_issue10_point10_past_the_caps_over_http_429_and_503_with_retry_after(
    tmp_path: Path,
) -> None:
    limits = {"query_timeout": 30, "max_long_queries": 3, "max_long_queries_per_client": 2}
    with web_app("oxigraph", tmp_path, **limits) as app:
        answers: list[tuple[str, Any]] = []

        def ask(address: str, query: str) -> None:
            client = app.test_client()
            response = client.post(
                "/sparql",
                data=query,
                content_type="application/sparql-query",
                headers={"Accept": "application/sparql-results+json"},
                environ_base={"REMOTE_ADDR": address},
            )
            answers.append((address, response))

        def start(address: str) -> threading.Thread:
            thread = threading.Thread(target=ask, args=(address, ENDLESS))
            thread.start()
            time.sleep(0.2)
            return thread

        service = app.extensions["partnergraph"].service
        threads = [start("10.0.0.1") for _ in range(3)]  # one more than a client may run
        assert wait_for(lambda: len(answers) == 1, 15), answers
        assert wait_for(lambda: service.health().workers["long"] == 2, 15)
        threads += [start("10.0.0.2") for _ in range(2)]  # one more than the endpoint runs
        assert wait_for(lambda: len(answers) == 2, 15), answers
        assert [(who, r.status_code) for who, r in answers] == [
            ("10.0.0.1", 429),
            ("10.0.0.2", 503),
        ]
        for who, response in answers:
            assert response.headers["Retry-After"].isdigit()
            assert 1 <= int(response.headers["Retry-After"]) <= 30
            error = response.get_json()["error"]
            assert error["status"] == response.status_code
            assert error["title"] == "Too many long queries"
            assert "max_long_queries_per_client" in error["detail"] or who == "10.0.0.2"
        small = app.test_client()
        started = time.monotonic()
        response = small.get("/sparql", query_string={"query": "ASK {}"})
        assert response.status_code == 200
        assert time.monotonic() - started < 1.0
        service.close()  # ends the three long ones
        for thread in threads:
            thread.join(60)


def test_issue10_point10_a_query_that_ran_long_goes_to_the_low_lane_next_time(
    data_file: Path,
) -> None:
    with opened(data_file, query_timeout=30) as service:
        request = QueryRequest(FINITE, QueryForm.SELECT)
        seen: list[int] = []

        def watch() -> None:
            wait_for(lambda: bool(low_workers(service)), 10)
            seen.extend(low_workers(service))

        watcher = threading.Thread(target=watch)
        watcher.start()
        first = service.run(request, json_format(), client="10.0.0.1")
        watcher.join()
        assert len(seen) == 1  # its worker dropped to nice 19 while it ran
        again = service.run(request, json_format(), client="10.0.0.9")  # the query is known
        assert again.body == first.body
        assert low_workers(service) == seen  # the same low worker ran it, at nice 19
        health = service.health()
        assert health.workers["ready"] >= 2
        assert health.status == "ok"


def test_long_queries_are_counted_in_all_and_per_client() -> None:
    now = [100.0]
    caps = LongQueries(limit=3, per_client=2, clock=lambda: now[0])
    first = caps.enter("a", deadline=130.0)
    caps.enter("a", deadline=110.5)
    with pytest.raises(TooManyQueries) as raised:
        caps.enter("a", deadline=140.0)
    assert raised.value.retry_after == 11  # the first of a's to reach its limit
    with pytest.raises(TooManyQueries):
        caps.check("a")
    caps.check("b")
    caps.enter(None, deadline=125.0)  # no client: only the endpoint's cap
    with pytest.raises(EndpointBusy) as busy:
        caps.enter("b", deadline=140.0)
    assert busy.value.retry_after == 11
    assert busy.value.status == 503
    caps.leave(first)
    assert len(caps) == 2
    caps.enter("b", deadline=140.0, reserve=0)
    with pytest.raises(TooManyQueries):
        caps.enter("b", deadline=140.0, reserve=1)  # its running query keeps its place


def test_the_history_forgets_after_its_time() -> None:
    now = [0.0]
    history = History(seconds=60, size=3, clock=lambda: now[0])
    history.mark("10.0.0.1", "q1")
    assert history.suspect("10.0.0.1", None)
    assert history.suspect(None, "q1")
    assert not history.suspect("10.0.0.2", "q2")
    now[0] = 61.0
    assert not history.suspect("10.0.0.1", "q1")
    for i in range(4):
        history.mark(None, f"q{i}")
    assert not history.suspect(None, "q0")  # the oldest went first
    assert history.suspect(None, "q3")


UNPRIVILEGED = """
import os, subprocess, sys
from partnergraph.limits import priority
child = subprocess.Popen(["sleep", "30"])
try:
    priority.lower(child.pid)
    print(priority.restore(child.pid), priority.niceness(child.pid))
finally:
    child.kill()
"""

DROP_CAP_SYS_NICE = """
import ctypes, os, sys
PR_CAPBSET_DROP, CAP_SYS_NICE = 24, 23
if ctypes.CDLL(None, use_errno=True).prctl(PR_CAPBSET_DROP, CAP_SYS_NICE, 0, 0, 0) != 0:
    sys.exit("cannot drop CAP_SYS_NICE")
os.execv(sys.executable, [sys.executable, "-c", sys.argv[1]])
"""


def test_a_priority_cannot_be_raised_again_without_privilege() -> None:
    """Why a low worker stays in the low lane: an unprivileged process cannot restore it."""
    if sys.platform != "linux":
        pytest.skip("Linux nice values per thread")
    root = os.geteuid() == 0
    code = ["-c", DROP_CAP_SYS_NICE, UNPRIVILEGED] if root else ["-c", UNPRIVILEGED]
    ran = subprocess.run(
        [sys.executable, *code], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.split() == ["False", "[19]"]
