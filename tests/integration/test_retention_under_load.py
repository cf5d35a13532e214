"""Retention under load (issue 17's done-when): weekly partitions of the facts are dropped
while a consumer ingests, first by `consumer retention` run beside it, then by the
consumer's own maintenance job; afterwards `consumer reconcile` is clean against the
retained facts plus the aggregates' history, and no aggregate lost or double-counted an
event. The expected aggregates are computed here, in Python, from the generated input
(tests/integration/activity.py), not from the facts and not with the consumer's SQL."""

from __future__ import annotations

import json
import random
import subprocess
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg
import pytest

from tests.commands import consumer_command, unique_group
from tests.integration import harness
from tests.integration.activity import simulate

pytestmark = pytest.mark.integration

NOW = datetime.now(UTC)
TOPIC_PARTITIONS = 3


def _restamped(events: list[dict[str, Any]], rng: random.Random) -> list[dict[str, Any]]:
    """Copies of months-old events sent again with a new event time (another partition):
    duplicates, since their originals' keys are kept (even once their week is dropped)."""
    old = [e for e in events if datetime.fromisoformat(e["occurred_at"]) < NOW - timedelta(90)]
    restamped_at = (NOW - timedelta(minutes=1)).isoformat()
    return [e | {"occurred_at": restamped_at} for e in rng.sample(old, 60)]


@dataclass(frozen=True)
class Input:
    """What was sent, and what of it is unique: the first copy of each event_id in the
    order of its Kafka partition (copies share the key, so the same partition)."""

    records: list[harness.Record]
    unique: dict[str, dict[str, Any]]

    @classmethod
    def of(cls, events: Iterable[dict[str, Any]]) -> Input:
        records: list[harness.Record] = []
        unique: dict[str, dict[str, Any]] = {}
        for event in events:
            value = json.dumps(event).encode()
            records.append(harness.Record(event["user_id"].encode(), value, event["event_id"]))
            unique.setdefault(event["event_id"], event)
        return cls(records, unique)


def _retention(db: str, days: float) -> str:
    result = subprocess.run(
        consumer_command("retention", database_url=db, facts_retention_days=days),
        cwd=harness.REPO, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _scalar(db: str, query: str) -> Any:
    with psycopg.connect(db) as conn:
        row = conn.execute(query).fetchone()
    assert row is not None
    return row[0]


def _ingested(db: str) -> int:
    """Facts stored so far (dropped ones included): the ledger only grows."""
    try:
        return int(_scalar(db, "select coalesce(sum(facts_stored), 0) from partition_offsets"))
    except psycopg.errors.UndefinedTable:
        return 0


def _dropped_weeks(db: str) -> int:
    return int(_scalar(db, "select coalesce(sum(facts), 0) from dropped_facts"))


def test_retention_drops_partitions_under_load_and_no_aggregate_is_lost_or_doubled(
    kafka_bootstrap: str,
    database_url: str,
    topic_factory: Callable[..., str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rng = random.Random(17)
    sim = simulate(17, users=120, sessions=2500, days=150, now=NOW)
    # The simulation's order (exact re-sends mixed in, late events last), then re-stamped
    # copies of old events.
    sent = [json.loads(record.value) for record in sim.records()] + _restamped(sim.events, rng)
    phase_one = Input.of(sent)
    topic = topic_factory("retention", TOPIC_PARTITIONS)
    dlq = topic_factory("retention-dlq", 1)
    group = unique_group()
    harness.produce(kafka_bootstrap, topic, phase_one.records)

    # Phase one: small batches, so that ingesting takes a while; `consumer retention` with
    # a shrinking retention drops weeks as soon as facts arrive, until the stream is read.
    consumer = harness.start_consumer(
        bootstrap=kafka_bootstrap, database_url=database_url, topic=topic, dlq_topic=dlq,
        group=group, log_dir=tmp_path, exit_when_idle_s=5.0,
        extra=["--batch-max-records", "300"],
    )  # fmt: skip
    harness.wait_for(lambda: _ingested(database_url) > 2000, 120, "the first facts")
    under_load: list[tuple[int, int]] = []  # (facts ingested before the run, facts dropped by it)
    for days in (130, 120, 110, 100, 90, 80, 70, 60):
        before, dropped_before = _ingested(database_url), _dropped_weeks(database_url)
        _retention(database_url, days)
        under_load.append((before, _dropped_weeks(database_url) - dropped_before))
    assert consumer.wait(300) == 0, consumer.log()[-3000:]
    # Weeks were dropped while the consumer still had most of the stream to store.
    assert any(dropped and before < len(phase_one.unique) for before, dropped in under_load), (
        under_load
    )

    # Phase two: the consumer's own maintenance job drops weeks (every second, with a
    # shorter retention) while it stores new events and copies of old ones.
    later = simulate(18, users=60, sessions=600, days=60, now=NOW)
    extra = [*later.events, *rng.sample(sim.events, 200), *_restamped(sim.events, rng)]
    phase_two = Input.of([*sent, *extra])
    harness.produce(kafka_bootstrap, topic, Input.of(extra).records)
    monkeypatch.setenv("FACTS_RETENTION_DAYS", "45")
    monkeypatch.setenv("FACTS_MAINTENANCE_INTERVAL_S", "1")
    retained_before = _scalar(database_url, "select retained_from from facts_retention")
    harness.run_consumer_to_idle(
        bootstrap=kafka_bootstrap, database_url=database_url, topic=topic, dlq_topic=dlq,
        group=group, log_dir=tmp_path, extra=["--batch-max-records", "300"],
    )  # fmt: skip
    retained_from = _scalar(database_url, "select retained_from from facts_retention")
    assert retained_from > retained_before  # the job moved the bound on

    # Events older than the bound that arrived after the last drop wait in events_default
    # until the next one: a final run, so that the facts are exactly the retained ones.
    _retention(database_url, 45)
    expected = phase_two.unique
    result = subprocess.run(
        consumer_command("reconcile", database_url=database_url, bootstrap_servers=kafka_bootstrap),
        cwd=harness.REPO, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "not checkable (facts dropped)" in result.stdout

    retained = {
        event_id
        for event_id, event in expected.items()
        if datetime.fromisoformat(event["occurred_at"]) >= retained_from
    }
    assert {row[0] for row in harness.facts(database_url)} == retained
    ledger = harness.offsets(database_url)
    assert sum(row[3] for row in ledger) == len(expected)  # facts stored, dropped or not
    assert sum(row[4] for row in ledger) == len(phase_two.records) - len(expected)
    assert _dropped_weeks(database_url) == len(expected) - len(retained)
    assert _stored_aggregates(database_url) == _expected_aggregates(expected.values())


def _stored_aggregates(db: str) -> dict[str, dict[Any, Any]]:
    with psycopg.connect(db) as conn:
        return {
            name: {tuple(row[:keys]): tuple(row[keys:]) for row in conn.execute(query)}
            for name, (keys, query) in _AGGREGATE_QUERIES.items()
        }


# Every row of each aggregate, history included: how many key columns, and the query.
_AGGREGATE_QUERIES = {
    "per_hour": (2, "select hour_at, event_type, event_count from event_counts_per_hour"),
    "per_minute": (2, "select minute_at, event_type, event_count from event_counts_per_minute"),
    "user_days": (
        3,
        "select activity_date, user_id, event_type, event_count from user_daily_activity",
    ),
    "weekday_hours": (
        3,
        "select iso_weekday, hour_of_day, event_type, event_count from weekday_hour_activity",
    ),
    "sales": (2, "select activity_date, currency, orders, units_sold, revenue from daily_sales"),
    # All-time rollups (issue 17 point 2): reconcile checks them against the retained facts
    # plus the daily history; here against the whole input.
    "product_sales": (
        2,
        "select product_id, currency, cart_adds, cart_removes, orders, units_sold, revenue"
        " from product_sales",
    ),
    "active_days": (2, "select user_id, activity_date, 1 from user_active_days"),
    "users": (1, "select user_id, action_count, first_seen_at, last_seen_at from user_activity"),
    "sessions": (
        2,
        "select user_id, session_id, event_count, started_at, ended_at from session_funnels",
    ),
}


def _expected_aggregates(events: Iterable[dict[str, Any]]) -> dict[str, dict[Any, Any]]:
    per_hour: Counter[tuple[Any, ...]] = Counter()
    per_minute: Counter[tuple[Any, ...]] = Counter()
    user_days: Counter[tuple[Any, ...]] = Counter()
    weekday_hours: Counter[tuple[Any, ...]] = Counter()
    sales: dict[tuple[Any, ...], list[Any]] = defaultdict(lambda: [0, 0, Decimal(0)])
    products: dict[tuple[Any, ...], list[Any]] = defaultdict(lambda: [0, 0, 0, 0, Decimal(0)])
    users: dict[str, list[Any]] = {}
    sessions: dict[tuple[str, str], list[Any]] = {}
    for event in events:
        at = datetime.fromisoformat(event["occurred_at"]).astimezone(UTC)
        kind, user = event["event_type"], event["user_id"]
        hour = at.replace(minute=0, second=0, microsecond=0)
        per_hour[hour, kind] += 1
        per_minute[at.replace(second=0, microsecond=0), kind] += 1
        user_days[at.date(), user, kind] += 1
        weekday_hours[at.isoweekday(), at.hour, kind] += 1
        if kind == "purchase":
            day = sales[at.date(), event["currency"]]
            day[0] += 1
            day[1] += event["quantity"]
            day[2] += event["quantity"] * Decimal(event["unit_price"])
        if "product_id" in event:
            product = products[event["product_id"], event.get("currency")]
            product[0] += kind == "add_to_cart"
            product[1] += kind == "remove_from_cart"
            if kind == "purchase":
                product[2] += 1
                product[3] += event["quantity"]
                product[4] += event["quantity"] * Decimal(event["unit_price"])
        for span in (users.setdefault(user, [0, at, at]),
                     sessions.setdefault((user, event["session_id"]), [0, at, at])):  # fmt: skip
            span[:] = [span[0] + 1, min(span[1], at), max(span[2], at)]
    counted = {"per_hour": per_hour, "per_minute": per_minute}
    counted |= {"user_days": user_days, "weekday_hours": weekday_hours}
    return {
        **{name: {key: (n,) for key, n in counts.items()} for name, counts in counted.items()},
        "sales": {key: tuple(value) for key, value in sales.items()},
        "product_sales": {key: tuple(value) for key, value in products.items()},
        "active_days": {(user, day): (1,) for (day, user, _) in user_days},
        "users": {(user,): tuple(value) for user, value in users.items()},
        "sessions": {key: tuple(value) for key, value in sessions.items()},
    }
