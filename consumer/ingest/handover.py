"""Batches between the poll loop and the writer thread: what is in flight, which
generation of the assignment each batch belongs to, and what a finished batch means.

A batch's generation changes at every rebalance and every stale-offset answer: batches of
an older generation are skipped by the writer, because the offsets they expected are no
longer the ones PostgreSQL holds. Kafka's own offsets are committed only after PostgreSQL
committed the batch (step 3 of the order in `consumer.ingest.loop`)."""

from __future__ import annotations

import queue
from collections.abc import Callable
from typing import Protocol

from kafka.structs import OffsetAndMetadata, TopicPartition

from consumer.ingest.batch import ValidatedBatch
from consumer.observe.batches import observe_batch, report_gaps
from consumer.observe.metrics import ConsumerMetrics
from consumer.observe.progress import ProgressLog
from consumer.store.writer_thread import Done, Job, Outcome
from pulse.errors import PulseError


class Writer(Protocol):
    """What the hand-over needs of the writer thread (a fake in the unit tests)."""

    done: queue.Queue[Done]

    def submit(self, job: Job) -> None: ...
    def wait_idle(self) -> None: ...
    def is_free(self) -> bool: ...
    def invalidate_before(self, generation: int) -> None: ...


class LoopWriter(Writer, Protocol):
    """What the loop needs of the writer thread besides the hand-over: its lifetime."""

    def start(self) -> None: ...
    def close(self) -> None: ...


class OffsetCommitter(Protocol):
    def commit_async(self, offsets: dict[TopicPartition, OffsetAndMetadata]) -> object: ...


class Handover:
    def __init__(
        self,
        *,
        topic: str,
        writer: Writer,
        kafka: OffsetCommitter,
        metrics: ConsumerMetrics,
        progress: ProgressLog,
        after_commit: Callable[[], None],
    ) -> None:
        self._topic = topic
        self._writer = writer
        self._kafka = kafka
        self._metrics = metrics
        self._progress = progress
        self._after_commit = after_commit
        self.generation = 0
        self.in_writer = 0  # records handed over and not finished yet
        self.needs_reseek = False  # a batch met stale offsets: seek again from PostgreSQL

    def submit(self, validated: ValidatedBatch) -> None:
        self.in_writer += len(validated.rows) + len(validated.letters)
        self._writer.submit(Job(validated, self.generation))

    def drain(self) -> None:
        """Wait until the writer holds nothing, then act on what it finished."""
        self._writer.wait_idle()
        self.collect()

    def settle(self) -> None:
        """Finish what the writer holds and forget older generations (a rebalance)."""
        self.drain()
        self.new_generation()

    def new_generation(self) -> None:
        self.generation += 1
        self._writer.invalidate_before(self.generation)

    def collect(self) -> None:
        while True:
            try:
                done = self._writer.done.get_nowait()
            except queue.Empty:
                return
            self._finish(done)

    def _finish(self, done: Done) -> None:
        batch = done.job.batch
        self.in_writer -= len(batch.rows) + len(batch.letters)
        if isinstance(done.error, PulseError):
            raise done.error  # says what is wrong and what to do
        if done.error is not None:
            raise PulseError(f"the writer thread failed: {done.error!r}") from done.error
        if done.outcome is Outcome.STALE and done.job.generation == self.generation:
            # Batches queued behind this one expected its offsets: skip them, and re-seek
            # from the main loop (not from inside a rebalance callback).
            self.new_generation()
            self.needs_reseek = True
        if done.outcome is not Outcome.COMMITTED or done.result is None:
            return
        self._kafka.commit_async(
            {
                TopicPartition(self._topic, part.partition): OffsetAndMetadata(
                    part.next_offset, "", -1
                )
                for part in batch.slices
            }
        )
        observe_batch(self._metrics, batch, done.result, done.seconds)
        report_gaps(batch)
        total = len(batch.rows) + len(batch.letters)
        self._progress.add(
            total, done.result.facts_stored, done.result.duplicates, len(batch.letters)
        )
        self._after_commit()
