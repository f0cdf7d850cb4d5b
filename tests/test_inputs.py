"""The inputs' digest: any change to a build's inputs gives another (partnergraph/inputs.py)."""

from __future__ import annotations

import os

import pytest

from partnergraph.inputs import FileDigests, sources_digest
from partnergraph.settings import Settings, load


@pytest.fixture
def settings(tiny_inputs: Settings) -> Settings:
    return tiny_inputs


def test_issue11_the_inputs_digest_follows_every_change(settings: Settings) -> None:
    first = sources_digest(settings)
    assert sources_digest(settings) == first
    data = settings.graph_dir / "a.trig"
    stat = data.stat()
    data.write_text("# b\n", encoding="utf-8")  # same size...
    os.utime(data, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # ...and the old mtime
    changed = sources_digest(settings)
    assert changed != first
    (settings.shapes_dir / "new.ttl").write_text("", encoding="utf-8")
    assert sources_digest(settings) not in {first, changed}
    other = load({**_folders(settings), "base_iri": "https://example.org/"}, environ={})
    assert sources_digest(other) != sources_digest(settings)


def _folders(settings: Settings) -> dict[str, object]:
    return {
        "graph_dir": settings.graph_dir,
        "shapes_dir": settings.shapes_dir,
        "output_dir": settings.output_dir,
    }


def test_issue11_unchanged_files_are_not_read_again(settings: Settings) -> None:
    known = FileDigests.kept_for(settings)
    first = sources_digest(settings, known)
    known.save()
    data = settings.graph_dir / "a.trig"
    recorded = FileDigests.kept_for(settings)
    assert str(data.absolute()) in recorded.known
    entry = recorded.known[str(data.absolute())]
    recorded.known[str(data.absolute())] = [*entry[:4], "0" * 64]  # what a read would not give
    assert sources_digest(settings, recorded) != first  # the stat matched: not read again
