"""Throughput: client processes in a closed loop, cold (no text twice) or repeating.

Two workloads, each run window by window with the engines interleaved:

* :class:`Cold`: every client runs the whole mix over and over from its own
  starting point, each request a fresh variant (:mod:`.variants`), so no answer
  can come from a result cache;
* :class:`Repeat`: a public endpoint's traffic: the clients share one request
  sequence in which each request repeats an earlier one with probability
  ``share`` and is otherwise a fresh variant of a query drawn from the mix.
  Responses whose ``Cache-Status`` says ``hit`` are counted, with their latency.

While a window runs, the engine's memory can be sampled (:class:`.memory.Watch`).
"""

from __future__ import annotations

import contextlib
import http.client
import math
import multiprocessing
import queue
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import psutil

from .client import Client
from .engines import Engine
from .measure import percentile, rotate
from .memory import Watch
from .queries import Query
from .variants import Numbering, RepeatSequence, variant

#: Variant numbers a cold client may use in one window.
BLOCK = 10**7


@dataclass(frozen=True)
class Plan:
    """How long and how hard a throughput phase loads each engine."""

    concurrency: int
    seconds: float
    windows: int
    timeout: float
    memory_interval: float = 0.0  # 0: memory not sampled


@dataclass(frozen=True)
class Target:
    """What a client process needs to know: where, what, when."""

    port: int
    path: str
    queries: list[Query]
    start_at: float
    deadline: float
    timeout: float
    form: bool = False  # queries sent as a form (see :class:`.client.Client`)
    vary: bool = True  # False: the mix's texts as written (an engine that refuses variants)


def busy_cpu_seconds() -> float:
    """CPU seconds the whole machine has been busy (every process)."""
    times = psutil.cpu_times()
    return float(times.user + times.nice + times.system + times.irq + times.softirq + times.steal)


def _wait_for_start(target: Target) -> Client:
    now = time.monotonic()
    if target.start_at > now:
        time.sleep(target.start_at - now)
    return Client(target.port, target.path, target.timeout, target.form)


def _send(client: Client, query: Query) -> tuple[bool, float, bool]:
    """``(answered, seconds, hit)`` of one request."""
    try:
        answer = client.query(query)
    except (OSError, http.client.HTTPException):
        client.close()
        return False, math.nan, False
    return answer.status == 200, answer.seconds, answer.hit


def _cold_client(target: Target, results: Any, offset: int, first: int) -> None:
    """Whole mixes from ``offset`` until the deadline (checked at the end of a mix); the
    requests are the variants ``first``, ``first + 1``… Sends its tallies."""
    client = _wait_for_start(target)
    order = rotate(target.queries, offset)
    tally = {"done": 0, "failed": 0, "hits": 0}
    n = first
    try:
        while True:
            for query in order:
                answered, _, hit = _send(client, variant(query, n) if target.vary else query)
                n += 1
                tally["done" if answered else "failed"] += 1
                tally["hits"] += hit
            if time.monotonic() >= target.deadline or n - first > BLOCK - len(order):
                break
    finally:
        client.close()
        results.put({**tally, "finished": time.monotonic(), "client_cpu": time.process_time()})


def _repeat_client(
    target: Target, results: Any, counter: Any, base: int, seed: int, share: float
) -> None:
    """Requests from the shared repeat sequence (``counter`` is the next position)
    until the deadline. Sends its tallies and the latencies of hits and misses."""
    client = _wait_for_start(target)
    sequence = RepeatSequence(seed, share, len(target.queries))
    tally: dict[str, Any] = {"done": 0, "failed": 0, "hits": 0, "repeats": 0}
    hit_seconds: list[float] = []
    miss_seconds: list[float] = []
    try:
        while time.monotonic() < target.deadline:
            with counter.get_lock():
                position = counter.value
                counter.value += 1
            index, fresh = sequence.request(position)
            answered, seconds, hit = _send(client, variant(target.queries[index], base + fresh))
            tally["done" if answered else "failed"] += 1
            tally["repeats"] += fresh != position
            tally["hits"] += hit
            if answered:
                (hit_seconds if hit else miss_seconds).append(seconds)
    finally:
        client.close()
        results.put(
            {
                **tally,
                "hit_seconds": hit_seconds,
                "miss_seconds": miss_seconds,
                "finished": time.monotonic(),
                "client_cpu": time.process_time(),
            }
        )


@dataclass
class Cold:
    """Every client runs the whole mix, each request a fresh variant."""

    numbering: Numbering
    name: str = "throughput"

    def clients(
        self, engine: Engine, concurrency: int, kinds: int
    ) -> list[tuple[Callable[..., None], tuple[Any, ...]]]:
        step = max(1, kinds // concurrency)
        return [(_cold_client, (k * step, self.numbering.take(BLOCK))) for k in range(concurrency)]


@dataclass
class Repeat:
    """One request sequence shared by the clients: ``share`` of it repeats."""

    base: int
    seed: int = 1
    share: float = 0.8
    name: str = "repeat"
    counters: dict[str, Any] = field(default_factory=dict)

    def clients(
        self, engine: Engine, concurrency: int, kinds: int
    ) -> list[tuple[Callable[..., None], tuple[Any, ...]]]:
        # one sequence per engine, continued from window to window (its cache stays)
        counter = self.counters.get(engine.name)
        if counter is None:
            counter = self.counters[engine.name] = multiprocessing.get_context("fork").Value("q", 0)
        return [(_repeat_client, (counter, self.base, self.seed, self.share))] * concurrency


Workload = Cold | Repeat


def window(
    engine: Engine, queries: list[Query], workload: Workload, plan: Plan, watch: Watch | None
) -> dict[str, Any]:
    """One window of ``plan.concurrency`` clients against one engine."""
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    start_at = time.monotonic() + 0.3
    target = Target(
        engine.port,
        engine.path,
        queries,
        start_at,
        start_at + plan.seconds,
        plan.timeout,
        engine.form,
        engine.vary,
    )
    cpu_before = engine.cpu_by_role()
    busy_before = busy_cpu_seconds()
    processes = [
        context.Process(target=function, args=(target, results, *extra))
        for function, extra in workload.clients(engine, plan.concurrency, len(queries))
    ]
    for process in processes:
        process.start()
    limit = target.deadline + plan.timeout * len(queries) + 30
    reports = _collect(results, len(processes), limit, watch)
    for process in processes:
        process.join(10)
    cpu_after = engine.cpu_by_role()
    worker_cpu = cpu_after["worker"] - cpu_before["worker"]
    server_cpu = cpu_after["front"] - cpu_before["front"] + worker_cpu
    out: dict[str, Any] = {"seconds": max(r.pop("finished") for r in reports) - start_at}
    for report in reports:
        _add(out, report)
    out["server_cpu"] = server_cpu
    out["worker_cpu"] = worker_cpu
    # CPU used by anything else on the machine meanwhile (other people's jobs)
    out["other_cpu"] = max(0.0, busy_cpu_seconds() - busy_before - server_cpu - out["client_cpu"])
    return out


def _collect(results: Any, count: int, limit: float, watch: Watch | None) -> list[dict[str, Any]]:
    """The clients' reports; meanwhile the memory samples, and one at the end."""
    reports: list[dict[str, Any]] = []
    while len(reports) < count:
        left = limit - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"{count - len(reports)} clients did not report in time")
        with contextlib.suppress(queue.Empty):
            reports.append(results.get(timeout=min(left, watch.interval) if watch else left))
        if watch is not None:
            watch.tick()
    if watch is not None:
        watch.sample()
    return reports


def _add(total: dict[str, Any], part: dict[str, Any]) -> None:
    """Add counters and join lists."""
    for key, value in part.items():
        if key in total:
            total[key] = total[key] + value
        else:
            total[key] = list(value) if isinstance(value, list) else value


def run(
    engines: list[Engine], queries: list[Query], workload: Workload, plan: Plan
) -> dict[str, dict[str, Any]]:
    """``plan.windows`` windows per engine, interleaved (the engine order rotates); an
    engine whose one window took as long as all of them gets no more."""
    total: dict[str, dict[str, Any]] = {e.name: _zero() for e in engines}
    watches = {e.name: Watch(e, plan.memory_interval) for e in engines if plan.memory_interval > 0}
    for w in range(plan.windows):
        for engine in rotate(engines, w):
            if total[engine.name]["seconds"] >= plan.seconds * plan.windows:
                continue
            part = window(engine, queries, workload, plan, watches.get(engine.name))
            _add(total[engine.name], {**part, "windows": 1})
            print(
                f"  {workload.name} window {w + 1}/{plan.windows} {engine.name:22} "
                f"{part['done'] / part['seconds']:8.1f} q/s ({part['failed']:g} failed, "
                f"{part['hits']:g} cache hits)",
                file=sys.stderr,
            )
    for name, entry in total.items():
        _finish(entry)
        if name in watches:
            entry["memory"] = watches[name].result()
    return total


def _finish(entry: dict[str, Any]) -> None:
    """Rates from the counts; the latency lists summarised (median, p95, n)."""
    done = entry.get("done", 0)
    entry["qps"] = done / entry["seconds"] if entry["seconds"] else math.nan
    entry["server_cpu_ms_per_query"] = 1000 * entry["server_cpu"] / done if done else math.nan
    entry["hit_share"] = entry["hits"] / done if done else math.nan
    if "repeats" in entry:
        sent = done + entry["failed"]
        entry["repeat_share"] = entry["repeats"] / sent if sent else math.nan
    for key in ("hit_seconds", "miss_seconds"):
        if key in entry:
            values = entry.pop(key)
            entry[key.replace("_seconds", "_latency")] = {
                "median": statistics.median(values) if values else math.nan,
                "p95": percentile(values, 0.95) if values else math.nan,
                "n": len(values),
            }


def throughput(
    engines: list[Engine],
    queries: list[Query],
    plan: Plan,
    numbering: Numbering,
    medians: dict[str, dict[str, list[float]]],
    max_mix: float,
    parallel: dict[str, int] | None = None,
) -> dict[str, dict[str, Any]]:
    """Queries per second of the cold workload, engines interleaved window by window.

    An engine whose one pass over the mix takes longer than ``max_mix`` seconds (the
    rdflib engines at 1 000 000 triples) is not run: its throughput is derived from
    its latencies as ``parallel`` * queries / (sum of the median latencies), where
    ``parallel`` is how many queries it can run at once (1 for rdflib-endpoint, whose
    handler runs the query on its event loop; partnergraph's query workers, at most
    one per CPU, for pg-memory). That is exact for a serial server and an upper bound
    otherwise; the report marks it "derived".
    """
    parallel = parallel or {}
    slow = too_slow(engines, queries, medians, max_mix)
    derived: dict[str, dict[str, Any]] = {}
    for name, mix in slow.items():
        qps = parallel.get(name, 1) * len(queries) / mix
        derived[name] = {
            **_zero(),
            "qps": qps,
            "derived": True,
            "mix_seconds": mix,
            "parallel": parallel.get(name, 1),
            "server_cpu_ms_per_query": math.nan,
        }
        print(
            f"  throughput {name}: one mix takes {mix:.0f} s, derived {qps:.3f} q/s "
            "from the latencies",
            file=sys.stderr,
        )
    measured = run([e for e in engines if e.name not in slow], queries, Cold(numbering), plan)
    return {**measured, **derived}


def too_slow(
    engines: list[Engine],
    queries: list[Query],
    medians: dict[str, dict[str, list[float]]],
    max_mix: float,
) -> dict[str, float]:
    """The engines whose one pass over the mix (sum of median latencies) is longer than
    ``max_mix`` seconds, with that sum."""
    mix = {
        e.name: sum(statistics.median(medians[q.name][e.name]) for q in queries)
        for e in engines
        if all(medians[q.name][e.name] for q in queries)
    }
    return {name: seconds for name, seconds in mix.items() if seconds > max_mix}


def _zero() -> dict[str, float]:
    """What a throughput measurement adds up, at zero."""
    return {
        "done": 0,
        "failed": 0,
        "hits": 0,
        "seconds": 0.0,
        "server_cpu": 0.0,
        "worker_cpu": 0.0,
        "client_cpu": 0.0,
        "other_cpu": 0.0,
        "windows": 0,
    }
