"""`stack up` keeps its database only while the database's offsets fit the broker: one
filled from another Kafka is renamed aside (never dropped) so a fresh one can start."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import make_conninfo

from consumer.store.migrations import migrate
from stack.config import parse_database_url
from stack.database_pairing import ensure_paired
from tests.databases import scratch_database
from tests.integration.harness import Record, produce

pytestmark = pytest.mark.integration

RECORDS = 5


@pytest.fixture
def owned_database(admin_database_url: str) -> Iterator[str]:
    """A migrated scratch database owned by the role that may rename it."""
    with scratch_database(admin_database_url, "pulse_pairing") as url:
        with psycopg.connect(url) as conn:
            migrate(conn)
        yield url


def _store_offset(url: str, topic: str, next_offset: int) -> None:
    with psycopg.connect(url) as conn:
        conn.execute(
            "insert into partition_offsets (topic, kafka_partition, next_offset, first_offset)"
            " values (%s, 0, %s, %s)",
            (topic, next_offset, next_offset),
        )


def _databases(admin_url: str, prefix: str) -> list[str]:
    with psycopg.connect(admin_url) as conn:
        rows = conn.execute(
            "select datname from pg_database where datname like %s", (prefix + "%",)
        ).fetchall()
    return [str(row[0]) for row in rows]


def _drop(admin_url: str, name: str) -> None:
    statement = sql.SQL("drop database {} with (force)").format(sql.Identifier(name))
    # An autovacuum worker may be visiting the freshly renamed database, and only a
    # superuser may terminate it: FORCE then fails until the worker is done.
    for attempt in range(20):
        try:
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(statement)
            return
        except psycopg.errors.InsufficientPrivilege:
            if attempt == 19:
                raise
            time.sleep(0.5)


@pytest.fixture
def one_partition_topic(kafka_bootstrap: str, topic_factory: Callable[..., str]) -> str:
    topic = topic_factory("pairing", partitions=1)
    produce(kafka_bootstrap, topic, [Record(b"k", b"{}", None, "x") for _ in range(RECORDS)])
    return topic


def test_offsets_within_the_partitions_keep_the_database(
    owned_database: str, one_partition_topic: str, kafka_bootstrap: str, admin_database_url: str
) -> None:
    _store_offset(owned_database, one_partition_topic, RECORDS)
    target = parse_database_url(owned_database)

    assert ensure_paired(target, kafka_bootstrap) is False
    assert _databases(admin_database_url, target.dbname) == [target.dbname]


def test_offsets_past_a_partition_end_rename_the_database_and_keep_its_rows(
    owned_database: str, one_partition_topic: str, kafka_bootstrap: str, admin_database_url: str
) -> None:
    _store_offset(owned_database, one_partition_topic, RECORDS + 2)
    target = parse_database_url(owned_database)

    assert ensure_paired(target, kafka_bootstrap) is True

    names = _databases(admin_database_url, target.dbname)
    archives = [name for name in names if name.startswith(f"{target.dbname}_before_")]
    try:
        assert target.dbname not in names
        assert len(archives) == 1
        archive_url = make_conninfo(owned_database, dbname=archives[0])
        with psycopg.connect(archive_url) as conn:
            row = conn.execute(
                "select next_offset from partition_offsets where topic = %s",
                (one_partition_topic,),
            ).fetchone()
        assert row == (RECORDS + 2,)
    finally:
        for name in archives:
            _drop(admin_database_url, name)


def test_offsets_of_a_topic_the_broker_lacks_rename_the_database(
    owned_database: str, kafka_bootstrap: str, admin_database_url: str
) -> None:
    _store_offset(owned_database, "pairing.absent.topic", 3)
    target = parse_database_url(owned_database)

    assert ensure_paired(target, kafka_bootstrap) is True

    archives = _databases(admin_database_url, f"{target.dbname}_before_")
    try:
        assert len(archives) == 1
        assert target.dbname not in _databases(admin_database_url, target.dbname)
    finally:
        for name in archives:
            _drop(admin_database_url, name)


def test_a_database_without_offsets_is_kept(admin_database_url: str, kafka_bootstrap: str) -> None:
    with scratch_database(admin_database_url, "pulse_pairing") as url:
        target = parse_database_url(url)
        assert ensure_paired(target, kafka_bootstrap) is False
        assert _databases(admin_database_url, target.dbname) == [target.dbname]
