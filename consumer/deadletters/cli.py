"""`python -m consumer dlq summary|show|replay|mirror`: the command line of the dead-letter
operations. Settings come from the environment, overridden by flags; filter flags are
checked before Kafka is contacted; every user-caused error ends as one clear line."""

from __future__ import annotations

import argparse
import os
import sys

import psycopg

from consumer.deadletters.commands import COMMANDS
from pulse.errors import PulseError
from pulse.logs import configure_logging
from pulse.settings import load_settings

# Namespace attributes that are settings (the rest are options of the dlq commands).
_SETTINGS = (
    "kafka_bootstrap_servers",
    "kafka_topic",
    "kafka_dlq_topic",
    "kafka_catalog_topic",
    "kafka_catalog_dlq_topic",
    "database_url",
    "log_level",
    "max_event_bytes",
    "late_horizon_days",
    "clock_skew_seconds",
)


def add_dlq_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    dlq = subparsers.add_parser(
        "dlq",
        help="inspect, explain and replay dead letters",
        description="Read the dead-letter topic from its beginning to its current end. "
        "Repeats of the same origin record (the topic is at-least-once) are counted once.",
    )
    actions = dlq.add_subparsers(dest="dlq_command", required=True, metavar="ACTION")
    summary = actions.add_parser("summary", help="counts by reason, event type, key and hour")
    summary.add_argument(
        "--top", type=int, default=20, metavar="N", help="rows per breakdown (default 20)"
    )
    show = actions.add_parser("show", help="records with their headers and payload excerpt")
    show.add_argument(
        "--excerpt-chars",
        type=int,
        default=200,
        metavar="N",
        help="payload characters shown per record (default 200)",
    )
    replay = actions.add_parser(
        "replay",
        help="re-validate with the current settings; publish what now passes (--apply)",
    )
    _replay_flags(replay)
    for parser in (summary, show, replay):
        _kafka_flags(parser)
        _filter_flags(parser)
        parser.add_argument("--json", action="store_true", help="print JSON")
    copy = actions.add_parser(
        "mirror", help="copy new dead letters into the PostgreSQL table dead_letters"
    )
    _kafka_flags(copy)
    copy.add_argument("--database-url", dest="database_url")
    copy.add_argument("--json", action="store_true", help="print JSON")


def _kafka_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--bootstrap-servers", dest="kafka_bootstrap_servers")
    parser.add_argument("--dlq-topic", dest="kafka_dlq_topic")
    parser.add_argument(
        "--catalog",
        action="store_true",
        help="the catalog's dead letters: read KAFKA_CATALOG_DLQ_TOPIC, judge replays by the "
        "catalog's contract and publish them to KAFKA_CATALOG_TOPIC",
    )
    parser.add_argument("--log-level", dest="log_level")


def _filter_flags(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("filters (all must match)")
    group.add_argument(
        "--reason", action="append", metavar="CODE", help="reason code; repeat or comma-separate"
    )
    group.add_argument("--since", metavar="TIME", help="failed at or after: ISO 8601 or 30m/2h/7d")
    group.add_argument("--until", metavar="TIME", help="failed before: ISO 8601 or 30m/2h/7d")
    group.add_argument("--partition", type=int, help="dead-letter topic partition")
    group.add_argument("--offset", metavar="N|N-M|N-", help="dead-letter topic offsets")
    group.add_argument("--key", help="the producer's record key (Pulse keys by user_id)")
    group.add_argument("--limit", type=int, metavar="N", help="at most N distinct records")


def _replay_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--apply", action="store_true", help="publish (default: dry run)")
    parser.add_argument(
        "--max-replays",
        type=int,
        default=3,
        metavar="N",
        help="refuse records already replayed N times (default 3)",
    )
    parser.add_argument("--topic", dest="kafka_topic", help="where to publish (KAFKA_TOPIC)")
    bounds = parser.add_argument_group(
        "validation bounds (default: the settings; the consumer must use the same)"
    )
    bounds.add_argument("--max-event-bytes", dest="max_event_bytes", type=int, metavar="N")
    bounds.add_argument("--late-horizon-days", dest="late_horizon_days", type=float, metavar="D")
    bounds.add_argument("--clock-skew-seconds", dest="clock_skew_seconds", type=float, metavar="S")


def run_dlq(args: argparse.Namespace) -> int:
    try:
        settings = load_settings(**{name: getattr(args, name, None) for name in _SETTINGS})
        if args.catalog:
            # The catalog's topics stand in for the events' (a flag given still wins).
            settings = settings.model_copy(
                update={
                    "kafka_dlq_topic": args.kafka_dlq_topic or settings.kafka_catalog_dlq_topic,
                    "kafka_topic": getattr(args, "kafka_topic", None)
                    or settings.kafka_catalog_topic,
                }
            )
        configure_logging(settings.log_level)
        return COMMANDS[args.dlq_command](args, settings)
    except PulseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except psycopg.Error as exc:
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(f"error: PostgreSQL refused: {detail}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # `dlq show | head`: the reader left early, which is not an error. Point stdout at
        # /dev/null so that the interpreter's final flush does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
