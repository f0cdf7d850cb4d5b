"""Figures and tables as the reports print them (Markdown)."""

from __future__ import annotations

import math


def ms(value: float) -> str:
    if value is None or math.isnan(value):
        return "-"
    value *= 1000
    return f"{value:.2f}" if value < 10 else f"{value:.1f}" if value < 1000 else f"{value:.0f}"


def ratio(a: float, b: float) -> float:
    if not a or not b or math.isnan(a) or math.isnan(b):
        return math.nan
    return a / b


def fmt_ratio(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:.2f}"


def table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(c)) for c in column) for column in zip(header, *rows, strict=True)]
    lines = ["| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |"]
    lines.append("| " + " | ".join("-" * w for w in widths) + " |")
    for row in rows:
        lines.append(
            "| " + " | ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) + " |"
        )
    return "\n".join(lines)
