"""The Quix Streams peer: a Quix app that validates the benchmark topic's events, counts
them per minute of event time and event type in a tumbling window, and upserts the counts
into PostgreSQL with Quix's PostgreSQL sink; prints one JSON line when done.

Run by the Quix venv's Python (bench/peers/quix/venv.py), so it imports only the standard
library, what that venv holds (quixstreams, psycopg2, pydantic) and stdlib/pydantic-only
project modules: the event contract, so that "valid" means what it means to Pulse, and
the reader of the SQL files.

`.stack/quix/venv/bin/python -m bench.peers.quix.child --topic T --group G ...`
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg2
from confluent_kafka import Consumer, TopicPartition
from psycopg2.extensions import parse_dsn
from quixstreams import Application, message_context
from quixstreams.sinks.community.postgresql import PostgreSQLSink

from bench.peers.quix.progress import Progress
from consumer.ingest.decode import Rejection, decode_event
from pulse.contract import TimeWindow
from pulse.sqlfiles import load_sql

TABLE = "event_counts"  # also named in sql/bench/quix/
COUNTS = load_sql("bench/quix/counts")
ANY_ROW = load_sql("bench/quix/any_row")
_POLL_S = 0.1
MINUTE_MS = 60_000


def main(argv: list[str] | None = None) -> int:
    started_at = time.time()  # before Quix builds its clients, after the interpreter started
    args = _parser().parse_args(argv)
    counts = CountsApp(args)
    first_row_at: list[float] = []
    finished = threading.Event()
    watcher = threading.Thread(
        target=_watch_first_row,
        args=(args.database_url, first_row_at, finished),
        daemon=True,
    )
    watcher.start()
    stalled: list[str] = []
    guard = threading.Thread(
        target=_stop_when_stuck,
        args=(counts, time.monotonic() + args.max_seconds, args.stall_seconds, finished, stalled),
        daemon=True,
    )
    guard.start()
    failure = None
    try:
        counts.app.run()
    except Exception as exc:  # reported in the JSON line, then exit 1
        failure = f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc) else ''}"
    progress = counts.progress
    done_at = time.time() if progress.done and failure is None else None
    finished.set()
    watcher.join(timeout=2)
    rows, counted = _counts(args.database_url)
    if failure is None and done_at is None:
        failure = stalled[0] if stalled else "stopped before the end by a signal"
    result = {
        "records": progress.read,
        "records_on_topic": progress.records,
        "accepted": progress.accepted,
        "aggregated": progress.aggregated,
        "rows": rows,
        "counted": counted,
        "started_at": started_at,
        "first_row_at": first_row_at[0] if first_row_at else None,
        "done_at": done_at,
        "failure": failure,
    }
    print(json.dumps(result), flush=True)
    return 0 if done_at is not None else 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.peers.quix.child")
    parser.add_argument("--bootstrap-servers", required=True)
    parser.add_argument("--topic", required=True)
    parser.add_argument("--group", required=True, help="consumer group, also names Quix's topics")
    parser.add_argument("--database-url", required=True, help="libpq conninfo of a fresh database")
    parser.add_argument("--state-dir", type=Path, required=True)
    parser.add_argument("--late-horizon-days", type=float, required=True)
    parser.add_argument("--clock-skew-seconds", type=float, required=True)
    parser.add_argument("--max-event-bytes", type=int, required=True)
    parser.add_argument("--max-seconds", type=float, default=1800.0)
    parser.add_argument(
        "--stall-seconds",
        type=float,
        default=120.0,
        help="give up after this long without progress",
    )
    return parser


class CountsApp:
    """The Quix application and its pipeline; stops itself once everything is counted."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.progress = Progress(_end_offsets(args.bootstrap_servers, args.topic))
        self.stopping = threading.Event()
        self._window = TimeWindow(
            now=datetime.now(UTC),
            late_horizon=timedelta(days=args.late_horizon_days),
            clock_skew=timedelta(seconds=args.clock_skew_seconds),
        )
        self._max_event_bytes = args.max_event_bytes
        self.app = Application(
            broker_address=args.bootstrap_servers,
            consumer_group=args.group,
            auto_offset_reset="earliest",
            state_dir=str(args.state_dir),
        )
        topic = self.app.topic(args.topic, key_deserializer="bytes", value_deserializer="bytes")
        sdf = self.app.dataframe(topic)
        sdf = sdf.apply(self._validate).filter(lambda value: value is not None)
        sdf = sdf.group_by("event_type")
        # Event time only after the repartition topic: records produced there keep the
        # source's (recent) Kafka timestamps. With month-old event times as timestamps the
        # broker rolls segments by time and deletes them under the 7-day retention while
        # they are still unread ("offset out of range"), which lost counts at 1M events.
        sdf = sdf.set_timestamp(lambda value, _key, _ts, _headers: value["ms"])
        sdf = sdf.update(self._windowed)
        # Grace = Pulse's late horizon: an event Pulse accepts as late still updates its
        # minute here. current() re-emits a window on every update and the sink upserts
        # the latest count per (minute, type): no window has to close for its count to
        # reach the table, so nothing is needed to flush the last ones.
        grace_ms = int(args.late_horizon_days * 86_400_000)
        sdf = sdf.tumbling_window(duration_ms=MINUTE_MS, grace_ms=grace_ms).count().current()
        sdf = sdf.apply(_row, metadata=True)
        sdf.sink(_sink(args.database_url))

    def _validate(self, value: bytes | None) -> dict[str, Any] | None:
        context = message_context()
        event = decode_event(value, window=self._window, max_bytes=self._max_event_bytes)
        valid = not isinstance(event, Rejection)
        self.progress.source(context.partition, context.offset, valid=valid)
        self._stop_when_done()
        if isinstance(event, Rejection):
            return None
        # Only what the count needs goes on through the repartition topic.
        return {"event_type": str(event.event_type), "ms": _ms(event.occurred_at)}

    def _windowed(self, _value: object) -> None:
        self.progress.windowed()
        self._stop_when_done()

    def _stop_when_done(self) -> None:
        if self.progress.done and not self.stopping.is_set():
            self.stopping.set()
            # The loop ends after this record; its final checkpoint flushes the sink.
            self.app.stop()


def _sink(database_url: str) -> Any:
    dsn = parse_dsn(database_url)
    return PostgreSQLSink(
        host=dsn.get("host", "127.0.0.1"),
        port=int(dsn.get("port", 5432)),
        dbname=dsn["dbname"],
        user=dsn.get("user", ""),
        password=dsn.get("password", ""),
        table_name=TABLE,
        primary_key_columns=["minute", "event_type"],
        upsert_on_primary_key=True,
        include_metadata=False,
    )


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _row(value: dict[str, Any], key: Any, _timestamp: int, _headers: Any) -> dict[str, Any]:
    """One row of the table: the window's minute (UTC, naive: the sink maps datetime to
    TIMESTAMP), its event type (the group_by key) and the count so far."""
    minute = datetime.fromtimestamp(value["start"] / 1000, UTC).replace(tzinfo=None)
    return {"minute": minute, "event_type": key, "events": value["value"]}


def _end_offsets(bootstrap_servers: str, topic: str) -> dict[int, int]:
    consumer = Consumer({"bootstrap.servers": bootstrap_servers, "group.id": "unused"})
    try:
        metadata = consumer.list_topics(topic, timeout=10).topics[topic]
        if metadata.error is not None:
            raise SystemExit(f"topic {topic}: {metadata.error}")
        return {
            p: consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10)[1]
            for p in metadata.partitions
        }
    finally:
        consumer.close()


def _stop_when_stuck(
    counts: CountsApp, deadline: float, stall_s: float, finished: threading.Event, why: list[str]
) -> None:
    """Stops the app past the deadline or when no record was read or windowed for stall_s
    (e.g. records deleted from a Quix topic before they were read), saying which in `why`."""
    last, changed_at = (-1, -1), time.monotonic()
    while not finished.wait(1.0):
        now = time.monotonic()
        seen = (counts.progress.read, counts.progress.aggregated)
        if seen != last:
            last, changed_at = seen, now
        if now > deadline:
            why.append("still running at --max-seconds")
        elif now - changed_at > stall_s:
            why.append(f"no progress for {stall_s:.0f} s ({seen[0]:,} read, {seen[1]:,} windowed)")
        if why:
            counts.app.stop()
            return


def _watch_first_row(database_url: str, found: list[float], stop: threading.Event) -> None:
    """Stamps when the sink's first row is visible (it creates the table on first write)."""
    conn = psycopg2.connect(database_url)
    conn.autocommit = True
    try:
        while not stop.is_set():
            try:
                with conn.cursor() as cursor:
                    cursor.execute(ANY_ROW)
                    if cursor.fetchone()[0]:
                        found.append(time.time())
                        return
            except psycopg2.errors.UndefinedTable:
                pass
            time.sleep(_POLL_S)
    finally:
        conn.close()


def _counts(database_url: str) -> tuple[int, int]:
    """(rows, sum of their counts) in the table; zeros when the sink never wrote."""
    conn = psycopg2.connect(database_url)
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute(COUNTS)
            rows, counted = cursor.fetchone()
            return int(rows), int(counted)
    except psycopg2.errors.UndefinedTable:
        return 0, 0
    finally:
        conn.close()


if __name__ == "__main__":
    raise SystemExit(main())
