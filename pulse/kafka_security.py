"""The security options of every Kafka client Pulse creates (consumer, dead-letter and
replay producers, admin clients, the simulator): settings in, kafka-python keywords out,
and their librdkafka properties for the simulator's publisher."""

from __future__ import annotations

import ssl
from collections.abc import Mapping
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


# kafka-python keyword -> librdkafka property, for the clients built on librdkafka.
_LIBRDKAFKA_NAMES = {
    "security_protocol": "security.protocol",
    "sasl_mechanism": "sasl.mechanism",
    "sasl_plain_username": "sasl.username",
    "sasl_plain_password": "sasl.password",
    "ssl_cafile": "ssl.ca.location",
}


def librdkafka_security(options: Mapping[str, Any]) -> dict[str, str]:
    """The librdkafka properties of `kafka_security`'s keywords: one source of truth for
    both clients."""
    unknown = set(options) - set(_LIBRDKAFKA_NAMES)
    if unknown:
        raise ValueError(f"no librdkafka property for {sorted(unknown)}")
    properties = {_LIBRDKAFKA_NAMES[key]: str(value) for key, value in options.items() if value}
    if options.get("security_protocol") in _TLS_PROTOCOLS and "ssl.ca.location" not in properties:
        # Without a CA file kafka-python trusts Python's default CAs, which honour
        # SSL_CERT_FILE and SSL_CERT_DIR; librdkafka with its own OpenSSL would probe a
        # fixed list of paths instead, and could distrust a broker kafka-python trusts.
        defaults = ssl.get_default_verify_paths()
        location = defaults.cafile or defaults.capath
        if location:
            properties["ssl.ca.location"] = location
    return properties
