"""The errors of named queries: a broken file (start-up) and a bad value (a request)."""

from __future__ import annotations

from pathlib import Path

from partnergraph.errors import BadRequest, ConfigurationError


class QueryFileError(ConfigurationError):
    """A named query file cannot be used: a broken header or query.

    Attributes:
        path: the file.
        line: the 1-based line of the problem.
        detail: what is wrong.
    """

    title = "Broken named query"

    def __init__(self, path: Path, line: int, detail: str) -> None:
        self.path = path
        self.line = line
        self.detail = detail
        super().__init__(f"{path}:{line}: {detail}")


class ParameterError(BadRequest):
    """A named query was called with a missing, malformed or wrong-typed value (HTTP 400).

    Attributes:
        parameter: the name of the parameter.
        detail: what is wrong and what the parameter expects.
    """

    title = "Bad parameter"

    def __init__(self, parameter: str, detail: str) -> None:
        self.parameter = parameter
        self.detail = detail
        super().__init__(f"parameter {parameter!r}: {detail}")
