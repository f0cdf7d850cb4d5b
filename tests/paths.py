"""Where the tests find the project's files."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
BASE = "https://w3id.org/partnergraph/"
