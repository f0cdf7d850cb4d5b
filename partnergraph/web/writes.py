"""Answering a write: authorise, run it through the gate, say what changed.

Every write route (an update on ``/sparql``, the Graph Store Protocol on
``/store``, an undo on ``/changes``) goes through :func:`perform`: the token is
checked before the body is looked at further, the write runs in the request's
thread under the write lock (:mod:`partnergraph.writes.commit`), and the answer
says which change and which dataset version it made. A refusal by the shapes is
a 422 with the validation report (JSON, or Turtle when asked), naming node, rule
and value.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from pathlib import Path

from flask import Flask, Response, request, url_for

from partnergraph import snapshots
from partnergraph.build import release_snapshot
from partnergraph.errors import WriteRefused
from partnergraph.namespaces import Namespaces
from partnergraph.settings import Settings
from partnergraph.snapshots import Snapshot
from partnergraph.validation.report import render
from partnergraph.validation.validate import Report
from partnergraph.web.auth import authorise
from partnergraph.web.errors import Problem
from partnergraph.web.errors import render as render_problem
from partnergraph.web.negotiation import JSON, accepted, prefers_html
from partnergraph.web.state import State, state
from partnergraph.writes import commit
from partnergraph.writes.commit import Written
from partnergraph.writes.gate import prepare_gate
from partnergraph.writes.operations import Operation, SparqlUpdate
from partnergraph.writes.tokens import Tokens
from partnergraph.writes.update import UpdateRequest, prepare

TURTLE = "text/turtle"
_RELEASING = threading.Lock()
logger = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    """Answer a refusal by the shapes with its report."""
    app.register_error_handler(WriteRefused, _refused)


def prepare_writes(current: State) -> None:
    """When write tokens are configured, read and analyse the shapes for the gate in
    the background, so that the first write does not wait seconds for it."""
    if not Tokens.of(current.settings).configured():
        return

    def prepare() -> None:
        try:
            prepare_gate(current.settings, current.snapshot)
        except Exception:  # the first write will try again, and say what is wrong
            logger.exception("the shapes could not be prepared for writes")

    threading.Thread(target=prepare, name="prepare-writes", daemon=True).start()


def perform(make: Callable[[], Operation], undoes: str | None = None) -> Written:
    """Authorise the request's token, then make the operation (the payload is read
    only for a writer) and run it through the gate."""
    settings = state().settings
    writer = authorise(settings, request)
    written = commit.write(settings, make(), writer, undoes=undoes)
    if written.entry is not None and settings.dumps:
        release_later(settings, written.snapshot)
    return written


def release_later(settings: Settings, made: Snapshot) -> None:
    """Write the new version's release of dumps after the answer (``/dumps/latest``
    moves to it when it is whole). One release at a time; when writes come faster
    than releases, only the version still served when its turn comes is released
    (the next release's change files span the versions in between)."""

    def release() -> None:
        with _RELEASING:
            if snapshots.current_version(settings) != made.version:
                return
            try:
                hold = snapshots.Hold(made.folder)  # not pruned while it is read
            except OSError:
                return
            try:
                release_snapshot(settings, made)
            except Exception:  # logged: the data is served; only its dumps lag
                logger.exception("the release of dumps of %s failed", made.version[:12])
            finally:
                hold.release()

    threading.Thread(target=release, name="release", daemon=True).start()


def update_response(asked: UpdateRequest) -> Response:
    """Answer a SPARQL Update."""
    base_iri = state().settings.base_iri
    return written_response(perform(lambda: SparqlUpdate(prepare(asked, base_iri))))


def written_response(written: Written, status: int = 200) -> Response:
    """What a write answers: the change it made (or that it made none), as JSON."""
    body: dict[str, object] = {
        "changed": written.entry is not None,
        "version": written.snapshot.version,
        "added": len(written.change.added),
        "removed": len(written.change.removed),
    }
    response = Response(status=status, content_type="application/json")
    if written.entry is not None:
        entry = written.entry
        link = url_for("changes.change", number=entry.number)
        body |= {"change": entry.number, "id": entry.id, "before": entry.before, "link": link}
        response.headers["Link"] = f'<{link}>; rel="related"'
    if status != 204:
        response.set_data(json.dumps(body, indent=1) + "\n")
    response.headers["ETag"] = f'"{written.snapshot.version[:32]}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _refused(exc: WriteRefused) -> Response:
    settings = state().settings
    ns = Namespaces(settings.base_iri)
    report = exc.report
    if not isinstance(report, Report) or prefers_html():
        return render_problem(Problem(exc.status, exc.title, str(exc)))
    fmt = "turtle" if _prefers_turtle() else "json"
    text = render(report, fmt, ns)
    if fmt == "json":
        body = json.loads(text)
        root = settings.graph_dir.parent
        body["files"] = [_shown(f, root) for f in body["files"]]
        for result in body["results"]:
            result["file"] = _shown(result["file"], root) if result["file"] else None
        error = {"status": 422, "title": exc.title, "detail": str(exc)}
        text = json.dumps({"error": error, "report": body}, indent=1, ensure_ascii=False) + "\n"
    response = Response(text, status=422, content_type=TURTLE if fmt == "turtle" else JSON)
    response.vary.add("Accept")
    response.headers["Cache-Control"] = "no-store"
    return response


def _shown(path: str, root: Path) -> str:
    """A file's path as a client may see it: relative to the project, not the machine."""
    return str(Path(path).relative_to(root)) if Path(path).is_relative_to(root) else Path(path).name


def _prefers_turtle() -> bool:
    offered = accepted()
    return offered.best_match([JSON, TURTLE], default=JSON) == TURTLE
