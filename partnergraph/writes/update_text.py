"""The text of a SPARQL Update, cut into its operations by the lexer (no parser).

An update is a sequence of operations separated by ``;`` (outside braces), each
with an optional prologue (``BASE``, ``PREFIX``) that holds for the rest of the
request. :func:`operations` gives each operation as a text that runs alone: the
prologue declared so far, then the operation. Oxigraph refuses a prologue after
``;``, so running the pieces one after the other is also how such a request runs.
"""

from __future__ import annotations

from dataclasses import dataclass

from partnergraph.store.lexer import CLOSERS, OPENERS, Token, TokenKind, tokens


@dataclass(frozen=True)
class OperationText:
    """One operation of an update.

    Attributes:
        prologue: the ``BASE`` and ``PREFIX`` declarations in force, as text.
        body: the operation itself.
        data: for ``INSERT DATA`` / ``DELETE DATA``, the text between the braces of
            its quad data; else None.
        inserts: True for ``INSERT DATA``, False for ``DELETE DATA``.
    """

    prologue: str
    body: str
    data: str | None = None
    inserts: bool = False

    @property
    def text(self) -> str:
        """The operation as an update of its own."""
        return f"{self.prologue}{self.body}"


def operations(text: str) -> list[OperationText]:
    """The operations of ``text``, in order; a request of only a prologue has none."""
    found: list[OperationText] = []
    prologue: list[str] = []
    depth = 0
    start: int | None = None  # where the current operation's body starts
    declaring: list[Token] = []
    for token in tokens(text):
        if token.kind is TokenKind.PUNCT and token.text in OPENERS:
            depth += 1
        elif token.kind is TokenKind.PUNCT and token.text in CLOSERS:
            depth = max(0, depth - 1)
        if depth == 0 and start is None and (declaring or token.keyword in ("BASE", "PREFIX")):
            declaring.append(token)
            if token.kind is TokenKind.IRI:  # a declaration ends with its IRI
                prologue.append(text[declaring[0].start : token.start + len(token.text)] + "\n")
                declaring = []
            continue
        if depth == 0 and token.kind is TokenKind.PUNCT and token.text == ";":
            if start is not None:
                found.append(_operation("".join(prologue), text[start : token.start]))
            start = None
            continue
        if start is None:
            start = token.start
    if start is not None:
        found.append(_operation("".join(prologue), text[start:]))
    return found


def _operation(prologue: str, body: str) -> OperationText:
    words = [t for t in tokens(body) if t.kind is not TokenKind.PUNCT][:2]
    keywords = [t.keyword for t in words]
    if len(keywords) == 2 and keywords[1] == "DATA" and keywords[0] in ("INSERT", "DELETE"):
        span = _braces(body)
        if span is not None:
            return OperationText(prologue, body, body[span[0] : span[1]], keywords[0] == "INSERT")
    return OperationText(prologue, body)


def _braces(text: str) -> tuple[int, int] | None:
    """The inside of the first outermost ``{ … }`` of ``text``."""
    depth = 0
    start = None
    for token in tokens(text):
        if token.kind is not TokenKind.PUNCT:
            continue
        if token.text in OPENERS:
            if depth == 0 and token.text == "{":
                start = token.start + 1
            depth += 1
        elif token.text in CLOSERS:
            depth -= 1
            if depth == 0 and start is not None:
                return start, token.start
    return None


def modify_wheres(text: str) -> list[int]:
    """Where each ``WHERE`` of a DELETE/INSERT operation starts (not DELETE WHERE)."""
    places: list[int] = []
    depth = 0
    previous = ""
    for token in tokens(text):
        if token.kind is TokenKind.PUNCT:
            if token.text in OPENERS:
                depth += 1
            elif token.text in CLOSERS:
                depth = max(0, depth - 1)
        elif depth == 0 and token.keyword == "WHERE" and previous != "DELETE":
            places.append(token.start)
        previous = token.keyword or ""
    return places


def uncertain_iris(text: str) -> bool:
    """Whether rdflib may read an IRI of ``text`` otherwise than Oxigraph: a ``BASE``,
    a relative IRI or an escaped local name (their resolution differs between the two)."""
    for token in tokens(text):
        if token.keyword == "BASE":
            return True
        if token.kind is TokenKind.IRI and ":" not in token.text.split("/", 1)[0]:
            return True
        if token.kind is TokenKind.PNAME and "\\" in token.text:
            return True
    return False
