"""Snapshots on their own: made once per version, found by their inputs, switched,
held and pruned (partnergraph/snapshots.py)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from partnergraph import snapshots
from partnergraph.errors import ConfigurationError
from partnergraph.settings import Settings
from partnergraph.store.oxigraph import OxigraphStore

from .store_data import QUADS, write_nquads


@pytest.fixture
def settings(tiny_inputs: Settings) -> Settings:
    return tiny_inputs


def variant(tmp_path: Path, keep: int) -> Path:
    """The fixture's N-Quads with only the first ``keep`` lines: another version."""
    source = tmp_path / "full" / "partnergraph.nq"
    if not source.exists():
        source.parent.mkdir()
        write_nquads(source.parent)
    target = tmp_path / f"v{keep}" / "partnergraph.nq"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(b"".join(source.read_bytes().splitlines(keepends=True)[:keep]))
    return target


def test_issue11_a_snapshot_holds_the_store_and_its_counts(
    settings: Settings, tmp_path: Path
) -> None:
    (tmp_path / "build").mkdir()
    data = write_nquads(tmp_path / "build")
    made = snapshots.of_file(settings, data)
    assert made.folder == snapshots.folder(settings) / made.version
    assert made.quads == QUADS
    assert OxigraphStore.read_only(made.store).count() == QUADS
    assert snapshots.read(snapshots.folder(settings), made.version) == made
    again = snapshots.of_file(settings, data)  # the same version: nothing is written
    assert again.built == made.built
    assert not list(snapshots.folder(settings).glob(".new-*"))


def test_issue11_switch_resolve_and_current(settings: Settings, tmp_path: Path) -> None:
    older = snapshots.of_file(settings, variant(tmp_path, 10))
    newer = snapshots.of_file(settings, variant(tmp_path, 20))
    assert snapshots.current(settings) is None
    snapshots.switch(settings, older)
    assert snapshots.current_version(settings) == older.version
    assert snapshots.resolve(settings, newer.version[:8]) == newer
    with pytest.raises(ConfigurationError, match="no snapshot"):
        snapshots.resolve(settings, "ffffffffff")
    with pytest.raises(ConfigurationError):
        snapshots.resolve(settings, "")  # too short to choose


def test_issue11_prune_keeps_the_newest_the_current_and_the_held(
    settings: Settings, tmp_path: Path
) -> None:
    made = [snapshots.of_file(settings, variant(tmp_path, n)) for n in (5, 10, 15, 20, 25)]
    snapshots.switch(settings, made[0])  # the oldest is the one served
    held = snapshots.Hold(made[1].folder)  # a process has this one open
    (snapshots.folder(settings) / ".new-leftover").mkdir()  # a writer that died
    removed = snapshots.prune(settings, keep=2)
    versions = {s.version for s in snapshots.snapshots(settings)}
    assert made[0].version in versions  # current
    assert made[4].version in versions  # the newest (keep 2: the current and one more)
    assert made[1].version in versions  # held
    assert set(removed) == {made[2].version, made[3].version}
    assert not (snapshots.folder(settings) / ".new-leftover").exists()
    held.release()
    assert snapshots.prune(settings, keep=2) == [made[1].version]


def test_issue11_an_open_read_only_store_survives_being_pruned_only_when_held(
    settings: Settings, tmp_path: Path
) -> None:
    made = snapshots.of_file(settings, variant(tmp_path, 12))
    hold = snapshots.Hold(made.folder)
    store = ox.Store.read_only(str(made.store))
    assert snapshots.prune(settings, keep=1) == []  # not current, but held
    assert len(store) > 0
    del store
    hold.release()
    assert snapshots.prune(settings, keep=1) == [made.version]
