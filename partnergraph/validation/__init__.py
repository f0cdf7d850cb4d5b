"""SHACL validation of the graph: engines, locating results, reports."""

from partnergraph.validation.findings import Finding
from partnergraph.validation.validate import (
    LocatedFinding,
    Report,
    load_data,
    load_shapes,
    validate_paths,
    validate_store,
)

__all__ = [
    "Finding",
    "LocatedFinding",
    "Report",
    "load_data",
    "load_shapes",
    "validate_paths",
    "validate_store",
]
