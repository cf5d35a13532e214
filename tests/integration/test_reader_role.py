"""The read-only role pulse_reader (migration 070), as Grafana, psql and the demo use it: it
runs every query a reader is shown (each Grafana panel's SQL, sql/queries, the demo's
examples, the README's SQL, the SQL functions) and is refused every write and every DDL.

The queries run on an empty migrated database: this checks privileges, not results
(test_dashboards_live.py runs the panels as this role on live data, test_queries.py checks
the results)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from pulse.sqlfiles import SQL_ROOT
from tests import grafana
from tests.databases import as_role, scratch_database
from tests.integration.harness import REPO
from tests.integration.test_database_roles import (
    PRIVILEGES,
    READER_ROLE_URL,
    _migrate,
    refused_writes,
)

pytestmark = pytest.mark.integration

# Values for the %(name)s parameters of sql/queries (the README says to fill them in).
QUERY_PARAMETERS = {
    "limit": 10,
    "days": 30,
    "weeks": 8,
    "cohorts": 4,
    "per_category": 3,
    "include_shop": False,
    "post_id": "c-000000000000",
    "author_id": "u-0000000000",
    "user_id": "u-0000000000",
    "as_of": date(2026, 11, 23),
}
FUNCTIONS = {
    "post_engagement": "select * from post_engagement('c-000000000000')",
    "author_trends": "select * from author_trends('u-0000000000')",
    "top_categories": "select * from top_categories(3)",
    "top_categories with the shop": "select * from top_categories(3, true)",
    "posting_time_patterns": "select * from posting_time_patterns()",
    "is_shop_category": "select is_shop_category('Shop')",
}
# Each must be refused with SQLSTATE 42501 for the reader.
FORBIDDEN = {
    "drop a table": "drop table events",
    "drop a view": "drop view top_users",
    "drop the schema": "drop schema public cascade",
    "alter a table": "alter table events add column sneaky integer",
    "create a table": "create table sneaky (id integer)",
    "create a temp table": "create temp table sneaky (id integer)",
    "create a view": "create view sneaky as select 1 as one",
    "create a function": "create function sneaky() returns int language sql as 'select 1'",
    "create a schema": "create schema sneaky",
    "create an index": "create index sneaky_idx on events (user_id)",
    "read the migration ledger": "select * from schema_migrations",
    "read the mirror's offsets": "select * from dead_letter_offsets",
}


def _readme_sql() -> dict[str, str]:
    """Each statement of the README's ```sql blocks."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sql\n(.*?)```", text, flags=re.DOTALL)
    statements = [
        part.strip()
        for block in blocks
        for part in re.sub(r"^--.*$", "", block, flags=re.MULTILINE).split(";")
        if part.strip()
    ]
    return {f"README {index}": statement for index, statement in enumerate(statements, 1)}


def _files(directory: Path) -> dict[str, str]:
    return {
        str(path.relative_to(REPO)): path.read_text(encoding="utf-8")
        for path in sorted(directory.glob("*.sql"))
    }


def _panel_queries() -> dict[str, str]:
    """Every Grafana PostgreSQL panel query, macros expanded for the last 7 days."""
    now = datetime.now(UTC)
    values = {"__interval": "10m", "__interval_ms": "600000"}
    return {
        target.name: grafana.expand_sql_macros(
            grafana.substitute_variables(target.text, values),
            time_from=now - timedelta(days=7),
            time_to=now,
        )
        for target in grafana.all_targets()
        if target.datasource_type == grafana.POSTGRES_TYPE
    }


READER_QUERIES = {
    **_panel_queries(),
    **_files(SQL_ROOT / "queries"),
    **_files(SQL_ROOT / "demo"),
    **_readme_sql(),
    **FUNCTIONS,
}


@pytest.fixture(scope="module")
def reader_url(admin_database_url: str) -> Iterator[str]:
    """The reader's URL of a database that the owner role has migrated."""
    with scratch_database(admin_database_url, "pulse_reader") as url:
        result = _migrate(url)
        assert result.returncode == 0, result.stderr
        reader = as_role(url, READER_ROLE_URL)
        try:
            psycopg.connect(reader, connect_timeout=5).close()
        except psycopg.OperationalError as exc:
            pytest.fail(f"the reader role cannot log in ({exc}): `make up` creates it")
        yield reader


def test_there_is_something_to_run() -> None:
    assert len(_panel_queries()) >= 10
    assert len(_readme_sql()) >= 2
    assert any(name.startswith("sql/queries/") for name in READER_QUERIES)
    assert any(name.startswith("sql/demo/") for name in READER_QUERIES)


@pytest.mark.parametrize("query", READER_QUERIES.values(), ids=READER_QUERIES.keys())
def test_the_reader_runs_every_query_it_is_shown(reader_url: str, query: str) -> None:
    with psycopg.connect(reader_url) as conn:
        conn.execute(query.encode(), QUERY_PARAMETERS if "%(" in query else None).fetchall()


def test_the_reader_is_no_owner_and_no_superuser(reader_url: str) -> None:
    with psycopg.connect(reader_url) as conn:
        role = conn.execute(
            "select rolsuper, rolcreatedb, rolcreaterole, rolbypassrls from pg_roles"
            " where rolname = current_user"
        ).fetchone()
        member_of = conn.execute(
            "select array_agg(b.rolname order by b.rolname) from pg_auth_members as m"
            " inner join pg_roles as b on m.roleid = b.oid"
            " where m.member = (select oid from pg_roles where rolname = current_user)"
        ).fetchone()
    assert role == (False, False, False, False)
    assert member_of == (None,)  # inherits nothing from a writing role


def test_the_reader_is_refused_every_insert_update_delete_and_truncate(reader_url: str) -> None:
    assert refused_writes(reader_url, {}) == []
    assert any(reader for _, reader in PRIVILEGES.values())  # it does read some


@pytest.mark.parametrize("statement", FORBIDDEN.values(), ids=FORBIDDEN.keys())
def test_the_reader_is_refused_ddl_and_the_internals(reader_url: str, statement: str) -> None:
    with (
        psycopg.connect(reader_url) as conn,
        pytest.raises(psycopg.errors.InsufficientPrivilege),
    ):
        conn.execute(statement)


def test_a_reader_refusal_names_the_relation(reader_url: str) -> None:
    with psycopg.connect(reader_url) as conn:
        table = sql.Identifier("events")
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="events"):
            conn.execute(sql.SQL("delete from {}").format(table))
