"""The bodies of `dlq summary|show|replay|mirror`: each checks its own flags, reads the
dead-letter topic once, and prints text or JSON."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from consumer.deadletters.errors import FilterError, TopicMissingError
from consumer.deadletters.filters import Selection, SelectionStats, build_selection, select
from consumer.deadletters.mirror import mirror
from consumer.deadletters.reader import DeadLetterReader
from consumer.deadletters.replay import ReplayPolicy, Verdict, judge_all, replay_headers
from consumer.deadletters.replay_report import ReplayReport, render_report, report_json
from consumer.deadletters.republisher import Republisher
from consumer.deadletters.show import record_json, render_footer, render_record
from consumer.deadletters.summary import render_summary, summarize, summary_json
from consumer.store.database import Database
from consumer.store.migrations import ensure_current
from pulse.contract import TimeWindow
from pulse.kafka_security import kafka_security
from pulse.settings import Settings

Command = Callable[[argparse.Namespace, Settings], int]


def _selection(args: argparse.Namespace) -> Selection:
    return build_selection(
        reasons=args.reason,
        since=args.since,
        until=args.until,
        partition=args.partition,
        offsets=args.offset,
        key=args.key,
        limit=args.limit,
    )


def _reader(settings: Settings) -> DeadLetterReader:
    return DeadLetterReader(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        topic=settings.kafka_dlq_topic,
        security=kafka_security(settings),
    )


def _print_json(document: Any) -> None:
    print(json.dumps(document, indent=2))


def _summary(args: argparse.Namespace, settings: Settings) -> int:
    if args.top < 1:
        raise FilterError("--top: must be 1 or more")
    selection, stats = _selection(args), SelectionStats()
    with _reader(settings) as reader:
        summary = summarize(select(reader.read_selection(selection), selection, stats))
    topic = settings.kafka_dlq_topic
    if args.json:
        _print_json(summary_json(summary, stats, topic=topic))
    else:
        print(render_summary(summary, stats, topic=topic, top=args.top))
    return 0


def _show(args: argparse.Namespace, settings: Settings) -> int:
    if args.excerpt_chars < 1:
        raise FilterError("--excerpt-chars: must be 1 or more")
    selection, stats = _selection(args), SelectionStats()
    documents: list[dict[str, Any]] = []
    shown = 0
    with _reader(settings) as reader:
        for record in select(reader.read_selection(selection), selection, stats):
            shown += 1
            if args.json:
                documents.append(record_json(record, excerpt_chars=args.excerpt_chars))
            else:
                # Streamed: the first records show while later ones are still read.
                print(render_record(record, excerpt_chars=args.excerpt_chars), end="\n\n")
    topic = settings.kafka_dlq_topic
    if args.json:
        _print_json(
            {
                "topic": topic,
                "records_read": stats.read,
                "repeats_skipped": stats.repeats,
                "records": documents,
            }
        )
    else:
        print(render_footer(stats, shown=shown, topic=topic))
    return 0


def _replay(args: argparse.Namespace, settings: Settings) -> int:
    if args.max_replays < 1:
        raise FilterError("--max-replays: must be 1 or more")
    selection, stats = _selection(args), SelectionStats()
    policy = ReplayPolicy(
        window=TimeWindow(
            now=datetime.now(UTC),
            late_horizon=timedelta(days=settings.late_horizon_days),
            clock_skew=timedelta(seconds=settings.clock_skew_seconds),
        ),
        max_bytes=settings.max_event_bytes,
        max_replays=args.max_replays,
        catalog=args.catalog,
    )
    report = ReplayReport(
        applied=args.apply,
        dlq_topic=settings.kafka_dlq_topic,
        target_topic=settings.kafka_topic,
        settings_note=_settings_note(settings),
    )
    with _reader(settings) as reader:
        if args.apply and not reader.has_topic(settings.kafka_topic):
            raise TopicMissingError(
                f"the main topic {settings.kafka_topic!r} does not exist; check KAFKA_TOPIC "
                "(--topic). Replay publishes only to an existing topic."
            )
        publisher = (
            Republisher(
                bootstrap_servers=settings.kafka_bootstrap_servers,
                topic=settings.kafka_topic,
                security=kafka_security(settings),
            )
            if args.apply
            else None
        )
        try:
            records = select(reader.read_selection(selection), selection, stats)
            for decision in judge_all(records, policy):
                if publisher is not None and decision.verdict is Verdict.REPLAY:
                    record = decision.record
                    publisher.send(record.key, record.original_value, replay_headers(record))
                report.add(decision)
            if publisher is not None:
                publisher.flush()
        finally:
            if publisher is not None:
                publisher.close()
    if args.json:
        _print_json(report_json(report, stats))
    else:
        print(render_report(report, stats))
    return 0


def _settings_note(settings: Settings) -> str:
    return (
        "note: the consumer validates replayed records again with its own settings; run it "
        f"with MAX_EVENT_BYTES={settings.max_event_bytes} "
        f"LATE_HORIZON_DAYS={settings.late_horizon_days:g} "
        f"CLOCK_SKEW_SECONDS={settings.clock_skew_seconds:g} (or wider), or they return to "
        f"{settings.kafka_dlq_topic} with pulse.replay.count raised."
    )


def _mirror(args: argparse.Namespace, settings: Settings) -> int:
    database = Database(settings.database_url.get_secret_value())
    database.check()
    with database.connect() as conn, _reader(settings) as reader:
        ensure_current(conn)
        result = mirror(conn, reader)
    if args.json:
        _print_json(result.as_json())
    else:
        print(result.text())
    return 0


COMMANDS: dict[str, Command] = {
    "summary": _summary,
    "show": _show,
    "replay": _replay,
    "mirror": _mirror,
}
