"""The assignment's offsets state, lag and the checks made when partitions arrive, with
fakes of Kafka and the database; plus the idle clock and the stalled-rebalance watch."""

from __future__ import annotations

import time
from typing import Any

import psycopg
import pytest
from kafka.errors import KafkaConnectionError
from kafka.structs import TopicPartition
from prometheus_client import CollectorRegistry

from consumer.ingest.assignment import Assignment
from consumer.ingest.idle import IdleClock
from consumer.ingest.ledger import PartitionSlice
from consumer.ingest.rebalance import StallWatch
from consumer.observe.metrics import ConsumerMetrics
from consumer.store.writer_thread import RetryPolicy

TOPIC = "events"


class FakeKafka:
    def __init__(self, ends: dict[int, int], starts: dict[int, int] | None = None) -> None:
        self.ends = ends
        self.starts = starts or {}
        self.subscriptions: list[list[str]] = []

    def highwater(self, tp: TopicPartition) -> int | None:
        return self.ends.get(tp.partition)

    def end_offsets(self, tps: list[TopicPartition]) -> dict[TopicPartition, int]:
        return {tp: self.ends[tp.partition] for tp in tps}

    def beginning_offsets(self, tps: list[TopicPartition]) -> dict[TopicPartition, int]:
        if not self.starts:
            raise KafkaConnectionError("broker away")
        return {tp: self.starts[tp.partition] for tp in tps}

    def unsubscribe(self) -> None:
        self.subscriptions.append([])

    def subscribe(self, topics: list[str], listener: Any) -> None:  # noqa: ARG002
        self.subscriptions.append(topics)


class FlakyDatabase:
    """Refuses the first `failures` loads, as PostgreSQL does while it restarts."""

    def __init__(self, offsets: dict[int, int], failures: int) -> None:
        self.offsets, self.failures, self.discarded = offsets, failures, 0

    def load_offsets(self, topic: str, partitions: list[int]) -> dict[int, int]:  # noqa: ARG002
        if self.failures:
            self.failures -= 1
            raise psycopg.OperationalError("connection refused\nis the server running?")
        return {p: self.offsets[p] for p in partitions if p in self.offsets}

    def discard(self) -> None:
        self.discarded += 1


def _assignment(kafka: FakeKafka, database: Any = None, *, earliest: bool = True) -> Assignment:
    return Assignment(
        topic=TOPIC,
        kafka=kafka,
        database=database,
        metrics=ConsumerMetrics(CollectorRegistry()),
        retry=RetryPolicy(0.001, 0.002),
        from_earliest=earliest,
    )


def _tps(*partitions: int) -> list[TopicPartition]:
    return [TopicPartition(TOPIC, p) for p in partitions]


def test_lag_counts_from_the_stored_offsets_and_follows_handed_over_batches() -> None:
    assignment = _assignment(FakeKafka({0: 100, 1: 50}))
    assignment.take(_tps(0, 1), {0: 40})
    # Partition 1 has nothing stored: with "earliest" all of it is still to do.
    assert assignment.lag_total() == 60 + 50
    assignment.advance([PartitionSlice(1, None, 0, 50, valid=50)])
    assert assignment.lag_total() == 60
    assert assignment.lag_total({0: 40, 1: 50}) == 0  # fresh ends given


def test_lag_is_unknown_until_every_partition_has_a_log_end() -> None:
    assignment = _assignment(FakeKafka({0: 10}))
    assignment.take(_tps(0, 1), {})
    assert assignment.lag_total() is None


def test_with_latest_a_partition_never_stored_has_no_lag() -> None:
    assignment = _assignment(FakeKafka({0: 10}), earliest=False)
    assignment.take(_tps(0), {})
    assert assignment.lag_total() == 0


def test_revoked_partitions_are_no_longer_held() -> None:
    assignment = _assignment(FakeKafka({0: 10, 1: 10}))
    assignment.take(_tps(0, 1), {0: 1, 1: 2})
    assignment.drop(_tps(1))
    assert assignment.holds(TopicPartition(TOPIC, 0))
    assert not assignment.holds(TopicPartition(TOPIC, 1))
    assert not assignment.holds(TopicPartition("other", 0))


def test_stored_offsets_past_the_end_of_the_topic_stop_the_consumer() -> None:
    assignment = _assignment(FakeKafka({0: 10, 1: 5}))
    assert assignment.offsets_past_the_end(_tps(0, 1), {0: 10}) is None
    error = assignment.offsets_past_the_end(_tps(0, 1), {0: 10, 1: 351})
    assert error is not None
    assert "holds offset 351 for events partition 1, but the partition ends at 5" in str(error)


def test_loading_offsets_waits_out_a_database_outage() -> None:
    database = FlakyDatabase({0: 7}, failures=2)
    assert _assignment(FakeKafka({}), database).load([0, 1]) == {0: 7}
    assert database.discarded == 2


def test_the_log_start_is_none_when_kafka_cannot_say() -> None:
    assert _assignment(FakeKafka({}, starts={0: 4})).log_start(0) == 4
    assert _assignment(FakeKafka({})).log_start(0) is None


def _no_lag(_ends: dict[int, int] | None) -> int:
    return 0


def _fresh_ends() -> dict[int, int]:
    return {0: 1}


def test_the_idle_clock_waits_for_the_group_fresh_ends_and_no_work() -> None:
    clock = IdleClock(0.0)
    caught_up: dict[str, Any] = {"lag_total": _no_lag, "fresh_ends": _fresh_ends}
    assert not clock.long_enough(busy=False, **caught_up)  # not joined yet
    clock.joined(True)
    assert clock.long_enough(busy=False, **caught_up)
    assert not clock.long_enough(busy=True, **caught_up)
    assert not clock.long_enough(busy=False, lag_total=_no_lag, fresh_ends=lambda: None)
    assert not IdleClock(None).long_enough(busy=False, **caught_up)


def test_a_stalled_rebalance_rejoins_the_group_once_its_time_is_up() -> None:
    kafka, rejoined = FakeKafka({}), []
    watch = StallWatch(
        kafka,
        topic=TOPIC,
        listener=None,  # type: ignore[arg-type]
        limit_s=0.01,
        on_rejoin=lambda: rejoined.append(1),
    )
    watch.rejoin_if_stalled()
    watch.revoked()
    watch.rejoin_if_stalled()
    assert kafka.subscriptions == []  # not stalled yet
    time.sleep(0.02)
    watch.rejoin_if_stalled()
    assert kafka.subscriptions == [[], [TOPIC]]
    assert rejoined == [1]
    watch.assigned()
    time.sleep(0.02)
    watch.rejoin_if_stalled()
    assert rejoined == [1]


@pytest.mark.parametrize("earliest", [True, False])
def test_take_keeps_none_for_partitions_never_stored(earliest: bool) -> None:
    assignment = _assignment(FakeKafka({0: 1, 1: 1}), earliest=earliest)
    assignment.take(_tps(0, 1), {0: 1})
    assert assignment.expected == {0: 1, 1: None}
