"""Command line of the consumer: `run`, `migrate`, `reconcile`. Settings come from the environment
and are overridden by flags; every user-caused error ends as one clear line."""

from __future__ import annotations

import argparse
import errno
import logging
import signal
import sys
from collections.abc import Sequence
from functools import partial
from types import FrameType
from typing import Any

import psycopg
from kafka import KafkaConsumer
from kafka.errors import KafkaError
from prometheus_client import CollectorRegistry, start_http_server

from consumer.database import Database
from consumer.deadletter import DeadLetterPublisher
from consumer.dlq.cli import add_dlq_parser, run_dlq
from consumer.errors import ConfigError, PulseError, ServiceUnavailableError
from consumer.kafka_client import open_client
from consumer.kafka_records import install as install_record_reader
from consumer.kafka_security import kafka_security
from consumer.logs import configure_logging
from consumer.loop import ConsumerLoop, LoopOptions
from consumer.metrics import ConsumerMetrics
from consumer.migrations import ensure_current, migrate
from consumer.reconcile import format_report, reconcile_database
from consumer.secrets import redact, settings_secrets
from consumer.settings import Settings, load_settings

logger = logging.getLogger("consumer")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m consumer", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="consume events into PostgreSQL")
    _connection_flags(run)
    run.add_argument("--topic", dest="kafka_topic")
    run.add_argument("--dlq-topic", dest="kafka_dlq_topic")
    run.add_argument("--group", dest="kafka_group_id")
    run.add_argument("--metrics-host", dest="metrics_host")
    run.add_argument("--metrics-port", dest="metrics_port", type=int)
    run.add_argument("--batch-max-records", dest="batch_max_records", type=int)
    run.add_argument("--batch-max-age-ms", dest="batch_max_age_ms", type=int)
    run.add_argument(
        "--no-aggregates",
        dest="aggregates_enabled",
        action="store_const",
        const=False,
        help="store facts only (benchmarks); the aggregates go stale",
    )
    run.add_argument(
        "--exit-when-idle",
        dest="exit_when_idle_s",
        type=float,
        metavar="SECONDS",
        help="exit 0 once caught up and idle this long (tests, benchmarks, backfills)",
    )
    migrate_parser = commands.add_parser(
        "migrate", help="apply pending SQL migrations, as the owner role"
    )
    # No --database-url here: migrate never connects as the consumer's role.
    migrate_parser.add_argument("--migrations-database-url", dest="migrations_database_url")
    migrate_parser.add_argument("--log-level", dest="log_level")
    check = commands.add_parser(
        "reconcile",
        help="recompute every aggregate from the facts; exit 1 if any differs",
    )
    _connection_flags(check)
    check.add_argument(
        "--examples",
        dest="reconcile_examples",
        type=int,
        default=5,
        metavar="N",
        help="drifting rows shown per aggregate (default 5)",
    )
    add_dlq_parser(commands)
    return parser


def _connection_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--bootstrap-servers", dest="kafka_bootstrap_servers")
    parser.add_argument("--database-url", dest="database_url")
    parser.add_argument("--log-level", dest="log_level")


def main(argv: Sequence[str] | None = None) -> int:
    args = vars(build_parser().parse_args(argv))
    command = args.pop("command")
    if command == "dlq":
        return run_dlq(argparse.Namespace(**args))
    exit_when_idle_s = args.pop("exit_when_idle_s", None)
    reconcile_examples = args.pop("reconcile_examples", 5)
    try:
        settings = load_settings(**args)
        configure_logging(settings.log_level)
        if command == "migrate":
            return _migrate(settings)
        if command == "reconcile":
            return _reconcile(settings, examples=reconcile_examples)
        return _run(settings, LoopOptions(exit_when_idle_s=exit_when_idle_s))
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


def _ensure_schema(database: Database) -> None:
    with database.connect() as conn:
        applied = ensure_current(conn)
    if applied:
        logger.info("migrations applied", extra={"applied": ",".join(applied)})


def _reconcile(settings: Settings, *, examples: int) -> int:
    """Exit 0 only when every aggregate equals its recomputation from the facts."""
    results = reconcile_database(settings.database_url.get_secret_value(), examples=examples)
    print(format_report(results))
    return 0 if all(result.drift == 0 for result in results) else 1


def _run(settings: Settings, options: LoopOptions) -> int:
    database = Database(settings.database_url.get_secret_value())
    database.check()
    _ensure_schema(database)
    registry = CollectorRegistry()
    metrics = ConsumerMetrics(registry)
    metrics_port = _serve_metrics(settings, registry)
    kafka, dead_letters = _connect_kafka(settings)
    loop = ConsumerLoop(
        settings,
        metrics=metrics,
        database=database,
        kafka=kafka,
        dead_letters=dead_letters,
        options=options,
    )
    _install_signal_handlers(loop)
    logger.info(
        "consuming",
        extra={
            "topic": settings.kafka_topic,
            "group": settings.kafka_group_id,
            "metrics": f"http://{settings.metrics_host}:{metrics_port}/metrics",
        },
    )
    try:
        loop.run()
    finally:
        kafka.close(autocommit=False)
        dead_letters.close()
        database.discard()
    logger.info("stopped")
    return 0


def _serve_metrics(settings: Settings, registry: CollectorRegistry) -> int:
    """Serve /metrics on METRICS_HOST only (loopback unless configured); returns the port
    bound (METRICS_PORT=0 picks one)."""
    where = f"{settings.metrics_host}:{settings.metrics_port}"
    try:
        server, _thread = start_http_server(
            settings.metrics_port, settings.metrics_host, registry=registry
        )
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise ServiceUnavailableError(
                f"cannot serve metrics on {where} ({exc.strerror}). Another process uses the "
                "port: stop it or pass --metrics-port (METRICS_PORT); 0 picks a free port."
            ) from None
        raise ConfigError(
            f"cannot serve metrics on {where} ({exc.strerror or exc}). METRICS_HOST must be an "
            "address of this machine (127.0.0.1, or 0.0.0.0 for every interface): fix it or "
            "pass --metrics-host."
        ) from None
    return int(server.server_port)


def _connect_kafka(settings: Settings) -> tuple[KafkaConsumer, DeadLetterPublisher]:
    # Fail fast at start-up with a clear message; once running, outages are retried.
    security = kafka_security(settings)
    common: dict[str, Any] = {
        "bootstrap_servers": settings.kafka_bootstrap_servers,
        "bootstrap_timeout_ms": 10_000,
        # kafka-python backs off up to 30 s between reconnects: after a broker restart
        # the consumer would sit idle that long. Java clients cap it at 1 s.
        "reconnect_backoff_max_ms": 1000,
        **security,
    }
    opened = partial(
        open_client, bootstrap_servers=settings.kafka_bootstrap_servers, security=security
    )
    try:
        kafka = opened(
            partial(
                KafkaConsumer,
                **common,
                group_id=settings.kafka_group_id,
                client_id=f"{settings.kafka_group_id}-consumer",
                enable_auto_commit=False,
                auto_offset_reset=settings.kafka_auto_offset_reset,
                max_poll_records=settings.batch_max_records,
                session_timeout_ms=settings.kafka_session_timeout_ms,
                heartbeat_interval_ms=max(settings.kafka_session_timeout_ms // 4, 500),
                # Also the rebalance timeout: the client's default of 5 minutes let one
                # rebalance stall that long when a member left in the middle of it.
                max_poll_interval_ms=settings.kafka_max_poll_interval_ms,
                fetch_max_bytes=min(52_428_800, settings.batch_max_bytes),
                # Records of aborted transactions are never stored (DESIGN.md, point 8).
                isolation_level="read_committed",
            )
        )
        install_record_reader(kafka)
        dead_letters = opened(
            partial(
                DeadLetterPublisher,
                **common,
                topic=settings.kafka_dlq_topic,
                group_id=settings.kafka_group_id,
            )
        )
    except KafkaError as exc:
        raise ServiceUnavailableError(
            f"no Kafka broker answers at {settings.kafka_bootstrap_servers} ({exc}). Is it "
            "running (`make up`), and is KAFKA_BOOTSTRAP_SERVERS right?"
        ) from None
    return kafka, dead_letters


def _install_signal_handlers(loop: ConsumerLoop) -> None:
    def stop(signum: int, _frame: FrameType | None) -> None:
        logger.info("stop requested; finishing the current batch", extra={"signal": signum})
        loop.request_stop()

    def override_breaker(_signum: int, _frame: FrameType | None) -> None:
        logger.info("SIGUSR1: the operator lets the invalid records through")
        loop.request_breaker_override()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGUSR1, override_breaker)
