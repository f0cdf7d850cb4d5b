"""Cold closed-loop throughput through the layers of a deployment, with the CPU of each
process role.

Each window is :func:`.throughput.window` (client processes in a closed loop, every
request a fresh variant, :class:`.throughput.Cold`); the targets (an engine directly, a
reader directly, HAProxy) take turns window by window, their order rotating. Around
each window the deployment's CPU seconds are read per role
(:meth:`.deployments.Deployment.cpu_by_role`), so every target gets the CPU that its
own windows cost each role.
"""

from __future__ import annotations

import math
import sys
from typing import Any

from .deployments import ROLES, Deployment, Target
from .measure import rotate
from .queries import Query
from .throughput import Cold, Plan, window


def measure(
    deployment: Deployment, targets: list[Target], queries: list[Query], cold: Cold, plan: Plan
) -> dict[str, dict[str, Any]]:
    """``plan.windows`` windows per target, interleaved.

    Returns:
        Per target name: ``done``, ``failed``, ``hits``, ``seconds``, ``qps``, the CPU
        seconds of each role (``cpu``) and per answered request in ms
        (``cpu_ms_per_request``, with ``total``), the clients' and other processes'
        CPU seconds.
    """
    totals: dict[str, dict[str, Any]] = {t.name: _zero() for t in targets}
    for w in range(plan.windows):
        for target in rotate(targets, w):
            before = deployment.cpu_by_role()
            part = window(target, queries, cold, plan, None)
            after = deployment.cpu_by_role()
            total = totals[target.name]
            for key in ("done", "failed", "hits", "seconds", "client_cpu", "other_cpu"):
                total[key] += part[key]
            for role in ROLES:
                total["cpu"][role] += after[role] - before[role]
            total["windows"] += 1
            print(
                f"    window {w + 1}/{plan.windows} {target.name:10} "
                f"{part['done'] / part['seconds']:8.1f} q/s ({part['failed']:g} failed, "
                f"{part['hits']:g} cache hits)",
                file=sys.stderr,
                flush=True,
            )
    for total in totals.values():
        done = total["done"]
        total["qps"] = done / total["seconds"] if total["seconds"] else math.nan
        per = {role: 1000 * cpu / done if done else math.nan for role, cpu in total["cpu"].items()}
        per["total"] = sum(per.values())
        total["cpu_ms_per_request"] = per
    return totals


def _zero() -> dict[str, Any]:
    return {
        "done": 0,
        "failed": 0,
        "hits": 0,
        "seconds": 0.0,
        "client_cpu": 0.0,
        "other_cpu": 0.0,
        "windows": 0,
        "cpu": dict.fromkeys(ROLES, 0.0),
    }
