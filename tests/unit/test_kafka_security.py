"""The Kafka security settings: which combinations load, the kafka-python options they
give, and that the SASL password stays out of every printed form of the settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from pulse.errors import ConfigError
from pulse.kafka_security import kafka_security, librdkafka_security
from pulse.settings import load_settings

PASSWORD = "correct-horse-battery"


@pytest.fixture
def cafile(tmp_path: Path) -> Path:
    """A CA file that exists (its content is never parsed here)."""
    path = tmp_path / "ca.pem"
    path.write_text("-----BEGIN CERTIFICATE-----\n", encoding="utf-8")
    return path


def test_plaintext_by_default_gives_only_the_protocol() -> None:
    assert kafka_security(load_settings()) == {"security_protocol": "PLAINTEXT"}


def test_sasl_gives_mechanism_and_credentials() -> None:
    settings = load_settings(
        kafka_security_protocol="sasl_plaintext",
        kafka_sasl_mechanism="scram-sha-512",
        kafka_sasl_username="pulse",
        kafka_sasl_password=PASSWORD,
    )
    assert kafka_security(settings) == {
        "security_protocol": "SASL_PLAINTEXT",
        "sasl_mechanism": "SCRAM-SHA-512",
        "sasl_plain_username": "pulse",
        "sasl_plain_password": PASSWORD,
    }


def test_sasl_ssl_passes_the_ca_file(cafile: Path) -> None:
    settings = load_settings(
        kafka_security_protocol="SASL_SSL",
        kafka_sasl_username="pulse",
        kafka_sasl_password=PASSWORD,
        kafka_ssl_cafile=str(cafile),
    )
    assert kafka_security(settings)["ssl_cafile"] == str(cafile)


def test_librdkafka_gets_the_same_options_under_its_own_names(cafile: Path) -> None:
    settings = load_settings(
        kafka_security_protocol="SASL_SSL",
        kafka_sasl_mechanism="PLAIN",
        kafka_sasl_username="pulse",
        kafka_sasl_password=PASSWORD,
        kafka_ssl_cafile=str(cafile),
    )
    assert librdkafka_security(kafka_security(settings)) == {
        "security.protocol": "SASL_SSL",
        "sasl.mechanism": "PLAIN",
        "sasl.username": "pulse",
        "sasl.password": PASSWORD,
        "ssl.ca.location": str(cafile),
    }
    assert librdkafka_security(kafka_security(load_settings())) == {
        "security.protocol": "PLAINTEXT"
    }


def test_an_option_librdkafka_has_no_name_for_is_refused() -> None:
    with pytest.raises(ValueError, match="ssl_certfile"):
        librdkafka_security({"security_protocol": "SSL", "ssl_certfile": "client.pem"})


def test_a_missing_ca_file_is_a_config_error(tmp_path: Path) -> None:
    settings = load_settings(kafka_security_protocol="SSL", kafka_ssl_cafile=str(tmp_path / "no"))
    with pytest.raises(ConfigError, match=r"KAFKA_SSL_CAFILE=.* is not a readable file"):
        kafka_security(settings)


@pytest.mark.parametrize("missing", ["kafka_sasl_username", "kafka_sasl_password"])
def test_sasl_without_both_credentials_is_one_clear_error(missing: str) -> None:
    given = {"kafka_sasl_username": "pulse", "kafka_sasl_password": PASSWORD}
    del given[missing]
    with pytest.raises(ConfigError) as caught:
        load_settings(kafka_security_protocol="SASL_SSL", **given)
    assert "KAFKA_SECURITY_PROTOCOL=SASL_SSL needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD" in (
        str(caught.value)
    )
    assert PASSWORD not in str(caught.value)


@pytest.mark.parametrize(
    ("field", "value"),
    [("kafka_security_protocol", "TLS"), ("kafka_sasl_mechanism", "GSSAPI")],
)
def test_unknown_protocol_or_mechanism_names_the_choices(field: str, value: str) -> None:
    with pytest.raises(ConfigError, match=rf"{field.upper()}: .*must be one of"):
        load_settings(**{field: value})


def test_the_password_is_hidden_in_every_printed_form_of_the_settings() -> None:
    settings = load_settings(
        kafka_security_protocol="SASL_PLAINTEXT",
        kafka_sasl_username="pulse",
        kafka_sasl_password=PASSWORD,
    )
    for text in (repr(settings), str(settings), settings.model_dump_json()):
        assert PASSWORD not in text


def test_tls_without_a_ca_file_gives_librdkafka_the_cas_python_trusts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundle = tmp_path / "company-ca.pem"
    bundle.write_text("-----BEGIN CERTIFICATE-----\n", encoding="utf-8")
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))  # as kafka-python would honour it
    settings = load_settings(kafka_security_protocol="SSL")
    assert librdkafka_security(kafka_security(settings)) == {
        "security.protocol": "SSL",
        "ssl.ca.location": str(bundle),
    }
