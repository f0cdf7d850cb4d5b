"""The results: summarised per size, and printed as Markdown tables."""

from __future__ import annotations

import argparse
import math
import statistics
from typing import Any

from .common import LATENCY_TARGET, PEER_TARGET, PEERS, REFERENCE, ROOT, THROUGHPUT_TARGET
from .engines import Engine, Setup
from .load_report import memory_section, repeat_section
from .markdown import fmt_ratio, ms, ratio, table
from .measure import percentile


def report(result: dict[str, Any]) -> str:
    """The printed report of one size."""
    sections = [
        _header(result),
        _sanity(result),
        _latency(result),
        _hot(result),
        _throughput(result),
        repeat_section(result),
        memory_section(result),
        _breakdown(result),
    ]
    return "\n".join(line for section in sections for line in section)


def _header(result: dict[str, Any]) -> list[str]:
    out = [
        f"## {result['size']:,} generated triples ({result['quads']:,} quads built)".replace(
            ",", " "
        )
    ]
    out.append("")
    out.append("Parameters: " + ", ".join(f"{k}={v}" for k, v in result["parameters"].items()))
    load = result.get("load_average")
    if load:
        out.append(
            "Load average (1/5/15 min) before: "
            + " ".join(f"{x:.2f}" for x in load["before"])
            + "; after: "
            + " ".join(f"{x:.2f}" for x in load["after"])
        )
    out.append("")
    rows = [
        [
            e["name"],
            f"{e['startup_seconds']:.1f}",
            f"{e['rss_mb']:.0f}",
            _mb(e.get("disk_mb", math.nan)),
            "; ".join(e["notes"]),
        ]
        for e in result["engines"]
    ]
    out.append(table(["engine", "start-up s", "RSS MB", "store on disk MB", "configuration"], rows))
    out.append("")
    return out


def _mb(value: float) -> str:
    return "-" if value is None or math.isnan(value) else f"{value:.0f}"


def _sanity(result: dict[str, Any]) -> list[str]:
    names = [e["name"] for e in result["engines"]]
    variants = result.get("variant_counts", {})
    out = [
        "### Results per query (sanity: solutions, distinct triples or the ASK answer; "
        "variants: every engine's answer to a varied text is the same)"
    ]
    rows = []
    for q in result["counts"]:
        counts = [str(result["counts"][q].get(n, "-")) for n in names]
        same = len(set(counts)) == 1
        varied = variants.get(q, {})
        agree = all(str(varied[n]) == str(result["counts"][q].get(n)) for n in varied)
        rows.append([q, *counts, "yes" if same else "**NO**", "yes" if agree else "**NO**"])
    out.append(table(["query", *names, "same", "variants"], rows))
    out.append("")
    return out


def _latency(result: dict[str, Any]) -> list[str]:
    names = [e["name"] for e in result["engines"]]
    queries = list(result["latency"])
    if not any(s["n"] for per in result["latency"].values() for s in per.values()):
        return []
    out = ["### Latency, one client: median / p95 ms (n = samples)"]
    rows = []
    for q in queries:
        row = [q]
        for n in names:
            s = result["latency"][q][n]
            row.append(f"{ms(s['median'])} / {ms(s['p95'])} (n={s['n']})" if s["n"] else "-")
        rows.append(row)
    out.append(table(["query", *names], rows))
    out.append("")
    out.append(
        f"### Latency ratios (median): partnergraph / Oxigraph server (target <= {LATENCY_TARGET})"
    )
    pairs = _peers(names)
    extra = [
        n for n in ("pg-memory", "rdflib-endpoint") if n in names and "oxigraph-server" in names
    ]
    reference = "/".join(REFERENCE) if all(n in names for n in REFERENCE) else ""
    rows = []
    for q in queries:
        row = [q]
        for pg, ox_ in pairs:
            value = result["ratios"]["latency"][q].get(f"{pg}/{ox_}", math.nan)
            mark = "" if math.isnan(value) else (" ok" if value <= LATENCY_TARGET else " MISS")
            row.append(fmt_ratio(value) + mark)
        for n in extra:
            row.append(
                fmt_ratio(result["ratios"]["latency"][q].get(f"{n}/oxigraph-server", math.nan))
            )
        if reference:
            row.append(fmt_ratio(result["ratios"]["latency"][q].get(reference, math.nan)))
        rows.append(row)
    head = [f"{pg}/{ox_}" for pg, ox_ in pairs] + [f"{n}/oxigraph-server" for n in extra]
    head += [f"{reference} (reference)"] if reference else []
    out.append(table(["query", *head], rows))
    out.append("")
    return out


def _peers(names: list[str]) -> list[tuple[str, str]]:
    return [(pg, ox_) for pg, ox_ in PEERS.items() if pg in names and ox_ in names]


def _hot(result: dict[str, Any]) -> list[str]:
    names = [e["name"] for e in result["engines"]]
    pairs = _peers(names)
    out: list[str] = []
    hot = result.get("hot") or {}
    if any(v["n"] for per in hot.values() for v in per.values()):
        out.append(
            "### Hot latency: median ms of back-to-back requests (no idle gap before each); "
            "ratio partnergraph / Oxigraph server"
        )
        rows = []
        for q in hot:
            row = [q]
            for n in names:
                h = hot[q][n]
                row.append(ms(h["median"]) if h["n"] else "-")
            for pg, ox_ in pairs:
                row.append(fmt_ratio(ratio(hot[q][pg]["median"], hot[q][ox_]["median"])))
            rows.append(row)
        out.append(table(["query", *names, *[f"{pg}/{ox_}" for pg, ox_ in pairs]], rows))
        out.append("")
    return out


def _throughput(result: dict[str, Any]) -> list[str]:
    names = [e["name"] for e in result["engines"]]
    out: list[str] = []
    tp = result["throughput"]
    if tp:
        out.append(
            f"### Throughput, {result['concurrency']} concurrent clients running the whole mix "
            "(cold: every request a text of its own)"
        )
        rows = [
            [
                n,
                f"{tp[n]['qps']:.3g} (derived: mix {tp[n]['mix_seconds']:.0f} s, "
                f"{tp[n]['parallel']} at once)"
                if tp[n].get("derived")
                else f"{tp[n]['qps']:.1f}",
                f"{tp[n]['done']:g}",
                f"{tp[n]['failed']:g}",
                f"{tp[n]['seconds']:.1f}",
                f"{tp[n]['server_cpu_ms_per_query']:.2f}",
                f"{1000 * tp[n]['worker_cpu'] / max(tp[n]['done'], 1):.2f}"
                if n.startswith("pg-")
                else "-",
                f"{tp[n]['client_cpu'] / max(tp[n]['done'], 1) * 1000:.2f}",
                f"{tp[n]['other_cpu'] / max(tp[n]['seconds'], 1e-9):.2f}",
                f"{tp[n].get('hits', 0):g}",
            ]
            for n in names
            if n in tp
        ]
        out.append(
            table(
                [
                    "engine",
                    "queries/s",
                    "done",
                    "failed",
                    "seconds",
                    "server CPU ms/query",
                    "of it in query workers",
                    "client CPU ms/query",
                    "other CPUs busy",
                    "cache hits",
                ],
                rows,
            )
        )
        out.append("")
        rows = []
        for key, value in result["ratios"]["throughput"].items():
            if key == "/".join(REFERENCE):
                rows.append([key, fmt_ratio(value), "(reference)", ""])
                continue
            target = THROUGHPUT_TARGET if "oxigraph-server" in key else PEER_TARGET
            rows.append(
                [key, fmt_ratio(value), f">= {target:g}", "ok" if value >= target else "MISS"]
            )
        out.append(table(["throughput ratio", "value", "target", ""], rows))
        out.append("")
    return out


def _breakdown(result: dict[str, Any]) -> list[str]:
    out: list[str] = []
    if result.get("breakdown"):
        out.append("### Where partnergraph's time goes (oxigraph backend, in memory; median ms)")
        out.append(
            "engine-union = pyoxigraph in-process on the N-Quads in union-default-graph mode "
            "(Oxigraph server's work without HTTP); engine-pg = pyoxigraph on the store as "
            "partnergraph lays it out; store = partnergraph's store layer; service = + guard "
            "+ query-worker hop; flask = + Flask/Werkzeug, no HTTP; HTTP = measured through "
            "gunicorn (interleaved / hot); oxigraph-server = measured (interleaved / hot)."
        )
        rows = []
        for q, b in result["breakdown"].items():
            lat_q, hot_q = result["latency"][q], (result.get("hot") or {}).get(q, {})

            def both(
                name: str, lat_q: dict[str, Any] = lat_q, hot_q: dict[str, Any] = hot_q
            ) -> str:
                cold = lat_q.get(name, {}).get("median", math.nan)
                warm = hot_q.get(name, {}).get("median", math.nan)
                return f"{ms(cold)} / {ms(warm)}"

            rows.append(
                [
                    q,
                    ms(b["engine-union"]),
                    ms(b["engine-pg"]),
                    ms(b["store"]),
                    ms(b["service"]),
                    ms(b.get("flask", math.nan)),
                    both("pg-oxigraph"),
                    both("oxigraph-server"),
                ]
            )
        out.append(
            table(
                [
                    "query",
                    "engine-union",
                    "engine-pg",
                    "store",
                    "service",
                    "flask",
                    "HTTP pg",
                    "oxigraph-server",
                ],
                rows,
            )
        )
        out.append("")
    return out


def summarise(
    setup: Setup,
    engines: list[Engine],
    parameters: dict[str, str],
    measured: dict[str, Any],
    args: argparse.Namespace,
) -> dict[str, Any]:
    """The JSON result of one size.

    Args:
        setup: what the engines were started from.
        engines: the engines, in the order of the report's columns.
        parameters: the values filled into the queries.
        measured: what the phases returned: ``counts``, ``variant_counts``,
            ``samples`` (latency), ``throughput``, ``repeat``, ``memory``, ``rss``.
        args: the command line.
    """
    names = [e.name for e in engines]
    lat = {
        q: {
            n: {
                "median": statistics.median(v) if v else math.nan,
                "p95": percentile(v, 0.95) if v else math.nan,
                "n": len(v),
                "samples": v,
            }
            for n, v in per.items()
        }
        for q, per in measured["samples"].items()
    }
    tp, rp = measured["throughput"], measured["repeat"]
    ratios = {
        "latency": {q: _latency_ratios(lat[q], names) for q in lat},
        "throughput": _rate_ratios(tp),
        "repeat": _rate_ratios(rp),
    }
    quads = sum(1 for _ in setup.data_file.open("rb"))
    return {
        "size": setup.size,
        "quads": quads,
        "data": str(setup.trig.relative_to(ROOT))
        if setup.trig.is_relative_to(ROOT)
        else str(setup.trig),
        "parameters": parameters,
        "concurrency": args.concurrency,
        "engines": [
            {
                "name": e.name,
                "startup_seconds": e.startup_seconds,
                "rss_mb": measured["rss"].get(e.name, math.nan),
                "disk_mb": e.disk_mb(),
                "notes": e.notes,
            }
            for e in engines
        ],
        "counts": measured["counts"],
        "variant_counts": measured["variant_counts"],
        "latency": lat,
        "throughput": tp,
        "repeat": rp,
        "repeat_share": args.repeat_share,
        "memory": measured["memory"],
        "ratios": ratios,
    }


def _latency_ratios(per: dict[str, dict[str, Any]], names: list[str]) -> dict[str, float]:
    """Median latency ratios of one query: partnergraph to its peers."""
    r: dict[str, float] = {}
    for pg, ox_ in _peers(names):
        r[f"{pg}/{ox_}"] = ratio(per[pg]["median"], per[ox_]["median"])
    for n in ("pg-memory", "rdflib-endpoint"):
        if n in names and "oxigraph-server" in names:
            r[f"{n}/oxigraph-server"] = ratio(per[n]["median"], per["oxigraph-server"]["median"])
    pg, ref = REFERENCE
    if pg in names and ref in names:
        r[f"{pg}/{ref}"] = ratio(per[pg]["median"], per[ref]["median"])
    return r


def _rate_ratios(tp: dict[str, dict[str, Any]]) -> dict[str, float]:
    """Queries-per-second ratios: partnergraph to Oxigraph server (same storage), to the
    union view (reference) and to rdflib-endpoint."""
    r: dict[str, float] = {}
    for pg, ox_ in PEERS.items():
        if pg in tp and ox_ in tp:
            r[f"{pg}/{ox_}"] = ratio(tp[pg]["qps"], tp[ox_]["qps"])
    pg, ref = REFERENCE
    if pg in tp and ref in tp:
        r[f"{pg}/{ref}"] = ratio(tp[pg]["qps"], tp[ref]["qps"])
    for pg in ("pg-oxigraph", "pg-oxigraph-disk"):
        if pg in tp and "rdflib-endpoint" in tp:
            r[f"{pg}/rdflib-endpoint"] = ratio(tp[pg]["qps"], tp["rdflib-endpoint"]["qps"])
    return r
