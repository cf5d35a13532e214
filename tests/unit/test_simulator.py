"""The simulated stream: reproducible from its seed, byte-identical to what the contract
writes, and shaped like real traffic (funnels, rhythm, SCD changes, cohorts, heavy tails)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from consumer.ingest.decode import Rejection, decode_event
from producer import simulator as simulator_module
from producer.app import ClockChoice, make_simulator
from producer.clock import DAY_US, HOUR_US, wall_now_us
from producer.faults import FaultPlan
from producer.records import Defect, Record
from producer.simulator import Simulator
from pulse.contract import EVENT_ADAPTER, TimeWindow
from pulse.settings import Settings

REPO = Path(__file__).resolve().parents[2]
SETTINGS = Settings()
TODAY = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
# A fixed, whole-day period well inside the late horizon, so that two runs agree.
START = TODAY - timedelta(days=70)


def simulated(
    count: int,
    *,
    seed: int = 1,
    days: float = 28.0,
    users: int = 2_000,
    plan: FaultPlan | None = None,
) -> Simulator:
    return make_simulator(
        settings=SETTINGS,
        clock=ClockChoice(live=False, start=START, days=days),
        seed=seed,
        population_seed=seed,
        users=users,
        count=count,
        rate=0.0,
        plan=plan or FaultPlan(defects={}),
        late_horizon=timedelta(days=SETTINGS.late_horizon_days),
    )


def window() -> TimeWindow:
    return TimeWindow(
        datetime.now(UTC),
        timedelta(days=SETTINGS.late_horizon_days),
        timedelta(seconds=SETTINGS.clock_skew_seconds),
    )


def at(event: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(event["occurred_at"])


def events(records: list[Record]) -> Iterator[dict[str, Any]]:
    for record in records:
        if record.defect is None and not record.is_duplicate:
            yield json.loads(record.value)


@pytest.fixture(scope="module")
def month() -> list[Record]:
    """Four weeks of traffic for 2,000 users, with every fault mixed in."""
    plan = FaultPlan(defects=dict.fromkeys(Defect, 0.002), duplicate=0.01, late=0.01)
    return list(simulated(40_000, plan=plan).records(limit=40_000))


def test_same_seed_gives_the_same_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    # Defects with out-of-window timestamps are relative to the wall clock: pin it.
    pinned = wall_now_us()
    monkeypatch.setattr(simulator_module, "wall_now_us", lambda: pinned)
    plan = FaultPlan(defects=dict.fromkeys(Defect, 0.01), duplicate=0.02, late=0.02)
    first = [r.value for r in simulated(5_000, seed=7, plan=plan).records(limit=5_000)]
    again = [r.value for r in simulated(5_000, seed=7, plan=plan).records(limit=5_000)]
    other = [r.value for r in simulated(5_000, seed=8, plan=plan).records(limit=5_000)]
    assert first == again
    assert first != other
    assert len(set(first)) > 4_800  # ids differ from record to record


_DIGEST = """
import hashlib, sys
from tests.unit.test_simulator import simulated
from producer.faults import FaultPlan
sys.stdout.write(hashlib.sha256(b"".join(
    r.value for r in simulated(3_000, seed=7, plan=FaultPlan(defects={}, duplicate=0.02, late=0.02))
    .records(limit=3_000))).hexdigest())
"""


def test_same_seed_gives_the_same_bytes_in_another_process() -> None:
    # Another process with another hash seed: nothing may depend on set or hash order.
    here = hashlib.sha256(
        b"".join(
            r.value
            for r in simulated(
                3_000, seed=7, plan=FaultPlan(defects={}, duplicate=0.02, late=0.02)
            ).records(limit=3_000)
        )
    ).hexdigest()
    there = subprocess.run(
        [sys.executable, "-c", _DIGEST],
        cwd=REPO,
        env={**os.environ, "PYTHONHASHSEED": "12345"},
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    assert there == here


def test_count_is_exact_and_faults_come_on_top_of_valid_events(month: list[Record]) -> None:
    assert len(month) == 40_000
    defects = Counter(r.defect for r in month if r.defect is not None)
    assert set(defects) == set(Defect)
    assert 0.004 < sum(1 for r in month if r.is_duplicate) / len(month) < 0.02


def test_every_valid_event_validates_to_the_same_bytes(month: list[Record]) -> None:
    now = window()
    checked = 0
    for record in month:
        if record.defect is not None:
            continue
        event = decode_event(record.value, window=now, max_bytes=SETTINGS.max_event_bytes)
        assert not isinstance(event, Rejection), (event, record.value)
        # The fast encoder must write exactly what the contract's models write.
        assert event.model_dump_json().encode() == record.value
        assert str(event.event_id) == record.event_id
        assert event.event_type == record.event_type
        assert event.user_id.encode() == record.key
        checked += 1
    assert checked > 35_000


def test_every_event_type_is_simulated(month: list[Record]) -> None:
    seen = {e["event_type"] for e in events(month)}
    assert seen == set(EVENT_ADAPTER.json_schema()["discriminator"]["mapping"])


def test_duplicates_repeat_an_earlier_record_exactly(month: list[Record]) -> None:
    first_seen: dict[str, bytes] = {}
    duplicates = 0
    for record in month:
        if record.is_duplicate:
            assert first_seen[record.event_id] == record.value
            duplicates += 1
        elif record.defect is None:
            assert record.event_id not in first_seen, "a valid event_id was reused"
            first_seen[record.event_id] = record.value
    assert duplicates > 100


def test_late_events_arrive_after_later_events(month: list[Record]) -> None:
    newest = 0
    overtaken = 0
    for record in month:
        if record.defect is not None:
            continue
        if record.is_late and record.occurred_at_us < newest:
            overtaken += 1
        newest = max(newest, record.occurred_at_us)
    late = sum(1 for r in month if r.is_late)
    assert late > 200
    assert overtaken / late > 0.9


def test_no_purchase_without_an_earlier_add_to_cart_in_the_session(month: list[Record]) -> None:
    carts: dict[str, list[tuple[str, datetime]]] = defaultdict(list)
    reached: dict[str, set[str]] = defaultdict(set)
    for event in sorted(events(month), key=at):
        session, kind = event["session_id"], event["event_type"]
        reached[session].add(kind)
        if kind == "add_to_cart":
            carts[session].append((event["product_id"], at(event)))
        if kind == "purchase":
            earlier = [at for product, at in carts[session] if product == event["product_id"]]
            assert earlier, f"purchase without add_to_cart in session {session}"
            assert min(earlier) < at(event)
    viewed = sum(1 for kinds in reached.values() if "page_view" in kinds)
    carted = sum(1 for kinds in reached.values() if "add_to_cart" in kinds)
    bought = sum(1 for kinds in reached.values() if "purchase" in kinds)
    # A funnel with drop-off at each step.
    assert viewed > carted > bought > 0
    assert 0.2 < bought / carted < 0.7


def test_weekday_mornings_are_busier_than_nights_and_weekends(month: list[Record]) -> None:
    by_slot: Counter[tuple[bool, str]] = Counter()
    for event in events(month):
        moment = datetime.fromisoformat(event["occurred_at"])
        weekday = moment.weekday() < 5
        slot = "morning" if 9 <= moment.hour < 12 else "night" if 1 <= moment.hour < 5 else ""
        by_slot[weekday, slot] += 1
    # Per hour of slot: both slots span three or four hours on the same days.
    morning = by_slot[True, "morning"] / 3
    night = by_slot[True, "night"] / 4
    weekend_morning = by_slot[False, "morning"] / 3
    assert morning > 5 * night
    assert morning / 5 > 1.8 * weekend_morning / 2  # per day: weekdays 5, weekend 2


def test_the_simulated_period_is_filled_and_respected(month: list[Record]) -> None:
    start_us = int(START.timestamp() * 1_000_000)
    times = [r.occurred_at_us for r in month if r.defect is None]
    assert min(times) >= start_us
    assert max(times) <= start_us + 28 * DAY_US + HOUR_US
    assert max(times) > start_us + 26 * DAY_US  # the count spans the period


def test_some_users_change_device_or_move(month: list[Record]) -> None:
    versions: dict[str, set[tuple[str, str, str]]] = defaultdict(set)
    for event in sorted(events(month), key=at):
        place = event["location"]
        versions[event["user_id"]].add((event["device"], place["country"], place["city"]))
    changed = [user for user, seen in versions.items() if len(seen) > 1]
    assert 5 <= len(changed) < len(versions) / 5


def test_signups_come_first_and_spread_over_the_period(month: list[Record]) -> None:
    ordered = sorted(events(month), key=at)
    first_event: dict[str, str] = {}
    signup_days: list[int] = []
    for event in ordered:
        first_event.setdefault(event["user_id"], event["event_type"])
        if event["event_type"] == "signup":
            assert first_event[event["user_id"]] == "signup"
            signup_days.append((datetime.fromisoformat(event["occurred_at"]) - START).days)
    assert len(signup_days) > 500
    assert min(signup_days) <= 1
    assert max(signup_days) >= 26


def test_activity_and_popularity_are_heavy_tailed(month: list[Record]) -> None:
    by_user = Counter(e["user_id"] for e in events(month))
    top = sum(n for _, n in by_user.most_common(len(by_user) // 20))
    assert top / sum(by_user.values()) > 0.2  # the top 5% of users make over 20%
    views = Counter(e["content_id"] for e in events(month) if e["event_type"] == "page_view")
    top_pages = sum(n for _, n in views.most_common(len(views) // 20))
    assert top_pages / sum(views.values()) > 0.25


def test_high_volume_low_engagement_authors_exist(month: list[Record]) -> None:
    posts: Counter[str] = Counter()
    engagement: Counter[str] = Counter()
    author_of: dict[str, str] = {}
    for event in events(month):
        if "author_id" not in event or event["category"] == "Shop":
            continue
        author_of[event["content_id"]] = event["author_id"]
        if event["event_type"] == "page_create":
            posts[event["author_id"]] += 1
        elif event["event_type"] in ("like", "comment", "share"):
            engagement[event["author_id"]] += 1
    per_post = {a: engagement[a] / n for a, n in posts.items() if n >= 3}
    assert len(per_post) >= 5
    median = sorted(per_post.values())[len(per_post) // 2]
    busiest = sorted(per_post, key=lambda a: posts[a], reverse=True)[: len(per_post) // 2]
    assert any(per_post[a] < median for a in busiest)
    assert len(set(author_of.values())) > 20


def test_live_clock_events_happen_now_and_in_order() -> None:
    sim = make_simulator(
        settings=SETTINGS,
        clock=ClockChoice(live=True),
        seed=3,
        population_seed=3,
        users=2_000,
        count=3_000,
        rate=0.0,
        plan=FaultPlan(defects={}),
        late_horizon=timedelta(days=400),
    )
    before = wall_now_us()
    records = list(sim.records(limit=3_000))
    after = wall_now_us()
    assert all(before <= r.occurred_at_us <= after for r in records)
    last: dict[str, datetime] = {}
    for event in events(records):
        assert at(event) > last.get(event["session_id"], datetime.min.replace(tzinfo=UTC))
        last[event["session_id"]] = at(event)
    assert any(e["event_type"] == "signup" for e in events(records))


def test_a_stop_releases_every_held_record() -> None:
    plan = FaultPlan(defects={Defect.WRONG_TYPE: 0.05}, late=0.3, duplicate=0.05)
    sim = simulated(100_000, plan=plan)
    generated = 0

    def stop() -> bool:
        return generated >= 2_000

    records = []
    for record in sim.records(limit=100_000, should_stop=stop):
        records.append(record)
        generated += 1
    late = [r for r in records if r.is_late]
    assert len(records) >= 2_000
    assert len(late) > 300  # held ones came out at the stop
    ids = {r.event_id for r in records}
    assert all(r.event_id in ids for r in records if r.is_duplicate)
