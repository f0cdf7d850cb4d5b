"""Small queries stay fast while expensive ones run: the served product, end to end.

``partnergraph serve`` in a copy of the project, with its default threads; eight
clients (eight loopback source addresses) each send a query that would run past the
time limit (a four-way cartesian COUNT, the issue's own), and meanwhile a ninth asks
``ASK {}`` twenty times. Before the fix the two query processes were held for the
whole time limit and the ``ASK`` waited for it; the in-process test of the pool
(tests/test_pool.py) missed that the server's request threads could run out too.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx
import pytest

from .served import Served, serve_copy

EXPENSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
SMALL = "ASK {}"
TIMEOUT = 6
JSON = {"Accept": "application/sparql-results+json"}

pytestmark = pytest.mark.serial  # it times what the server does under its own load


def expensive(served: Served, source: str, statuses: list[int]) -> None:
    transport = httpx.HTTPTransport(local_address=source)
    with httpx.Client(base_url=served.base, transport=transport, timeout=60) as client:
        response = client.post("/sparql", data={"query": EXPENSIVE}, headers=JSON)
        statuses.append(response.status_code)


def test_issue10_point10_small_queries_stay_fast_while_eight_clients_run_expensive_ones(
    tmp_path: Path,
) -> None:
    with serve_copy(tmp_path, settings={"PARTNERGRAPH_QUERY_TIMEOUT": str(TIMEOUT)}) as served:
        statuses: list[int] = []
        clients = [
            threading.Thread(target=expensive, args=(served, f"127.0.0.{n}", statuses))
            for n in range(2, 10)
        ]
        for thread in clients:
            thread.start()
        time.sleep(1.5)  # every expensive query is running, long past slow_query_seconds
        waits = []
        with httpx.Client(base_url=served.base, timeout=30) as client:
            for _ in range(20):
                started = time.monotonic()
                response = client.get("/sparql", params={"query": SMALL}, headers=JSON)
                waits.append(time.monotonic() - started)
                assert response.status_code == 200, response.text
                assert response.json()["boolean"] is True
        running = sum(thread.is_alive() for thread in clients)
        for thread in clients:
            thread.join()
    assert running == len(clients), "the expensive queries ended before the small ones ran"
    assert max(waits) < 1.0, [round(w, 3) for w in waits]
    assert sorted(set(statuses)) == [503], statuses  # each stopped at the time limit
