"""Fills a database to a given number of facts exactly as the consumer would, minus Kafka:
the simulator's records, validated by the consumer's `Batch` and written by its writer
(facts and every aggregate in one transaction per batch, one batch in flight on a writer
thread while the next is validated). The aggregates are therefore the real ones at that
size, which is what makes a query benchmark on the result honest."""

from __future__ import annotations

import sys
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import psycopg
from kafka.consumer.fetcher import ConsumerRecord

from bench.common.servers import PostgresCpu
from consumer.ingest.batch import Batch, ValidatedBatch
from consumer.ingest.limits import Limits
from consumer.store.migrations import migrate
from consumer.store.partitions import EventPartitions, PartitionSpan
from consumer.store.sinks import EventSink
from consumer.store.writer import WriteResult, prepare_connection
from producer.app import ClockChoice, make_simulator
from producer.faults import FaultPlan
from pulse.settings import Settings

TOPIC = "bench.fill"  # written into facts.topic and partition_offsets; no such Kafka topic
PARTITION = 0


@dataclass(slots=True)
class Segment:
    """One stretch of the fill: how fast it went as the database grew."""

    facts_before: int
    facts: int
    seconds: float
    filler_cpu_s: float
    postgres_cpu_s: float


@dataclass(slots=True)
class FillResult:
    records: int
    facts: int
    seconds: float
    segments: list[Segment] = field(default_factory=list)


def fill(
    database_url: str,
    database: str,
    *,
    settings: Settings,
    records: int,
    users: int,
    seed: int,
    days: float,
    end: datetime | None = None,
    segments: int = 20,
) -> FillResult:
    """Writes `records` simulated events (no defects, no duplicates) into `database_url`,
    over `days` simulated days ending at `end` (None: now)."""
    start = None if end is None else end - timedelta(days=days)
    simulator = make_simulator(
        settings=settings, clock=ClockChoice(live=False, start=start, days=days), seed=seed,
        population_seed=1, users=users, count=records, rate=0.0,
        plan=FaultPlan(defects={}), late_horizon=timedelta(days=settings.late_horizon_days),
    )  # fmt: skip
    with psycopg.connect(database_url, autocommit=True) as conn:
        migrate(conn)
        prepare_connection(conn)
        return _Filler(conn, settings, database, records, segments).run(
            simulator.records(limit=records)
        )


class _Filler:
    def __init__(
        self,
        conn: psycopg.Connection[Any],
        settings: Settings,
        database: str,
        records: int,
        segments: int,
    ) -> None:
        self._conn = conn
        self._settings = settings
        self._records = records
        self._segment_size = max(records // max(segments, 1), 1)
        self._postgres = PostgresCpu(database)
        self._facts = 0
        self._expected: int | None = None  # the offset PostgreSQL holds for the partition
        # The weekly partitions of `events` seen so far, as the consumer keeps them.
        # The consumer's own sink: its partitions, and its vacuum of the staging tables.
        self._sink = EventSink(partitions=EventPartitions(PartitionSpan.from_settings(settings)))
        self._result = FillResult(records=0, facts=0, seconds=0.0)

    def run(self, stream: Any) -> FillResult:
        started = time.monotonic()
        mark = (started, time.process_time(), self._postgres.attributed_s(), 0)
        batch = Batch(
            TOPIC,
            self._settings.batch_max_records,
            max_age_s=float("inf"),
            max_bytes=self._settings.batch_max_bytes,
        )
        pending: Future[WriteResult] | None = None
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="fill-writer") as writer:
            for offset, record in enumerate(stream):
                batch.add([_consumer_record(offset, record.key, record.value)])
                if len(batch) < batch.max_records:
                    continue
                pending = self._hand_over(writer, batch, pending)
                mark = self._maybe_close_segment(mark)
            if len(batch):
                pending = self._hand_over(writer, batch, pending)
            if pending is not None:
                self._collect(pending)
        self._close_segment(mark)
        self._result.seconds = time.monotonic() - started
        return self._result

    def _hand_over(
        self, writer: ThreadPoolExecutor, batch: Batch, pending: Future[WriteResult] | None
    ) -> Future[WriteResult]:
        """Validates `batch` (while the previous one is written), then waits for that
        write and submits this one: at most one transaction in flight, as in the consumer."""
        validated = batch.validate(
            limits=self._limits(),
            expected={PARTITION: self._expected},
            log_start=lambda _partition: 0,
        )
        self._result.records += len(batch)
        batch.clear()
        if pending is not None:
            self._collect(pending)
        self._expected = validated.slices[0].next_offset
        return writer.submit(self._write, validated)

    def _write(self, validated: ValidatedBatch) -> WriteResult:
        return self._sink.write(self._conn, TOPIC, validated)

    def _collect(self, pending: Future[WriteResult]) -> None:
        self._facts += pending.result().facts_stored
        self._result.facts = self._facts

    def _maybe_close_segment(
        self, mark: tuple[float, float, float, int]
    ) -> tuple[float, float, float, int]:
        if self._facts - mark[3] < self._segment_size:
            return mark
        return self._close_segment(mark)

    def _close_segment(
        self, mark: tuple[float, float, float, int]
    ) -> tuple[float, float, float, int]:
        self._postgres.sample()
        now = (time.monotonic(), time.process_time(), self._postgres.attributed_s(), self._facts)
        if now[3] > mark[3]:
            segment = Segment(
                facts_before=mark[3],
                facts=now[3] - mark[3],
                seconds=now[0] - mark[0],
                filler_cpu_s=now[1] - mark[1],
                postgres_cpu_s=now[2] - mark[2],
            )
            self._result.segments.append(segment)
            print(
                f"  {now[3]:>12,} facts  ({segment.facts / segment.seconds:,.0f} facts/s "
                "over the last stretch)",
                file=sys.stderr,
                flush=True,
            )
        return now

    def _limits(self) -> Limits:
        return Limits(
            max_event_bytes=self._settings.max_event_bytes,
            late_horizon=timedelta(days=self._settings.late_horizon_days),
            clock_skew=timedelta(seconds=self._settings.clock_skew_seconds),
        )


def _consumer_record(offset: int, key: bytes, value: bytes) -> ConsumerRecord:
    """The record as kafka-python would hand it to the consumer."""
    return ConsumerRecord(
        TOPIC, PARTITION, -1, offset, int(time.time() * 1000), 0, key, value, [], None,
        len(key), len(value), -1,
    )  # fmt: skip
