"""The security options of every Kafka client Pulse creates (consumer, dead-letter and
replay producers, admin clients, the simulator): settings in, kafka-python keywords out,
plus the one sentence that explains a refused login."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from kafka.errors import KafkaError, SaslAuthenticationFailedError
from kafka.net.connection import KafkaConnection

from consumer.errors import ConfigError, ServiceUnavailableError
from consumer.settings import Settings

_TLS_PROTOCOLS = ("SSL", "SASL_SSL")
# kafka-python 3 logs its connections' failures under this logger, with the objects.
_NET_LOGGER = "kafka.net"
T = TypeVar("T")


class KafkaAuthenticationError(ServiceUnavailableError):
    """The broker refused the SASL login (wrong user name, password or mechanism)."""


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


def open_client(
    factory: Callable[[], T], *, bootstrap_servers: str, security: Mapping[str, Any]
) -> T:
    """`factory()` (a kafka-python client constructor), with a refused login turned into
    KafkaAuthenticationError; every other KafkaError is the caller's to explain.

    kafka-python retries a refused login until its bootstrap timeout, then raises a bare
    KafkaTimeoutError: the refusal itself reaches only its log, so that is watched."""
    watch = _LoginRefusals()
    source = logging.getLogger(_NET_LOGGER)
    saved = source.level, source.propagate
    if not source.isEnabledFor(logging.WARNING):
        # Listen at WARNING without showing what the user's log level hides.
        source.setLevel(logging.WARNING)
        source.propagate = False
    source.addHandler(watch)
    try:
        return factory()
    except KafkaError:
        if watch.refused:
            raise _refused(bootstrap_servers, security) from None
        raise
    finally:
        source.removeHandler(watch)
        source.setLevel(saved[0])
        source.propagate = saved[1]


class _LoginRefusals(logging.Handler):
    """Notices a login the broker refused, in kafka-python's log records (by type).

    Brokers either answer the last SASL step with an error (kafka-python then logs a
    SaslAuthenticationFailedError), or, as Kafka 4 does after a wrong SCRAM proof, simply
    close the connection: then the record of the lost connection carries a connection
    that had got its ApiVersions answer (the broker speaks our protocol) and failed to
    initialize, i.e. it was lost during the SASL exchange that follows."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.refused = False

    def emit(self, record: logging.LogRecord) -> None:
        args = record.args if isinstance(record.args, tuple) else ()
        if any(_is_refusal(arg) for arg in args):
            self.refused = True


def _is_refusal(arg: object) -> bool:
    if isinstance(arg, SaslAuthenticationFailedError):
        return True
    return (
        isinstance(arg, KafkaConnection)
        and arg.sasl_enabled
        and arg.broker_version_data is not None
        and arg.init_future.failed()
    )


def _refused(bootstrap_servers: str, security: Mapping[str, Any]) -> KafkaAuthenticationError:
    """The error for a refused SASL login; it names the user and never the password."""
    return KafkaAuthenticationError(
        f"Kafka authentication failed for user {security.get('sasl_plain_username')!r} at "
        f"{bootstrap_servers} ({security.get('security_protocol')}, "
        f"{security.get('sasl_mechanism')}): check KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD "
        "and KAFKA_SASL_MECHANISM."
    )
