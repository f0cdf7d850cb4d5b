"""The report of the load phases: the repeat workload, and memory (RSS and PSS)."""

from __future__ import annotations

import math
from typing import Any

from .common import PEERS
from .markdown import fmt_ratio, ms, ratio, table

#: The baseline a partnergraph process is compared with: bare, and with the imports.
BARE, IMPORTS = "bare python", "python + pyoxigraph + flask"


def repeat_section(result: dict[str, Any]) -> list[str]:
    """The repeat workload: rates, cache hits and their latency, ratios."""
    rp, tp = result.get("repeat") or {}, result.get("throughput") or {}
    if not rp:
        return []
    share = result.get("repeat_share", math.nan)
    out = [
        f"### Repeat workload, {result['concurrency']} concurrent clients: {share:.0%} of "
        "requests repeat an earlier one (cache hits: `Cache-Status` with `; hit`)"
    ]
    rows = []
    for name in [e["name"] for e in result["engines"]]:
        if name not in rp:
            continue
        r = rp[name]
        hit, miss = r.get("hit_latency", {}), r.get("miss_latency", {})
        cold = tp.get(name, {}).get("qps", math.nan)
        rows.append(
            [
                name,
                f"{r['qps']:.1f}",
                fmt_ratio(ratio(r["qps"], cold)),
                f"{r['done']:g}",
                f"{r['failed']:g}",
                f"{r.get('repeat_share', math.nan):.0%}",
                f"{r['hit_share']:.0%}",
                f"{ms(hit.get('median', math.nan))} / {ms(hit.get('p95', math.nan))}",
                f"{ms(miss.get('median', math.nan))} / {ms(miss.get('p95', math.nan))}",
                f"{r['server_cpu_ms_per_query']:.2f}",
                f"{r['other_cpu'] / max(r['seconds'], 1e-9):.2f}",
            ]
        )
    header = [
        "engine",
        "queries/s",
        "x cold",
        "done",
        "failed",
        "repeats sent",
        "hits",
        "hit ms median / p95",
        "miss ms median / p95",
        "server CPU ms/query",
        "other CPUs busy",
    ]
    out += [table(header, rows), ""]
    rows = [
        [key, fmt_ratio(value), fmt_ratio(result["ratios"]["throughput"].get(key, math.nan))]
        for key, value in result["ratios"].get("repeat", {}).items()
    ]
    if rows:
        out += [table(["repeat ratio", "value", "cold throughput ratio"], rows), ""]
    return out


def memory_section(result: dict[str, Any]) -> list[str]:
    """Memory of every engine's process tree, per phase and per process role."""
    memory = result.get("memory") or {}
    if not memory:
        return []
    base = result.get("baselines") or {}
    out = [
        "### Memory (MB) of each process tree: RSS and PSS at the end of a phase, and the "
        "most sampled during it; floor = the Oxigraph peer's RSS + one baseline process "
        "per partnergraph process"
    ]
    rows = []
    for name, phases in memory.items():
        for phase, m in phases.items():
            end = m["end"]
            floors = [_floor(memory, name, phase, end, base.get(b)) for b in (BARE, IMPORTS)]
            rows.append(
                [
                    name,
                    phase,
                    f"{end['processes']:g}",
                    f"{end['rss_mb']:.0f}",
                    f"{end['pss_mb']:.0f}",
                    f"{m['max_rss_mb']:.0f}",
                    f"{m['max_pss_mb']:.0f}",
                    *[_mb(f) for f in floors],
                    fmt_ratio(ratio(end["rss_mb"], floors[0])),
                ]
            )
    header = ["engine", "phase", "processes", "RSS", "PSS", "max RSS", "max PSS"]
    header += ["floor (bare)", "floor (imports)", "RSS / floor (bare)"]
    out += [table(header, rows), ""]
    out += ["#### By process role, at the end of each phase (MB)"]
    rows = [
        [name, phase, role, f"{r['processes']:g}", f"{r['rss_mb']:.0f}", f"{r['pss_mb']:.0f}"]
        for name, phases in memory.items()
        for phase, m in phases.items()
        for role, r in m["end"]["roles"].items()
    ]
    out += [table(["engine", "phase", "role", "processes", "RSS", "PSS"], rows), ""]
    if base:
        out.append(
            "Baselines, one idle process alone: "
            + "; ".join(
                f"{k}: RSS {v['rss_mb']:.1f}, PSS {v['pss_mb']:.1f}" for k, v in base.items()
            )
        )
        out.append("")
    return out


def _floor(
    memory: dict[str, Any],
    name: str,
    phase: str,
    end: dict[str, Any],
    baseline: dict[str, float] | None,
) -> float:
    """The peer's RSS at the end of the same phase plus one baseline per process."""
    peer = memory.get(PEERS.get(name, ""), {}).get(phase)
    if peer is None or baseline is None:
        return math.nan
    return float(peer["end"]["rss_mb"] + end["processes"] * baseline["rss_mb"])


def _mb(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:.0f}"
