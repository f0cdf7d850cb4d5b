"""The views of a resource's page: one per kind of thing, chosen by its types.

A page about a resource (``/doc/…`` in HTML) is the resource's description
(:mod:`partnergraph.describe`) shown by a *view*: the registry
(:mod:`partnergraph.web.views.registry`) is an ordered list of (match, view), the
first match on the resource's types or properties wins (most specific first), and
the view gathers what its page shows with a query or two through the query service
(:mod:`partnergraph.web.views.facts`), apart from rendering. Its template is
chosen among candidates the way Datasette picks ``row-{table}.html`` before
``row.html``: ``pages/views/{view}-{kind}-{slug}.html``, then
``pages/views/{view}.html``.

Every view shows its facts with their sources (:mod:`partnergraph.web.views.citations`)
and ends with the data section: every statement, property by property, named in the
reader's language (:mod:`partnergraph.web.views.data`).
"""
