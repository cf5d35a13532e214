"""Facts partitioned by ISO week of event time (migration 120), against the real consumer:
deduplication on event_id stays exact whatever partition a copy falls in (months later,
re-stamped, in the same batch, across batches, after a restart), late events land in the
partition of their own week, events outside the span partitions are made for wait in
events_default, a week whose partition cannot be created now loses nothing, and a query on
recent events reads recent partitions only. Records are hand-written and sent with
librdkafka (confluent-kafka), so their Kafka timestamps are ours to choose."""

from __future__ import annotations

import json
import subprocess
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
from confluent_kafka import Producer
from psycopg import sql

from consumer.ingest.ledger import PartitionSlice
from consumer.store.facts import fact_row
from consumer.store.migrations import migrate
from consumer.store.partitions import EventPartitions, week_start
from consumer.store.reconcile import reconcile
from consumer.store.staging import VACUUM_AFTER_ROWS
from consumer.store.writer import prepare_connection, write_batch
from pulse.contract import EVENT_ADAPTER
from pulse.sqlfiles import load_sql
from tests.commands import consumer_command, unique_group
from tests.integration import harness

pytestmark = pytest.mark.integration

NOW = datetime.now(UTC)

STAGING_TABLES = ("inserted_events", "touched_content_items", "incoming_calls", "incoming_catalog")


def _event(user: str, at: datetime, event_id: str | None = None) -> dict[str, Any]:
    return {
        "schema_version": 1,
        "event_id": event_id or str(uuid.uuid4()),
        "event_type": "login",
        "occurred_at": at.isoformat(),
        "user_id": user,
        "session_id": f"s-{user}",
        "device": "mobile",
        "location": {"country": "DE", "city": "Berlin"},
    }


def _send(bootstrap: str, topic: str, events: list[tuple[dict[str, Any], datetime]]) -> None:
    """Each event as one record stamped with the given Kafka timestamp, acknowledged."""
    producer = Producer({"bootstrap.servers": bootstrap, "acks": "all", "linger.ms": 5})
    failures: list[str] = []
    for event, stamped_at in events:
        producer.produce(
            topic,
            key=event["user_id"].encode(),
            value=json.dumps(event).encode(),
            timestamp=int(stamped_at.timestamp() * 1000),
            on_delivery=lambda error, _msg: failures.append(str(error)) if error else None,
        )
    assert producer.flush(60) == 0
    assert failures == []


def _consume(kafka: str, db: str, topic: str, group: str, tmp: Path, *, batch: int) -> None:
    harness.run_consumer_to_idle(
        bootstrap=kafka,
        database_url=db,
        topic=topic,
        dlq_topic=f"{topic}.dlq",
        group=group,
        log_dir=tmp,
        extra=["--batch-max-records", str(batch)],
    )


def _stored(db: str) -> dict[str, tuple[datetime, str]]:
    """event_id -> (occurred_at, the partition it is stored in)."""
    with psycopg.connect(db) as conn:
        rows = conn.execute(
            "select event_id::text, occurred_at, tableoid::regclass::text from events"
        ).fetchall()
    return {event_id: (at, table) for event_id, at, table in rows}


def _partition_of(moment: datetime) -> str:
    return f"events_p{week_start(moment):%Y%m%d}"


def _reconcile_is_clean(db: str, kafka: str) -> str:
    result = subprocess.run(
        consumer_command("reconcile", database_url=db, bootstrap_servers=kafka),
        cwd=harness.REPO, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_a_copy_of_a_stored_event_is_a_duplicate_whatever_partition_it_falls_in(
    kafka_bootstrap: str, database_url: str, topic_factory: Callable[..., str], tmp_path: Path
) -> None:
    topic = topic_factory("partitions", 1)
    group = unique_group()
    months_ago, days_ago, hour_ago = (NOW - timedelta(days=d) for d in (120, 10, 1 / 24))
    original = _event("u-1", months_ago)  # late: four months before its record
    twice = _event("u-2", hour_ago)
    recent = _event("u-3", days_ago)
    # One batch: the months-late original, an event and its exact copy right behind it.
    _send(kafka_bootstrap, topic, [(original, NOW), (twice, NOW), (twice, NOW), (recent, NOW)])
    _consume(kafka_bootstrap, database_url, topic, group, tmp_path, batch=1000)

    # A restarted consumer, one record per batch: the original re-stamped to now (another
    # partition, four months later), its exact copy, the recent event re-stamped 200 days
    # back (a week with no partition yet), the in-batch copy once more, and a new event.
    restamped = original | {"occurred_at": NOW.isoformat()}
    backdated = recent | {"occurred_at": (NOW - timedelta(days=200)).isoformat()}
    new = _event("u-4", NOW - timedelta(minutes=5))
    copies = [restamped, original, backdated, twice]
    _send(kafka_bootstrap, topic, [(event, NOW) for event in [*copies, new]])
    _consume(kafka_bootstrap, database_url, topic, group, tmp_path, batch=1)

    stored = _stored(database_url)
    firsts = {
        e["event_id"]: datetime.fromisoformat(e["occurred_at"])
        for e in [original, twice, recent, new]
    }
    assert set(stored) == set(firsts)
    for event_id, at in firsts.items():
        # The original's own event time, in the partition of its own week.
        assert stored[event_id] == (at, _partition_of(at))
    assert _partition_of(months_ago) != _partition_of(NOW)
    counters = harness.offsets(database_url)
    assert [row[3:] for row in counters] == [(len(firsts), 1 + len(copies), 0)]
    with psycopg.connect(database_url) as conn:
        keys = conn.execute("select event_id::text, occurred_at from event_ids").fetchall()
    assert dict(keys) == firsts  # the key remembers the original's event time
    _reconcile_is_clean(database_url, kafka_bootstrap)


def test_events_outside_the_partitioned_span_wait_in_the_default_partition(
    kafka_bootstrap: str, database_url: str, topic_factory: Callable[..., str], tmp_path: Path
) -> None:
    # A producer whose clock is three years behind (Kafka takes old timestamps; one more
    # than an hour ahead it refuses): its events pass validation, being no older than
    # LATE_HORIZON_DAYS before their records' timestamps, but no partition is made for a
    # year nobody asked for.
    topic = topic_factory("partitions", 1)
    behind = NOW - timedelta(days=3 * 365)
    far, near = _event("u-1", behind), _event("u-2", NOW - timedelta(minutes=1))
    _send(kafka_bootstrap, topic, [(far, behind), (near, NOW)])
    _consume(kafka_bootstrap, database_url, topic, unique_group(), tmp_path, batch=1000)

    stored = _stored(database_url)
    assert stored[far["event_id"]][1] == "events_default"
    assert stored[near["event_id"]][1] == _partition_of(NOW)
    with psycopg.connect(database_url) as conn:
        row = conn.execute("select to_regclass(%s)", (_partition_of(behind),)).fetchone()
    assert row == (None,)
    _reconcile_is_clean(database_url, kafka_bootstrap)


@pytest.fixture
def migrated_connection(database_url: str) -> Iterator[psycopg.Connection[Any]]:
    with psycopg.connect(database_url, autocommit=True) as conn:
        migrate(conn)
        prepare_connection(conn)
        yield conn


def _write(conn: psycopg.Connection[Any], events: list[dict[str, Any]], offset: int) -> None:
    rows = [
        fact_row(EVENT_ADAPTER.validate_python(event), "direct", 0, offset + i)
        for i, event in enumerate(events)
    ]
    part = PartitionSlice(0, offset or None, offset, offset + len(rows), valid=len(rows))
    # A new cache each time: as a consumer that never saw the week.
    write_batch(conn, "direct", rows, [part], partitions=EventPartitions())


def test_a_week_whose_partition_cannot_be_created_now_loses_nothing(
    database_url: str, migrated_connection: psycopg.Connection[Any]
) -> None:
    week_ago = NOW - timedelta(days=9)
    first = [_event(f"u-{i}", week_ago + timedelta(seconds=i)) for i in range(3)]
    with psycopg.connect(database_url) as blocker, blocker.transaction():
        # A long reader of the default partition: creating a partition must lock it
        # exclusively, so the creation gives up after its lock timeout...
        blocker.execute("select count(*) from events_default")
        _write(migrated_connection, first, 0)
        # ...and the batch went on: its rows wait in events_default.
        assert {table for _, table in _stored(database_url).values()} == {"events_default"}
    second = [_event("u-9", week_ago + timedelta(minutes=1))]
    _write(migrated_connection, second, 3)
    # The next batch of that week created its partition and moved the waiting rows in.
    stored = _stored(database_url)
    assert len(stored) == 4
    assert {table for _, table in stored.values()} == {_partition_of(week_ago)}
    _reconcile_locally(migrated_connection)


def test_in_one_batch_the_first_copy_of_an_event_is_the_one_stored(
    database_url: str, migrated_connection: psycopg.Connection[Any]
) -> None:
    # One batch: an event, then a copy of it re-stamped into another week, then an exact
    # copy of an event stored by an earlier batch, then a new event. Only the first copy
    # of each event_id counts, with its own event time, in its own week's partition.
    earlier = _event("u-0", NOW - timedelta(days=3))
    _write(migrated_connection, [earlier], 0)
    first = _event("u-1", NOW - timedelta(days=20))
    restamped = first | {"occurred_at": (NOW - timedelta(hours=1)).isoformat()}
    new = _event("u-2", NOW - timedelta(minutes=2))
    _write(migrated_connection, [first, restamped, earlier, new], 1)

    stored = _stored(database_url)
    firsts = {
        e["event_id"]: datetime.fromisoformat(e["occurred_at"]) for e in [earlier, first, new]
    }
    assert {event_id: at for event_id, (at, _) in stored.items()} == firsts
    assert stored[first["event_id"]][1] == _partition_of(firsts[first["event_id"]])
    with migrated_connection.transaction():
        offsets = migrated_connection.execute(
            "select source_offset from events order by source_offset"
        ).fetchall()
        keys = migrated_connection.execute(
            "select event_id::text, occurred_at from event_ids"
        ).fetchall()
    assert offsets == [(0,), (1,), (4,)]  # the re-stamped copy (2) and the repeat (3) are not
    assert dict(keys) == firsts
    _reconcile_locally(migrated_connection)


def _reconcile_locally(conn: psycopg.Connection[Any]) -> None:
    drifting = [result for result in reconcile(conn) if result.drift]
    assert drifting == []


def test_a_query_on_recent_events_reads_only_the_recent_partitions(
    migrated_connection: psycopg.Connection[Any],
) -> None:
    weeks = [NOW - timedelta(weeks=w) for w in range(8)]
    _write(migrated_connection, [_event("u-1", at) for at in weeks], 0)
    with migrated_connection.transaction():
        partitions = migrated_connection.execute(
            "select count(*) from pg_inherits where inhparent = 'events'::regclass"
        ).fetchone()
        plan = migrated_connection.execute(
            b"explain (analyze, costs off, timing off, summary off, format json) "
            + load_sql("demo/1_events_by_type_last_5_minutes").encode()
        ).fetchone()
    assert partitions is not None
    assert partitions[0] >= 9  # eight weeks and events_default
    assert plan is not None
    scanned = _relations(plan[0])
    # now() is known when the scan starts: the other weeks' partitions are pruned.
    # events_default never is (it may hold any time beyond the weeks): it stays empty
    # unless an event lies outside the span, so reading it costs next to nothing.
    recent = {_partition_of(NOW), _partition_of(NOW - timedelta(minutes=5))}
    assert scanned <= recent | {"events_default"}, scanned
    assert scanned & recent


def _relations(node: Any) -> set[str]:
    if isinstance(node, list):
        return set().union(*(_relations(item) for item in node)) if node else set()
    if not isinstance(node, dict):
        return set()
    found = {node["Relation Name"]} if "Relation Name" in node else set()
    for value in node.values():
        if isinstance(value, list | dict):
            found |= _relations(value)
    return found


def test_retention_on_an_unmigrated_database_says_to_migrate(database_url: str) -> None:
    result = subprocess.run(
        consumer_command("retention", database_url=database_url, facts_retention_days=30),
        cwd=harness.REPO, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    harness.assert_one_clear_error(result, "python -m consumer migrate")


@pytest.mark.parametrize("count", [3, VACUUM_AFTER_ROWS], ids=["small-deleted", "large-truncated"])
def test_a_batch_leaves_the_staging_tables_empty_for_the_next(
    migrated_connection: psycopg.Connection[Any], count: int
) -> None:
    start = NOW - timedelta(hours=2)
    first = [_event(f"u-{i % 50}", start + timedelta(milliseconds=i)) for i in range(count)]
    _write(migrated_connection, first, 0)
    for table in STAGING_TABLES:
        left = migrated_connection.execute(
            sql.SQL("select count(*) from {}").format(sql.Identifier(table))
        ).fetchone()
        assert left == (0,), table
    _write(migrated_connection, [_event("u-late", start + timedelta(hours=1))], count)
    stored = migrated_connection.execute("select count(*) from events").fetchone()
    assert stored == (count + 1,)
    counted = migrated_connection.execute(
        "select sum(event_count)::int from event_counts_per_minute"
    ).fetchone()
    assert counted == (count + 1,)
