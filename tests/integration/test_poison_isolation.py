"""Each failure kind of issue 13, reproduced against the real broker and database: the
consumer neither exits nor stalls, stores every valid event once, dead-letters each bad
record with its own reason, and its ledger explains every offset."""

from __future__ import annotations

import json
import random
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import KafkaAdminClient, NewTopic

from consumer.ingest.records import HeaderKey
from tests.commands import consumer_command, unique_group
from tests.integration import harness

pytestmark = [pytest.mark.integration, pytest.mark.slow]

LEDGER = (
    "select kafka_partition, first_offset, next_offset, facts_stored, duplicates,"
    " dead_lettered, skipped_markers, skipped_aborted, skipped_retention, skipped_reset"
    " from partition_offsets order by kafka_partition"
)


@pytest.fixture
def admin(kafka_bootstrap: str) -> Iterator[KafkaAdminClient]:
    client = KafkaAdminClient(bootstrap_servers=kafka_bootstrap, client_id="pulse-poison-tests")
    yield client
    client.close()


@pytest.fixture
def topics(admin: KafkaAdminClient) -> Iterator[Callable[..., str]]:
    """Topics with their own configs (a topic_factory that takes them)."""
    created: list[str] = []

    def create(prefix: str, partitions: int = 1, **configs: str) -> str:
        name = f"{prefix}.{uuid.uuid4().hex[:12]}"
        admin.create_topics([NewTopic(name, partitions, 1, topic_configs=configs)])
        created.append(name)
        return name

    yield create
    admin.delete_topics(created)


def _event(rng: random.Random, **fields: Any) -> dict[str, Any]:
    event = harness.valid_event(rng)
    event.update(fields)
    return event


def _call(rng: random.Random, transcript: str) -> dict[str, Any]:
    event = harness.valid_event(rng)
    for name in ("content_id", "author_id", "category", "product_id", "order_id", "quantity",
                 "unit_price", "currency", "query", "results_count"):  # fmt: skip
        event.pop(name, None)
    event |= {
        "event_type": "support_call",
        "call_id": f"call-{uuid.uuid4().hex[:8]}",
        "agent_id": "agent-1",
        "agent_name": "Dana Smith",
        "duration_seconds": 240,
        "transcript": transcript,
    }
    return event


def _bytes(event: dict[str, Any]) -> bytes:
    return json.dumps(event).encode()


def _consumer_args(tmp_path: Path, bootstrap: str, url: str, topic: str, dlq: str) -> Any:
    return {
        "bootstrap": bootstrap,
        "database_url": url,
        "topic": topic,
        "dlq_topic": dlq,
        "group": unique_group(),
        "log_dir": tmp_path,
    }


def _run(tmp_path: Path, bootstrap: str, url: str, topic: str, dlq: str, *extra: str) -> str:
    consumer = harness.run_consumer_to_idle(
        **_consumer_args(tmp_path, bootstrap, url, topic, dlq), extra=extra
    )
    log = consumer.log()
    assert "Traceback" not in log, log[-3000:]
    return log


def _ledger(url: str) -> list[tuple[int, ...]]:
    with psycopg.connect(url) as conn:
        return [tuple(int(v) for v in row) for row in conn.execute(LEDGER).fetchall()]


def _assert_ledger_explains_the_topic(url: str, bootstrap: str, topic: str) -> None:
    rows = {row[0]: row for row in _ledger(url)}
    for partition, end in _end_offsets(bootstrap, topic).items():
        if end == 0:
            continue
        _, first, next_offset, *counts = rows[partition]
        assert next_offset == end, (partition, rows[partition])
        assert first == 0
        assert next_offset - first == sum(counts), rows[partition]


def _event_ids(url: str) -> set[str]:
    with psycopg.connect(url) as conn:
        return {str(row[0]) for row in conn.execute("select event_id from events")}


def _dead_letters(bootstrap: str, topic: str) -> list[Any]:
    """The dead-letter topic to its end (read leniently: its header keys may not be UTF-8)."""
    return harness.read_whole_topic(bootstrap, topic)


def _headers(record: Any) -> dict[bytes, bytes | None]:
    return {key.encode("utf-8"): value for key, value in record.headers}


def _end_offsets(bootstrap: str, topic: str) -> dict[int, int]:
    probe = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None)
    tps = [TopicPartition(topic, p) for p in sorted(probe.partitions_for_topic(topic) or ())]
    ends = {tp.partition: offset for tp, offset in probe.end_offsets(tps).items()}
    probe.close()
    return ends


def _replay_everything(bootstrap: str, topic: str, dlq: str) -> dict[str, Any]:
    """`dlq replay --apply` with bounds wide enough for every dead letter; its report."""
    command = consumer_command(
        "dlq", "replay", "--apply", "--json",
        bootstrap_servers=bootstrap, topic=topic, dlq_topic=dlq,
        max_event_bytes=2_500_000, late_horizon_days=3650,
    )  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    report: dict[str, Any] = json.loads(done.stdout)
    return report


def test_every_codec_is_read(
    tmp_path: Path, kafka_bootstrap: str, database_url: str, topics: Callable[..., str]
) -> None:
    topic, dlq = topics("poison.codecs"), topics("poison.codecs.dlq")
    rng = random.Random(13)
    valid: set[str] = set()
    for codec in ("gzip", "snappy", "lz4", "zstd"):
        producer = KafkaProducer(
            bootstrap_servers=kafka_bootstrap, acks="all", compression_type=codec, linger_ms=50
        )
        for _ in range(25):
            event = _event(rng)
            valid.add(event["event_id"])
            producer.send(topic, key=b"k", value=_bytes(event))
        producer.send(topic, key=b"k", value=b"{" + codec.encode())
        producer.flush()
        producer.close()
    _run(tmp_path, kafka_bootstrap, database_url, topic, dlq)
    assert _event_ids(database_url) == valid
    letters = _dead_letters(kafka_bootstrap, dlq)
    assert sorted(r.value for r in letters) == [b"{gzip", b"{lz4", b"{snappy", b"{zstd"]
    _assert_ledger_explains_the_topic(database_url, kafka_bootstrap, topic)


def test_aborted_transactions_are_never_stored_and_markers_are_counted(
    tmp_path: Path, kafka_bootstrap: str, database_url: str, topics: Callable[..., str]
) -> None:
    topic, dlq = topics("poison.txn"), topics("poison.txn.dlq")
    rng = random.Random(7)
    producer = KafkaProducer(
        bootstrap_servers=kafka_bootstrap,
        transactional_id=f"pulse-test-{uuid.uuid4().hex[:8]}",
        compression_type="zstd",
    )
    producer.init_transactions()
    committed: set[str] = set()
    aborted: set[str] = set()
    for outcome in ("commit", "abort", "commit", "abort", "commit"):
        producer.begin_transaction()
        events = [_event(rng) for _ in range(5)]
        for event in events:
            producer.send(topic, key=b"k", value=_bytes(event))
        producer.send(topic, key=b"k", value=b"not json in a transaction")
        producer.flush()  # the records reach the log before the abort marker
        if outcome == "commit":
            producer.commit_transaction()
            committed |= {e["event_id"] for e in events}
        else:
            producer.abort_transaction()
            aborted |= {e["event_id"] for e in events}
    producer.close()
    # The partition ends with a commit marker: the consumer must still see itself idle.
    _run(tmp_path, kafka_bootstrap, database_url, topic, dlq)
    assert _event_ids(database_url) == committed
    letters = _dead_letters(kafka_bootstrap, dlq)
    assert len(letters) == 3  # the invalid record of each committed transaction only
    [(partition, first, next_offset, facts, dups, dead, markers, aborted_n, retention, reset)] = (
        _ledger(database_url)
    )
    assert (facts, dups, dead) == (15, 0, 3)
    assert (markers, aborted_n, retention, reset) == (5, 12, 0, 0)
    assert (partition, first, next_offset) == (0, 0, 15 + 3 + 5 + 12)


def test_absurd_upsells_are_stored_without_an_amount(
    tmp_path: Path, kafka_bootstrap: str, database_url: str, topics: Callable[..., str]
) -> None:
    topic, dlq = topics("poison.upsell"), topics("poison.upsell.dlq")
    rng = random.Random(3)
    calls = [
        _call(rng, "Agent: I can add the premium plan for $999999999999999999999999999.\n"
                   "Customer: Yes, add it please."),
        _call(rng, "Agent: The extended warranty is $99999999999 today.\n"
                   "Customer: Sure, I'll take it."),
    ]  # fmt: skip
    harness.produce(
        kafka_bootstrap,
        topic,
        [harness.Record(b"k", _bytes(c), c["event_id"]) for c in calls],
    )
    _run(tmp_path, kafka_bootstrap, database_url, topic, dlq)
    assert _event_ids(database_url) == {c["event_id"] for c in calls}
    with psycopg.connect(database_url) as conn:
        amounts = conn.execute("select upsell_amount from support_calls").fetchall()
    assert amounts == [(None,), (None,)]


def test_values_postgresql_refuses_are_dead_lettered_and_the_rest_is_stored(
    tmp_path: Path, kafka_bootstrap: str, database_url: str, topics: Callable[..., str]
) -> None:
    """A rule the database enforces and the contract does not (here a check constraint
    added by hand): the refused records are found inside their batch and dead-lettered."""
    topic, dlq = topics("poison.refused", partitions=2), topics("poison.refused.dlq")
    harness.migrate(database_url)
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("alter table events add constraint no_poison check (user_id !~ '^poison')")
    rng = random.Random(11)
    events = [_event(rng) for _ in range(600)]
    for index in (17, 250, 251, 599):
        events[index]["user_id"] = f"poison-{index}"
    harness.produce(
        kafka_bootstrap,
        topic,
        [harness.Record(e["user_id"].encode(), _bytes(e), e["event_id"]) for e in events],
    )
    _run(tmp_path, kafka_bootstrap, database_url, topic, dlq)
    poisoned = {e["event_id"] for e in events if e["user_id"].startswith("poison")}
    assert _event_ids(database_url) == {e["event_id"] for e in events} - poisoned
    letters = _dead_letters(kafka_bootstrap, dlq)
    assert {json.loads(r.value)["event_id"] for r in letters} == poisoned
    for record in letters:
        headers = _headers(record)
        assert headers[b"pulse.reason"] == b"db_rejected"
        assert headers[b"pulse.sqlstate"] == b"23514"
        assert b"no_poison" in (headers[b"pulse.error"] or b"")
    _assert_ledger_explains_the_topic(database_url, kafka_bootstrap, topic)


def test_a_deployment_fault_stops_with_one_line(
    tmp_path: Path, kafka_bootstrap: str, database_url: str, topics: Callable[..., str]
) -> None:
    topic, dlq = topics("poison.deploy"), topics("poison.deploy.dlq")
    harness.migrate(database_url)
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("alter table user_activity rename to user_activity_moved")
    harness.produce(kafka_bootstrap, topic, harness.make_records(5, 20))
    consumer = harness.start_consumer(
        **_consumer_args(tmp_path, kafka_bootstrap, database_url, topic, dlq)
    )
    assert consumer.wait(120) == 1
    log = consumer.log()
    assert "Traceback" not in log, log[-3000:]
    errors = [line for line in log.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, log[-3000:]
    assert "SQLSTATE 42P01" in errors[0]
    assert "python -m consumer migrate" in errors[0]
    assert harness.fact_count(database_url) == 0


def test_dead_letters_keep_odd_headers_and_oversized_ones_are_cut(
    tmp_path: Path,
    kafka_bootstrap: str,
    database_url: str,
    topics: Callable[..., str],
) -> None:
    topic = topics("poison.letters", **{"max.message.bytes": "3000000"})
    dlq = topics("poison.letters.dlq")
    rng = random.Random(5)
    odd_key = HeaderKey(b"trace-\xff\xfe".decode("utf-8", "surrogateescape"))
    valid = _event(rng)
    producer = KafkaProducer(
        bootstrap_servers=kafka_bootstrap, acks="all", max_request_size=3_000_000
    )
    headers = [(odd_key, b"\x00\x01binary"), ("empty", b"")]
    producer.send(topic, key=b"k", value=_bytes(valid), headers=headers)
    producer.send(topic, key=b"k", value=b"{broken", headers=headers)
    producer.send(topic, key=b"k", value=b"x" * 1_500_000)  # too big to re-send as it is
    # Valid JSON padded past the limit: its cut dead letter is valid JSON too, an event
    # that no producer sent and that replay must therefore never publish.
    padded = _bytes(_event(rng)) + b" " * 1_500_000
    producer.send(topic, key=b"k", value=padded)
    producer.flush()
    producer.close()
    _run(tmp_path, kafka_bootstrap, database_url, topic, dlq)
    assert _event_ids(database_url) == {valid["event_id"]}
    letters = {int(_headers(r)[b"pulse.origin.offset"] or b"-1"): r for r in _dead_letters(
        kafka_bootstrap, dlq
    )}  # fmt: skip
    broken, big = letters[1], letters[2]
    assert (b"trace-\xff\xfe", b"\x00\x01binary") in [
        (k.encode("utf-8"), v) for k, v in broken.headers
    ]
    assert _headers(broken)[b"pulse.reason"] == b"malformed_json"
    big_headers = _headers(big)
    assert big_headers[b"pulse.reason"] == b"oversized"
    assert big_headers[b"pulse.payload.truncated"] == b"true"
    assert big_headers[b"pulse.payload.bytes"] == b"1500000"
    assert 0 < len(big.value) < 1_000_000
    assert set(big.value) == {ord("x")}
    _assert_ledger_explains_the_topic(database_url, kafka_bootstrap, topic)
    ends = _end_offsets(kafka_bootstrap, topic)
    report = _replay_everything(kafka_bootstrap, topic, dlq)
    verdicts = {entry["origin"]: entry for entry in report["records"]}
    assert (report["incomplete"], report["replayable"]) == (2, 0), report
    for offset, size in ((2, 1_500_000), (3, len(padded))):
        cut = verdicts[f"{topic}/0/{offset}"]
        assert cut["verdict"] == "incomplete"
        assert f" of {size} bytes" in cut["message"], cut
    assert _end_offsets(kafka_bootstrap, topic) == ends  # nothing was re-sent


def test_a_dead_letter_the_topic_refuses_goes_as_a_minimal_one(
    tmp_path: Path, kafka_bootstrap: str, database_url: str, topics: Callable[..., str]
) -> None:
    topic = topics("poison.small")
    dlq = topics("poison.small.dlq", **{"max.message.bytes": "8000"})
    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    producer.send(topic, key=b"k", value=b"[" * 12_000)  # invalid, and too big for the dlq
    producer.flush()
    producer.close()
    _run(tmp_path, kafka_bootstrap, database_url, topic, dlq)
    [letter] = _dead_letters(kafka_bootstrap, dlq)
    headers = _headers(letter)
    assert headers[b"pulse.payload.dropped"] == b"true"
    assert headers[b"pulse.payload.bytes"] == b"12000"
    assert headers[b"pulse.origin.offset"] == b"0"
    assert letter.value == b""
    _assert_ledger_explains_the_topic(database_url, kafka_bootstrap, topic)
    ends = _end_offsets(kafka_bootstrap, topic)
    report = _replay_everything(kafka_bootstrap, topic, dlq)
    [entry] = report["records"]
    assert (entry["verdict"], report["replayable"]) == ("incomplete", 0), report
    assert "the payload was dropped (12000 bytes)" in entry["message"]
    assert _end_offsets(kafka_bootstrap, topic) == ends


def test_a_retention_gap_is_counted_and_reported(
    tmp_path: Path,
    kafka_bootstrap: str,
    database_url: str,
    topics: Callable[..., str],
    admin: KafkaAdminClient,
) -> None:
    topic, dlq = topics("poison.gap"), topics("poison.gap.dlq")
    harness.produce(kafka_bootstrap, topic, harness.make_records(1, 10))
    _run(tmp_path, kafka_bootstrap, database_url, topic, dlq)
    harness.produce(kafka_bootstrap, topic, harness.make_records(2, 10))
    # Retention deletes offsets 10-14 before the consumer comes back.
    admin.delete_records({TopicPartition(topic, 0): 15})
    log = _run(tmp_path, kafka_bootstrap, database_url, topic, dlq)
    [(_, first, next_offset, facts, _, _, markers, aborted, retention, reset)] = _ledger(
        database_url
    )
    assert (first, next_offset, facts) == (0, 20, 15)
    assert (markers, aborted, retention, reset) == (0, 0, 5, 0)
    assert "committed an offset gap" in log
    assert "retention_gap" in log


def test_a_record_is_judged_by_its_own_timestamp(
    tmp_path: Path, kafka_bootstrap: str, database_url: str, topics: Callable[..., str]
) -> None:
    """An event two years old is accepted when its record says it was produced the day
    after (a replay of old data keeps its timestamps), whatever the clock says now."""
    # Retention off: two-year-old record timestamps would make the segment deletable.
    topic, dlq = topics("poison.time", **{"retention.ms": "-1"}), topics("poison.time.dlq")
    rng = random.Random(9)
    then = datetime(2024, 11, 30, 12, tzinfo=UTC)
    event = _event(rng, occurred_at=then.isoformat())
    too_old = _event(rng, occurred_at=datetime(2020, 1, 1, tzinfo=UTC).isoformat())
    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    stamp = int(then.timestamp() * 1000) + 86_400_000
    producer.send(topic, key=b"k", value=_bytes(event), timestamp_ms=stamp)
    producer.send(topic, key=b"k", value=_bytes(too_old), timestamp_ms=stamp)
    producer.flush()
    producer.close()
    _run(tmp_path, kafka_bootstrap, database_url, topic, dlq)
    assert _event_ids(database_url) == {event["event_id"]}
    [letter] = _dead_letters(kafka_bootstrap, dlq)
    assert _headers(letter)[b"pulse.reason"] == b"timestamp_too_old"


def test_a_reset_to_latest_is_counted_and_reported(
    tmp_path: Path,
    kafka_bootstrap: str,
    database_url: str,
    topics: Callable[..., str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A group new to a partition with KAFKA_AUTO_OFFSET_RESET=latest skips what is there:
    the ledger books those offsets as a reset, from offset 0."""
    topic, dlq = topics("poison.reset"), topics("poison.reset.dlq")
    harness.produce(kafka_bootstrap, topic, harness.make_records(3, 10))
    monkeypatch.setenv("KAFKA_AUTO_OFFSET_RESET", "latest")
    consumer = harness.start_consumer(
        **_consumer_args(tmp_path, kafka_bootstrap, database_url, topic, dlq),
        exit_when_idle_s=None,
    )
    try:
        harness.wait_for(
            lambda: any(
                "partitions assigned" in line and f"topic={topic} " in line
                for line in consumer.log().splitlines()
            ),
            60,
            "an assignment of the topic (the catalog's loop logs its own)",
        )
        # "latest" is resolved at the first fetch after the seek: let it happen first, or
        # the records below would be skipped too.
        time.sleep(3)
        later = harness.make_records(4, 5)
        harness.produce(kafka_bootstrap, topic, later)
        harness.wait_for(lambda: harness.fact_count(database_url) >= 5, 60, "5 facts")
    finally:
        consumer.terminate()
        consumer.wait(60)
    assert _event_ids(database_url) == {r.event_id for r in later}
    [(_, first, next_offset, facts, _, _, markers, aborted, retention, reset)] = _ledger(
        database_url
    )
    assert (first, next_offset, facts) == (0, 15, 5)
    assert (markers, aborted, retention, reset) == (0, 0, 0, 10)
    assert "offset_reset" in consumer.log()
