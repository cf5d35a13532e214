"""Command line of the consumer: `run`, `migrate`, `reconcile`, `check`, `retention`, `dlq`.
Settings come from the environment, overridden by flags; every user-caused error ends as one
clear line."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

import psycopg

from consumer.deadletters.cli import add_dlq_parser, run_dlq
from consumer.ingest.limits import Limits
from consumer.ingest.loop import LoopOptions
from consumer.quality.cli import add_check_parser, run_check
from consumer.retention.cli import add_retention_parser, run_retention
from consumer.run import run as run_consumer
from consumer.store.catalog_reconcile import check_catalog_against_topic
from consumer.store.database import Database
from consumer.store.ledger_topic import check_ledger_against_topic
from consumer.store.migrations import migrate
from consumer.store.reconcile import format_report, reconcile_database
from pulse.cli_help import ENV_NOTE, setting_option
from pulse.errors import PulseError
from pulse.kafka_security import kafka_security
from pulse.logs import configure_logging
from pulse.secrets import redact, settings_secrets
from pulse.settings import Settings, load_settings

logger = logging.getLogger("consumer")

RUN_HELP = (
    "Consume activity events into PostgreSQL: validate each record, dead-letter the bad "
    "ones, and write facts, aggregates and offsets in one transaction per batch. The "
    "catalog topic is consumed alongside into the dimensions, the same way."
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pulse-consumer", description=__doc__, epilog=ENV_NOTE)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser(
        "run", help="consume events into PostgreSQL", description=RUN_HELP, epilog=ENV_NOTE
    )
    _connection_flags(run)
    setting_option(run, "--topic", "kafka_topic", metavar="NAME")
    setting_option(run, "--dlq-topic", "kafka_dlq_topic", metavar="NAME")
    setting_option(run, "--catalog-topic", "kafka_catalog_topic", metavar="NAME")
    setting_option(run, "--catalog-dlq-topic", "kafka_catalog_dlq_topic", metavar="NAME")
    setting_option(run, "--group", "kafka_group_id", metavar="ID")
    setting_option(run, "--metrics-host", "metrics_host", metavar="HOST")
    setting_option(run, "--metrics-port", "metrics_port", type=int, metavar="PORT")
    setting_option(run, "--batch-max-records", "batch_max_records", type=int, metavar="N")
    setting_option(run, "--batch-max-age-ms", "batch_max_age_ms", type=int, metavar="MS")
    setting_option(run, "--batch-min-age-ms", "batch_min_age_ms", type=int, metavar="MS")
    setting_option(run, "--quality-check-interval-s", "quality_check_interval_s", type=float)
    run.add_argument(
        "--no-catalog",
        dest="catalog_enabled",
        action="store_const",
        const=False,
        help="read the events alone, no catalog loop (env CATALOG_ENABLED=false; default: "
        "the catalog is read)",
    )
    run.add_argument(
        "--no-aggregates",
        dest="aggregates_enabled",
        action="store_const",
        const=False,
        help="store facts only (benchmarks); the aggregates go stale (env "
        "AGGREGATES_ENABLED=false; default: aggregates on)",
    )
    run.add_argument(
        "--exit-when-idle",
        dest="exit_when_idle_s",
        type=float,
        metavar="SECONDS",
        help="exit 0 once caught up and idle this long (tests, benchmarks, backfills)",
    )
    migrate_parser = commands.add_parser(
        "migrate", help="apply pending SQL migrations, as the owner role", epilog=ENV_NOTE
    )
    # No --database-url here: migrate never connects as the consumer's role.
    setting_option(
        migrate_parser, "--migrations-database-url", "migrations_database_url", metavar="URL"
    )
    setting_option(migrate_parser, "--log-level", "log_level", metavar="LEVEL")
    check = commands.add_parser(
        "reconcile",
        help="recompute every aggregate from the facts and compare the dimensions with the "
        "catalog topic; exit 1 if any differs",
        epilog=ENV_NOTE,
    )
    _connection_flags(check)
    setting_option(check, "--catalog-topic", "kafka_catalog_topic", metavar="NAME")
    check.add_argument(
        "--examples",
        dest="reconcile_examples",
        type=int,
        default=5,
        metavar="N",
        help="drifting rows shown per aggregate (default 5)",
    )
    add_check_parser(commands)
    add_retention_parser(commands)
    add_dlq_parser(commands)
    return parser


def _connection_flags(parser: argparse.ArgumentParser) -> None:
    setting_option(parser, "--bootstrap-servers", "kafka_bootstrap_servers", metavar="HOSTS")
    setting_option(parser, "--database-url", "database_url", metavar="URL")
    setting_option(parser, "--log-level", "log_level", metavar="LEVEL")


def main(argv: Sequence[str] | None = None) -> int:
    args = vars(build_parser().parse_args(argv))
    command = args.pop("command")
    if command == "dlq":
        return run_dlq(argparse.Namespace(**args))
    exit_when_idle_s = args.pop("exit_when_idle_s", None)
    reconcile_examples = args.pop("reconcile_examples", 5)
    check_store = args.pop("check_store", True)
    try:
        settings = load_settings(**args)
        configure_logging(settings.log_level)
        commands = {
            "migrate": lambda: _migrate(settings),
            "reconcile": lambda: _reconcile(settings, examples=reconcile_examples),
            "check": lambda: run_check(settings, store=check_store),
            "retention": lambda: run_retention(settings),
        }
        if command in commands:
            return commands[command]()
        return run_consumer(settings, LoopOptions(exit_when_idle_s=exit_when_idle_s))
    except PulseError as exc:
        print(redact(f"error: {exc}", settings_secrets(args)), file=sys.stderr)
        return 1
    except psycopg.Error as exc:
        # e.g. the role lacks a privilege: say which statement failed, without a traceback.
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(
            redact(f"error: PostgreSQL refused: {detail}", settings_secrets(args)), file=sys.stderr
        )
        return 1


def _migrate(settings: Settings) -> int:
    database = Database(
        settings.migrations_database_url.get_secret_value(), setting="MIGRATIONS_DATABASE_URL"
    )
    database.check()
    _apply_migrations(database)
    return 0


def _apply_migrations(database: Database) -> None:
    with database.connect() as conn:
        applied = migrate(conn)
    if applied:
        logger.info("migrations applied", extra={"applied": ",".join(applied)})


def _reconcile(settings: Settings, *, examples: int) -> int:
    """Exit 0 only when every aggregate equals its recomputation from the facts, the offset
    ledger agrees with the facts and with the topic, and every dimension with the catalog
    topic's latest versions."""
    url = settings.database_url.get_secret_value()
    results = reconcile_database(url, examples=examples)
    catalog = check_catalog_against_topic(
        url,
        settings.kafka_bootstrap_servers,
        topic=settings.kafka_catalog_topic,
        limits=Limits.from_settings(settings),
        examples=examples,
        **kafka_security(settings),
    )
    results += catalog.results
    print(format_report(results))
    if not catalog.checked:
        print(
            f"\nthe dimensions were not compared with {settings.kafka_catalog_topic}: no "
            f"Kafka broker answers at {settings.kafka_bootstrap_servers}"
        )
    topic = check_ledger_against_topic(
        url, settings.kafka_bootstrap_servers, **kafka_security(settings)
    )
    if not topic.checked:
        print(
            f"\nthe topic was not checked: no Kafka broker answers at "
            f"{settings.kafka_bootstrap_servers} (KAFKA_BOOTSTRAP_SERVERS)"
        )
    elif topic.problems:
        print("\nthe ledger disagrees with the topic:")
        print("\n".join(f"  {problem}" for problem in topic.problems))
    else:
        print(f"\nthe ledger fits the topic ({topic.lag} records not read yet)")
    exact = all(result.drift == 0 for result in results) and not topic.problems
    return 0 if exact else 1
