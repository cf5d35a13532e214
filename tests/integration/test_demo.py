"""`make demo`'s main job runs end to end on the real stack and its numbers add up, and the
catalog it publishes fills every dimension. It runs in a database, topics, consumer group
and metrics port of its own (through the environment the demo reads), so that it never
writes into the stack's `pulse` database or its topics."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import psycopg
import pytest
from psycopg import sql

from pulse.settings import Settings
from stack.config import DEMO_READER_URL
from stack.demo import psql_hint
from tests.databases import as_role
from tests.integration import catalog_records
from tests.integration.harness import REPO, free_port
from tests.integration.test_database_roles import CONSUMER_ROLE_URL

pytestmark = [pytest.mark.integration, pytest.mark.slow]

DIMENSIONS = ("dim_product_current", "dim_post_current", "dim_author_current", "dim_agent_current")


def test_demo_runs_producer_and_consumer_and_prints_where_to_look(
    database_url: str, kafka_bootstrap: str
) -> None:
    suffix = uuid.uuid4().hex[:12]
    topic, catalog = f"demo.{suffix}", f"demo.catalog.{suffix}"
    port = free_port()
    reader_url = as_role(database_url, DEMO_READER_URL)
    env = {
        **os.environ,
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
        "MIGRATIONS_DATABASE_URL": database_url,
        "DATABASE_URL": as_role(database_url, CONSUMER_ROLE_URL),
        "READER_DATABASE_URL": reader_url,
        "KAFKA_TOPIC": topic,
        "KAFKA_DLQ_TOPIC": f"{topic}.dlq",
        "KAFKA_CATALOG_TOPIC": catalog,
        "KAFKA_CATALOG_DLQ_TOPIC": f"{catalog}.dlq",
        "KAFKA_GROUP_ID": f"demo-{suffix}",
        "METRICS_PORT": str(port),
    }
    try:
        result = subprocess.run(
            [sys.executable, "-m", "stack", "demo", "--seconds", "12", "--rate", "100"],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
    finally:
        names = [topic, f"{topic}.dlq", catalog, f"{catalog}.dlq"]
        catalog_records.delete_topics(kafka_bootstrap, names)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    out = result.stdout
    assert "events/s | stored" in out
    assert f"{topic}:" in out
    assert f"{catalog}:" in out
    assert "dimension versions" in out
    assert "(adds up)" in out
    assert "DOES NOT ADD UP" not in out
    # Readers are pointed at the read-only role, never the consumer's or the owner's.
    assert psql_hint(reader_url) in out
    assert "pulse_reader" in out
    assert "pulse_consumer:" not in out
    assert f"http://127.0.0.1:{port}/metrics" in out
    assert "http://127.0.0.1:9090" in out
    assert "http://127.0.0.1:8000 (docs http://127.0.0.1:8000/docs)" in out
    # The simulator's catalog filled every dimension, read as the reader would.
    with psycopg.connect(reader_url) as conn:
        for view in DIMENSIONS:
            row = conn.execute(
                sql.SQL("select count(*) from {}").format(sql.Identifier(view))
            ).fetchone()
            assert row is not None
            assert row[0] > 0, view


def test_the_default_demo_points_readers_at_the_read_only_role() -> None:
    # What the demo prints with the stack's own settings (the test above changes them).
    assert psql_hint(DEMO_READER_URL) == (
        "psql 'postgresql://pulse_reader:pulse_reader@127.0.0.1:5432/pulse'"
    )
    assert Settings.model_fields["metrics_port"].default == 9108
