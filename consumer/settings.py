"""The one settings object of Pulse: every knob, read from the environment at the entry
point and overridable by CLI flags; the rest of the code receives plain arguments."""

from __future__ import annotations

from typing import Any

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from consumer.errors import ConfigError


class Settings(BaseSettings):
    """Configuration shared by the consumer, the producer and the local stack.

    Environment variable names are the field names in upper case.
    """

    model_config = SettingsConfigDict(frozen=True, extra="ignore", case_sensitive=False)

    kafka_bootstrap_servers: str = Field(
        "127.0.0.1:9092", description="Kafka bootstrap servers, comma separated host:port"
    )
    kafka_topic: str = Field("activity.events", description="Topic the events are read from")
    kafka_dlq_topic: str = Field(
        "activity.events.dlq", description="Dead-letter topic for records that fail validation"
    )
    kafka_group_id: str = Field("pulse", description="Consumer group id")
    kafka_auto_offset_reset: str = Field(
        "earliest",
        description="Where a partition starts when PostgreSQL holds no offset for it "
        "(earliest or latest)",
    )
    kafka_session_timeout_ms: int = Field(
        10_000,
        ge=1_000,
        le=300_000,
        description="How long the group waits for a silent (crashed) consumer before "
        "handing its partitions to the others",
    )
    database_url: SecretStr = Field(
        SecretStr("postgresql://pulse:pulse@127.0.0.1:5432/pulse"),
        description="PostgreSQL connection URL (libpq syntax)",
    )
    metrics_host: str = Field("127.0.0.1", description="Address the metrics endpoint binds to")
    metrics_port: int = Field(9108, ge=0, le=65535, description="Prometheus metrics port")
    batch_max_records: int = Field(
        20_000,
        ge=1,
        le=100_000,
        description="Most records written in one transaction (two batches at most are "
        "held in memory)",
    )
    batch_max_age_ms: int = Field(
        500, ge=1, le=60_000, description="Longest a batch waits to fill before it is written"
    )
    aggregates_enabled: bool = Field(
        True,
        description="Maintain the aggregates with the facts; false only for benchmarks "
        "(the aggregates then go stale)",
    )
    breaker_max_dead_letter_share: float = Field(
        0.5,
        gt=0,
        le=1,
        description="Pause when more than this share of recent records is invalid "
        "(1 disables the circuit breaker)",
    )
    breaker_window_records: int = Field(
        1000, ge=1, description="How many recent records the circuit breaker judges"
    )
    max_event_bytes: int = Field(
        65_536, ge=256, le=10_485_760, description="Largest accepted event payload in bytes"
    )
    late_horizon_days: float = Field(
        400.0,
        gt=0,
        description="Oldest accepted event time, in days before now (a year of simulated "
        "history fits)",
    )
    clock_skew_seconds: float = Field(
        300.0, ge=0, description="Furthest accepted event time, in seconds after now"
    )
    retry_backoff_initial_ms: int = Field(
        200, ge=1, description="First back-off after a failed database or Kafka call"
    )
    retry_backoff_max_ms: int = Field(10_000, ge=1, description="Longest back-off between retries")
    log_level: str = Field("INFO", description="DEBUG, INFO, WARNING or ERROR")

    @field_validator("kafka_auto_offset_reset")
    @classmethod
    def _known_reset_policy(cls, value: str) -> str:
        if value not in ("earliest", "latest"):
            raise ValueError("must be 'earliest' or 'latest'")
        return value

    @field_validator("log_level")
    @classmethod
    def _known_log_level(cls, value: str) -> str:
        upper = value.upper()
        if upper not in ("DEBUG", "INFO", "WARNING", "ERROR"):
            raise ValueError("must be DEBUG, INFO, WARNING or ERROR")
        return upper


def load_settings(**overrides: Any) -> Settings:
    """Read the environment, apply CLI overrides (None means "not given") and validate.

    Raises ConfigError with one line per bad setting, naming its environment variable.
    """
    given = {key: value for key, value in overrides.items() if value is not None}
    try:
        return Settings(**given)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in err['loc']).upper()}: {err['msg']}"
            for err in exc.errors()
        )
        raise ConfigError(
            f"invalid configuration: {problems}. Fix the environment variable or flag and retry."
        ) from None
