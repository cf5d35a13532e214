"""The incrementally maintained aggregates against recomputations from the facts: after a
run through the real broker and consumer, whatever the arrival order and batching, with
duplicates, and for the users dimension's SCD2 history under late events."""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest

from consumer.store.reconcile import reconcile
from tests.commands import unique_group
from tests.databases import scratch_database
from tests.integration import activity, harness, reference

pytestmark = pytest.mark.integration


def _no_drift(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        drifted = [(r.aggregate, r.drift, r.examples[:2]) for r in reconcile(conn) if r.drift]
    assert drifted == []


def test_aggregates_match_the_facts_after_a_run_through_kafka(
    kafka_bootstrap: str, database_url: str, topic_factory: Callable[..., str], tmp_path: Path
) -> None:
    simulation = activity.simulate(21, sessions=1200, late_share=0.05, resend_share=0.05)
    topic, dlq = topic_factory("events", 3), topic_factory("dlq", 1)
    harness.produce(kafka_bootstrap, topic, simulation.records())

    harness.run_consumer_to_idle(
        bootstrap=kafka_bootstrap,
        database_url=database_url,
        topic=topic,
        dlq_topic=dlq,
        group=unique_group(),
        log_dir=tmp_path,
    )

    assert harness.fact_count(database_url) == simulation.unique_events
    _no_drift(database_url)
    with psycopg.connect(database_url) as conn:
        facts, _ = reference.load(conn)
        weeks = conn.execute(
            "select user_id, week_start_date, daily_counts from user_weekly_activity"
        ).fetchall()
        revenue = conn.execute("select currency, sum(revenue) from daily_sales group by 1")
        stored_revenue: dict[str, Any] = dict(revenue.fetchall())
    expected_weeks: dict[tuple[str, Any], list[int]] = {}
    for fact in facts:
        week = expected_weeks.setdefault((fact.user_id, reference.week_start(fact.day)), [0] * 7)
        week[fact.day.weekday()] += 1
    assert {(u, w): list(days) for u, w, days in weeks} == expected_weeks
    expected_revenue: dict[str, Any] = {}
    for fact in facts:
        if fact.event_type == "purchase":
            assert fact.quantity is not None
            assert fact.unit_price is not None
            expected_revenue[str(fact.currency)] = (
                expected_revenue.get(str(fact.currency), 0) + fact.quantity * fact.unit_price
            )
    assert stored_revenue == expected_revenue


def test_arrival_order_and_batching_do_not_change_any_aggregate(admin_database_url: str) -> None:
    simulation = activity.simulate(22, sessions=700)
    in_time_order = sorted(simulation.events, key=lambda e: e["occurred_at"])
    shuffled = list(simulation.events + simulation.resent)
    random.Random(7).shuffle(shuffled)
    snapshots = []
    for events, batch_size in ((in_time_order, 1000), (shuffled, 97), (shuffled[::-1], 13)):
        with scratch_database(admin_database_url, "pulse_order") as url:
            activity.write_directly(url, events, batch_size=batch_size)
            _no_drift(url)
            snapshots.append(reference.stored_aggregates(url))
    assert snapshots[0] == snapshots[1] == snapshots[2]
    assert all(rows for rows in snapshots[0].values()), "an aggregate stayed empty"


def test_a_replayed_batch_adds_nothing(database_url: str) -> None:
    events = activity.simulate(23, sessions=200).events
    activity.write_directly(database_url, events, batch_size=300)
    before = reference.stored_aggregates(database_url)
    activity.write_directly(database_url, events[:450], batch_size=300)
    assert reference.stored_aggregates(database_url) == before


# -- the users dimension (SCD type 2) -------------------------------------------------

BASE = datetime.now(UTC).replace(microsecond=0) - timedelta(days=10)
SPRINGFIELD = ("US", "Springfield")
KOLN = ("DE", "Köln")


def _event(
    minutes: float, device: str, place: tuple[str, str], *, event_id: str | None = None
) -> dict[str, Any]:
    return {
        "schema_version": 1,
        "event_id": event_id or str(uuid.uuid4()),
        "event_type": "login",
        "occurred_at": (BASE + timedelta(minutes=minutes)).isoformat(),
        "user_id": "user-scd",
        "session_id": "s-1",
        "device": device,
        "location": {"country": place[0], "city": place[1]},
    }


def _history(url: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "select valid_from, valid_to, is_current, device, country, city from user_history"
            " where user_id = 'user-scd' order by valid_from"
        ).fetchall()
    return [tuple(r) for r in rows]


def _at(minutes: float) -> datetime:
    return BASE + timedelta(minutes=minutes)


LOW_ID = "00000000-0000-4000-8000-000000000001"
HIGH_ID = "ffffffff-ffff-4fff-bfff-ffffffffffff"
IN_ORDER = [
    _event(0, "desktop", SPRINGFIELD),
    _event(60, "mobile", SPRINGFIELD, event_id=LOW_ID),
    _event(120, "mobile", KOLN),
]
LATE = [
    _event(30, "tablet", SPRINGFIELD),  # splits the first version
    _event(-60, "desktop", SPRINGFIELD),  # starts the first version earlier
    _event(90, "mobile", SPRINGFIELD),  # inside a version with the same attributes
    _event(60, "desktop", SPRINGFIELD, event_id=HIGH_ID),  # same instant: greatest id wins
    _event(150, "mobile", KOLN),  # inside the current version, same attributes: no change
    _event(120, "mobile", KOLN),  # at the current version's own instant, same attributes
]
EXPECTED_HISTORY = [
    (_at(-60), _at(30), False, "desktop", *SPRINGFIELD),
    (_at(30), _at(60), False, "tablet", *SPRINGFIELD),
    (_at(60), _at(90), False, "desktop", *SPRINGFIELD),
    (_at(90), _at(120), False, "mobile", *SPRINGFIELD),
    (_at(120), None, True, "mobile", *KOLN),
]


def test_user_history_in_order(database_url: str) -> None:
    activity.write_directly(database_url, IN_ORDER, batch_size=1)
    assert _history(database_url) == [
        (_at(0), _at(60), False, "desktop", *SPRINGFIELD),
        (_at(60), _at(120), False, "mobile", *SPRINGFIELD),
        (_at(120), None, True, "mobile", *KOLN),
    ]


def test_a_late_event_with_the_current_attributes_moves_the_current_history_version_earlier(
    database_url: str,
) -> None:
    # The same attributes as the current version, but before it began: not "nothing to do".
    activity.write_directly(database_url, [*IN_ORDER, _event(100, "mobile", KOLN)], batch_size=1)
    assert _history(database_url) == [
        (_at(0), _at(60), False, "desktop", *SPRINGFIELD),
        (_at(60), _at(100), False, "mobile", *SPRINGFIELD),
        (_at(100), None, True, "mobile", *KOLN),
    ]


@pytest.mark.parametrize("batch_size", [1, 2, 7])
def test_late_events_rebuild_the_user_history_exactly(database_url: str, batch_size: int) -> None:
    activity.write_directly(database_url, IN_ORDER + LATE, batch_size=batch_size)
    assert _history(database_url) == EXPECTED_HISTORY
    _no_drift(database_url)


def test_user_history_is_the_same_for_every_arrival_order(admin_database_url: str) -> None:
    events = IN_ORDER + LATE
    rng = random.Random(3)
    for _ in range(4):
        order = rng.sample(events, len(events))
        with scratch_database(admin_database_url, "pulse_scd") as url:
            activity.write_directly(url, order, batch_size=rng.choice([1, 2, 3]))
            assert _history(url) == EXPECTED_HISTORY, order
