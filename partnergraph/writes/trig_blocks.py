"""Curated TriG text as GRAPH blocks and statements, edited statement by statement.

TriG: https://www.w3.org/TR/trig/ (its terms are Turtle's: https://www.w3.org/TR/turtle/).

The curated files put every element on lines of its own: a ``@prefix`` line, a
``GRAPH <graph/x> {`` line, each statement (a subject line, then one line per
predicate, the last ending with `` .``; comment lines directly above it belong to
it), a ``}`` line. :class:`TrigText` lexes a file (strings, IRIs and comments
taken whole, so a ``#`` or ``.`` inside a literal is never read as structure),
finds those elements and their lines, and :meth:`TrigText.edited` rewrites only
the statements whose triples change: every other byte stays as it was.

Inside a rewritten statement an unchanged predicate line is kept verbatim (only
its closing ``;`` or ``.`` adjusted); a changed line keeps the text of the
objects it keeps and writes new ones with
:class:`~partnergraph.writes.trig_terms.Names`.
Comments on lines that are not kept verbatim move to the top of the statement.
A text that does not fit this model (two statements on a line, blank nodes,
collections, triples outside a GRAPH block) raises :class:`ModelError`; the
caller then writes the whole file anew.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

from partnergraph.writes.trig_terms import (
    RDF_TYPE,
    Names,
    Object,
    Pair,
    Row,
    close_rows,
    group,
    namespace_of,
    render_statement,
    sort_pairs,
)

_TOKEN = re.compile(
    r"""(?P<comment>\#[^\r\n]*)
    |(?P<string>\"\"\"(?:(?:\"|\"\")?(?:[^\"\\]|\\.))*\"\"\"
        |'''(?:(?:'|'')?(?:[^'\\]|\\.))*'''
        |"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')
    |(?P<iri><(?:[^\x00-\x20<>"{}|^`\\]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>)
    |(?P<word>[+-]?\.[0-9]+(?:[eE][+-]?[0-9]+)?
        |(?:\\.|[^\s.;,{}\[\]()<>"'\#\\])+(?:\.+(?:\\.|[^\s.;,{}\[\]()<>"'\#\\])+)*)
    |(?P<punct>[.;,{}\[\]()])
    |(?P<space>\s+)""",
    re.VERBOSE | re.DOTALL,
)
_LINE = re.compile(r"[^\n]*\n|[^\n]+\Z")
_DIRECTIVES = {"@prefix": 3, "@base": 2, "prefix": 2, "base": 1}  # tokens after the keyword


class ModelError(Exception):
    """The text does not fit the line model of the curated files."""


@dataclass(slots=True)
class _Token:
    kind: str
    start: int
    end: int
    line: int
    last_line: int


@dataclass
class _Part:
    """One ``predicate object, object`` part of a statement, as written."""

    predicate: str
    objects: list[str]
    first_line: int
    last_line: int
    separator: int | None  # offset of the ';' or '.' that closes it
    predicate_term: ox.NamedNode | None = None
    object_terms: list[Object] = field(default_factory=list)


@dataclass
class _Statement:
    first: int  # first line, the comment lines directly above it included
    subject_line: int
    last: int
    subject_text: str
    parts: list[_Part]
    line_run: bool  # subject and each part on lines of their own
    subject: ox.NamedNode | None = None


@dataclass
class _Block:
    graph: str
    first: int  # first line, the comment lines directly above it included
    close_line: int
    statements: list[_Statement]
    prefixes: dict[str, str]
    base: str | None


class TrigText:
    """A TriG file read as blocks and statements, ready to be edited.

    Args:
        text: the file's text.
        base_iri: the base it is parsed with.

    Raises:
        ModelError: the text does not fit the model.
    """

    def __init__(self, text: str, base_iri: str) -> None:
        self.text = text
        self.lines: list[str] = _LINE.findall(text)
        self.newline = "\r\n" if "\r\n" in text else "\n"
        self.starts = [0]
        for line in self.lines[:-1]:
            self.starts.append(self.starts[-1] + len(line))
        self.tokens = self._lex()
        self.comments: dict[int, list[str]] = {}
        for token in self.tokens:
            if token.kind == "comment":
                self.comments.setdefault(token.line, []).append(self.word(token))
        self.blocks: list[_Block] = []
        self._read(base_iri)

    def word(self, token: _Token) -> str:
        """The text of a token."""
        return self.text[token.start : token.end]

    def _line_of(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset) - 1

    def _lex(self) -> list[_Token]:
        tokens: list[_Token] = []
        pos, size = 0, len(self.text)
        while pos < size:
            m = _TOKEN.match(self.text, pos)
            if m is None or m.end() == pos:
                raise ModelError(f"line {self._line_of(pos) + 1}: cannot read it")
            if m.lastgroup != "space":
                first, last = self._line_of(pos), self._line_of(m.end() - 1)
                tokens.append(_Token(m.lastgroup or "", pos, m.end(), first, last))
            pos = m.end()
        return tokens

    def _read(self, base_iri: str) -> None:
        code = [t for t in self.tokens if t.kind != "comment"]
        prefixes: dict[str, str] = {}
        base: str | None = base_iri
        previous, i = -1, 0  # the last line of the previous element; the next token
        while i < len(code):
            token = code[i]
            word = self.word(token)
            if token.line <= previous:
                raise ModelError(f"line {token.line + 1}: two elements on one line")
            if word.lower() in _DIRECTIVES:
                end = i + _DIRECTIVES[word.lower()]
                if end >= len(code):
                    raise ModelError(f"line {token.line + 1}: an unfinished directive")
                prefixes, base = _declare(self.text[token.start : code[end].end], prefixes, base)
                previous, i = code[end].last_line, end + 1
                continue
            name = i + 1 if word.upper() == "GRAPH" else i
            if name + 1 >= len(code) or self.word(code[name + 1]) != "{":
                raise ModelError(f"line {token.line + 1}: a triple outside a GRAPH block")
            if code[name].kind not in ("iri", "word"):
                raise ModelError(f"line {token.line + 1}: a default-graph block")
            graph = _resolve(self.word(code[name]), prefixes, base)
            first = self._attached(token.line, previous)
            i, previous = self._block(
                code, i=name + 2, first=first, graph=graph, prefixes=prefixes, base=base
            )

    def _block(
        self,
        code: list[_Token],
        *,
        i: int,
        first: int,
        graph: str,
        prefixes: dict[str, str],
        base: str | None,
    ) -> tuple[int, int]:
        statements: list[_Statement] = []
        last = code[i - 1].last_line  # the '{'
        while i < len(code) and self.word(code[i]) != "}":
            start = i
            while i < len(code) and not (code[i].kind == "punct" and self.word(code[i]) in ".}"):
                if code[i].kind == "punct" and self.word(code[i]) in "[(":
                    raise ModelError(f"line {code[i].line + 1}: blank nodes or collections")
                i += 1
            end = i + 1 if i < len(code) and self.word(code[i]) == "." else i
            if code[start].line <= last:
                raise ModelError(f"line {code[start].line + 1}: two elements on one line")
            statements.append(self._statement(code[start:end], last))
            last, i = code[end - 1].last_line, end
        if i >= len(code) or code[i].line <= last:
            raise ModelError(f"line {last + 1}: a GRAPH block that does not close on its own line")
        self.blocks.append(_Block(graph, first, code[i].line, statements, prefixes, base))
        return i + 1, code[i].last_line

    def _attached(self, line: int, previous: int) -> int:
        """The first of the comment lines directly above ``line`` (below ``previous``)."""
        first = line
        while first - 1 > previous and self.lines[first - 1].strip():
            first -= 1
        return first

    def _statement(self, tokens: list[_Token], previous: int) -> _Statement:
        subject, body = tokens[0], tokens[1:]
        closing = body.pop() if body and self.word(body[-1]) == "." else None
        chunks: list[list[_Token]] = [[]]
        separators: list[_Token | None] = []
        for token in body:
            if token.kind == "punct" and self.word(token) == ";":
                chunks.append([])
                separators.append(token)
            else:
                chunks[-1].append(token)
        separators.append(closing)
        line_run, last_line = True, subject.line
        parts: list[_Part] = []
        for chunk, separator in zip(chunks, separators, strict=True):
            if not chunk:
                line_run = False
                continue
            objects: list[list[_Token]] = [[]]
            for token in chunk[1:]:
                if token.kind == "punct" and self.word(token) == ",":
                    objects.append([])
                else:
                    objects[-1].append(token)
            if not all(objects):
                raise ModelError(f"line {chunk[0].line + 1}: a predicate without an object")
            end = separator or chunk[-1]
            line_run = line_run and separator is not None and chunk[0].line > last_line
            texts = [self.text[o[0].start : o[-1].end] for o in objects]
            sep = separator.start if separator else None
            parts.append(_Part(self.word(chunk[0]), texts, chunk[0].line, end.last_line, sep))
            last_line = end.last_line
        if not parts:
            raise ModelError(f"line {subject.line + 1}: a subject without predicates")
        return _Statement(
            self._attached(subject.line, previous),
            subject.line,
            tokens[-1].last_line,
            self.word(subject),
            parts,
            line_run,
        )

    def _load(self, statement: _Statement, block: _Block) -> None:
        """Parse one statement in its block's context and give its parts their terms."""
        if statement.subject is not None:
            return
        where = f"line {statement.subject_line + 1}"
        text = "".join(self.lines[statement.subject_line : statement.last + 1])
        document = _prologue(block.prefixes) + f"GRAPH <{block.graph}> {{\n{text}\n}}\n"
        try:
            quads = list(ox.parse(document, ox.RdfFormat.TRIG, base_iri=block.base))
        except SyntaxError as exc:
            raise ModelError(f"{where}: {exc}") from exc
        if len(quads) != sum(len(p.objects) for p in statement.parts):
            raise ModelError(f"{where}: the objects written do not match the triples parsed")
        subject = quads[0].subject
        if not isinstance(subject, ox.NamedNode):
            raise ModelError(f"{where}: a subject that is not an IRI")
        found = iter(quads)
        for part in statement.parts:
            for _ in part.objects:
                quad = next(found)
                obj = quad.object
                if quad.subject != subject or not isinstance(obj, ox.NamedNode | ox.Literal):
                    raise ModelError(f"{where}: an unexpected term in {quad}")
                if part.predicate_term not in (None, quad.predicate):
                    raise ModelError(f"{where}: a part with two predicates")
                part.predicate_term = quad.predicate
                part.object_terms.append(obj)
        statement.subject = subject

    def edited(self, removed: Collection[ox.Quad], added: Sequence[ox.Quad]) -> str:
        """The text with ``removed`` taken out and ``added`` put in.

        An added quad goes into the first statement of its subject in its graph,
        else into a new statement at the end of the graph's first block here that
        describes a subject in the same namespace (see
        :func:`~partnergraph.writes.trig_terms.namespace_of`), else
        at the end of the graph's first block. A
        statement left without triples goes with its comment lines and a blank
        line; so does a GRAPH block left without statements (with the comment
        lines directly above its ``GRAPH`` line).

        Args:
            removed: quads written in this text, to remove wherever written.
            added: quads for this text (none already in it).

        Returns:
            The new text.

        Raises:
            ModelError: a removed quad the model did not find, an added quad whose
                graph has no block here, or a statement it cannot read.
        """
        graphs = {_graph(q) for q in (*removed, *added)}
        touched = [b for b in self.blocks if b.graph in graphs]
        for block in touched:
            for statement in block.statements:
                self._load(statement, block)
        edit = _Edit(self, touched)
        for quad in added:
            edit.add(quad)
        for quad in removed:
            edit.remove(quad)
        return edit.text()


def _graph(quad: ox.Quad) -> str:
    if not isinstance(quad.graph_name, ox.NamedNode):
        raise ModelError(f"{quad} is not in a named graph")
    return quad.graph_name.value


def _prologue(prefixes: dict[str, str]) -> str:
    return "".join(f"@prefix {name}: <{iri}> .\n" for name, iri in prefixes.items())


def _declare(
    directive: str, prefixes: dict[str, str], base: str | None
) -> tuple[dict[str, str], str | None]:
    """The prefixes and base in effect after ``directive`` (pyoxigraph resolves them)."""
    try:
        parser = ox.parse(_prologue(prefixes) + directive + "\n", ox.RdfFormat.TRIG, base_iri=base)
        list(parser)
    except SyntaxError as exc:
        raise ModelError(f"cannot read the directive {directive!r}: {exc}") from exc
    return dict(parser.prefixes), parser.base_iri


def _resolve(token: str, prefixes: dict[str, str], base: str | None) -> str:
    """The IRI a graph-name token stands for."""
    document = _prologue(prefixes) + f"GRAPH {token} {{ <urn:x:s> <urn:x:p> <urn:x:o> }}\n"
    try:
        quads = list(ox.parse(document, ox.RdfFormat.TRIG, base_iri=base))
    except SyntaxError as exc:
        raise ModelError(f"cannot read the graph name {token!r}: {exc}") from exc
    return _graph(quads[0])


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip())]


class _Edit:
    """The changes to one :class:`TrigText`: collected, then written out."""

    def __init__(self, doc: TrigText, blocks: list[_Block]) -> None:
        self.doc = doc
        self.blocks = blocks
        self.kept = {
            id(p): list(p.object_terms) for b in blocks for s in b.statements for p in s.parts
        }
        self.extra: dict[int, list[Pair]] = {}  # per statement
        self.new: dict[int, dict[str, list[Pair]]] = {}  # per block, per subject

    def _statements(self, graph: str) -> list[_Statement]:
        return [st for b in self.blocks if b.graph == graph for st in b.statements]

    def add(self, quad: ox.Quad) -> None:
        graph, subject, obj = _graph(quad), quad.subject, quad.object
        if not isinstance(subject, ox.NamedNode) or not isinstance(obj, ox.NamedNode | ox.Literal):
            raise ModelError(f"{quad} holds a term the model does not write")
        pair = (quad.predicate, obj)
        statement = next((s for s in self._statements(graph) if s.subject == subject), None)
        if statement is not None:
            self.extra.setdefault(id(statement), []).append(pair)
            return
        blocks = [b for b in self.blocks if b.graph == graph]
        if not blocks:
            raise ModelError(f"no block of the graph <{graph}> in this text")
        space = namespace_of(subject.value)
        kin = (
            b
            for b in blocks
            for s in b.statements
            if s.subject and namespace_of(s.subject.value) == space
        )
        block = next(kin, blocks[0])
        self.new.setdefault(id(block), {}).setdefault(subject.value, []).append(pair)

    def remove(self, quad: ox.Quad) -> None:
        found = False
        for statement in self._statements(_graph(quad)):
            for part in statement.parts if statement.subject == quad.subject else ():
                kept = self.kept[id(part)]
                if part.predicate_term == quad.predicate and quad.object in kept:
                    kept[:] = [o for o in kept if o != quad.object]
                    found = True
        if not found:
            raise ModelError(f"{quad} is not written where the model looked")

    def text(self) -> str:
        deleted: set[int] = set()
        replaced: dict[int, tuple[int, str]] = {}
        for block in self.blocks:
            alive = id(block) in self.new
            for st in block.statements:
                changed = id(st) in self.extra or any(
                    self.kept[id(p)] != p.object_terms for p in st.parts
                )
                if not changed:
                    alive = True
                elif rewritten := self._rewrite(st, block):
                    alive = True
                    replaced[st.subject_line] = (st.last, rewritten)
                else:
                    deleted.update(range(st.first, st.last + 1))
            if block.statements and not alive:
                deleted.update(range(block.first, block.close_line + 1))
        inserts = {b.close_line: self._new_statements(b) for b in self.blocks if id(b) in self.new}
        return _assemble(self.doc, deleted, replaced, inserts)

    def _new_statements(self, block: _Block) -> list[str]:
        names = Names(block.prefixes, block.base)
        indent, step = "    ", "    "
        if block.statements:
            first = block.statements[0]
            indent = _indent(self.doc.lines[first.subject_line])
            if first.line_run:
                step = _indent(self.doc.lines[first.parts[0].first_line])[len(indent) :] or step
        statements: list[str] = []
        for subject, given in sorted(self.new[id(block)].items()):
            space = namespace_of(subject)
            kin = [
                s for s in block.statements if s.subject and namespace_of(s.subject.value) == space
            ]
            order = [p.predicate_term for p in kin[0].parts if p.predicate_term] if kin else []
            pairs = sort_pairs(given, names, order)
            statements.append(
                render_statement(
                    subject,
                    pairs,
                    names,
                    step=indent + step,
                    newline=self.doc.newline,
                    indent=indent,
                )
            )
        return statements

    def _rewrite(self, st: _Statement, block: _Block) -> str:
        """The new text of a changed statement; empty when it holds no triple any more."""
        doc, nl, names = self.doc, self.doc.newline, Names(block.prefixes, block.base)
        present = {(p.predicate_term, o) for p in st.parts for o in self.kept[id(p)]}
        extra = [pair for pair in self.extra.get(id(st), []) if pair not in present]
        if not present and not extra:
            return ""
        indent = _indent(doc.lines[st.subject_line])
        step = _indent(doc.lines[st.parts[0].first_line]) if st.line_run else indent + "    "
        rows: list[Row[_Part]] = []
        for part in st.parts:
            kept = self.kept[id(part)]
            texts = [t for t, o in zip(part.objects, part.object_terms, strict=True) if o in kept]
            predicate = part.predicate_term or ox.NamedNode(RDF_TYPE)  # set by _load
            rows.append(Row(predicate, part.predicate, list(kept), texts, part))
        tail = [pair for pair in sort_pairs(extra, names) if not _place(rows, *pair, names)]
        tail_rows = group(tail, names)
        rows = [r for r in tail_rows if r.predicate.value == RDF_TYPE] + rows
        rows += [r for r in tail_rows if r.predicate.value != RDF_TYPE]
        top = [] if st.line_run else range(st.subject_line, st.last + 1)
        moved = [indent + c for i in top for c in doc.comments.get(i, [])]
        pieces: list[tuple[str, str]] = []  # each row's text before and after its ';' or '.'
        previous = st.subject_line
        for row in rows:
            source = row.source
            if source is None:
                pieces.append((names.row(row, step, nl) + " ", nl))
                continue
            lines = range(previous + 1, source.last_line + 1)  # its lines and the comments above
            previous = source.last_line
            if st.line_run and source.separator is not None and row.objects == source.object_terms:
                chunk = "".join(doc.lines[i] for i in lines)
                at = source.separator - doc.starts[lines.start]
                pieces.append((chunk[:at], chunk[at + 1 :]))
                continue
            if st.line_run:
                moved += [indent + c for i in lines for c in doc.comments.get(i, [])]
            if row.objects:
                own = _indent(doc.lines[source.first_line]) if st.line_run else step
                pieces.append((names.row(row, own, nl) + " ", nl))
        head = doc.lines[st.subject_line] if st.line_run else indent + st.subject_text + nl
        return "".join(c + nl for c in moved) + head + close_rows(pieces)


def _place(rows: list[Row[_Part]], predicate: ox.NamedNode, obj: Object, names: Names) -> bool:
    """Put an added object in a row of its predicate, or a new row beside them.

    A row emptied by this change takes it first (a replaced value stays where it
    was); else predicates written one object a line get a new line, predicates
    with comma-separated objects one more object; a predicate written once with
    one object gets a new line for a literal and a comma for an IRI (the files'
    habit: labels one a line, ``pg:party city:a, city:b``).

    Returns:
        False when the statement has no row of ``predicate``.
    """
    same = [r for r in rows if r.predicate == predicate]
    if not same:
        return False
    full = [r for r in same if r.objects]
    if len(full) < len(same):
        target: Row[_Part] | None = next(r for r in same if not r.objects)
    elif len(full) > 1 and all(len(r.objects) == 1 for r in full):
        target = None
    elif len(full) > 1 or len(full[0].objects) > 1:
        target = full[-1]
    else:
        literal = isinstance(obj, ox.Literal) or isinstance(full[0].objects[0], ox.Literal)
        target = None if literal else full[0]
    if target is None:
        row: Row[_Part] = Row(predicate, same[0].text, [obj], [names.term(obj)], None)
        rows.insert(rows.index(full[-1]) + 1, row)
    else:
        target.objects.append(obj)
        target.texts.append(names.term(obj))
    return True


def _assemble(
    doc: TrigText,
    deleted: set[int],
    replaced: dict[int, tuple[int, str]],
    inserts: dict[int, list[str]],
) -> str:
    """The new text: lines kept, statements replaced, lines dropped, statements inserted."""
    inside = {i for b in doc.blocks for s in b.statements for i in range(s.first, s.last + 1)}
    blank = {i for i, line in enumerate(doc.lines) if not line.strip() and i not in inside}
    dropped: set[int] = set()
    run: list[int] = []
    for i in [*range(len(doc.lines)), len(doc.lines)]:
        if i in deleted or i in blank:
            run.append(i)
            continue
        if any(j in deleted for j in run):
            keep_one = run[0] in blank and run[-1] in blank and run[0] not in deleted
            dropped.update(run[1:] if keep_one else run)
        run = []
    out: list[str] = []
    i = 0
    while i < len(doc.lines):
        if i in replaced:
            last, text = replaced[i]
            out.append(text)
            i = last + 1
            continue
        if i in inserts:
            after_blank = bool(out) and not out[-1].strip()
            for text in inserts[i]:
                out += [text, doc.newline] if after_blank else [doc.newline, text]
        if i not in dropped:
            out.append(doc.lines[i])
        i += 1
    return "".join(out)
