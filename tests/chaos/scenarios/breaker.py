"""Scenario 6: the poison-pill circuit breaker. A good stream, then a burst of records from
a "broken serializer" (Python reprs, not JSON): the consumer must pause instead of
dead-lettering the burst, say why in its log and metrics, and go on only when an operator
says so. The first time by SIGUSR1 (the burst is dead-lettered, a good stream follows and
re-arms the breaker); the second time by a restart with the threshold raised."""

from __future__ import annotations

import dataclasses
import json
import signal
import time
from collections.abc import Sequence
from functools import partial
from pathlib import Path

from kafka import KafkaProducer

from producer.truth import read_truth
from tests.chaos.context import ChaosContext
from tests.chaos.processes import metric, start_consumer, start_producer, wait_until
from tests.chaos.profiles import Profile
from tests.chaos.report import Outcome
from tests.chaos.scenarios.common import FAULTS, group, log_dir
from tests.chaos.verdict import Expected, check_against_truth
from tests.integration.harness import ConsumerProcess, fact_count, make_records

NAME = "circuit breaker"
PARTITIONS = 3
BROKEN_REASON = "malformed_json"
OPEN_LOG = "circuit breaker open: too many invalid records"
CLOSED_LOG = "circuit breaker closed by the operator"
_OPEN = "pulse_circuit_breaker_open"
_TRIPS = "pulse_circuit_breaker_trips_total"
_DEAD = ("pulse_records_total", 'outcome="dead_lettered"')
_IN_FLIGHT = "pulse_in_flight_records"
# How long a tripped consumer is watched to prove that it stays paused.
PAUSE_WATCH_S = 3.0

Landed = dict[tuple[int, int], str]  # (partition, offset) -> expected dead-letter reason


def broken_serializer(seed: int, count: int) -> list[tuple[bytes, bytes]]:
    """Real events as a broken release would send them: `repr(dict)` instead of JSON."""
    return [(r.key, repr(json.loads(r.value)).encode()) for r in make_records(seed, count)]


def produce_burst(bootstrap: str, topic: str, records: Sequence[tuple[bytes, bytes]]) -> Landed:
    """Send every record and wait for its ack; returns where each one landed."""
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=20)
    try:
        futures = [producer.send(topic, key=key, value=value) for key, value in records]
        producer.flush(timeout=60)
        landed = [future.get(timeout=60) for future in futures]
    finally:
        producer.close()
    return {(meta.partition, meta.offset): BROKEN_REASON for meta in landed}


def expected_outcome(truths: Sequence[Path], broken: Landed) -> Expected:
    """The producers' truth plus the bursts, which must all end as dead letters."""
    expected = Expected.from_truth([line for truth in truths for line in read_truth(truth)])
    return dataclasses.replace(
        expected, dead={**expected.dead, **broken}, records=expected.records + len(broken)
    )


def _dead_lettered(consumer: ConsumerProcess) -> float:
    return metric(consumer, *_DEAD) or 0.0


def _check_paused(
    outcome: Outcome, consumer: ConsumerProcess, *, trips: int, burst: int, before: float
) -> None:
    """After a burst: the breaker trips having dead-lettered little of it (`before` is the
    count before the burst), and stays paused."""
    wait_until(lambda: metric(consumer, _TRIPS) == trips, 120, f"circuit breaker trip {trips}")
    # A batch let through just before the trip may still be in the writer's hands.
    wait_until(lambda: metric(consumer, _IN_FLIGHT) == 0.0, 60, "the writer to settle")
    at_trip = _dead_lettered(consumer)
    time.sleep(PAUSE_WATCH_S)
    outcome.check(metric(consumer, _OPEN) == 1.0, f"trip {trips}: the breaker did not stay open")
    outcome.check(consumer.process.poll() is None, f"trip {trips}: the consumer exited")
    outcome.check(
        _dead_lettered(consumer) == at_trip, f"trip {trips}: dead-lettering went on while open"
    )
    outcome.notes.append(
        f"trip {trips}: paused after {at_trip - before:.0f} of {burst:,} broken records "
        "were dead-lettered"
    )
    outcome.check(
        at_trip - before < burst / 2,
        f"trip {trips}: {at_trip - before:.0f} of {burst} broken records dead-lettered first",
    )


def run(context: ChaosContext, profile: Profile, *, seed: int = 6) -> Outcome:
    started = time.monotonic()
    logs = log_dir(context, "breaker")
    topic = context.topic("breaker", PARTITIONS)
    dlq = context.topic("breaker-dlq", 1)
    db = context.database()
    spawn = partial(start_consumer, bootstrap=context.bootstrap, database_url=db, topic=topic,
                    dlq_topic=dlq, group=group(), log_dir=logs)  # fmt: skip
    burst = profile.breaker_broken
    outcome = Outcome(NAME, faults=f"2 x {burst:,} broken records")
    truths: list[Path] = []
    broken: Landed = {}

    def good_stream(part: int) -> None:
        truths.append(logs / f"truth-{part}.jsonl")
        producer = start_producer(
            bootstrap=context.bootstrap, topic=topic, partitions=PARTITIONS,
            count=profile.breaker_events, seed=seed * 10 + part, truth=truths[-1],
            log_dir=logs, faults=FAULTS,
        )  # fmt: skip
        code = producer.wait(timeout=600)
        outcome.check(code == 0, f"good stream {part}: the producer exited {code}")
        facts = len(expected_outcome(truths, broken).facts)
        wait_until(lambda: fact_count(db) >= facts, 300, f"good stream {part} to be stored")
        time.sleep(1.0)  # the metrics of the last batch are observed just after its commit

    def broken_burst(consumer: ConsumerProcess, trips: int) -> None:
        before = _dead_lettered(consumer)
        records = broken_serializer(seed * 10 + trips, burst)
        broken.update(produce_burst(context.bootstrap, topic, records))
        _check_paused(outcome, consumer, trips=trips, burst=burst, before=before)

    consumers: list[ConsumerProcess] = []
    try:
        # 1. A good stream, then a broken burst: the breaker trips; SIGUSR1 lets it through.
        consumers.append(consumer := spawn())
        good_stream(1)
        broken_burst(consumer, trips=1)
        consumer.process.send_signal(signal.SIGUSR1)
        wait_until(lambda: metric(consumer, _OPEN) == 0.0, 60, "the breaker to close on SIGUSR1")
        # 2. A good stream re-arms it; the next burst trips it again.
        good_stream(2)
        broken_burst(consumer, trips=2)
        # 3. The operator stops the consumer and restarts it with the breaker switched off.
        consumer.terminate()
        outcome.check(consumer.wait(timeout=60) == 0, "the paused consumer did not stop cleanly")
        log = consumer.log()
        outcome.check(log.count(OPEN_LOG) == 2, f"{log.count(OPEN_LOG)} '{OPEN_LOG}' lines, not 2")
        outcome.check(CLOSED_LOG in log, f"no '{CLOSED_LOG}' line after SIGUSR1")
        consumers.append(
            restarted := spawn(exit_when_idle_s=5.0, env={"BREAKER_MAX_DEAD_LETTER_SHARE": "1"})
        )
        outcome.check(restarted.wait(timeout=600) == 0, "the restarted consumer failed")
        outcome.faults += ", 2 trips: SIGUSR1, restart with share 1"
    finally:
        for process in consumers:
            if process.process.poll() is None:
                process.kill()

    check_against_truth(
        outcome, expected_outcome(truths, broken), bootstrap=context.bootstrap,
        database_url=db, dlq_topic=dlq, log_dir=logs,
    )  # fmt: skip
    outcome.seconds = time.monotonic() - started
    if not outcome.passed:
        outcome.problems.append(f"logs in {logs}")
    return outcome
