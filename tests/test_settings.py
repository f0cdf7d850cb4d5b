"""Settings: defaults, environment, overrides, and documentation."""

from __future__ import annotations

from pathlib import Path

import pytest

from partnergraph.errors import ConfigurationError
from partnergraph.settings import documented, load

from .paths import ROOT


def test_defaults() -> None:
    settings = load(environ={})
    assert settings.base_iri == "https://w3id.org/partnergraph/"
    assert settings.personal_data is True
    assert settings.graph_dir == Path.cwd() / "graph"


def test_issue10_point1_relative_folders_are_absolute_against_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    settings = load(
        {"output_dir": "out", "dumps_dir": "releases", "store_dir": "store"},
        environ={"PARTNERGRAPH_QUERIES_DIR": "q"},
    )
    assert settings.output_dir == tmp_path / "out"
    assert settings.dumps_dir == str(tmp_path / "releases")
    assert settings.store_dir == str(tmp_path / "store")
    assert settings.queries_dir == tmp_path / "q"
    assert settings.graph_dir == tmp_path / "graph"
    assert load(environ={}).dumps_dir == ""  # empty still means {output_dir}/dumps


def test_environment_then_overrides() -> None:
    environ = {"PARTNERGRAPH_PERSONAL_DATA": "false", "PARTNERGRAPH_VALIDATOR": "pyshacl"}
    settings = load({"validator": "compiled"}, environ=environ)
    assert settings.personal_data is False
    assert settings.validator == "compiled"


@pytest.mark.parametrize(
    ("overrides", "environ", "fragment"),
    [
        ({}, {"PARTNERGRAPH_NOPE": "1"}, "unknown setting in environment: PARTNERGRAPH_NOPE"),
        ({"nope": 1}, {}, "unknown setting: nope"),
        ({}, {"PARTNERGRAPH_PERSONAL_DATA": "maybe"}, "expects true or false"),
        ({"base_iri": "https://example.org/x"}, {}, "ending with '/'"),
        ({"base_iri": "https://example.org/a b/"}, {}, "ending with '/'"),
        ({"validator": "fast"}, {}, "validator must be"),
    ],
)
def test_bad_values_are_named(
    overrides: dict[str, object], environ: dict[str, str], fragment: str
) -> None:
    with pytest.raises(ConfigurationError, match=fragment):
        load(overrides, environ=environ)


def test_every_setting_is_documented() -> None:
    text = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    for name, default, help_text in documented():
        assert help_text, name
        assert f"`{name}`" in text, f"docs/settings.md does not document {name}"
        assert f"`PARTNERGRAPH_{name.upper()}`" in text, name
        assert str(default).lower() in text.lower(), f"default of {name} not in docs"
