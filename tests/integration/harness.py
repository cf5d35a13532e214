"""Drives the real consumer as a subprocess against the real broker and database, and
reads back what it produced: facts, offsets, dead letters and metrics."""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from kafka import KafkaConsumer, KafkaProducer, TopicPartition

from consumer.ingest.records import SkippedOffsets
from consumer.ingest.records import install as install_record_reader
from tests.commands import consumer_command, consumer_run

REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Record:
    key: bytes
    value: bytes
    event_id: str | None  # None for records that are not valid events
    reason: str | None = None  # the expected dead-letter reason


def valid_event(rng: random.Random, *, user: str | None = None) -> dict[str, Any]:
    user = user or f"u{rng.randrange(200)}"
    base: dict[str, Any] = {
        "schema_version": 1,
        "event_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "occurred_at": (datetime.now(UTC) - timedelta(minutes=rng.randrange(600))).isoformat(),
        "user_id": user,
        "session_id": f"s{rng.randrange(10_000)}",
        "device": rng.choice(["desktop", "mobile", "tablet"]),
        "location": {"country": rng.choice(["US", "DE", "IN"]), "city": "Springfield"},
    }
    kind = rng.choice(["page_view", "like", "purchase", "search", "login"])
    base["event_type"] = kind
    if kind in ("page_view", "like"):
        base |= {"content_id": f"c{rng.randrange(50)}", "author_id": "a1", "category": "tech"}
    elif kind == "purchase":
        base |= {
            "product_id": f"p{rng.randrange(20)}",
            "order_id": f"o{rng.getrandbits(40)}",
            "quantity": rng.randrange(1, 4),
            "unit_price": f"{rng.randrange(100, 9999) / 100:.2f}",
            "currency": "USD",
        }
    elif kind == "search":
        base |= {"query": "kafka exactly once", "results_count": 3}
    return base


def make_records(
    seed: int, count: int, *, duplicate_every: int = 0, invalid_every: int = 0
) -> list[Record]:
    """`count` records: valid events, plus exact re-sends and broken ones at fixed strides."""
    rng = random.Random(seed)
    records: list[Record] = []
    for i in range(count):
        if invalid_every and i % invalid_every == invalid_every - 1:
            records.append(_invalid(rng, i))
        elif duplicate_every and i % duplicate_every == duplicate_every - 1 and records:
            records.append(next(r for r in reversed(records) if r.event_id))
        else:
            event = valid_event(rng)
            records.append(
                Record(event["user_id"].encode(), json.dumps(event).encode(), event["event_id"])
            )
    return records


def _invalid(rng: random.Random, i: int) -> Record:
    event = valid_event(rng)
    kind = i % 4
    if kind == 0:
        return Record(b"bad", b"{not json", None, "malformed_json")
    if kind == 1:
        return Record(b"bad", b"\xff\xfe\x00garbage", None, "undecodable")
    if kind == 2:
        del event["user_id"]
        return Record(b"bad", json.dumps(event).encode(), None, "missing_field")
    event["event_type"] = "teleport"
    return Record(b"bad", json.dumps(event).encode(), None, "unknown_event_type")


def produce(bootstrap: str, topic: str, records: Iterable[Record]) -> int:
    """Send every record and wait for each acknowledgement: a failed send raises."""
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=20)
    futures = [producer.send(topic, key=record.key, value=record.value) for record in records]
    producer.flush(timeout=60)
    for future in futures:
        future.get(timeout=60)
    producer.close()
    return len(futures)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class ConsumerProcess:
    process: subprocess.Popen[bytes]
    metrics_port: int
    log_path: Path

    def wait(self, timeout: float) -> int:
        """The exit code; on timeout the process is killed and its log tail is the failure."""
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(
                f"consumer still running after {timeout:.0f} s; log tail:\n{self.log()[-4000:]}"
            ) from None

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def terminate(self) -> None:
        self.process.send_signal(signal.SIGTERM)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def start_consumer(
    *,
    bootstrap: str,
    database_url: str,
    topic: str,
    dlq_topic: str,
    group: str,
    log_dir: Path,
    exit_when_idle_s: float | None = 3.0,
    catalog_topic: str | None = None,
    extra: Sequence[str] = (),
) -> ConsumerProcess:
    port = free_port()
    log_path = log_dir / f"consumer-{uuid.uuid4().hex[:8]}.log"
    args = consumer_run(
        bootstrap=bootstrap,
        database_url=database_url,
        topic=topic,
        dlq_topic=dlq_topic,
        group=group,
        metrics_port=port,
        exit_when_idle_s=exit_when_idle_s,
        catalog_topic=catalog_topic,
        extra=extra,
    )
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with log_path.open("wb") as log:
        process = subprocess.Popen(args, cwd=REPO, stdout=log, stderr=subprocess.STDOUT, env=env)
    return ConsumerProcess(process, port, log_path)


def run_consumer_to_idle(timeout: float = 120.0, **kwargs: Any) -> ConsumerProcess:
    consumer = start_consumer(**kwargs)
    code = consumer.wait(timeout)
    assert code == 0, f"consumer exited {code}:\n{consumer.log()[-3000:]}"
    return consumer


def facts(database_url: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(database_url) as conn:
        return conn.execute(
            "select event_id::text, event_type, user_id, source_partition, source_offset"
            " from events order by event_id"
        ).fetchall()


def offsets(database_url: str, topic: str | None = None) -> list[tuple[Any, ...]]:
    """The ledger's rows (of `topic` only, when given: the catalog has rows too)."""
    with psycopg.connect(database_url) as conn:
        return conn.execute(
            "select kafka_partition, first_offset, next_offset, facts_stored, duplicates,"
            " dead_lettered from partition_offsets"
            " where %(topic)s::text is null or topic = %(topic)s order by kafka_partition",
            {"topic": topic},
        ).fetchall()


def fact_count(database_url: str) -> int:
    """Facts stored so far; 0 while the consumer has not created the schema yet."""
    try:
        with psycopg.connect(database_url) as conn:
            row = conn.execute("select count(*) from events").fetchone()
    except psycopg.errors.UndefinedTable:
        return 0
    return int(row[0]) if row else 0


def wait_for(predicate: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def read_topic(bootstrap: str, topic: str, expected: int, timeout: float = 60.0) -> list[Any]:
    consumer = KafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        group_id=None,
    )
    records: list[Any] = []
    deadline = time.monotonic() + timeout
    while len(records) < expected and time.monotonic() < deadline:
        for batch in consumer.poll(timeout_ms=500).values():
            records.extend(batch)
    # One more short poll so that surplus records (a bug) are seen too.
    for batch in consumer.poll(timeout_ms=1000).values():
        records.extend(batch)
    consumer.close()
    return records


def read_whole_topic(bootstrap: str, topic: str, timeout: float = 120.0) -> list[Any]:
    """Every record up to the end offsets seen at the start (a count would stop early
    when a topic legitimately holds repeats, e.g. dead letters re-sent after a crash)."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, group_id=None)
    # Dead letters keep their producers' header keys, UTF-8 or not: read like the consumer.
    install_record_reader(consumer)
    partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
    consumer.assign(partitions)
    consumer.seek_to_beginning(*partitions)
    ends = consumer.end_offsets(partitions)
    records: list[Any] = []
    deadline = time.monotonic() + timeout
    while any(consumer.position(tp) < end for tp, end in ends.items()):
        if time.monotonic() > deadline:
            consumer.close()
            raise AssertionError(f"{topic}: not read to its end in {timeout:.0f} s")
        for batch in consumer.poll(timeout_ms=500).values():
            records.extend(r for r in batch if not isinstance(r, SkippedOffsets))
    consumer.close()
    return records


def migrate(database_url: str) -> None:
    """Apply the migrations with the consumer's own command, as an operator would."""
    result = subprocess.run(
        consumer_command("migrate", migrations_database_url=database_url),
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def assert_one_clear_error(result: subprocess.CompletedProcess[str], *phrases: str) -> None:
    """Exit 1 with one `error:` line holding every phrase, and no traceback."""
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.stderr
    for phrase in phrases:
        assert phrase in errors[0]
