"""The API's errors: each maps to one HTTP status and carries a message that says what is
wrong and, where the user can act, what to do."""

from __future__ import annotations

from pulse.errors import PulseError, ServiceUnavailableError


class ApiError(PulseError):
    """Root of the errors the API answers with; `status` is the HTTP status, `code` a
    stable machine-readable name (also the `kind` label of pulse_api_errors_total)."""

    status = 500
    code = "internal_error"


class NotFoundError(ApiError, LookupError):
    """The post, author or user asked for has never been seen."""

    status = 404
    code = "not_found"


class DatabaseUnavailableError(ApiError, ServiceUnavailableError):
    """PostgreSQL does not answer (down, unreachable, or it refused the login)."""

    status = 503
    code = "database_unavailable"


class DatabaseBusyError(ApiError, ServiceUnavailableError):
    """Every pooled connection stayed busy for the whole pool timeout."""

    status = 503
    code = "database_busy"


class SchemaMissingError(ApiError, ServiceUnavailableError):
    """The database has not been migrated (or the reader lacks its grants)."""

    status = 503
    code = "schema_missing"


class QueryTimeoutError(ApiError, TimeoutError):
    """PostgreSQL cancelled a query at the statement timeout."""

    status = 504
    code = "query_timeout"
