"""Masking of secrets in printed text, and the security defaults of the settings."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pulse.secrets import MASK, redact, secrets_of
from pulse.settings import Settings

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            'URI: "postgresql://pulse:s3cr%40t@127.0.0.1:5432/pulse"',
            'URI: "postgresql://pulse:***@127.0.0.1:5432/pulse"',
        ),
        ("postgres://:onlypass@db/x", "postgres://:***@db/x"),
        ("host=db password=s3cret dbname=x", "host=db password=*** dbname=x"),
        ("host=db password = 'se cr\\'et' dbname=x", "host=db password = *** dbname=x"),
        (  # masked up to the next space: a password may itself contain "&"
            "postgresql://db/x?password=s3cret&sslmode=require",
            "postgresql://db/x?password=***",
        ),
        ("postgresql://pulse@db/x", "postgresql://pulse@db/x"),  # no password: unchanged
        ("no secrets here", "no secrets here"),
    ],
)
def test_passwords_in_urls_and_keyword_strings_are_masked(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_given_secrets_are_masked_but_short_ones_would_mask_words() -> None:
    text = "sasl login with Kf4wSaslS3cretQp2m refused for pulse"
    assert (
        redact(text, ["Kf4wSaslS3cretQp2m", "pulse"]) == f"sasl login with {MASK} refused for pulse"
    )


def test_every_secret_setting_is_found() -> None:
    settings = Settings(database_url="postgresql://a:b@h/d", kafka_sasl_password="Kf4wSaslS3cret")
    found = secrets_of(settings)
    assert "postgresql://a:b@h/d" in found
    assert "Kf4wSaslS3cret" in found
    assert settings.migrations_database_url.get_secret_value() in found


def test_metrics_bind_to_loopback_by_default_and_to_every_interface_in_docker() -> None:
    assert Settings.model_fields["metrics_host"].default == "127.0.0.1"
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))
    assert compose["services"]["consumer"]["environment"]["METRICS_HOST"] == "0.0.0.0"


def test_docker_compose_takes_every_password_from_the_environment() -> None:
    """No literal password in docker-compose.yml: each is `${NAME:-demo default}`, and the
    defaults are the documented demo ones."""
    text = (REPO / "docker-compose.yml").read_text(encoding="utf-8")
    services = yaml.safe_load(text)["services"]
    expected = {
        ("postgres", "POSTGRES_PASSWORD"): "${PULSE_OWNER_PASSWORD:-pulse}",
        ("postgres", "PULSE_CONSUMER_PASSWORD"): "${PULSE_CONSUMER_PASSWORD:-pulse_consumer}",
        ("postgres", "PULSE_READER_PASSWORD"): "${PULSE_READER_PASSWORD:-pulse_reader}",
        ("grafana", "PULSE_READER_PASSWORD"): "${PULSE_READER_PASSWORD:-pulse_reader}",
        ("grafana", "GF_SECURITY_ADMIN_PASSWORD"): "${GRAFANA_ADMIN_PASSWORD:-admin}",
    }
    for (service, name), value in expected.items():
        assert services[service]["environment"][name] == value, (service, name)
    urls = {
        "migrate": ("MIGRATIONS_DATABASE_URL", "pulse:${PULSE_OWNER_PASSWORD:-pulse}@"),
        "consumer": ("DATABASE_URL", "pulse_consumer:${PULSE_CONSUMER_PASSWORD:-pulse_consumer}@"),
    }
    for service, (name, credentials) in urls.items():
        assert services[service]["environment"][name].startswith(f"postgresql://{credentials}")
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for variable in ("PULSE_OWNER_PASSWORD", "PULSE_CONSUMER_PASSWORD", "PULSE_READER_PASSWORD",
                     "GRAFANA_ADMIN_PASSWORD"):  # fmt: skip
        assert variable in text.split("name: pulse", 1)[0], f"{variable} not explained on top"
        assert f"`{variable}`" in readme, f"{variable} not in the README"


def test_docker_compose_runs_the_consumer_as_its_own_role_after_migrating_as_the_owner() -> None:
    services = yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))["services"]
    consumer, migrate = services["consumer"], services["migrate"]
    assert consumer["environment"]["DATABASE_URL"].startswith("postgresql://pulse_consumer:")
    assert "MIGRATIONS_DATABASE_URL" not in consumer["environment"]  # no owner secret there
    assert migrate["command"] == ["consumer", "migrate"]
    assert consumer["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
