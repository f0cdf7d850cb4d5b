"""The web layer: one blueprint per module, assembled by ``server.create_app``.

| route | blueprint | answers |
| --- | --- | --- |
| ``/sparql`` | :mod:`.sparql` | SPARQL 1.1 Protocol, service description, query editor |
| ``/-/static`` | :mod:`.editor` | the query editor's scripts and styles |
| ``/-/health``, ``/-/limits`` | :mod:`.system` | health, and the limits in force |
| ``/`` | :mod:`.pages` | the dataset's home page and label search |
| ``/id/…``, ``/def/…``, ``/doc/…`` | :mod:`.resources` | linked data: 303, conneg |
| ``/graph/…`` | :mod:`.graphs` | named graphs: their triples, or 303 to their source |
| ``/.well-known/void`` | :mod:`.wellknown` | VoID and DCAT-AP description of the dataset |
| ``/shapes`` | :mod:`.shapes` | the SHACL shapes in force |
| ``/-/static/{package}``, ``/pages`` | :mod:`.assets` | npm packages, the pages' files |
| ``/api/`` | :mod:`.api` | the named queries of ``queries/`` as a web API, OpenAPI 3.1 |
| ``/dumps/`` | :mod:`.dumps` | releases: dumps, checksums, manifests, changes |
| ``/curate`` | :mod:`.curate` | curators' spreadsheets: sign in, upload, preview, confirm |

Every HTML page extends one layout (:mod:`partnergraph.web.layout`). Every
response carries CORS headers (:mod:`partnergraph.web.cors`) and
``X-Content-Type-Options: nosniff``; every error has one body
(:mod:`partnergraph.web.errors`).
"""

from __future__ import annotations

from flask import Flask, Response

from partnergraph.web import (
    api,
    assets,
    changes,
    cors,
    curate,
    dumps,
    editor,
    errors,
    graph_store,
    graphs,
    layout,
    pages,
    resources,
    search_page,
    shapes,
    sparql,
    system,
    wellknown,
    writes,
)

BLUEPRINTS = (
    sparql.bp,
    editor.bp,
    system.bp,
    api.bp,
    assets.bp,
    pages.bp,
    search_page.bp,
    resources.bp,
    graphs.bp,
    wellknown.bp,
    shapes.bp,
    dumps.bp,
    graph_store.bp,
    changes.bp,
    curate.bp,
)


def init_app(app: Flask) -> None:
    """Register the error handlers, the response headers and every blueprint."""
    errors.init_app(app)
    writes.init_app(app)
    cors.init_app(app)
    layout.init_app(app)
    assets.init_app(app)
    app.after_request(_nosniff)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)


def _nosniff(response: Response) -> Response:
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    return response
