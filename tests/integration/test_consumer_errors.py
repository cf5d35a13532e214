"""Every error a user can cause at start-up ends as one line that says what to do,
never a traceback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest

from tests.integration import harness
from tests.integration.harness import REPO

pytestmark = pytest.mark.integration


def _consumer(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "consumer", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
        check=False,
    )


_assert_one_clear_line = harness.assert_one_clear_error


def test_malformed_setting_names_the_variable() -> None:
    result = _consumer("migrate", env={"BATCH_MAX_RECORDS": "lots"})
    _assert_one_clear_line(result, "BATCH_MAX_RECORDS", "Fix the environment variable")


def test_unreachable_database_says_how_to_fix_it() -> None:
    result = _consumer(
        "migrate", "--migrations-database-url", "postgresql://pulse:pulse@127.0.0.1:1/pulse"
    )
    _assert_one_clear_line(result, "cannot connect to PostgreSQL", "MIGRATIONS_DATABASE_URL")


def test_wrong_password_is_reported_without_echoing_it(admin_database_url: str) -> None:
    url = "postgresql://pulse:not-the-s3cret@127.0.0.1:5432/pulse"
    result = _consumer("migrate", "--migrations-database-url", url)
    _assert_one_clear_line(result, "cannot connect to PostgreSQL")
    assert "not-the-s3cret" not in result.stderr


def test_unreachable_kafka_says_how_to_fix_it(database_url: str) -> None:
    result = _consumer(
        "run", "--bootstrap-servers", "127.0.0.1:1", "--database-url", database_url,
        "--metrics-port", "0",
    )  # fmt: skip
    _assert_one_clear_line(result, "no Kafka broker answers at 127.0.0.1:1")


def test_metrics_port_in_use_says_how_to_fix_it(kafka_bootstrap: str, database_url: str) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = _consumer(
            "run", "--bootstrap-servers", kafka_bootstrap, "--database-url", database_url,
            "--metrics-port", str(port),
        )  # fmt: skip
    _assert_one_clear_line(result, f"127.0.0.1:{port}", "--metrics-port")


def test_offsets_beyond_a_recreated_topic_stop_the_consumer(
    kafka_bootstrap: str, database_url: str, topic_factory: Callable[..., str], tmp_path: Path
) -> None:
    topic, dlq = topic_factory("events", 1), topic_factory("dlq", 1)
    harness.produce(kafka_bootstrap, topic, harness.make_records(21, 10))
    assert _consumer("migrate", "--migrations-database-url", database_url).returncode == 0
    with psycopg.connect(database_url) as conn:
        conn.execute(
            "insert into partition_offsets (topic, kafka_partition, first_offset, next_offset)"
            " values (%s, 0, 5000, 5000)",
            (topic,),
        )
    result = _consumer(
        "run", "--bootstrap-servers", kafka_bootstrap, "--database-url", database_url,
        "--topic", topic, "--dlq-topic", dlq, "--group", f"g-{tmp_path.name}",
        "--metrics-port", "0", "--exit-when-idle", "3",
    )  # fmt: skip
    _assert_one_clear_line(result, "holds offset 5000", "partition ends at 10")
    assert harness.fact_count(database_url) == 0
