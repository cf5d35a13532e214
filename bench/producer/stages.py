"""The producer benchmark's stages: generation alone, publishing pre-generated records,
and both, each prepared untimed and then timed; medians of repeated runs."""

from __future__ import annotations

import statistics
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from kafka.admin import KafkaAdminClient

from producer.app import ClockChoice, make_simulator
from producer.faults import FaultPlan
from producer.publisher import Publisher, ensure_topic, resolve_compression
from producer.runner import RunLimits, run
from producer.simulator import Simulator
from producer.summary import Summary
from pulse.kafka_security import kafka_security
from pulse.settings import Settings

# Medians of --repeat runs are reported, since a shared 2-core machine is noisy.
PARTITIONS = 3


@dataclass(frozen=True, slots=True)
class Figure:
    stage: str
    compression: str
    events_per_s: float
    mb_per_s: float
    # CPU time of this process (all its threads) per 1,000 events: steadier than wall
    # time when other work shares the machine, and it excludes the broker's share.
    cpu_ms_per_1k: float
    runs: list[float]


def simulator(settings: Settings, events: int, *, live: bool) -> Simulator:
    return make_simulator(
        settings=settings,
        clock=ClockChoice(live=live, days=None if live else 60.0),
        seed=1,
        population_seed=1,
        users=10_000,
        count=events,
        rate=0.0,
        plan=FaultPlan(defects={}),
        late_horizon=timedelta(days=settings.late_horizon_days),
    )


# A stage is prepared untimed (world built, broker connected), then its action is timed:
# the figures are steady-state rates, not start-up costs.
Action = Callable[[], tuple[int, int]]
Stage = Callable[[], Action]


def timed(stage: Stage) -> tuple[float, float, float]:
    """(events/s, MB/s, CPU ms per 1,000 events) of one run of a stage, whose action
    returns (events, bytes)."""
    action = stage()
    started, cpu_started = time.perf_counter(), time.process_time()
    events, size = action()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    return events / elapsed, size / elapsed / 1e6, cpu * 1e6 / events


def median_figure(name: str, compression: str, repeat: int, stage: Stage) -> Figure:
    rates = [timed(stage) for _ in range(repeat)]
    events = [r[0] for r in rates]
    return Figure(
        stage=name,
        compression=compression,
        events_per_s=statistics.median(events),
        mb_per_s=statistics.median(r[1] for r in rates),
        cpu_ms_per_1k=statistics.median(r[2] for r in rates),
        runs=[round(e) for e in events],
    )


def generation(settings: Settings, events: int, *, live: bool) -> Stage:
    def stage() -> Action:
        sim = simulator(settings, events, live=live)

        def action() -> tuple[int, int]:
            count = size = 0
            for record in sim.records(limit=events):
                count += 1
                size += len(record.value)
            return count, size

        return action

    return stage


def publish_only(
    settings: Settings, topic: str, compression: str, data: list[tuple[bytes, bytes]]
) -> Stage:
    def stage() -> Action:
        publisher = connect(settings, topic, compression)

        def action() -> tuple[int, int]:
            try:
                deliveries = [publisher.send(key, value) for key, value in data]
                publisher.flush()
            finally:
                publisher.close()
            failed = [d.exception for d in deliveries if d.exception is not None]
            if failed:
                raise RuntimeError(f"{len(failed)} records failed: {failed[0]}")
            return len(data), sum(len(value) for _, value in data)

        return action

    return stage


def end_to_end(settings: Settings, topic: str, compression: str, events: int) -> Stage:
    def stage() -> Action:
        sim = simulator(settings, events, live=False)
        publisher = connect(settings, topic, compression)

        def action() -> tuple[int, int]:
            summary = Summary(topic=topic, seed=1)
            try:
                run(
                    records=lambda limit, stop: sim.records(limit=limit, should_stop=stop),
                    sender=publisher,
                    summary=summary,
                    limits=RunLimits(count=events),
                    should_stop=lambda: False,
                )
            finally:
                publisher.close()
            if summary.failed:
                raise RuntimeError(f"{summary.failed} records failed: {summary.first_error}")
            return summary.records, summary.bytes

        return action

    return stage


def connect(settings: Settings, topic: str, compression: str) -> Publisher:
    return Publisher(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        topic=topic,
        compression=resolve_compression(compression),
        linger_ms=20,
        batch_size=256 * 1024,
        max_event_bytes=settings.max_event_bytes,
        security=kafka_security(settings),
    )


def measure(settings: Settings, events: int, repeat: int, compressions: list[str]) -> list[Figure]:
    figures = [
        median_figure("generate (simulated clock)", "-", repeat,
                      generation(settings, events, live=False)),
        median_figure("generate (live clock)", "-", repeat,
                      generation(settings, events, live=True)),
    ]  # fmt: skip
    data = [(r.key, r.value) for r in simulator(settings, events, live=False).records(limit=events)]
    topic = f"bench.producer.{uuid.uuid4().hex[:8]}"
    ensure_topic(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        topic=topic,
        partitions=PARTITIONS,
        replication_factor=1,
        timeout_ms=10_000,
        security=kafka_security(settings),
    )
    try:
        for compression in compressions:
            codec = resolve_compression(compression) or "none"
            name = codec if compression == codec else f"{compression}={codec}"
            publish = publish_only(settings, topic, compression, data)
            figures.append(median_figure("publish pre-generated", name, repeat, publish))
            both = end_to_end(settings, topic, compression, events)
            figures.append(median_figure("generate + publish", name, repeat, both))
    finally:
        admin = KafkaAdminClient(
            bootstrap_servers=settings.kafka_bootstrap_servers, **kafka_security(settings)
        )
        admin.delete_topics([topic])
        admin.close()
    return figures
