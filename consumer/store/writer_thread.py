"""The writing half of the consumer: a thread that commits a batch's database transaction
once its dead letters (published meanwhile) are acknowledged, while the Kafka thread polls
and validates the next batch. At most one batch waits while one is written, which bounds
memory and slows the poller down when the database is slow (backpressure)."""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from functools import partial

import psycopg
from kafka.errors import KafkaError

from consumer.deadletters.publisher import (
    DeadLetterPublisher,
    DeadLetterTopicError,
    LettersPendingError,
)
from consumer.ingest.batch import ValidatedBatch
from consumer.ingest.decode import Rejection
from consumer.observe.metrics import ConsumerMetrics
from consumer.store.database import Database
from consumer.store.faults import Fault, classify, deployment_error, primary_message
from consumer.store.isolation import find_refused
from consumer.store.sinks import Sink
from consumer.store.writer import StaleOffsetsError, WriteResult
from pulse.backoff import Backoff
from pulse.contract import RejectReason
from pulse.errors import first_line

logger = logging.getLogger(__name__)

# How long a transaction that is ready to commit waits for its dead letters' acks. Kafka
# answers in milliseconds; when it does not, the transaction is rolled back rather than
# hold its row locks (shared with other consumers) while Kafka is slow or away.
LETTERS_IN_TRANSACTION_S = 1.0


class Outcome(Enum):
    COMMITTED = "committed"
    STALE = "stale"  # another consumer moved the offsets: re-seek
    ABANDONED = "abandoned"  # stopping while a dependency was down: replayed on restart
    SKIPPED = "skipped"  # queued before a re-seek; its records will be read again


@dataclass(frozen=True, slots=True)
class Job:
    batch: ValidatedBatch
    generation: int


@dataclass(frozen=True, slots=True)
class Done:
    job: Job
    outcome: Outcome
    result: WriteResult | None = None
    seconds: float = 0.0
    error: BaseException | None = None


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    initial_s: float
    max_s: float
    # How long a stopping consumer keeps retrying its last batch before giving up on it.
    shutdown_grace_s: float = 15.0


class WriterThread:
    def __init__(
        self,
        *,
        topic: str,
        database: Database,
        dead_letters: DeadLetterPublisher,
        metrics: ConsumerMetrics,
        retry: RetryPolicy,
        sink: Sink,
        stop_requested_at: Callable[[], float | None],
    ) -> None:
        self._topic = topic
        self._db = database
        self._dlq = dead_letters
        self._metrics = metrics
        self._retry = retry
        self._sink = sink
        self._stop_requested_at = stop_requested_at
        self._jobs: queue.Queue[Job | None] = queue.Queue(maxsize=1)
        self.done: queue.Queue[Done] = queue.Queue()
        self._valid_generation = 0
        self._thread = threading.Thread(target=self._work, name="pulse-writer", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def submit(self, job: Job) -> None:
        """Blocks while one batch is queued behind the one being written."""
        self._jobs.put(job)

    def invalidate_before(self, generation: int) -> None:
        """Jobs of older generations are skipped: their partitions were re-seeked."""
        self._valid_generation = generation

    def wait_idle(self) -> None:
        self._jobs.join()

    def is_free(self) -> bool:
        """Nothing queued and nothing being written (its result may not be collected yet)."""
        return self._jobs.unfinished_tasks == 0

    def close(self) -> None:
        self._jobs.put(None)
        self._thread.join(timeout=self._retry.shutdown_grace_s + 30)

    def _work(self) -> None:
        while (job := self._jobs.get()) is not None:
            try:
                self.done.put(self._handle(job))
            except BaseException as exc:  # a bug: hand it to the Kafka thread to raise
                self.done.put(Done(job, Outcome.ABANDONED, error=exc))
            finally:
                self._jobs.task_done()
        self._jobs.task_done()

    def _handle(self, job: Job) -> Done:
        if job.generation < self._valid_generation:
            return Done(job, Outcome.SKIPPED)
        started = time.perf_counter()
        backoff = Backoff(self._retry.initial_s, self._retry.max_s)
        while True:
            try:
                result = self._write(job.batch)
            except StaleOffsetsError as exc:
                logger.warning("offsets moved under this consumer; re-seeking: %s", exc)
                self._metrics.errors.labels("stale_offsets").inc()
                return Done(job, Outcome.STALE)
            except psycopg.Error as exc:
                if classify(exc) is Fault.DEPLOYMENT:
                    return Done(job, Outcome.ABANDONED, error=deployment_error(exc))
                self._note_failure("postgresql", "database", exc)
                self._db.discard()
            except DeadLetterTopicError as exc:
                return Done(job, Outcome.ABANDONED, error=exc)
            except KafkaError as exc:  # the dead-letter topic is away: retried
                self._note_failure("kafka", "dead_letter_publish", exc)
            else:
                self._metrics.waiting.labels("postgresql").set(0)
                self._metrics.waiting.labels("kafka").set(0)
                return Done(job, Outcome.COMMITTED, result, time.perf_counter() - started)
            if self._stopping_too_long():
                logger.error("stopping with an unwritten batch; it is replayed on restart")
                return Done(job, Outcome.ABANDONED)
            time.sleep(backoff.next_delay())

    def _write(self, batch: ValidatedBatch) -> WriteResult:
        """The transaction, committed once the dead letters sent meanwhile are
        acknowledged; rows PostgreSQL refuses for their values become dead letters and
        the rest is written again. Each round removes at least one row, acknowledges every
        letter or raises, so this ends."""
        while True:
            # Dead letters are sent while the transaction runs, and it commits only once
            # Kafka acknowledged them (acks=all): a crash in between re-sends them, never
            # skips them. Letters acknowledged in an earlier try are not sent again.
            letters = self._dlq.start(batch.letters, batch.acked)
            started = time.perf_counter()
            result: WriteResult | None = None
            try:
                result = self._sink.write(
                    self._db.connection(),
                    self._topic,
                    batch,
                    before_commit=partial(letters.wait, LETTERS_IN_TRANSACTION_S),
                )
            except LettersPendingError:
                pass  # rolled back: see below
            except psycopg.Error as exc:
                letters.settle()
                if classify(exc) is not Fault.RECORD or not self._reject_refused(batch, exc):
                    raise
                continue
            finally:
                letters.settle()
            if result is None:
                # Kafka was slow to acknowledge: written again once it has the letters,
                # or what it said is raised (and retried like any Kafka outage).
                self._metrics.retries.labels("dead_letters_pending").inc()
                letters.wait()
                continue
            self._metrics.db_transaction_duration.observe(time.perf_counter() - started)
            return result

    def _reject_refused(self, batch: ValidatedBatch, exc: psycopg.Error) -> bool:
        """Find the rows PostgreSQL refuses and turn them into dead letters; False when no
        row is refused on its own (the failure is then retried like a transient one)."""
        logger.warning(
            "postgresql refused the batch for a value (%s); looking for the records",
            exc.sqlstate,
        )
        conn = self._db.connection()
        refused = find_refused(
            conn,
            len(batch.rows),
            lambda indexes: self._sink.write_part(conn, batch, indexes),
        )
        if not refused:
            return False
        batch.reject_rows(
            {
                index: Rejection(
                    RejectReason.DB_REJECTED,
                    primary_message(error)[:1000],
                    sqlstate=error.sqlstate or "",
                )
                for index, error in refused.items()
            },
        )
        self._metrics.errors.labels("db_rejected").inc(len(refused))
        logger.warning("dead-lettering %d records postgresql refuses", len(refused))
        return True

    def _note_failure(self, service: str, kind: str, exc: BaseException) -> None:
        self._metrics.errors.labels(kind).inc()
        self._metrics.retries.labels(kind).inc()
        self._metrics.waiting.labels(service).set(1)
        logger.warning("%s unavailable, retrying: %s", service, first_line(exc))

    def _stopping_too_long(self) -> bool:
        stop_at = self._stop_requested_at()
        return stop_at is not None and time.monotonic() - stop_at > self._retry.shutdown_grace_s
