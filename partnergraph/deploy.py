"""``partnergraph deploy``: HAProxy in front of read replicas and one writer, on one machine.

https://docs.haproxy.org/2.6/configuration.html

The command (the output folder's current snapshot already made by ``partnergraph
build``'s step) starts, each in its own process group:

- one **writer** and ``readers`` **read replicas**: each a gunicorn process serving the
  app on its own loopback port, started by ``python -m partnergraph.deploy`` (see
  :func:`replica_main`). A replica serves the snapshot ``current`` names and builds
  nothing; it follows ``current`` per request, as ``partnergraph serve`` does, so every
  replica moves to a write's snapshot with its next request (HAProxy's health check is
  one every second);
- **HAProxy** on ``port``, from the template ``deploy/haproxy.cfg.template``: writes
  (``/store`` PUT/POST/DELETE, ``/curate``, updates POSTed to ``/sparql``, undo) go to
  the writer, everything else to the readers; a replica that fails its ``/-/health``
  check gets no traffic, and a request sent to one that died is sent again elsewhere.

It then watches them: a replica that exits is started again on its port (HAProxy sees
it ready and sends it traffic again); HAProxy exiting stops everything. SIGTERM or
SIGINT stops every process it started. What runs is written to
``{output_dir}/deploy/state.json`` (ports and process ids), with each process's output
beside it.

Warning:
    The replicas trust one proxy hop's ``X-Forwarded-For`` for the client's address
    (per-client limits, refused authentications). They listen on loopback only, where
    HAProxy is the only intended client; a local user who reaches a replica's port
    directly can claim any address.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from string import Template
from urllib.error import URLError
from urllib.request import urlopen

from partnergraph.atomic import write_atomically
from partnergraph.errors import ConfigurationError, StoreUnavailable
from partnergraph.settings import ENV_PREFIX, Settings, load
from partnergraph.store import store_class
from partnergraph.store.registry import BACKENDS, UnknownBackend, backend
from partnergraph.store.started import StartedEngineStore

log = logging.getLogger(__name__)

#: The folder, under ``output_dir``, of the running deployment's files.
FOLDER = "deploy"
#: The name of the replica that takes the writes.
WRITER = "writer"
#: The HAProxy configuration template, relative to the working directory.
TEMPLATE = Path("deploy/haproxy.cfg.template")
#: Seconds a replica has to answer its health check with 200 after it starts.
START_SECONDS = 120.0
#: Seconds between two looks at the processes.
WATCH_SECONDS = 0.5
#: The fewest seconds between two starts of one replica (one that cannot start is not
#: started again in a tight loop).
RESTART_SECONDS = 2.0
#: Seconds a process has to stop after SIGTERM before it is killed.
STOP_SECONDS = 20.0
#: Seconds the rest of a stopped process's group has to follow it before it is killed.
GROUP_SECONDS = 5.0


@dataclass(frozen=True)
class DeployOptions:
    """What ``partnergraph deploy`` starts.

    Attributes:
        port: HAProxy's port.
        readers: the number of read replicas.
        replica_port: the writer's port; the readers' are the next ones.
        host: the address HAProxy listens on (replicas always listen on 127.0.0.1).
        threads: request threads per replica (None: as ``partnergraph serve``).
        template: the HAProxy configuration template.
        reader_store: the readers' store backend (None: the ``store`` setting, which
            the writer always uses and which must be writable).
    """

    port: int = 8080
    readers: int = 2
    replica_port: int | None = None
    host: str = "127.0.0.1"
    threads: int | None = None
    template: Path = TEMPLATE
    reader_store: str | None = None


@dataclass
class Replica:
    """One replica process: its name (``writer``, ``reader1``...), port and process."""

    name: str
    port: int
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    started: float = 0.0

    @property
    def pid(self) -> int | None:
        """The replica's process id (its process group's too), while started."""
        return self.process.pid if self.process is not None else None


def replicas(options: DeployOptions) -> list[Replica]:
    """The writer then the readers, each on its port."""
    first = options.replica_port if options.replica_port is not None else options.port + 1
    names = [WRITER, *(f"reader{n}" for n in range(1, options.readers + 1))]
    return [Replica(name, first + offset) for offset, name in enumerate(names)]


def haproxy_config(template: str, options: DeployOptions, settings: Settings, socket: Path) -> str:
    """The HAProxy configuration for ``options``, from the template's text.

    Raises:
        ConfigurationError: the template names a field that is not filled in.
    """
    made = replicas(options)
    lines = {
        "writer": [made[0]],
        "readers": made[1:],
    }
    fields = {
        key: "\n".join(f"    server {r.name} 127.0.0.1:{r.port}" for r in chosen)
        for key, chosen in lines.items()
    }
    fields |= {
        "bind": f"{options.host}:{options.port}",
        "stats_socket": str(socket),
        "server_timeout": str(math.ceil(settings.request_timeout)),
    }
    try:
        return Template(template).substitute(fields)
    except (KeyError, ValueError) as exc:
        raise ConfigurationError(
            f"the HAProxy template {options.template} has a field partnergraph does not "
            f"fill in ({exc}); the fields are {', '.join(sorted(fields))}"
        ) from exc


def deploy(settings: Settings, options: DeployOptions) -> int:
    """Start HAProxy, the writer and the readers over the current snapshot; watch them
    until SIGTERM or SIGINT, then stop them.

    Returns:
        0 after a stop asked for, 2 when HAProxy exited by itself.

    Raises:
        ConfigurationError: haproxy is not installed, the template is missing or
            wrong, there is no current snapshot, or a replica did not start.
    """
    if options.readers < 1:
        raise ConfigurationError("partnergraph deploy needs at least one reader (--readers)")
    _check_stores(settings, options)
    binary = shutil.which("haproxy")
    if binary is None:
        raise ConfigurationError("haproxy is not installed (Debian: apt-get install haproxy)")
    folder = (settings.output_dir / FOLDER).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "haproxy.cfg"
    try:
        template = options.template.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigurationError(f"cannot read the HAProxy template: {exc}") from exc
    socket = folder / "haproxy.sock"
    write_atomically(haproxy_config(template, options, settings, socket).encode(), config)
    _check_config(binary, config)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    running = replicas(options)
    proxy: subprocess.Popen[bytes] | None = None
    try:
        for replica in running:
            _start(replica, options, folder)
        for replica in running:
            _wait_ready(replica, folder)
        proxy = _spawn([binary, "-db", "-f", str(config)], folder / "haproxy.log")
        _wait_listening(proxy, options, folder)
        _write_state(folder, options, proxy, running)  # written once it all answers
        where = (options.host, options.port, options.readers)
        log.info("serving on http://%s:%d/ (%d readers, one writer)", *where)
        return _watch(stop, proxy, running, options, folder)
    finally:
        for process in [proxy, *(r.process for r in running)]:
            if process is not None:
                _stop(process)


def _check_stores(settings: Settings, options: DeployOptions) -> None:
    """The writer's store must take writes; the readers' must be a backend whose
    settings are all set."""
    if not backend(settings.store).writable:
        writable = ", ".join(b.name for b in BACKENDS.values() if b.writable)
        raise ConfigurationError(
            f"the writer serves the store setting ({settings.store!r}), which takes no "
            f"writes; set store to one of {writable} and choose the readers' backend "
            "with --reader-store"
        )
    if options.reader_store is None:
        return
    try:
        chosen = backend(options.reader_store)
    except UnknownBackend as exc:
        raise ConfigurationError(f"--reader-store: {exc}") from exc
    missing = [name for name in chosen.needs if not getattr(settings, name)]
    if missing:
        raise ConfigurationError(
            f"--reader-store {chosen.name} needs the setting {', '.join(missing)}"
        )
    opener = store_class(chosen.name)
    if isinstance(opener, type) and issubclass(opener, StartedEngineStore):
        try:
            opener.installed()  # before any reader starts and fails again and again
        except StoreUnavailable as exc:
            raise ConfigurationError(f"--reader-store {chosen.name}: {exc}") from exc


def _check_config(binary: str, config: Path) -> None:
    checked = subprocess.run(
        [binary, "-c", "-q", "-f", str(config)], capture_output=True, text=True, check=False
    )
    if checked.returncode != 0:
        raise ConfigurationError(f"HAProxy refuses {config}: {checked.stderr.strip()}")


def _watch(
    stop: threading.Event,
    proxy: subprocess.Popen[bytes],
    running: list[Replica],
    options: DeployOptions,
    folder: Path,
) -> int:
    """Start again every replica that exits, until a stop is asked for or HAProxy exits."""
    while not stop.wait(WATCH_SECONDS):
        if proxy.poll() is not None:
            log.error("haproxy exited with %s; stopping the replicas", proxy.returncode)
            return 2
        for replica in running:
            process = replica.process
            if process is None or process.poll() is None:
                continue
            if time.monotonic() - replica.started < RESTART_SECONDS:
                continue
            log.warning("%s exited with %s; starting it again", replica.name, process.returncode)
            _stop(process)  # what is left of its process group
            _start(replica, options, folder)
            _write_state(folder, options, proxy, running)
    return 0


def _start(replica: Replica, options: DeployOptions, folder: Path) -> None:
    command = [sys.executable, "-m", "partnergraph.deploy", replica.name, str(replica.port)]
    if options.threads:
        command.append(str(options.threads))
    env = dict(os.environ)
    if options.reader_store is not None and replica.name != WRITER:
        env[f"{ENV_PREFIX}STORE"] = options.reader_store
    replica.process = _spawn(command, folder / f"{replica.name}.log", env)
    replica.started = time.monotonic()


def _spawn(
    command: list[str], output: Path, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    """Start ``command`` in its own process group, its output appended to ``output``."""
    with output.open("ab") as stream:
        return subprocess.Popen(
            command, stdout=stream, stderr=subprocess.STDOUT, process_group=0, env=env
        )


def _wait_ready(replica: Replica, folder: Path) -> None:
    url = f"http://127.0.0.1:{replica.port}/-/health"
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if replica.process is None or replica.process.poll() is not None:
            break
        try:
            with urlopen(url, timeout=5) as answer:
                if answer.status == 200:
                    return
        except (URLError, OSError):
            pass
        time.sleep(0.2)
    raise ConfigurationError(
        f"replica {replica.name} did not become ready on port {replica.port} "
        f"(see {folder / (replica.name + '.log')})"
    )


def _wait_listening(proxy: subprocess.Popen[bytes], options: DeployOptions, folder: Path) -> None:
    """Return once HAProxy accepts connections on its port.

    Raises:
        ConfigurationError: it exited, or did not listen within ``START_SECONDS``.
    """
    wildcard = ("", "0.0.0.0", "::")  # noqa: S104 - an address to connect to, not to bind
    host = "127.0.0.1" if options.host in wildcard else options.host
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline and proxy.poll() is None:
        with contextlib.suppress(OSError), socket.create_connection((host, options.port), 1):
            return
        time.sleep(0.05)
    raise ConfigurationError(
        f"haproxy did not listen on {options.host}:{options.port} (see {folder / 'haproxy.log'})"
    )


def _write_state(
    folder: Path, options: DeployOptions, proxy: subprocess.Popen[bytes], running: list[Replica]
) -> None:
    state = {
        "url": f"http://{options.host}:{options.port}/",
        "haproxy": {"pid": proxy.pid, "port": options.port, "socket": str(folder / "haproxy.sock")},
        "replicas": [{"name": r.name, "port": r.port, "pid": r.pid} for r in running],
    }
    write_atomically((json.dumps(state, indent=1) + "\n").encode(), folder / "state.json")


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a process group this module started: SIGTERM, and SIGKILL for what is left
    of the group (query workers too) once the leader is gone or after ``STOP_SECONDS``."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        process.poll()
        return
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=STOP_SECONDS)
    deadline = time.monotonic() + GROUP_SECONDS
    while _group_alive(process.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


def serve_replica(name: str, port: int, threads: int | None = None) -> int:
    """Serve the current snapshot with gunicorn on ``127.0.0.1:port``, as replica ``name``.

    The snapshot is picked holding the write lock, so that no write switches
    ``current`` meanwhile (a replica never switches it back). The replica builds
    nothing: ``graph/`` must be what the current snapshot was built from.

    Returns:
        The exit code once gunicorn stops.

    Raises:
        ConfigurationError: there is no current snapshot, or ``graph/`` has changed
            since it was made (run ``partnergraph build``).
    """
    from werkzeug.middleware.proxy_fix import ProxyFix

    from partnergraph.app import create_app
    from partnergraph.build import kept_snapshot
    from partnergraph.snapshots import current
    from partnergraph.web.serving import ServeOptions, request_threads, serve
    from partnergraph.writes.commit import PENDING, recover, write_lock

    logging.basicConfig(level=logging.INFO, format=f"{name}: %(message)s")
    settings = load()
    with write_lock(settings):
        if (settings.changes_dir / PENDING).exists():
            recover(settings)
        served, kept = current(settings), kept_snapshot(settings)
        if served is None or kept is None or kept.version != served.version:
            raise ConfigurationError(
                f"replica {name}: the current snapshot "
                f"({served.version[:12] if served else 'none'}) is not the one of "
                f"{settings.graph_dir} ({kept.version[:12] if kept else 'not built'}); "
                "run `partnergraph build` first"
            )
        app = create_app()
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1)  # type: ignore[method-assign]
    threads = request_threads(settings, threads)
    serve(app, ServeOptions("127.0.0.1", port, 1, threads, timeout=settings.request_timeout))
    return 0


def replica_main(argv: Sequence[str] | None = None) -> int:
    """``python -m partnergraph.deploy NAME PORT [THREADS]``: one replica (see
    :func:`serve_replica`); started by :func:`deploy`, not meant to be typed."""
    parser = argparse.ArgumentParser(prog="python -m partnergraph.deploy")
    parser.add_argument("name")
    parser.add_argument("port", type=int)
    parser.add_argument("threads", type=int, nargs="?")
    args = parser.parse_args(argv)
    try:
        return serve_replica(args.name, args.port, args.threads)
    except ConfigurationError as exc:
        print(f"partnergraph deploy: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(replica_main())
