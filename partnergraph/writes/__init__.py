"""Writes: SPARQL 1.1 Update and the Graph Store HTTP Protocol, gated by SHACL.

A write is authenticated (a token, :mod:`partnergraph.writes.tokens`), applied to a
candidate (a checkpoint of the served snapshot plus the change), validated where
the change can reach, then committed: the new snapshot is written, the change is
appended to the hash-chained change log, the curated files of the changed graphs
are rewritten and the new snapshot is switched to. See docs/writes.md.
"""
