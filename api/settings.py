"""The API's settings: Pulse's one settings object plus the API's own knobs, read from the
environment at the entry point (`python -m api`) and overridable by its flags."""

from __future__ import annotations

from typing import Any

from pydantic import Field, ValidationError

from pulse.errors import ConfigError
from pulse.settings import Settings
from stack.config import StackSettings


class ApiSettings(Settings, StackSettings):
    """Pulse's settings (Kafka address and security, topic), the stack's (READER_DATABASE_URL,
    API_HOST, API_PORT: the stack starts and probes the API there) and the API's own. The
    API logs in as the read-only role only: it never uses DATABASE_URL or
    MIGRATIONS_DATABASE_URL.

    Environment variable names are the field names in upper case."""

    api_pool_min_size: int = Field(
        1, ge=0, le=100, description="Connections the API keeps open to PostgreSQL when idle"
    )
    api_pool_max_size: int = Field(
        8, ge=1, le=100, description="Most connections the API opens to PostgreSQL"
    )
    api_pool_timeout_s: float = Field(
        2.0,
        gt=0,
        le=60,
        description="Longest a request waits for a free connection before answering 503",
    )
    api_statement_timeout_ms: int = Field(
        5_000,
        ge=1,
        le=600_000,
        description="Longest one API query may run before PostgreSQL cancels it (answer 504)",
    )
    api_cache_max_age_s: int = Field(
        5,
        ge=0,
        le=86_400,
        description="Cache-Control max-age of the API's answers (the aggregates are live: "
        "keep it short)",
    )


def load_api_settings(**overrides: Any) -> ApiSettings:
    """Read the environment, apply CLI overrides (None means "not given") and validate.

    Raises ConfigError with one line per bad setting, naming its environment variable."""
    given = {key: value for key, value in overrides.items() if value is not None}
    try:
        return ApiSettings(**given)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in err['loc']).upper()}: {err['msg']}"
            if err["loc"]
            else err["msg"]
            for err in exc.errors()
        )
        raise ConfigError(
            f"invalid configuration: {problems}. Fix the environment variable or flag and retry."
        ) from None
