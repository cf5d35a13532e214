"""The security options of every Kafka client Pulse creates (consumer, dead-letter and
replay producers, admin clients, the simulator): settings in, kafka-python keywords out."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pulse.errors import ConfigError
from pulse.settings import Settings

_TLS_PROTOCOLS = ("SSL", "SASL_SSL")


def kafka_security(settings: Settings) -> dict[str, Any]:
    """kafka-python's security keywords for `settings`; pass them to every client.

    Raises ConfigError when KAFKA_SSL_CAFILE names no readable file: kafka-python would
    only fail later, on the first connection, with an OpenSSL message."""
    protocol = settings.kafka_security_protocol
    options: dict[str, Any] = {"security_protocol": protocol}
    if protocol.startswith("SASL_"):
        # The settings validator guarantees both credentials for the SASL protocols.
        password = settings.kafka_sasl_password
        options |= {
            "sasl_mechanism": settings.kafka_sasl_mechanism,
            "sasl_plain_username": settings.kafka_sasl_username,
            "sasl_plain_password": password.get_secret_value() if password else None,
        }
    if protocol in _TLS_PROTOCOLS and settings.kafka_ssl_cafile:
        if not Path(settings.kafka_ssl_cafile).is_file():
            raise ConfigError(
                f"KAFKA_SSL_CAFILE={settings.kafka_ssl_cafile} is not a readable file: point "
                "it at the PEM file of the CA that signed the broker's certificate."
            )
        options["ssl_cafile"] = settings.kafka_ssl_cafile
    return options
