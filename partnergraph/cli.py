"""The ``partnergraph`` command: validate, build and serve the graph.

Exit codes follow pySHACL's: 0 the graph conforms, 1 it has violations,
2 the command could not run (an unreadable or unparsable file, a bad setting).
"""

from __future__ import annotations

import argparse
import logging
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from partnergraph import __version__, snapshots
from partnergraph.build import build, publish
from partnergraph.curation import curation_cli
from partnergraph.dumps import dumps_folder, write_release
from partnergraph.errors import ConfigurationError, DataFileError, ValidationFailed
from partnergraph.namespaces import Namespaces
from partnergraph.settings import Settings, load
from partnergraph.validation import Report, validate_paths
from partnergraph.validation.report import FORMATS, render
from partnergraph.writes import changes_cli, tokens_cli

EXIT_OK, EXIT_INVALID, EXIT_ERROR = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="partnergraph",
        description="Build, validate and publish the partnergraph knowledge graph.",
    )
    parser.add_argument("--version", action="version", version=f"partnergraph {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = sub.add_parser(
        "validate",
        help="check data files against the SHACL shapes",
        description="Load the data (graph/ or the given files), add what the build derives, "
        "and check it against the shapes. Exit 0 conforms, 1 violations, 2 could not run.",
    )
    validate.add_argument("paths", nargs="*", type=Path, help="data files or folders")
    validate.add_argument("--format", choices=FORMATS, default="text", help="report format")
    validate.add_argument("--shapes", type=Path, action="append", help="shapes file or folder")
    _engine_option(validate)

    build_cmd = sub.add_parser(
        "build",
        help="validate graph/, write the built graph and its snapshot, and serve it",
        description="Load graph/, derive shortcuts and statistics, validate, and write "
        "the result to the output folder: the built graph, a release of dumps and a "
        "snapshot, which becomes the one served (running servers switch to it). Nothing "
        "is written when validation fails; unchanged inputs reuse their snapshot.",
    )
    build_cmd.add_argument("--out", type=Path, help="output folder (setting output_dir)")
    build_cmd.add_argument(
        "--rebuild", action="store_true", help="build even when the inputs are unchanged"
    )
    build_cmd.add_argument("--format", choices=FORMATS, default="text", help="report format")
    _engine_option(build_cmd)

    dump = sub.add_parser(
        "dump",
        help="validate graph/ and write a release of dumps",
        description="Load graph/, derive, validate, and write a release into the dumps "
        "folder: Turtle, N-Triples, N-Quads, TriG and JSON-LD, each also gzipped, with "
        "SHA256SUMS, a manifest and the changes since the previous release. The same data "
        "gives the same release; nothing is written when validation fails.",
    )
    dump.add_argument("--out", dest="dumps_out", type=Path, help="dumps folder (dumps_dir)")
    dump.add_argument("--format", choices=FORMATS, default="text", help="report format")
    _engine_option(dump)

    serve = sub.add_parser(
        "serve",
        help="build, validate and serve the SPARQL endpoint with gunicorn",
        description="Serve the snapshot of graph/ with gunicorn: the kept one when graph/ "
        "and shapes/ are unchanged, else a new one, built and validated first (nothing "
        "is served when validation fails). Folders are settings (graph_dir, ...), "
        "relative to the working directory.",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=int, default=8000, help="TCP port")
    serve.add_argument("--workers", type=int, default=1, help="gunicorn worker processes")
    serve.add_argument(
        "--threads",
        type=int,
        help="request threads per worker (default: max_long_queries + 8, so that small "
        "queries find a thread while the most long queries run)",
    )

    deploy = sub.add_parser(
        "deploy",
        help="serve through HAProxy: read replicas and one writer on this machine",
        description="Build the snapshot of graph/ (when it changed), then start HAProxy on "
        "--port in front of one writer and --readers read replicas (gunicorn on the next "
        "loopback ports), and watch them until stopped. See docs/deploy.md.",
    )
    deploy.add_argument("--port", type=int, default=8080, help="HAProxy's TCP port")
    deploy.add_argument("--host", default="127.0.0.1", help="address HAProxy listens on")
    deploy.add_argument("--readers", type=int, default=2, help="read replicas")
    deploy.add_argument(
        "--replica-port", type=int, help="the writer's port; readers on the next (default: port+1)"
    )
    deploy.add_argument("--threads", type=int, help="request threads per replica")
    deploy.add_argument(
        "--reader-store",
        help="the readers' store backend (default: the store setting, which the writer uses)",
    )

    sub.add_parser(
        "snapshots",
        help="list the kept snapshots",
        description="List the kept snapshots, newest first; * marks the one served.",
    )
    switch = sub.add_parser(
        "switch",
        help="serve another kept snapshot",
        description="Make a kept snapshot the one served; running servers answer from "
        "it from their next request on (queries already running finish on the old one).",
    )
    switch.add_argument("version", help="the snapshot's version, or its first 6+ characters")

    tokens_cli.add_parser(sub)
    log_cmd = sub.add_parser(
        "log",
        help="list the change log, or check its hash chain",
        description="List the accepted writes (number, when, who, what, versions), oldest "
        "first; with --verify, check that every entry's id matches its content and the "
        "entry before it (exit 1 when the chain is broken).",
    )
    log_cmd.add_argument("--verify", action="store_true", help="check the hash chain")
    undo = sub.add_parser(
        "undo",
        help="undo a change of the log, through the same validation as any write",
        description="Write the inverse of a logged change (its number, or 8+ characters of "
        "its id) through the gate: validated, logged and served like any write. Exit 1 "
        "when the result would not conform, 2 when the change no longer applies.",
    )
    undo.add_argument("change", help="the change's number, or the start of its id")
    undo.add_argument(
        "--as", dest="writer", default="", help="the name the log records (default: cli:USER)"
    )
    curation_cli.add_parsers(sub)
    return parser


def _engine_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--validator",
        choices=("auto", "pyshacl", "compiled"),
        help="SHACL engine (setting validator)",
    )


def _settings(args: argparse.Namespace) -> Settings:
    overrides: dict[str, Any] = {}
    if getattr(args, "validator", None):
        overrides["validator"] = args.validator
    if getattr(args, "out", None):
        overrides["output_dir"] = args.out
    if getattr(args, "dumps_out", None):
        overrides["dumps_dir"] = str(args.dumps_out)
    return load(overrides)


def _serve(args: argparse.Namespace) -> int:
    from partnergraph.app import create_app
    from partnergraph.web.serving import ServeOptions, request_threads, serve
    from partnergraph.web.state import served

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        app = create_app()
    except ValidationFailed as exc:
        print(f"partnergraph serve: {exc}; nothing is served (report above)", file=sys.stderr)
        return EXIT_INVALID
    settings = served(app).settings
    threads = request_threads(settings, args.threads)
    options = ServeOptions(
        args.host, args.port, args.workers, threads, timeout=settings.request_timeout
    )
    serve(app, options)
    return EXIT_OK


def _list_snapshots(settings: Settings) -> int:
    served = snapshots.current_version(settings)
    for snapshot in snapshots.snapshots(settings):
        mark = "*" if snapshot.version == served else " "
        built = snapshot.built.strftime("%Y-%m-%dT%H:%M:%SZ")
        print(f"{mark} {snapshot.version}  {built}  {snapshot.quads} quads")
    return EXIT_OK


def _switch(settings: Settings, version: str) -> int:
    target = snapshots.resolve(settings, version)
    snapshots.switch(settings, target)
    print(f"serving snapshot {target.version}", file=sys.stderr)
    return EXIT_OK


def _run(args: argparse.Namespace) -> int:
    if args.command == "serve":
        return _serve(args)
    settings = _settings(args)
    ns = Namespaces(settings.base_iri)
    if args.command == "snapshots":
        return _list_snapshots(settings)
    if args.command == "switch":
        return _switch(settings, args.version)
    if args.command == "token":
        return tokens_cli.run(args, settings)
    if args.command == "log":
        return changes_cli.show_log(settings, args.verify)
    if args.command == "undo":
        return changes_cli.undo(settings, args.change, args.writer)
    if args.command in ("template", "export", "import"):
        return curation_cli.run(args, settings)
    if args.command == "build":
        return _build(settings, args.format, args.rebuild)
    if args.command == "deploy":
        return _deploy(settings, args)
    if args.command == "validate":
        report = validate_paths(args.paths or [settings.graph_dir], settings, args.shapes)
        sys.stdout.write(render(report, args.format, ns))
        return EXIT_OK if report.conforms else EXIT_INVALID
    try:
        result = build(settings, write=False)
    except ValidationFailed as exc:
        if isinstance(exc.report, Report):
            sys.stdout.write(render(exc.report, args.format, ns))
        print(f"partnergraph build: {exc}", file=sys.stderr)
        return EXIT_INVALID
    if result.report.findings:
        sys.stdout.write(render(result.report, args.format, ns))
    release = write_release(result.store, settings, result.built)
    print(f"release {release.id} in {dumps_folder(settings) / release.id}", file=sys.stderr)
    return EXIT_OK


def _build(settings: Settings, report_format: str, rebuild: bool) -> int:
    ns = Namespaces(settings.base_iri)
    try:
        snapshot, result = publish(settings, rebuild)
    except ValidationFailed as exc:
        if isinstance(exc.report, Report):
            sys.stdout.write(render(exc.report, report_format, ns))
        print(f"partnergraph build: {exc}", file=sys.stderr)
        return EXIT_INVALID
    if result is None:
        print(f"inputs unchanged: snapshot {snapshot.version} is served", file=sys.stderr)
        return EXIT_OK
    if result.report.findings:
        sys.stdout.write(render(result.report, report_format, ns))
    print(f"built {snapshot.quads} quads into {result.output}", file=sys.stderr)
    if result.release is not None:
        folder = dumps_folder(settings) / result.release.id
        print(f"release {result.release.id} in {folder}", file=sys.stderr)
    print(f"snapshot {snapshot.version} is served", file=sys.stderr)
    return EXIT_OK


def _deploy(settings: Settings, args: argparse.Namespace) -> int:
    from partnergraph.deploy import DeployOptions, deploy

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    built = _build(settings, "text", rebuild=False)
    if built != EXIT_OK:
        return built
    options = DeployOptions(
        args.port,
        args.readers,
        args.replica_port,
        args.host,
        args.threads,
        reader_store=args.reader_store,
    )
    return deploy(settings, options)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = _parser().parse_args(argv)
    try:
        return _run(args)
    except (DataFileError, ConfigurationError) as exc:
        print(f"partnergraph {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except Exception:
        traceback.print_exc()
        print(
            f"partnergraph {args.command}: internal error (a bug; please report it)",
            file=sys.stderr,
        )
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
