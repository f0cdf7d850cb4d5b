"""The errors partnergraph raises, keyed by the HTTP status they map to.

The core raises these; the CLI turns them into an exit code and a message, the
web layer into one JSON (or HTML) error body. Anything else that escapes is a bug
and is logged as a 500, never shown to a client as a 400.
"""

from __future__ import annotations

from pathlib import Path


class PartnergraphError(Exception):
    """Base of every error partnergraph raises on purpose.

    Attributes:
        retry_after: seconds after which the client may try again (the
            ``Retry-After`` header), for the errors that say so; else None.
    """

    status = 500
    title = "Internal error"
    retry_after: int | None = None


class BadRequest(PartnergraphError):
    """The client sent something malformed (HTTP 400)."""

    status = 400
    title = "Bad request"


class NotFound(PartnergraphError):
    """The requested resource does not exist (HTTP 404)."""

    status = 404
    title = "Not found"


class ConfigurationError(PartnergraphError):
    """A setting has a value that cannot be used."""

    title = "Configuration error"


class DataFileError(PartnergraphError):
    """A data or shapes file cannot be read or parsed.

    Attributes:
        path: the file.
        line: the 1-based line of the problem, when the parser knows it.
        column: the 1-based column, when known.
        detail: what is wrong, in the parser's words.
    """

    title = "Unreadable data file"

    def __init__(
        self, path: Path, detail: str, line: int | None = None, column: int | None = None
    ) -> None:
        self.path = path
        self.detail = detail
        self.line = line
        self.column = column
        where = str(path)
        if line is not None:
            where += f":{line}"
            if column is not None:
                where += f":{column}"
        super().__init__(f"{where}: {detail}")


class ValidationFailed(PartnergraphError):
    """The data does not conform to the shapes; nothing was built.

    Attributes:
        report: the validation report that says what is wrong and where.
    """

    title = "Validation failed"

    def __init__(self, report: object, summary: str) -> None:
        self.report = report
        super().__init__(summary)


class QueryRejected(BadRequest):
    """The query is refused before it runs: too deeply nested, SERVICE, LOAD, an update."""

    title = "Query rejected"


class MethodNotAllowed(PartnergraphError):
    """The HTTP method is not accepted on this route (HTTP 405).

    Attributes:
        allow: the methods the resource does take (the ``Allow`` header), when they
            are fewer than the route's; empty: the route's.
    """

    status = 405
    title = "Method not allowed"

    def __init__(self, message: str, allow: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.allow = allow


class NotAcceptable(PartnergraphError):
    """No format the client accepts can carry this response (HTTP 406)."""

    status = 406
    title = "Not acceptable"


class PayloadTooLarge(PartnergraphError):
    """The request body or query is larger than the request size limit (HTTP 413)."""

    status = 413
    title = "Request too large"


class UnsupportedMediaType(PartnergraphError):
    """The request body has a content type this route does not take (HTTP 415)."""

    status = 415
    title = "Unsupported media type"


class QueryTimeout(PartnergraphError):
    """The query ran past the time limit and was stopped (HTTP 503)."""

    status = 503
    title = "Query time limit reached"


class QueryOutOfMemory(PartnergraphError):
    """The query needed more memory than the per-query limit and was stopped (HTTP 503)."""

    status = 503
    title = "Query memory limit reached"


class RetryLater(PartnergraphError):
    """An error the client may retry after ``retry_after`` seconds (``Retry-After``)."""

    def __init__(self, message: str, retry_after: int = 1) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class TooManyQueries(RetryLater):
    """The client runs as many long queries as one client may; retry later (HTTP 429)."""

    status = 429
    title = "Too many long queries"


class EndpointBusy(RetryLater):
    """As many long queries run as the endpoint allows; retry later (HTTP 503)."""

    status = 503
    title = "Too many long queries"


class StoreUnavailable(PartnergraphError):
    """The store cannot answer: a remote endpoint down or failing (HTTP 502)."""

    status = 502
    title = "Store unavailable"


class Unauthorized(PartnergraphError):
    """A write without a token, or with one that is not known (HTTP 401).

    Attributes:
        challenge: the ``WWW-Authenticate`` header value (RFC 6750).
    """

    status = 401
    title = "Unauthorized"

    def __init__(self, message: str, challenge: str = 'Bearer realm="partnergraph"') -> None:
        super().__init__(message)
        self.challenge = challenge


class Forbidden(PartnergraphError):
    """A known token that may not make this write (HTTP 403)."""

    status = 403
    title = "Forbidden"


class TooManyFailures(RetryLater):
    """Too many refused authentications from one address; retry later (HTTP 429)."""

    status = 429
    title = "Too many failed authentications"


class Conflict(PartnergraphError):
    """The write cannot apply to the current state of the data (HTTP 409)."""

    status = 409
    title = "Conflict"


class WriteRefused(PartnergraphError):
    """A write whose result does not conform to the shapes (HTTP 422).

    Attributes:
        report: the validation report of the candidate (what the shapes found).
    """

    status = 422
    title = "The change does not conform to the shapes"

    def __init__(self, report: object, summary: str) -> None:
        super().__init__(summary)
        self.report = report


class WriteUnavailable(PartnergraphError):
    """A write that could not be stored (disk full, a read-only folder) (HTTP 503)."""

    status = 503
    title = "Writes unavailable"
