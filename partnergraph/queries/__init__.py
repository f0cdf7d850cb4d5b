"""Named queries: the ``queries/*.rq`` files, their ``#+`` YAML headers, their parameters.

Each file is a SPARQL 1.1 query (https://www.w3.org/TR/sparql11-query/) that
starts with a metadata header in ``#+`` comment lines, so that the file stays
valid SPARQL (the idea of grlc's decorators)::

    #+ title: Partners of a municipality
    #+ description: Every partnership of one municipality, with its type.
    #+ parameters:
    #+   - name: city
    #+     type: iri
    #+     class: schema:City
    #+     required: true
    #+     example: <id/city/lund>
    #+ tags: [partnerships]
    PREFIX pg: <https://w3id.org/partnergraph/def/>
    SELECT ...

One module a job:

| module | job |
| --- | --- |
| :mod:`.types` | the parameter types and the lexical forms of their values |
| :mod:`.header` | the YAML header, read with the line of every node |
| :mod:`.files` | the files: :func:`load_queries`, :class:`NamedQuery` |
| :mod:`.binding` | a request's values checked and turned into RDF terms |
| :mod:`.lookup` | the graph lookups a binding needs, through the query service |
| :mod:`.results` | a result as a table: simple JSON rows, SPARQL JSON, CSV |
| :mod:`.openapi` | the OpenAPI 3.1 description of the API, from the headers |

IRIs in a header are written as in Turtle: a prefixed name with one of the
project's prefixes (``schema:City``) or an IRI in angle brackets, relative ones
resolved against the configured base IRI (``<id/city/lund>``). The keys are
documented in ``docs/queries.md``.
"""

from __future__ import annotations

from partnergraph.queries.errors import ParameterError, QueryFileError
from partnergraph.queries.files import (
    NamedQuery,
    load_queries,
    query_variables,
    read_query,
    rebase,
)
from partnergraph.queries.header import HEADER_MARK, PARAMETER_KEYS, QUERY_KEYS
from partnergraph.queries.types import (
    PARAMETER_TYPES,
    RESERVED,
    WRITTEN_BASE,
    Parameter,
    literal_term,
    resolve_iri,
)

__all__ = [
    "HEADER_MARK",
    "PARAMETER_KEYS",
    "PARAMETER_TYPES",
    "QUERY_KEYS",
    "RESERVED",
    "WRITTEN_BASE",
    "NamedQuery",
    "Parameter",
    "ParameterError",
    "QueryFileError",
    "literal_term",
    "load_queries",
    "query_variables",
    "read_query",
    "rebase",
    "resolve_iri",
]
