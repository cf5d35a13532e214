"""The partitions this consumer holds and, for each, the next offset PostgreSQL will hold
once every batch handed to the writer has committed; with lag and log-start lookups."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterable

import psycopg
from kafka import KafkaConsumer
from kafka.errors import IllegalStateError, KafkaError
from kafka.structs import TopicPartition

from consumer.ingest.ledger import PartitionSlice
from consumer.observe.metrics import ConsumerMetrics
from consumer.store.database import Database
from consumer.store.writer_thread import RetryPolicy
from pulse.backoff import Backoff
from pulse.errors import PulseError, first_line

logger = logging.getLogger(__name__)


class Assignment:
    def __init__(
        self,
        *,
        topic: str,
        kafka: KafkaConsumer,
        database: Database,
        metrics: ConsumerMetrics,
        retry: RetryPolicy,
        from_earliest: bool,
    ) -> None:
        self._topic = topic
        self._kafka = kafka
        self._db = database
        self._metrics = metrics
        self._retry = retry
        self._from_earliest = from_earliest
        # partition -> next offset PostgreSQL will hold (None: nothing stored yet).
        self.expected: dict[int, int | None] = {}

    def holds(self, tp: TopicPartition) -> bool:
        return tp.topic == self._topic and tp.partition in self.expected

    def take(self, partitions: list[TopicPartition], stored: dict[int, int]) -> None:
        self.expected = {tp.partition: stored.get(tp.partition) for tp in partitions}

    def clear(self) -> None:
        self.expected = {}

    def drop(self, partitions: Iterable[TopicPartition]) -> None:
        for tp in partitions:
            self.expected.pop(tp.partition, None)
            with contextlib.suppress(KeyError):  # no lag was reported for it yet
                self._metrics.lag.remove(tp.topic, str(tp.partition))

    def advance(self, slices: Iterable[PartitionSlice]) -> None:
        """A batch went to the writer: the next batch starts where it ends."""
        for part in slices:
            self.expected[part.partition] = part.next_offset

    def load(self, partitions: list[int]) -> dict[int, int]:
        """PostgreSQL's offsets for these partitions, waiting out a database outage."""
        backoff = Backoff(self._retry.initial_s, self._retry.max_s)
        while True:
            try:
                offsets = self._db.load_offsets(self._topic, partitions)
                self._metrics.waiting.labels("postgresql").set(0)
                return offsets
            except psycopg.Error as exc:
                self._db.discard()
                self._metrics.errors.labels("database").inc()
                self._metrics.retries.labels("database").inc()
                self._metrics.waiting.labels("postgresql").set(1)
                logger.warning("postgresql unavailable, retrying: %s", first_line(exc))
                time.sleep(backoff.next_delay())

    def offsets_past_the_end(
        self, partitions: list[TopicPartition], stored: dict[int, int]
    ) -> PulseError | None:
        """Offsets beyond the end of a partition belong to another life of the topic (it
        was deleted and created again, or the database served another cluster): going on
        would mix two histories, so the consumer stops and says so."""
        known = [tp for tp in partitions if tp.partition in stored]
        if not known:
            return None
        ends = self._kafka.end_offsets(known)
        ahead = [tp for tp in known if stored[tp.partition] > ends[tp]]
        if not ahead:
            return None
        tp = ahead[0]
        return PulseError(
            f"PostgreSQL holds offset {stored[tp.partition]} for {tp.topic} partition "
            f"{tp.partition}, but the partition ends at {ends[tp]}: the topic was "
            "recreated or this database belongs to another Kafka cluster. Point "
            "DATABASE_URL at a new database (or drop this one) and start again."
        )

    def update_lag(self) -> None:
        for partition, stored in self.expected.items():
            end = self._highwater(TopicPartition(self._topic, partition))
            if end is not None:
                self._metrics.lag.labels(self._topic, str(partition)).set(
                    max(end - (stored or 0), 0)
                )

    def lag_total(self, ends: dict[int, int] | None = None) -> int | None:
        """Records behind the log end over all assigned partitions; None if not known yet.
        The log ends are the last fetch's unless fresh `ends` are given."""
        total = 0
        for partition, stored in self.expected.items():
            tp = TopicPartition(self._topic, partition)
            end = self._highwater(tp) if ends is None else ends.get(partition)
            if end is None:
                return None
            done = stored
            if done is None:
                # Nothing stored yet: with "earliest", every record of the partition is
                # still to do (the consumer's fetch position may run ahead of the writes).
                done = 0 if self._from_earliest else end
            total += max(end - done, 0)
        return total

    def log_start(self, partition: int) -> int | None:
        """The partition's first offset, to tell a retention gap from a reset."""
        tp = TopicPartition(self._topic, partition)
        try:
            return int(self._kafka.beginning_offsets([tp])[tp])
        except (KafkaError, KeyError) as exc:
            logger.warning("cannot read the log start of partition %s: %r", partition, exc)
            return None

    def _highwater(self, tp: TopicPartition) -> int | None:
        """The partition's log end from the last fetch; None when unknown, or when the
        client's IO thread has revoked it and the loop has not applied that yet."""
        try:
            end = self._kafka.highwater(tp)
        except IllegalStateError:
            return None
        return None if end is None else int(end)
