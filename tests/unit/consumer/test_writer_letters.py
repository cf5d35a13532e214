"""The writer thread's order of dead letters and commit, with a fake sink and a fake
publisher: the transaction commits only once the letters are acknowledged, and rolls back
rather than wait for them when Kafka is slow. The real broker and server are in
`tests/integration/test_dead_letter_commit.py`."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, MutableSequence, Sequence
from functools import partial
from typing import Any

import pytest
from kafka.errors import KafkaTimeoutError
from prometheus_client import CollectorRegistry

from consumer.deadletters.publisher import DeadLetterTopicError, LettersPendingError, Sending
from consumer.ingest.batch import ValidatedBatch
from consumer.ingest.ledger import PartitionSlice
from consumer.observe.metrics import ConsumerMetrics
from consumer.store import writer_thread
from consumer.store.writer import StaleOffsetsError, WriteResult
from consumer.store.writer_thread import Job, Outcome, RetryPolicy, WriterThread


class SlowPublisher:
    """Acknowledges every letter after `delay_s`, or fails with `error` after it."""

    def __init__(self, delay_s: float, error: BaseException | None = None) -> None:
        self.delay_s = delay_s
        self.error = error
        self.sends = 0

    def start(self, letters: Sequence[Any], acked: MutableSequence[bool]) -> Sending:
        del letters  # the acks are all this fake needs
        if all(acked):
            return Sending(None)
        self.sends += 1
        return Sending(partial(self._publish, acked))

    def _publish(self, acked: MutableSequence[bool]) -> None:
        time.sleep(self.delay_s)
        if self.error is not None:
            raise self.error
        acked[:] = [True] * len(acked)


class RecordingSink:
    """A transaction that runs `before_commit` last and commits only if it returns."""

    def __init__(self, error: BaseException | None = None) -> None:
        self.error = error  # raised before `before_commit`, as a failed statement is
        self.tries = 0
        self.commits: list[list[bool]] = []  # the letters' acks seen at each commit

    def write(
        self,
        conn: Any,
        topic: str,
        batch: ValidatedBatch,
        before_commit: Callable[[], None] | None = None,
    ) -> WriteResult:
        del conn, topic
        self.tries += 1
        if self.error is not None:
            raise self.error
        if before_commit is not None:
            before_commit()  # raising here is a rollback
        self.commits.append(list(batch.acked))
        return WriteResult(len(batch.rows), 0)

    def write_part(self, conn: Any, batch: ValidatedBatch, indexes: Sequence[int]) -> None:
        del conn, batch, indexes
        raise AssertionError("no row is refused here")


class FakeDatabase:
    def connection(self) -> None:
        return None

    def discard(self) -> None:
        pass


def _batch(letters: int) -> ValidatedBatch:
    part = PartitionSlice(0, 0, 0, letters + 2, valid=2)
    batch = ValidatedBatch([("row",)] * 2, [], [object()] * letters, [part])  # type: ignore[list-item]
    batch.acked = [False] * letters
    return batch


def _write(batch: ValidatedBatch, publisher: SlowPublisher, sink: RecordingSink) -> Outcome:
    writer = WriterThread(
        topic="events",
        database=FakeDatabase(),  # type: ignore[arg-type]
        dead_letters=publisher,  # type: ignore[arg-type]
        metrics=ConsumerMetrics(CollectorRegistry(), "test"),
        retry=RetryPolicy(0.01, 0.01, shutdown_grace_s=0.5),
        sink=sink,
        stop_requested_at=lambda: None,
    )
    writer.start()
    writer.submit(Job(batch, generation=0))
    done = writer.done.get(timeout=10)
    writer.close()
    return done.outcome


def test_the_transaction_commits_once_its_letters_are_acknowledged() -> None:
    batch = _batch(3)
    publisher, sink = SlowPublisher(0.05), RecordingSink()
    assert _write(batch, publisher, sink) is Outcome.COMMITTED
    assert sink.commits == [[True, True, True]]
    assert (sink.tries, publisher.sends) == (1, 1)


def test_slow_letters_roll_the_transaction_back_and_it_is_written_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(writer_thread, "LETTERS_IN_TRANSACTION_S", 0.05)
    batch = _batch(2)
    publisher, sink = SlowPublisher(0.4), RecordingSink()
    assert _write(batch, publisher, sink) is Outcome.COMMITTED
    # The first try gave up waiting and rolled back; the second committed, without
    # sending the acknowledged letters again.
    assert sink.tries == 2
    assert sink.commits == [[True, True]]
    assert publisher.sends == 1


def test_a_batch_without_letters_does_not_wait() -> None:
    batch = _batch(0)
    publisher, sink = SlowPublisher(5.0), RecordingSink()
    assert _write(batch, publisher, sink) is Outcome.COMMITTED
    assert (sink.tries, publisher.sends, sink.commits) == (1, 0, [[]])


def test_letters_kafka_does_not_take_are_retried_and_nothing_commits_meanwhile() -> None:
    batch = _batch(1)
    publisher = SlowPublisher(0.0, KafkaTimeoutError("broker away"))
    sink = RecordingSink()
    failing_until = threading.Timer(0.2, lambda: setattr(publisher, "error", None))
    failing_until.start()
    assert _write(batch, publisher, sink) is Outcome.COMMITTED
    assert publisher.sends >= 2
    assert sink.commits == [[True]]  # every failed try rolled back


def test_a_dead_letter_topic_that_refuses_everything_abandons_the_batch() -> None:
    batch = _batch(1)
    publisher = SlowPublisher(0.0, DeadLetterTopicError("refuses even a minimal record"))
    sink = RecordingSink()
    assert _write(batch, publisher, sink) is Outcome.ABANDONED
    assert sink.commits == []


def test_a_stale_batch_returns_only_once_its_publish_has_ended() -> None:
    batch = _batch(2)
    publisher = SlowPublisher(0.3)
    sink = RecordingSink(StaleOffsetsError("another consumer moved the offsets"))
    assert _write(batch, publisher, sink) is Outcome.STALE
    # No publish is left running behind the writer's back (the next try would overlap).
    assert batch.acked == [True, True]
    assert sink.commits == []


def test_letters_still_on_their_way_are_pending_and_settle_waits_for_them() -> None:
    finished = threading.Event()

    def publish() -> None:
        time.sleep(0.3)
        finished.set()

    sending = Sending(publish)
    with pytest.raises(LettersPendingError):
        sending.wait(0.01)
    sending.settle()
    assert finished.is_set()
    sending.wait(0.01)  # done, and it raised nothing


def test_what_the_publish_raised_is_raised_as_it_is() -> None:
    def publish() -> None:
        raise TimeoutError("the publish's own timeout, not the wait's")

    sending = Sending(publish)
    sending.settle()
    with pytest.raises(TimeoutError, match="the publish's own"):
        sending.wait(0.01)
