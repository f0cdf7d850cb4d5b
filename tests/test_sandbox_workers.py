"""The network sandbox where it acts: in the query processes the query service starts.

Issue 10, point 14: the sandbox (:func:`partnergraph.limits.sandbox.deny_network`)
was tested as a function in a process of the test's own, so removing its call
from the worker's start-up left every test green. Here the query service is
opened as the endpoint opens it (:func:`~partnergraph.service.open_query_service`
on a built N-Quads file), its real worker processes answer, and each test
watches a TCP listener on a loopback port.

With ``allow_federation`` off no user query reaches a worker's network: the
guard refuses ``SERVICE``, each store refuses it again (Oxigraph by the lexer,
rdflib from its algebra), and the memory store never lets rdflib load a
``FROM`` graph (:func:`test_issue10_point14_user_queries_reach_nothing_through_the_service`).
So the sandbox, the last layer, cannot be seen through a query's text alone: a
:class:`~tests.worker_probe.Probe` in a query's bindings makes the worker try
the network itself, on the thread that runs its queries, as a raw socket or as
its engine evaluating ``SERVICE`` or a ``FROM`` URL with no check before it,
and the query returns what happened. The control runs the same probes in the
workers of a service with federation allowed (whose workers keep their network):
every probe does reach the listener there.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from partnergraph import formats
from partnergraph.errors import BadRequest, QueryRejected
from partnergraph.formats import Format
from partnergraph.service import QueryService
from partnergraph.settings import load
from partnergraph.store.base import QueryForm, QueryRequest, QuerySyntaxError

from .listener import Listener
from .snapshot_files import open_file_service
from .store_data import QUADS, write_nquads
from .worker_probe import Probe

#: The ways to the network a probe tries in a worker of each backend: a raw socket,
#: and the worker's own engine given SERVICE or a FROM URL with no check at all.
PROBES = [
    ("oxigraph", "socket"),
    ("oxigraph", "oxigraph SERVICE"),
    ("memory", "socket"),
    ("memory", "rdflib SERVICE"),
    ("memory", "rdflib FROM"),
]
PROBE_IDS = [f"{backend}-{how}" for backend, how in PROBES]

#: What a socket() denied by the sandbox's seccomp filter fails with (EACCES).
DENIED = "Permission denied"


@pytest.fixture(scope="module")
def services(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Callable[[str, bool], QueryService]]:
    """Query services as the endpoint opens them, by backend and federation, kept per module."""
    data_file = write_nquads(tmp_path_factory.mktemp("sandbox"))
    opened: dict[tuple[str, bool], QueryService] = {}

    def service(backend: str, federation: bool) -> QueryService:
        key = (backend, federation)
        if key not in opened:
            settings = load(
                {"store": backend, "allow_federation": federation, "query_workers": 1},
                environ={},
            )
            opened[key] = open_file_service(settings, data_file)
            assert opened[key].count() == QUADS  # the worker is up and answers
        return opened[key]

    yield service
    for each in opened.values():
        each.close()


def json_format() -> Format:
    fmt = formats.by_key("json")
    assert fmt is not None
    return fmt


def probe(service: QueryService, how: str, port: int) -> str:
    """Run a query whose bound value a worker computes by trying the network; that value."""
    request = QueryRequest(
        "SELECT ?outcome WHERE {}",
        QueryForm.SELECT,
        bindings=(("outcome", Probe(how, port)),),  # type: ignore[arg-type]
    )
    body: dict[str, Any] = json.loads(service.run(request, json_format()).body)
    outcome: str = body["results"]["bindings"][0]["outcome"]["value"]
    return outcome


def answers(service: QueryService) -> bool:
    request = QueryRequest("ASK { ?s ?p ?o }", QueryForm.ASK)
    return b"true" in service.run(request, json_format()).body


@pytest.mark.parametrize(("backend", "how"), PROBES, ids=PROBE_IDS)
def test_issue10_point14_a_query_worker_cannot_open_a_socket(
    services: Callable[[str, bool], QueryService], listener: Listener, backend: str, how: str
) -> None:
    service = services(backend, False)
    workers = service.worker_pids()

    outcome = probe(service, how, listener.port)

    assert DENIED in outcome, outcome  # socket() itself was refused, by the sandbox
    assert listener.settled() == 0
    assert service.worker_pids() == workers  # the worker lives on ...
    assert answers(service)  # ... and answers


@pytest.mark.parametrize(("backend", "how"), PROBES, ids=PROBE_IDS)
def test_issue10_point14_the_control_a_federating_worker_does_connect(
    services: Callable[[str, bool], QueryService], listener: Listener, backend: str, how: str
) -> None:
    """The same probe in a worker that keeps its network (federation on) reaches the listener."""
    outcome = probe(services(backend, True), how, listener.port)

    assert DENIED not in outcome, outcome
    assert listener.settled() >= 1, outcome


def user_queries(url: str) -> dict[str, str]:
    """Queries that would reach ``url`` if nothing stopped them before an engine ran."""
    return {
        "SERVICE": f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        # Past the guard's lexer (the keyword is escaped); rdflib reads it as SERVICE.
        "escaped SERVICE": f"SELECT * WHERE {{ \\u0053ERVICE <{url}> {{ ?s ?p ?o }} }}",
        "FROM": f"SELECT * FROM <{url}> WHERE {{ ?s ?p ?o }}",
        "FROM NAMED": f"SELECT * FROM NAMED <{url}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    }


@pytest.mark.parametrize("backend", ["oxigraph", "memory"])
def test_issue10_point14_user_queries_reach_nothing_through_the_service(
    services: Callable[[str, bool], QueryService], listener: Listener, backend: str
) -> None:
    """Why the sandbox needs a probe: with federation off, every query is stopped before.

    ``SERVICE`` is refused (a 400), an escaped ``SERVICE`` too (by the memory
    store, which reads rdflib's algebra, or as a syntax error by Oxigraph), and
    ``FROM`` only selects graphs the store holds: none of them opens a
    connection. (These hold with the sandbox removed too; the probes above do not.)
    """
    service = services(backend, False)
    queries = user_queries(f"http://127.0.0.1:{listener.port}/graph.ttl")
    for name, query in queries.items():
        request = QueryRequest(query, QueryForm.SELECT)
        if name.startswith("FROM"):
            assert service.run(request, json_format()).rows == 0, name
            continue
        with pytest.raises(BadRequest) as refused:
            service.run(request, json_format())
        assert isinstance(refused.value, QueryRejected | QuerySyntaxError), name
    assert listener.settled() == 0
    assert answers(service)
