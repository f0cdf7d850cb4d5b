"""Where partnergraph's time goes: the query mix through each layer, in-process."""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import pyoxigraph as ox

from .common import ROOT
from .engines import Setup
from .measure import rotate
from .queries import Query


def breakdown(setup: Setup, queries: list[Query], rounds: int) -> dict[str, dict[str, float]]:
    """Median seconds per query through each layer of partnergraph, in this process.

    * ``engine-union``: pyoxigraph on the N-Quads with the union default graph mode,
      serialised natively: what Oxigraph server does, without HTTP;
    * ``engine-pg``: pyoxigraph on the store as partnergraph lays it out (whatever
      ``OxigraphStore.load`` makes of the file), serialised natively;
    * ``store``: partnergraph's ``OxigraphStore.query`` (the row cap through TSV);
    * ``service``: ``QueryService.run``: the guard, the hop to a query worker
      process and back;
    * ``flask``: the Flask test client (the protocol, negotiation, the response),
      no HTTP and no gunicorn.
    """
    from partnergraph import formats
    from partnergraph.limits.guard import inspect_query
    from partnergraph.service import open_query_service
    from partnergraph.settings import load
    from partnergraph.store.base import QueryRequest
    from partnergraph.store.oxigraph import OxigraphStore

    sys.path.insert(0, str(ROOT))
    from server import create_app

    config: dict[str, Any] = {
        "graph_dir": setup.graph_dir,
        "output_dir": setup.work / "breakdown" / "out",
        "store": "oxigraph",
        "store_dir": "",
        "query_timeout": setup.args.request_timeout,
        "query_workers": setup.args.query_workers,
    }
    if setup.args.row_cap:
        config["row_cap"] = setup.args.row_cap
    settings = load(config)
    union = ox.Store()
    union.bulk_load(path=str(setup.data_file), format=ox.RdfFormat.N_QUADS)
    store = OxigraphStore()
    store.load(setup.data_file)
    own_default = any(
        True for _ in store.store.quads_for_pattern(None, None, None, ox.DefaultGraph())
    )
    service = open_query_service(settings, setup.data_file)
    service.wait_ready(setup.args.startup_timeout)
    # The app builds and validates the graph again: only at sizes where that is quick.
    app = create_app(config) if setup.size <= setup.args.flask_breakdown_max else None
    web = app.test_client() if app is not None else None
    if app is not None:
        app.extensions["partnergraph"].service.wait_ready(setup.args.startup_timeout)
    fmt_of = {"select": "json", "ask": "json", "construct": "nt", "describe": "nt"}

    def native(target: ox.Store, text: str, as_union: bool) -> None:
        result = target.query(text, use_default_graph_as_union=as_union)
        if isinstance(result, ox.QueryTriples):
            result.serialize(format=ox.RdfFormat.N_TRIPLES)
        else:
            result.serialize(format=ox.QueryResultsFormat.JSON)

    def layered(query: Query) -> dict[str, Callable[[], Any]]:
        fmt = formats.by_key(fmt_of[query.form])
        request = QueryRequest(
            query.text, inspect_query(query.text, settings), row_cap=settings.row_cap
        )
        headers = {"Content-Type": "application/sparql-query", "Accept": query.accept}
        steps: dict[str, Callable[[], Any]] = {
            "engine-union": lambda: native(union, query.text, True),
            "engine-pg": lambda: native(store.store, query.text, not own_default),
            "store": lambda: store.query(request, fmt),
            "service": lambda: service.run(request, fmt),
        }
        if web is not None:
            steps["flask"] = lambda: web.post(
                "/sparql", data=query.body, headers=headers
            ).get_data()
        return steps

    out: dict[str, dict[str, float]] = {}
    try:
        for query in queries:
            steps = layered(query)
            times: dict[str, list[float]] = {k: [] for k in steps}
            for step in steps.values():
                step()  # once untimed: caches, page cache, a worker's first query
            for r in range(rounds):
                for name, step in rotate(list(steps.items()), r):
                    if len(times[name]) >= 3 and sum(times[name]) > 10:
                        continue  # a slow step: enough samples
                    started = time.perf_counter()
                    step()
                    times[name].append(time.perf_counter() - started)
            out[query.name] = {k: statistics.median(v) for k, v in times.items()}
    finally:
        service.close()
        if app is not None:
            app.extensions["partnergraph"].service.close()
    return out
