"""The measured phases: sanity, warm-up, latency, hot bursts and throughput."""

from __future__ import annotations

import http.client
import math
import multiprocessing
import statistics
import sys
import time
from collections.abc import Sequence
from typing import Any

import psutil

from .client import Client, count_results
from .engines import Engine
from .queries import Query


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
    engines: list[Engine], queries: list[Query], timeout: float, first: dict[str, dict[str, float]]
) -> None:
    """The mix once more on every engine whose mix is quick (a slow one is warm enough)."""
    for engine in engines:
        if sum(first[q.name][engine.name] for q in queries) > 60:
            continue
        client = engine.client(timeout)
        try:
            for query in queries:
                client.query(query)
        finally:
            client.close()


def latency(
    engines: list[Engine],
    queries: list[Query],
    rounds: int,
    budget: float,
    timeout: float,
    first: dict[str, dict[str, float]],
) -> dict[str, dict[str, list[float]]]:
    """Sequential latencies, interleaved: per round, per query, each engine in turn.

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
                for engine in rotate(engines, r):
                    if planned[(query.name, engine.name)] <= r:
                        continue
                    try:
                        answer = clients[engine.name].query(query)
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
) -> dict[str, dict[str, list[float]]]:
    """Hot latencies: per query, each engine in turn (rotating) gets ``size`` requests
    back to back, so no idle gap precedes a request (the interleaved rounds have one)."""
    samples: dict[str, dict[str, list[float]]] = {
        q.name: {e.name: [] for e in engines} for q in queries
    }
    for index, query in enumerate(queries):
        for engine in rotate(engines, index):
            if first[query.name][engine.name] * size > budget:
                continue
            client = engine.client(timeout)
            try:
                client.query(query)  # the first of a burst follows an idle gap: not counted
                for _ in range(size):
                    answer = client.query(query)
                    if answer.status == 200:
                        samples[query.name][engine.name].append(answer.seconds)
            except (OSError, http.client.HTTPException):
                pass
            finally:
                client.close()
    return samples


def busy_cpu_seconds() -> float:
    """CPU seconds the whole machine has been busy (every process)."""
    times = psutil.cpu_times()
    return float(times.user + times.nice + times.system + times.irq + times.softirq + times.steal)


def _load_client(
    port: int,
    path: str,
    queries: list[Query],
    offset: int,
    start_at: float,
    deadline: float,
    timeout: float,
    results: Any,
) -> None:
    """One closed-loop client: whole mixes from ``offset`` until ``deadline`` (checked
    at the end of each mix). Sends (done, failed, finished_at, cpu seconds)."""
    client = Client(port, path, timeout)
    order = rotate(queries, offset)
    done = failed = 0
    now = time.monotonic()
    if start_at > now:
        time.sleep(start_at - now)
    try:
        while True:
            for query in order:
                try:
                    answer = client.query(query)
                    if answer.status == 200:
                        done += 1
                    else:
                        failed += 1
                except (OSError, http.client.HTTPException):
                    client.close()
                    failed += 1
            if time.monotonic() >= deadline:
                break
    finally:
        client.close()
        cpu = time.process_time()
        results.put((done, failed, time.monotonic(), cpu))


def throughput_window(
    engine: Engine, queries: list[Query], concurrency: int, seconds: float, timeout: float
) -> dict[str, float]:
    """One window of ``concurrency`` clients against one engine."""
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    start_at = time.monotonic() + 0.3
    deadline = start_at + seconds
    step = max(1, len(queries) // concurrency)
    cpu_before = engine.cpu_by_role()
    busy_before = busy_cpu_seconds()
    processes = [
        context.Process(
            target=_load_client,
            args=(
                engine.port,
                engine.path,
                queries,
                k * step,
                start_at,
                deadline,
                timeout,
                results,
            ),
        )
        for k in range(concurrency)
    ]
    for process in processes:
        process.start()
    reports = []
    limit = deadline + timeout * len(queries) + 30
    for _ in processes:
        reports.append(results.get(timeout=max(1.0, limit - time.monotonic())))
    for process in processes:
        process.join(10)
    elapsed = max(r[2] for r in reports) - start_at
    cpu_after = engine.cpu_by_role()
    worker_cpu = cpu_after["worker"] - cpu_before["worker"]
    server_cpu = cpu_after["front"] - cpu_before["front"] + worker_cpu
    client_cpu = sum(r[3] for r in reports)
    return {
        "done": sum(r[0] for r in reports),
        "failed": sum(r[1] for r in reports),
        "seconds": elapsed,
        "server_cpu": server_cpu,
        "worker_cpu": worker_cpu,
        "client_cpu": client_cpu,
        # CPU used by anything else on the machine meanwhile (other people's jobs)
        "other_cpu": max(0.0, busy_cpu_seconds() - busy_before - server_cpu - client_cpu),
    }


def throughput(
    engines: list[Engine],
    queries: list[Query],
    concurrency: int,
    seconds: float,
    windows: int,
    timeout: float,
    medians: dict[str, dict[str, list[float]]],
    max_mix: float,
    parallel: dict[str, int] | None = None,
) -> dict[str, dict[str, Any]]:
    """Queries per second with ``concurrency`` clients, engines interleaved window by window.

    An engine whose one pass over the mix takes longer than ``max_mix`` seconds (the
    rdflib engines at 1 000 000 triples) is not run: its throughput is derived from
    its latencies as ``parallel`` * queries / (sum of the median latencies), where
    ``parallel`` is how many queries it can run at once (1 for rdflib-endpoint, whose
    handler runs the query on its event loop; partnergraph's query workers, at most
    one per CPU, for pg-memory). That is exact for a serial server and an upper bound
    otherwise; the report marks it "derived".
    """
    parallel = parallel or {}
    mix = {
        e.name: sum(statistics.median(medians[q.name][e.name]) for q in queries)
        for e in engines
        if all(medians[q.name][e.name] for q in queries)
    }
    derived: dict[str, dict[str, float]] = {}
    for e in engines:
        if e.name in mix and mix[e.name] > max_mix:
            qps = parallel.get(e.name, 1) * len(queries) / mix[e.name]
            derived[e.name] = {
                **_counters(),
                "qps": qps,
                "derived": True,
                "mix_seconds": mix[e.name],
                "parallel": parallel.get(e.name, 1),
                "server_cpu_ms_per_query": math.nan,
            }
            print(
                f"  throughput {e.name}: one mix takes {mix[e.name]:.0f} s, derived "
                f"{qps:.3f} q/s from the latencies",
                file=sys.stderr,
            )
    engines = [e for e in engines if e.name not in derived]
    total: dict[str, dict[str, float]] = {e.name: _counters() for e in engines}
    for w in range(windows):
        for engine in rotate(engines, w):
            if total[engine.name]["seconds"] >= seconds * windows:
                continue  # one window of this engine took as long as all of them
            window = throughput_window(engine, queries, concurrency, seconds, timeout)
            for key, value in window.items():
                total[engine.name][key] += value
            total[engine.name]["windows"] += 1
            print(
                f"  throughput window {w + 1}/{windows} {engine.name:22} "
                f"{window['done'] / window['seconds']:8.1f} q/s ({window['failed']:g} failed)",
                file=sys.stderr,
            )
    for entry in total.values():
        entry["qps"] = entry["done"] / entry["seconds"] if entry["seconds"] else math.nan
        entry["server_cpu_ms_per_query"] = (
            1000 * entry["server_cpu"] / entry["done"] if entry["done"] else math.nan
        )
    return {**total, **derived}


def _counters() -> dict[str, float]:
    """What a throughput measurement adds up, at zero."""
    return {
        "done": 0,
        "failed": 0,
        "seconds": 0.0,
        "server_cpu": 0.0,
        "worker_cpu": 0.0,
        "client_cpu": 0.0,
        "other_cpu": 0.0,
        "windows": 0,
    }
