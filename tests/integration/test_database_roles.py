"""Least privilege in PostgreSQL. The owner role migrates; the consumer's role (migrations 050
and 071) writes its tables through a real run, holds exactly the privileges its statements
use and is refused everything else; the read-only role pulse_reader (migration 070) runs
every query a reader is shown (Grafana panels, sql/queries, the demo's and the README's
SQL) and is refused every write and every DDL."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from pydantic import SecretStr

from pulse.settings import Settings
from stack.config import StackSettings
from tests.commands import unique_group
from tests.databases import as_role, scratch_database
from tests.integration import catalog_records as cat
from tests.integration import harness
from tests.integration.harness import REPO

pytestmark = pytest.mark.integration

# The role the local stack creates from DATABASE_URL's default (`make up`).
_DEFAULT = Settings.model_fields["database_url"].default
CONSUMER_ROLE_URL = _DEFAULT.get_secret_value() if isinstance(_DEFAULT, SecretStr) else ""
_READER_DEFAULT = StackSettings.model_fields["reader_database_url"].default
READER_ROLE_URL = (
    _READER_DEFAULT.get_secret_value() if isinstance(_READER_DEFAULT, SecretStr) else ""
)

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
    "delete facts": "delete from events",
    "rewrite facts": "update events set user_id = 'someone else'",
    "rewrite event_types": "update event_types set engagement_level = 'high'",
    "add an event type": "insert into event_types (event_type) values ('sneaky')",
    "delete the offset ledger": "delete from partition_offsets",
    "delete aggregates": "delete from daily_sales",
    "delete dead letters": "delete from dead_letters",
    "drop the schema": "drop schema public cascade",
    # Partitions come and go only through the security-definer functions of views/facts/.
    "create a partition": (
        "create table sneaky partition of events for values from ('2000-01-03') to ('2000-01-10')"
    ),
    "drop a partition": "drop table events_default",
    "detach a partition": "alter table events detach partition events_default",
    "delete keys": "delete from event_ids",
    "move the retention bound": "update facts_retention set retained_from = now()",
}


WRITER, READER = "pulse_writer", "pulse_reader"
_UPSERTED = "select insert update"
_AGGREGATES = (
    "event_counts_per_minute", "event_counts_per_hour", "weekday_hour_activity",
    "user_daily_activity", "user_activity", "user_weekly_activity", "session_funnels",
    "content_items", "content_daily_activity", "author_category_daily_activity",
    "product_daily_sales", "daily_sales", "agent_daily_calls", "daily_call_metrics",
)  # fmt: skip
_VIEWS = (
    "user_engagement", "top_users", "active_users_daily", "active_users_weekly",
    "active_users_monthly", "weekly_retention", "action_trends_by_minute",
    "action_trends_by_hour", "action_trends_by_day", "live_counters",
    "engagement_by_weekday_hour", "post_engagement_stats", "top_pages", "top_authors_90d",
    "author_opportunities", "category_stats", "funnel_daily", "sales_weekly", "sales_monthly",
    "product_popularity", "dim_actions", "dim_users", "fact_user_actions", "agent_names",
    "agent_leaderboard", "daily_call_summary", "agent_conversion_drops",
    "agent_conversion_changes", "dim_product_current", "dim_post_current",
    "dim_author_current", "dim_agent_current", "team_daily_calls",
)  # fmt: skip
# Every relation of the schema -> (what pulse_writer may do, what pulse_reader may do), as
# migrations 070, 071 and 080 and the files of sql/views/ grant it. A relation missing here
# fails the test below: each new table or view needs a decision for both roles.
PRIVILEGES: dict[str, tuple[str, str]] = {
    "schema_migrations": ("select", ""),
    "schema_views": ("select", ""),
    "events": ("select insert", "select"),
    # The facts' partitions hold no privileges of their own: both roles reach them through
    # `events` only (checked for the weekly ones, which a batch creates, further down).
    "events_default": ("", ""),
    # The idempotency key is inserted with each fact; readers have no use for it.
    "event_ids": ("select insert", ""),
    # Retention's bound and what it dropped: read by reconcile and by anyone curious, written
    # only by the functions of views/facts/ (security definer).
    "facts_retention": ("select", "select"),
    "dropped_facts": ("select", "select"),
    "event_types": ("select", "select"),
    "partition_offsets": (_UPSERTED, "select"),
    **dict.fromkeys(_AGGREGATES, (_UPSERTED, "select")),
    "user_history": ("select insert update delete", "select"),
    "support_calls": ("select insert", "select"),
    "dead_letters": (_UPSERTED, "select"),
    "dead_letter_offsets": (_UPSERTED, ""),
    # The calendar grows in the batch transaction (sql/aggregates/170_dim_date.sql).
    "dim_date": ("select insert", "select"),
    # Data-quality runs: stored by `consumer check` and the consumer's job, which also
    # prunes those past 90 days (sql/quality/store_results.sql).
    "quality_results": ("select insert delete", "select"),
    # Rollups of issue 17 (migrations 130-): a user-day is inserted once; a count that a
    # late day or a late signup brings down to 0 is deleted.
    "user_active_days": ("select insert", "select"),
    "active_user_days_by_gap": ("select insert update delete", "select"),
    "user_signup_cohorts": (_UPSERTED, "select"),
    "weekly_cohort_activity": ("select insert update delete", "select"),
    "daily_session_funnels": ("select insert update delete", "select"),
    "product_sales": (_UPSERTED, "select"),
    "author_category_activity": (_UPSERTED, "select"),
    "content_leaders": ("select insert update delete", "select"),
    "post_publications": (_UPSERTED, "select"),
    "post_slot_activity": ("select insert update delete", "select"),
    "author_category_daily_posts": ("select insert update delete", "select"),
    # The catalog's SCD2 dimensions (migration 100): the batch transaction inserts
    # versions and ends earlier ones (update); never deletes one.
    **dict.fromkeys(("dim_product", "dim_post", "dim_author", "dim_agent"), (_UPSERTED, "select")),
    **dict.fromkeys(_VIEWS, ("", "select")),
}
KINDS = ("select", "insert", "update", "delete", "truncate", "references", "trigger")


def _relations(conn: psycopg.Connection[tuple[object, ...]]) -> list[str]:
    return sorted(_relation_kinds(conn))


def _relation_kinds(conn: psycopg.Connection[tuple[object, ...]]) -> dict[str, str]:
    """Name -> pg_class.relkind of every table and view of the schema."""
    rows = conn.execute(
        "select c.relname, c.relkind from pg_class as c inner join pg_namespace as n"
        " on c.relnamespace = n.oid where n.nspname = 'public'"
        " and c.relkind in ('r', 'v', 'm', 'p', 'f') order by 1"
    ).fetchall()
    return {str(name): str(kind) for name, kind in rows}


def _granted(conn: psycopg.Connection[tuple[object, ...]], role: str, relation: str) -> str:
    held = [
        kind
        for kind in KINDS
        if conn.execute(
            "select has_table_privilege(%s, %s, %s)", (role, f"public.{relation}", kind)
        ).fetchone()
        == (True,)
    ]
    return " ".join(held)


def _first_column(conn: psycopg.Connection[tuple[object, ...]], relation: str) -> str:
    row = conn.execute(
        "select attname from pg_attribute where attrelid = %s::regclass and attnum = 1",
        (f"public.{relation}",),
    ).fetchone()
    assert row is not None, relation
    return str(row[0])


def refused_writes(url: str, allowed: dict[str, str]) -> list[str]:
    """Tries insert, update, delete and truncate on every relation as the role of `url`;
    returns the statements that were not refused for lack of privilege although the
    relation's entry in `allowed` does not list them. Nothing is changed: every statement
    runs in a transaction that is rolled back, and matches no row. A view that cannot take
    a write at all (an aggregate, a join) refuses it before privileges are checked: any
    error counts as refused there."""
    not_refused = []
    with psycopg.connect(url) as conn:
        for relation, relkind in _relation_kinds(conn).items():
            table = sql.Identifier(relation)
            column = sql.Identifier(_first_column(conn, relation))
            statements = {
                "insert": sql.SQL("insert into {} ({}) select {} from {} where false").format(
                    table, column, column, table
                ),
                "update": sql.SQL("update {} set {} = {} where false").format(
                    table, column, column
                ),
                "delete": sql.SQL("delete from {} where false").format(table),
                "truncate": sql.SQL("truncate {}").format(table),
            }
            for kind, statement in statements.items():
                if kind in allowed.get(relation, "").split():
                    continue
                try:
                    with conn.transaction(force_rollback=True):
                        conn.execute(statement)
                except psycopg.errors.InsufficientPrivilege:
                    continue
                except psycopg.Error as exc:
                    if relkind != "v":
                        not_refused.append(f"{kind} {relation}: {type(exc).__name__} {exc}")
                    continue
                not_refused.append(f"{kind} {relation}: allowed")
    return not_refused


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
    assert "071_writer_grants.sql" in first.stderr
    assert "applying migration" not in second.stderr  # nothing left to apply
    with psycopg.connect(owner_url) as conn:
        versions = [row[0] for row in conn.execute("select version from schema_migrations")]
    assert {50, 70, 71} <= set(versions)


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


def test_every_relation_grants_exactly_its_listed_privileges(shared_migrated: str) -> None:
    with psycopg.connect(shared_migrated) as conn:
        relations = _relations(conn)
        actual = {
            name: (_granted(conn, WRITER, name), _granted(conn, READER, name)) for name in relations
        }
    undecided = sorted(set(relations) - set(PRIVILEGES))
    assert not undecided, f"no privileges decided for {undecided}: add them to PRIVILEGES"
    assert sorted(PRIVILEGES) == sorted(relations), "PRIVILEGES names a relation that is gone"
    assert actual == PRIVILEGES


def test_the_consumer_role_is_refused_every_write_it_does_not_use(shared_migrated: str) -> None:
    # Deleting or rewriting facts, rewriting event_types, truncating anything, writing the
    # migration ledger: each refused with SQLSTATE 42501.
    assert pulse_roles_hold(shared_migrated, WRITER)
    allowed = {name: writer for name, (writer, _) in PRIVILEGES.items()}
    assert refused_writes(shared_migrated, allowed) == []


def pulse_roles_hold(url: str, role: str) -> bool:
    """True when the login role of `url` is `role` or a member of it."""
    with psycopg.connect(url) as conn:
        row = conn.execute("select pg_has_role(current_user, %s, 'member')", (role,)).fetchone()
    return row == (True,)


def test_the_consumer_role_runs_a_real_batch_end_to_end(
    kafka_bootstrap: str, migrated: str, topic_factory: Callable[..., str], tmp_path: Path
) -> None:
    topic, dlq = topic_factory("roles", 3), topic_factory("roles-dlq", 1)
    records = harness.make_records(8, 600, duplicate_every=15, invalid_every=20)
    records += _months_old_records(9, 30)  # for retention to drop, further down
    harness.produce(kafka_bootstrap, topic, records)
    # The catalog's versions too: inserted, and the earlier ones ended (an update).
    catalog = cat.create_topic(kafka_bootstrap, "roles-catalog", 1)
    cat.produce(kafka_bootstrap, catalog, [
        cat.product("p-1", "Lamp", "2026-01-01T00:00:00Z"),
        cat.product("p-1", "Lamp Pro", "2026-01-02T00:00:00Z"),
        cat.post("c-1", ["a"], "2026-01-01T00:00:00Z"),
        cat.author("u-1", "Ada", "Science", "2026-01-01T00:00:00Z"),
        cat.agent("agent-1", "Bo", "Retention", "2026-01-01T00:00:00Z"),
        cat.tombstone("agent", "agent-1"),
    ])  # fmt: skip
    consumer = harness.run_consumer_to_idle(
        bootstrap=kafka_bootstrap,
        database_url=migrated,
        topic=topic,
        dlq_topic=dlq,
        catalog_topic=catalog,
        group=unique_group(),
        log_dir=tmp_path,
    )
    unique = {r.event_id for r in records if r.event_id is not None}
    assert harness.fact_count(migrated) == len(unique), consumer.log()[-2000:]
    rows = harness.offsets(migrated, topic)
    assert sum(row[2] - row[1] for row in rows) == len(records)  # every record accounted
    assert sum(row[3] + row[4] + row[5] for row in rows) == len(records)
    with psycopg.connect(migrated) as conn:
        daily = conn.execute("select count(*) from event_counts_per_hour").fetchone()
    assert daily is not None
    assert daily[0] > 0  # the aggregates were written too
    assert cat.rows(migrated, "select count(*), count(*) filter (where is_current)"
                    " from dim_product") == [(2, 1)]  # fmt: skip
    assert cat.rows(migrated, "select count(*) from dim_agent where is_deleted") == [(1,)]
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
    # `consumer reconcile` reads every aggregate and the facts as the same role.
    reconciled = subprocess.run(
        [sys.executable, "-m", "consumer", "reconcile", "--database-url", migrated,
         "--bootstrap-servers", kafka_bootstrap, "--catalog-topic", catalog],
        cwd=REPO, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert reconciled.returncode == 0, reconciled.stdout + reconciled.stderr
    assert f"dim_product vs {catalog}" in reconciled.stdout
    # The batches created the weekly partitions through create_event_partitions (the role
    # may not create a table itself): the owner's, with no privilege of their own, while
    # both roles read them through `events`.
    with psycopg.connect(migrated) as conn:
        weekly = [str(name) for (name,) in conn.execute(_WEEKLY_PARTITIONS)]
        assert len(weekly) >= 2, weekly  # this week's (or last) and the months-old one
        assert all(_granted(conn, WRITER, name) == "" for name in weekly)
        assert all(_granted(conn, READER, name) == "" for name in weekly)
    reader = as_role(migrated, READER_ROLE_URL)
    with psycopg.connect(reader) as conn:
        assert conn.execute("select count(*) from events").fetchone() == (len(unique),)
    # Retention drops the months-old week as the same role (security-definer functions),
    # and reconcile stays clean against what is left.
    reconcile = ["reconcile", "--bootstrap-servers", kafka_bootstrap, "--catalog-topic", catalog]
    for command in (["retention", "--facts-retention-days", "30"], reconcile):
        result = subprocess.run(
            [sys.executable, "-m", "consumer", *command, "--database-url", migrated],
            cwd=REPO, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert result.returncode == 0, result.stdout + result.stderr
    assert harness.fact_count(migrated) == len(unique) - 30
    cat.delete_topics(kafka_bootstrap, [catalog])


_WEEKLY_PARTITIONS = (
    "select child.relname from pg_inherits as inheritance inner join pg_class as child"
    " on inheritance.inhrelid = child.oid where inheritance.inhparent = 'events'::regclass"
    " and child.relname <> 'events_default'"
)


def _months_old_records(seed: int, count: int) -> list[harness.Record]:
    """Valid events of one day 100 days ago: a week a 30-day retention drops."""
    rng = random.Random(seed)
    day = datetime.now(UTC) - timedelta(days=100)
    records = []
    for _ in range(count):
        event = harness.valid_event(rng) | {"occurred_at": day.isoformat()}
        records.append(
            harness.Record(event["user_id"].encode(), json.dumps(event).encode(), event["event_id"])
        )
    return records


def test_tables_of_later_migrations_grant_nothing_until_a_migration_does(
    owner_url: str, migrated: str
) -> None:
    # A table the owner creates after 071 (as a future migration would) is neither readable
    # nor writable by the consumer or the reader: no default privileges hand it out.
    with psycopg.connect(owner_url) as conn:
        conn.execute("create table later_table (id bigserial primary key, note text)")
    reader = as_role(owner_url, READER_ROLE_URL)
    for url in (migrated, reader):
        for statement in (
            "select count(*) from later_table",
            "insert into later_table (note) values ('sneaky')",
            "select nextval('later_table_id_seq')",
        ):
            with psycopg.connect(url) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)


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
