"""One write, start to end: candidate, gate, commit, switch; and the recovery after a crash.

A write holds the write lock (``{changes_dir}/.lock``, one writer at a time, across
processes) and:

1. finishes a write a crash interrupted (:func:`recover`);
2. checkpoints the served snapshot's store into a candidate folder and runs the
   operation on it; the change is what it did to the curated named graphs;
3. refuses what no write may do (the derived graph, the vocabulary's or the
   shapes' IRIs as graphs, blank nodes, more than ``max_write_quads``) and what the
   token may not (graphs outside its scope);
4. re-derives the derived graph from the change, keeps the union default graph
   in step, and validates what the change can reach: a violation refuses the
   write (422) and removes the candidate;
5. seals the candidate as the snapshot of the new version (its sorted N-Quads are
   the previous ones with the change applied, so the version costs no dump);
6. writes ``pending`` (which entry and version are on their way), appends the log
   entry (the commit point), rewrites the curated files of the changed graphs,
   records the new inputs' digest, switches ``current`` and removes ``pending``.

A crash before the log append leaves the data as it was (the candidate or the
sealed snapshot is unused); after it, :func:`recover` finds ``pending``, makes the
curated files of that entry's graphs what the new snapshot holds, and switches
to it: an acknowledged write is never lost, and an unacknowledged one is either
whole or absent.
"""

from __future__ import annotations

import bisect
import contextlib
import fcntl
import hashlib
import json
import logging
import os
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

from partnergraph import inputs, search_index, snapshots
from partnergraph.atomic import sync_folder
from partnergraph.derive import rederive
from partnergraph.errors import (
    BadRequest,
    Forbidden,
    PayloadTooLarge,
    WriteUnavailable,
)
from partnergraph.loader import data_files, parse_file
from partnergraph.namespaces import Namespaces
from partnergraph.settings import Settings
from partnergraph.snapshots import Snapshot
from partnergraph.statistics import DatasetStats
from partnergraph.store.registry import BACKENDS, backend
from partnergraph.writes import files, log
from partnergraph.writes.change import Change, nquads, parse_patch, patch_text
from partnergraph.writes.gate import gate
from partnergraph.writes.operations import Operation, keep_union, run
from partnergraph.writes.tokens import Writer

logger = logging.getLogger(__name__)

PENDING = "pending"
LOCK = ".lock"

#: Called between the steps of a commit with the step's name (tests stop there).
Step = Callable[[str], None]


@dataclass(frozen=True)
class Written:
    """What a write did.

    Attributes:
        entry: the log entry, or None when the write changed nothing.
        snapshot: the snapshot served after it.
        change: what changed in the curated named graphs.
    """

    entry: log.Entry | None
    snapshot: Snapshot
    change: Change


def write(
    settings: Settings,
    operation: Operation,
    writer: Writer,
    *,
    undoes: str | None = None,
    step: Step | None = None,
    dry_run: bool = False,
) -> Written:
    """Run ``operation`` as ``writer`` through the gate and commit it.

    Args:
        settings: the settings.
        operation: what to do.
        writer: who does it (its token's name and scope).
        undoes: the id of the log entry this write reverts, if it is an undo.
        step: called with the name of each step of the commit (for tests).
        dry_run: stop after the gate: check the write and commit nothing (an
            import's preview).

    Returns:
        What was written (with ``dry_run``: no entry, the served snapshot, and the
        change it would make).

    Raises:
        BadRequest: the change is one no write may make (with why).
        Forbidden: a graph outside the writer's scope.
        PayloadTooLarge: the change is larger than ``max_write_quads``.
        WriteRefused: the result does not conform to the shapes (with the report).
        Conflict: an undo or a change that no longer applies.
        WriteUnavailable: nothing is served yet, or the change cannot be stored.
    """
    mark = step or (lambda _name: None)
    if not backend(settings.store).writable:
        writable = " or ".join(b.name for b in BACKENDS.values() if b.writable)
        raise WriteUnavailable(
            f"this server answers from a {settings.store} store, which it does not write: "
            f"writes need the embedded store (setting store: {writable}); nothing was changed"
        )
    with write_lock(settings):
        try:
            recover(settings)
        except OSError as exc:
            raise WriteUnavailable(
                f"a write cut off earlier cannot be finished: {exc}; nothing was changed"
            ) from exc
        base = snapshots.current(settings)
        if base is None:
            raise WriteUnavailable("nothing is served yet: build the graph first")
        try:
            folder = snapshots.candidate(settings, base)
        except OSError as exc:
            raise WriteUnavailable(f"no room for the write's candidate: {exc}") from exc
        try:
            if dry_run:
                applied = _apply(settings, operation, writer, base, folder)
                return Written(None, base, applied[0] if applied else Change())
            return _write(
                settings, operation, writer, undoes=undoes, base=base, folder=folder, mark=mark
            )
        except BaseException as exc:
            # the frames the error passed through hold the candidate's store open (RocksDB
            # writes into its folder); let them go before the folder is removed
            traceback.clear_frames(exc.__traceback__)
            raise
        finally:
            snapshots.discard(folder)  # gone once sealed (renamed) or refused


def _write(
    settings: Settings,
    operation: Operation,
    writer: Writer,
    *,
    undoes: str | None,
    base: Snapshot,
    folder: Path,
    mark: Step,
) -> Written:
    applied = _apply(settings, operation, writer, base, folder)
    if applied is None:
        return Written(None, base, Change())
    change, full, stats = applied
    mark("validated")
    search_index.index_snapshot(  # the previous version's text index, updated by the change
        folder,
        settings.base_iri,
        folder / snapshots.STORE,
        previous=base.folder,
        change=(full.added, full.removed),
    )
    sealed = _seal(settings, base, folder, stats, _new_nquads(base.data_file, full))
    version = sealed.version
    mark("sealed")
    previous = log.last(settings.changes_dir)
    entry = log.make_entry(
        previous,
        writer.name,
        request=operation.summary(),
        before=base.version,
        after=version,
        patch=patch_text(
            change, {"id": f"urn:sha256:{version}", "prev": f"urn:sha256:{base.version}"}
        ),
        undoes=undoes,
    )
    _commit(settings, entry, change, sealed, mark)
    return Written(entry, sealed, change)


def _apply(
    settings: Settings, operation: Operation, writer: Writer, base: Snapshot, folder: Path
) -> tuple[Change, Change, DatasetStats] | None:
    """Run the operation on the candidate, derive, keep the union, and pass the gate.

    Returns:
        The curated change, the whole change (derived quads included) and the new
        counts; None when the operation changed nothing.
    """
    ns = Namespaces(settings.base_iri)
    try:
        store = ox.Store(str(folder / snapshots.STORE))
        before = ox.Store.read_only(str(base.store))
    except OSError as exc:
        raise WriteUnavailable(f"the write's candidate cannot be opened: {exc}") from exc
    try:
        change = run(operation, store, settings.base_iri)
        _admissible(change, settings, ns, writer)
        if not change:
            return None
        derived_added, derived_removed = rederive(
            store, ns, change.added, change.removed, size=base.quads
        )
        full = Change(
            frozenset(_normal(store, change.added | derived_added)),
            frozenset(change.removed | derived_removed),
        )
        keep_union(store, full)
        gate(settings, base, before, store, full)
        stats = _stats(base.stats, full, _union_growth(before, store, full))
        store.flush()
        return change, full, stats
    except OSError as exc:
        raise WriteUnavailable(f"the change cannot be stored: {exc}; nothing was changed") from exc
    finally:
        del store, before  # closes both databases, also when the write is refused


def _admissible(change: Change, settings: Settings, ns: Namespaces, writer: Writer) -> None:
    if len(change) > settings.max_write_quads:
        raise PayloadTooLarge(
            f"the write changes {len(change)} quads, more than max_write_quads "
            f"({settings.max_write_quads}); nothing was changed"
        )
    graphs = change.graphs()
    for graph in sorted(graphs):
        why = _not_writable(graph, settings, ns)
        if why:
            raise BadRequest(f"the graph <{graph}> cannot be written: {why}; nothing was changed")
    for quad in change.added:
        if isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode):
            raise BadRequest(
                "blank nodes are not accepted in a write: give every resource an IRI, so "
                f"that a curator can correct or remove it later (found in {quad}); "
                "nothing was changed"
            )
    outside = sorted(g for g in graphs if not writer.may_write(g))
    if outside:
        raise Forbidden(
            f"the token {writer.name!r} may not write the graph <{outside[0]}>"
            f"{f' (nor {len(outside) - 1} other graphs)' if len(outside) > 1 else ''}; "
            "nothing was changed"
        )


def _not_writable(graph: str, settings: Settings, ns: Namespaces) -> str:
    if graph == ns.named_graph("derived"):
        return "the derived graph is made by the build from the other graphs"
    if graph.startswith(ns.pg):
        return "it is inside the vocabulary's namespace"
    if graph.startswith(settings.base_iri + "shapes"):
        return "it is inside the shapes' namespace"
    if graph == ns.named_graph("personal") and not settings.personal_data:
        return "personal data is not published (setting personal_data), so it would not be served"
    return ""


def _normal(store: ox.Store, quads: frozenset[ox.Quad]) -> list[ox.Quad]:
    """The quads as the store holds them (Oxigraph writes some literals in a canonical
    form, ``"05"^^xsd:int`` as ``"5"^^xsd:integer``): what a dump of it would say."""
    normal = ox.Store()
    normal.extend(quads)
    return list(normal)


def _union_growth(before: ox.Store, after: ox.Store, change: Change) -> int:
    """How many triples the default graph (the union) gained from ``before`` to ``after``
    (negative when it lost some): only the triples of ``change`` can differ."""
    default = ox.DefaultGraph()
    triples = {(q.subject, q.predicate, q.object) for q in change.added | change.removed}
    return sum(
        int(ox.Quad(*t, default) in after) - int(ox.Quad(*t, default) in before) for t in triples
    )


def _new_nquads(data_file: Path, change: Change) -> bytes:
    """The sorted N-Quads of the snapshot after ``change``: ``data_file``'s sorted lines
    with the removed quads' lines taken out and the added ones put in their places
    (no sort of the whole: 100 000 lines cost a filter, not a sort)."""
    lines = data_file.read_bytes().splitlines(keepends=True)
    gone = {f"{line}\n".encode() for line in nquads(change.removed)}
    if gone:
        lines = [line for line in lines if line not in gone]
    for line in nquads(change.added):
        bisect.insort(lines, f"{line}\n".encode())
    return b"".join(lines)


def _seal(
    settings: Settings, base: Snapshot, folder: Path, stats: DatasetStats, text: bytes
) -> Snapshot:
    try:
        with (folder / snapshots.DATA).open("wb") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        contents = snapshots.Contents(
            hashlib.sha256(text).hexdigest(),
            datetime.now(UTC).replace(microsecond=0),
            folder / snapshots.DATA,
            base.shapes_file.read_bytes(),
            None,
            "",
        )
        return snapshots.adopt(settings, folder, contents, stats)
    except OSError as exc:
        raise WriteUnavailable(f"the new version could not be stored: {exc}") from exc


def _stats(before: DatasetStats, change: Change, union_delta: int) -> DatasetStats:
    counts = dict(before.graphs)
    for quads, sign in ((change.added, 1), (change.removed, -1)):
        for quad in quads:
            if isinstance(quad.graph_name, ox.NamedNode):
                name = quad.graph_name.value
                counts[name] = counts.get(name, 0) + sign
    graphs = tuple(sorted((g, n) for g, n in counts.items() if n > 0))
    return DatasetStats(before.triples + union_delta, graphs)


def _commit(
    settings: Settings, entry: log.Entry, change: Change, sealed: Snapshot, mark: Step
) -> None:
    pending = settings.changes_dir / PENDING
    edits = files.plan_edits(settings.graph_dir, settings.base_iri, change.added, change.removed)
    try:
        staged = files.stage_edits(edits)  # a full disk or a read-only graph/ stops here
    except OSError as exc:
        raise WriteUnavailable(f"graph/ cannot be written: {exc}; nothing was changed") from exc
    try:
        _write_pending(pending, entry)
        mark("pending")
        log.append(settings.changes_dir, entry)
    except OSError as exc:
        staged.discard()
        log.repair(settings.changes_dir)
        pending.unlink(missing_ok=True)
        raise WriteUnavailable(
            f"the change log cannot be written: {exc}; nothing was changed"
        ) from exc
    except BaseException:
        staged.discard()
        raise
    mark("logged")
    try:
        _finish(settings, entry, staged, sealed, mark)
    except OSError as exc:  # committed: recover() finishes it at the next write or start
        logger.error("write %s committed but not finished: %s", entry.id[:12], exc)
        raise WriteUnavailable(
            f"the write was committed (change {entry.number}) but graph/ could not be "
            f"rewritten: {exc}; it is finished at the next write or start"
        ) from exc


def _write_pending(pending: Path, entry: log.Entry) -> None:
    pending.parent.mkdir(parents=True, exist_ok=True)
    temporary = pending.with_name(f".{PENDING}.{os.getpid()}")
    with temporary.open("w", encoding="utf-8") as stream:
        json.dump({"id": entry.id, "after": entry.after, "patch": entry.patch}, stream)
        stream.flush()
        os.fsync(stream.fileno())
    os.replace(temporary, pending)
    sync_folder(pending.parent)


def _finish(
    settings: Settings, entry: log.Entry, staged: files.Staged, sealed: Snapshot, mark: Step
) -> None:
    """Put graph/'s staged new texts in place, then serve the sealed snapshot."""
    try:
        staged.apply()
    finally:
        staged.discard()
    mark("files")
    known = inputs.FileDigests.kept_for(settings)
    snapshots.remember_sources(settings, inputs.sources_digest(settings, known), sealed.version)
    known.save()
    snapshots.switch(settings, sealed)
    mark("switched")
    (settings.changes_dir / PENDING).unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        snapshots.prune(settings)


def recover(settings: Settings) -> bool:
    """Finish a write that a crash interrupted after it was committed.

    Call it holding the write lock (:func:`write` does; so does a server's start).

    Returns:
        True when something was finished or cleaned.
    """
    changes = settings.changes_dir
    files.remove_stale_stages(settings.graph_dir)
    cut = log.repair(changes)
    pending = changes / PENDING
    try:
        planned = json.loads(pending.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return cut
    except ValueError:  # pending itself unfinished: the log append never ran
        pending.unlink(missing_ok=True)
        return True
    newest = log.last(changes)
    if newest is None or newest.id != planned["id"]:
        pending.unlink(missing_ok=True)  # not committed: the data stays as it was
        return True
    sealed = snapshots.read(snapshots.folder(settings), newest.after)
    if sealed is None:
        raise WriteUnavailable(
            f"change {newest.number} is logged but its snapshot {newest.after[:12]} is gone"
        )
    change = parse_patch(newest.patch)
    _reconcile_files(settings, sealed, change.graphs())
    _finish(settings, newest, files.Staged([], []), sealed, lambda _name: None)
    logger.warning("finished change %d, interrupted by a crash", newest.number)
    return True


def _reconcile_files(settings: Settings, sealed: Snapshot, graphs: set[str]) -> None:
    """Make the curated files' quads of ``graphs`` those of the sealed snapshot."""
    written: set[ox.Quad] = set()
    for path in data_files([settings.graph_dir]):
        written.update(
            files.store_forms(
                q
                for q in parse_file(path, settings.base_iri)
                if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value in graphs
            )
        )
    store = ox.Store.read_only(str(sealed.store))
    wanted: set[ox.Quad] = set()
    for graph in graphs:
        wanted.update(store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))
    del store
    if wanted != written:
        edits = files.plan_edits(
            settings.graph_dir, settings.base_iri, wanted - written, written - wanted
        )
        files.write_edits(edits)


@contextlib.contextmanager
def write_lock(settings: Settings) -> Iterator[None]:
    """Hold the write lock: one write at a time, across every process on the machine."""
    changes = settings.changes_dir
    try:
        changes.mkdir(parents=True, exist_ok=True)
        stream = (changes / LOCK).open("a")
    except OSError as exc:
        raise WriteUnavailable(f"the changes folder {changes} cannot be written: {exc}") from exc
    with stream:
        fcntl.flock(stream, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(stream, fcntl.LOCK_UN)
