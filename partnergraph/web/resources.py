"""The linked-data blueprint: every resource IRI answers, with a document about it.

https://www.w3.org/TR/cooluris/#r303gendocument
https://www.rfc-editor.org/rfc/rfc9110#name-303-see-other

| route | answers |
| --- | --- |
| ``/id/{kind}/{slug}`` | ``303 See Other`` to ``/doc/{kind}/{slug}`` (404 when unknown) |
| ``/def/``, ``/def/{term}`` | ``303`` to ``/doc/def``, ``/doc/def/{term}`` |
| ``/doc/{path}`` | the generic document: HTML or RDF by ``Accept`` (or ``?format=``) |
| ``/doc/{path}.{ttl,nt,jsonld,rdf,html}`` | the document in one format |
| ``/context.jsonld`` | the JSON-LD context every JSON-LD document refers to |

A ``/id/`` or ``/def/`` IRI names a thing (a town, a partnership, a class), not a
document, so it answers ``303`` to the document about it (see
``docs/decisions/0004-303-see-other.md``). The generic document negotiates
(``Vary: Accept``; HTML also ``Accept-Language``), names the format it chose in
``Content-Location`` and the others in ``Link`` headers. A ``?format=`` on an IRI
is carried to the suffixed document, ``?lang=`` to any.

Warning:
    The path of a request is untrusted: only plain segments (letters, digits,
    ``-`` and ``_``) make an IRI, and the IRI is bound to the queries as a term.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import NoReturn
from urllib.parse import urlencode

import pyoxigraph as ox
from flask import Blueprint, Response, jsonify, render_template, request

from partnergraph import documents, vocabulary
from partnergraph.describe import describe
from partnergraph.errors import BadRequest, NotFound
from partnergraph.formats import Format, by_key
from partnergraph.namespaces import Namespaces
from partnergraph.web import headers, resource_page
from partnergraph.web.errors import Problem
from partnergraph.web.negotiation import negotiate
from partnergraph.web.present import Presenter
from partnergraph.web.sparql import TRUNCATED
from partnergraph.web.state import state

bp = Blueprint("resources", __name__)

_EXISTS = "SELECT ?p WHERE { ?s ?p ?o } LIMIT 1"
_KEPT = ("lang",)


def _formats() -> list[Format]:
    """The formats of a document: the RDF graph formats, then HTML."""
    page = by_key("html")
    return [*documents.document_formats(), *([page] if page else [])]


def _ns() -> Namespaces:
    return Namespaces(state().settings.base_iri)


@bp.get("/id/<path:path>")
def resource(path: str) -> Response:
    """A resource: 303 to the document about it."""
    return _see_other(_ns().id + path)


@bp.get("/def/", defaults={"path": ""})
@bp.get("/def/<path:path>")
def term(path: str) -> Response:
    """The vocabulary, a term, a concept scheme or a concept: 303 to its document."""
    return _see_other(_ns().pg + path)


def _see_other(iri: str) -> Response:
    ns = _ns()
    path = documents.document_path(iri, ns)
    fmt_key = request.args.get("format", "")
    if path is None or not _exists(iri):
        raise_not_found(iri, _negotiate())
    fmt = next((f for f in _formats() if fmt_key in (f.key, f.extension)), None)
    location = f"{request.script_root}/{path}" + (f".{fmt.extension}" if fmt else "")
    kept = {key: request.args[key] for key in _KEPT if key in request.args}
    if kept:
        location += "?" + urlencode(kept)
    response = Response(status=303, headers={"Location": location})
    response.headers["Cache-Control"] = headers.REDIRECT
    return response


def _exists(iri: str) -> bool:
    rows = state().service.select(_EXISTS, {"s": ox.NamedNode(iri)}, 1).rows
    return bool(rows)


@bp.get("/doc/<path:path>")
def document(path: str) -> Response:
    """The document about a resource, in the negotiated or the suffixed format."""
    ns = _ns()
    stem, suffixed = documents.split_suffix(path, _formats())
    iri = documents.resource_iri(stem, ns)
    fmt = suffixed or _negotiate()
    if iri is None:
        raise_not_found(request.path, fmt)
    page = _page()
    doc_url = f"{request.script_root}/doc/{stem}"
    if iri == ns.pg:  # the whole vocabulary graph, never paged
        response = _vocabulary(fmt, ns, doc_url)
    else:
        response = _description(iri, fmt, page, doc_url)
    if suffixed is None:
        response.headers["Content-Location"] = f"{doc_url}.{fmt.extension}"
    links = [f'<{iri}>; rel="describes"']
    links += [
        f'<{doc_url}.{alt.extension}>; rel="alternate"; type="{alt.media_type}"'
        for alt in _formats()
        if alt is not fmt
    ]
    if "Link" in response.headers:  # the next page of incoming links
        links.append(response.headers["Link"])
    response.headers["Link"] = ", ".join(links)
    language = headers.language() if fmt.key == "html" else "-"
    vary: tuple[str, ...] = ("Accept",) if suffixed is None else ()
    vary += ("Accept-Language",) if fmt.key == "html" else ()
    return headers.conditional(response, f"{fmt.key}-{language}-{page}", headers.DATA, vary)


def _description(iri: str, fmt: Format, page: int, doc_url: str) -> Response:
    found = describe(state().service, iri, page)
    if not found.exists:
        raise_not_found(iri, fmt)
    if fmt.key == "html":
        response = Response(resource_page.render(found, doc_url), content_type=fmt.content_type)
        return headers.secure_page(response)
    body = documents.serialize(found.triples(), fmt, _ns(), _context_url())
    response = Response(body, content_type=fmt.content_type)
    if found.cut:
        response.headers[TRUNCATED] = "true"
    if found.more_incoming:
        response.headers["Link"] = f'<{doc_url}.{fmt.extension}?page={page + 1}>; rel="next"'
    return response


def _vocabulary(fmt: Format, ns: Namespaces, doc_url: str) -> Response:
    triples = vocabulary.graph(state().service, ns)
    if fmt.key != "html":
        body = documents.serialize(triples, fmt, ns, _context_url())
        return Response(body, content_type=fmt.content_type)
    docs = vocabulary.document(triples, ns)
    show = Presenter(
        ns, headers.language(), docs.labels, request.script_root, "lang" in request.args
    )
    page = render_template(
        "pages/vocabulary.html",
        docs=docs,
        show=show,
        iri=ns.pg,
        doc_url=doc_url,
        language=show.language,
        formats=_format_links(doc_url),
    )
    return headers.secure_page(Response(page, content_type=fmt.content_type))


def _format_links(doc_url: str) -> list[tuple[str, str, str]]:
    return [
        (fmt.key, fmt.media_type, f"{doc_url}.{fmt.extension}")
        for fmt in documents.document_formats()
    ]


@bp.get("/context.jsonld")
def context() -> Response:
    """The JSON-LD context of every JSON-LD document (the project's prefixes)."""
    response = jsonify(documents.context(_ns()))
    jsonld = by_key("jsonld")
    if jsonld is not None:
        response.content_type = jsonld.content_type
    return headers.conditional(response, "context", headers.DATA, vary=())


def _context_url() -> str:
    return request.url_root + documents.CONTEXT_PATH


def _negotiate() -> Format:
    requested = tuple(v for v in request.args.getlist("format") if v)
    return negotiate(_formats(), requested, what="a document about a resource")


def _page() -> int:
    raw = request.args.get("page", "1")
    if not raw.isdigit() or int(raw) < 1 or len(raw) > 6:
        raise BadRequest(f"page must be a whole number from 1, got {raw!r}")
    return int(raw)


class _NotFoundInFormat(NotFound):
    """A 404 whose body is in the format the client asked for."""

    def __init__(self, iri: str, fmt: Format) -> None:
        super().__init__(f"<{iri}> is not described in this dataset")
        self.iri = iri
        self.format = fmt


def raise_not_found(iri: str, fmt: Format) -> NoReturn:
    """Stop with a 404 in ``fmt``: an empty graph in an RDF format, else the error page."""
    raise _NotFoundInFormat(iri, fmt)


@bp.errorhandler(_NotFoundInFormat)
def _not_found(exc: _NotFoundInFormat) -> Response:
    problem = Problem(404, exc.title, str(exc))
    if exc.format.oxigraph is None:
        page = render_template("web/error.html", problem=problem)
        response = headers.secure_page(
            Response(page, status=404, content_type=exc.format.content_type)
        )
    else:
        body = documents.not_found(exc.format, exc.iri, asdict(problem))
        response = Response(body, status=404, content_type=exc.format.content_type)
    response.vary.add("Accept")
    return response
