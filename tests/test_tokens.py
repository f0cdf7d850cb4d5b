"""Write tokens: made once, kept as a hash in a 0600 file, listed without secrets, revoked live.

The ``partnergraph token`` command is run through its own parser
(:func:`partnergraph.writes.tokens_cli.add_parser` on a fresh ``ArgumentParser``)
and :func:`~partnergraph.writes.tokens_cli.run`, as the CLI does.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from partnergraph.atomic import write_private
from partnergraph.settings import Settings, load
from partnergraph.writes import tokens, tokens_cli
from partnergraph.writes.tokens import TokenError, Tokens, Writer

from .paths import BASE, ROOT


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load(
        {"tokens_file": tmp_path / "etc" / "tokens.json", "output_dir": tmp_path / "out"},
        environ={},
    )


def command(settings: Settings, *argv: str) -> int:
    """Run ``partnergraph token ARGV`` the way the command line does."""
    parser = argparse.ArgumentParser(prog="partnergraph")
    sub = parser.add_subparsers(dest="command", required=True)
    tokens_cli.add_parser(sub)
    return tokens_cli.run(parser.parse_args(["token", *argv]), settings)


@pytest.fixture
def umask_zero() -> Iterator[None]:
    """No umask: a file's mode is then exactly what it was created with."""
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_create_prints_the_token_once_and_keeps_only_its_hash(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert command(settings, "create", "ci") == 0
    out, err = capsys.readouterr()
    token = out.strip()
    assert out == token + "\n"
    assert token.startswith("pg_")
    assert len(token) == 3 + 43  # token_urlsafe(32): 43 characters
    assert "Authorization: Bearer" in err
    assert token not in err
    stored = settings.tokens_file.read_text(encoding="utf-8")
    assert token not in stored
    assert token[3:] not in stored
    entry = json.loads(stored)["tokens"][0]
    assert entry["sha256"] == hashlib.sha256(token.encode()).hexdigest()
    assert entry["name"] == "ci"
    assert tokens.authenticate(settings, token) == Writer("ci", ())


def test_every_token_is_new(settings: Settings) -> None:
    made = {tokens.create(settings, f"t{i}") for i in range(5)}
    assert len(made) == 5


@pytest.mark.usefixtures("umask_zero")
def test_the_tokens_file_is_0600_even_without_a_umask(settings: Settings) -> None:
    tokens.create(settings, "ci")
    assert mode(settings.tokens_file) == 0o600
    tokens.create(settings, "other")
    tokens.revoke(settings, "ci")
    assert mode(settings.tokens_file) == 0o600
    assert [p.name for p in settings.tokens_file.parent.iterdir()] == ["tokens.json"]


def test_a_looser_tokens_file_becomes_0600_on_its_next_change(settings: Settings) -> None:
    tokens.create(settings, "ci")
    settings.tokens_file.chmod(0o644)
    tokens.create(settings, "other")
    assert mode(settings.tokens_file) == 0o600


def test_write_private_leaves_nothing_behind_when_it_fails(tmp_path: Path) -> None:
    target = tmp_path / "a-folder"
    target.mkdir()
    (target / "inside").write_text("x")
    with pytest.raises(IsADirectoryError):  # a file cannot replace a folder
        write_private(b"{}", target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-folder"]


def test_list_shows_names_graphs_and_times_but_no_secret(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    first = tokens.create(settings, "lund-editor", ["graph/lund-*"])
    second = tokens.create(settings, "admin")
    capsys.readouterr()
    assert command(settings, "list") == 0
    out, _ = capsys.readouterr()
    lines = out.splitlines()
    assert [line.split()[0] for line in lines] == ["admin", "lund-editor"]
    assert lines[0].endswith("(every graph)")
    assert lines[1].endswith(f"{BASE}graph/lund-*")
    for secret in (first, second):
        assert secret not in out
        assert hashlib.sha256(secret.encode()).hexdigest() not in out
    listed = tokens.listed(settings)
    assert [(t.name, t.graphs) for t in listed] == [
        ("admin", ()),
        ("lund-editor", (f"{BASE}graph/lund-*",)),
    ]
    assert not any(hasattr(t, "sha256") for t in listed)
    assert listed[0].created.tzinfo is not None


def test_list_without_a_file_says_no_write_is_accepted(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert command(settings, "list") == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert "no write is accepted" in err
    assert not settings.tokens_file.exists()


def test_no_file_or_no_token_authenticates_no_one(settings: Settings) -> None:
    reader = Tokens.of(settings)
    assert not reader.configured()
    assert reader.authenticate("pg_anything") is None
    tokens.create(settings, "ci")
    assert tokens.revoke(settings, "ci")
    assert json.loads(settings.tokens_file.read_text())["tokens"] == []
    assert not reader.configured()


def test_a_revoke_holds_for_a_running_reader_without_restart(settings: Settings) -> None:
    token = tokens.create(settings, "ci")
    reader = Tokens.of(settings)  # as a server keeps it
    assert reader.authenticate(token) == Writer("ci")
    assert command(settings, "revoke", "ci") == 0
    assert reader.authenticate(token) is None


def test_a_running_reader_sees_a_new_token(settings: Settings) -> None:
    tokens.create(settings, "first")
    reader = Tokens.of(settings)
    assert reader.configured()
    token = tokens.create(settings, "second", ["graph/x"])
    assert reader.authenticate(token) == Writer("second", (f"{BASE}graph/x",))


def test_revoke_of_an_unknown_name_is_an_error(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    tokens.create(settings, "ci")
    before = settings.tokens_file.read_bytes()
    assert command(settings, "revoke", "cj") == 2
    assert "no token named 'cj'" in capsys.readouterr().err
    assert settings.tokens_file.read_bytes() == before
    assert tokens.revoke(settings, "cj") is False


def test_a_taken_name_is_an_error_unless_replaced(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    old = tokens.create(settings, "ci")
    before = settings.tokens_file.read_bytes()
    capsys.readouterr()
    assert command(settings, "create", "ci") == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "a token named 'ci' exists already" in err
    assert "--replace" in err
    assert settings.tokens_file.read_bytes() == before
    assert command(settings, "create", "ci", "--graphs", "graph/a", "--replace") == 0
    new = capsys.readouterr().out.strip()
    assert tokens.authenticate(settings, old) is None
    assert tokens.authenticate(settings, new) == Writer("ci", (f"{BASE}graph/a",))
    assert [t.name for t in tokens.listed(settings)] == ["ci"]


@pytest.mark.parametrize("name", ["a" * 64, "x", "Lund.editor_2-b"])
def test_good_names(settings: Settings, name: str) -> None:
    assert tokens.authenticate(settings, tokens.create(settings, name)) == Writer(name)


@pytest.mark.parametrize("name", ["", "a" * 65, "has space", "slash/name", "åre", "a:b"])
def test_bad_names_are_refused(
    settings: Settings, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(TokenError, match="1 to 64"):
        tokens.create(settings, name)
    assert command(settings, "create", name) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "1 to 64" in err
    assert not settings.tokens_file.exists()


def test_graph_patterns_relative_and_absolute(settings: Settings) -> None:
    token = tokens.create(settings, "mixed", ["graph/lund-*", "https://example.org/g/*"])
    writer = tokens.authenticate(settings, token)
    assert writer == Writer("mixed", (f"{BASE}graph/lund-*", "https://example.org/g/*"))
    assert writer.may_write(f"{BASE}graph/lund-2024")
    assert writer.may_write(f"{BASE}graph/lund-a/b")  # * matches '/' too
    assert writer.may_write("https://example.org/g/anything")
    assert not writer.may_write(f"{BASE}graph/Lund-2024")  # case-sensitive
    assert not writer.may_write(f"{BASE}graph/malmo")
    assert not writer.may_write("https://example.org/h/x")
    assert writer.first_outside([f"{BASE}graph/lund-1", f"{BASE}graph/malmo"]) == (
        f"{BASE}graph/malmo"
    )


def test_patterns_follow_the_base_iri(tmp_path: Path) -> None:
    other = load(
        {"tokens_file": tmp_path / "tokens.json", "base_iri": "http://localhost/pg/"},
        environ={},
    )
    token = tokens.create(other, "local", ["graph/?"])
    writer = tokens.authenticate(other, token)
    assert writer is not None
    assert writer.graphs == ("http://localhost/pg/graph/?",)
    assert writer.may_write("http://localhost/pg/graph/a")
    assert not writer.may_write("http://localhost/pg/graph/ab")


def test_no_pattern_means_every_graph(settings: Settings) -> None:
    writer = tokens.authenticate(settings, tokens.create(settings, "all"))
    assert writer is not None
    assert writer.may_write(f"{BASE}graph/anything")
    assert writer.may_write("urn:x:y")
    assert writer.first_outside(["urn:a", f"{BASE}graph/b"]) is None


@pytest.mark.parametrize(
    ("pattern", "why"),
    [
        ("", "empty"),
        ("/graph/x", "does not start with '/'"),
        ("graph/a b", "no IRI can hold"),
        ("graph/<x>", "no IRI can hold"),
        ("x" * 3000, "2048"),
    ],
)
def test_bad_patterns_are_refused(settings: Settings, pattern: str, why: str) -> None:
    with pytest.raises(TokenError, match=why):
        tokens.create(settings, "ci", [pattern])
    assert not settings.tokens_file.exists()


def test_the_cli_takes_several_patterns(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["create", "ci", "--graphs", "graph/a", "graph/b", "--graphs", "urn:c:*"]
    assert command(settings, *argv) == 0
    out, err = capsys.readouterr()
    assert tokens.authenticate(settings, out.strip()) == Writer(
        "ci", (f"{BASE}graph/a", f"{BASE}graph/b", "urn:c:*")
    )
    assert f"{BASE}graph/a {BASE}graph/b urn:c:*" in err


def test_only_the_exact_token_authenticates(settings: Settings) -> None:
    made = {f"t{i}": tokens.create(settings, f"t{i}") for i in range(6)}
    reader = Tokens.of(settings)
    for name, token in made.items():
        assert reader.authenticate(token) == Writer(name)
        last = token[-1]
        assert reader.authenticate(token[:-1] + ("A" if last != "A" else "B")) is None
        assert reader.authenticate(token[:-1]) is None
        assert reader.authenticate(token + "x") is None
        assert reader.authenticate(" " + token) is None
    stored = json.loads(settings.tokens_file.read_text())["tokens"]
    assert reader.authenticate(stored[0]["sha256"]) is None  # the hash is not a token
    assert reader.authenticate("") is None
    assert reader.authenticate("pg_\udcff") is None  # undecodable bytes from a header


def test_every_stored_hash_is_compared_whichever_matches(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = [tokens.create(settings, f"t{i}") for i in range(5)]
    reader = Tokens.of(settings)
    compared: list[str] = []
    real = hmac.compare_digest

    def counting(a: str, b: str) -> bool:
        compared.append(a)
        return real(a, b)

    monkeypatch.setattr(tokens.hmac, "compare_digest", counting)
    for token in (made[0], made[-1], "pg_unknown"):
        compared.clear()
        reader.authenticate(token)
        assert len(compared) == 5


@pytest.mark.parametrize(
    ("content", "why"),
    [
        ("not json", "not JSON"),
        ('{"tokens": []}', "format"),
        ('{"format": "partnergraph-tokens/1", "tokens": [{"name": "a"}]}', "sha256"),
        (
            '{"format": "partnergraph-tokens/1", "tokens": [{"name": "a", "sha256": "'
            + "0" * 64
            + '", "graphs": ["graph/x"], "created": "2025-01-01T00:00:00Z"}]}',
            "absolute",
        ),
    ],
)
def test_a_damaged_file_is_an_error_that_names_it(
    settings: Settings, content: str, why: str, capsys: pytest.CaptureFixture[str]
) -> None:
    settings.tokens_file.parent.mkdir(parents=True)
    settings.tokens_file.write_text(content)
    with pytest.raises(TokenError, match=why) as raised:
        Tokens.of(settings).authenticate("pg_x")
    assert str(settings.tokens_file) in str(raised.value)
    assert command(settings, "create", "ci") == 2
    assert str(settings.tokens_file) in capsys.readouterr().err
    assert settings.tokens_file.read_text() == content


CREATE_MANY = """
import sys
from partnergraph.settings import load
from partnergraph.writes import tokens
settings = load({"tokens_file": sys.argv[1]}, environ={})
for i in range(8):
    tokens.create(settings, f"{sys.argv[2]}-{i}")
"""


def test_concurrent_creates_lose_nothing(settings: Settings) -> None:
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", CREATE_MANY, str(settings.tokens_file), prefix], cwd=ROOT
        )
        for prefix in "ab"
    ]
    assert [p.wait(timeout=60) for p in processes] == [0, 0]
    names = {t.name for t in tokens.listed(settings)}
    assert names == {f"{p}-{i}" for p in "ab" for i in range(8)}
