"""Rewriting the curated files after a write, so that they say exactly what is served.

The TriG files in ``graph/`` are the source of truth a reviewer reads in git: after
an accepted write, a rebuild from them must give the served data, and the diff
must be as small as the change. :func:`plan_edits` computes the new text of every
file that must change, without writing; :func:`write_edits` replaces each file
atomically.

Where a change goes:

* A removed quad is taken out of every statement that writes it, in any file.
* An added quad whose subject already has a statement in its graph goes into the
  first such statement (files in :func:`~partnergraph.loader.data_files` order);
  else into a new statement at the end of the graph's first block that describes
  a subject in the same namespace (a new partnership goes beside the others), else
  at the end of the graph's first block; a graph that no
  file holds gets a new file named after it (``{base}graph/x`` → ``graph/x.trig``;
  another IRI → a slug of it and 8 hex digits of its SHA-256), never over an
  existing file and never outside the folder.
* Only the statements whose triples change are rewritten (see
  :mod:`partnergraph.writes.trig_blocks`); a statement left empty goes with its
  comment lines and a blank line, a GRAPH block left empty with the comment lines
  directly above it. A file written by a write that has no block left is deleted;
  a curated file is kept with its header and prefixes.

Every new text is parsed back and must hold exactly the quads it should; a file
whose text the model does not understand is written anew in house style (its
comments lost, with a logged warning) and checked again.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import secrets
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import pyoxigraph as ox

from partnergraph.atomic import sync_folder
from partnergraph.errors import PartnergraphError
from partnergraph.loader import data_files, parse_file
from partnergraph.namespaces import Namespaces
from partnergraph.writes.trig_blocks import ModelError, TrigText
from partnergraph.writes.trig_terms import RDF_TYPE, Names, Pair, namespace_of, render_statement

log = logging.getLogger(__name__)

#: The first line of a file created by a write.
HEADER = "# Written by a write through partnergraph"
_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,99}\Z")


class FileEditError(PartnergraphError):
    """The curated files cannot be brought to say what a write changed."""

    title = "Curated files not updated"


@dataclass(frozen=True)
class FileEdit:
    """The new content of one curated file.

    Attributes:
        path: the file.
        text: its new bytes (UTF-8 TriG), or None to delete it.
    """

    path: Path
    text: bytes | None


def plan_edits(
    graph_dir: Path, base_iri: str, added: Iterable[ox.Quad], removed: Iterable[ox.Quad]
) -> list[FileEdit]:
    """The files to change so that ``graph_dir`` says what it says now, less removed, plus added.

    The result is the data less ``removed``, then plus ``added`` (as SPARQL
    applies DELETE before INSERT): a quad both removed and added ends up written.
    An added quad already written in its graph is not written twice.

    Args:
        graph_dir: the folder of curated files.
        base_iri: the base they are parsed with.
        added: the quads the write adds (named graphs, no blank nodes).
        removed: the quads it removes; each must be written in some file.

    Returns:
        One edit per file that changes: curated files in file order, then new files.

    Raises:
        ValueError: a quad in the default graph, or holding a blank node or a triple term.
        FileEditError: a removed quad that no file writes, a new graph without a
            free file name, or a text that does not parse back to what it must hold.
        DataFileError: a curated file that cannot be read or parsed.
    """
    plus = list(dict.fromkeys(_checked(added, "added")))
    minus = set(_checked(removed, "removed")).difference(plus)  # removed, then added
    changed = {_names_of(q)[0] for q in [*plus, *minus]}
    every_file = data_files([graph_dir])
    files = [path for path in every_file if _may_hold(path, base_iri, changed)]
    before = {path: parse_file(path, base_iri) for path in files}
    # a file may spell a literal otherwise than the store ("P12M" for "P1Y"): quads
    # are matched in the store's form, and removed in the file's
    spelled = {path: store_forms(quads) for path, quads in before.items()}
    held = {path: set(forms) for path, forms in spelled.items()}
    removals: dict[Path, set[ox.Quad]] = {}
    for form, quads in sorted(store_forms(minus).items(), key=lambda item: str(item[0])):
        holders = [path for path in files if form in held[path]]
        if not holders:
            raise FileEditError(f"cannot remove {quads[0]}: no file in {graph_dir} writes it")
        for path in holders:
            removals.setdefault(path, set()).update(spelled[path][form])
    additions, new_graphs = _place_additions(files, before, held, minus, plus)
    edits: list[FileEdit] = []
    after = dict(held)
    for path in files:
        if path in removals or path in additions:
            written = set(before[path]) - removals.get(path, set())
            expected = written | set(additions.get(path, []))
            edit = _edit_file(
                path,
                base_iri,
                old=before[path],
                removed=removals.get(path, set()),
                added=additions.get(path, []),
                expected=expected,
            )
            after[path] = set(store_forms(expected))
            if edit is not None:
                edits.append(edit)
    taken: set[Path] = set()
    prefixes = _project_prefixes(every_file, base_iri) if new_graphs else {}
    for graph, quads in new_graphs.items():
        path = _new_path(graph_dir, graph, base_iri, taken)
        text = _new_file(graph, quads, prefixes, base_iri)
        _verify(path, text, set(quads), base_iri)
        edits.append(FileEdit(path, text.encode()))
        after[path] = set(quads)
    union = set().union(*after.values())
    if union != set().union(*held.values()) - set(store_forms(minus)) | set(store_forms(plus)):
        raise FileEditError(
            "the planned files do not hold the data before, less removed, plus added"
        )
    return edits


_GRAPH_LINE = re.compile(r"^\s*(?:GRAPH\s+)?(<[^<>\"{}|^`\\\s]*>)\s*\{\s*(?:#.*)?$", re.IGNORECASE)
_BASE_LINE = re.compile(r"^\s*(?:@base|BASE)\b", re.IGNORECASE)
#: An absolute IRI, or a relative path without dot segments, queries or fragments: the
#: references whose resolution urljoin and RFC 3986 agree on.
_PLAIN_REFERENCE = re.compile(r"(?:[A-Za-z][A-Za-z0-9+.-]*:[^\s]*|(?!\.)(?!/)[A-Za-z0-9_~%/-]+)\Z")
_GRAPH_NAMES: dict[Path, tuple[tuple[int, int, int], frozenset[str] | None]] = {}


def _may_hold(path: Path, base_iri: str, graphs: set[str]) -> bool:
    """Whether ``path`` may hold a block of one of ``graphs`` (a file that does not is
    neither parsed nor changed: at 100 000 triples in 500 files, a write reads one)."""
    names = _graph_names(path, base_iri)
    return names is None or not names.isdisjoint(graphs)


def _graph_names(path: Path, base_iri: str) -> frozenset[str] | None:
    """The names of the GRAPH blocks of a curated file, read from its lines without
    parsing it, and kept while the file is unchanged; None when a line the scan does
    not read for sure (a ``{`` elsewhere, a prefixed graph name, a ``BASE``) could
    open a block: then the file is parsed."""
    info = path.stat()
    stamp = (info.st_mtime_ns, info.st_size, info.st_ino)
    kept = _GRAPH_NAMES.get(path)
    if kept is not None and kept[0] == stamp:
        return kept[1]
    result = _scan_graph_names(path.read_text(encoding="utf-8"), base_iri)
    _GRAPH_NAMES[path] = (stamp, result)
    return result


def _scan_graph_names(text: str, base_iri: str) -> frozenset[str] | None:
    names: set[str] = set()
    for line in text.splitlines():
        if "{" not in line:
            if _BASE_LINE.match(line):
                return None
            continue
        found = _GRAPH_LINE.match(line)
        reference = found.group(1)[1:-1] if found else ""
        if found is None or not _PLAIN_REFERENCE.match(reference):
            return None
        names.add(urljoin(base_iri, reference))
    return frozenset(names)


def store_forms(quads: Iterable[ox.Quad]) -> dict[ox.Quad, list[ox.Quad]]:
    """Each quad as the store holds it (Oxigraph writes some typed literals in a
    canonical form: ``"P12M"^^xsd:duration`` as ``"P1Y"``), with the quads written so."""
    forms: dict[ox.Quad, list[ox.Quad]] = {}
    scratch = ox.Store()
    for quad in quads:
        form = quad
        if isinstance(quad.object, ox.Literal) and quad.object.datatype.value != _XSD_STRING:
            scratch.add(quad)
            form = next(iter(scratch))
            scratch.remove(form)
        forms.setdefault(form, []).append(quad)
    return forms


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _checked(quads: Iterable[ox.Quad], what: str) -> list[ox.Quad]:
    out = list(quads)
    for quad in out:
        if not isinstance(quad.graph_name, ox.NamedNode):
            raise ValueError(f"{what} quad {quad} is not in a named graph")
        for term in (quad.subject, quad.object, quad.graph_name):
            if isinstance(term, ox.BlankNode):
                raise ValueError(f"{what} quad {quad} holds the blank node {term}: skolemise it")
            if isinstance(term, ox.Triple):
                raise ValueError(f"{what} quad {quad} holds a triple term, which files cannot hold")
    return out


def _names_of(quad: ox.Quad) -> tuple[str, str]:
    """The graph IRI and subject IRI of a checked quad."""
    graph, subject = quad.graph_name, quad.subject
    if not isinstance(graph, ox.NamedNode) or not isinstance(subject, ox.NamedNode):
        raise ValueError(f"{quad}: the graph and the subject must be IRIs")
    return graph.value, subject.value


def _place_additions(
    files: list[Path],
    before: dict[Path, list[ox.Quad]],
    held: dict[Path, set[ox.Quad]],
    minus: set[ox.Quad],
    plus: list[ox.Quad],
) -> tuple[dict[Path, list[ox.Quad]], dict[str, list[ox.Quad]]]:
    """Which file each added quad goes to; the quads of graphs that no file holds."""
    present = set().union(*held.values()) - minus
    by_subject: dict[tuple[str, str], Path] = {}
    by_graph: dict[str, Path] = {}
    by_space: dict[tuple[str, str], Path] = {}
    for path in files:
        for quad in before[path]:
            if isinstance(quad.graph_name, ox.NamedNode) and isinstance(quad.subject, ox.NamedNode):
                by_subject.setdefault((quad.graph_name.value, quad.subject.value), path)
                by_graph.setdefault(quad.graph_name.value, path)
                space = namespace_of(quad.subject.value)
                by_space.setdefault((quad.graph_name.value, space), path)
    additions: dict[Path, list[ox.Quad]] = {}
    new_graphs: dict[str, list[ox.Quad]] = {}
    for quad in plus:
        if quad in present:
            continue
        graph, subject = _names_of(quad)
        target = (
            by_subject.get((graph, subject))
            or by_space.get((graph, namespace_of(subject)))
            or by_graph.get(graph)
        )
        if target is None:
            new_graphs.setdefault(graph, []).append(quad)
        else:
            additions.setdefault(target, []).append(quad)
    return additions, new_graphs


def _edit_file(
    path: Path,
    base_iri: str,
    *,
    old: list[ox.Quad],
    removed: set[ox.Quad],
    added: list[ox.Quad],
    expected: set[ox.Quad],
) -> FileEdit | None:
    """The edit of one curated file (None when its text does not change)."""
    text = path.read_bytes().decode("utf-8")  # newlines as they are
    try:
        new = TrigText(text, base_iri).edited(removed, added)
        problem = _mismatch(new, expected, base_iri)
    except ModelError as exc:
        problem = str(exc)
    if problem:
        log.warning(
            "%s: %s; the whole file is written anew in house style and its comments are lost",
            path,
            problem,
        )
        try:
            new = _whole_file(text, old, removed, added, base_iri)
        except ValueError as exc:  # a blank node or a triple term in the file
            raise FileEditError(f"{path}: cannot be written anew: {exc}") from exc
        _verify(path, new, expected, base_iri)
    if not expected and text.startswith(HEADER):
        return FileEdit(path, None)
    return None if new == text else FileEdit(path, new.encode())


def _mismatch(text: str, expected: set[ox.Quad], base_iri: str) -> str:
    """Why ``text`` does not hold exactly ``expected`` ('' when it does)."""
    try:
        quads = set(ox.parse(text, ox.RdfFormat.TRIG, base_iri=base_iri))
    except SyntaxError as exc:
        return f"the new text does not parse ({exc})"
    if quads != expected:
        wrong = sorted(map(str, quads ^ expected))[:3]
        return f"the new text does not hold the expected quads (differing: {wrong})"
    return ""


def _verify(path: Path, text: str, expected: set[ox.Quad], base_iri: str) -> None:
    if problem := _mismatch(text, expected, base_iri):
        raise FileEditError(f"{path}: {problem}")


def _whole_file(
    text: str, old: list[ox.Quad], removed: set[ox.Quad], added: list[ox.Quad], base_iri: str
) -> str:
    """The file written anew: its opening comment lines, its prefixes, every graph."""
    header: list[str] = []
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            break
        header.append(line.rstrip())
    while header and not header[-1]:
        header.pop()
    parser = ox.parse(text, ox.RdfFormat.TRIG, base_iri=base_iri)
    list(parser)
    quads = [q for q in old if q not in removed] + added
    rendered = _render(header, _ordered(parser.prefixes, base_iri), quads, base_iri)
    return rendered.replace("\n", "\r\n") if "\r\n" in text else rendered


def _render(
    header: list[str], prefixes: dict[str, str], quads: list[ox.Quad], base_iri: str
) -> str:
    """A whole TriG file in house style; graphs, subjects and predicates in first-seen order."""
    names = Names(prefixes, base_iri)
    graphs: dict[str, dict[str, list[Pair]]] = {}
    for quad in quads:
        graph, subject = _names_of(quad)
        obj = quad.object
        if not isinstance(obj, ox.NamedNode | ox.Literal):
            raise ValueError(f"{quad}: the object is neither an IRI nor a literal")
        graphs.setdefault(graph, {}).setdefault(subject, []).append((quad.predicate, obj))
    out = [*header, ""] if header else []
    out += [f"@prefix {name}: {names.ref(iri)} ." for name, iri in prefixes.items()]
    for graph, subjects in graphs.items():
        statements = [
            render_statement(s, pairs, names, step="        ", newline="\n", indent="    ")
            for s, pairs in subjects.items()
        ]
        out += ["", f"GRAPH {names.ref(graph)} {{", "", "\n".join(statements).rstrip("\n"), "}"]
    return "\n".join(out) + "\n"


def _ordered(prefixes: dict[str, str], base_iri: str) -> dict[str, str]:
    """Prefixes in the files' order: the project's under the base, the others, external ones."""
    known = list(Namespaces(base_iri).prefixes())

    def key(item: tuple[str, str]) -> tuple[bool, int, str]:
        name, iri = item
        return (
            not iri.startswith(base_iri),
            known.index(name) if name in known else len(known),
            name,
        )

    return dict(sorted(prefixes.items(), key=key))


def _project_prefixes(files: list[Path], base_iri: str) -> dict[str, str]:
    """Every prefix the curated files declare (first file wins) and the project's own."""
    prefixes: dict[str, str] = {}
    for path in files:
        parser = ox.parse(path=path, format=ox.RdfFormat.TRIG, base_iri=base_iri)
        list(parser)
        for name, iri in parser.prefixes.items():
            prefixes.setdefault(name, iri)
    for name, iri in Namespaces(base_iri).prefixes().items():
        prefixes.setdefault(name, iri)
    return _ordered(prefixes, base_iri)


def _new_path(graph_dir: Path, graph: str, base_iri: str, taken: set[Path]) -> Path:
    """A free file name for a new graph, inside ``graph_dir`` (a plain name, no folders)."""
    space = Namespaces(base_iri).graph
    local = graph[len(space) :] if graph.startswith(space) else ""
    slug = re.sub(r"[^a-z0-9]+", "-", (local or graph.split(":", 1)[-1]).lower())
    digest = hashlib.sha256(graph.encode()).hexdigest()[:8]
    names = [local] if _SAFE_NAME.match(local) else []
    names.append(f"{slug.strip('-')[:60].strip('-') or 'graph'}-{digest}")
    for name in names:
        path = graph_dir / f"{name}.trig"
        if path not in taken and not os.path.lexists(path):
            taken.add(path)
            return path
    raise FileEditError(f"no free file name in {graph_dir} for the graph <{graph}>: {names} taken")


def _new_file(graph: str, quads: list[ox.Quad], prefixes: dict[str, str], base_iri: str) -> str:
    """A new file for a graph no curated file held: header, prefixes, one block."""
    header = [
        f"{HEADER}: the named graph",
        f"# <{graph}>,",
        "# which no curated file held. Edit it like any other curated file.",
    ]
    names = Names(prefixes, base_iri)

    def key(quad: ox.Quad) -> tuple[str, bool, str, str]:
        obj = quad.object
        text = names.term(obj) if isinstance(obj, ox.NamedNode | ox.Literal) else str(obj)
        first = quad.predicate.value == RDF_TYPE
        return (_names_of(quad)[1], not first, names.predicate(quad.predicate), text)

    return _render(header, prefixes, sorted(quads, key=key), base_iri)


@dataclass
class Staged:
    """Edits whose new texts are written and synced beside their files, not yet in place.

    Attributes:
        moves: (temporary file, target) of each new text.
        removals: the files to delete.
    """

    moves: list[tuple[Path, Path]]
    removals: list[Path]

    def apply(self) -> None:
        """Rename every new text into place, delete the files to delete, sync the folders.

        Raises:
            OSError: as raised (a rename that fails leaves its target as it was).
        """
        folders: set[Path] = set()
        while self.moves:
            temporary, target = self.moves[0]
            os.rename(temporary, target)
            self.moves.pop(0)
            folders.add(target.parent)
        for path in self.removals:
            path.unlink(missing_ok=True)
            folders.add(path.parent)
        for folder in sorted(folders):
            sync_folder(folder)

    def discard(self) -> None:
        """Remove the temporary files not renamed."""
        for temporary, _ in self.moves:
            temporary.unlink(missing_ok=True)
        self.moves.clear()


def stage_edits(edits: Sequence[FileEdit]) -> Staged:
    """Write every new text to a temporary file beside its target and sync it: what can
    fail for want of room or permission fails here, before anything is changed.

    Raises:
        OSError: as raised; no temporary file is left behind.
    """
    staged = Staged([], [edit.path for edit in edits if edit.text is None])
    try:
        for edit in edits:
            if edit.text is not None:
                staged.moves.append((_stage(edit.path, edit.text), edit.path))
    except BaseException:
        staged.discard()
        raise
    return staged


def write_edits(edits: Sequence[FileEdit]) -> None:
    """Apply edits: every new text is written and synced first, then renamed into place.

    Each file is replaced atomically (a temporary file beside it, flushed and
    fsynced, renamed over it, the folder fsynced), so a reader or a crash sees the
    old file or the new one. The texts are all staged before the first rename: a
    full disk or a read-only folder changes nothing. A rename that fails leaves
    its target as it was, but files renamed before it stay renamed.

    Raises:
        OSError: as raised; no temporary file is left behind.
    """
    staged = stage_edits(edits)
    try:
        staged.apply()
    finally:
        staged.discard()


def remove_stale_stages(graph_dir: Path) -> None:
    """Remove the temporary files a write killed between staging and renaming left."""
    for path in graph_dir.glob(".*.tmp"):
        if _STAGED.fullmatch(path.name):
            path.unlink(missing_ok=True)


_STAGED = re.compile(r"\..+\.\d+\.[0-9a-f]{8}\.tmp")


def _stage(target: Path, data: bytes) -> Path:
    """Write ``data`` to a new temporary file beside ``target``, synced; with its mode."""
    temporary = target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if target.is_file():
            os.chmod(temporary, stat.S_IMODE(target.stat().st_mode))
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary
