"""Publishes records to Kafka with kafka-python: key = user_id (per-user order), acks=all,
batching and compression; creates the topic when it is missing."""

from __future__ import annotations

import logging
import socket
from collections.abc import Mapping
from functools import partial
from typing import Any

from kafka import KafkaProducer
from kafka.admin import KafkaAdminClient
from kafka.codec import has_gzip, has_lz4
from kafka.errors import KafkaError, TopicAlreadyExistsError
from kafka.partitioner.default import murmur2

from pulse.errors import ConfigError, ServiceUnavailableError
from pulse.kafka_client import open_client

logger = logging.getLogger(__name__)

COMPRESSIONS = ("auto", "lz4", "gzip", "none")
# Kafka's default largest record is about 1 MiB; oversized test payloads must still fit.
MIN_MAX_REQUEST_BYTES = 1_048_576


def resolve_compression(name: str) -> str | None:
    """kafka-python's codec name for `name`; "auto" prefers lz4 (fast) when its package is
    installed, else gzip, which needs only the standard library."""
    if name == "none":
        return None
    if name == "auto":
        return "lz4" if has_lz4() else "gzip"
    if name == "lz4" and not has_lz4():
        raise ConfigError(
            "lz4 compression needs the `lz4` package: install it, or use --compression gzip."
        )
    if name == "gzip" and not has_gzip():
        raise ConfigError("gzip compression is unavailable in this Python build.")
    if name not in COMPRESSIONS:
        raise ConfigError(f"unknown compression {name!r}: use one of {', '.join(COMPRESSIONS)}.")
    return name


def _unreachable(bootstrap_servers: str, exc: Exception) -> ServiceUnavailableError:
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
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
    """A KafkaProducer that computes each key's partition once and caches it.

    The partition is the same murmur2 hash the default partitioner (and the Java client)
    uses, so per-user order is what any client would give; computing it per record in
    pure Python cost about a tenth of the publish time."""

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
        security = dict(security or {})
        try:
            self._producer = open_client(
                partial(
                    KafkaProducer,
                    bootstrap_servers=bootstrap_servers,
                    client_id="pulse-producer",
                    acks="all",
                    linger_ms=linger_ms,
                    batch_size=batch_size,
                    compression_type=compression,
                    max_request_size=max(MIN_MAX_REQUEST_BYTES, max_event_bytes + 65_536),
                    bootstrap_timeout_ms=bootstrap_timeout_ms,
                    reconnect_backoff_max_ms=1000,  # not 30 s: resume soon after a broker restart
                    **security,
                ),
                bootstrap_servers=bootstrap_servers,
                security=security,
            )
            partitions = self._producer.partitions_for(topic)
        except KafkaError as exc:
            raise _unreachable(bootstrap_servers, exc) from None
        if not partitions:
            raise ServiceUnavailableError(
                f"topic {topic!r} has no partitions on {bootstrap_servers}. "
                "Create it with at least one partition and retry."
            )
        self.partitions = len(partitions)
        self._partition_of: dict[bytes, int] = {}

    def partition_for(self, key: bytes) -> int:
        partition = self._partition_of.get(key)
        if partition is None:
            partition = (murmur2(key) & 0x7FFFFFFF) % self.partitions
            self._partition_of[key] = partition
        return partition

    def send(self, key: bytes, value: bytes) -> Any:
        """Queues one record; returns kafka-python's future of its RecordMetadata."""
        partition = self._partition_of.get(key)
        if partition is None:
            partition = self.partition_for(key)
        try:
            return self._producer.send(self.topic, value=value, key=key, partition=partition)
        except KafkaError as exc:
            # send() raises only when the buffer stayed full for max_block_ms: the broker
            # is gone or far too slow, and waiting longer would not help.
            raise ServiceUnavailableError(
                f"Kafka at {self.bootstrap_servers} stopped taking records ({exc}). "
                "Check the broker (`make status`) and run again."
            ) from None

    def flush(self, timeout_s: float | None = None) -> None:
        self._producer.flush(timeout=timeout_s)

    def close(self, timeout_s: float | None = None) -> None:
        self._producer.close(timeout=timeout_s)
