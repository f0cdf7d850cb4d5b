"""How long the read replicas of ``partnergraph deploy`` take to move to a write's new
version, and what their clients see meanwhile.

Per data size (``generate.py``'s data, as ``replicas.py`` uses, laid out one curated
file per named graph, as writes lay files out; built once into
``{workdir}/{size}/out``) and per reader engine (``embedded``, ``oxigraph-server``,
``virtuoso-server``; skipped with the reason printed when it cannot run here),
``partnergraph deploy --readers 2`` is started and ``--threads`` client threads send
``ASK { ?s ?p ?o }`` through HAProxy, each one request after the other (``--pause``
seconds between). After ``--before`` seconds, ``--writes`` times: one SPARQL update
(an ``rdfs:comment`` on a source, in its graph) is sent through HAProxy with a token
made by ``partnergraph token create``, as a curator would; from its answer, a thread
per reader asks the reader's ``/-/health`` until it reports the write's version; then
``--after`` seconds more of load.

Measured per write: the write's seconds; each reader's seconds from the write's answer
to its health naming the new version; the client requests by window (before the
write; while it runs; from its answer until every reader moved; after), each with
p50/p99/max latency and failures; the requests started after the answer that were
answered from an older version; any client that saw an older version after a newer
one (there must be none); HAProxy's changes of server status (a reader marked DOWN).

Usage::

    python benchmarks/version_move.py                              # both sizes, every engine
    python benchmarks/version_move.py --sizes 10000 --writes 1     # a check

Results go to ``benchmarks/results/version-move-<time>.json`` beside a printed table.
See ``benchmarks/README.md``, section "Version move benchmark".
"""

from __future__ import annotations

import argparse
import itertools
import os
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx
import psutil
import pyoxigraph as ox
from endpointlib.common import BENCH, BIN
from endpointlib.deployments import Deployment
from endpointlib.markdown import table
from endpointlib.move_load import Answer, Load, StatusWatch, latency, watch_health
from endpointlib.runs import run_sizes
from endpointlib.throughput import busy_cpu_seconds
from replicas import READER_STORE, base_env, build, free_block, unavailable

ENGINES = ("embedded", "oxigraph-server", "virtuoso-server")
BASE = "https://w3id.org/partnergraph/"
#: The graph and the source the writes comment on (in every generated size).
GRAPH, SOURCE = BASE + "graph/gen-city-0", BASE + "id/source/gen-city-0"
WINDOWS = ("before", "write", "move", "after")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--engines", nargs="+", choices=ENGINES, default=list(ENGINES))
    parser.add_argument("--readers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4, help="client threads")
    parser.add_argument("--pause", type=float, default=0.02, help="seconds between requests")
    parser.add_argument("--writes", type=int, default=3, help="writes per deployment")
    parser.add_argument("--before", type=float, default=5.0, help="seconds of load first")
    parser.add_argument("--after", type=float, default=5.0, help="seconds after each move")
    parser.add_argument("--move-timeout", type=float, default=300.0, help="most seconds a move")
    parser.add_argument("--request-timeout", type=float, default=30.0, help="query time limit")
    parser.add_argument("--data", type=Path, default=BENCH / "data", help="generated data")
    parser.add_argument("--workdir", type=Path, default=BENCH / "data" / "version-move")
    parser.add_argument("--startup-timeout", type=float, default=1800.0, help="build, start")
    parser.add_argument("--out", type=Path, help="results file (default: results/version-move-…)")
    parser.add_argument(
        "--code-commit", help="run partnergraph as this git commit has it (default: work tree)"
    )
    args = parser.parse_args(argv)
    args.workdir, args.data = args.workdir.resolve(), args.data.resolve()
    args.concurrency = args.threads  # base_env's long queries per client
    return args


def project_graph(size: int, args: argparse.Namespace) -> Path:
    """``{workdir}/{size}/graph``: ``generate.py``'s data of ``size`` (generated when
    missing, as ``replicas.py`` does) one file per named graph (laid out once: the
    folder then holds the writes of earlier runs, and its snapshot is built already)."""
    sys.path.insert(0, str(BENCH))
    import generate  # benchmarks/generate.py

    trig = generate.output_path(size, 0, "trig", args.data)
    if not trig.exists():
        print(f"generating {trig} ...", file=sys.stderr)
        generate.main(["--triples", str(size), "--out", str(args.data)])
    graph_dir: Path = args.workdir / str(size) / "graph"
    graph_dir.mkdir(parents=True, exist_ok=True)
    done = graph_dir.parent / "graph-split-from"
    if done.exists() and done.read_text(encoding="utf-8") == trig.name:
        return graph_dir
    print(f"  laying {trig.name} out one file per graph ...", file=sys.stderr)
    for old in graph_dir.iterdir():
        old.unlink()
    graphs: dict[str, list[ox.Quad]] = {}
    for quad in ox.parse(path=str(trig), format=ox.RdfFormat.TRIG):
        assert isinstance(quad.graph_name, ox.NamedNode)
        graphs.setdefault(quad.graph_name.value, []).append(quad)
    for name, quads in graphs.items():
        data = ox.serialize(quads, format=ox.RdfFormat.TRIG)
        (graph_dir / (name.rsplit("/", 1)[-1] + ".trig")).write_bytes(data or b"")
    done.write_text(trig.name, encoding="utf-8")
    return graph_dir


def make_token(env: dict[str, str]) -> str:
    """A write token, made as a curator makes one."""
    done = subprocess.run(
        [str(BIN / "partnergraph"), "token", "create", "version-move", "--replace"],
        cwd=env["PYTHONPATH"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"partnergraph token create failed:\n{done.stderr[-2000:]}")
    return done.stdout.strip()


def update(text: str) -> str:
    """A SPARQL update adding one comment on the source of :data:`GRAPH`."""
    return (
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        f'INSERT DATA {{ GRAPH <{GRAPH}> {{ <{SOURCE}> rdfs:comment "{text}"@en }} }}\n'
    )


def run_engine(
    engine: str, env: dict[str, str], work: Path, token: str, args: argparse.Namespace
) -> dict[str, Any]:
    """One deployment of ``args.readers`` readers under load, and its writes."""
    log = work / "logs" / f"deploy-{engine}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    log.unlink(missing_ok=True)
    deployment = Deployment(args.readers, env, log, READER_STORE[engine])
    print(f"  {engine}: deploy --readers {args.readers}", file=sys.stderr, flush=True)
    deployment.start(free_block(args.readers + 2), args.startup_timeout)
    base = f"http://127.0.0.1:{deployment.port}"
    out: dict[str, Any] = {"startup_seconds": deployment.startup_seconds, "writes": []}
    auth = {"Authorization": f"Bearer {token}"}
    try:
        socket_path = deployment.state["haproxy"]["socket"]
        load = Load(base, args.threads, args.pause, args.request_timeout + 30)
        before = _cpu(deployment)
        with StatusWatch(socket_path) as status, load, httpx.Client(timeout=600) as http:
            time.sleep(args.before)
            for number in range(args.writes):
                out["writes"].append(one_write(deployment, http, auth, number, engine, args))
                time.sleep(args.after)
        out["status_changes"] = [
            {"at": at, "server": name, "status": what} for at, name, what in status.changes
        ]
        out["clients"] = summarise(load.seen, out["writes"], args)
        out["other_cpu"] = _other_cpu(before, _cpu(deployment))
        out["load_average"] = os.getloadavg()
    finally:
        deployment.stop()
    return out


def _cpu(deployment: Deployment) -> tuple[float, float, float]:
    """(monotonic time, the machine's busy CPU seconds, this deployment's and this
    process's CPU seconds)."""
    mine = psutil.Process().cpu_times()
    ours = sum(deployment.cpu_by_role().values()) + mine.user + mine.system
    return time.monotonic(), busy_cpu_seconds(), ours


def _other_cpu(
    before: tuple[float, float, float], after: tuple[float, float, float]
) -> dict[str, float]:
    """CPU seconds that anything else on the machine used between two readings, and
    their share of every core's time."""
    seconds = after[0] - before[0]
    other = max(0.0, (after[1] - before[1]) - (after[2] - before[2]))
    return {"seconds": seconds, "cpu": other, "share": other / (seconds * (os.cpu_count() or 1))}


def one_write(
    deployment: Deployment,
    http: httpx.Client,
    auth: dict[str, str],
    number: int,
    engine: str,
    args: argparse.Namespace,
) -> dict[str, Any]:
    """One update through HAProxy, then every reader's health until it has moved."""
    base = f"http://127.0.0.1:{deployment.port}"
    headers = auth | {"Content-Type": "application/sparql-update"}
    text = update(f"version move {engine} {number} {time.time_ns()}")
    sent = time.monotonic()
    written = http.post(base + "/sparql", content=text, headers=headers)
    answered = time.monotonic()
    if written.status_code != 200:
        raise RuntimeError(f"the write failed: {written.status_code} {written.text[:1000]}")
    version = written.json()["version"]
    readers = deployment.reader_entries()
    found: dict[str, dict[str, Any]] = {}
    deadline = answered + args.move_timeout

    def watch(entry: dict[str, Any]) -> None:
        found[entry["name"]] = watch_health(int(entry["port"]), version, answered, deadline)

    threads = [threading.Thread(target=watch, args=(entry,)) for entry in readers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    moved = [f["seconds"] for f in found.values()]
    if any(m is None for m in moved):
        raise RuntimeError(f"a reader did not move to {version} in {args.move_timeout} s: {found}")
    record = {
        "version": version,
        "sent": sent,
        "answered": answered,
        "write_seconds": answered - sent,
        "readers": found,
        "move_seconds": max(moved),
        "moved": answered + max(moved),
    }
    print(
        f"    write {number + 1}: answered in {record['write_seconds']:.2f} s, readers moved "
        f"{', '.join(f'{m:.2f}' for m in moved)} s after",
        file=sys.stderr,
        flush=True,
    )
    return record


def summarise(
    seen: list[list[Answer]], writes: list[dict[str, Any]], args: argparse.Namespace
) -> dict[str, Any]:
    """The requests by window (every write's windows together), the stale answers
    after a write's answer, and the clients that went back to an older version."""
    order = {w["version"][:32]: i + 1 for i, w in enumerate(writes)}
    windows: dict[str, list[Answer]] = {name: [] for name in WINDOWS}
    stale: list[float] = []
    for mine in seen:
        for answer in mine:
            for write in writes:
                window = _window(answer.started, write, args)
                if window:
                    windows[window].append(answer)
                if (
                    answer.version
                    and write["answered"] < answer.started
                    and order.get(answer.version, 0) < order[write["version"][:32]]
                ):
                    stale.append(answer.started - write["answered"])
    backwards = []
    for index, mine in enumerate(seen):
        ranks = [order.get(a.version, 0) for a in mine if a.version]
        drops = sum(1 for a, b in itertools.pairwise(ranks) if b < a)
        if drops:
            backwards.append({"client": index, "drops": drops})
    return {
        "windows": {name: latency(answers) for name, answers in windows.items()},
        "stale_after_answer": len(stale),
        "stale_latest_seconds_after_answer": max(stale, default=None),
        "went_back": backwards,
        "requests": sum(len(mine) for mine in seen),
    }


def _window(started: float, write: dict[str, Any], args: argparse.Namespace) -> str:
    """The window of ``write`` a request started at ``started`` falls in, or ''."""
    if write["sent"] - args.before <= started < write["sent"]:
        return "before"
    if write["sent"] <= started < write["answered"]:
        return "write"
    if write["answered"] <= started <= write["moved"]:
        return "move"
    if write["moved"] < started <= write["moved"] + args.after:
        return "after"
    return ""


def run_size(size: int, args: argparse.Namespace, code: Path) -> dict[str, Any]:
    graph_dir = project_graph(size, args)
    work = graph_dir.parent
    env = base_env(work, graph_dir, code, args)
    print(f"{size} triples: building ...", file=sys.stderr)
    built = build(env, args.startup_timeout)
    token = make_token(env)
    result: dict[str, Any] = {
        "size": size,
        "snapshot": built["version"],
        "build_seconds": built["seconds"],
        "engines": {},
        "skipped": {},
    }
    for engine in args.engines:
        reason = unavailable(engine)
        if reason:
            print(f"  {engine}: skipped: {reason}", file=sys.stderr)
            result["skipped"][engine] = reason
            continue
        result["engines"][engine] = run_engine(engine, env, work, token, args)
    return result


def report(result: dict[str, Any]) -> str:
    """The result of one size as a Markdown table (seconds and ms)."""
    header = ["engine", "write s", "moved s (each write)"]
    header += [f"{w} p50/p99/max ms" for w in WINDOWS]
    header += ["failed", "stale", "went back", "health check max s", "DOWN", "other CPU"]
    rows = []
    for engine, measured in result["engines"].items():
        writes = measured["writes"]
        windows = measured["clients"]["windows"]
        cells = [
            f"{_ms(windows[w]['p50'])} / {_ms(windows[w]['p99'])} / {_ms(windows[w]['max'])}"
            f" ({windows[w]['requests']})"
            for w in WINDOWS
        ]
        downs = [c for c in measured["status_changes"] if c["status"].startswith("DOWN")]
        checks = [r["longest_check"] for w in writes for r in w["readers"].values()]
        rows.append(
            [
                engine,
                " / ".join(f"{w['write_seconds']:.2f}" for w in writes),
                " / ".join(f"{w['move_seconds']:.2f}" for w in writes),
                *cells,
                str(sum(windows[w]["failed"] for w in WINDOWS)),
                str(measured["clients"]["stale_after_answer"]),
                str(len(measured["clients"]["went_back"])),
                f"{max(checks):.2f}",
                str(len(downs)),
                f"{measured['other_cpu']['share']:.1%}",
            ]
        )
    title = f"\n{result['size']} triples (requests per window in brackets)\n\n"
    skipped = "".join(f"\n{e}: skipped: {why}" for e, why in result["skipped"].items())
    return title + table(header, rows) + skipped


def _ms(seconds: float) -> str:
    return "-" if seconds != seconds else f"{seconds * 1000:.0f}"


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    return run_sizes(
        "version-move",
        args,
        lambda size, code: run_size(size, args, code),
        report,
        sys.argv if argv is None else ["version_move.py", *argv],
    )


if __name__ == "__main__":
    sys.exit(main())
