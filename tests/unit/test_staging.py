"""When the writer empties its staging tables by deleting, by truncating, and when it
vacuums them (consumer/store/staging.py); the tables themselves are checked against a real
server in tests/integration/test_partitioned_facts.py."""

from __future__ import annotations

from typing import Any, cast

from consumer.store.staging import VACUUM_AFTER_ROWS, StagingTables, emptying_statement
from pulse.sqlfiles import load_sql


class _Recorder:
    def __init__(self) -> None:
        self.statements: list[str] = []

    def execute(self, statement: str) -> None:
        self.statements.append(statement)


def test_small_batches_delete_their_rows_and_large_ones_truncate() -> None:
    assert emptying_statement(1) == load_sql("consumer/clear_staging")
    assert emptying_statement(VACUUM_AFTER_ROWS - 1) == load_sql("consumer/clear_staging")
    assert emptying_statement(VACUUM_AFTER_ROWS) == load_sql("consumer/truncate_staging")


def test_the_tables_are_vacuumed_once_enough_deleted_rows_passed_through() -> None:
    conn = _Recorder()
    staging = StagingTables()
    batch = VACUUM_AFTER_ROWS // 4 + 1  # four such batches pass the threshold
    for _ in range(3):
        staging.written(cast(Any, conn), batch)
    assert conn.statements == []
    staging.written(cast(Any, conn), batch)
    assert conn.statements == [load_sql("consumer/vacuum_staging")]
    staging.written(cast(Any, conn), batch)
    assert len(conn.statements) == 1  # counting starts again


def test_a_truncated_batch_leaves_nothing_to_vacuum() -> None:
    conn = _Recorder()
    staging = StagingTables()
    for _ in range(5):
        staging.written(cast(Any, conn), VACUUM_AFTER_ROWS)
    assert conn.statements == []
