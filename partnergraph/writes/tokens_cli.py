"""The ``partnergraph token`` command: make, list and revoke write tokens.

``token create NAME [--graphs PATTERN ...] [--replace]`` prints the new token on
standard output, alone, once (so that ``$(partnergraph token create ci)`` takes
it), and what to do with it on standard error. ``token list`` shows names, graph
patterns and creation times, never a hash. ``token revoke NAME`` removes one;
running servers refuse it from their next request on. Exit codes: 0 done,
2 refused or failed (with a message that says why; nothing was changed).
"""

from __future__ import annotations

import argparse
import sys

from partnergraph.settings import Settings
from partnergraph.writes import tokens
from partnergraph.writes.tokens import TokenError, TokenInfo

EXIT_OK, EXIT_ERROR = 0, 2
_EVERY_GRAPH = "(every graph)"


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``token`` command and its subcommands to the command line's ``sub``.

    Args:
        sub: the subparsers of the ``partnergraph`` parser.
    """
    token = sub.add_parser(
        "token",
        help="make, list and revoke write tokens",
        description="Writes (SPARQL Update, the Graph Store Protocol) need a token: "
        "'Authorization: Bearer <token>'. The tokens file (setting tokens_file, mode "
        "0600) keeps each token's name, the graphs it may write and its SHA-256, never "
        "the token itself. Reads need no token.",
    )
    commands = token.add_subparsers(dest="tokens_action", required=True, metavar="SUBCOMMAND")
    create = commands.add_parser(
        "create",
        help="make a token and print it (once)",
        description="Make a token named NAME, print it once on standard output and keep "
        "only its hash. Without --graphs it may write every graph.",
    )
    create.add_argument("name", help="the token's name: 1 to 64 of A-Z a-z 0-9 . _ -")
    create.add_argument(
        "--graphs",
        nargs="+",
        action="extend",
        default=[],
        metavar="IRI-PATTERN",
        help="the graphs it may write: glob patterns over graph IRIs (case-sensitive; * "
        "matches '/' too), absolute or relative to the base IRI, e.g. 'graph/lund-*'",
    )
    create.add_argument(
        "--replace",
        action="store_true",
        help="replace the token of that name (the old one stops working)",
    )
    commands.add_parser(
        "list",
        help="list the tokens: names, graphs, creation times",
        description="List the tokens by name: when each was made and the graphs it may "
        "write. Neither tokens nor their hashes are shown.",
    )
    revoke = commands.add_parser(
        "revoke",
        help="revoke a token",
        description="Remove the token named NAME; running servers refuse it from their "
        "next request on.",
    )
    revoke.add_argument("name", help="the token's name")


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Run ``partnergraph token`` as parsed into ``args``.

    Args:
        args: the parsed command line (``tokens_action`` and its arguments).
        settings: the settings (``tokens_file``, ``base_iri``).

    Returns:
        0 when done, 2 when refused or failed (the reason is on standard error).
    """
    try:
        if args.tokens_action == "create":
            return _create(settings, args.name, args.graphs, args.replace)
        if args.tokens_action == "list":
            return _list(settings)
        return _revoke(settings, args.name)
    except TokenError as error:
        print(f"partnergraph token {args.tokens_action}: error: {error}", file=sys.stderr)
        return EXIT_ERROR


def _create(settings: Settings, name: str, graphs: list[str], replace: bool) -> int:
    token = tokens.create(settings, name, graphs, replace)
    print(token)
    sys.stdout.flush()
    patterns = [tokens.absolute_pattern(p, settings.base_iri) for p in graphs]
    scope = f"the graphs matching {' '.join(patterns)}" if patterns else "every graph"
    print(
        f"token {name!r} made; it may write {scope}. It is shown only this once (the tokens "
        f"file {settings.tokens_file} keeps its hash): give it to its user now, to send as "
        "'Authorization: Bearer <token>'.",
        file=sys.stderr,
    )
    return EXIT_OK


def _list(settings: Settings) -> int:
    listed = tokens.listed(settings)
    if not listed:
        print(
            f"no write tokens in {settings.tokens_file}: no write is accepted",
            file=sys.stderr,
        )
        return EXIT_OK
    width = max(len(t.name) for t in listed)
    for info in listed:
        created = info.created.strftime("%Y-%m-%dT%H:%M:%SZ")
        print(f"{info.name:<{width}}  {created}  {_graphs(info)}")
    return EXIT_OK


def _revoke(settings: Settings, name: str) -> int:
    if not tokens.revoke(settings, name):
        print(
            f"partnergraph token revoke: error: no token named {name!r} in "
            f"{settings.tokens_file}; nothing was changed",
            file=sys.stderr,
        )
        return EXIT_ERROR
    print(
        f"token {name!r} revoked: running servers refuse it from their next request on",
        file=sys.stderr,
    )
    return EXIT_OK


def _graphs(info: TokenInfo) -> str:
    """The graphs a token may write, as ``token list`` shows them."""
    return " ".join(info.graphs) if info.graphs else _EVERY_GRAPH
