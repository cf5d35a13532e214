"""The hand-over between the poll loop and the writer thread, with a fake writer and a
fake offset committer: what each finished batch means for Kafka's offsets, generations
and re-seeks. Each case runs in milliseconds."""

from __future__ import annotations

import queue
from typing import Any

import pytest
from kafka.structs import OffsetAndMetadata, TopicPartition
from prometheus_client import CollectorRegistry

from consumer.ingest.batch import ValidatedBatch
from consumer.ingest.handover import Handover
from consumer.ingest.ledger import PartitionSlice
from consumer.observe.metrics import ConsumerMetrics
from consumer.observe.progress import ProgressLog
from consumer.store.writer import WriteResult
from consumer.store.writer_thread import Done, Job, Outcome
from pulse.errors import PulseError

TOPIC = "events"


class FakeWriter:
    def __init__(self) -> None:
        self.done: queue.Queue[Done] = queue.Queue()
        self.jobs: list[Job] = []
        self.invalidated_before: list[int] = []

    def submit(self, job: Job) -> None:
        self.jobs.append(job)

    def wait_idle(self) -> None:
        pass

    def is_free(self) -> bool:
        return not self.jobs

    def invalidate_before(self, generation: int) -> None:
        self.invalidated_before.append(generation)

    def finish(self, job: Job, outcome: Outcome, **extra: Any) -> None:
        self.done.put(Done(job, outcome, **extra))


class FakeKafka:
    def __init__(self) -> None:
        self.commits: list[dict[TopicPartition, OffsetAndMetadata]] = []

    def commit_async(self, offsets: dict[TopicPartition, OffsetAndMetadata]) -> None:
        self.commits.append(offsets)


def _batch(partition: int, first: int, rows: int) -> ValidatedBatch:
    part = PartitionSlice(partition, first, first, first + rows, valid=rows)
    return ValidatedBatch([("row",)] * rows, [], [], [part])


@pytest.fixture
def parts() -> tuple[Handover, FakeWriter, FakeKafka, list[str]]:
    writer, kafka, after = FakeWriter(), FakeKafka(), []
    handover = Handover(
        topic=TOPIC,
        writer=writer,
        kafka=kafka,
        metrics=ConsumerMetrics(CollectorRegistry()),
        progress=ProgressLog(),
        after_commit=lambda: after.append("lag updated"),
    )
    return handover, writer, kafka, after


def test_a_committed_batch_commits_its_next_offsets_to_kafka(parts: Any) -> None:
    handover, writer, kafka, after = parts
    handover.submit(_batch(2, first=10, rows=5))
    assert handover.in_writer == 5
    writer.finish(writer.jobs[0], Outcome.COMMITTED, result=WriteResult(5, 0))
    handover.collect()
    assert kafka.commits == [{TopicPartition(TOPIC, 2): OffsetAndMetadata(15, "", -1)}]
    assert handover.in_writer == 0
    assert after == ["lag updated"]


@pytest.mark.parametrize("outcome", [Outcome.ABANDONED, Outcome.SKIPPED])
def test_a_batch_not_committed_leaves_kafka_alone(parts: Any, outcome: Outcome) -> None:
    handover, writer, kafka, after = parts
    handover.submit(_batch(0, first=0, rows=3))
    writer.finish(writer.jobs[0], outcome)
    handover.collect()
    assert (kafka.commits, after, handover.needs_reseek) == ([], [], False)
    assert handover.in_writer == 0


def test_stale_offsets_start_a_new_generation_and_ask_for_a_reseek(parts: Any) -> None:
    handover, writer, kafka, _ = parts
    handover.submit(_batch(0, first=0, rows=3))
    handover.submit(_batch(0, first=3, rows=3))  # queued behind, expecting offset 3
    writer.finish(writer.jobs[0], Outcome.STALE)
    handover.collect()
    assert handover.needs_reseek
    assert handover.generation == 1
    assert writer.invalidated_before == [1]  # the queued batch will be skipped
    assert kafka.commits == []


def test_a_stale_answer_from_an_older_generation_changes_nothing(parts: Any) -> None:
    handover, writer, _, _ = parts
    handover.submit(_batch(0, first=0, rows=3))
    handover.settle()  # a rebalance meanwhile
    writer.finish(writer.jobs[0], Outcome.STALE)
    handover.collect()
    assert (handover.generation, handover.needs_reseek) == (1, False)


def test_a_rebalance_settles_the_writer_and_forgets_older_batches(parts: Any) -> None:
    handover, writer, _, _ = parts
    handover.submit(_batch(0, first=0, rows=3))
    handover.settle()
    handover.submit(_batch(1, first=0, rows=2))
    assert [job.generation for job in writer.jobs] == [0, 1]
    assert writer.invalidated_before == [1]


def test_a_writer_error_that_says_what_to_do_is_raised_as_it_is(parts: Any) -> None:
    handover, writer, _, _ = parts
    handover.submit(_batch(0, first=0, rows=1))
    told = PulseError("PostgreSQL's disk is full: free space, then start again")
    writer.finish(writer.jobs[0], Outcome.ABANDONED, error=told)
    with pytest.raises(PulseError) as raised:
        handover.collect()
    assert raised.value is told


def test_an_unexpected_writer_error_becomes_a_pulse_error(parts: Any) -> None:
    handover, writer, _, _ = parts
    handover.submit(_batch(0, first=0, rows=1))
    writer.finish(writer.jobs[0], Outcome.ABANDONED, error=ZeroDivisionError("x"))
    with pytest.raises(PulseError, match="the writer thread failed"):
        handover.collect()
