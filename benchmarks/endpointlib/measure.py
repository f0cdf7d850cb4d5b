"""The measured phases of one client: sanity, warm-up, latency and hot bursts.

Sanity sends each query as written; every later request is a fresh variant
(:mod:`.variants`), so that no answer can come from a result cache.
"""

from __future__ import annotations

import http.client
import math
import sys
from collections.abc import Sequence
from typing import Any

from .client import count_results
from .engines import Engine
from .queries import Query
from .variants import Numbering, variant


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q`` quantile (0..1) by linear interpolation between closest ranks."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    position = (len(ordered) - 1) * q
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def rotate(items: Sequence[Any], by: int) -> list[Any]:
    by %= max(1, len(items))
    return [*items[by:], *items[:by]]


def sanity(
    engines: list[Engine], queries: list[Query], timeout: float
) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, float]]]:
    """Every query once on every engine: the result counts, and the seconds it took."""
    counts: dict[str, dict[str, Any]] = {q.name: {} for q in queries}
    seconds: dict[str, dict[str, float]] = {q.name: {} for q in queries}
    for engine in engines:
        client = engine.client(timeout)
        try:
            for query in queries:
                try:
                    answer = client.query(query)
                except (OSError, http.client.HTTPException) as exc:
                    counts[query.name][engine.name] = f"error: {exc}"
                    seconds[query.name][engine.name] = timeout
                    client.close()
                    continue
                seconds[query.name][engine.name] = answer.seconds
                if answer.status != 200:
                    text = answer.body[:200].decode(errors="replace")
                    counts[query.name][engine.name] = f"HTTP {answer.status}: {text}"
                    continue
                count = count_results(query, answer)
                counts[query.name][engine.name] = (
                    f"{count} (truncated)" if answer.truncated else count
                )
                print(
                    f"  {engine.name:22} {query.name:26} {answer.seconds * 1000:10.1f} ms  {count}",
                    file=sys.stderr,
                )
        finally:
            client.close()
    return counts, seconds


def warm_up(
    engines: list[Engine],
    queries: list[Query],
    timeout: float,
    first: dict[str, dict[str, float]],
    numbering: Numbering,
) -> dict[str, dict[str, Any]]:
    """The mix once more, as variants, on every engine whose mix is quick (a slow one is
    warm enough); returns the variants' result counts (they must equal the originals')."""
    counts: dict[str, dict[str, Any]] = {q.name: {} for q in queries}
    for engine in engines:
        if sum(first[q.name][engine.name] for q in queries) > 60:
            continue
        client = engine.client(timeout)
        try:
            for query in queries:
                answer = client.query(variant(query, numbering.take()))
                if answer.status == 200:
                    count = count_results(query, answer)
                    counts[query.name][engine.name] = (
                        f"{count} (truncated)" if answer.truncated else count
                    )
                else:
                    counts[query.name][engine.name] = f"HTTP {answer.status}"
        finally:
            client.close()
    return counts


def latency(
    engines: list[Engine],
    queries: list[Query],
    rounds: int,
    budget: float,
    timeout: float,
    first: dict[str, dict[str, float]],
    numbering: Numbering,
) -> dict[str, dict[str, list[float]]]:
    """Sequential latencies, interleaved: per round, per query, each engine in turn
    (each round's request a fresh variant of the query).

    A pair whose sanity run took longer than ``budget`` is not run again: that run
    is its one sample."""
    planned = {
        (q.name, e.name): min(rounds, int(budget // max(first[q.name][e.name], 1e-6)))
        for q in queries
        for e in engines
    }
    samples: dict[str, dict[str, list[float]]] = {
        q.name: {
            e.name: [] if planned[(q.name, e.name)] else [first[q.name][e.name]] for e in engines
        }
        for q in queries
    }
    clients = {e.name: e.client(timeout) for e in engines}
    try:
        for r in range(rounds):
            for query in queries:
                fresh = variant(query, numbering.take())
                for engine in rotate(engines, r):
                    if planned[(query.name, engine.name)] <= r:
                        continue
                    try:
                        answer = clients[engine.name].query(fresh)
                    except (OSError, http.client.HTTPException):
                        clients[engine.name].close()
                        continue
                    if answer.status == 200:
                        samples[query.name][engine.name].append(answer.seconds)
            print(f"  latency round {r + 1}/{rounds}", file=sys.stderr)
    finally:
        for client in clients.values():
            client.close()
    return samples


def bursts(
    engines: list[Engine],
    queries: list[Query],
    size: int,
    budget: float,
    timeout: float,
    first: dict[str, dict[str, float]],
    numbering: Numbering,
) -> dict[str, dict[str, list[float]]]:
    """Hot latencies: per query, each engine in turn (rotating) gets ``size`` requests
    (fresh variants) back to back, so no idle gap precedes a request (the interleaved
    rounds have one)."""
    samples: dict[str, dict[str, list[float]]] = {
        q.name: {e.name: [] for e in engines} for q in queries
    }
    for index, query in enumerate(queries):
        for engine in rotate(engines, index):
            if first[query.name][engine.name] * size > budget:
                continue
            client = engine.client(timeout)
            try:
                # the first of a burst follows an idle gap: not counted
                client.query(variant(query, numbering.take()))
                for _ in range(size):
                    answer = client.query(variant(query, numbering.take()))
                    if answer.status == 200:
                        samples[query.name][engine.name].append(answer.seconds)
            except (OSError, http.client.HTTPException):
                pass
            finally:
                client.close()
    return samples
