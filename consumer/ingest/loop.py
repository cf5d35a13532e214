"""The consumer loop: poll a bounded batch, validate it, and hand it to the writer
thread, which dead-letters the rejects and writes the rest in one PostgreSQL transaction
with the offsets; then tell Kafka.

The order that makes delivery exactly-once in effect:
1. publish dead letters (during step 2), acknowledged (acks=all) before it commits;
2. commit facts, aggregates and next offsets in ONE database transaction: the database
   is the only source of truth for where each partition resumes;
3. only then commit the same offsets to Kafka, which serve lag monitoring alone.
A crash between any two steps replays the batch from the offsets in PostgreSQL; event_id
dedup and the offset check make the replay change nothing that was already committed.
"""

from __future__ import annotations

import contextlib
import logging
import time
from dataclasses import dataclass

from kafka import KafkaConsumer
from kafka.errors import KafkaError
from kafka.structs import TopicPartition

from consumer.deadletters.publisher import DeadLetterPublisher
from consumer.ingest.assignment import Assignment
from consumer.ingest.batch import Batch
from consumer.ingest.breaker_control import BreakerControl
from consumer.ingest.handover import Handover, LoopWriter
from consumer.ingest.idle import IdleClock
from consumer.ingest.kafka_health import KafkaHealth
from consumer.ingest.limits import Limits
from consumer.ingest.pipeline import Pipeline, events_pipeline
from consumer.ingest.rebalance import (
    STALLED_REBALANCE_SESSIONS,
    Change,
    RebalanceQueue,
    StallWatch,
)
from consumer.ingest.records import SkippedOffsets
from consumer.observe.metrics import ConsumerMetrics
from consumer.observe.progress import ProgressLog
from consumer.store.database import Database
from consumer.store.writer_thread import RetryPolicy, WriterThread
from pulse.errors import PulseError
from pulse.settings import Settings

logger = logging.getLogger(__name__)

# After poll() failed because the broker is away, wait this long before the next one.
POLL_RETRY_S = 1.0


@dataclass(frozen=True, slots=True)
class LoopOptions:
    exit_when_idle_s: float | None = None


class ConsumerLoop:
    def __init__(
        self,
        settings: Settings,
        *,
        metrics: ConsumerMetrics,
        database: Database,
        kafka: KafkaConsumer,
        dead_letters: DeadLetterPublisher,
        options: LoopOptions,
        writer: LoopWriter | None = None,
        pipeline: Pipeline | None = None,
    ) -> None:
        pipeline = pipeline or events_pipeline(settings)
        self._from_earliest = settings.kafka_auto_offset_reset == "earliest"
        self._metrics = metrics
        self._kafka = kafka
        self._topic = topic = pipeline.topic
        self._batch = Batch.from_settings(settings, topic, pipeline.validate_record)
        self._limits = Limits.from_settings(settings)
        self._retry = RetryPolicy(
            settings.retry_backoff_initial_ms / 1000, settings.retry_backoff_max_ms / 1000
        )
        # The unit tests hand in a fake: the delivery state machine without a database.
        self._writer: LoopWriter = writer or WriterThread(
            topic=topic,
            database=database,
            dead_letters=dead_letters,
            metrics=metrics,
            retry=self._retry,
            sink=pipeline.sink,
            stop_requested_at=lambda: self._stop_requested_at,
        )
        self._assignment = Assignment(
            topic=topic,
            kafka=kafka,
            database=database,
            metrics=metrics,
            retry=self._retry,
            from_earliest=self._from_earliest,
        )
        self._breaker = BreakerControl(
            topic=topic,
            max_share=settings.breaker_max_dead_letter_share,
            window_records=settings.breaker_window_records,
            kafka=kafka,
            metrics=metrics,
        )
        self._kafka_health = KafkaHealth(kafka, topic, metrics)
        self._fatal: PulseError | None = None  # raised from the loop
        self._rebalances = RebalanceQueue(kafka)
        self._stall = StallWatch(
            kafka,
            topic=topic,
            listener=self._rebalances,
            limit_s=STALLED_REBALANCE_SESSIONS * settings.kafka_session_timeout_ms / 1000,
            on_rejoin=self._metrics.errors.labels("rebalance_stalled").inc,
        )
        self._stop_requested_at: float | None = None
        self._idle = IdleClock(options.exit_when_idle_s)
        self._progress = ProgressLog()
        self._handover = Handover(
            topic=topic,
            writer=self._writer,
            kafka=kafka,
            metrics=metrics,
            progress=self._progress,
            after_commit=self._assignment.update_lag,
        )

    def fail(self, exc: BaseException) -> None:
        """Stop with this error (raised from the loop, where the CLI turns it into one line)."""
        if self._fatal is None:
            self._fatal = exc if isinstance(exc, PulseError) else PulseError(repr(exc))
        self.request_stop()

    def request_breaker_override(self) -> None:
        """Safe from a signal handler (SIGUSR1): dead-letter what tripped the breaker."""
        self._breaker.request_override()

    def request_stop(self) -> None:
        """Safe to call from a signal handler: the loop finishes its batch and returns."""
        if self._stop_requested_at is None:
            self._stop_requested_at = time.monotonic()

    def run(self) -> None:
        self._writer.start()
        # Knowing the topic's partitions before joining lets the first assignment cover
        # them; otherwise the group assigns nothing, rejoins once the metadata arrives,
        # and that second rebalance was seen to stall for minutes.
        with contextlib.suppress(KafkaError):
            self._kafka.partitions_for_topic(self._topic)
        self._kafka.subscribe([self._topic], listener=self._rebalances)
        try:
            while self._stop_requested_at is None:
                self._poll_once()
                if self._fatal is not None:
                    break
                if self._batch.is_due(writer_free=self._writer.is_free()):
                    self._submit()
                self._handover.collect()
                if self._handover.needs_reseek:
                    self._reseek_assigned()
                self._breaker.maybe_close()
                self._stall.rejoin_if_stalled()
                self._progress.maybe_log(self._assignment.lag_total())
                if self._idle.long_enough(
                    busy=bool(len(self._batch) or self._handover.in_writer),
                    lag_total=self._assignment.lag_total,
                    fresh_ends=self._kafka_health.end_offsets,
                ):
                    idle_s = self._idle.idle_s()
                    logger.info("caught up and idle; exiting", extra=self._log(idle_s=idle_s))
                    break
            if self._fatal is not None:
                raise self._fatal
            if len(self._batch):
                self._submit()
            self._handover.drain()
        finally:
            self._writer.close()

    def _poll_once(self) -> None:
        timeout_ms = int(self._batch.poll_wait_s(writer_free=self._writer.is_free()) * 1000)
        try:
            polled = self._kafka.poll(timeout_ms=timeout_ms, max_records=max(self._batch.room(), 1))
        except KafkaError as exc:
            if not exc.retriable:
                raise
            # kafka-python lets a refused connection out of poll() while it looks for the
            # group coordinator of a broker that is away: a wait like any other outage.
            self._kafka_health.failed(exc)
            time.sleep(POLL_RETRY_S)
            return
        if self._apply_rebalances():
            return
        for tp, records in polled.items():
            if not self._assignment.holds(tp):
                # Fetched for a partition revoked since: its next owner, or this consumer
                # once it is assigned again, resumes it from PostgreSQL's offset.
                continue
            read = sum(1 for r in records if not isinstance(r, SkippedOffsets))
            self._metrics.records_consumed.labels(tp.topic, str(tp.partition)).inc(read)
            self._batch.add(records)
            self._idle.active()
        if polled:
            self._validate_pending()
            self._kafka_health.records_arrived()
        else:
            self._kafka_health.maybe_probe()
        self._metrics.in_flight.set(len(self._batch) + self._handover.in_writer)

    def _validate_pending(self) -> None:
        assignment = self._assignment
        self._batch.validate_pending(
            limits=self._limits, expected=assignment.expected, log_start=assignment.log_start
        )

    def _submit(self) -> None:
        validated = self._batch.validated()  # every poll's records were validated on arrival
        self._batch.clear()
        records, invalid = len(validated.rows) + len(validated.letters), len(validated.letters)
        if self._breaker.trips_on(validated, records, invalid):
            return
        self._assignment.advance(validated.slices)
        self._handover.submit(validated)

    def _apply_rebalances(self) -> bool:
        """Act on the rebalances queued since the last poll. True when there were any:
        this poll's records are then dropped, as they may have been fetched before the
        seeks just made. Only the last assignment counts: the earlier ones were undone by
        the rebalances after them."""
        events = self._rebalances.take()
        if not events:
            return False
        assignments = [
            i for i, e in enumerate(events) if getattr(e, "change", None) is Change.ASSIGNED
        ]
        for i, event in enumerate(events):
            if isinstance(event, BaseException):
                raise PulseError(f"pausing newly assigned partitions failed: {event!r}")
            if event.change is Change.REVOKED:
                self._stall.revoked()
                self.on_revoked(event.partitions)
            elif i == assignments[-1]:
                self._stall.assigned()
                # What the group holds now, every partition sought from PostgreSQL.
                self.on_assigned(list(self._kafka.assignment()))
        return True

    def on_assigned(self, partitions: list[TopicPartition]) -> None:
        self._settle_writer()
        mine = [tp for tp in partitions if tp.topic == self._topic]
        stored = self._assignment.load([tp.partition for tp in mine])
        mismatch = self._assignment.offsets_past_the_end(mine, stored)
        if mismatch is not None:
            self.fail(mismatch)
        self._assignment.take(mine, stored)
        try:
            for tp in mine:
                if tp.partition in stored:
                    self._kafka.seek(tp, stored[tp.partition])
                elif self._from_earliest:
                    self._kafka.seek_to_beginning(tp)
                else:
                    self._kafka.seek_to_end(tp)
            # The listener paused them until now; the breaker keeps them paused while open.
            self._breaker.release(mine)
        except (ValueError, KeyError):
            # A newer rebalance took a partition meanwhile (the client's IO thread runs
            # them): accept nothing until its events are applied.
            self._assignment.clear()
            return
        self._handover.needs_reseek = False
        self._metrics.rebalances.labels("assigned").inc()
        self._metrics.assigned_partitions.set(len(mine))
        self._idle.joined(True)
        held = ",".join(str(tp.partition) for tp in mine) or "-"
        logger.info("partitions assigned", extra=self._log(partitions=held))

    def on_revoked(self, partitions: list[TopicPartition]) -> None:
        # Batches already handed to the writer are finished (their offset check keeps them
        # safe); the one still accumulating is dropped: nothing of it is committed, and
        # whoever owns the partitions next resumes from PostgreSQL's offsets.
        self._settle_writer()
        self._idle.joined(False)
        self._assignment.drop(partitions)
        self._metrics.rebalances.labels("revoked").inc()
        logger.info("partitions revoked", extra=self._log(count=len(partitions)))

    def _log(self, **context: object) -> dict[str, object]:
        # Two loops share a process (`consumer run`): say which topic a line is about.
        return {"topic": self._topic, **context}

    def _settle_writer(self) -> None:
        """Finish what the writer holds, drop the open batch, forget older generations."""
        self._batch.clear()
        self._handover.settle()
        self._metrics.in_flight.set(0)

    def _reseek_assigned(self) -> None:
        self.on_assigned(list(self._kafka.assignment()))
