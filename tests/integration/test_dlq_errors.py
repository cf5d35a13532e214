"""Every error a user can cause with `dlq` ends as one line that says what to do, and
reading never creates the topic it was asked about."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import uuid
from collections.abc import Callable

import pytest
from confluent_kafka import Producer
from kafka.admin import KafkaAdminClient

from tests.integration import harness
from tests.integration.harness import REPO

pytestmark = pytest.mark.integration


def _dlq(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "consumer", "dlq", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        env=os.environ.copy(),
        check=False,
    )


def _assert_one_clear_line(result: subprocess.CompletedProcess[str], *phrases: str) -> None:
    assert result.returncode == 1, result.stdout
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.stderr
    for phrase in phrases:
        assert phrase in errors[0]


def test_unreachable_kafka_says_how_to_fix_it() -> None:
    result = _dlq("summary", "--bootstrap-servers", "127.0.0.1:1")
    _assert_one_clear_line(result, "no Kafka broker answers at 127.0.0.1:1", "KAFKA_BOOTSTRAP")


def test_a_missing_topic_is_named_and_not_created(kafka_bootstrap: str) -> None:
    missing = f"dlq.missing.{uuid.uuid4().hex[:12]}"
    for action in ("summary", "show", "replay"):
        result = _dlq(action, "--bootstrap-servers", kafka_bootstrap, "--dlq-topic", missing)
        _assert_one_clear_line(result, f"the dead-letter topic {missing!r} does not exist")
    admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap, client_id="pulse-tests")
    try:
        assert missing not in admin.list_topics()
    finally:
        admin.close()


def test_replay_apply_refuses_a_missing_main_topic(
    kafka_bootstrap: str, topic_factory: Callable[..., str]
) -> None:
    dlq = topic_factory("dlq", 1)
    missing = f"events.missing.{uuid.uuid4().hex[:12]}"
    result = _dlq(
        "replay", "--apply", "--bootstrap-servers", kafka_bootstrap, "--dlq-topic", dlq,
        "--topic", missing,
    )  # fmt: skip
    _assert_one_clear_line(result, f"the main topic {missing!r} does not exist")


def test_a_partition_the_topic_lacks_is_a_filter_error(
    kafka_bootstrap: str, topic_factory: Callable[..., str]
) -> None:
    dlq = topic_factory("dlq", 2)
    result = _dlq(
        "show", "--bootstrap-servers", kafka_bootstrap, "--dlq-topic", dlq, "--partition", "5"
    )
    _assert_one_clear_line(result, "--partition:", "has no partition 5 (it has 0, 1)")


def test_an_empty_topic_is_an_empty_summary(
    kafka_bootstrap: str, topic_factory: Callable[..., str]
) -> None:
    dlq = topic_factory("dlq", 2)
    result = _dlq("summary", "--bootstrap-servers", kafka_bootstrap, "--dlq-topic", dlq)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"0 distinct dead letters in {dlq}")


def test_replay_apply_says_which_records_the_main_topic_refused(
    kafka_bootstrap: str, topic_factory: Callable[..., str]
) -> None:
    # A dead letter that passes validation now, and a main topic whose broker-side limit
    # is below its size: the broker refuses the replayed record.
    dlq = topic_factory("dlq", 1)
    small = topic_factory("events", 1, **{"max.message.bytes": "200"})
    event = harness.valid_event(random.Random(3), user="refused-0")
    producer = Producer({"bootstrap.servers": kafka_bootstrap, "acks": "all"})
    producer.produce(dlq, json.dumps(event).encode(), b"refused-0")
    assert producer.flush(30) == 0
    result = _dlq(
        "replay", "--apply", "--bootstrap-servers", kafka_bootstrap, "--dlq-topic", dlq,
        "--topic", small,
    )  # fmt: skip
    _assert_one_clear_line(result, f"could not publish to {small}", "MSG_SIZE_TOO_LARGE")
