"""Notices that the Kafka broker stopped answering: the client retries quietly and a poll
just returns nothing, which looks like an idle topic. When nothing arrives for a while,
the end offsets are asked for; a timeout means the broker is away, said once in the log
and in pulse_waiting_for_dependency{service="kafka"} until it answers again."""

from __future__ import annotations

import logging
import time

from kafka import KafkaConsumer
from kafka.errors import KafkaError

from consumer.metrics import ConsumerMetrics

logger = logging.getLogger("consumer.loop")

# Asked this often while no record arrives; answered within this long or not at all.
PROBE_EVERY_S = 2.0
PROBE_TIMEOUT_MS = 2000
# While the broker stays away, the warning is repeated this often.
REMIND_EVERY_S = 30.0


class KafkaHealth:
    def __init__(self, kafka: KafkaConsumer, topic: str, metrics: ConsumerMetrics) -> None:
        self._kafka = kafka
        self._topic = topic
        self._metrics = metrics
        self._last_answer = time.monotonic()
        self._down_since: float | None = None
        self._last_warning = 0.0

    @property
    def reachable(self) -> bool:
        return self._down_since is None

    def records_arrived(self) -> None:
        self._last_answer = time.monotonic()
        if self._down_since is not None:
            self._back()

    def maybe_probe(self) -> None:
        """Probe when the broker has been silent for PROBE_EVERY_S (cheap otherwise)."""
        if time.monotonic() - self._last_answer >= PROBE_EVERY_S:
            self.end_offsets()

    def end_offsets(self) -> dict[int, int] | None:
        """Fresh log-end offsets of the assigned partitions; None while the broker does not
        answer. With nothing assigned there is nothing to ask (a partition that may not
        exist yet would time out like a broker that is away)."""
        partitions = [tp for tp in self._kafka.assignment() if tp.topic == self._topic]
        if not partitions:
            return {}
        try:
            ends = self._kafka.end_offsets(partitions, timeout_ms=PROBE_TIMEOUT_MS)
        except KafkaError as exc:
            self._away(exc)
            return None
        except KeyError:
            # kafka-python drops a partition revoked while it waited for the answer, then
            # fails on it: no verdict on the broker this time, the next probe asks again.
            return None
        self._last_answer = time.monotonic()
        if self._down_since is not None:
            self._back()
        return {tp.partition: int(end) for tp, end in ends.items()}

    def _away(self, exc: KafkaError) -> None:
        now = time.monotonic()
        self._last_answer = now  # the next probe waits PROBE_EVERY_S again
        if self._down_since is None:
            self._down_since = now
            self._metrics.waiting.labels("kafka").set(1)
            self._metrics.errors.labels("kafka").inc()
        if now - self._last_warning >= REMIND_EVERY_S:
            self._last_warning = now
            logger.warning(
                "kafka unavailable, waiting for the broker: %s",
                type(exc).__name__,
                extra={"down_s": round(now - self._down_since, 1)},
            )

    def _back(self) -> None:
        down_s = time.monotonic() - (self._down_since or time.monotonic())
        self._down_since = None
        self._last_warning = 0.0
        self._metrics.waiting.labels("kafka").set(0)
        logger.info("kafka reachable again", extra={"down_s": round(down_s, 1)})
