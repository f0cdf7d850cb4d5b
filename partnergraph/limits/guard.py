"""The guard: what a query may look like before any engine parses it.

Both engines parse and evaluate recursively. pyoxigraph aborts the whole process
with a stack overflow on a query nested a few thousand levels deep (``{{{…}}}``,
``((( … )))``) or on a few thousand chained elements (``?s <p>/<p>/…/<p> ?o``,
``1+1+…+1``, ``BIND … BIND …``: each step nests the algebra one level deeper);
rdflib raises ``RecursionError`` far earlier. So the guard reads the query with
the small lexer of :mod:`partnergraph.store.lexer` (strings, IRIs, comments and
prefixed names are never mistaken for keywords) and refuses, naming what and
where (line and column):

* nesting of ``()``, ``{}``, ``[]`` (and ``<< >>``) deeper than
  ``max_nesting_depth``;
* a property path or expression with more than ``max_nesting_depth`` operators
  in a row (``/``, ``|``, ``^``, ``||``, ``+``…): a chain nests as deep as it is
  long;
* more than ``ELEMENTS_PER_LEVEL * max_nesting_depth`` operators and pattern
  elements in the whole query (``.``, ``;``, ``OPTIONAL``, ``UNION``, ``BIND``…);
* more than ``max_list_terms`` terms in the query's lists together (``IN``,
  ``NOT IN``, a function's arguments): every term is compared with every
  solution, so a list's cost is its length times the solutions (with Oxigraph,
  on the 2 763-quad graph, ``?o IN (…)`` over every triple: in memory 1 000
  terms 0.3 s, 10 000 terms 4.6 s; on a snapshot on disk, where each comparison
  reads the term from RocksDB, 200 terms 0.65 s, 1 000 terms 3.2 s), where
  ``VALUES`` joins by hash (1 000 terms: 6 ms on disk);
* ``SERVICE`` unless ``allow_federation``;
* any update operation (``INSERT``, ``DELETE``, ``LOAD``, ``CLEAR``…);
* a prefixed name whose prefix is not declared (both engines refuse it; rdflib
  without saying where).

Warning:
    The text is untrusted and arrives before any other check but the request
    size limit: the guard runs in linear time and stops at the first problem.
"""

from __future__ import annotations

import re
from functools import lru_cache

from partnergraph.errors import PayloadTooLarge, QueryRejected
from partnergraph.settings import Settings
from partnergraph.store.base import QueryForm, QuerySyntaxError
from partnergraph.store.lexer import CLOSERS, OPENERS, Token, TokenKind, position, tokens

#: Keywords that only an update operation uses.
UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH", "USING"}
)

#: The whole query may hold this many operators and pattern elements per allowed
#: nesting level (1000 with the default ``max_nesting_depth`` of 100).
ELEMENTS_PER_LEVEL = 10

#: Operators that chain: each one nests the engine's algebra one level deeper.
CHAIN_OPERATORS = frozenset(
    {"/", "|", "^", "!", "||", "&&", "=", "!=", "<", ">", "<=", ">=", "+", "-", "*", "?"}
)

#: Separators: between the elements of a group (counted), or of an argument list.
SEPARATORS = frozenset({".", ";", ","})

#: Keywords that add an element to a group pattern.
GROUP_KEYWORDS = frozenset(
    {"OPTIONAL", "UNION", "MINUS", "FILTER", "BIND", "GRAPH", "SERVICE", "VALUES", "EXISTS"}
    | {"LATERAL", "AS"}
)

#: Queries up to this many characters have their verdict remembered (the web layer
#: and the query service both ask; clients repeat queries).
CACHED_QUERY_CHARS = 16_384

_FORMS = {form.value: form for form in QueryForm}
_PROLOGUE = frozenset({"BASE", "PREFIX", "VERSION"})
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_LAST_CODEPOINT = 0x10FFFF


def inspect_query(text: str, settings: Settings) -> QueryForm:
    """Check a query before any engine parses it, and tell its form.

    Args:
        text: the query, as the client sent it (already decoded from UTF-8).
        settings: ``max_nesting_depth``, ``max_list_terms`` and ``allow_federation`` apply.

    Returns:
        The query form: the first of SELECT, ASK, CONSTRUCT or DESCRIBE after the
        prologue.

    Raises:
        PayloadTooLarge: more characters than ``max_request_bytes`` (the web
            layer refuses larger requests first; this keeps the guard bounded).
        QueryRejected: too deeply nested, too long a chain, list or query,
            ``SERVICE`` without federation, or an update; the message says what
            and where.
        QuerySyntaxError: no query form after the prologue, or a prefix that is
            not declared.
    """
    if len(text) > settings.max_request_bytes:
        raise PayloadTooLarge(
            f"the query is longer than the limit of {settings.max_request_bytes} bytes"
        )
    text = decode_codepoints(text)
    limits = (settings.max_nesting_depth, settings.max_list_terms, settings.allow_federation)
    if len(text) > CACHED_QUERY_CHARS:
        return _Inspection(text, *limits).run()
    return _inspect(text, *limits)


def decode_codepoints(text: str) -> str:
    """``text`` with SPARQL's codepoint escapes replaced by the characters they name.

    The grammar replaces ``\\uXXXX`` and ``\\UXXXXXXXX`` anywhere in a query before
    parsing (https://www.w3.org/TR/sparql11-query/#codepointEscape), and rdflib
    does: ``\\u0053ERVICE`` is ``SERVICE`` to it. The guard checks the query an
    engine may see. An escape of no character (past U+10FFFF) is left as written.
    """
    if "\\u" not in text and "\\U" not in text:
        return text
    return _CODEPOINT.sub(_codepoint, text)


def _codepoint(match: re.Match[str]) -> str:
    value = int(match.group(1) or match.group(2), 16)
    return chr(value) if value <= _LAST_CODEPOINT else match.group(0)


@lru_cache(maxsize=256)
def _inspect(
    text: str, max_nesting_depth: int, max_list_terms: int, allow_federation: bool
) -> QueryForm:
    """The verdict on an accepted query, remembered (a refusal raises and is not kept)."""
    return _Inspection(text, max_nesting_depth, max_list_terms, allow_federation).run()


class _Inspection:
    """One pass over the tokens of one query."""

    def __init__(
        self, text: str, max_nesting_depth: int, max_list_terms: int, allow_federation: bool
    ) -> None:
        self.text = text
        self.depth_limit = max_nesting_depth
        self.element_limit = ELEMENTS_PER_LEVEL * max_nesting_depth
        self.list_limit = max_list_terms
        self.allow_federation = allow_federation
        self.brackets: list[str] = []
        self.listed: list[bool] = []  # per open bracket: a list (a comma seen inside)
        self.chains: list[int] = [0]
        self.elements = 0
        self.terms = 0
        self.prefixes: set[str] = set()
        self.form: QueryForm | None = None

    def run(self) -> QueryForm:
        previous: Token | None = None
        for token in tokens(self.text):
            self.check(token, previous)
            previous = token
        if self.form is None:
            line, column = position(self.text, len(self.text))
            raise QuerySyntaxError(
                "no query: expected SELECT, ASK, CONSTRUCT or DESCRIBE", line, column
            )
        return self.form

    def check(self, token: Token, previous: Token | None) -> None:
        keyword = token.keyword
        if keyword in UPDATE_KEYWORDS:
            self.reject(token, f"updates are not accepted on this endpoint ({keyword})")
        if keyword == "SERVICE" and not self.allow_federation:
            self.reject(token, "SERVICE (federated query) is not allowed on this endpoint")
        if self.form is None:
            self.read_prologue(token, previous)
        if token.kind is TokenKind.PNAME:
            self.check_prefix(token, previous)
        elif token.kind is TokenKind.PUNCT:
            self.check_punctuation(token)
        elif keyword in GROUP_KEYWORDS:
            self.count_element(token)

    def read_prologue(self, token: Token, previous: Token | None) -> None:
        if token.kind is TokenKind.WORD and token.keyword in _FORMS:
            self.form = _FORMS[token.keyword]
        elif token.keyword in _PROLOGUE:
            return
        elif previous is not None and previous.keyword in _PROLOGUE:
            return  # the argument of BASE, PREFIX or VERSION
        elif (
            token.kind is TokenKind.IRI
            and previous is not None
            and previous.kind is (TokenKind.PNAME)
        ):
            return  # the IRI of PREFIX ex: <…>
        else:
            line, column = position(self.text, token.start)
            raise QuerySyntaxError(
                f"expected SELECT, ASK, CONSTRUCT or DESCRIBE, found {_quote(token)}",
                line,
                column,
            )

    def check_prefix(self, token: Token, previous: Token | None) -> None:
        prefix = token.text.split(":", 1)[0]
        if previous is not None and previous.keyword == "PREFIX":
            self.prefixes.add(prefix)
        elif prefix not in self.prefixes:
            line, column = position(self.text, token.start)
            raise QuerySyntaxError(f"the prefix {prefix}: is not declared", line, column)

    def check_punctuation(self, token: Token) -> None:
        text = token.text
        if text in OPENERS:
            self.brackets.append(text)
            self.listed.append(False)
            self.chains.append(0)
            if len(self.brackets) > self.depth_limit:
                self.reject(
                    token, f"the query nests () {{}} [] deeper than {self.depth_limit} levels"
                )
            if text in {"{", "["}:
                self.count_element(token)
        elif text in CLOSERS:
            if self.brackets:
                self.brackets.pop()
                self.listed.pop()
                self.chains.pop()
        elif text in CHAIN_OPERATORS:
            self.chains[-1] += 1
            if self.chains[-1] > self.depth_limit:
                self.reject(
                    token,
                    f"a property path or expression is longer than {self.depth_limit} steps",
                )
            self.count_element(token)
        elif text in SEPARATORS:
            self.chains[-1] = 0
            if not self.brackets or self.brackets[-1] != "(":  # not an argument list
                self.count_element(token)
            elif text == ",":
                self.count_term(token)

    def count_element(self, token: Token) -> None:
        self.elements += 1
        if self.elements > self.element_limit:
            self.reject(
                token,
                f"the query has more than {self.element_limit} operators and pattern "
                "elements; use VALUES for long lists",
            )

    def count_term(self, token: Token) -> None:
        """Count the terms of an argument list at its commas (the first comma counts two)."""
        self.terms += 1 if self.listed[-1] else 2
        self.listed[-1] = True
        if self.terms > self.list_limit:
            self.reject(
                token,
                f"the query's lists (IN, NOT IN, function arguments) hold more than "
                f"{self.list_limit} terms, the limit max_list_terms: each term is compared "
                "with every solution; for a long list of values use VALUES "
                "(VALUES ?x { <a> <b> … }), which is joined instead",
            )

    def reject(self, token: Token, reason: str) -> None:
        line, column = position(self.text, token.start)
        raise QueryRejected(f"{reason}: line {line}, column {column}")


def _quote(token: Token) -> str:
    text = token.text if len(token.text) <= 40 else token.text[:40] + "…"
    return repr(text)
