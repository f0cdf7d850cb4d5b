"""One benchmark run over several data sizes: the frozen code, the results document
written after each size, the report printed, the engines stopped at the end."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .common import BENCH
from .engines import RUNNING, stop_group, stop_on_signals
from .frozen_code import code_version, freeze_code


def machine() -> dict[str, Any]:
    """The machine a run ran on: cores, CPU model, HAProxy and Python versions."""
    model = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    haproxy = subprocess.run(["haproxy", "-v"], capture_output=True, text=True, check=False)
    return {
        "cpus": os.cpu_count(),
        "cpu": model,
        "haproxy": haproxy.stdout.splitlines()[0] if haproxy.stdout else "",
        "python": sys.version.split()[0],
    }


def run_sizes(
    name: str,
    args: argparse.Namespace,
    run_size: Callable[[int, Path], dict[str, Any]],
    report: Callable[[dict[str, Any]], str],
    argv: Sequence[str],
) -> int:
    """Run ``run_size(size, code)`` for each of ``args.sizes`` on the code frozen for
    this run (``args.workdir``, ``args.code_commit``), writing the results document to
    ``args.out`` (else ``results/{name}-<time>.json``) after each size and printing
    ``report`` of it."""
    out = args.out or BENCH / "results" / time.strftime(f"{name}-%Y%m%d-%H%M%S.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    stop_on_signals()
    code = freeze_code(args.workdir, args.code_commit)
    document: dict[str, Any] = {
        "command": " ".join([Path(sys.executable).name, *argv]),
        "machine": machine(),
        "code": code_version(args.code_commit),
        "settings": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
        "sizes": [],
    }
    try:
        for size in args.sizes:
            document["sizes"].append(run_size(size, code))
            out.write_text(json.dumps(document, indent=1, default=str), encoding="utf-8")
            print(report(document["sizes"][-1]), flush=True)
    finally:
        for process in RUNNING:
            stop_group(process)
    print(f"machine: {document['machine']}")
    print(f"results: {out}")
    return 0
