"""The product as a new user meets it: a copy of the project, served by `partnergraph serve`.

The README's main command runs ``partnergraph serve`` in the project's folder. These
helpers do exactly that in a copy of the committed files (so nothing of this checkout's
``out/`` is reused and every relative setting is resolved there), on a free loopback
port, and stop the server by its process group when done. The in-process Flask client
cannot show what only a real server shows (files sent from disk, working directories,
connection handling).
"""

from __future__ import annotations

import html.parser
import os
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar
from urllib.parse import urljoin, urlsplit

import httpx

from .paths import ROOT
from .webapp import ENV_PREFIX, wait_until_up

#: What a browser sends when a person clicks a link.
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
#: What the copy leaves out: local state, never part of what a user checks out.
_LEFT_OUT = (".git", ".venv", "node_modules", "out", "tests", "benchmarks", "*.egg-info")
_LEFT_OUT += ("__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache")


@dataclass(frozen=True)
class Served:
    """A running ``partnergraph serve``.

    Attributes:
        base: its root URL (``http://127.0.0.1:PORT``).
        folder: the copy of the project it runs in.
        log: the file its output goes to.
    """

    base: str
    folder: Path
    log: Path

    def client(self) -> httpx.Client:
        """An HTTP client for the server (no redirects followed unless asked)."""
        return httpx.Client(base_url=self.base, timeout=30)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def copy_project(target: Path) -> Path:
    """Copy the project's files (not its local state) to ``target``; node_modules linked."""
    shutil.copytree(ROOT, target, ignore=shutil.ignore_patterns(*_LEFT_OUT))
    (target / "node_modules").symlink_to(ROOT / "node_modules", target_is_directory=True)
    return target


@contextmanager
def serve_copy(
    scratch: Path, *args: str, settings: dict[str, str] | None = None
) -> Iterator[Served]:
    """Run ``partnergraph serve`` in a copy of the project under ``scratch``.

    Args:
        scratch: an empty folder for the copy and the log.
        args: more options for ``partnergraph serve``.
        settings: ``PARTNERGRAPH_*`` variables for the server (none by default).

    Yields:
        The running server; it is stopped (its whole process group) afterwards.
    """
    folder = copy_project(scratch / "project")
    with serve_in(folder, scratch / "serve.log", *args, settings=settings) as served:
        yield served


@contextmanager
def serve_in(
    folder: Path, log: Path, *args: str, settings: dict[str, str] | None = None
) -> Iterator[Served]:
    """Run ``partnergraph serve`` in ``folder`` until it answers; its output into ``log``.

    Yields:
        The running server; it is stopped (its whole process group) afterwards.
    """
    port = free_port()
    command = [str(Path(sys.executable).parent / "partnergraph"), "serve", "--port", str(port)]
    env = {key: value for key, value in os.environ.items() if not key.startswith(ENV_PREFIX)}
    env.update(settings or {})
    with log.open("wb") as output:
        process = subprocess.Popen(
            [*command, "--host", "127.0.0.1", *args],
            cwd=folder,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        try:
            wait_until_up(f"http://127.0.0.1:{port}/-/health", process)
        except RuntimeError as exc:
            raise RuntimeError(f"{exc}: {log.read_text(errors='replace')[-2000:]}") from None
        yield Served(f"http://127.0.0.1:{port}", folder, log)
    finally:
        _stop_group(process)


def _stop_group(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        process.wait()


class _Links(html.parser.HTMLParser):
    """The targets of a page's links, stylesheets, scripts, images and forms."""

    _ATTRIBUTES: ClassVar[dict[str, str]] = {
        "a": "href",
        "link": "href",
        "script": "src",
        "img": "src",
    }

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = self._ATTRIBUTES.get(tag)
        for name, value in attrs:
            if value and name == wanted:
                self.found.append(value)


def links(page_url: str, body: str) -> list[str]:
    """The same-site links of an HTML page as absolute paths (with their query)."""
    parser = _Links()
    parser.feed(body)
    site = urlsplit(page_url).netloc
    found = []
    for link in parser.found:
        target = urlsplit(urljoin(page_url, link))
        if target.scheme in ("http", "https") and target.netloc == site:
            found.append(target.path + (f"?{target.query}" if target.query else ""))
    return found
