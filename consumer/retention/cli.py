"""`python -m consumer retention`, and the start of the consumer's periodic partition
maintenance: the command line side of retention. Errors reach `consumer.cli.main`, which
turns each into one line."""

from __future__ import annotations

import argparse

import psycopg

from consumer.retention.maintenance import (
    MaintenanceJob,
    MaintenanceRun,
    Status,
    read_status,
    run_maintenance,
)
from consumer.store.database import Database
from consumer.store.partitions import EventPartitions, PartitionSpan
from pulse.cli_help import ENV_NOTE, setting_option
from pulse.errors import PulseError, first_line
from pulse.settings import Settings

RETENTION_HELP = (
    "Create this week's partition of the facts and the next ones ahead of need; with "
    "FACTS_RETENTION_DAYS, drop the weekly partitions older than the retention (their facts "
    "are counted per Kafka partition in dropped_facts, their idempotency keys pruned) while "
    "every aggregate keeps its history. Prints what it did and how far back the facts go. "
    "The consumer does the same every FACTS_MAINTENANCE_INTERVAL_S."
)


class RetentionBusyError(PulseError, RuntimeError):
    """The facts table stayed locked past the drop's lock timeout."""


class RetentionSchemaError(PulseError, RuntimeError):
    """The database lacks migration 120's tables or functions."""


def add_retention_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    retention = commands.add_parser(
        "retention",
        help="create partitions ahead and drop the facts older than FACTS_RETENTION_DAYS",
        description=RETENTION_HELP,
        epilog=ENV_NOTE,
    )
    setting_option(retention, "--database-url", "database_url", metavar="URL")
    setting_option(
        retention, "--facts-retention-days", "facts_retention_days", type=float, metavar="DAYS"
    )
    setting_option(
        retention, "--late-horizon-days", "late_horizon_days", type=float, metavar="DAYS"
    )
    setting_option(retention, "--log-level", "log_level", metavar="LEVEL")


def run_retention(settings: Settings) -> int:
    database = Database(settings.database_url.get_secret_value())
    database.check()
    with database.connect() as conn:
        try:
            run = run_maintenance(
                conn,
                retention_days=settings.facts_retention_days,
                partitions=EventPartitions(PartitionSpan.from_settings(settings)),
            )
        except psycopg.errors.LockNotAvailable as exc:
            raise RetentionBusyError(
                f"the facts stayed locked too long ({first_line(exc)}): a long query or "
                "transaction holds `events`; retry when it has ended."
            ) from None
        except (psycopg.errors.UndefinedFunction, psycopg.errors.UndefinedTable) as exc:
            raise RetentionSchemaError(
                f"{first_line(exc)}: the database has no partitioned facts yet. Run "
                "`python -m consumer migrate` (as the owner role of MIGRATIONS_DATABASE_URL) "
                "first."
            ) from None
        status = read_status(conn)
    print(format_run(run, status))
    return 0


def format_run(run: MaintenanceRun, status: Status) -> str:
    lines = [f"partitions created ahead: {run.created}"]
    if run.cutoff is None:
        lines.append("FACTS_RETENTION_DAYS is not set: every fact is kept")
    else:
        lines.append(f"retention cutoff: {run.cutoff:%Y-%m-%d %H:%M:%S} UTC")
        if run.dropped:
            width = max(len(name) for name, _ in run.dropped)
            lines.extend(
                f"  dropped {name:<{width}}  {facts:>10} facts" for name, facts in run.dropped
            )
        else:
            lines.append("  nothing older than that")
        lines.append(f"idempotency keys pruned: {run.keys_pruned}")
    since = (
        "every fact since the first"
        if status.retained_from is None
        else f"facts from {status.retained_from:%Y-%m-%d} (UTC) on"
    )
    lines.append(
        f"kept: {since}, in {status.weekly_partitions} weekly partitions"
        + (
            f" ({status.oldest_partition} .. {status.newest_partition})"
            if status.weekly_partitions
            else ""
        )
    )
    return "\n".join(lines)


def start_maintenance_job(settings: Settings) -> MaintenanceJob:
    """The consumer's periodic partition maintenance, started unless
    FACTS_MAINTENANCE_INTERVAL_S is 0 (then stopping it does nothing)."""
    job = MaintenanceJob(
        settings.database_url.get_secret_value(),
        interval_s=settings.facts_maintenance_interval_s,
        retention_days=settings.facts_retention_days,
        span=PartitionSpan.from_settings(settings),
    )
    if settings.facts_maintenance_interval_s > 0:
        job.start()
    return job
