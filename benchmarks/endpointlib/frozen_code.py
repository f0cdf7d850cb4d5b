"""The copy of partnergraph a benchmark run runs: frozen at the run's start, from the
work tree or from a git commit, and a record of which it was."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from .common import ROOT


def freeze_code(workdir: Path, commit: str | None = None) -> Path:
    """A copy of the ``partnergraph`` package and of ``deploy/`` for this run: every
    partnergraph process runs in it (its working directory, where ``python -m`` finds
    the package first, and its ``PYTHONPATH``). A build's inputs include the package's
    code, so an edit made elsewhere during the run would otherwise make the next
    deployment build again, and the replicas of one run could run different code.

    Args:
        workdir: the run's folder; the copy goes to its ``code/``.
        commit: copy the two folders as this git commit has them (``git archive``, which
            changes nothing in the repository) instead of as the work tree has them.
    """
    code = workdir / "code"
    shutil.rmtree(code, ignore_errors=True)
    if commit is None:
        ignore = shutil.ignore_patterns("__pycache__")
        for folder in ("partnergraph", "deploy"):
            shutil.copytree(ROOT / folder, code / folder, ignore=ignore)
    else:
        code.mkdir(parents=True)
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", "--format=tar", commit, "partnergraph", "deploy"],
            capture_output=True,
            check=True,
        )
        subprocess.run(["tar", "-x", "-C", str(code)], input=archive.stdout, check=True)
    sys.path.insert(0, str(code))
    return code


def code_version(commit: str | None) -> dict[str, Any]:
    """Which code a run ran: the commit, and whether the work tree's copy was taken
    with uncommitted changes to ``partnergraph/`` or ``deploy/``."""
    head = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", commit or "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    if commit is not None:
        return {"from": "commit", "commit": head}
    changed = subprocess.run(
        ["git", "-C", str(ROOT), "status", "--porcelain", "--", "partnergraph", "deploy"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.split("\n")
    return {"from": "work tree", "head": head, "uncommitted": [c for c in changed if c]}
