"""`partnergraph dump`: a release from the command line, or nothing when the graph fails."""

from __future__ import annotations

from pathlib import Path

import pytest

from partnergraph.cli import main
from partnergraph.dumps import latest_release

from .paths import DATA

WEB = DATA / "web"


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in ("PARTNERGRAPH_DUMPS_DIR", "PARTNERGRAPH_DUMPS", "PARTNERGRAPH_PERSONAL_DATA"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


def test_dump_writes_a_release_and_names_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PARTNERGRAPH_GRAPH_DIR", str(WEB / "graph"))
    monkeypatch.setenv("PARTNERGRAPH_SHAPES_DIR", str(WEB / "shapes"))
    monkeypatch.setenv("PARTNERGRAPH_OUTPUT_DIR", str(tmp_path / "out"))
    assert main(["dump", "--out", str(tmp_path / "dumps")]) == 0
    release = latest_release(tmp_path / "dumps")
    assert release is not None
    assert f"release {release.id} in {tmp_path / 'dumps' / release.id}" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()  # dump writes the release only
    assert main(["dump", "--out", str(tmp_path / "dumps")]) == 0
    assert latest_release(tmp_path / "dumps") == release


def test_dump_writes_nothing_when_the_graph_does_not_conform(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PARTNERGRAPH_GRAPH_DIR", str(WEB / "invalid"))
    monkeypatch.setenv("PARTNERGRAPH_SHAPES_DIR", str(WEB / "shapes"))
    assert main(["dump", "--out", str(tmp_path / "dumps")]) == 1
    assert "violation" in capsys.readouterr().err
    assert not (tmp_path / "dumps").exists()
