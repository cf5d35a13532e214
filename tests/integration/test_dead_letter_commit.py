"""Dead letters are published while the batch's transaction runs, and the transaction
commits only once Kafka has acknowledged them (DESIGN.md, point 6): against the real
broker and database, a dead-letter topic that refuses every letter leaves nothing of the
batch committed, and once it takes them, nothing is lost."""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from kafka import KafkaProducer
from kafka.admin import ConfigResource, ConfigResourceType, KafkaAdminClient

from tests.commands import unique_group
from tests.integration import harness

pytestmark = [pytest.mark.integration, pytest.mark.slow]

# Smaller than any dead letter, even the minimal one (its pulse.* headers alone are
# several hundred bytes).
REFUSING_MAX_MESSAGE_BYTES = "300"


@pytest.fixture
def admin(kafka_bootstrap: str) -> Iterator[KafkaAdminClient]:
    client = KafkaAdminClient(bootstrap_servers=kafka_bootstrap, client_id="pulse-letter-tests")
    yield client
    client.close()


def test_a_batch_commits_only_once_its_dead_letters_are_acknowledged(
    tmp_path: Path,
    kafka_bootstrap: str,
    database_url: str,
    admin: KafkaAdminClient,
    topic_factory: Callable[..., str],
) -> None:
    topic = topic_factory("letters.commit", 1)
    dlq = topic_factory(
        "letters.commit.dlq", 1, **{"max.message.bytes": REFUSING_MAX_MESSAGE_BYTES}
    )
    rng = random.Random(21)
    events = [harness.valid_event(rng) for _ in range(5)]
    values = [json.dumps(e).encode() for e in events[:2]] + [b'{"event_type": "page_view",']
    values += [json.dumps(e).encode() for e in events[2:]]
    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    for value in values:  # one batch: five valid events around one broken record
        producer.send(topic, key=b"user-1", value=value)
    producer.flush()
    producer.close()
    args: dict[str, Any] = {
        "bootstrap": kafka_bootstrap,
        "database_url": database_url,
        "topic": topic,
        "dlq_topic": dlq,
        "group": unique_group(),
        "log_dir": tmp_path,
    }

    refused = harness.start_consumer(**args)
    assert refused.wait(120) == 1
    log = refused.log()
    assert "Traceback" not in log, log[-3000:]
    errors = [line for line in log.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, log[-3000:]
    assert dlq in errors[0], errors[0]
    assert "max.message.bytes" in errors[0], errors[0]
    # The transaction waited for the letter: none of the batch's valid events, and no
    # offset past the broken record, was committed.
    assert {row[0] for row in harness.facts(database_url)} == set()
    assert harness.offsets(database_url, topic) == []

    # The operator fixes the topic; the next run stores the batch whole, once.
    admin.alter_configs(
        [ConfigResource(ConfigResourceType.TOPIC, dlq, configs={"max.message.bytes": "1048588"})]
    )
    fixed = harness.run_consumer_to_idle(**args)
    assert "Traceback" not in fixed.log()
    assert {row[0] for row in harness.facts(database_url)} == {e["event_id"] for e in events}
    assert [row[2:] for row in harness.offsets(database_url, topic)] == [(6, 5, 0, 1)]
    [letter] = harness.read_whole_topic(kafka_bootstrap, dlq)
    headers = dict(letter.headers)
    assert headers["pulse.origin.offset"] == b"2"
    assert headers["pulse.reason"] == b"malformed_json"
    assert letter.value == values[2]
