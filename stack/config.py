"""The stack's view of the Pulse settings: the addresses and credentials each local
service must serve, derived once at the CLI so service modules take plain values."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

import psycopg
from psycopg.conninfo import conninfo_to_dict
from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from pulse.errors import ConfigError
from pulse.secrets import redact
from pulse.settings import ENV_FILE, Settings
from stack.kafka.config import parse_bootstrap
from stack.postgres_tuning import ServerTuning, default_shared_buffers_mb

# The demo's password of the read-only role, documented as such in the README: set
# READER_DATABASE_URL to use another.
DEMO_READER_URL = "postgresql://pulse_reader:pulse_reader@127.0.0.1:5432/pulse"


class StackSettings(BaseSettings):
    """What only the local stack and the demo read; the consumer never logs in as the reader.

    Environment variable names are the field names in upper case."""

    model_config = SettingsConfigDict(
        frozen=True,
        extra="ignore",
        case_sensitive=False,
        env_file=ENV_FILE,
        env_file_encoding="utf-8",
    )

    reader_database_url: SecretStr = Field(
        SecretStr(DEMO_READER_URL),
        description="PostgreSQL URL of the read-only role pulse_reader (Grafana, psql, the "
        "HTTP API): "
        "SELECT on the analytics, nothing else; `make up` creates it with this password",
    )
    # Where the HTTP API (api/) listens: it binds there, `make up` starts and probes it there.
    api_host: str = Field("127.0.0.1", description="Address the HTTP API binds to")
    api_port: int = Field(
        8000, ge=1, le=65535, description="HTTP API port (docs at /docs, metrics at /metrics)"
    )
    # The local PostgreSQL's server settings (stack/postgres_tuning.py writes them).
    postgres_shared_buffers_mb: int | None = Field(
        None,
        ge=16,
        le=1_048_576,
        description="shared_buffers of the local PostgreSQL in MB (default: a quarter of "
        "the machine's memory, between 128 and 8192)",
    )
    postgres_max_wal_size_mb: int = Field(
        8192,
        ge=64,
        le=1_048_576,
        description="max_wal_size of the local PostgreSQL in MB: WAL between checkpoints",
    )

    def postgres_tuning(self) -> ServerTuning:
        return ServerTuning(
            shared_buffers_mb=self.postgres_shared_buffers_mb or default_shared_buffers_mb(),
            max_wal_size_mb=self.postgres_max_wal_size_mb,
        )


def load_stack_settings() -> StackSettings:
    """Read the stack's settings from the environment; a bad value is a ConfigError."""
    try:
        return StackSettings()
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in err['loc']).upper()}: {err['msg']}"
            for err in exc.errors()
        )
        raise ConfigError(
            f"invalid configuration: {problems}. Fix the environment variable and retry."
        ) from None


@dataclass(frozen=True)
class DatabaseTarget:
    """Who and where the local PostgreSQL must serve, from DATABASE_URL."""

    host: str
    port: int
    user: str
    password: str
    dbname: str
    url: str  # the full libpq URL, for the readiness probe

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"


@dataclass(frozen=True)
class StackConfig:
    kafka_host: str
    kafka_port: int
    database: DatabaseTarget  # the owner role (MIGRATIONS_DATABASE_URL)
    consumer_database: DatabaseTarget  # the consumer's least-privileged role (DATABASE_URL)
    reader_database: DatabaseTarget  # the read-only role (READER_DATABASE_URL)
    metrics_host: str
    metrics_port: int
    api_host: str = "127.0.0.1"
    api_port: int = 8000
    postgres_tuning: ServerTuning | None = None  # None: leave the server's settings alone

    @property
    def kafka_bootstrap(self) -> str:
        return f"{self.kafka_host}:{self.kafka_port}"


def is_local(host: str) -> bool:
    """True for the names and addresses of this machine's loopback interface."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def parse_database_url(url: str, setting: str = "DATABASE_URL") -> DatabaseTarget:
    """Split a database URL with libpq's own parser (psycopg.conninfo), never by hand."""
    try:
        parts = conninfo_to_dict(url)
    except psycopg.ProgrammingError as exc:
        raise ConfigError(
            f"{setting} is not a valid libpq URL ({redact(str(exc).strip(), [url])}). Fix it, "
            "then retry."
        ) from None
    host = str(parts.get("host") or "")
    missing = [key for key in ("user", "password", "dbname") if not parts.get(key)]
    if not host or missing:
        raise ConfigError(
            f"{setting} must name host, user, password and database for the local stack "
            "(e.g. postgresql://pulse:pulse@127.0.0.1:5432/pulse). Fix it, then retry."
        )
    port_text = str(parts.get("port") or "5432")
    if not port_text.isdigit():
        raise ConfigError(f"{setting} port {port_text!r} is not a number. Fix it, then retry.")
    return DatabaseTarget(
        host=host,
        port=int(port_text),
        user=str(parts["user"]),
        password=str(parts["password"]),
        dbname=str(parts["dbname"]),
        url=url,
    )


def from_settings(settings: Settings, stack_settings: StackSettings | None = None) -> StackConfig:
    """Check that the settings point at this machine (the only place the stack can start
    services) and extract what each service needs. Without `stack_settings`, they are read
    from the environment."""
    if stack_settings is None:
        stack_settings = load_stack_settings()
    try:
        kafka_host, kafka_port = parse_bootstrap(settings.kafka_bootstrap_servers)
    except ValueError as exc:
        raise ConfigError(f"KAFKA_BOOTSTRAP_SERVERS: {exc}. Fix it, then retry.") from None
    database = parse_database_url(
        settings.migrations_database_url.get_secret_value(), "MIGRATIONS_DATABASE_URL"
    )
    consumer_database = parse_database_url(settings.database_url.get_secret_value())
    reader_database = parse_database_url(
        stack_settings.reader_database_url.get_secret_value(), "READER_DATABASE_URL"
    )
    for name, host in (("KAFKA_BOOTSTRAP_SERVERS", kafka_host), ("DATABASE_URL", database.host)):
        if not is_local(host):
            raise ConfigError(
                f"{name} points at {host}, but the local stack only runs services on this "
                "machine: unset it (or use 127.0.0.1), or start that service yourself."
            )
    for name, other in (
        ("DATABASE_URL", consumer_database),
        ("READER_DATABASE_URL", reader_database),
    ):
        if (other.address, other.dbname) != (database.address, database.dbname):
            raise ConfigError(
                f"{name} ({other.address}/{other.dbname}) and MIGRATIONS_DATABASE_URL "
                f"({database.address}/{database.dbname}) name different databases: the local "
                "stack serves one; make them differ only in user and password."
            )
    if reader_database.user in (database.user, consumer_database.user):
        raise ConfigError(
            f"READER_DATABASE_URL logs in as {reader_database.user}, a role that may write: "
            "give the read-only role a user name of its own (pulse_reader by default)."
        )
    return StackConfig(
        kafka_host=kafka_host,
        kafka_port=kafka_port,
        database=database,
        consumer_database=consumer_database,
        reader_database=reader_database,
        metrics_host=settings.metrics_host,
        metrics_port=settings.metrics_port,
        api_host=stack_settings.api_host,
        api_port=stack_settings.api_port,
        postgres_tuning=stack_settings.postgres_tuning(),
    )
