"""``partnergraph deploy`` refuses, before it starts anything, readers whose engine is
not installed: otherwise each reader would fail at start and be started again every
two seconds, and the deployment would never answer."""

from __future__ import annotations

from pathlib import Path

import pytest

from partnergraph.deploy import DeployOptions, deploy
from partnergraph.errors import ConfigurationError
from partnergraph.settings import load


@pytest.mark.parametrize(
    ("reader_store", "named"),
    [("virtuoso-server", "Virtuoso is not installed"), ("oxigraph-server", "`oxigraph`")],
)
def test_readers_on_an_engine_that_is_not_installed_are_refused_first(
    reader_store: str, named: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    nothing = tmp_path / "bin"
    nothing.mkdir()
    monkeypatch.setenv("PATH", str(nothing))
    monkeypatch.setattr("sys.executable", str(nothing / "python"))  # no oxigraph beside it
    settings = load({"output_dir": tmp_path / "out"}, environ={})
    with pytest.raises(ConfigurationError, match=f"--reader-store {reader_store}: .*{named}"):
        deploy(settings, DeployOptions(reader_store=reader_store))
    assert not (tmp_path / "out" / "deploy").exists()  # nothing was started or written
