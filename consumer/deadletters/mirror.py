"""`dlq mirror`: copies the dead-letter topic into the `dead_letters` table, so rejected
records can be queried in SQL next to the facts.

Incremental and exactly-once in effect, like the consumer: each chunk of rows and the
next offset of its dead-letter partition commit in ONE transaction, and a run resumes
from the stored offsets. A run that dies half-way therefore loses nothing and counts no
copy twice. Two runs at once against one database would both read the same records, so a
session advisory lock lets only one run at a time (released if the process dies).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from consumer.deadletters.errors import DeadLetterError
from consumer.deadletters.reader import DeadLetterReader
from consumer.deadletters.records import DeadLetterRecord
from pulse.sqlfiles import load_sql

CHUNK_RECORDS = 500
# Any fixed 64-bit number works; it only has to be the same in every Pulse process.
_MIRROR_LOCK_KEY = 0x5055_4C53_4500_0030


class MirrorBusyError(DeadLetterError, RuntimeError):
    """Another `dlq mirror` holds the mirror lock on this database."""


@dataclass(slots=True)
class MirrorResult:
    dlq_topic: str
    read: int = 0
    new: int = 0
    repeats: int = 0
    next_offsets: dict[int, int] = field(default_factory=dict)

    def text(self) -> str:
        where = ", ".join(f"{p}: {o}" for p, o in sorted(self.next_offsets.items())) or "-"
        return (
            f"mirrored {self.read} records of {self.dlq_topic} into dead_letters: "
            f"{self.new} new, {self.repeats} repeats of an origin already there "
            f"(counted in dead_letters.copies); next offset per partition {where}"
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "dlq_topic": self.dlq_topic,
            "records_read": self.read,
            "new": self.new,
            "repeats": self.repeats,
            "next_offsets": {str(p): o for p, o in sorted(self.next_offsets.items())},
        }


def mirror(conn: psycopg.Connection[Any], reader: DeadLetterReader) -> MirrorResult:
    """Mirror every record written since the last run; `conn` is in autocommit mode."""
    locked = conn.execute("select pg_try_advisory_lock(%s)", (_MIRROR_LOCK_KEY,)).fetchone()
    if not locked or not locked[0]:
        raise MirrorBusyError(
            "another `dlq mirror` is running against this database; wait for it to finish"
        )
    try:
        return _mirror(conn, reader)
    finally:
        conn.execute("select pg_advisory_unlock(%s)", (_MIRROR_LOCK_KEY,))


def _mirror(conn: psycopg.Connection[Any], reader: DeadLetterReader) -> MirrorResult:
    topic = reader.topic
    rows = conn.execute(load_sql("dlq/load_mirror_offsets"), {"dlq_topic": topic}).fetchall()
    stored = {int(partition): int(offset) for partition, offset in rows}
    result = MirrorResult(topic, next_offsets=dict(stored))
    for chunk in _chunks(reader.read(start_offsets=stored)):
        with conn.transaction():
            for record in chunk:
                row = conn.execute(load_sql("dlq/upsert_dead_letter"), _row(record)).fetchone()
                is_new = bool(row and row[0])
                result.new += is_new
                result.repeats += not is_new
            last = chunk[-1].address
            conn.execute(
                load_sql("dlq/store_mirror_offset"),
                {
                    "dlq_topic": topic,
                    "kafka_partition": last.partition,
                    "next_offset": last.offset + 1,
                },
            )
        result.read += len(chunk)
        result.next_offsets[last.partition] = last.offset + 1
    return result


def _chunks(records: Iterator[DeadLetterRecord]) -> Iterator[list[DeadLetterRecord]]:
    """Runs of at most CHUNK_RECORDS records of one partition (the reader goes partition
    by partition, so a chunk ends where a partition does)."""
    chunk: list[DeadLetterRecord] = []
    for record in records:
        if chunk and (
            len(chunk) >= CHUNK_RECORDS or record.address.partition != chunk[-1].address.partition
        ):
            yield chunk
            chunk = []
        chunk.append(record)
    if chunk:
        yield chunk


def _text(value: str | None) -> str | None:
    # PostgreSQL text and jsonb cannot hold NUL.
    return value.replace("\x00", "\ufffd") if value is not None else None


def _row(record: DeadLetterRecord) -> dict[str, Any]:
    identity = record.identity
    details = [
        {"path": _text(d.path), "type": _text(d.error_type), "message": _text(d.message)}
        for d in record.details
    ]
    headers = [
        [_text(name), _text(value.decode("utf-8", errors="replace"))]
        for name, value in record.headers
    ]
    key = record.key.decode("utf-8", errors="replace") if record.key is not None else None
    return {
        "origin_topic": identity.topic,
        "origin_partition": identity.partition,
        "origin_offset": identity.offset,
        "dlq_topic": record.address.topic,
        "dlq_partition": record.address.partition,
        "dlq_offset": record.address.offset,
        "reason": _text(record.reason),
        "error": _text(record.error),
        "field_path": _text(record.field_path),
        "field_errors": Jsonb(details),
        "event_type": _text(record.event_type),
        "event_id": _text(record.event_id),
        "record_key": _text(key),
        "payload": record.value,
        "payload_bytes": record.payload_size,
        "headers": Jsonb(headers),
        "replay_count": record.replay_count,
        "consumer_group": _text(record.consumer_group),
        "consumer_version": _text(record.consumer_version),
        "schema_version": _text(record.schema_version),
        "produced_at": _timestamp(record.origin_timestamp_ms),
        "failed_at": record.failed_at,
    }


def _timestamp(timestamp_ms: int | None) -> datetime | None:
    if timestamp_ms is None or timestamp_ms < 0:
        return None
    return datetime.fromtimestamp(timestamp_ms / 1000, UTC)
