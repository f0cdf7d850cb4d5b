"""The limits that protect a public endpoint.

* :mod:`~partnergraph.limits.guard`: what a query may look like before any engine
  parses it (nesting, path length, ``SERVICE``, updates);
* :mod:`~partnergraph.limits.pool`: those worker processes, in two lanes, so
  that long queries never keep small ones waiting
  (:mod:`~partnergraph.limits.lanes`, :mod:`~partnergraph.limits.admission`,
  :mod:`~partnergraph.limits.priority`; :mod:`~partnergraph.limits.process` is
  one worker seen from its parent);
* :mod:`~partnergraph.limits.sandbox`: what a worker does to itself (memory cap,
  no network);
* :mod:`~partnergraph.limits.worker`: the inside of a worker process.

The query service (:mod:`partnergraph.service`) runs every query through them.

The row cap and the response size bound are applied by the store backends
(:mod:`partnergraph.store.results`).
"""
