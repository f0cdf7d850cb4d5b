"""The tables of the replicas benchmark (Markdown), from one size's results."""

from __future__ import annotations

import math
from typing import Any

from .markdown import fmt_ratio, ratio, table

#: The layers at one replica, from the bottom up.
LAYERS = ("engine", "reader1", "haproxy")
#: CPU roles shown per request.
SHOWN = ("haproxy", "web", "query workers", "engine")


def report(result: dict[str, Any]) -> str:
    """Throughput by replica count, the layers at one replica, and memory."""
    size = result["size"]
    parts = [
        f"## {size:,} triples ({result['quads']:,} quads in the snapshot; built or found "
        f"in {result['build_seconds']:.0f} s)",
        "",
        "Throughput through HAProxy (queries/s; x: against 1 replica; pinned: each "
        "reader on one core)",
        "",
        _replicas(result),
        "",
        "Each layer at 1 replica (CPU ms per answered request, by role; x: against the "
        "layer below)",
        "",
        _layers(result),
        "",
        "Memory after the load (PSS MB by role; processes in brackets)",
        "",
        _memory(result),
    ]
    for engine, measured in result["engines"].items():
        left = {q for r in measured["replicas"].values() for q in r.get("left_out", {})}
        if left:
            parts.append(
                f"\n{engine}: left out of its mix (an error on some layer): "
                + ", ".join(sorted(left))
            )
    for engine, reason in result["skipped"].items():
        parts.append(f"\n{engine}: skipped: {reason}")
    return "\n".join(parts)


def _qps(entry: dict[str, Any] | None, name: str = "haproxy") -> float:
    if not entry or name not in entry:
        return math.nan
    return float(entry[name]["qps"])


def _cell(value: float, base: float | None = None) -> str:
    if math.isnan(value):
        return "-"
    text = f"{value:.1f}"
    if base is not None:
        text += f" (x{fmt_ratio(ratio(value, base))})"
    return text


def _replicas(result: dict[str, Any]) -> str:
    measured = [e["replicas"] for e in result["engines"].values()]
    counts = sorted({int(n) for by in measured for n in by})
    pinned = sorted({int(n) for by in measured for n, r in by.items() if "pinned" in r})
    header = ["engine", *(f"{n} replica{'s' * (n > 1)}" for n in counts)]
    header += [f"{n} pinned" for n in pinned]
    rows = []
    for engine, measured in result["engines"].items():
        by = measured["replicas"]
        one = _qps(by.get("1", {}).get("layers"))
        row = [engine]
        row += [
            _cell(_qps(by.get(str(n), {}).get("layers")), one if n != 1 else None) for n in counts
        ]
        one_pinned = _qps(by.get("1", {}).get("pinned"))
        row += [
            _cell(_qps(by.get(str(n), {}).get("pinned")), one_pinned if n != 1 else None)
            for n in pinned
        ]
        failed = sum(
            layer["failed"]
            for r in by.values()
            for phase in ("layers", "pinned")
            for layer in r.get(phase, {}).values()
        )
        if failed:
            row[0] += f" ({failed} failed)"
        rows.append(row)
    return table(header, rows)


def _layers(result: dict[str, Any]) -> str:
    header = ["engine", "layer", "q/s", *(f"{role} ms" for role in SHOWN), "all ms"]
    rows = []
    for engine, measured in result["engines"].items():
        layers = measured["replicas"].get("1", {}).get("layers", {})
        below = None
        for name in LAYERS:
            if name not in layers:
                continue
            entry = layers[name]
            per = entry["cpu_ms_per_request"]
            label = {"engine": "engine directly", "reader1": "reader directly"}.get(name, name)
            rows.append(
                [
                    engine,
                    label,
                    _cell(entry["qps"], below),
                    *(f"{per[role]:.2f}" for role in SHOWN),
                    f"{per['total']:.2f}",
                ]
            )
            below = entry["qps"]
    return table(header, rows)


def _memory(result: dict[str, Any]) -> str:
    roles = ("haproxy", "web", "query workers", "engine", "writer", "deploy")
    header = ["engine", "replicas", *roles, "all"]
    rows = []
    for engine, measured in result["engines"].items():
        for count, entry in measured["replicas"].items():
            memory = entry.get("memory", {})
            cells = []
            for role in roles:
                part = memory.get(role)
                cells.append(f"{part['pss_mb']:.0f} ({part['processes']:g})" if part else "-")
            whole = sum(part["pss_mb"] for part in memory.values())
            rows.append([engine, count, *cells, f"{whole:.0f}"])
    return table(header, rows)
