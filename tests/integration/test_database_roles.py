"""Least privilege in PostgreSQL: the consumer's role writes its tables through a real run
but cannot change the schema; the owner role migrates (migration 050 and its grants)."""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from pydantic import SecretStr

from consumer.settings import Settings
from tests.databases import as_role, scratch_database
from tests.integration import harness
from tests.integration.harness import REPO

pytestmark = pytest.mark.integration

# The role the local stack creates from DATABASE_URL's default (`make up`).
_DEFAULT = Settings.model_fields["database_url"].default
CONSUMER_ROLE_URL = _DEFAULT.get_secret_value() if isinstance(_DEFAULT, SecretStr) else ""

# Each must fail with SQLSTATE 42501 (insufficient privilege) for the consumer's role.
FORBIDDEN = {
    "drop table": "drop table events",
    "drop offsets": "drop table partition_offsets",
    "alter table": "alter table events add column sneaky integer",
    "rename table": "alter table events rename to old_events",
    "truncate": "truncate events",
    "create table": "create table sneaky (id integer)",
    "create index": "create index sneaky_idx on events (user_id)",
    "create function": "create function sneaky() returns int language sql as 'select 1'",
    "write the migration ledger": "delete from schema_migrations",
    "drop the schema": "drop schema public cascade",
}


def _migrate(owner_url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "consumer", "migrate", "--migrations-database-url", owner_url],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def owner_url(admin_database_url: str) -> Iterator[str]:
    """A new database owned by the owner role (the tests' admin), not migrated yet."""
    with scratch_database(admin_database_url, "pulse_roles") as url:
        yield url


@pytest.fixture
def consumer_url(owner_url: str) -> str:
    url = as_role(owner_url, CONSUMER_ROLE_URL)
    try:
        psycopg.connect(url, connect_timeout=5).close()
    except psycopg.OperationalError as exc:
        pytest.fail(f"the consumer role cannot log in ({exc}): `make up` creates it")
    return url


@pytest.fixture
def migrated(owner_url: str, consumer_url: str) -> str:
    """The consumer's URL of a database that the owner role has migrated."""
    result = _migrate(owner_url)
    assert result.returncode == 0, result.stderr
    return consumer_url


@pytest.fixture(scope="module")
def shared_migrated(admin_database_url: str) -> Iterator[str]:
    """Like `migrated`, shared by the checks that change nothing (each statement fails)."""
    with scratch_database(admin_database_url, "pulse_roles") as url:
        result = _migrate(url)
        assert result.returncode == 0, result.stderr
        yield as_role(url, CONSUMER_ROLE_URL)


def test_the_owner_role_migrates_and_the_ledger_records_050(owner_url: str) -> None:
    first, second = _migrate(owner_url), _migrate(owner_url)
    assert (first.returncode, second.returncode) == (0, 0), first.stderr + second.stderr
    assert "050_writer_role.sql" in first.stderr
    assert "applying migration" not in second.stderr  # nothing left to apply
    with psycopg.connect(owner_url) as conn:
        versions = [row[0] for row in conn.execute("select version from schema_migrations")]
    assert 50 in versions


def test_the_consumer_role_is_no_owner_and_no_superuser(shared_migrated: str) -> None:
    with psycopg.connect(shared_migrated) as conn:
        role = conn.execute(
            "select rolsuper, rolcreatedb, rolcreaterole, rolbypassrls from pg_roles"
            " where rolname = current_user"
        ).fetchone()
        owned = conn.execute(
            "select count(*) from pg_class where relowner = (select oid from pg_roles"
            " where rolname = current_user) and relpersistence <> 't'"
        ).fetchone()
        database_owner = conn.execute(
            "select pg_get_userbyid(datdba) = current_user from pg_database"
            " where datname = current_database()"
        ).fetchone()
    assert role == (False, False, False, False)
    assert owned == (0,)
    assert database_owner == (False,)


@pytest.mark.parametrize("statement", FORBIDDEN.values(), ids=FORBIDDEN.keys())
def test_the_consumer_role_cannot_change_the_schema(shared_migrated: str, statement: str) -> None:
    with (
        psycopg.connect(shared_migrated) as conn,
        pytest.raises(psycopg.errors.InsufficientPrivilege),
    ):
        conn.execute(statement)


def test_the_consumer_role_runs_a_real_batch_end_to_end(
    kafka_bootstrap: str, migrated: str, topic_factory: Callable[..., str], tmp_path: Path
) -> None:
    topic, dlq = topic_factory("roles", 3), topic_factory("roles-dlq", 1)
    records = harness.make_records(8, 600, duplicate_every=15, invalid_every=20)
    harness.produce(kafka_bootstrap, topic, records)
    consumer = harness.run_consumer_to_idle(
        bootstrap=kafka_bootstrap,
        database_url=migrated,
        topic=topic,
        dlq_topic=dlq,
        group=f"g-{uuid.uuid4().hex[:8]}",
        log_dir=tmp_path,
    )
    unique = {r.event_id for r in records if r.event_id is not None}
    assert harness.fact_count(migrated) == len(unique), consumer.log()[-2000:]
    rows = harness.offsets(migrated)
    assert sum(row[2] - row[1] for row in rows) == len(records)  # every record accounted
    assert sum(row[3] + row[4] + row[5] for row in rows) == len(records)
    with psycopg.connect(migrated) as conn:
        daily = conn.execute("select count(*) from event_counts_per_hour").fetchone()
    assert daily is not None
    assert daily[0] > 0  # the aggregates were written too
    # The dead-letter mirror writes its table as the same role.
    mirror = subprocess.run(
        [sys.executable, "-m", "consumer", "dlq", "mirror", "--database-url", migrated,
         "--bootstrap-servers", kafka_bootstrap, "--dlq-topic", dlq],
        cwd=REPO, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert mirror.returncode == 0, mirror.stderr
    with psycopg.connect(migrated) as conn:
        mirrored = conn.execute("select count(*) from dead_letters").fetchone()
    assert mirrored == (sum(r.event_id is None for r in records),)


def test_tables_of_later_migrations_are_writable_by_the_consumer(
    owner_url: str, migrated: str
) -> None:
    # A table the owner creates after 050 (as a future migration would) is covered by the
    # default privileges without another grant.
    with psycopg.connect(owner_url) as conn:
        conn.execute("create table later_table (id bigserial primary key, note text)")
    with psycopg.connect(migrated) as conn:
        conn.execute("insert into later_table (note) values ('written by the consumer')")
        conn.execute("update later_table set note = 'updated'")
        row = conn.execute("select count(*) from later_table").fetchone()
        conn.execute("delete from later_table")
    assert row == (1,)
    with psycopg.connect(migrated) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("drop table later_table")


def test_run_on_an_unmigrated_database_says_to_migrate_as_the_owner(
    kafka_bootstrap: str, consumer_url: str
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "consumer", "run", "--database-url", consumer_url,
         "--bootstrap-servers", kafka_bootstrap, "--metrics-port", "0"],
        cwd=REPO, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    harness.assert_one_clear_error(
        result, "run `python -m consumer migrate`", "MIGRATIONS_DATABASE_URL"
    )
