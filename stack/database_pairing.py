"""Keeps the stack's database paired with the stack's own Kafka: a database holding offsets
beyond the ends of the broker's partitions was filled from an earlier Kafka (a new clone, or
a removed .stack/, formats a new one), so `up` sets it aside under a dated name and creates
an empty one; nothing is dropped."""

from __future__ import annotations

import time
from dataclasses import dataclass

import psycopg
from kafka import KafkaConsumer, TopicPartition
from kafka.errors import KafkaError
from psycopg import sql
from psycopg.conninfo import make_conninfo

from pulse.sqlfiles import load_sql
from stack import console
from stack.config import DatabaseTarget
from stack.errors import StartError
from stack.postgres import NAME


@dataclass(frozen=True)
class StoredOffset:
    topic: str
    partition: int
    next_offset: int


@dataclass(frozen=True)
class Mismatch:
    """A stored offset the broker's partition does not reach (end None: no such partition)."""

    stored: StoredOffset
    end: int | None

    def describe(self) -> str:
        where = (
            "a partition this broker does not have"
            if self.end is None
            else f"where the broker's partition ends at {self.end}"
        )
        return (
            f"{self.stored.topic} partition {self.stored.partition} at offset "
            f"{self.stored.next_offset}, {where}"
        )


def stored_offsets(url: str) -> list[StoredOffset]:
    """The offsets the database holds; none before the consumer's migrations ran."""
    with psycopg.connect(url, connect_timeout=5) as conn:
        if conn.execute(load_sql("stack/has_offsets_table")).fetchone() != (True,):
            return []
        rows = conn.execute(load_sql("stack/stored_offsets")).fetchall()
    return [StoredOffset(str(topic), int(part), int(offset)) for topic, part, offset in rows]


def partition_ends(bootstrap: str, wanted: list[StoredOffset]) -> dict[tuple[str, int], int]:
    """End offsets of the wanted partitions that exist in the broker."""
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap, client_id="pulse-stack-pairing", enable_auto_commit=False
    )
    try:
        existing: list[TopicPartition] = []
        for topic in sorted({s.topic for s in wanted}):
            known = consumer.partitions_for_topic(topic) or set()
            existing += [TopicPartition(topic, p) for p in sorted(known)]
        ends = consumer.end_offsets(existing) if existing else {}
    finally:
        consumer.close()
    return {(tp.topic, tp.partition): int(end) for tp, end in ends.items()}


def find_mismatches(stored: list[StoredOffset], ends: dict[tuple[str, int], int]) -> list[Mismatch]:
    """Stored offsets past their partition's end: that history is not this broker's."""
    mismatches = []
    for offset in stored:
        end = ends.get((offset.topic, offset.partition))
        if end is None or offset.next_offset > end:
            mismatches.append(Mismatch(offset, end))
    return mismatches


def archive_name(dbname: str, now: time.struct_time) -> str:
    return f"{dbname}_before_{time.strftime('%Y%m%d_%H%M%S', now)}"


def ensure_paired(db: DatabaseTarget, bootstrap: str) -> bool:
    """Set the database aside when its offsets came from another Kafka. True when it did;
    the caller then provisions an empty database under the same name."""
    stored = stored_offsets(db.url)
    if not stored:
        return False
    try:
        ends = partition_ends(bootstrap, stored)
    except KafkaError as exc:
        raise StartError(
            f"could not read the partition ends from Kafka at {bootstrap} ({exc}) to check "
            f"that database {db.dbname} belongs to it: see `make logs kafka`, then retry."
        ) from exc
    mismatches = find_mismatches(stored, ends)
    if not mismatches:
        return False
    archive = archive_name(db.dbname, time.localtime())
    console.say(
        NAME,
        f"database {db.dbname} was filled from another Kafka ({mismatches[0].describe()}; "
        f"{len(mismatches)} partition(s) like it): this stack's broker is new (a new clone or "
        f"a removed .stack/). Keeping that data as database {archive} and starting an "
        "empty one.",
    )
    _rename(db, archive)
    return True


def _rename(db: DatabaseTarget, archive: str) -> None:
    # The owner role (MIGRATIONS_DATABASE_URL) may rename its database, but not while
    # connected to it: the statement runs from the maintenance database.
    maintenance = make_conninfo(db.url, dbname="postgres")
    statement = sql.SQL(load_sql("stack/archive_database")).format(
        database=sql.Identifier(db.dbname), archive=sql.Identifier(archive)
    )
    try:
        with psycopg.connect(maintenance, connect_timeout=5, autocommit=True) as conn:
            conn.execute(statement)
    except psycopg.Error as exc:
        raise StartError(
            f"could not rename database {db.dbname} to {archive}: "
            f"{str(exc).strip().splitlines()[0]}. If a client still uses it (a consumer, "
            "psql, Grafana), stop it and retry."
        ) from exc
