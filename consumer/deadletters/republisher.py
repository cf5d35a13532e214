"""Sends `dlq replay`'s records back to the main topic as their producer sent them, headers
with null values included: librdkafka (confluent-kafka) sends those, kafka-python refuses
them, which is why the dead-letter topic carries them empty and lists them instead."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from confluent_kafka import KafkaError, KafkaException

from pulse.errors import ServiceUnavailableError
from pulse.librdkafka import ClientErrors, Delivery, open_producer

_FLUSH_EVERY = 1000
# librdkafka's own request limit, above the broker's default (about 1 MiB) so that the
# broker's or the topic's limit is the one that decides, and names itself when it refuses.
_MAX_REQUEST_BYTES = 4 * 1_048_576

Headers = Sequence[tuple[str, bytes | None]]


class Republisher:
    """Sends replayed records to the main topic and waits for acks=all on each.

    A key goes to the partition the Java client (and kafka-python) would choose, so a
    replayed record lands beside its key's other records."""

    def __init__(
        self,
        *,
        bootstrap_servers: str,
        topic: str,
        timeout_s: float = 60.0,
        security: Mapping[str, Any] | None = None,
    ) -> None:
        self.topic = topic
        self._timeout_s = timeout_s
        self._bootstrap_servers = bootstrap_servers
        self._errors = ClientErrors()
        self._pending: list[Delivery] = []
        config = {
            "bootstrap.servers": bootstrap_servers,
            "client.id": "pulse-dlq-replay",
            "acks": "all",
            # Retries never reorder a partition's records nor write them twice.
            "enable.idempotence": True,
            "linger.ms": 5,
            "partitioner": "murmur2_random",
            "message.max.bytes": _MAX_REQUEST_BYTES,
            "message.timeout.ms": int(timeout_s * 1000),
        }
        self._producer = open_producer(config, self._errors, security)
        self._check_topic()

    def _check_topic(self) -> None:
        """Fails at once, with the reason, when the broker cannot be reached or the topic
        has no partitions, rather than after every record timed out."""
        try:
            metadata = self._producer.list_topics(self.topic, timeout=self._timeout_s)
        except KafkaException as exc:
            raise self._failed(self._errors.last or exc.args[0]) from None
        found = metadata.topics.get(self.topic)
        if found is not None and found.error is not None:
            raise self._failed(found.error)
        if found is None or not found.partitions:
            raise self._failed("the topic has no partitions")

    def send(self, key: bytes | None, value: bytes | None, headers: Headers) -> None:
        delivery = Delivery()
        try:
            self._produce(key, value, headers, delivery)
        except BufferError:  # the send queue is full: let Kafka take it, then once more
            self.flush()
            self._produce(key, value, headers, delivery)
        self._pending.append(delivery)
        self._producer.poll(0)
        if self._errors.fatal is not None:
            raise self._failed(self._errors.fatal)
        if len(self._pending) >= _FLUSH_EVERY:
            self.flush()

    def _produce(
        self, key: bytes | None, value: bytes | None, headers: Headers, delivery: Delivery
    ) -> None:
        try:
            self._producer.produce(
                self.topic, value, key, headers=list(headers), on_delivery=delivery
            )
        except KafkaException as exc:
            raise self._failed(exc.args[0]) from None

    def flush(self) -> None:
        """Returns once Kafka acknowledged every record sent so far; raises otherwise."""
        waiting = self._producer.flush(self._timeout_s)
        if waiting:
            raise self._failed(f"{waiting} records not acknowledged in {self._timeout_s:g} s")
        refused = next((d.exception for d in self._pending if d.exception is not None), None)
        if refused is not None:
            raise self._failed(refused)
        self._pending.clear()

    def close(self) -> None:
        self._producer.flush(10)
        close = getattr(self._producer, "close", None)  # confluent-kafka 2.11 and later
        if close is not None:
            close()

    def _failed(self, reason: KafkaError | Exception | str) -> ServiceUnavailableError:
        if isinstance(reason, KafkaError):
            reason = f"{reason.name()}: {reason.str()}"
        elif isinstance(reason, Exception):
            reason = f"{type(reason).__name__}: {reason}"
        return ServiceUnavailableError(
            f"could not publish to {self.topic} on {self._bootstrap_servers} ({reason}). "
            "Records sent before the failure are on the topic; running the replay again is "
            "safe (event_id dedup)."
        )
