"""The facts' weekly partitions seen from the consumer, without a database: which week an
event time belongs to, which weeks a batch asks for (only unseen ones, within the span),
what a busy lock does, and the retention and reconcile reports."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import psycopg
import pytest

from consumer.retention.cli import format_run
from consumer.retention.maintenance import MaintenanceRun, Status
from consumer.store.partitions import EventPartitions, PartitionSpan, week_start, weeks_between
from consumer.store.reconcile import Drift, format_report

MONDAY = datetime(2026, 11, 30, tzinfo=UTC)


def test_a_week_starts_on_monday_at_midnight_utc() -> None:
    assert week_start(MONDAY) == MONDAY
    assert week_start(MONDAY + timedelta(days=6, hours=23, minutes=59)) == MONDAY
    assert week_start(MONDAY - timedelta(microseconds=1)) == MONDAY - timedelta(days=7)
    # 01:00 on Monday in UTC+2 is still Sunday in UTC: the week before.
    berlin_summer = timezone(timedelta(hours=2))
    assert week_start(datetime(2026, 11, 30, 1, 0, tzinfo=berlin_summer)) == MONDAY - timedelta(7)


def test_weeks_between_covers_both_ends() -> None:
    weeks = weeks_between(MONDAY - timedelta(days=1), MONDAY + timedelta(days=8))
    assert weeks == [MONDAY - timedelta(days=7), MONDAY, MONDAY + timedelta(days=7)]


class _FakeCursor:
    def __init__(self, created: int) -> None:
        self._created = created

    def fetchone(self) -> tuple[int]:
        return (self._created,)


class _FakeConnection:
    """Records the weeks asked for; raises `error` instead when it is set."""

    def __init__(self, error: psycopg.Error | None = None) -> None:
        self.asked: list[list[datetime]] = []
        self.error = error

    @contextmanager
    def transaction(self) -> Iterator[None]:
        yield

    def execute(self, _statement: str, params: dict[str, Any]) -> _FakeCursor:
        if self.error is not None:
            raise self.error
        self.asked.append(params["weeks"])
        return _FakeCursor(len(params["weeks"]))


def _rows(*times: datetime) -> list[tuple[Any, ...]]:
    return [("id", "login", at) for at in times]


def _ensure(known: EventPartitions, conn: _FakeConnection, *times: datetime) -> None:
    known.ensure_for_rows(conn, _rows(*times))  # type: ignore[arg-type]


def test_a_batch_asks_only_for_the_weeks_it_has_not_seen() -> None:
    now = datetime.now(UTC)
    known, conn = EventPartitions(), _FakeConnection()
    _ensure(known, conn, now - timedelta(days=8), now)
    assert conn.asked == [weeks_between(now - timedelta(days=8), now)]
    _ensure(known, conn, now - timedelta(days=1), now)  # every week known: no round trip
    assert len(conn.asked) == 1


def test_a_batch_asks_for_no_week_outside_the_span() -> None:
    now = datetime.now(UTC)
    known, conn = EventPartitions(PartitionSpan(late_horizon=timedelta(days=30))), _FakeConnection()
    _ensure(known, conn, now - timedelta(days=3 * 365))  # a producer's clock years behind
    assert conn.asked == []
    _ensure(known, conn, now - timedelta(days=3 * 365), now)
    # Clamped to the span: from 30 days and a week back to now, not three years.
    assert conn.asked == [weeks_between(now - timedelta(days=37), now)]


def test_a_busy_lock_lets_the_batch_go_on_and_is_tried_again_later(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    now = datetime.now(UTC)
    busy = psycopg.errors.LockNotAvailable("canceling statement due to lock timeout")
    known, conn = EventPartitions(), _FakeConnection(busy)
    clock = [1000.0]
    monkeypatch.setattr("consumer.store.partitions.time.monotonic", lambda: clock[0])
    _ensure(known, conn, now)  # no exception: the rows go to events_default
    assert known.known == set()
    conn.error = None
    _ensure(known, conn, now)
    assert conn.asked == []  # not again at once: each try may wait a lock timeout
    clock[0] += 31
    _ensure(known, conn, now)
    assert conn.asked == [[week_start(now)]]


def test_any_other_failure_is_the_batch_s_business() -> None:
    denied = psycopg.errors.InsufficientPrivilege("permission denied")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        _ensure(EventPartitions(), _FakeConnection(denied), datetime.now(UTC))


def test_the_retention_report_says_what_was_dropped_and_what_is_kept() -> None:
    run = MaintenanceRun(1, (("events_p20260105", 120), ("events_default", 3)), 90, MONDAY)
    status = Status(MONDAY, MONDAY, 8, "events_p20261005", "events_p20261214")
    report = format_run(run, status)
    assert "partitions created ahead: 1" in report
    assert ["dropped", "events_p20260105", "120", "facts"] in [
        ln.split() for ln in report.splitlines()
    ]
    assert "idempotency keys pruned: 90" in report
    assert report.splitlines()[-1] == (
        "kept: facts from 2026-11-30 (UTC) on, in 8 weekly partitions "
        "(events_p20261005 .. events_p20261214)"
    )
    unset = format_run(MaintenanceRun(0, (), 0, None), Status(None, None, 3, "a", "b"))
    assert "FACTS_RETENTION_DAYS is not set: every fact is kept" in unset


def test_reconcile_reports_history_apart_from_drift() -> None:
    report = format_report(
        [Drift("daily_sales", 12, 0, (), history=5), Drift("dim_date", 700, 0, ())]
    )
    lines = report.splitlines()
    assert lines[0].split()[-4:] == ["not", "checkable", "(facts", "dropped)"]
    assert lines[2].split() == ["daily_sales", "12", "0", "5"]
    assert lines[-2].startswith("5 rows of periods before the retained facts are kept")
    assert lines[-1] == "all aggregates match the retained facts"
