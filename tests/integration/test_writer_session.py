"""The consumer's batch session compiles no JIT code: on a large database the planner's
estimates for a batch statement pass `jit_above_cost`, and compiling then cost more than
running (sql/consumer/session_settings.sql). Checked on a database whose own default is to
compile every statement, so the session's setting is what decides."""

from __future__ import annotations

import psycopg
import pytest
from psycopg import sql

from consumer.store.database import Database
from consumer.store.migrations import migrate

pytestmark = pytest.mark.integration


def test_the_batch_session_turns_jit_off_where_the_database_would_compile_everything(
    database_url: str,
) -> None:
    with psycopg.connect(database_url, autocommit=True) as conn:
        migrate(conn)
        name = conn.info.dbname
        for setting, value in (("jit", "on"), ("jit_above_cost", "0")):
            conn.execute(
                sql.SQL("alter database {} set {} = {}").format(
                    sql.Identifier(name), sql.Identifier(setting), sql.Literal(value)
                )
            )
    database = Database(database_url)
    try:
        plain = database.connect()
        with plain:
            # The database's default reaches a new session: the check below can fail.
            assert plain.execute("show jit_above_cost").fetchone() == ("0",)
            assert plain.execute("show jit").fetchone() == ("on",)
        batch = database.connection()
        assert batch.execute("show jit").fetchone() == ("off",)
    finally:
        database.discard()
