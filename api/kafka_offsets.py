"""The topic's beginning and end offsets in Kafka, for the lag in /health: one long-lived
client (group-less, it joins nothing), asked at most once per CACHE_S, and a broker that
is away is said in one line instead of failing the health check."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kafka import KafkaConsumer, TopicPartition
from kafka.errors import KafkaError

from pulse.kafka_client import open_client
from pulse.secrets import redact

CACHE_S = 2.0
# A broker that is away costs TIMEOUT_MS per question: ask it less often.
FAILED_CACHE_S = 10.0
TIMEOUT_MS = 2_000


@dataclass(frozen=True)
class TopicOffsets:
    """Per partition: (beginning, end); or why they are unknown."""

    offsets: dict[int, tuple[int, int]]
    error: str | None = None


class KafkaOffsets:
    def __init__(
        self,
        *,
        bootstrap_servers: str,
        topic: str,
        security: dict[str, Any],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._bootstrap = bootstrap_servers
        self._topic = topic
        self._security = security
        self._clock = clock
        self._client: KafkaConsumer | None = None
        # kafka-python clients are not thread-safe; requests run on a thread pool.
        self._lock = threading.Lock()
        self._cached: tuple[float, TopicOffsets] | None = None

    def get(self) -> TopicOffsets:
        with self._lock:
            now = self._clock()
            if self._cached is not None:
                at, answer = self._cached
                if now - at < (CACHE_S if answer.error is None else FAILED_CACHE_S):
                    return answer
            fresh = self._ask()
            self._cached = (self._clock(), fresh)
            return fresh

    def _ask(self) -> TopicOffsets:
        try:
            client = self._connect()
            numbers = client.partitions_for_topic(self._topic)
            if not numbers:
                return TopicOffsets({}, f"topic {self._topic} does not exist in Kafka")
            partitions = [TopicPartition(self._topic, n) for n in sorted(numbers)]
            begins = client.beginning_offsets(partitions, timeout_ms=TIMEOUT_MS)
            ends = client.end_offsets(partitions, timeout_ms=TIMEOUT_MS)
        except (KafkaError, KeyError, OSError) as exc:
            self._drop()
            why = redact(str(exc).strip() or type(exc).__name__)
            return TopicOffsets({}, f"Kafka at {self._bootstrap} did not answer: {why}")
        return TopicOffsets({tp.partition: (int(begins[tp]), int(ends[tp])) for tp in partitions})

    def _connect(self) -> KafkaConsumer:
        if self._client is None:
            self._client = open_client(
                lambda: KafkaConsumer(
                    bootstrap_servers=self._bootstrap,
                    group_id=None,
                    enable_auto_commit=False,
                    client_id="pulse-api",
                    request_timeout_ms=TIMEOUT_MS + 1_000,
                    bootstrap_timeout_ms=TIMEOUT_MS,
                    **self._security,
                ),
                bootstrap_servers=self._bootstrap,
                security=self._security,
            )
        return self._client

    def _drop(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def close(self) -> None:
        with self._lock:
            self._drop()
