"""Dumps and releases: the whole dataset in every RDF format, for download and citation.

| module | job |
| --- | --- |
| :mod:`.canonical` | the canonical form (RDFC-1.0, sorted N-Quads) and the version |
| :mod:`.serialise` | writing N-Triples, N-Quads, Turtle, TriG, JSON-LD and gzip |
| :mod:`.dataset` | the dataset's name, licence and sources, the dumps' header comment |
| :mod:`.changes` | what changed since the previous release |
| :mod:`.manifest` | ``manifest.json`` and ``SHA256SUMS`` |
| :mod:`.dcat` | a release and its distributions in DCAT |
| :mod:`.files` | writing the files of one release |
| :mod:`.release` | the release folders, ``latest``, writing one whole or not at all |

See ``docs/dumps.md``.
"""

from partnergraph.dumps.canonical import Canonical, canonicalize
from partnergraph.dumps.dcat import describe_release, release_url
from partnergraph.dumps.manifest import FileEntry, Release
from partnergraph.dumps.release import (
    dumps_folder,
    latest_release,
    read_release,
    release_date,
    releases,
    write_release,
)

__all__ = [
    "Canonical",
    "FileEntry",
    "Release",
    "canonicalize",
    "describe_release",
    "dumps_folder",
    "latest_release",
    "read_release",
    "release_date",
    "release_url",
    "releases",
    "write_release",
]
