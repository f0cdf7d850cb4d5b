"""Time and peak memory of writing the dumps, side by side with ``oxigraph dump``.

At each size (100 000 and 1 000 000 triples of generated data by default) the
same data, the N-Quads that the build makes of the generated TriG (derived graph
included), is loaded once (not measured) into two on-disk Oxigraph stores: one
with the named graphs as they are (``quads``), one with their union in the default
graph (``union``, for the formats that carry triples only). Then, each in a child
process of its own (time: wall clock, interpreter start included; memory: the
child's ``ru_maxrss``):

- ``oxigraph-dump``: ``oxigraph dump`` (PyPI ``oxigraph``, the same 0.5 engine)
  of each format: ``nq``, ``trig``, ``jsonld`` from ``quads``; ``nt`` and ``ttl``
  from ``union --graph default``. Unsorted, no canonical labels, no gzip.
- ``oxigraph-query``: ``oxigraph query --union-default-graph`` of a ``CONSTRUCT``
  of every triple: what computing the union (as partnergraph's ``nt`` does) costs
  Oxigraph.
- ``pg``: partnergraph opens ``quads`` read-only and writes one format the way a
  release does (canonical form, sorted, header and prefixes, then gzip). The
  ``plain`` figure leaves out the gzip phase, the one Oxigraph does not do.
- ``pg-union``: the same for ``nt`` and ``ttl`` from ``union``: the very store
  ``oxigraph dump`` reads for them.
- ``pg-release``: the whole release from ``quads`` (read-only): every format, each
  gzipped, ``SHA256SUMS``, both manifests.
- ``pg-release-memory``: the same from a store in memory, as the build has it
  (the phase ``load`` reads the N-Quads into it and is left out of ``plain``).

Usage::

    python benchmarks/dumps.py                      # 100 000 and 1 000 000 triples
    python benchmarks/dumps.py --sizes 100000
    python benchmarks/dumps.py --repeat 3            # on a busy machine: the fastest of 3

Data and stores go to ``benchmarks/data/dumps/<size>/`` (gitignored), results to
``benchmarks/results/dumps-<time>.json`` beside the printed table.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

FORMATS = ("nq", "nt", "ttl", "trig", "jsonld")
QUAD_FORMATS = ("nq", "trig", "jsonld")
TARGET = 1.5  # pg within 1.5x of oxigraph dump for N-Triples and N-Quads
BUILT = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass
class Run:
    """One measurement.

    Attributes:
        size: the target number of triples.
        engine: ``oxigraph-dump``, ``oxigraph-query``, ``pg``, ``pg-release``…
        format: the format written (``all`` for a release).
        seconds: wall-clock time of the child process.
        peak_mib: its peak resident memory.
        phases: seconds per phase, as a partnergraph child reports them.
        bytes: the size of what was written.
        times: the time of every round (``--repeat``); ``seconds`` is the fastest.
    """

    size: int
    engine: str
    format: str
    seconds: float = 0.0
    peak_mib: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)
    bytes: int = 0
    times: list[float] = field(default_factory=list)

    @property
    def plain(self) -> float:
        """Seconds without the phases Oxigraph does not do (gzip, loading into memory)."""
        return self.seconds - self.phases.get("gzip", 0.0) - self.phases.get("load", 0.0)


# ---- the children ----------------------------------------------------------------------


def child_format(fmt: str, location: Path, out: Path) -> dict[str, Any]:
    """Write one format as a release does, from a read-only on-disk store."""
    import pyoxigraph as ox

    from partnergraph.dumps import canonicalize, serialise
    from partnergraph.dumps.dataset import describe_dataset, header
    from partnergraph.namespaces import Namespaces
    from partnergraph.settings import Settings

    phases: dict[str, float] = {}
    mark = time.perf_counter()
    store = ox.Store.read_only(str(location))
    canonical = canonicalize(store)
    phases["canonical"] = time.perf_counter() - mark
    mark = time.perf_counter()
    settings = Settings()
    ns = Namespaces(settings.base_iri)
    version = canonical.version()
    target = out / f"partnergraph.{fmt}"
    if fmt == "nq":
        serialise.write_lines(canonical.quads, target)
    elif fmt == "nt":
        serialise.write_lines(canonical.triples(), target)
    else:
        info = describe_dataset(store, ns, settings.licence)
        text = header(info, version[:12], version, "benchmark")
        if fmt == "ttl":
            triples = canonical.triples()
            prefixes = serialise.candidate_prefixes(ns, triples)
            target.write_bytes(serialise.turtle(triples, prefixes, text))
        elif fmt == "trig":
            prefixes = serialise.candidate_prefixes(ns, canonical.quads)
            target.write_bytes(serialise.trig(canonical.by_graph(), prefixes, text))
        else:
            target.write_bytes(serialise.jsonld(canonical.by_graph()))
    phases["write"] = time.perf_counter() - mark
    mark = time.perf_counter()
    serialise.write_gzip(target, target.with_name(target.name + ".gz"))
    phases["gzip"] = time.perf_counter() - mark
    return {"phases": phases, "bytes": target.stat().st_size}


def child_release(location: Path, out: Path, memory: Path | None) -> dict[str, Any]:
    """Write a whole release from the on-disk store, or from one in memory."""
    import pyoxigraph as ox

    from partnergraph.dumps import write_release
    from partnergraph.settings import Settings

    phases: dict[str, float] = {}
    mark = time.perf_counter()
    if memory is not None:
        store = ox.Store()
        store.bulk_load(path=str(memory), format=ox.RdfFormat.N_QUADS)
        phases["load"] = time.perf_counter() - mark
    else:
        store = ox.Store.read_only(str(location))
    mark = time.perf_counter()
    release = write_release(store, Settings(), BUILT, out)
    phases["release"] = time.perf_counter() - mark
    written = sum(f.bytes for f in release.files)
    return {"phases": phases, "bytes": written, "quads": release.quads}


def child_prepare(data: Path, folder: Path) -> dict[str, Any]:
    """The build's N-Quads of the generated TriG, and the union of its graphs."""
    from partnergraph.dumps import canonicalize, serialise
    from partnergraph.settings import Settings
    from partnergraph.validation import load_data

    store, _ = load_data([data], Settings())
    canonical = canonicalize(store)
    serialise.write_lines(canonical.quads, folder / "partnergraph.nq")
    triples = canonical.triples()
    serialise.write_lines(triples, folder / "union.nt")
    return {"quads": len(canonical.quads), "triples": len(triples)}


# ---- the parent ------------------------------------------------------------------------


def measure(command: list[str]) -> tuple[float, float, str]:
    """Run a command; return (seconds, peak MiB, stdout). A failure stops the benchmark."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, cwd=ROOT, text=True)
    output = process.stdout.read() if process.stdout else ""
    _pid, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(command)} failed")
    return elapsed, usage.ru_maxrss / 1024, output


def oxigraph() -> str:
    """The ``oxigraph`` command beside this Python."""
    found = Path(sys.executable).with_name("oxigraph")
    return str(found) if found.exists() else shutil.which("oxigraph") or "oxigraph"


def prepare(size: int, data_root: Path) -> Path:
    """The folder of a size with its N-Quads and both stores, made when missing."""
    import validate

    trig = validate.data_file(size, 0, data_root)
    folder = data_root / "dumps" / str(size)
    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / "union.nt").exists():
        me = [sys.executable, __file__, "--child", "prepare", str(trig), str(folder)]
        print(measure(me)[2].strip(), file=sys.stderr)
    for name, source in (("quads", "partnergraph.nq"), ("union", "union.nt")):
        if not (folder / name).exists():
            measure(
                [
                    oxigraph(),
                    "load",
                    "--location",
                    str(folder / name),
                    "--file",
                    str(folder / source),
                ]
            )
    return folder


def run_all(size: int, folder: Path, repeat: int) -> list[Run]:
    """Every measurement at one size, ``repeat`` rounds; each run's fastest round.

    On a machine shared with other work the fastest of a few rounds is the figure
    least disturbed by it; every round's time is kept in ``times``.
    """
    rounds = [_round(size, folder) for _ in range(repeat)]
    best = []
    for runs in zip(*rounds, strict=True):
        fastest = min(runs, key=lambda r: r.seconds)
        fastest.times = [r.seconds for r in runs]
        fastest.peak_mib = max(r.peak_mib for r in runs)
        best.append(fastest)
    return best


def _round(size: int, folder: Path) -> list[Run]:
    """Every measurement at one size once, the engines interleaved format by format."""
    runs = []
    scratch = folder / "out"
    for fmt in FORMATS:
        engines = ["oxigraph-dump", "pg"] + ([] if fmt in QUAD_FORMATS else ["pg-union"])
        for engine in engines:
            shutil.rmtree(scratch, ignore_errors=True)
            scratch.mkdir()
            target = scratch / f"partnergraph.{fmt}"
            if engine == "oxigraph-dump":
                location = folder / ("quads" if fmt in QUAD_FORMATS else "union")
                command = [oxigraph(), "dump", "--location", str(location), "--file", str(target)]
                command += [] if fmt in QUAD_FORMATS else ["--graph", "default"]
            else:
                store = folder / ("union" if engine == "pg-union" else "quads")
                command = [sys.executable, __file__, "--child", "format", fmt, str(store)]
                command.append(str(scratch))
            runs.append(_run(size, engine, fmt, command, target))
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir()
    query = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    command = [oxigraph(), "query", "--location", str(folder / "quads"), "--union-default-graph"]
    command += ["--query", query, "--results-file", str(scratch / "union.nt")]
    runs.append(_run(size, "oxigraph-query", "nt", command, scratch / "union.nt"))
    for engine, memory in (("pg-release", None), ("pg-release-memory", folder / "partnergraph.nq")):
        shutil.rmtree(scratch, ignore_errors=True)
        command = [
            sys.executable,
            __file__,
            "--child",
            "release",
            str(folder / "quads"),
            str(scratch),
        ]
        command += [str(memory)] if memory else []
        runs.append(_run(size, engine, "all", command, None))
    shutil.rmtree(scratch, ignore_errors=True)
    return runs


def _run(size: int, engine: str, fmt: str, command: list[str], target: Path | None) -> Run:
    seconds, peak, output = measure(command)
    run = Run(size, engine, fmt, round(seconds, 2), round(peak, 1))
    if output.strip():
        report = json.loads(output.strip().splitlines()[-1])
        run.phases = {k: round(v, 2) for k, v in report["phases"].items()}
        run.bytes = report["bytes"]
    elif target is not None:
        run.bytes = target.stat().st_size
    print(f"{size} {engine} {fmt}: {run.seconds} s, {run.peak_mib} MiB", file=sys.stderr)
    return run


def table(runs: list[Run]) -> str:
    """The runs as a text table, with partnergraph's ratio to ``oxigraph dump``."""
    lines = [
        f"{'triples':>9}  {'engine':<18} {'format':<6} {'time s':>7} {'plain s':>7} "
        f"{'peak MiB':>8} {'MB out':>7} {'ratio':>6}  phases (s)"
    ]
    peers = {(r.size, r.format): r for r in runs if r.engine == "oxigraph-dump"}
    for r in runs:
        peer = peers.get((r.size, r.format))
        ratio = f"{r.plain / peer.seconds:.2f}x" if r.engine.startswith("pg") and peer else "-"
        phases = ", ".join(f"{k} {v}" for k, v in r.phases.items())
        lines.append(
            f"{r.size:>9}  {r.engine:<18} {r.format:<6} {r.seconds:>7.2f} {r.plain:>7.2f} "
            f"{r.peak_mib:>8.0f} {r.bytes / 1e6:>7.1f} {ratio:>6}  {phases}"
        )
    for size in sorted({r.size for r in runs}):
        dumps = [r for r in runs if r.size == size and r.engine == "oxigraph-dump"]
        total = sum(r.seconds for r in dumps)
        peak = max((r.peak_mib for r in dumps), default=0)
        name = "oxigraph-dump x5"
        lines.append(f"{size:>9}  {name:<18} {'all':<6} {total:>7.2f} {total:>7.2f} {peak:>8.0f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--data", type=Path, default=ROOT / "benchmarks" / "data")
    parser.add_argument("--repeat", type=int, default=1, help="rounds; the fastest is kept")
    args = parser.parse_args(argv)
    if args.child:
        kind, *rest = args.child
        if kind == "format":
            result = child_format(rest[0], Path(rest[1]), Path(rest[2]))
        elif kind == "release":
            memory = Path(rest[2]) if len(rest) > 2 else None
            result = child_release(Path(rest[0]), Path(rest[1]), memory)
        else:
            result = child_prepare(Path(rest[0]), Path(rest[1]))
        print(json.dumps(result))
        return 0
    runs: list[Run] = []
    for size in args.sizes:
        runs += run_all(size, prepare(size, args.data), args.repeat)
    import pyoxigraph

    version = subprocess.run(
        [oxigraph(), "--version"], check=True, capture_output=True, text=True
    ).stdout
    machine = (
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"pyoxigraph {pyoxigraph.__version__}, {version.strip()}"
    )
    print(f"partnergraph dumps benchmark ({machine})\n")
    print(table(runs))
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    body = {
        "machine": machine,
        "target": TARGET,
        "runs": [{**asdict(r), "plain": round(r.plain, 2)} for r in runs],
    }
    (out / f"dumps-{stamp}.json").write_text(json.dumps(body, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
