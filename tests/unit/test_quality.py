"""The data-quality report and the `consumer check` command line, without a database: what
passes and fails, how a shrinking table is judged, and the exit flags."""

from __future__ import annotations

from datetime import UTC, datetime

from consumer import cli
from consumer.quality.checks import CheckResult, QualityRun, TableCount
from consumer.quality.report import format_report

_AT = datetime(2026, 12, 6, 14, 0, tzinfo=UTC)


def _run(*counts: TableCount, failing: int = 0) -> QualityRun:
    checks = (
        CheckResult("device_known", "events", 120, failing),
        CheckResult("quantity_in_range", "events", 30, 0),
    )
    return QualityRun(_AT, checks, counts, duration_s=0.25)


def test_a_clean_run_passes_and_shows_the_deltas() -> None:
    run = _run(TableCount("events", 120, 100, _AT), TableCount("dim_date", 700, None, None))
    assert run.failed == ()
    lines = format_report(run).splitlines()
    assert lines[0].split() == ["check", "table", "checked", "failing", "result"]
    assert lines[2].split() == ["device_known", "events", "120", "0", "ok"]
    assert ["events", "120", "+20", "2026-12-06", "14:00:00", "ok"] in [ln.split() for ln in lines]
    assert ["dim_date", "700", "ok"] in [line.split() for line in lines]
    assert lines[-1] == "all 4 checks passed (0.25 s)"


def test_failing_rows_and_a_shrinking_table_fail_the_run() -> None:
    run = _run(TableCount("events", 90, 100, _AT), failing=3)
    assert {(r.check, r.table, r.failing_rows) for r in run.failed} == {
        ("device_known", "events", 3),
        ("row_count", "events", 10),
    }
    report = format_report(run)
    assert "FAIL (shrank)" in report
    assert report.splitlines()[-1] == (
        "2 of 3 checks failed: device_known on events, row_count on events"
    )


def test_events_shrink_by_what_retention_dropped_and_no_more() -> None:
    dropped = TableCount("events_dropped", 30, 0, _AT)
    assert _run(TableCount("events", 90, 100, _AT), dropped).failed == ()
    assert "ok (retention: see events_dropped)" in format_report(
        _run(TableCount("events", 90, 100, _AT), dropped)
    )
    failed = _run(TableCount("events", 60, 100, _AT), dropped).failed
    assert [(r.check, r.table, r.failing_rows) for r in failed] == [("row_count", "events", 10)]


def test_user_history_may_shrink() -> None:
    run = _run(TableCount("user_history", 90, 100, _AT))
    assert run.failed == ()
    assert "ok (may shrink)" in format_report(run)


def test_the_check_command_takes_the_window_and_no_store() -> None:
    args = cli.build_parser().parse_args(
        ["check", "--database-url", "x", "--late-horizon-days", "800", "--no-store"]
    )
    assert args.command == "check"
    assert args.late_horizon_days == 800.0
    assert args.check_store is False
    assert cli.build_parser().parse_args(["check"]).check_store is True
