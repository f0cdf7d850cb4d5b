"""The app factory: settings in order, state per app, no start on violations.

``server.create_app`` builds and validates the graph, opens the query service and
assembles the blueprints; importing ``server`` builds nothing.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from partnergraph.errors import ValidationFailed
from partnergraph.web.state import Served, State, state
from server import create_app

from .paths import DATA, ROOT
from .webapp import WEB, clean_environment, web_app, web_config

COUNT = "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a <https://schema.org/City> }"


def cities(client: FlaskClient) -> int:
    response = client.get("/sparql", query_string={"query": COUNT})
    assert response.status_code == 200
    return int(response.get_json()["results"]["bindings"][0]["n"]["value"])


def test_two_apps_in_one_process_do_not_share_state(tmp_path: Path) -> None:
    other_graph = DATA / "cli" / "valid.trig"
    with (
        web_app("oxigraph", tmp_path / "a") as first,
        web_app("oxigraph", tmp_path / "b", graph_dir=other_graph) as second,
    ):
        assert state(first) is not state(second)
        assert state(first).service is not state(second).service
        assert cities(first.test_client()) == 8
        assert cities(second.test_client()) == 2
        assert cities(first.test_client()) == 8


def test_state_lives_on_the_app(tmp_path: Path) -> None:
    with web_app("memory", tmp_path) as app:
        assert isinstance(app.extensions["partnergraph"], Served)
        current = state(app)
        assert isinstance(current, State)
        assert current.settings.store == "memory"
        assert current.service.backend == "memory"
        assert current.snapshot.folder.parent == tmp_path / "snapshots"
        assert (tmp_path / "partnergraph.nq").is_file()
        assert "/sparql" in {rule.rule for rule in app.url_map.iter_rules()}


def test_violations_refuse_to_start_with_the_report(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with clean_environment(), pytest.raises(ValidationFailed) as raised:
        create_app(web_config(tmp_path, graph_dir=WEB / "invalid"))
    assert "violation" in str(raised.value)
    assert not (tmp_path / "partnergraph.nq").exists()
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "<id/city/nameless>" in logged
    assert "A town needs a label" in logged
    assert str(WEB / "invalid" / "towns.trig") in logged


def test_settings_order_defaults_then_environment_then_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with clean_environment():
        monkeypatch.setenv("PARTNERGRAPH_ROW_CAP", "7")
        monkeypatch.setenv("PARTNERGRAPH_QUERY_TIMEOUT", "12.5")
        app = create_app(web_config(tmp_path, row_cap=5))
        try:
            settings = state(app).settings
            assert settings.row_cap == 5  # the argument wins over the environment
            assert settings.query_timeout == 12.5  # the environment wins over the default
            assert settings.max_request_bytes == 1_000_000  # the default
            assert app.config["MAX_CONTENT_LENGTH"] == settings.max_request_bytes
        finally:
            state(app).service.close()


def test_importing_server_builds_nothing_and_app_is_made_on_first_use(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARTNERGRAPH_")}
    env["PYTHONPATH"] = str(ROOT)
    check = (
        "import server, pathlib\n"
        "assert 'app' not in vars(server)\n"
        "assert not pathlib.Path('out').exists()\n"
        "print('imported')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", check],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    env.update(
        PARTNERGRAPH_GRAPH_DIR=str(WEB / "graph"),
        PARTNERGRAPH_SHAPES_DIR=str(WEB / "shapes"),
        PARTNERGRAPH_QUERIES_DIR=str(WEB / "queries"),
        PARTNERGRAPH_QUERY_WORKERS="1",
    )
    use = (
        "import server\n"
        "app = server.app\n"
        "assert server.app is app\n"
        "response = app.test_client().get('/sparql', query_string={'query': 'ASK {}'})\n"
        "print(response.status_code)\n"
        "app.extensions['partnergraph'].service.close()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", use],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "200"
    assert (tmp_path / "out" / "partnergraph.nq").is_file()
