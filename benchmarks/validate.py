"""Time and peak memory of validating generated data, engine by engine, size by size.

Each measurement runs in a child process of its own; its peak memory is the
child's ``ru_maxrss`` (from ``os.wait4``), so one run never inflates another.
Measured, at each size (10 000, 100 000 and 1 000 000 triples by default):

- ``pyshacl-rdflib``: pySHACL over an rdflib graph of the union of the named graphs
  (what ``partnergraph validate --validator pyshacl`` runs);
- ``pyshacl-store``: pySHACL over the pyoxigraph store itself;
- ``compiled``: the shapes compiled to SPARQL, run by Oxigraph;
- ``validate``: the whole ``partnergraph validate --validator compiled FILE`` command,
  from interpreter start to report: parsing, the derived graph, validation, the
  report. This is the figure the 20 s / 2 GiB target is about.

For the three engines the child reports its phases (loading: parse and derived
graph; converting to rdflib; validating) and the number of findings, which must
be the same for every engine on the same data.

Usage::

    python benchmarks/validate.py                       # all sizes, all engines
    python benchmarks/validate.py --skip-slow 100000    # no pySHACL above 100 000
    python benchmarks/validate.py --sizes 10000 --violations 12

Data files come from ``benchmarks/generate.py`` (made when missing) into
``benchmarks/data/``; results are also written to ``benchmarks/results/``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

ENGINES = ("pyshacl-rdflib", "pyshacl-store", "compiled", "validate")
PYSHACL = {"pyshacl-rdflib", "pyshacl-store"}


@dataclass
class Result:
    """One measurement.

    Attributes:
        size: the target number of triples.
        engine: one of :data:`ENGINES`.
        seconds: wall-clock time of the child process (None if it did not finish).
        peak_mib: the child's peak resident memory in MiB.
        findings: how many validation results (None for the command, or on failure).
        phases: seconds per phase, as the child reports them.
        status: ``ok``, ``timeout``, ``skipped`` or ``failed``.
    """

    size: int
    engine: str
    seconds: float | None = None
    peak_mib: float | None = None
    findings: int | None = None
    phases: dict[str, float] | None = None
    status: str = "ok"


# ---- the child ------------------------------------------------------------------------


def child(engine: str, data: Path, shapes_dir: Path) -> dict[str, Any]:
    """Run one engine once (in this process) and report phases and findings."""
    from partnergraph.settings import Settings
    from partnergraph.terms import rdflib_graph
    from partnergraph.validation import load_data, load_shapes

    phases: dict[str, float] = {}
    start = time.perf_counter()
    shapes, _ = load_shapes([shapes_dir])
    store, _ = load_data([data], Settings())
    phases["load"] = time.perf_counter() - start
    mark = time.perf_counter()
    if engine == "compiled":
        from partnergraph.validation.compiled import compile_shapes

        findings = compile_shapes(shapes).run(store)
    else:
        from partnergraph.validation.pyshacl_engine import validate_with_pyshacl

        target: Any = store
        if engine == "pyshacl-rdflib":
            target = rdflib_graph(store)
            phases["to rdflib"] = time.perf_counter() - mark
            mark = time.perf_counter()
        findings = validate_with_pyshacl(target, shapes)
    phases["validate"] = time.perf_counter() - mark
    return {"phases": phases, "findings": len(findings)}


# ---- the parent -----------------------------------------------------------------------


def measure(command: list[str], timeout: float) -> tuple[float | None, float, str, str]:
    """Run a command; return (seconds or None on timeout, peak MiB, stdout, status)."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=ROOT, text=True
    )
    timer = threading.Timer(timeout, process.kill)
    timer.start()
    output = process.stdout.read() if process.stdout else ""
    _pid, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    timer.cancel()
    process.returncode = os.waitstatus_to_exitcode(status)
    peak = usage.ru_maxrss / 1024  # kilobytes on Linux
    if process.returncode < 0 and elapsed >= timeout:
        return None, peak, output, "timeout"
    return elapsed, peak, output, "ok" if process.returncode in (0, 1) else "failed"


def data_file(size: int, violations: int, folder: Path) -> Path:
    """The generated data file of a size, generated if missing."""
    import generate

    path = generate.output_path(size, violations, "trig", folder)
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        dataset = generate.generate(size, violations)
        with path.open("w", encoding="utf-8") as out:
            out.writelines(dataset.trig())
    return path


def run_one(size: int, engine: str, data: Path, shapes: Path, timeout: float) -> Result:
    """Measure one engine at one size."""
    if engine == "validate":
        command = [
            str(Path(sys.executable).with_name("partnergraph")),
            "validate",
            "--validator",
            "compiled",
            "--shapes",
            str(shapes),
            str(data),
        ]
    else:
        command = [sys.executable, __file__, "--child", engine, str(data), str(shapes)]
    seconds, peak, output, status = measure(command, timeout)
    result = Result(size, engine, seconds, round(peak, 1), status=status)
    if engine != "validate" and status == "ok":
        report = json.loads(output.strip().splitlines()[-1])
        result.findings = report["findings"]
        result.phases = {k: round(v, 2) for k, v in report["phases"].items()}
    return result


def table(results: list[Result]) -> str:
    """The results as a text table, with time ratios against pySHACL over rdflib."""
    lines = [
        f"{'triples':>9}  {'engine':<15} {'time s':>8} {'peak MiB':>9} {'findings':>8} "
        f"{'vs rdflib':>9}  phases (s)",
    ]
    by_size: dict[int, dict[str, Result]] = {}
    for r in results:
        by_size.setdefault(r.size, {})[r.engine] = r
    for size, runs in by_size.items():
        reference = runs.get("pyshacl-rdflib")
        for engine in ENGINES:
            found_result = runs.get(engine)
            if found_result is None:
                continue
            r = found_result
            seconds = f"{r.seconds:.2f}" if r.seconds is not None else r.status
            peak = f"{r.peak_mib:.0f}" if r.peak_mib is not None and r.status != "skipped" else "-"
            found = str(r.findings) if r.findings is not None else "-"
            ratio = "-"
            if reference and reference.seconds and r.seconds and engine != "pyshacl-rdflib":
                ratio = f"{reference.seconds / r.seconds:.1f}x"
            phases = ", ".join(f"{k} {v}" for k, v in (r.phases or {}).items())
            lines.append(
                f"{size:>9}  {engine:<15} {seconds:>8} {peak:>9} {found:>8} {ratio:>9}  {phases}"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--child", nargs=3, metavar=("ENGINE", "DATA", "SHAPES"), help=argparse.SUPPRESS
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--engines", nargs="+", choices=ENGINES, default=list(ENGINES))
    parser.add_argument(
        "--skip-slow",
        type=int,
        metavar="TRIPLES",
        help="skip the pySHACL runs above this size (they take hours at 1 000 000)",
    )
    parser.add_argument("--violations", type=int, default=0, help="faults planted in the data")
    parser.add_argument("--shapes", type=Path, default=ROOT / "shapes", help="shapes folder")
    parser.add_argument("--data", type=Path, default=ROOT / "benchmarks" / "data")
    parser.add_argument("--timeout", type=float, default=3 * 3600, help="seconds per run")
    args = parser.parse_args(argv)
    if args.child:
        engine, data, shapes = args.child
        print(json.dumps(child(engine, Path(data), Path(shapes))))
        return 0
    results = []
    for size in args.sizes:
        data = data_file(size, args.violations, args.data)
        for engine in args.engines:
            if engine in PYSHACL and args.skip_slow is not None and size > args.skip_slow:
                results.append(Result(size, engine, status="skipped"))
                continue
            result = run_one(size, engine, data, args.shapes, args.timeout)
            results.append(result)
            print(f"{size} {engine}: {result.status} {result.seconds}", file=sys.stderr)
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    print(f"partnergraph validation benchmark ({machine})\n")
    print(table(results))
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (out / f"validate-{stamp}.json").write_text(
        json.dumps({"machine": machine, "results": [asdict(r) for r in results]}, indent=2)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
