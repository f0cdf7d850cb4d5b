"""A small SPARQL 1.1 lexer: tokens and where they are, not a parser.

https://www.w3.org/TR/sparql11-query/#terminals

It splits a query into strings (long strings included), IRIs, prefixed names,
variables, blank node labels, numbers, words (keywords, function names) and
punctuation, and skips whitespace and comments, so that checks made before an
engine parses the query (:mod:`partnergraph.limits.guard`) and at the store
boundary never mistake ``"SERVICE"`` in a string, ``<http://x/service>`` in an
IRI, ``ex:service`` or ``?service`` for the keyword. Anything it does not
recognise becomes a one-character ``OTHER`` token: the engine reports the
syntax error, the lexer never fails.

Warning:
    The text is untrusted. Every pattern here matches in linear time (no nested
    quantifiers that can backtrack), and an unterminated string or IRI swallows
    the rest of the text rather than being re-scanned.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from urllib.parse import urljoin

from partnergraph.errors import QueryRejected


class TokenKind(Enum):
    """What a token is."""

    IRI = "iri"
    PNAME = "pname"  # a prefixed name (ex:local) or a prefix declaration (ex:)
    VAR = "var"
    BNODE = "bnode"
    STRING = "string"
    NUMBER = "number"
    LANGTAG = "langtag"
    WORD = "word"  # a keyword, a function name, ``a``, ``true``/``false``
    PUNCT = "punct"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Token:
    """One token.

    Attributes:
        kind: what it is.
        text: its text as written.
        start: its offset (in characters) in the query.
    """

    kind: TokenKind
    text: str
    start: int

    @property
    def keyword(self) -> str:
        """The upper-cased text of a word, or "" for any other token."""
        return self.text.upper() if self.kind is TokenKind.WORD else ""


_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_U = _BASE + "_"
_CHARS = _U + r"\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
# The grammar's ``[CHARS.]*[CHARS]`` (no trailing dot) written as an unambiguous,
# possessive loop: a run of names is consumed once, never re-scanned.
_PREFIX = f"[{_BASE}](?:[{_CHARS}]|\\.+[{_CHARS}])*+"
_LOCAL_CHAR = f"[{_CHARS}:]|{_PLX}"
_LOCAL = f"(?:[{_U}:0-9]|{_PLX})(?:{_LOCAL_CHAR}|\\.+(?:{_LOCAL_CHAR}))*+"
_EXPONENT = "[eE][+-]?[0-9]+"

_PATTERNS: tuple[tuple[TokenKind | None, str], ...] = (
    (None, r"[ \t\r\n]+|#[^\r\n]*"),
    (TokenKind.STRING, r"'''(?:'{0,2}(?:[^'\\]|\\.))*'''"),
    (TokenKind.STRING, r'"""(?:"{0,2}(?:[^"\\]|\\.))*"""'),
    (TokenKind.STRING, r"'(?:[^'\\\r\n]|\\.)*'"),
    (TokenKind.STRING, r'"(?:[^"\\\r\n]|\\.)*"'),
    (TokenKind.IRI, r"<[^<>\"{}|^`\\\x00-\x20]*>"),
    (TokenKind.VAR, f"[?$][{_U}0-9][{_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*"),
    (TokenKind.BNODE, f"_:[{_U}0-9](?:[{_CHARS}]|\\.+[{_CHARS}])*+"),
    (TokenKind.PNAME, f"(?:{_PREFIX})?:(?:{_LOCAL})?"),
    # A name without a colon: a keyword, a function name, ``a``, ``true``.
    (TokenKind.WORD, _PREFIX),
    (TokenKind.LANGTAG, r"@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*(?:--[a-zA-Z]+)?"),
    (
        TokenKind.NUMBER,
        f"[0-9]+\\.[0-9]*{_EXPONENT}|\\.[0-9]+{_EXPONENT}|[0-9]+{_EXPONENT}"
        r"|[0-9]*\.[0-9]+|[0-9]+",
    ),
    (
        TokenKind.PUNCT,
        r"<<\(|\)>>|\^\^|\|\||&&|!=|<=|>=|<<|>>|\{\||\|\}|[{}()\[\].;,|/^!=<>+\-*?~]",
    ),
)

_MASTER = re.compile(
    "|".join(f"(?P<g{i}>{pattern})" for i, (_, pattern) in enumerate(_PATTERNS)), re.DOTALL
)
_KINDS = {f"g{i}": kind for i, (kind, _) in enumerate(_PATTERNS)}

#: Tokens that open and close a nesting level.
OPENERS = frozenset({"{", "(", "[", "<<", "<<(", "{|"})
CLOSERS = frozenset({"}", ")", "]", ">>", ")>>", "|}"})


def tokens(text: str) -> Iterator[Token]:
    """The tokens of ``text``, in order, without whitespace and comments.

    Args:
        text: a SPARQL query or update.

    Yields:
        Each token. An unterminated string or IRI is one token up to the end of
        the text; a character that starts no token is an ``OTHER`` token.
    """
    position = 0
    end = len(text)
    while position < end:
        match = _MASTER.match(text, position)
        if match is None:
            if text[position] in "'\"":  # an unterminated string: the rest is its text
                yield Token(TokenKind.STRING, text[position:], position)
                return
            yield Token(TokenKind.OTHER, text[position], position)
            position += 1
            continue
        group = match.lastgroup or ""
        kind = _KINDS[group]
        if kind is not None:
            yield Token(kind, match.group(), position)
        position = match.end()


def position(text: str, offset: int) -> tuple[int, int]:
    """The 1-based line and column (in characters) of ``offset`` in ``text``."""
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def declared_prefix(token: Token) -> str:
    """The prefix of a prefixed name (``ex`` for ``ex:local``; "" for ``:x``)."""
    return token.text.split(":", 1)[0]


def first_undeclared_prefix(text: str) -> Token | None:
    """The first prefixed name of ``text`` whose prefix no ``PREFIX`` declared.

    Both engines refuse such a query, rdflib without saying where; this names
    the place.
    """
    declared: set[str] = set()
    expect_declaration = False
    for token in tokens(text):
        if token.keyword == "PREFIX":
            expect_declaration = True
            continue
        if token.kind is TokenKind.PNAME:
            if expect_declaration:
                declared.add(declared_prefix(token))
            elif declared_prefix(token) not in declared:
                return token
        expect_declaration = False
    return None


def find_keyword(text: str, keywords: frozenset[str]) -> Token | None:
    """The first word token of ``text`` that is one of ``keywords`` (upper case)."""
    for token in tokens(text):
        if token.keyword in keywords:
            return token
    return None


def refuse_service(text: str) -> None:
    """Refuse a query that uses the ``SERVICE`` keyword (federation), saying where.

    Raises:
        QueryRejected: the query has ``SERVICE`` outside strings, IRIs and comments.
    """
    token = find_keyword(text, frozenset({"SERVICE"}))
    if token is not None:
        line, column = position(text, token.start)
        raise QueryRejected(
            f"SERVICE (federated query) is not allowed on this endpoint: "
            f"line {line}, column {column}"
        )


def dataset_clauses(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The graphs a query's ``FROM`` and ``FROM NAMED`` clauses name, as absolute IRIs.

    Prefixed names are expanded with the query's ``PREFIX`` declarations and
    relative IRIs resolved against its ``BASE``, so that a remote endpoint can be
    given the same dataset as protocol parameters.

    Returns:
        The default graphs and the named graphs, in query order.
    """
    prefixes: dict[str, str] = {}
    base = ""
    graphs: dict[str, list[str]] = {"from": [], "named": []}
    depth = 0
    expect = ""  # what the next IRI is: "base", "prefix", "prefix-iri", "from", "named"
    declaring = ""
    for token in tokens(text):
        keyword = token.keyword
        if token.kind is TokenKind.PUNCT:
            depth += int(token.text in OPENERS)
            depth = max(0, depth - int(token.text in CLOSERS))
            expect = ""
        elif keyword in {"BASE", "PREFIX"} or (keyword == "FROM" and depth == 0):
            expect = keyword.lower()
        elif keyword == "NAMED" and expect == "from":
            expect = "named"
        elif expect == "prefix" and token.kind is TokenKind.PNAME:
            declaring, expect = declared_prefix(token), "prefix-iri"
        elif token.kind in (TokenKind.IRI, TokenKind.PNAME) and expect:
            iri = _resolve(token, prefixes, base)
            if expect == "base":
                base = iri
            elif expect == "prefix-iri":
                prefixes[declaring] = iri
            else:
                graphs[expect].append(iri)
            expect = ""
        else:
            expect = ""
    return tuple(graphs["from"]), tuple(graphs["named"])


def _resolve(token: Token, prefixes: dict[str, str], base: str) -> str:
    if token.kind is TokenKind.IRI:
        iri = token.text[1:-1]
        return urljoin(base, iri) if base else iri
    prefix, local = token.text.split(":", 1)
    return prefixes.get(prefix, "") + re.sub(r"\\(.)", r"\1", local)


def where_group_start(text: str) -> int | None:
    """The offset just inside the opening brace of a query's outermost WHERE group.

    The template of a ``CONSTRUCT`` (all but the short ``CONSTRUCT WHERE`` form)
    and parenthesised expressions (``EXISTS`` in a projection) are skipped.

    Returns:
        The offset after the brace, or None when the query has no group (a
        ``DESCRIBE <iri>`` without ``WHERE``).
    """
    span = where_group_span(text)
    return None if span is None else span[0]


def where_group_span(text: str) -> tuple[int, int] | None:
    """Where the body of a query's outermost WHERE group is: from just inside its
    opening brace to its closing brace (the end of the text when it is unclosed).

    Returns:
        (start, end) offsets, or None when the query has no group.
    """
    depth = 0
    skip_template = False
    start: int | None = None
    for token in tokens(text):
        keyword = token.keyword
        if keyword == "CONSTRUCT" and depth == 0:
            skip_template = True
        elif keyword == "WHERE" and depth == 0:
            skip_template = False
        elif token.text == "{" and depth == 0 and not skip_template and start is None:
            start = token.start + 1
        if token.kind is TokenKind.PUNCT:
            if token.text in OPENERS:
                depth += 1
            elif token.text in CLOSERS:
                depth = max(0, depth - 1)
                if depth == 0 and token.text == "}":
                    if start is not None:
                        return start, token.start
                    skip_template = False
    return None if start is None else (start, len(text))
