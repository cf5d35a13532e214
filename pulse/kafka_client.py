"""Opens kafka-python clients so that a failure the user can fix (a refused SASL login, a
listener without SASL, a TLS certificate the CA file does not vouch for) ends as one
sentence naming the setting, instead of kafka-python's bare "Unable to bootstrap"."""

from __future__ import annotations

import logging
import ssl
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from kafka.errors import (
    IllegalSaslStateError,
    KafkaConnectionError,
    KafkaError,
    SaslAuthenticationFailedError,
    UnsupportedSaslMechanismError,
)
from kafka.net.connection import KafkaConnection

from pulse.errors import ServiceUnavailableError

# kafka-python 3 logs its connections' failures under this logger, with the objects.
_NET_LOGGER = "kafka.net"
T = TypeVar("T")


class KafkaAuthenticationError(ServiceUnavailableError):
    """The broker refused the SASL login (wrong user name, password or mechanism)."""


class KafkaTlsError(ServiceUnavailableError):
    """The TLS handshake failed (untrusted certificate, or no TLS on that listener)."""


class KafkaSaslMismatchError(ServiceUnavailableError):
    """The listener takes no SASL, or not with the configured mechanism."""


def open_client(
    factory: Callable[[], T], *, bootstrap_servers: str, security: Mapping[str, Any]
) -> T:
    """`factory()` (a kafka-python client constructor), with a refused login or a failed
    TLS handshake turned into our errors; every other KafkaError is the caller's to explain.

    kafka-python retries both until its bootstrap timeout, then raises a bare
    KafkaTimeoutError: the cause reaches only its log, so that is watched."""
    watch = _FailureWatch()
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
        if watch.sasl_mismatch is not None:
            raise _mismatch(bootstrap_servers, security, watch.sasl_mismatch) from None
        if watch.tls_error is not None:
            raise _tls_failed(bootstrap_servers, watch.tls_error) from None
        raise
    finally:
        source.removeHandler(watch)
        source.setLevel(saved[0])
        source.propagate = saved[1]


class _FailureWatch(logging.Handler):
    """Notices, in kafka-python's log records and by type, why connections failed.

    Brokers either answer the last SASL step with an error (kafka-python then logs a
    SaslAuthenticationFailedError), or, as Kafka 4 does after a wrong SCRAM proof, simply
    close the connection: then the record of the lost connection carries a connection
    that had got its ApiVersions answer (the broker speaks our protocol) and failed to
    initialize, i.e. it was lost during the SASL exchange that follows. A listener
    without SASL (or without the mechanism) answers the handshake with an error instead.
    A failed TLS handshake is a KafkaConnectionError raised while handling an SSLError."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.refused = False
        self.sasl_mismatch: KafkaError | None = None
        self.tls_error: ssl.SSLError | None = None

    def emit(self, record: logging.LogRecord) -> None:
        args = record.args if isinstance(record.args, tuple) else ()
        errors = [arg for arg in args if isinstance(arg, KafkaError)]
        if any(isinstance(error, SaslAuthenticationFailedError) for error in errors):
            self.refused = True
        elif any(_lost_during_sasl(arg) for arg in args):
            for error in errors:
                if isinstance(error, _SASL_MISMATCH):
                    self.sasl_mismatch = error
                elif isinstance(error, KafkaConnectionError):
                    self.refused = True
        for error in errors:
            if isinstance(error.__context__, ssl.SSLError):
                self.tls_error = error.__context__


_SASL_MISMATCH = (IllegalSaslStateError, UnsupportedSaslMechanismError)


def _lost_during_sasl(arg: object) -> bool:
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


def _mismatch(
    bootstrap_servers: str, security: Mapping[str, Any], error: KafkaError
) -> KafkaSaslMismatchError:
    return KafkaSaslMismatchError(
        f"Kafka at {bootstrap_servers} does not take {security.get('sasl_mechanism')} logins "
        f"on that listener ({type(error).__name__}): check that KAFKA_SECURITY_PROTOCOL "
        "matches the listener (a PLAINTEXT or SSL listener takes no SASL) and that the "
        "broker enables KAFKA_SASL_MECHANISM."
    )


def _tls_failed(bootstrap_servers: str, error: ssl.SSLError) -> KafkaTlsError:
    reason = getattr(error, "verify_message", None) or error.reason or type(error).__name__
    return KafkaTlsError(
        f"TLS handshake with Kafka at {bootstrap_servers} failed ({reason}): set "
        "KAFKA_SSL_CAFILE to the CA that signed the broker's certificate, and check that "
        "KAFKA_SECURITY_PROTOCOL (SSL or SASL_SSL) matches that listener."
    )
