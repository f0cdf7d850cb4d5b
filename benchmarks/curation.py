"""A national association's twinning list imported from a spreadsheet.

A copy of the project (the real ``graph/``, ``shapes/``, ``queries/``) is built, and a
workbook is generated as an association would keep it, with Finnish headings:
``--municipalities`` generated Finnish municipalities (names with ä and ö, country
FI) on the municipalities sheet, the same number of generated partner towns abroad
(DE, SE, EE, HU), and ``--twinnings`` partnerships between them (each Finnish
municipality with two partners, type, start year, one source: the association's
list). Generated names stand for nothing real; the data lives only in the copy.

Timed from the command line, as a curator runs it (wall clock of the process):

1. ``partnergraph import LIST --dry-run``: read, match, compare, validate; nothing written;
2. ``partnergraph import LIST``: the same, then the commit (log, graph/ files, snapshot);
3. ``partnergraph import LIST`` again: must change nothing.

Checked: the dry run's RDF Patch is exactly the patch the change log records, and
the re-import writes no change. The issue's target is an import under 10 s on this
machine; it names no peer to run beside it (Wikidata's QuickStatements is a web
service), so the table gives the times and the counts.

Usage::

    python benchmarks/curation.py                      # 650 + 650 municipalities, 1 300 twinnings
    python benchmarks/curation.py --twinnings 5000

Results go to ``benchmarks/results/curation-<time>.json``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from openpyxl import Workbook

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SOURCE = "https://example.org/association/twinnings-2026"
ABROAD = (("DE", "Partnerstadt"), ("SE", "Vänort"), ("EE", "Sõpruslinn"), ("HU", "Testvérváros"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--twinnings", type=int, default=1300)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/pgperf/curation"))
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    project = _project(args.workdir)
    municipalities = (args.twinnings + 1) // 2
    workbook = project / "twinnings.xlsx"
    _generate(workbook, municipalities, args.twinnings)
    dry, dry_seconds = _run(project, "import", str(workbook), "--dry-run")
    patch = dry.stdout[dry.stdout.index("TX") :] if "TX" in dry.stdout else ""
    done, import_seconds = _run(project, "import", str(workbook), "--as", "association")
    logged = _last_patch(project)
    entries = _log_length(project)
    _again, again_seconds = _run(project, "import", str(workbook))
    result: dict[str, Any] = {
        "twinnings": args.twinnings,
        "new_municipalities": municipalities * 2,
        "dry_run_seconds": round(dry_seconds, 2),
        "import_seconds": round(import_seconds, 2),
        "reimport_seconds": round(again_seconds, 2),
        "quads": patch.count("\nA ") + patch.count("\nD "),
        "dry_run_patch_equals_logged": patch.strip() == logged.strip(),
        "reimport_changed_nothing": _log_length(project) == entries,
        "import_stderr": done.stderr.strip().splitlines()[-1:],
    }
    stamp = time.strftime("%Y%m%d-%H%M%S")
    out = args.out or ROOT / "benchmarks" / "results" / f"curation-{stamp}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"{'step':<28}{'seconds':>10}")
    for step in ("dry_run_seconds", "import_seconds", "reimport_seconds"):
        print(f"{step:<28}{result[step]:>10}")
    print(
        f"{result['quads']} quads; dry-run patch equals the logged one: "
        f"{result['dry_run_patch_equals_logged']}; re-import changed nothing: "
        f"{result['reimport_changed_nothing']}"
    )
    print(f"results in {out}")
    ok = result["dry_run_patch_equals_logged"] and result["reimport_changed_nothing"]
    return 0 if ok else 1


def _project(workdir: Path) -> Path:
    project = workdir / "project"
    shutil.rmtree(workdir, ignore_errors=True)
    project.mkdir(parents=True)
    for name in ("graph", "shapes", "queries"):
        shutil.copytree(ROOT / name, project / name)
    command = [str(BIN / "partnergraph"), "build"]
    subprocess.run(command, cwd=project, check=True, capture_output=True)
    return project


def _generate(path: Path, municipalities: int, twinnings: int) -> None:
    """The association's workbook, with Finnish headings (the template's)."""
    book = Workbook()
    places = book.active
    assert places is not None
    places.title = "Kunnat"
    places.append(["nimi (en)", "nimi (fi)", "maa", "lähde"])
    for i in range(municipalities):
        places.append([f"Järvelä-Öljylä {i}", f"Järvelä-Öljylä {i}", "FI", SOURCE])
        code, stem = ABROAD[i % len(ABROAD)]
        places.append([f"{stem} {i}", None, code, SOURCE])
    pairs = book.create_sheet("Kumppanuudet")
    pairs.append(["osapuoli 1", "osapuoli 2", "tyyppi", "alkamispäivä", "lähde"])
    for n in range(twinnings):
        home = n // 2
        partner = (home + n % 2 * 7) % municipalities
        code, stem = ABROAD[partner % len(ABROAD)]
        pairs.append(
            [
                f"jarvela-oljyla {home}",  # folded: accents and case do not matter
                f"{stem} {partner}",
                "ystävyyskaupunki",
                1950 + n % 70,
                SOURCE,
            ]
        )
    book.save(path)


def _run(project: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], float]:
    started = time.perf_counter()
    done = subprocess.run(
        [str(BIN / "partnergraph"), *args], cwd=project, capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - started
    if done.returncode not in (0,):
        sys.stderr.write(done.stdout[-3000:] + done.stderr[-3000:])
        raise SystemExit(f"partnergraph {' '.join(args)} exited {done.returncode}")
    return done, seconds


def _log_length(project: Path) -> int:
    return len((project / "changes" / "log.jsonl").read_text().splitlines())


def _last_patch(project: Path) -> str:
    lines = (project / "changes" / "log.jsonl").read_text().splitlines()
    patch = str(json.loads(lines[-1])["patch"]) if lines else ""
    return patch[patch.find("TX") :]


if __name__ == "__main__":
    sys.exit(main())
