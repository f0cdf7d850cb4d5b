"""Serving an app with gunicorn, for ``partnergraph serve``.

https://docs.gunicorn.org/en/stable/custom.html

The app is made once, before gunicorn starts (so a graph that does not conform
stops the command with its report, and is built once however many workers there
are), and handed to gunicorn as a preloaded app.

A request whose body is larger than the app reads or throws away
(:func:`partnergraph.web.protocol.discard_limit`) is answered with
``Connection: close``: gunicorn skips at most 64 KiB of a body left on a kept-alive
connection and otherwise drops the connection without a word, after its answer
said ``keep-alive``; a client that sends its next request on it then fails. A WSGI
app cannot say ``Connection`` itself (a hop-by-hop header: PEP 3333), so a
``pre_request`` hook tells gunicorn, from the request's ``Content-Length``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gunicorn.app.base import BaseApplication  # type: ignore[import-untyped]

from partnergraph.settings import Settings
from partnergraph.web.protocol import discard_limit

#: Request threads kept for small queries beyond those long queries may hold.
SMALL_QUERY_THREADS = 8


def request_threads(settings: Settings, asked: int | None = None) -> int:
    """The request threads of one server process: ``asked``, else enough for the most
    long queries at once (``max_long_queries``) and :data:`SMALL_QUERY_THREADS` more."""
    return asked or settings.max_long_queries + SMALL_QUERY_THREADS


@dataclass(frozen=True)
class ServeOptions:
    """How gunicorn serves.

    Attributes:
        host: the address to listen on (127.0.0.1: only this machine).
        port: the TCP port.
        workers: gunicorn worker processes.
        threads: request threads per worker; queries themselves run in the query
            service's worker processes, so threads mostly wait.
        timeout: seconds gunicorn lets a request run before it restarts the worker;
            kept above the query time limit so that limit answers first.
    """

    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    threads: int = 8
    timeout: float = 60.0

    def gunicorn_settings(self) -> dict[str, Any]:
        """The options as gunicorn settings."""
        return {
            "bind": f"{self.host}:{self.port}",
            "workers": self.workers,
            "threads": self.threads,
            "worker_class": "gthread",
            "timeout": int(self.timeout) + 1,
            "graceful_timeout": 10,
            "preload_app": True,
            "accesslog": "-",
            "errorlog": "-",
            "control_socket_disable": True,  # gunicorn >= 25.1 would open one in ~/.gunicorn
        }


#: Seconds a gunicorn worker waits for its query workers before it accepts traffic.
READY_SECONDS = 60.0


def start_query_workers(worker: Any) -> None:
    """A gunicorn ``post_worker_init`` hook: start the worker's query processes and
    wait until they have opened the snapshot, so that the first query a worker
    accepts is not slowed by starting them.

    A worker whose query processes cannot start still serves (its ``/-/health``
    says why, and queries answer 503).
    """
    from partnergraph.web.state import served
    from partnergraph.web.writes import prepare_writes

    try:
        served(worker.wsgi).service.wait_ready(READY_SECONDS)
    except Exception as exc:
        worker.log.error("query workers did not start: %s", exc)
    prepare_writes(served(worker.wsgi).current)


def request_settings(max_request_bytes: int) -> dict[str, Any]:
    """The gunicorn settings that keep its connections within the app's request limits,
    and start each worker's query processes before it accepts traffic.

    Used by ``partnergraph serve`` and by ``gunicorn.conf.py`` (which gunicorn reads
    when it is run by hand in the project folder), so both serve alike.

    Args:
        max_request_bytes: the setting of that name.
    """
    return {
        # the longest request line gunicorn allows (its default, 4094, refuses a GET
        # query of a few kilobytes with its own 414 page); longer queries use POST
        "limit_request_line": 8190,
        "pre_request": close_when_larger(discard_limit(max_request_bytes)),
        "post_worker_init": start_query_workers,
    }


def close_when_larger(most: int) -> Callable[[Any, Any], None]:
    """A gunicorn ``pre_request`` hook: close the connection after a body over ``most``.

    Args:
        most: the largest body (``Content-Length``) after which the connection
            stays open.

    Returns:
        The hook; it also logs the request at debug level, as gunicorn's own does.
    """

    def pre_request(worker: Any, req: Any) -> None:
        worker.log.debug("%s %s", req.method, req.path)
        length = next((value for name, value in req.headers if name == "CONTENT-LENGTH"), None)
        if length is not None and length.isdigit() and int(length) > most:
            req.force_close()

    return pre_request


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    """A gunicorn application around an app that is already made."""

    def __init__(self, app: Any, options: ServeOptions) -> None:
        self.application = app
        self.options = options
        super().__init__(prog="partnergraph serve")

    def load_config(self) -> None:
        settings = self.options.gunicorn_settings()
        limit = getattr(self.application, "config", {}).get("MAX_CONTENT_LENGTH")
        if isinstance(limit, int):
            settings.update(request_settings(limit))
        for key, value in settings.items():
            if key in self.cfg.settings:  # a setting older gunicorns lack is left out
                self.cfg.set(key, value)

    def load(self) -> Any:
        return self.application


def serve(app: Any, options: ServeOptions) -> None:
    """Serve the WSGI ``app`` with gunicorn until it is stopped (SIGINT or SIGTERM)."""
    _Gunicorn(app, options).run()
