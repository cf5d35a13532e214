"""Support calls end to end: simulated calls (with exact re-sends and malformed ones) go
through Kafka and the consumer; every stored call is enriched once, in the transaction of
its fact, the aggregates reconcile, the views answer, and malformed calls are
dead-lettered with their reason."""

from __future__ import annotations

import json
import random
import subprocess
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg
import pytest

from consumer.calls.enrich import RULES_VERSION
from producer.encoding import encode, new_uuid, session_fragment
from producer.sessions import SessionPlanner
from producer.world import build_world
from tests.commands import consumer_command, unique_group
from tests.integration import harness

pytestmark = pytest.mark.integration

CALLS = 400
DAYS = 21


def _calls(seed: int) -> tuple[list[harness.Record], dict[str, dict[str, Any]]]:
    """Simulated calls spread over the last DAYS days, and their truth by event_id."""
    rng = random.Random(seed)
    planner = SessionPlanner(build_world(users=2_000, seed=seed), rng)
    now = datetime.now(UTC)
    records, truth = [], {}
    for i in range(CALLS):
        step = next(planner.support_call())
        assert step.call is not None
        event_id = new_uuid(rng)
        at = now - timedelta(seconds=rng.randrange(DAYS * 86_400))
        user = f"u{i % 50}"
        fragment = session_fragment(
            user_id=user, session_id=f"s{i}", device="mobile", country="US", city="Springfield"
        )
        value = encode(event_id, at.isoformat().replace("+00:00", "Z"), fragment, step.tail)
        records.append(harness.Record(user.encode(), value, event_id))
        truth[event_id] = step.call._asdict()
    return records, truth


def _malformed(template: bytes) -> list[harness.Record]:
    """Broken copies of one call: no transcript, an empty one, absurd durations."""
    broken = []
    cases: list[tuple[str, Any, str]] = [
        ("transcript", None, "missing_field"),
        ("transcript", "", "invalid_value"),
        ("duration_seconds", 0, "invalid_value"),
        ("duration_seconds", -5, "invalid_value"),
        ("duration_seconds", 999_999, "invalid_value"),
        ("duration_seconds", "300", "wrong_type"),
    ]
    for field, value, reason in cases:
        event = json.loads(template)
        event["event_id"] = str(uuid.uuid4())
        if value is None:
            del event[field]
        else:
            event[field] = value
        broken.append(harness.Record(b"bad", json.dumps(event).encode(), None, reason))
    return broken


def _reconcile(database_url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        consumer_command("reconcile", database_url=database_url),
        cwd=harness.REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_calls_are_enriched_once_aggregated_and_reconciled(
    kafka_bootstrap: str, database_url: str, topic_factory: Callable[..., str], tmp_path: Path
) -> None:
    topic, dlq = topic_factory("calls", 3), topic_factory("calls-dlq", 1)
    calls, truth = _calls(11)
    resent = random.Random(3).sample(calls, 40)
    malformed = _malformed(calls[0].value)
    records = calls + resent + malformed
    random.Random(4).shuffle(records)
    harness.produce(kafka_bootstrap, topic, records)
    harness.run_consumer_to_idle(
        bootstrap=kafka_bootstrap,
        database_url=database_url,
        topic=topic,
        dlq_topic=dlq,
        group=unique_group(),
        log_dir=tmp_path,
    )

    with psycopg.connect(database_url) as conn:
        stored = conn.execute(
            "select event_id::text, agent_name, is_converted, upsell_amount, sentiment,"
            " rules_version from support_calls"
        ).fetchall()
        facts = conn.execute("select count(*) from events where event_type = 'support_call'")
        fact_count = facts.fetchone()
        daily = conn.execute(
            "select sum(calls), sum(conversions), sum(upsells), sum(upsell_revenue)"
            " from daily_call_metrics"
        ).fetchone()
        per_agent = conn.execute("select sum(calls) from agent_daily_calls").fetchone()
        leaderboard = conn.execute("select * from agent_leaderboard").fetchall()
        summary = conn.execute("select sum(calls) from daily_call_summary").fetchone()
        drops = conn.execute(
            "select conversion_rate_pct, previous_conversion_rate_pct from agent_conversion_drops"
        ).fetchall()
        calls_by_agent = conn.execute(
            "select agent_id, occurred_at, event_id, agent_name from support_calls"
        ).fetchall()
        names: dict[str, str] = dict(
            conn.execute("select agent_id, agent_name from agent_names").fetchall()
        )

    # Once per call, duplicates adding nothing, every stored call enriched.
    assert fact_count == (CALLS,)
    assert len(stored) == CALLS
    assert {row[0] for row in stored} == set(truth)
    assert {row[5] for row in stored} == {RULES_VERSION}
    assert all(row[1] == row[1].strip() and "  " not in row[1] for row in stored)

    # The detections agree with the simulator's truth.
    converted = sum(row[2] == truth[row[0]]["converted"] for row in stored)
    amounts = sum(row[3] == truth[row[0]]["upsell_amount"] for row in stored)
    sentiment = sum(row[4] == truth[row[0]]["sentiment"] for row in stored)
    assert converted >= 0.95 * CALLS
    assert amounts >= 0.95 * CALLS
    assert sentiment >= 0.9 * CALLS

    # Aggregates equal the enriched calls; views answer from them.
    upsells = [row[3] for row in stored if row[3] is not None]
    assert daily == (CALLS, sum(row[2] for row in stored), len(upsells), sum(upsells, Decimal(0)))
    assert per_agent == (CALLS,)
    assert summary == (CALLS,)
    assert leaderboard, "agents took calls in the last 30 days"
    assert [row[0] for row in leaderboard] == sorted(row[0] for row in leaderboard)
    assert all(now < before for now, before in drops)
    # Each agent's name is that of their latest call (ties: the greater event_id).
    latest = {agent: name for agent, _, _, name in sorted(calls_by_agent, key=lambda r: r[1:3])}
    assert names == latest

    report = _reconcile(database_url)
    assert report.returncode == 0, report.stdout + report.stderr
    for table in ("support_calls", "agent_daily_calls", "daily_call_metrics"):
        assert table in report.stdout

    letters = harness.read_topic(kafka_bootstrap, dlq, len(malformed))
    reasons = Counter(dict(letter.headers)["pulse.reason"].decode() for letter in letters)
    assert reasons == Counter(r.reason for r in malformed)
