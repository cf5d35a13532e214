"""Dead-letter operations against the real broker and database: records broken in
several ways go through the real consumer into a fresh dead-letter topic (plus one repeat,
as a crash would leave), then `dlq summary`, `show`, `replay` and `mirror` run as the
user runs them."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
from confluent_kafka import Producer
from kafka.admin import KafkaAdminClient, NewTopic

from tests.commands import unique_group
from tests.databases import scratch_database
from tests.integration import harness
from tests.integration.harness import REPO

pytestmark = pytest.mark.integration

# The consumer first runs with narrow bounds; the replay widens them.
NARROW = {"LATE_HORIZON_DAYS": "10", "MAX_EVENT_BYTES": "2048"}
WIDE = {"LATE_HORIZON_DAYS": "60", "MAX_EVENT_BYTES": "8192"}
CLI_TIMEOUT_S = 180
NULL_HEADERS: list[tuple[str, bytes | None]] = [("sampled", None), ("tenant", b"acme")]
CONSUMER_TIMEOUT_S = 300

Produced = tuple[bytes, bytes, list[tuple[str, bytes | None]]]


@dataclass(frozen=True)
class World:
    kafka: str
    database_url: str
    topic: str
    dlq: str
    valid_ids: frozenset[str]
    replayable_ids: frozenset[str]  # rejected under NARROW, valid under WIDE
    rejected: tuple[Produced, ...]
    repeated_key: bytes


def _event(rng: random.Random, user: str, *, days_old: float = 0, pad: int = 0) -> dict[str, Any]:
    event = harness.valid_event(rng, user=user)
    if days_old:
        event["occurred_at"] = (datetime.now(UTC) - timedelta(days=days_old)).isoformat()
    if pad:
        event["padding"] = "x" * pad  # unknown fields are ignored: only the size matters
    return event


def _records() -> tuple[list[Produced], set[str], set[str]]:
    rng = random.Random(10)
    valid = [_event(rng, f"ok-{i}") for i in range(6)]
    old = [_event(rng, f"old-{i}", days_old=30) for i in range(3)]
    big = [_event(rng, f"big-{i}", pad=3000) for i in range(2)]
    ancient = _event(rng, "ancient-0", days_old=200)
    odd = _event(rng, "odd-0") | {"event_type": "teleport"}
    produced: list[Produced] = [
        (e["user_id"].encode(), json.dumps(e).encode(), [])
        for e in [*valid, *old, *big, ancient, odd]
    ]
    produced[6] = (produced[6][0], produced[6][1], [("traceparent", b"00-abc-01")])
    # A header with a null value (the Java client and librdkafka send them): the dead letter
    # carries it empty, and a replay must send it null again.
    produced[7] = (produced[7][0], produced[7][1], NULL_HEADERS)
    produced += [
        (b"bad-0", b'{"event_type": "login", \x1b[31m oops', []),
        (b"bad-1", b"{not json", []),
    ]
    return produced, {e["event_id"] for e in valid}, {e["event_id"] for e in [*old, *big]}


def _produce(
    kafka: str, topic: str, records: Sequence[Produced], partition: int | None = None
) -> None:
    # librdkafka, as kafka-python sends no null header value; partitioned as Java does.
    producer = Producer(
        {"bootstrap.servers": kafka, "acks": "all", "partitioner": "murmur2_random"}
    )
    for key, value, headers in records:
        producer.produce(
            topic,
            value,
            key,
            partition=-1 if partition is None else partition,
            headers=list(headers),
        )
    assert producer.flush(60) == 0


def _consume(kafka: str, db: str, topic: str, dlq: str, *, tmp: Path, env: dict[str, str]) -> None:
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        harness.run_consumer_to_idle(
            timeout=CONSUMER_TIMEOUT_S,
            bootstrap=kafka,
            database_url=db,
            topic=topic,
            dlq_topic=dlq,
            group=unique_group(),
            log_dir=tmp,
        )


def _build_world(kafka: str, db: str, topic: str, dlq: str, tmp: Path) -> World:
    produced, valid_ids, replayable_ids = _records()
    _produce(kafka, topic, produced)
    _consume(kafka, db, topic, dlq, tmp=tmp, env=NARROW)
    rejected = tuple(r for r in produced if not r[0].startswith(b"ok-"))
    letters = harness.read_topic(kafka, dlq, len(rejected))
    assert len(letters) == len(rejected)
    # The dead-letter topic is at-least-once: a crash before the batch commits sends a
    # record again. Re-send one, headers and all, as that crash would.
    again = next(letter for letter in letters if letter.key == b"old-0")
    _produce(kafka, dlq, [(again.key, again.value, list(again.headers))], again.partition)
    return World(
        kafka, db, topic, dlq, frozenset(valid_ids), frozenset(replayable_ids), rejected, b"old-0"
    )


@pytest.fixture(scope="module")
def world(
    kafka_bootstrap: str, admin_database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    """One rejected world shared by the read-only tests (summary, show, mirror)."""
    admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap, client_id="pulse-tests")
    suffix = uuid.uuid4().hex[:12]
    topic, dlq = f"events.{suffix}", f"dlq.{suffix}"
    admin.create_topics([NewTopic(topic, 2, 1), NewTopic(dlq, 2, 1)])
    try:
        with scratch_database(admin_database_url) as db:
            yield _build_world(kafka_bootstrap, db, topic, dlq, tmp_path_factory.mktemp("dlq"))
    finally:
        admin.delete_topics([topic, dlq])
        admin.close()


def _dlq(
    world: World, *args: str, env: dict[str, str] | None = None, check: bool = True
) -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable, "-m", "consumer", "dlq", *args,
        "--bootstrap-servers", world.kafka, "--dlq-topic", world.dlq,
    ]  # fmt: skip
    result = subprocess.run(
        command,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=CLI_TIMEOUT_S,
        env={**os.environ, **NARROW, **(env or {})},
        check=False,
    )
    if check:
        assert result.returncode == 0, result.stderr
    return result


def _dlq_json(world: World, *args: str, env: dict[str, str] | None = None) -> Any:
    return json.loads(_dlq(world, *args, "--json", env=env).stdout)


def _event_id(value: bytes) -> str | None:
    try:
        return str(json.loads(value)["event_id"])
    except ValueError:
        return None


def _claimed_type(value: bytes) -> str:
    try:
        return str(json.loads(value)["event_type"])
    except ValueError:
        return "(not decodable)"


# -- summary -------------------------------------------------------------------------


def test_summary_counts_each_rejected_record_once(world: World) -> None:
    summary = _dlq_json(world, "summary")
    assert summary["records"] == len(world.rejected) == 9
    assert (summary["records_read"], summary["repeats_skipped"]) == (10, 1)
    assert summary["by_reason"] == {
        "timestamp_too_old": 4,
        "oversized": 2,
        "malformed_json": 2,
        "unknown_event_type": 1,
    }
    assert summary["by_event_type"] == dict(Counter(_claimed_type(v) for _, v, _ in world.rejected))
    assert summary["by_key"] == {key.decode(): 1 for key, _, _ in world.rejected}
    assert sum(summary["by_hour"].values()) == 9
    assert summary["oldest"]["failed_at"] <= summary["newest"]["failed_at"]

    text = _dlq(world, "summary").stdout
    assert text.startswith(f"9 distinct dead letters in {world.dlq} (10 records read, 1 repeats")
    assert "timestamp_too_old" in text
    assert "(not decodable)" in text


# -- show ----------------------------------------------------------------------------


def _keys(document: Any) -> list[str]:
    return sorted(record["key"] for record in document["records"])


def test_show_filters_by_reason_key_and_address(world: World) -> None:
    assert _keys(_dlq_json(world, "show", "--reason", "oversized")) == ["big-0", "big-1"]
    assert _keys(_dlq_json(world, "show", "--reason", "malformed_json,unknown_event_type")) == [
        "bad-0",
        "bad-1",
        "odd-0",
    ]
    one = _dlq_json(world, "show", "--key", "old-1")
    assert _keys(one) == ["old-1"]
    record = one["records"][0]
    assert record["reason"] == "timestamp_too_old"
    assert record["origin"].startswith(f"{world.topic}/")
    assert record["errors"][0]["path"] == "occurred_at"

    by_address = _dlq_json(
        world, "show", "--partition", str(record["partition"]), "--offset", str(record["offset"])
    )
    assert _keys(by_address) == ["old-1"]

    repeated = _dlq_json(world, "show", "--key", world.repeated_key.decode())
    assert (len(repeated["records"]), repeated["repeats_skipped"]) == (1, 1)


def test_show_filters_by_time_and_limit(world: World) -> None:
    assert len(_dlq_json(world, "show", "--since", "1h")["records"]) == 9
    assert _dlq_json(world, "show", "--until", "2000-01-01")["records"] == []
    future = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    assert _dlq_json(world, "show", "--since", future)["records"] == []
    assert len(_dlq_json(world, "show", "--limit", "4")["records"]) == 4


def test_show_prints_headers_and_a_safe_excerpt(world: World) -> None:
    text = _dlq(world, "show", "--key", "bad-0").stdout
    assert "\x1b" not in text
    assert '{"event_type": "login", \\x1b[31m oops (34 bytes)' in text
    assert "    pulse.reason: malformed_json" in text
    assert f"    pulse.origin.topic: {world.topic}" in text
    assert text.rstrip().splitlines()[-1] == (
        f"1 dead letters shown from {world.dlq} (10 records read, 0 repeats of the same origin "
        "skipped)"
    )


# -- mirror --------------------------------------------------------------------------


def test_mirror_copies_each_origin_once_and_resumes(world: World) -> None:
    first = _dlq_json(world, "mirror", "--database-url", world.database_url)
    assert (first["records_read"], first["new"], first["repeats"]) == (10, 9, 1)
    again = _dlq_json(world, "mirror", "--database-url", world.database_url)
    assert (again["records_read"], again["new"]) == (0, 0)
    with psycopg.connect(world.database_url) as conn:
        rows = conn.execute(
            "select reason, count(*), sum(copies) from dead_letters group by reason"
        ).fetchall()
        old = conn.execute(
            "select record_key, copies, field_errors -> 0 ->> 'path', origin_topic"
            " from dead_letters where record_key = 'old-0'"
        ).fetchone()
    assert {reason: (count, copies) for reason, count, copies in rows} == {
        "timestamp_too_old": (4, 5),
        "oversized": (2, 2),
        "malformed_json": (2, 2),
        "unknown_event_type": (1, 1),
    }
    assert old == ("old-0", 2, "occurred_at", world.topic)


# -- replay --------------------------------------------------------------------------


def _stored_ids(database_url: str) -> set[str]:
    return {row[0] for row in harness.facts(database_url)}


def test_replay_brings_exactly_the_now_valid_records_in_once(
    kafka_bootstrap: str, database_url: str, topic_factory: Callable[..., str], tmp_path: Path
) -> None:
    topic, dlq = topic_factory("events", 2), topic_factory("dlq", 2)
    world = _build_world(kafka_bootstrap, database_url, topic, dlq, tmp_path)
    assert _stored_ids(database_url) == world.valid_ids
    produced = len(world.rejected) + len(world.valid_ids)
    replay = ("replay", "--topic", topic)

    unchanged = _dlq_json(world, *replay)
    assert (unchanged["replayable"], unchanged["still_failing"]) == (0, 9)

    dry = _dlq_json(world, *replay, env=WIDE)
    assert (dry["replayable"], dry["still_failing"], dry["refused"]) == (5, 4, 0)
    assert dry["repeats_skipped"] == 1
    assert Counter(r["new_reason"] for r in dry["records"] if r["verdict"] == "still_fails") == {
        "timestamp_too_old": 1,
        "malformed_json": 2,
        "unknown_event_type": 1,
    }
    assert len(harness.read_topic(kafka_bootstrap, topic, produced)) == produced  # dry run

    for _ in range(2):
        applied = _dlq_json(world, *replay, "--apply", env=WIDE)
        assert (applied["applied"], applied["replayable"]) == (True, 5)
        _consume(kafka_bootstrap, database_url, topic, dlq, tmp=tmp_path, env=WIDE)
        assert _stored_ids(database_url) == world.valid_ids | world.replayable_ids

    counters = harness.offsets(database_url)
    assert sum(row[4] for row in counters) == 5  # the second replay: duplicates, no facts
    assert sum(row[5] for row in counters) == 9  # nothing new was dead-lettered

    replayed = [
        r
        for r in harness.read_topic(kafka_bootstrap, topic, produced + 10)
        if any(name == "pulse.replay.origin" for name, _ in r.headers)
    ]
    assert len(replayed) == 10
    replayable = {(k, v) for k, v, _ in world.rejected if _event_id(v) in world.replayable_ids}
    assert {(r.key, r.value) for r in replayed} == replayable
    headers = [dict(r.headers) for r in replayed]
    assert {h["pulse.replay.count"] for h in headers} == {b"1"}
    assert all(h["pulse.replay.origin"].decode().startswith(f"{dlq}/") for h in headers)
    assert sum(1 for h in headers if h.get("traceparent") == b"00-abc-01") == 2
    own = [
        [(name, value) for name, value in r.headers if not name.startswith("pulse.")]
        for r in replayed
        if r.key == b"old-1"
    ]
    assert own == [NULL_HEADERS, NULL_HEADERS]
