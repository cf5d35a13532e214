"""`consumer reconcile` for the catalog: re-reads the compacted catalog topic from the start
up to the offsets the ledger covers, keeps each entity's latest version (by updated_at, as
the consumer orders them) and compares it with the dimension. Compaction keeps only the
last record of a key, which need not be the newest version, so the check is that the
topic's latest version is stored as such (same attributes, same deleted flag), and that
every current row has an entity on the topic (a tombstone removed by compaction leaves a
deleted row, which is fine)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg
from kafka import KafkaConsumer, TopicPartition
from kafka.errors import KafkaError
from psycopg import sql

from consumer.ingest.catalog import decode_catalog
from consumer.ingest.limits import Limits
from consumer.ingest.records import SkippedOffsets
from consumer.ingest.records import install as install_record_reader
from consumer.store.catalog import DIMENSIONS, Dimension
from consumer.store.catalog_rows import CatalogChange, attributes_of
from consumer.store.reconcile import Drift
from pulse.sqlfiles import load_sql

Entity = tuple[str, str]  # (entity type, id)
_POLL_MS = 500


@dataclass(frozen=True, slots=True)
class _Version:
    is_current: bool
    is_deleted: bool
    attributes: dict[str, Any]  # by column of the dimension


@dataclass(frozen=True, slots=True)
class CatalogCheck:
    results: list[Drift]
    checked: bool  # False when no broker answered


def check_catalog_against_topic(
    database_url: str,
    bootstrap_servers: str,
    *,
    topic: str,
    limits: Limits,
    examples: int = 5,
    **security: Any,
) -> CatalogCheck:
    with psycopg.connect(database_url, connect_timeout=5) as conn:
        covered = {
            int(partition): (int(first), int(following))
            for partition, first, following in conn.execute(
                load_sql("ledger/covered_offsets"), {"topic": topic}
            )
        }
        versions = {
            dimension.entity_type.value: _versions(conn, dimension) for dimension in DIMENSIONS
        }
    if not covered and not any(versions.values()):
        return CatalogCheck([], checked=True)  # no catalog consumed yet
    try:
        consumer = KafkaConsumer(
            bootstrap_servers=bootstrap_servers,
            group_id=None,
            enable_auto_commit=False,
            bootstrap_timeout_ms=5000,
            isolation_level="read_committed",
            **security,
        )
    except KafkaError:
        return CatalogCheck([], checked=False)
    try:
        install_record_reader(consumer)
        latest = _latest_on_topic(consumer, topic, covered, limits)
    except KafkaError:
        return CatalogCheck([], checked=False)
    finally:
        consumer.close()
    return CatalogCheck(
        [_compare(d, topic, latest, versions[d.entity_type.value], examples) for d in DIMENSIONS],
        checked=True,
    )


def _versions(
    conn: psycopg.Connection[Any], dimension: Dimension
) -> dict[tuple[str, datetime], _Version]:
    query = sql.SQL(load_sql("catalog/versions")).format(
        key=sql.Identifier(dimension.key),
        attributes=sql.SQL(", ").join(sql.Identifier(c) for c, _ in dimension.attributes),
        table=sql.Identifier(dimension.table),
    )
    names = [column for column, _ in dimension.attributes]
    return {
        (str(row[0]), row[1]): _Version(
            bool(row[2]), bool(row[3]), dict(zip(names, row[4:], strict=True))
        )
        for row in conn.execute(query)
    }


def _latest_on_topic(
    consumer: KafkaConsumer,
    topic: str,
    covered: dict[int, tuple[int, int]],
    limits: Limits,
) -> dict[Entity, CatalogChange]:
    """Each entity's latest version among the records the consumer has read (those from
    each partition's first to its next offset in the ledger); invalid records are left
    out, as the consumer dead-lettered them. Of two versions with the same updated_at the
    first read wins, as in the dimension."""
    partitions = [TopicPartition(topic, p) for p in sorted(covered)]
    latest: dict[Entity, CatalogChange] = {}
    if not partitions:
        return latest
    consumer.assign(partitions)
    ends = consumer.end_offsets(partitions)
    stops = {tp: min(int(ends[tp]), covered[tp.partition][1]) for tp in partitions}
    for tp in partitions:
        consumer.seek(tp, covered[tp.partition][0])
    remaining = {tp for tp in partitions if consumer.position(tp) < stops[tp]}
    while remaining:
        for tp, records in consumer.poll(timeout_ms=_POLL_MS).items():
            for record in records:
                if isinstance(record, SkippedOffsets) or record.offset >= stops[tp]:
                    continue
                _keep_latest(latest, record, limits)
        remaining = {tp for tp in remaining if consumer.position(tp) < stops[tp]}
    return latest


def _keep_latest(latest: dict[Entity, CatalogChange], record: Any, limits: Limits) -> None:
    change = decode_catalog(
        record.key,
        record.value,
        window=limits.window(record.timestamp),
        max_bytes=limits.max_event_bytes,
    )
    if not isinstance(change, CatalogChange):
        return
    entity = (change.entity_type.value, change.entity_id)
    known = latest.get(entity)
    if known is None or change.valid_from > known.valid_from:
        latest[entity] = change


def _compare(
    dimension: Dimension,
    topic: str,
    latest: dict[Entity, CatalogChange],
    versions: dict[tuple[str, datetime], _Version],
    examples: int,
) -> Drift:
    kind = dimension.entity_type.value
    on_topic = {entity_id: change for (t, entity_id), change in latest.items() if t == kind}
    drifting: list[tuple[Any, ...]] = []
    for entity_id, change in sorted(on_topic.items()):
        stored = versions.get((entity_id, change.valid_from))
        if stored is None:
            drifting.append(("topic only", entity_id, change.valid_from, "no such version"))
            continue
        staged = attributes_of(change.record)
        expected = {column: staged.get(staging) for column, staging in dimension.attributes}
        differs = [
            f"{name}: stored {value!r}, topic {expected.get(name)!r}"
            for name, value in stored.attributes.items()
            if value != expected.get(name)
        ]
        if stored.is_deleted != change.is_deleted:
            differs.append(f"is_deleted: stored {stored.is_deleted}, topic {change.is_deleted}")
        if differs:
            drifting.append(("differs", entity_id, change.valid_from, "; ".join(differs)))
    for (entity_id, valid_from), stored in sorted(versions.items()):
        if stored.is_current and not stored.is_deleted and entity_id not in on_topic:
            drifting.append(("dimension only", entity_id, valid_from, "not on the topic"))
    return Drift(
        f"{dimension.table} vs {topic}", len(on_topic), len(drifting), tuple(drifting[:examples])
    )
