"""The one settings object of Pulse: every knob, read from the environment at the entry
point and overridable by CLI flags; the rest of the code receives plain arguments."""

from __future__ import annotations

from typing import Any

from pydantic import (
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError
from pydantic_settings import BaseSettings, SettingsConfigDict

from pulse.errors import ConfigError

KNOWN_KAFKA_SECURITY = {
    "kafka_security_protocol": ("PLAINTEXT", "SASL_PLAINTEXT", "SASL_SSL", "SSL"),
    "kafka_sasl_mechanism": ("SCRAM-SHA-256", "SCRAM-SHA-512", "PLAIN"),
}


# Read when present in the working directory; the environment wins over it, flags over both.
ENV_FILE = ".env"


class Settings(BaseSettings):
    """Configuration shared by the consumer, the producer and the local stack.

    Environment variable names are the field names in upper case.
    """

    model_config = SettingsConfigDict(
        frozen=True,
        extra="ignore",
        case_sensitive=False,
        env_file=ENV_FILE,
        env_file_encoding="utf-8",
    )

    kafka_bootstrap_servers: str = Field(
        "127.0.0.1:9092", description="Kafka bootstrap servers, comma separated host:port"
    )
    kafka_topic: str = Field("activity.events", description="Topic the events are read from")
    kafka_dlq_topic: str = Field(
        "activity.events.dlq", description="Dead-letter topic for records that fail validation"
    )
    kafka_catalog_topic: str = Field(
        "activity.catalog",
        description="Compacted topic of the catalog (products, posts, authors, agents) that "
        "the consumer reads into the dimensions, in group KAFKA_GROUP_ID + `.catalog`",
    )
    catalog_enabled: bool = Field(
        True,
        description="Read the catalog topic into the dimensions beside the events (false: "
        "the events alone, for deployments without a catalog; the dimensions then stay as "
        "they are)",
    )
    kafka_catalog_dlq_topic: str = Field(
        "activity.catalog.dlq",
        description="Dead-letter topic for catalog records that fail validation",
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
    kafka_max_poll_interval_ms: int = Field(
        60_000,
        ge=10_000,
        le=3_600_000,
        description="Longest wait between polls before the group hands this consumer's "
        "partitions to the others; also how long a rebalance waits for members to rejoin",
    )
    kafka_security_protocol: str = Field(
        "PLAINTEXT",
        description="How clients talk to Kafka: PLAINTEXT, SASL_PLAINTEXT, SASL_SSL or SSL",
    )
    kafka_sasl_mechanism: str = Field(
        "SCRAM-SHA-256",
        description="SASL mechanism for the SASL_* protocols: SCRAM-SHA-256, SCRAM-SHA-512 "
        "or PLAIN",
    )
    kafka_sasl_username: str | None = Field(
        None, description="SASL user name (required by the SASL_* protocols)"
    )
    kafka_sasl_password: SecretStr | None = Field(
        None, description="SASL password (required by the SASL_* protocols; never logged)"
    )
    kafka_ssl_cafile: str | None = Field(
        None,
        description="PEM file of the CA that signed the broker's certificate (SSL and "
        "SASL_SSL; unset: the system's CAs)",
    )
    database_url: SecretStr = Field(
        SecretStr("postgresql://pulse_consumer:pulse_consumer@127.0.0.1:5432/pulse"),
        description="PostgreSQL URL (libpq syntax) of the consumer's least-privileged role: "
        "reads and writes the Pulse tables, no DDL",
    )
    migrations_database_url: SecretStr = Field(
        SecretStr("postgresql://pulse:pulse@127.0.0.1:5432/pulse"),
        description="PostgreSQL URL of the owner role that `migrate` connects as (creates "
        "and alters the tables; the tests create their databases with it)",
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
    batch_max_bytes: int = Field(
        16_777_216,
        ge=1_048_576,
        le=1_073_741_824,
        description="Most record bytes (keys and values) in one batch: a batch is written "
        "once it holds this much, so large records cannot fill the memory",
    )
    batch_max_age_ms: int = Field(
        500, ge=1, le=60_000, description="Longest a batch waits to fill before it is written"
    )
    batch_min_age_ms: int = Field(
        100,
        ge=0,
        le=60_000,
        description="A batch this old is written at once when the writer has nothing to do "
        "(at most BATCH_MAX_AGE_MS): low latency when the load is light, larger batches "
        "when the writer is busy",
    )
    thread_switch_interval_ms: float = Field(
        0.2,
        gt=0,
        le=100,
        description="How long a consumer thread may hold Python's interpreter lock while "
        "another waits for it (Python's default is 5 ms): short, so that the writer thread "
        "takes it back at once after each PostgreSQL round trip",
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
        le=36_500,
        description="Oldest accepted event time, in days before the record's Kafka "
        "timestamp (a year of simulated history fits; at most 100 years)",
    )
    clock_skew_seconds: float = Field(
        300.0,
        ge=0,
        le=31_536_000,
        description="Furthest accepted event time, in seconds after the record's Kafka timestamp",
    )
    quality_check_interval_s: float = Field(
        300.0,
        ge=0,
        le=86_400,
        description="How often the consumer exports the data-quality checks (running them "
        "when no process stored a run that recent); 0 turns the periodic checks off",
    )
    facts_retention_days: float | None = Field(
        None,
        gt=0,
        le=36_500,
        description="Keep raw facts this many days: the weekly partitions that end before "
        "then are dropped (by the consumer's maintenance job and `consumer retention`) while "
        "every aggregate keeps its history; unset: keep every fact",
    )
    facts_maintenance_interval_s: float = Field(
        3600.0,
        ge=0,
        le=86_400,
        description="How often the consumer creates the facts' weekly partitions ahead of "
        "need and, with FACTS_RETENTION_DAYS, drops the expired ones; 0 turns the job off",
    )
    retry_backoff_initial_ms: int = Field(
        200, ge=1, description="First back-off after a failed database or Kafka call"
    )
    retry_backoff_max_ms: int = Field(10_000, ge=1, description="Longest back-off between retries")
    log_level: str = Field("INFO", description="DEBUG, INFO, WARNING or ERROR")

    @property
    def kafka_catalog_group_id(self) -> str:
        """The consumer group of the catalog loop: its own, so that the catalog's
        rebalances never pause the events (and lag tools tell the two apart)."""
        return f"{self.kafka_group_id}.catalog"

    @field_validator("kafka_auto_offset_reset")
    @classmethod
    def _known_reset_policy(cls, value: str) -> str:
        if value not in ("earliest", "latest"):
            raise ValueError("must be 'earliest' or 'latest'")
        return value

    @field_validator("kafka_security_protocol", "kafka_sasl_mechanism")
    @classmethod
    def _known_kafka_security(cls, value: str, info: ValidationInfo) -> str:
        upper = value.upper()
        known = KNOWN_KAFKA_SECURITY[info.field_name or ""]
        if upper not in known:
            raise ValueError(f"must be one of {', '.join(known)}")
        return upper

    @model_validator(mode="after")
    def _sasl_needs_credentials(self) -> Settings:
        # Checked together because each field alone is valid; the combination is not.
        if self.kafka_security_protocol.startswith("SASL_") and not (
            self.kafka_sasl_username and self.kafka_sasl_password
        ):
            raise PydanticCustomError(
                "sasl_credentials",
                "KAFKA_SECURITY_PROTOCOL={protocol} needs KAFKA_SASL_USERNAME and "
                "KAFKA_SASL_PASSWORD: set both, or use PLAINTEXT or SSL",
                {"protocol": self.kafka_security_protocol},
            )
        return self

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
            if err["loc"]
            else err["msg"]  # a rule across settings names them itself
            for err in exc.errors()
        )
        raise ConfigError(
            f"invalid configuration: {problems}. Fix the environment variable or flag and retry."
        ) from None
