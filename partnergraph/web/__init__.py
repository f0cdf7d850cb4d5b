"""The web layer: one blueprint per module, assembled by ``server.create_app``.

| route | blueprint | answers |
| --- | --- | --- |
| ``/sparql`` | :mod:`.sparql` | SPARQL 1.1 Protocol, service description, query editor |
| ``/-/static`` | :mod:`.editor` | the query editor's scripts and styles |
| ``/-/health``, ``/-/limits`` | :mod:`.system` | health, and the limits in force |

Every response carries CORS headers (:mod:`partnergraph.web.cors`) and
``X-Content-Type-Options: nosniff``; every error has one body
(:mod:`partnergraph.web.errors`).
"""

from __future__ import annotations

from flask import Flask, Response

from partnergraph.web import cors, editor, errors, sparql, system

BLUEPRINTS = (sparql.bp, editor.bp, system.bp)


def init_app(app: Flask) -> None:
    """Register the error handlers, the response headers and every blueprint."""
    errors.init_app(app)
    cors.init_app(app)
    app.after_request(_nosniff)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)


def _nosniff(response: Response) -> Response:
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    return response
