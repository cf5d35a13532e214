"""A producer with a broken serializer trips the circuit breaker: the consumer pauses
instead of dead-lettering the stream, says so, and an operator's SIGUSR1 lets it go on."""

from __future__ import annotations

import json
import signal
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.commands import unique_group
from tests.integration import harness
from tests.integration.harness import Record

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def _metric(port: int, name: str) -> float | None:
    try:
        body = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read()
    except OSError:
        return None
    for line in body.decode().splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    return None


def test_broken_serializer_pauses_consumption_until_the_operator_says_go(
    kafka_bootstrap: str, database_url: str, topic_factory: Callable[..., str], tmp_path: Path
) -> None:
    topic, dlq = topic_factory("events", 2), topic_factory("dlq", 1)
    good = harness.make_records(11, 600)
    # The "new release": every event serialized as a Python repr instead of JSON.
    broken = [
        Record(r.key, repr(json.loads(r.value)).encode(), None, "malformed_json")
        for r in harness.make_records(12, 1500)
    ]
    harness.produce(kafka_bootstrap, topic, good + broken)
    consumer = harness.start_consumer(
        bootstrap=kafka_bootstrap,
        database_url=database_url,
        topic=topic,
        dlq_topic=dlq,
        group=unique_group(),
        log_dir=tmp_path,
        exit_when_idle_s=3.0,
        extra=["--batch-max-records", "200"],
    )
    env_port = consumer.metrics_port
    try:
        harness.wait_for(
            lambda: _metric(env_port, "pulse_circuit_breaker_open") == 1.0, 90, "the breaker"
        )
        dead_before = _metric(env_port, 'pulse_records_total{outcome="dead_lettered"}') or 0.0
        assert dead_before < len(broken) / 2
        assert consumer.process.poll() is None, "a tripped breaker waits, it does not exit"
        consumer.process.send_signal(signal.SIGUSR1)
        code = consumer.wait(120)
    finally:
        if consumer.process.poll() is None:
            consumer.kill()
    log = consumer.log()
    assert code == 0, log[-3000:]
    assert "circuit breaker open" in log
    assert "circuit breaker closed by the operator" in log
    stored = {row[0] for row in harness.facts(database_url)}
    assert stored == {r.event_id for r in good}
    counters = harness.offsets(database_url)
    assert sum(row[5] for row in counters) == len(broken)
