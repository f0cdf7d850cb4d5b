"""``/.well-known/void``: the VoID and DCAT-AP description of the dataset.

https://www.w3.org/TR/void/#well-known

In any RDF graph format (Turtle unless ``Accept`` or ``?format=`` asks for
another), made by :mod:`partnergraph.dataset`.
"""

from __future__ import annotations

from flask import Blueprint, Response, request

from partnergraph import dataset, documents
from partnergraph.dumps.dcat import describe_release
from partnergraph.namespaces import Namespaces
from partnergraph.web import headers
from partnergraph.web.negotiation import negotiate
from partnergraph.web.state import once, state

bp = Blueprint("wellknown", __name__, url_prefix="/.well-known")


def site() -> dataset.Site:
    """Where this deployment answers, for the dataset description."""
    current = state()
    release = current.release
    dumps = (
        describe_release(release, request.url_root, current=True, checksums=False)
        if release is not None
        else ()
    )
    return dataset.Site(request.url_root, current.version, current.built, dumps)


@bp.get("/void")
def void() -> Response:
    """The dataset description in the negotiated RDF format."""
    current = state()
    requested = tuple(v for v in request.args.getlist("format") if v)
    fmt = negotiate(documents.document_formats(), requested, what="the dataset description")
    ns = Namespaces(current.settings.base_iri)
    found = once("void-facts", lambda: dataset.facts(current.service, ns))
    triples = dataset.describe(current.service, current.settings, site(), found)
    context_url = request.url_root + documents.CONTEXT_PATH
    body = documents.serialize(triples, fmt, ns, context_url, extra=dataset.PREFIXES)
    response = Response(body, content_type=fmt.content_type)
    return headers.conditional(response, fmt.key, headers.DATA)
