"""Notices that the Kafka broker stopped answering: the client retries quietly and a poll
just returns nothing, which looks like an idle topic. When nothing arrives for a while,
the end offsets are asked for; a timeout means the broker is away, said once in the log
and in pulse_waiting_for_dependency{service="kafka"} until it answers again."""

from __future__ import annotations

import logging
import time

from kafka import KafkaConsumer
from kafka.errors import KafkaError

from consumer.observe.metrics import ConsumerMetrics

logger = logging.getLogger("consumer.ingest.loop")

# Asked this often while no record arrives; answered within this long or not at all.
PROBE_EVERY_S = 2.0
PROBE_TIMEOUT_MS = 2000
# While the broker stays away, the warning is repeated this often.
REMIND_EVERY_S = 30.0
# One failed probe can be a rebalance; this many in a row (about 4 s) is a broker away.
FAILED_PROBES_FOR_AWAY = 2


class KafkaHealth:
    def __init__(self, kafka: KafkaConsumer, topic: str, metrics: ConsumerMetrics) -> None:
        self._kafka = kafka
        self._topic = topic
        self._metrics = metrics
        self._last_heard = time.monotonic()  # last records, answer or failed probe
        self._failures = 0
        self._first_failure = 0.0
        self._down_since: float | None = None
        self._last_warning = 0.0

    def records_arrived(self) -> None:
        self._answered()

    def maybe_probe(self) -> None:
        """Probe when the broker has been silent for PROBE_EVERY_S (cheap otherwise)."""
        if time.monotonic() - self._last_heard >= PROBE_EVERY_S:
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
        except (KafkaError, KeyError) as exc:
            # KeyError: kafka-python answers without the partitions it got no offset for
            # (no known leader, or revoked while it waited), then fails on them.
            self.failed(exc)
            return None
        self._answered()
        return {tp.partition: int(end) for tp, end in ends.items()}

    def failed(self, exc: Exception) -> None:
        """A probe or a poll got no answer: two in a row mean the broker is away."""
        now = time.monotonic()
        self._last_heard = now  # the next probe waits PROBE_EVERY_S again
        self._failures += 1
        if self._failures == 1:
            self._first_failure = now
        if self._failures < FAILED_PROBES_FOR_AWAY:
            return
        if self._down_since is None:
            self._down_since = self._first_failure
            self._metrics.waiting.labels("kafka").set(1)
            self._metrics.errors.labels("kafka").inc()
        if now - self._last_warning >= REMIND_EVERY_S:
            self._last_warning = now
            logger.warning(
                "kafka unavailable, waiting for the broker: %s",
                "no answer" if isinstance(exc, KafkaError) else "no offsets in its answer",
                extra={"down_s": round(now - self._down_since, 1)},
            )

    def _answered(self) -> None:
        now = time.monotonic()
        self._last_heard = now
        self._failures = 0
        if self._down_since is None:
            return
        down_s = now - self._down_since
        self._down_since = None
        self._last_warning = 0.0
        self._metrics.waiting.labels("kafka").set(0)
        logger.info("kafka reachable again", extra={"down_s": round(down_s, 1)})
