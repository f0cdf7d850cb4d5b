"""The store backends are chosen by name through one registry
(:mod:`partnergraph.store.registry`): each names its class, which opens, loads and
closes its stores; the settings, the query service and the write path ask the
registry what a backend can do instead of comparing names."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from partnergraph.errors import ConfigurationError
from partnergraph.formats import by_key
from partnergraph.settings import load
from partnergraph.store import BACKENDS, open_store, store_class, store_spec
from partnergraph.store.base import QueryForm, QueryRequest

from .paths import ROOT

#: What every store class offers (the Store protocol and the StoreOpener protocol).
METHODS = ("spec", "open", "replace", "query", "count", "close")


@pytest.mark.parametrize("name", sorted(BACKENDS))
def test_every_backend_names_a_class_that_opens_loads_and_closes(name: str) -> None:
    cls = store_class(name)
    assert cls.backend == name  # type: ignore[attr-defined]
    for method in METHODS:
        assert callable(getattr(cls, method, None)), (name, method)
    assert inspect.ismethod(cls.spec)  # classmethods
    assert inspect.ismethod(cls.open)


@pytest.mark.parametrize("name", ["oxigraph", "memory"])
def test_an_embedded_store_is_opened_from_its_spec_and_answers(name: str, tmp_path: Path) -> None:
    data = tmp_path / "data.nq"
    data.write_text(
        '<https://example.org/a> <https://example.org/p> "x" <https://example.org/g> .\n',
        encoding="utf-8",
    )
    settings = load({"store": name}, environ={})
    spec = store_spec(settings, data)
    assert spec.backend == name
    assert spec.data_file == data
    store = open_store(spec, settings)
    try:
        assert store.count() == 1
        fmt = by_key("json")
        assert fmt is not None
        answer = store.query(QueryRequest('ASK { ?s ?p "x" }', QueryForm.ASK), fmt)
        assert b"true" in answer.body
    finally:
        store.close()
        store.close()  # closing twice does nothing


def test_an_unknown_backend_is_refused_with_the_names_there_are() -> None:
    with pytest.raises(ConfigurationError) as refused:
        load({"store": "virtuosoo"}, environ={})
    message = str(refused.value)
    assert "'virtuosoo'" in message
    assert all(repr(name) in message for name in BACKENDS)


def test_a_backend_without_the_settings_it_needs_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="store 'remote' needs remote_endpoint"):
        load({"store": "remote"}, environ={})


def test_the_setting_s_help_lists_every_backend() -> None:
    from partnergraph.settings import Settings

    help_text = Settings.__dataclass_fields__["store"].metadata["help"]
    assert all(f"'{name}'" in help_text for name in BACKENDS)


def test_no_module_compares_backend_names_but_the_registry_and_the_backends() -> None:
    """The one-registry rule: outside ``store/``, code asks the registry what a
    backend can do (``in_process``, ``writable``) and never tests its name."""
    names = "|".join(BACKENDS)
    compared = re.compile(r"""(==|!=|\bin)\s*[({]?\s*["'](""" + names + r""")["']""")
    found = []
    for path in sorted((ROOT / "partnergraph").rglob("*.py")):
        if path.parent.name == "store":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if compared.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []
