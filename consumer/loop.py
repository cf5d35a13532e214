"""The consumer loop: poll a bounded batch, validate it, and hand it to the writer
thread, which dead-letters the rejects and writes the rest in one PostgreSQL transaction
with the offsets; then tell Kafka.

The order that makes delivery exactly-once in effect:
1. publish dead letters and wait for acks=all: a record is never skipped unrecorded;
2. commit facts, aggregates and next offsets in ONE database transaction: the database
   is the only source of truth for where each partition resumes;
3. only then commit the same offsets to Kafka, which serve lag monitoring alone.
A crash between any two steps replays the batch from the offsets in PostgreSQL; event_id
dedup and the offset check make the replay change nothing that was already committed.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import time
from dataclasses import dataclass
from datetime import timedelta

import psycopg
from kafka import KafkaConsumer
from kafka.errors import IllegalStateError, KafkaError
from kafka.structs import OffsetAndMetadata, TopicPartition

from consumer.backoff import Backoff
from consumer.batch import Batch, Limits, ValidatedBatch
from consumer.breaker_control import BreakerControl
from consumer.database import Database
from consumer.deadletter import DeadLetterPublisher
from consumer.errors import PulseError
from consumer.kafka_health import KafkaHealth
from consumer.kafka_records import SkipCause, SkippedOffsets
from consumer.metrics import ConsumerMetrics
from consumer.observe import observe_batch
from consumer.progress import ProgressLog
from consumer.rebalance import Change, RebalanceQueue
from consumer.settings import Settings
from consumer.writer import WriteResult
from consumer.writer_thread import Done, Job, Outcome, RetryPolicy, WriterThread

logger = logging.getLogger(__name__)

# After poll() failed because the broker is away, wait this long before the next one.
POLL_RETRY_S = 1.0
# A revocation not followed by an assignment within this many session timeouts is a
# stalled rebalance (see _rejoin_if_stalled).
STALLED_REBALANCE_SESSIONS = 2


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
    ) -> None:
        self._settings = settings
        self._metrics = metrics
        self._db = database
        self._kafka = kafka
        self._options = options
        self._topic = settings.kafka_topic
        self._batch = Batch(
            settings.kafka_topic,
            settings.batch_max_records,
            settings.batch_max_age_ms / 1000,
            settings.batch_max_bytes,
        )
        self._limits = Limits(
            max_event_bytes=settings.max_event_bytes,
            late_horizon=timedelta(days=settings.late_horizon_days),
            clock_skew=timedelta(seconds=settings.clock_skew_seconds),
        )
        self._retry = RetryPolicy(
            settings.retry_backoff_initial_ms / 1000, settings.retry_backoff_max_ms / 1000
        )
        self._writer = WriterThread(
            topic=settings.kafka_topic,
            database=database,
            dead_letters=dead_letters,
            metrics=metrics,
            retry=self._retry,
            with_aggregates=settings.aggregates_enabled,
            stop_requested_at=lambda: self._stop_requested_at,
        )
        # The next offset PostgreSQL will hold per assigned partition once every batch
        # handed to the writer has committed (None: nothing stored yet).
        self._expected: dict[int, int | None] = {}
        self._generation = 0
        self._needs_reseek = False
        self._breaker = BreakerControl(settings, kafka, metrics)
        self._kafka_health = KafkaHealth(kafka, settings.kafka_topic, metrics)
        self._fatal: PulseError | None = None  # raised from the loop
        self._rebalances = RebalanceQueue(kafka)
        self._revoked_at: float | None = None  # set while a rebalance is under way
        self._in_writer = 0
        self._stop_requested_at: float | None = None
        self._last_activity = time.monotonic()
        self._has_joined = False  # idle time only counts once the group assigned us
        self._progress = ProgressLog()

    # -- lifecycle -------------------------------------------------------------

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
                if self._batch.is_due():
                    self._submit()
                self._collect_done()
                if self._needs_reseek:
                    self._reseek_assigned()
                self._breaker.maybe_close()
                self._rejoin_if_stalled()
                self._progress.maybe_log(self._lag_total())
                if self._idle_long_enough():
                    logger.info("caught up and idle; exiting", extra={"idle_s": self._idle_s()})
                    break
            if self._fatal is not None:
                raise self._fatal
            if len(self._batch):
                self._submit()
            self._drain_writer()
        finally:
            self._writer.close()

    # -- polling and handing over ------------------------------------------------

    def _poll_once(self) -> None:
        timeout_ms = 200 if not len(self._batch) else self._ms_until_due()
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
            if tp.topic != self._topic or tp.partition not in self._expected:
                # Fetched for a partition revoked since: its next owner, or this consumer
                # once it is assigned again, resumes it from PostgreSQL's offset.
                continue
            read = sum(1 for r in records if not isinstance(r, SkippedOffsets))
            self._metrics.records_consumed.labels(tp.topic, str(tp.partition)).inc(read)
            self._batch.add(records)
            self._last_activity = time.monotonic()
        if polled:
            self._kafka_health.records_arrived()
        else:
            self._kafka_health.maybe_probe()
        self._metrics.in_flight.set(len(self._batch) + self._in_writer)

    def _ms_until_due(self) -> int:
        return max(int((self._batch.max_age_s - self._batch.age_s()) * 1000), 0)

    def _submit(self) -> None:
        validated = self._batch.validate(
            limits=self._limits, expected=self._expected, log_start=self._log_start
        )
        self._batch.clear()
        records, invalid = len(validated.rows) + len(validated.letters), len(validated.letters)
        if self._breaker.trips_on(validated, records, invalid):
            return
        for part in validated.slices:
            self._expected[part.partition] = part.next_offset
        self._in_writer += len(validated.rows) + len(validated.letters)
        self._writer.submit(Job(validated, self._generation))

    def _drain_writer(self) -> None:
        self._writer.wait_idle()
        self._collect_done()

    def _collect_done(self) -> None:
        while True:
            try:
                done = self._writer.done.get_nowait()
            except queue.Empty:
                return
            self._finish(done)

    def _finish(self, done: Done) -> None:
        batch = done.job.batch
        self._in_writer -= len(batch.rows) + len(batch.letters)
        if isinstance(done.error, PulseError):
            raise done.error  # says what is wrong and what to do
        if done.error is not None:
            raise PulseError(f"the writer thread failed: {done.error!r}") from done.error
        if done.outcome is Outcome.STALE and done.job.generation == self._generation:
            # Batches queued behind this one expected its offsets: skip them, and re-seek
            # from the main loop (not from inside a rebalance callback).
            self._generation += 1
            self._writer.invalidate_before(self._generation)
            self._needs_reseek = True
        if done.outcome is not Outcome.COMMITTED or done.result is None:
            return
        self._commit_to_kafka(batch)
        self._observe(batch, done.result, done.seconds)

    def _commit_to_kafka(self, validated: ValidatedBatch) -> None:
        offsets = {
            TopicPartition(self._topic, part.partition): OffsetAndMetadata(part.next_offset, "", -1)
            for part in validated.slices
        }
        self._kafka.commit_async(offsets)

    def _observe(self, validated: ValidatedBatch, result: WriteResult, seconds: float) -> None:
        observe_batch(self._metrics, validated, result, seconds)
        self._report_gaps(validated)
        total = len(validated.rows) + len(validated.letters)
        self._progress.add(total, result.facts_stored, result.duplicates, len(validated.letters))
        self._update_lag()

    # -- offsets and rebalances ------------------------------------------------

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
                self._revoked_at = time.monotonic()
                self.on_revoked(event.partitions)
            elif i == assignments[-1]:
                self._revoked_at = None
                # What the group holds now, every partition sought from PostgreSQL.
                self.on_assigned(list(self._kafka.assignment()))
        return True

    def _rejoin_if_stalled(self) -> None:
        """Rejoin the group when a rebalance never finishes. kafka-python 3.0 can lose
        the end of a rejoin its own metadata check started, when poll()'s timeout expires
        while the SyncGroup request is in flight: it then neither heartbeats nor assigns,
        and nothing would ever wake it. Leaving and subscribing again starts a new join."""
        if self._revoked_at is None:
            return
        stalled_s = time.monotonic() - self._revoked_at
        limit_s = STALLED_REBALANCE_SESSIONS * self._settings.kafka_session_timeout_ms / 1000
        if stalled_s < limit_s:
            return
        logger.warning(
            "rebalance stalled: no assignment since the partitions were revoked; rejoining",
            extra={"stalled_s": round(stalled_s, 1)},
        )
        self._metrics.errors.labels("rebalance_stalled").inc()
        self._kafka.unsubscribe()
        self._kafka.subscribe([self._topic], listener=self._rebalances)
        self._revoked_at = time.monotonic()

    def on_assigned(self, partitions: list[TopicPartition]) -> None:
        self._settle_writer()
        mine = [tp for tp in partitions if tp.topic == self._topic]
        stored = self._load_offsets([tp.partition for tp in mine])
        self._check_offsets_fit_the_topic(mine, stored)
        self._expected = {tp.partition: stored.get(tp.partition) for tp in mine}
        try:
            for tp in mine:
                if tp.partition in stored:
                    self._kafka.seek(tp, stored[tp.partition])
                elif self._settings.kafka_auto_offset_reset == "earliest":
                    self._kafka.seek_to_beginning(tp)
                else:
                    self._kafka.seek_to_end(tp)
            # The listener paused them until now; the breaker keeps them paused while open.
            self._breaker.release(mine)
        except (ValueError, KeyError):
            # A newer rebalance took a partition meanwhile (the client's IO thread runs
            # them): accept nothing until its events are applied.
            self._expected = {}
            return
        self._needs_reseek = False
        self._metrics.rebalances.labels("assigned").inc()
        self._metrics.assigned_partitions.set(len(mine))
        self._last_activity = time.monotonic()
        self._has_joined = True
        logger.info(
            "partitions assigned",
            extra={"partitions": ",".join(str(tp.partition) for tp in mine) or "-"},
        )

    def on_revoked(self, partitions: list[TopicPartition]) -> None:
        # Batches already handed to the writer are finished (their offset check keeps them
        # safe); the one still accumulating is dropped: nothing of it is committed, and
        # whoever owns the partitions next resumes from PostgreSQL's offsets.
        self._settle_writer()
        # Between a revocation and the next assignment the group is rebalancing: not idle.
        self._has_joined = False
        for tp in partitions:
            self._expected.pop(tp.partition, None)
            with contextlib.suppress(KeyError):
                self._metrics.lag.remove(tp.topic, str(tp.partition))
        self._metrics.rebalances.labels("revoked").inc()
        logger.info("partitions revoked", extra={"count": len(partitions)})

    def _settle_writer(self) -> None:
        """Finish what the writer holds, drop the open batch, forget older generations."""
        self._batch.clear()
        self._drain_writer()
        self._generation += 1
        self._writer.invalidate_before(self._generation)
        self._metrics.in_flight.set(0)

    def _check_offsets_fit_the_topic(
        self, partitions: list[TopicPartition], stored: dict[int, int]
    ) -> None:
        """Offsets beyond the end of a partition belong to another life of the topic (it
        was deleted and created again, or the database served another cluster): going on
        would mix two histories, so the consumer stops and says so."""
        known = [tp for tp in partitions if tp.partition in stored]
        if not known:
            return
        ends = self._kafka.end_offsets(known)
        ahead = [tp for tp in known if stored[tp.partition] > ends[tp]]
        if ahead:
            tp = ahead[0]
            self.fail(
                PulseError(
                    f"PostgreSQL holds offset {stored[tp.partition]} for {tp.topic} partition "
                    f"{tp.partition}, but the partition ends at {ends[tp]}: the topic was "
                    "recreated or this database belongs to another Kafka cluster. Point "
                    "DATABASE_URL at a new database (or drop this one) and start again."
                )
            )

    def _load_offsets(self, partitions: list[int]) -> dict[int, int]:
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
                logger.warning("postgresql unavailable, retrying: %s", _first_line(exc))
                time.sleep(backoff.next_delay())

    def _reseek_assigned(self) -> None:
        self.on_assigned(list(self._kafka.assignment()))

    def _update_lag(self) -> None:
        for partition, stored in self._expected.items():
            tp = TopicPartition(self._topic, partition)
            end = self._highwater(tp)
            if end is not None:
                self._metrics.lag.labels(self._topic, str(partition)).set(
                    max(end - (stored or 0), 0)
                )

    def _highwater(self, tp: TopicPartition) -> int | None:
        """The partition's log end from the last fetch; None when unknown, or when the
        client's IO thread has revoked it and the loop has not applied that yet."""
        try:
            end = self._kafka.highwater(tp)
        except IllegalStateError:
            return None
        return None if end is None else int(end)

    def _lag_total(self, ends: dict[int, int] | None = None) -> int | None:
        """Records behind the log end over all assigned partitions; None if not known yet.
        The log ends are the last fetch's unless fresh `ends` are given."""
        total = 0
        for partition, stored in self._expected.items():
            tp = TopicPartition(self._topic, partition)
            end = self._highwater(tp) if ends is None else ends.get(partition)
            if end is None:
                return None
            done = stored
            if done is None:
                # Nothing stored yet: with "earliest", every record of the partition is
                # still to do (the consumer's fetch position may run ahead of the writes).
                done = 0 if self._settings.kafka_auto_offset_reset == "earliest" else end
            total += max(end - done, 0)
        return total

    # -- idling ----------------------------------------------------------------

    def _idle_s(self) -> float:
        return time.monotonic() - self._last_activity

    def _idle_long_enough(self) -> bool:
        limit = self._options.exit_when_idle_s
        if limit is None or not self._has_joined or len(self._batch) or self._in_writer:
            return False
        if self._idle_s() < limit or self._lag_total() != 0:
            return False
        # The last fetch's log ends go stale when the broker stops answering (nothing is
        # fetched, which looks idle): exit only on fresh ones, never while it is away.
        ends = self._kafka_health.end_offsets()
        return ends is not None and self._lag_total(ends) == 0

    def _log_start(self, partition: int) -> int | None:
        """The partition's first offset, to tell a retention gap from a reset."""
        tp = TopicPartition(self._topic, partition)
        try:
            return int(self._kafka.beginning_offsets([tp])[tp])
        except (KafkaError, KeyError) as exc:
            logger.warning("cannot read the log start of partition %s: %r", partition, exc)
            return None

    def _report_gaps(self, validated: ValidatedBatch) -> None:
        """Committed offsets that nothing was read from, besides transaction markers and
        aborted records, mean lost input: say so where an operator looks."""
        for part in validated.slices:
            for cause in (SkipCause.RETENTION, SkipCause.RESET):
                count = part.skipped_of(cause)
                if count:
                    logger.warning(
                        "committed an offset gap: %d offsets of partition %d were never read",
                        count,
                        part.partition,
                        extra={"cause": cause.value, "next_offset": part.next_offset},
                    )


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else repr(exc)
