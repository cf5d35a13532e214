"""What librdkafka tells a producer (the simulator's publisher, `dlq replay`), in the shapes
they read: each record's fate as a future-like `Delivery`, and the client's own errors and
log lines."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any, NamedTuple

from confluent_kafka import KafkaError, KafkaException, Producer

from pulse.errors import ConfigError
from pulse.kafka_security import librdkafka_security

logger = logging.getLogger("pulse.librdkafka")


class DeliveryError(Exception):
    """Kafka did not take a record: librdkafka's error name and text."""


class Acked(NamedTuple):
    partition: int
    offset: int


class Delivery:
    """One record's fate, settled by librdkafka's delivery callback (served by `poll` and
    `flush`); read like kafka-python's future: `is_done`, `exception`, `value`."""

    __slots__ = ("exception", "is_done", "value")

    def __init__(self) -> None:
        self.is_done = False
        self.exception: DeliveryError | None = None
        self.value: Acked | None = None

    def __call__(self, error: Any, message: Any) -> None:
        if error is not None:
            self.exception = DeliveryError(f"{error.name()}: {error.str()}")
        else:
            self.value = Acked(message.partition(), message.offset())
        self.is_done = True


def is_fatal(error: KafkaError) -> bool:
    """True when the producer can take no more records. `produce()` reports a fatal
    error as a plain `_FATAL` error, whose `fatal()` is False."""
    return bool(error.fatal()) or error.code() == KafkaError._FATAL


class ClientErrors:
    """librdkafka's `error_cb`: keeps its last error (to say why a broker could not be
    reached) and the fatal one that ends the producer."""

    def __init__(self) -> None:
        self.last: KafkaError | None = None
        self.fatal: KafkaError | None = None

    def __call__(self, error: KafkaError) -> None:
        self.last = error
        if is_fatal(error):
            self.fatal = error
        logger.debug("librdkafka error %s: %s", error.name(), error.str())


class ClientLog:
    """librdkafka's own log lines, at DEBUG: a broker that restarts makes it log an error
    per reconnect. The user hears of it once, from the runner's watch on the acks, and
    of every record Kafka refused, in the summary."""

    def log(self, level: int, message: str, *args: Any) -> None:
        del level
        logger.debug(message, *args)


def open_producer(
    config: Mapping[str, Any], errors: ClientErrors, security: Mapping[str, Any] | None
) -> Producer:
    """A librdkafka producer with `config`, Pulse's security settings, its errors kept by
    `errors` and its log at DEBUG; settings librdkafka refuses are one ConfigError."""
    try:
        return Producer(
            {
                **config,
                "logger": ClientLog(),
                "error_cb": errors,
                **librdkafka_security(security or {}),
            }
        )
    except KafkaException as exc:
        raise ConfigError(
            f"the Kafka producer refused its settings: {exc.args[0].str().strip()}."
        ) from None
