"""The key of a query's answer: equal for two requests only when their answers must be.

What is keyed: :func:`request_key` digests (SHA-256) everything that decides an
answer: the dataset version, the query text with whitespace and ``#`` comments
normalised (by :mod:`partnergraph.store.lexer`, so strings and IRIs are never
touched), the query form, the protocol's dataset (``default-graph-uri`` and
``named-graph-uri``, as sets), the row cap, the base IRI, the bound values (in
N-Triples) and a *variant*: the format key of a serialised answer, or a name such
as ``rows`` for a typed call.

Why two requests share a key only when they must get the same answer: a key is
where an answer is looked up (:mod:`partnergraph.cache`), so two requests that
could get different answers but shared a key would be served each other's. Each
input is therefore kept exactly, and only what cannot change the answer is
folded away: the layout of the query text, and the order of the dataset's graphs.
"""

from __future__ import annotations

import hashlib
import json
import re

from partnergraph.store.base import QueryRequest
from partnergraph.store.lexer import tokens

#: Bumped whenever the key's inputs change, or the layout the cache stores under
#: a key does (``partnergraph.cache._MAGIC``), so that an old folder's entries
#: are simply never found again.
_SCHEMA = 2
_HEX_DIGEST = re.compile(r"[0-9a-f]{64}")


def normalise_query(text: str) -> tuple[str, ...]:
    """The tokens of a query, with whitespace and comments reduced to where they were.

    Two texts that differ only in the amount or kind of whitespace and comments
    between the same tokens give the same tuple; any other difference (in a
    string, an IRI, a name's case, or whitespace added where there was none:
    ``SELECT*`` against ``SELECT *``) gives another. Keeping where a gap was,
    rather than dropping it, makes the result exact even where the lexer splits
    differently from an engine.

    Args:
        text: a SPARQL query.

    Returns:
        The token texts in order, with "" (never a token) between two tokens that
        whitespace or a comment separated.
    """
    parts: list[str] = []
    end = 0
    for token in tokens(text):
        if parts and token.start > end:
            parts.append("")
        parts.append(token.text)
        end = token.start + len(token.text)
    return tuple(parts)


def request_key(version: str, request: QueryRequest, variant: str) -> str:
    """The cache key of a request's answer.

    Args:
        version: the dataset version (hex SHA-256) the answer comes from.
        request: the query as the protocol delivered it.
        variant: what form the answer takes: a format key (``json``, ``ttl``…),
            or a name such as ``rows`` for a typed call.

    Returns:
        A hex SHA-256 digest.

    Raises:
        ValueError: ``version`` is not a hex SHA-256, or ``variant`` is empty.
    """
    if not isinstance(version, str) or not _HEX_DIGEST.fullmatch(version.lower()):
        raise ValueError(f"version must be a hex SHA-256, not {version!r}")
    if not variant:
        raise ValueError("variant must not be empty")
    document = {
        "schema": _SCHEMA,
        "version": version.lower(),
        "query": normalise_query(request.query),
        "form": request.form.value,
        "default_graph_uris": sorted(set(request.default_graph_uris)),
        "named_graph_uris": sorted(set(request.named_graph_uris)),
        "row_cap": request.row_cap,
        "base_iri": request.base_iri,
        # In order: a name bound twice is not a set.
        "bindings": [[name, str(term)] for name, term in request.bindings],
        "variant": variant,
    }
    text = json.dumps(document, ensure_ascii=True, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def is_request_key(key: object) -> bool:
    """Whether ``key`` has the form of a :func:`request_key` (a lower-case hex SHA-256).

    Args:
        key: anything.

    Returns:
        True when it is such a string.
    """
    return isinstance(key, str) and _HEX_DIGEST.fullmatch(key) is not None
