"""The delivery state machine (`ConsumerLoop` with its hand-over, assignment, breaker and
idle clock) driven against fakes of Kafka, the writer thread and the offsets table:
every record stored once, Kafka told only after PostgreSQL, whatever happens between."""

from __future__ import annotations

import time
from typing import Any

import pytest
from prometheus_client import CollectorRegistry

from consumer.ingest.loop import ConsumerLoop, LoopOptions
from consumer.observe.metrics import ConsumerMetrics
from consumer.store.writer_thread import Outcome
from pulse.settings import Settings
from tests.unit.consumer.fakes import TOPIC, FakeKafka, FakeOffsets, FakeWriter, login

# A loop that never settles fails instead of hanging the suite (the fakes answer at once,
# so polls are many: batches become due by age).
MAX_SECONDS = 10.0


def _loop(
    kafka: FakeKafka, writer: FakeWriter, offsets: FakeOffsets, **settings: Any
) -> ConsumerLoop:
    config = Settings(
        kafka_topic=TOPIC,
        batch_max_records=settings.pop("batch_max_records", 100),
        batch_max_age_ms=settings.pop("batch_max_age_ms", 1),
        **settings,
    )
    return ConsumerLoop(
        config,
        metrics=ConsumerMetrics(CollectorRegistry()),
        database=offsets,  # type: ignore[arg-type]
        kafka=kafka,
        dead_letters=None,  # type: ignore[arg-type]
        options=LoopOptions(exit_when_idle_s=0.0),
        writer=writer,
    )


def _run(kafka: FakeKafka, writer: FakeWriter, offsets: FakeOffsets, **settings: Any) -> None:
    _drive(_loop(kafka, writer, offsets, **settings), kafka)


def _drive(loop: ConsumerLoop, kafka: FakeKafka) -> None:
    scenario = kafka.on_poll
    started = time.monotonic()

    def guarded(n: int) -> None:
        if time.monotonic() - started > MAX_SECONDS:
            loop.request_stop()
            pytest.fail(f"the loop did not settle within {MAX_SECONDS} s ({n} polls)")
        scenario(n)

    kafka.on_poll = guarded
    loop.run()


def _parts() -> tuple[FakeOffsets, FakeWriter]:
    offsets = FakeOffsets()
    return offsets, FakeWriter(offsets)


def _every_offset(logs: dict[int, list[bytes]]) -> list[tuple[int, int]]:
    return sorted((p, o) for p, values in logs.items() for o in range(len(values)))


def test_every_record_is_stored_or_dead_lettered_once_and_kafka_hears_last() -> None:
    logs = {0: [login() for _ in range(5)], 1: [login(), login(), login(), login(valid=False)]}
    kafka, (offsets, writer) = FakeKafka(logs), _parts()
    _run(kafka, writer, offsets)
    assert sorted(writer.stored_rows + writer.letters) == _every_offset(logs)
    assert writer.letters == [(1, 3)]
    assert offsets.stored == kafka.committed_offsets() == {0: 5, 1: 4}


def test_a_free_writer_takes_the_batch_at_its_minimum_age_not_its_maximum() -> None:
    logs = {0: [login() for _ in range(3)]}
    kafka, (offsets, writer) = FakeKafka(logs), _parts()
    started = time.monotonic()
    # A minute of maximum age would trip _drive's guard; the free writer must not wait it.
    _run(kafka, writer, offsets, batch_max_age_ms=60_000, batch_min_age_ms=0)
    assert sorted(writer.stored_rows) == _every_offset(logs)
    assert time.monotonic() - started < MAX_SECONDS


def test_a_rebalance_mid_batch_drops_the_open_batch_and_resumes_from_postgresql() -> None:
    logs = {0: [login() for _ in range(6)], 1: [login() for _ in range(4)]}
    kafka, (offsets, writer) = FakeKafka(logs), _parts()

    def scenario(n: int) -> None:
        if n == 2:  # the first poll's records wait in an open batch
            assert writer.stored_rows == []
            kafka.revoke()
        elif n == 3:
            kafka.assign([0, 1])

    kafka.on_poll = scenario
    _run(kafka, writer, offsets, batch_max_age_ms=250, batch_min_age_ms=250)
    assert sorted(writer.stored_rows) == _every_offset(logs)  # each once, none lost
    assert offsets.stored == kafka.committed_offsets() == {0: 6, 1: 4}


def test_stale_offsets_reseek_from_postgresql_and_store_each_record_once() -> None:
    logs = {0: [login() for _ in range(8)]}
    kafka, (offsets, writer) = FakeKafka(logs), _parts()
    writer.answers = [Outcome.STALE]  # another consumer moved the offsets
    _run(kafka, writer, offsets, batch_max_records=3)
    assert sorted(writer.stored_rows) == _every_offset(logs)
    assert kafka.committed_offsets() == {0: 8}


def test_the_breaker_pauses_until_the_operator_lets_the_records_through() -> None:
    logs = {0: [login(valid=False) for _ in range(10)]}
    kafka, (offsets, writer) = FakeKafka(logs), _parts()
    loop = _loop(
        kafka, writer, offsets, breaker_max_dead_letter_share=0.5, breaker_window_records=1
    )
    held: dict[str, Any] = {}

    def scenario(n: int) -> None:
        # Partitions arrive paused until sought (poll 1); paused later means tripped.
        if n > 2 and kafka.paused and "paused" not in held:
            held["paused"], held["written"] = set(kafka.paused), list(writer.letters)
            loop.request_breaker_override()

    kafka.on_poll = scenario
    _drive(loop, kafka)
    assert held["paused"]  # tripped: fetching stopped ...
    assert held["written"] == []  # ... and nothing of the bad batch was written
    assert sorted(writer.letters) == _every_offset(logs)  # then dead-lettered, each once
    assert kafka.committed_offsets() == {0: 10}
