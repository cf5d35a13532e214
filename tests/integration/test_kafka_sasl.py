"""Pulse against a broker that requires SASL/SCRAM: the simulator publishes, the consumer
stores and dead-letters, and `dlq summary` reads, all authenticated (in clear text and
over TLS); a wrong password stops the consumer with one line that never shows it."""

from __future__ import annotations

import json
import os
import secrets
import ssl
import subprocess
import sys
import uuid
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from kafka import KafkaConsumer, TopicPartition

from producer.truth import read_truth
from stack.kafka.secure import SecureBroker, secure_broker
from tests.commands import unique_group
from tests.integration import harness
from tests.integration.harness import REPO

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SecureBroker]:
    password = f"scram-{secrets.token_hex(12)}"
    with secure_broker(tmp_path_factory.mktemp("sasl-broker"), password=password) as running:
        yield running


def _run(module: str, *args: str, env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=90,
        env={**os.environ, **env},
        check=False,
    )


def _start(module: str, *args: str, env: Mapping[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", module, *args],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **env},
    )


def _error_lines(process: subprocess.Popen[str], *, secret: str) -> list[str]:
    """The stderr of a run that must fail: exit 1, no traceback, the secret nowhere."""
    stdout, stderr = process.communicate(timeout=90)
    assert process.returncode == 1, stdout + stderr
    assert "Traceback" not in stderr
    assert secret not in stdout + stderr
    return stderr.splitlines()


def _simulate(topic: str, truth: Path, env: Mapping[str, str], *, count: int) -> None:
    result = _run(
        "producer",
        "--topic", topic, "--count", str(count), "--days", "2", "--seed", "11",
        "--users", "300", "--defects-ratio", "0.01", "--truth", str(truth), "--no-progress",
        "--no-catalog",
        env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert env["KAFKA_SASL_PASSWORD"] not in result.stdout + result.stderr


def _records_on(broker: SecureBroker, topic: str) -> int:
    consumer = KafkaConsumer(bootstrap_servers=broker.sasl_bootstrap, **broker.client_options())
    try:
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic)]
        return sum(consumer.end_offsets(partitions).values())
    finally:
        consumer.close()


def test_simulator_consumer_and_dlq_work_through_sasl_scram(
    broker: SecureBroker, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    topic, dlq_topic = f"sasl.{uuid.uuid4().hex[:10]}", f"sasl.dlq.{uuid.uuid4().hex[:10]}"
    env = broker.env()
    truth_path = tmp_path / "truth.jsonl"
    _simulate(topic, truth_path, env, count=2000)
    truth = read_truth(truth_path)
    valid = sum(line["valid"] for line in truth)
    assert 0 < valid < len(truth) == 2000

    for name, value in env.items():
        monkeypatch.setenv(name, value)
    consumer = harness.run_consumer_to_idle(
        timeout=60,
        bootstrap=broker.sasl_bootstrap,
        database_url=database_url,
        topic=topic,
        dlq_topic=dlq_topic,
        group=unique_group(),
        log_dir=tmp_path,
    )
    assert len(harness.facts(database_url)) == valid
    stored = harness.offsets(database_url)
    assert sum(row[3] for row in stored) == valid
    assert sum(row[5] for row in stored) == len(truth) - valid
    assert _records_on(broker, dlq_topic) == len(truth) - valid
    assert broker.password not in consumer.log()

    summary = _run("consumer", "dlq", "summary", "--json", "--dlq-topic", dlq_topic, env=env)
    assert summary.returncode == 0, summary.stderr[-3000:]
    assert json.loads(summary.stdout)["records"] == len(truth) - valid
    assert broker.password not in summary.stdout + summary.stderr


def test_simulator_publishes_over_sasl_ssl_with_the_brokers_ca(
    broker: SecureBroker, tmp_path: Path
) -> None:
    topic = f"sasl.tls.{uuid.uuid4().hex[:10]}"
    _simulate(topic, tmp_path / "truth.jsonl", broker.env(tls=True), count=500)
    assert _records_on(broker, topic) == 500


def test_an_untrusted_certificate_or_a_listener_without_sasl_is_one_clear_line(
    broker: SecureBroker,
) -> None:
    # Both wait out a client's bootstrap timeout: run side by side to halve the wait.
    system_cas = ssl.get_default_verify_paths().cafile or ""  # none vouches for the broker
    untrusted = _start(
        "consumer", "dlq", "summary", "--dlq-topic", "sasl.none",
        env=broker.env(tls=True) | {"KAFKA_SSL_CAFILE": system_cas},
    )  # fmt: skip
    no_sasl = _start(
        "producer", "--count", "10", "--topic", "sasl.none", "--no-progress",
        env=broker.env() | {"KAFKA_BOOTSTRAP_SERVERS": broker.plain_bootstrap},
    )  # fmt: skip
    assert _error_lines(untrusted, secret=broker.password) == [
        f"error: TLS handshake with Kafka at {broker.ssl_bootstrap} failed (self-signed "
        "certificate): set KAFKA_SSL_CAFILE to the CA that signed the broker's certificate, "
        "and check that KAFKA_SECURITY_PROTOCOL (SSL or SASL_SSL) matches that listener."
    ]
    assert _error_lines(no_sasl, secret=broker.password) == [
        f"error: Kafka at {broker.plain_bootstrap} does not take SCRAM-SHA-256 logins on that "
        "listener (IllegalSaslStateError): check that KAFKA_SECURITY_PROTOCOL matches the "
        "listener (a PLAINTEXT or SSL listener takes no SASL) and that the broker enables "
        "KAFKA_SASL_MECHANISM."
    ]


def test_a_wrong_password_stops_the_consumer_with_one_clear_line(
    broker: SecureBroker, database_url: str, tmp_path: Path
) -> None:
    wrong = f"wrong-{secrets.token_hex(8)}"
    result = _run(
        "consumer", "run", "--database-url", database_url, "--metrics-port", "0",
        "--topic", f"sasl.{uuid.uuid4().hex[:10]}",
        env=broker.env(password=wrong),
    )  # fmt: skip
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    errors = [line for line in output.splitlines() if line.startswith("error:")]
    assert errors == [
        f"error: Kafka authentication failed for user 'pulse' at {broker.sasl_bootstrap} "
        "(SASL_PLAINTEXT, SCRAM-SHA-256): check KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD "
        "and KAFKA_SASL_MECHANISM."
    ]
    assert "Traceback" not in output
    assert wrong not in output
    assert broker.password not in output
