"""The data every engine of a size serves: generated, built, and laid out for Oxigraph."""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox

from .common import BENCH, BIN, ROOT
from .engines import Setup


def prepare_data(size: int, args: argparse.Namespace, build: bool = True) -> Setup:
    """Generate (when missing) and build the data of one size (``build``: with
    ``partnergraph build``; otherwise the partnergraph servers' own build is used)."""
    sys.path.insert(0, str(BENCH))
    import generate  # benchmarks/generate.py

    work = args.workdir / str(size)
    work.mkdir(parents=True, exist_ok=True)
    trig = generate.output_path(size, 0, "trig", args.data)
    if not trig.exists():
        print(f"generating {trig} ...", file=sys.stderr)
        generate.main(["--triples", str(size), "--out", str(args.data)])
    graph_dir = work / "graph"  # a folder holding only the generated file
    graph_dir.mkdir(exist_ok=True)
    for old in graph_dir.iterdir():
        old.unlink()
    (graph_dir / trig.name).symlink_to(trig.resolve())
    out = work / "build"
    if not build:
        return Setup(size, trig, graph_dir, out / "partnergraph.nq", work, args)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARTNERGRAPH_")}
    env.update({"PARTNERGRAPH_GRAPH_DIR": str(graph_dir), "PARTNERGRAPH_OUTPUT_DIR": str(out)})
    print(f"building {trig.name} ...", file=sys.stderr)
    started = time.monotonic()
    done = subprocess.run(
        [str(BIN / "partnergraph"), "build"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=args.startup_timeout,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(
            f"partnergraph build failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
        )
    print(f"  {done.stderr.strip()} in {time.monotonic() - started:.1f} s", file=sys.stderr)
    return Setup(size, trig, graph_dir, out / "partnergraph.nq", work, args)


def build_digest(path: Path) -> str:
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def write_served(setup: Setup) -> None:
    """Write ``setup.served_file`` with partnergraph's own store loader."""
    sys.path.insert(0, str(ROOT))
    from partnergraph.store.oxigraph import add_union_default_graph

    store = ox.Store()
    store.bulk_load(path=str(setup.data_file), format=ox.RdfFormat.N_QUADS)
    add_union_default_graph(store)
    store.dump(output=str(setup.served_file), format=ox.RdfFormat.N_QUADS)
