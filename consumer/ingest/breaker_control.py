"""Acts on the dead-letter circuit breaker's verdict for the consumer loop: rewinds and
pauses the partitions when it trips, resumes them when an operator overrides it."""

from __future__ import annotations

import contextlib
import logging

from kafka import KafkaConsumer
from kafka.structs import TopicPartition

from consumer.ingest.batch import ValidatedBatch
from consumer.ingest.breaker import DeadLetterBreaker
from consumer.observe.metrics import ConsumerMetrics

logger = logging.getLogger("consumer.ingest.loop")


class BreakerControl:
    def __init__(
        self,
        *,
        topic: str,
        max_share: float,
        window_records: int,
        kafka: KafkaConsumer,
        metrics: ConsumerMetrics,
    ) -> None:
        self._topic = topic
        self._max_share = max_share
        self._window_records = window_records
        self._kafka = kafka
        self._metrics = metrics
        self._breaker = DeadLetterBreaker(max_share, window_records)
        self._open = False
        self._override_requested = False

    def trips_on(self, validated: ValidatedBatch, records: int, invalid: int) -> bool:
        """True when the batch must not be written: the consumer is now paused."""
        if not self._breaker.trips_on(records, invalid):
            self._breaker.record(records, invalid)
            return False
        # Nothing of this batch is written: rewind to its first records and stop fetching.
        # A partition revoked meanwhile (on the client's IO thread) is skipped: its next
        # owner resumes from PostgreSQL, and new assignments arrive paused.
        for part in validated.slices:
            tp = TopicPartition(self._topic, part.partition)
            with contextlib.suppress(ValueError, KeyError):
                self._kafka.seek(tp, part.first_offset)
        for tp in self._kafka.assignment():
            with contextlib.suppress(KeyError):
                self._kafka.pause(tp)
        self._open = True
        self._metrics.breaker_open.set(1)
        self._metrics.breaker_trips.inc()
        logger.error(
            "circuit breaker open: too many invalid records, consumption paused. Fix the "
            "producer, or send SIGUSR1 to dead-letter them, or raise "
            "BREAKER_MAX_DEAD_LETTER_SHARE and restart",
            extra={
                "invalid": invalid,
                "records": records,
                "limit": self._max_share,
            },
        )
        return True

    def request_override(self) -> None:
        """Safe from a signal handler: acted on by the next `maybe_close`."""
        self._override_requested = True

    def maybe_close(self) -> None:
        if not (self._open and self._override_requested):
            return
        self._override_requested = False
        self._breaker.override()
        for tp in self._kafka.assignment():
            with contextlib.suppress(KeyError):
                self._kafka.resume(tp)
        self._open = False
        self._metrics.breaker_open.set(0)
        logger.warning(
            "circuit breaker closed by the operator: invalid records are dead-lettered "
            "until a window of records is healthy again",
            extra={"window_records": self._window_records},
        )

    def release(self, partitions: list[TopicPartition]) -> None:
        """Resume newly assigned (paused) partitions, unless the breaker is open."""
        if not self._open and partitions:
            self._kafka.resume(*partitions)
