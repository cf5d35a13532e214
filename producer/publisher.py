"""Publishes records to Kafka with librdkafka: key = user_id (per-user order), acks=all,
idempotent, batching and compression; creates the topic (with kafka-python's admin client,
which explains a refused login or TLS handshake) when it is missing."""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Mapping
from functools import partial
from typing import Any

from confluent_kafka import KafkaError as RdKafkaError
from confluent_kafka import KafkaException
from kafka.admin import KafkaAdminClient
from kafka.errors import KafkaError, KafkaTimeoutError, TopicAlreadyExistsError
from kafka.partitioner.default import murmur2

from pulse.errors import ConfigError, ServiceUnavailableError
from pulse.kafka_client import open_client
from pulse.librdkafka import ClientErrors, Delivery, is_fatal, open_producer

logger = logging.getLogger(__name__)

COMPRESSIONS = ("auto", "lz4", "gzip", "none")
# Kafka's default largest record is about 1 MiB; oversized test payloads must still fit.
MIN_MAX_REQUEST_BYTES = 1_048_576
# As kafka-python's delivery_timeout_ms: the runner's final flush (130 s) outlasts it, so
# by then librdkafka has settled every record, acknowledged or failed for good.
DELIVERY_TIMEOUT_MS = 120_000
# How long a send waits for room in a full send queue (kafka-python's max_block_ms), and
# how long each wait inside it lasts.
MAX_BLOCK_S = 60.0
QUEUE_FULL_WAIT_S = 0.1
# How often a publisher asks again for a topic the broker does not know yet.
METADATA_RETRY_S = 0.2
# librdkafka's ranges for linger.ms (below the delivery timeout) and batch.size.
MAX_LINGER_MS = DELIVERY_TIMEOUT_MS - 1
MAX_BATCH_BYTES = 2_147_483_647


def resolve_compression(name: str) -> str | None:
    """librdkafka's codec name for `name` (it carries every codec); "auto" is lz4, the
    cheapest to compress and to decompress of those every Kafka client reads."""
    if name not in COMPRESSIONS:
        raise ConfigError(f"unknown compression {name!r}: use one of {', '.join(COMPRESSIONS)}.")
    if name == "none":
        return None
    return "lz4" if name == "auto" else name


def _unreachable(bootstrap_servers: str, exc: Exception | RdKafkaError) -> ServiceUnavailableError:
    if isinstance(exc, RdKafkaError):
        reason = exc.str()  # librdkafka's last error, e.g. an SSL handshake that failed
    elif isinstance(exc, KafkaException):
        reason = exc.args[0].str()  # librdkafka's text, e.g. "Local: Timed out"
    elif isinstance(exc, OSError) and exc.strerror:
        reason = exc.strerror
    else:
        reason = type(exc).__name__
    return ServiceUnavailableError(
        f"Kafka is not reachable at {bootstrap_servers} ({reason}). "
        "Start it with `make up`, or pass --bootstrap-servers HOST:PORT."
    )


def check_reachable(bootstrap_servers: str, timeout_ms: int) -> None:
    """Fails fast, with one sentence, when no bootstrap server accepts a TCP connection.

    kafka-python would retry until its timeout and, when its constructor gives up, leaves
    a socket open behind it; a plain connect answers "refused" at once."""
    last_error: OSError | None = None
    for server in bootstrap_servers.split(","):
        host, _, port = server.strip().rpartition(":")
        try:
            with socket.create_connection(
                (host.strip("[]") or "localhost", int(port)), timeout_ms / 1000
            ):
                return
        except (OSError, ValueError) as exc:
            last_error = exc if isinstance(exc, OSError) else OSError(str(exc))
    raise _unreachable(bootstrap_servers, last_error or OSError("no bootstrap server given"))


def ensure_topic(
    *,
    bootstrap_servers: str,
    topic: str,
    partitions: int,
    replication_factor: int,
    timeout_ms: int,
    security: Mapping[str, Any] | None = None,
    configs: Mapping[str, str] | None = None,
) -> bool:
    """Creates `topic` unless it exists, with the topic `configs` given (the catalog's
    cleanup.policy=compact); returns True when this call created it.

    An existing topic is left as it is, whatever its partition count: repartitioning
    would move users to other partitions and break their per-key order."""
    security = dict(security or {})
    try:
        admin = open_client(
            partial(
                KafkaAdminClient,
                bootstrap_servers=bootstrap_servers,
                client_id="pulse-producer-admin",
                bootstrap_timeout_ms=timeout_ms,
                request_timeout_ms=timeout_ms,
                **security,
            ),
            bootstrap_servers=bootstrap_servers,
            security=security,
        )
    except KafkaError as exc:
        raise _unreachable(bootstrap_servers, exc) from None
    try:
        if topic in admin.list_topics():
            return False
        spec: dict[str, dict[str, Any]] = {
            topic: {"num_partitions": partitions, "replication_factor": replication_factor}
        }
        if configs:
            spec[topic]["configs"] = dict(configs)
        admin.create_topics(spec, timeout_ms=timeout_ms, wait_for_metadata=True)
    except TopicAlreadyExistsError:
        return False  # created concurrently by another producer or a consumer
    except KafkaError as exc:
        raise ServiceUnavailableError(
            f"could not create topic {topic!r} on {bootstrap_servers}: {exc}. "
            "Create it yourself, or check that the broker allows it."
        ) from None
    finally:
        admin.close()
    logger.info("created topic %s with %d partitions", topic, partitions)
    return True


class Publisher:
    """A librdkafka producer (confluent-kafka) that computes each key's partition once and
    caches it.

    librdkafka sends from its own threads, in C: about 9 µs of CPU per record here against
    48 µs for kafka-python, whose sender thread also takes the interpreter from the
    simulator. The partition is the same murmur2 hash that the Java client's default
    partitioner uses (librdkafka's own default is CRC32), so per-user order is what any
    client would give."""

    def __init__(
        self,
        *,
        bootstrap_servers: str,
        topic: str,
        compression: str | None,
        linger_ms: int,
        batch_size: int,
        max_event_bytes: int,
        bootstrap_timeout_ms: int = 10_000,
        security: Mapping[str, Any] | None = None,
    ) -> None:
        self.topic = topic
        self.bootstrap_servers = bootstrap_servers
        self.max_block_s = MAX_BLOCK_S
        self._errors = ClientErrors()
        config = {
            "bootstrap.servers": bootstrap_servers,
            "client.id": "pulse-producer",
            "acks": "all",
            # Retries never reorder a partition's records nor write them twice.
            "enable.idempotence": True,
            "linger.ms": linger_ms,
            "batch.size": batch_size,
            "compression.type": compression or "none",
            "message.max.bytes": max(MIN_MAX_REQUEST_BYTES, max_event_bytes + 65_536),
            "message.timeout.ms": DELIVERY_TIMEOUT_MS,
            "reconnect.backoff.max.ms": 1000,  # not 10 s: resume soon after a broker restart
        }
        self._producer = open_producer(config, self._errors, security)
        self.partitions = self._partition_count(bootstrap_timeout_ms / 1000)
        self._partition_of: dict[bytes, int] = {}

    def _partition_count(self, timeout_s: float) -> int:
        """The topic's partitions, asked until the broker knows them (a topic created a
        moment ago may have no leader yet) or `timeout_s` has passed."""
        deadline = time.monotonic() + timeout_s
        while True:
            left = max(deadline - time.monotonic(), 0.0)
            try:
                metadata = self._producer.list_topics(self.topic, timeout=max(left, 0.1))
            except KafkaException as exc:
                raise _unreachable(self.bootstrap_servers, self._errors.last or exc) from None
            found = metadata.topics.get(self.topic)
            if found is not None and found.error is None and found.partitions:
                return len(found.partitions)
            if time.monotonic() >= deadline:
                raise ServiceUnavailableError(
                    f"topic {self.topic!r} has no partitions on {self.bootstrap_servers}. "
                    "Create it with at least one partition and retry."
                )
            time.sleep(METADATA_RETRY_S)

    def partition_for(self, key: bytes) -> int:
        partition = self._partition_of.get(key)
        if partition is None:
            partition = (murmur2(key) & 0x7FFFFFFF) % self.partitions
            self._partition_of[key] = partition
        return partition

    def send(self, key: bytes, value: bytes) -> Delivery:
        """Queues one record; returns its Delivery, settled once Kafka answers."""
        partition = self._partition_of.get(key)
        if partition is None:
            partition = self.partition_for(key)
        delivery = Delivery()
        try:
            self._produce(key, value, partition, delivery)
        except BufferError:
            self._send_when_room(key, value, partition, delivery)
        # Serves the callbacks of the records Kafka answered since (cheap: no waiting).
        self._producer.poll(0)
        if self._errors.fatal is not None:
            raise self._stopped(self._errors.fatal)
        return delivery

    def _produce(self, key: bytes, value: bytes, partition: int, delivery: Delivery) -> None:
        """Queues the record; a record librdkafka refuses at once (too large, say) fails
        alone, as a delivery error, and the run goes on; a fatal error ends the run."""
        try:
            self._producer.produce(self.topic, value, key, partition, on_delivery=delivery)
        except KafkaException as exc:
            error = exc.args[0]
            if is_fatal(error):
                raise self._stopped(self._errors.fatal or error) from None
            delivery(error, None)

    def _stopped(self, error: RdKafkaError) -> ServiceUnavailableError:
        return ServiceUnavailableError(
            f"the Kafka producer stopped for good ({error.name()}: {error.str()}). "
            "Check the broker's log and run again."
        )

    def _send_when_room(self, key: bytes, value: bytes, partition: int, delivery: Delivery) -> None:
        """The send queue is full: wait for Kafka to take some, at most `max_block_s`."""
        deadline = time.monotonic() + self.max_block_s
        while True:
            self._producer.poll(QUEUE_FULL_WAIT_S)
            try:
                self._produce(key, value, partition, delivery)
                return
            except BufferError:
                if time.monotonic() >= deadline:
                    # The broker is gone or far too slow, and waiting longer would not help.
                    raise ServiceUnavailableError(
                        f"Kafka at {self.bootstrap_servers} stopped taking records (the send "
                        f"queue stayed full for {self.max_block_s:.0f} s). Check the broker "
                        "(`make status`) and run again."
                    ) from None

    def flush(self, timeout_s: float | None = None) -> None:
        """Waits for every queued record to be settled; raises KafkaTimeoutError when some
        are still waiting after `timeout_s`."""
        waiting = self._producer.flush(-1 if timeout_s is None else timeout_s)
        if waiting:
            raise KafkaTimeoutError(f"{waiting} records not yet acknowledged")

    def close(self, timeout_s: float | None = None) -> None:
        """Flushes, then drops what is still queued (the run has counted it as not
        acknowledged), so that nothing is sent after the run has reported."""
        self._producer.flush(-1 if timeout_s is None else timeout_s)
        self._producer.purge()
        self._producer.poll(0)
        close = getattr(self._producer, "close", None)  # confluent-kafka 2.11 and later
        if close is not None:
            close()
