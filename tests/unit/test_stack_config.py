"""The stack's reading of the settings: local addresses only, DATABASE_URL parsed by libpq."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr

from pulse.errors import ConfigError
from pulse.settings import load_settings
from stack.config import StackSettings, from_settings, is_local, parse_database_url
from stack.demo import psql_hint


def test_defaults_describe_the_local_stack(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "KAFKA_BOOTSTRAP_SERVERS",
        "DATABASE_URL",
        "MIGRATIONS_DATABASE_URL",
        "METRICS_HOST",
        "METRICS_PORT",
        "READER_DATABASE_URL",
    ):
        monkeypatch.delenv(name, raising=False)
    config = from_settings(load_settings())
    assert config.kafka_bootstrap == "127.0.0.1:9092"
    assert config.database.address == "127.0.0.1:5432"
    assert (config.database.user, config.database.dbname) == ("pulse", "pulse")
    assert (config.consumer_database.user, config.consumer_database.dbname) == (
        "pulse_consumer",
        "pulse",
    )
    assert config.metrics_port == 9108
    assert (config.reader_database.user, config.reader_database.dbname) == ("pulse_reader", "pulse")


@pytest.mark.parametrize("user", ["pulse", "pulse_consumer"])
def test_a_reader_url_that_logs_in_as_a_writing_role_is_refused(user: str) -> None:
    reader = StackSettings(reader_database_url=f"postgresql://{user}:x@127.0.0.1:5432/pulse")
    with pytest.raises(ConfigError, match=f"READER_DATABASE_URL logs in as {user}, a role"):
        from_settings(load_settings(), reader)


def test_a_reader_url_on_another_database_is_refused() -> None:
    reader = StackSettings(reader_database_url="postgresql://pulse_reader:x@127.0.0.1:5432/other")
    with pytest.raises(ConfigError, match=r"READER_DATABASE_URL \(127\.0\.0\.1:5432/other\)"):
        from_settings(load_settings(), reader)


def test_the_psql_hint_shows_a_password_only_when_it_is_the_documented_demo_default() -> None:
    demo = "postgresql://pulse_reader:pulse_reader@127.0.0.1:5432/pulse"
    assert psql_hint(demo) == f"psql '{demo}'"
    hint = psql_hint("postgresql://pulse_reader:Xq93kzS3cret@127.0.0.1:5432/pulse")
    assert "Xq93kzS3cret" not in hint
    assert "pulse_reader" in hint
    assert "127.0.0.1" in hint


def test_two_databases_are_refused_with_both_settings_named() -> None:
    settings = load_settings(
        database_url="postgresql://pulse_consumer:x@127.0.0.1:5432/other",
        migrations_database_url="postgresql://pulse:y@127.0.0.1:5432/pulse",
    )
    both = r"DATABASE_URL \(127\.0\.0\.1:5432/other\) and MIGRATIONS_DATABASE_URL"
    with pytest.raises(ConfigError, match=both):
        from_settings(settings)


def test_a_remote_broker_is_refused_with_the_setting_named() -> None:
    settings = load_settings(kafka_bootstrap_servers="kafka.example.com:9092")
    with pytest.raises(ConfigError, match=r"KAFKA_BOOTSTRAP_SERVERS points at kafka\.example\.com"):
        from_settings(settings)


def test_database_url_is_parsed_by_libpq() -> None:
    db = parse_database_url("postgresql://alice:s3cr%40t@localhost:15432/analytics")
    assert (db.user, db.password, db.dbname) == ("alice", "s3cr@t", "analytics")
    assert db.address == "localhost:15432"


@pytest.mark.parametrize(
    "url",
    ["postgresql://pulse@127.0.0.1/pulse", "postgresql://127.0.0.1/pulse", "not a url at all"],
)
def test_incomplete_database_url_is_a_config_error(url: str) -> None:
    with pytest.raises(ConfigError, match="DATABASE_URL"):
        parse_database_url(url)


@pytest.mark.parametrize(
    ("host", "local"),
    [
        ("127.0.0.1", True),
        ("127.1.2.3", True),
        ("::1", True),
        ("localhost", True),
        ("10.0.0.1", False),
        ("db.internal", False),
    ],
)
def test_is_local(host: str, local: bool) -> None:
    assert is_local(host) is local


def test_every_stack_setting_is_in_the_readme_configuration_table() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    for name, field in StackSettings.model_fields.items():
        default = field.default
        shown = default.get_secret_value() if isinstance(default, SecretStr) else default
        assert f"| `{name.upper()}` | `{shown}` |" in readme, name
