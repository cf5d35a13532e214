"""The API's health: whether PostgreSQL answers, and how fresh and how far behind the
consumer is, from the offset ledger it commits with every batch (`partition_offsets`)
and the topic's end offsets in Kafka."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from starlette.concurrency import run_in_threadpool

from api.database import Database
from api.errors import ApiError
from api.kafka_offsets import KafkaOffsets, TopicOffsets
from api.models.service import (
    ConsumerHealth,
    DatabaseHealth,
    Health,
    PartitionProgress,
)


async def check_health(db: Database, kafka: KafkaOffsets, topic: str) -> Health:
    started = time.perf_counter()
    try:
        newest = (await db.rows("api/newest_event"))[0]
        progress = await db.rows("api/consumer_progress", {"topic": topic})
    except ApiError as exc:
        return Health(
            status="down", database=DatabaseHealth(ok=False, error=str(exc)), consumer=None
        )
    database = DatabaseHealth(ok=True, latency_ms=round((time.perf_counter() - started) * 1e3, 2))
    # kafka-python blocks: on a worker thread, so the other requests go on meanwhile.
    offsets = await run_in_threadpool(kafka.get)
    consumer = consumer_health(topic, newest, progress, offsets)
    status = "ok" if consumer.lag is not None else "degraded"
    return Health(status=status, database=database, consumer=consumer)


def consumer_health(
    topic: str,
    newest: dict[str, Any],
    progress: list[dict[str, Any]],
    kafka: TopicOffsets,
) -> ConsumerHealth:
    """The consumer's freshness and lag. A partition the ledger does not hold yet lags
    by everything Kafka still keeps of it (from its beginning offset)."""
    now: datetime = newest["database_now"]
    newest_minute: datetime | None = newest["newest_event_minute_at"]
    stored = {row["kafka_partition"]: int(row["next_offset"]) for row in progress}
    last_commit = max((row["updated_at"] for row in progress), default=None)
    partitions: list[PartitionProgress] = []
    for number in sorted(set(stored) | set(kafka.offsets)):
        next_offset = stored.get(number)
        lag = None
        end = None
        if number in kafka.offsets:
            begin, end = kafka.offsets[number]
            lag = max(end - max(next_offset or 0, begin), 0)
        partitions.append(PartitionProgress(
            partition=number, next_offset=next_offset, end_offset=end, lag=lag
        ))  # fmt: skip
    known = kafka.error is None
    return ConsumerHealth(
        topic=topic,
        last_commit_at=last_commit,
        seconds_since_last_commit=_seconds(now, last_commit),
        newest_event_minute_at=newest_minute,
        freshness_seconds=_seconds(now, newest_minute),
        lag=sum(p.lag or 0 for p in partitions) if known else None,
        kafka_error=kafka.error,
        partitions=partitions,
    )


def _seconds(now: datetime, then: datetime | None) -> float | None:
    return None if then is None else round(max((now - then).total_seconds(), 0.0), 3)
