"""The producer against the real broker: everything it reports as sent is on the topic,
keyed by user, where the truth file says, and decodes as the truth file predicts."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from confluent_kafka.admin import AdminClient
from confluent_kafka.admin._config import ConfigResource  # not re-exported for mypy
from confluent_kafka.admin._resource import ResourceType
from kafka import KafkaConsumer, TopicPartition
from kafka.admin import KafkaAdminClient

from consumer.ingest.decode import Rejection, decode_event
from producer.cli import main
from producer.truth import read_truth
from pulse.contract import TimeWindow
from pulse.settings import Settings

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]


def _cleanup_policy(bootstrap: str, topic: str) -> str:
    admin = AdminClient({"bootstrap.servers": bootstrap})
    (future,) = admin.describe_configs([ConfigResource(ResourceType.TOPIC, topic)]).values()
    return str(future.result()["cleanup.policy"].value)


def read_all(bootstrap: str, topic: str, expected: int, timeout_s: float = 60.0) -> list[Any]:
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, group_id=None)
    try:
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic)]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        records: list[Any] = []
        deadline = time.monotonic() + timeout_s
        while len(records) < expected and time.monotonic() < deadline:
            for batch in consumer.poll(timeout_ms=500).values():
                records.extend(batch)
        # One more poll: anything beyond `expected` would be a bug too.
        for batch in consumer.poll(timeout_ms=500).values():
            records.extend(batch)
        return records
    finally:
        consumer.close()


def test_every_record_is_on_the_topic_where_the_truth_says(
    kafka_bootstrap: str, topic_factory: Callable[..., str], tmp_path: Path
) -> None:
    topic = topic_factory("producer", 3)
    truth_path = tmp_path / "truth.jsonl"
    code = main([
        "--bootstrap-servers", kafka_bootstrap, "--topic", topic, "--count", "6000",
        "--days", "14", "--seed", "5", "--users", "1000", "--truth", str(truth_path),
        "--defects-ratio", "0.004", "--duplicate-ratio", "0.02", "--late-ratio", "0.02",
        "--no-progress", "--no-catalog",
    ])  # fmt: skip
    assert code == 0
    truth = read_truth(truth_path)
    assert len(truth) == 6000
    records = read_all(kafka_bootstrap, topic, 6000)
    assert len(records) == 6000

    by_position = {(line["partition"], line["offset"]): line for line in truth}
    settings = Settings()
    window = TimeWindow(
        datetime.now(UTC),
        timedelta(days=settings.late_horizon_days),
        timedelta(seconds=settings.clock_skew_seconds),
    )
    partitions_of_user: dict[bytes, set[int]] = defaultdict(set)
    for record in records:
        line = by_position[record.partition, record.offset]
        assert record.key == line["user_id"].encode()
        assert len(record.value) == line["bytes"]
        partitions_of_user[record.key].add(record.partition)
        verdict = decode_event(record.value, window=window, max_bytes=settings.max_event_bytes)
        if line["valid"]:
            assert not isinstance(verdict, Rejection), verdict
            assert str(verdict.event_id) == line["event_id"]
        else:
            assert isinstance(verdict, Rejection)
            assert verdict.reason.value == line["expected_reason"]
    # Keyed by user: each user's records stay on one partition, in order.
    assert all(len(parts) == 1 for parts in partitions_of_user.values())
    assert sum(line["duplicate"] for line in truth) > 50
    assert sum(not line["valid"] for line in truth) > 100


def test_missing_topics_are_created_the_catalog_one_compacted(kafka_bootstrap: str) -> None:
    topic = f"producer.new.{uuid.uuid4().hex[:12]}"
    catalog = f"{topic}.catalog"
    admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    try:
        code = main(["--bootstrap-servers", kafka_bootstrap, "--topic", topic, "--count", "50",
                     "--partitions", "4", "--users", "200", "--no-progress",
                     "--catalog-topic", catalog])  # fmt: skip
        assert code == 0
        events, dimensions = admin.describe_topics([topic, catalog])
        assert len(events["partitions"]) == 4
        assert len(dimensions["partitions"]) == 4
        assert len(read_all(kafka_bootstrap, topic, 50)) == 50
        assert _cleanup_policy(kafka_bootstrap, catalog) == "compact"
        # The catalog's snapshot: every product, post, author and agent of the world.
        kinds = {
            record.key.split(b":")[0] for record in read_all(kafka_bootstrap, catalog, 10**9, 5)
        }
        assert kinds == {b"product", b"post", b"author", b"agent"}
    finally:
        admin.delete_topics([topic, catalog])
        admin.close()


def test_ctrl_c_flushes_prints_the_summary_and_exits_zero(
    kafka_bootstrap: str, topic_factory: Callable[..., str], tmp_path: Path
) -> None:
    topic = topic_factory("producer.sigint", 2)
    truth_path = tmp_path / "truth.jsonl"
    process = subprocess.Popen(
        [sys.executable, "-m", "producer", "--live", "--rate", "400", "--users", "500",
         "--bootstrap-servers", kafka_bootstrap, "--topic", topic, "--truth", str(truth_path),
         "--late-ratio", "0.05", "--no-catalog"],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    time.sleep(6)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert "interrupted after" in out
    assert "Traceback" not in err
    truth = read_truth(truth_path)
    assert len(truth) > 200
    assert all(line["acked"] for line in truth)
    assert any(line["late"] for line in truth)  # held-back events were flushed, not lost
    assert len(read_all(kafka_bootstrap, topic, len(truth))) == len(truth)
