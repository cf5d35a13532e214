"""`python -m consumer check`, and the start of the consumer's periodic data-quality job:
the command line side of the checks. Errors reach `consumer.cli.main`, which turns each
into one line."""

from __future__ import annotations

import argparse

from prometheus_client import CollectorRegistry

from consumer.quality.checks import run_checks, store_run
from consumer.quality.job import QualityJob, QualityMetrics
from consumer.quality.report import format_report
from consumer.store.database import Database
from pulse.cli_help import ENV_NOTE, setting_option
from pulse.settings import Settings

CHECK_HELP = (
    "Run the data-quality checks of the facts and aggregates (category, null and range "
    "checks, the calendar's coverage) and count every table's rows, with the change since "
    "the previous stored run; print them as tables, store them in quality_results, and exit "
    "1 if any check fails (a table that only grows counting fewer rows fails too)."
)


def add_check_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    check = commands.add_parser(
        "check",
        help="run the data-quality checks and row counts; exit 1 if any fails",
        description=CHECK_HELP,
        epilog=ENV_NOTE,
    )
    setting_option(check, "--database-url", "database_url", metavar="URL")
    setting_option(check, "--late-horizon-days", "late_horizon_days", type=float, metavar="DAYS")
    setting_option(
        check, "--clock-skew-seconds", "clock_skew_seconds", type=float, metavar="SECONDS"
    )
    setting_option(check, "--log-level", "log_level", metavar="LEVEL")
    check.add_argument(
        "--no-store",
        dest="check_store",
        action="store_false",
        help="do not record this run in quality_results (the next run's deltas then compare "
        "with the run before it)",
    )


def run_check(settings: Settings, *, store: bool = True) -> int:
    """Print the report; exit 0 only when every check passes."""
    database = Database(settings.database_url.get_secret_value())
    database.check()
    with database.connect() as conn:
        run = run_checks(
            conn,
            clock_skew_seconds=settings.clock_skew_seconds,
            late_horizon_days=settings.late_horizon_days,
        )
        if store:
            store_run(conn, run)
    print(format_report(run))
    return 1 if run.failed else 0


def start_quality_job(settings: Settings, registry: CollectorRegistry) -> QualityJob:
    """The periodic job behind the consumer's `pulse_quality_*` metrics, started unless
    QUALITY_CHECK_INTERVAL_S is 0 (then stopping it does nothing)."""
    job = QualityJob(
        settings.database_url.get_secret_value(),
        QualityMetrics(registry),
        interval_s=settings.quality_check_interval_s,
        clock_skew_seconds=settings.clock_skew_seconds,
        late_horizon_days=settings.late_horizon_days,
    )
    if settings.quality_check_interval_s > 0:
        job.start()
    return job
