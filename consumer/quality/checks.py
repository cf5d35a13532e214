"""Runs the data-quality checks (`sql/quality/`) at one snapshot, stores each run in
`quality_results`, and reads the newest stored run back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import psycopg

from pulse.errors import PulseError
from pulse.sqlfiles import load_sql

ROW_COUNT = "row_count"
# Tables whose rows may be deleted: user_history drops the versions a late event
# supersedes (sql/aggregates/020_user_history.sql), event_ids the keys retention no longer
# needs (sql/views/facts/prune_event_ids.sql). Every other table only grows, so a
# smaller count than the previous run's means rows were lost; `events` may shrink by the
# facts retention dropped since that run (FACTS_RETENTION_DAYS), counted under this name
# (sql/quality/row_counts.sql), and by nothing more.
MAY_SHRINK = frozenset({"user_history", "event_ids"})
FACTS = "events"
DROPPED_FACTS = "events_dropped"


class QualitySchemaError(PulseError, RuntimeError):
    """The database lacks the tables the checks read: migrations were not applied."""


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One check on one table: how many rows it judged and how many failed it. For
    `row_count`, checked_rows is the table's count and failing_rows how far it shrank."""

    check: str
    table: str
    checked_rows: int
    failing_rows: int

    @property
    def passed(self) -> bool:
        return self.failing_rows == 0


@dataclass(frozen=True, slots=True)
class TableCount:
    table: str
    rows: int
    previous_rows: int | None
    previous_at: datetime | None

    @property
    def delta(self) -> int | None:
        return None if self.previous_rows is None else self.rows - self.previous_rows

    def as_check(self, *, dropped: int = 0) -> CheckResult:
        """`dropped`: rows deleted on purpose since the previous run (retention)."""
        shrunk = (
            0 if self.previous_rows is None else max(self.previous_rows - self.rows - dropped, 0)
        )
        return CheckResult(
            ROW_COUNT, self.table, self.rows, 0 if self.table in MAY_SHRINK else shrunk
        )


@dataclass(frozen=True, slots=True)
class QualityRun:
    checked_at: datetime
    checks: tuple[CheckResult, ...]
    counts: tuple[TableCount, ...]
    duration_s: float = 0.0

    @property
    def results(self) -> tuple[CheckResult, ...]:
        """Every check, the row-count ones included, as stored."""
        return (*self.checks, *(self.count_check(count) for count in self.counts))

    def count_check(self, count: TableCount) -> CheckResult:
        if count.table != FACTS:
            return count.as_check()
        dropped = next((c.delta for c in self.counts if c.table == DROPPED_FACTS), None)
        return count.as_check(dropped=dropped or 0)

    @property
    def failed(self) -> tuple[CheckResult, ...]:
        return tuple(result for result in self.results if not result.passed)


def run_checks(
    conn: psycopg.Connection[Any], *, clock_skew_seconds: float, late_horizon_days: float
) -> QualityRun:
    """Every check and row count at one snapshot (REPEATABLE READ, read only), so the
    counts and the checks describe the same instant while consumers keep writing."""
    started = datetime.now(UTC)
    window = {"clock_skew_seconds": clock_skew_seconds, "late_horizon_days": late_horizon_days}
    try:
        with conn.transaction():
            conn.execute("set transaction isolation level repeatable read, read only")
            check_rows = conn.execute(load_sql("quality/fact_checks"), window).fetchall()
            count_rows = conn.execute(load_sql("quality/row_counts")).fetchall()
    except psycopg.errors.UndefinedTable as exc:
        raise QualitySchemaError(
            f"{exc.diag.message_primary}: the tables the checks read are missing. "
            "Apply the migrations first (`python -m consumer migrate`)."
        ) from None
    checks = tuple(
        CheckResult(str(name), str(table), int(checked), int(failing))
        for name, table, checked, failing in check_rows
    )
    counts = tuple(
        TableCount(str(table), int(rows), None if before is None else int(before), at)
        for table, rows, before, at in count_rows
    )
    duration_s = (datetime.now(UTC) - started).total_seconds()
    return QualityRun(started, checks, counts, duration_s)


def store_run(conn: psycopg.Connection[Any], run: QualityRun) -> None:
    """One row per result in `quality_results` (and results past 90 days pruned)."""
    results = run.results
    with conn.transaction():
        conn.execute(
            load_sql("quality/store_results"),
            {
                "checked_at": run.checked_at,
                "check_names": [r.check for r in results],
                "table_names": [r.table for r in results],
                "checked_rows": [r.checked_rows for r in results],
                "failing_rows": [r.failing_rows for r in results],
            },
        )


def latest_run(conn: psycopg.Connection[Any]) -> QualityRun | None:
    """The newest stored run, or None when no run was stored yet."""
    with conn.transaction():
        rows = conn.execute(load_sql("quality/latest_results")).fetchall()
    if not rows:
        return None
    checked_at: datetime = rows[0][4]
    checks = tuple(
        CheckResult(str(name), str(table), int(checked), int(failing))
        for name, table, checked, failing, *_ in rows
        if name != ROW_COUNT
    )
    counts = tuple(
        TableCount(str(table), int(checked), None if before is None else int(before), before_at)
        for name, table, checked, _, _, before, before_at in rows
        if name == ROW_COUNT
    )
    return QualityRun(checked_at, checks, counts)
