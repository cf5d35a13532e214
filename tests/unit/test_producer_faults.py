"""Every injected defect is rejected by the consumer's validation for the reason the truth
file promises, whatever event it was made from; the fault plan's ratios hold."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from consumer.ingest.decode import Rejection, decode_event
from producer.app import ClockChoice, make_simulator
from producer.clock import wall_now_us
from producer.faults import DefectFactory, FaultDraw, FaultPlan
from producer.records import EXPECTED_REASON, Defect, Record
from pulse.contract import TimeWindow
from pulse.settings import Settings

SETTINGS = Settings()
HORIZON = timedelta(days=SETTINGS.late_horizon_days)
SKEW = timedelta(seconds=SETTINGS.clock_skew_seconds)


def _window() -> TimeWindow:
    return TimeWindow(datetime.now(UTC), HORIZON, SKEW)


def _records(count: int, plan: FaultPlan, seed: int = 11) -> list[Record]:
    # A whole-day start keeps the stream the same all day long.
    start = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    sim = make_simulator(
        settings=SETTINGS,
        clock=ClockChoice(live=False, start=start - timedelta(days=30), days=20),
        seed=seed,
        population_seed=seed,
        users=3_000,
        count=count,
        rate=0.0,
        plan=plan,
        late_horizon=HORIZON,
    )
    return list(sim.records(limit=count))


@pytest.fixture(scope="module")
def valid_pool() -> list[Record]:
    """Valid events of every type, the material defects are made from."""
    records = _records(20_000, FaultPlan(defects={}))
    by_type: dict[str, list[Record]] = {}
    for record in records:
        by_type.setdefault(record.event_type, []).append(record)
    assert len(by_type) == 15
    return [r for group in by_type.values() for r in group[:40]]


@pytest.mark.parametrize("defect", list(Defect))
def test_each_defect_is_rejected_for_its_reason_in_the_stream(defect: Defect) -> None:
    records = _records(600, FaultPlan(defects={defect: 0.5}))
    broken = [r for r in records if r.defect is not None]
    assert len(broken) > 100
    window = _window()
    for record in broken:
        assert record.defect is defect
        verdict = decode_event(record.value, window=window, max_bytes=SETTINGS.max_event_bytes)
        assert isinstance(verdict, Rejection), record.value[:300]
        assert verdict.reason == EXPECTED_REASON[defect], (verdict, record.value[:300])
        assert record.call is None  # a broken call is no evidence for call analytics


@settings(max_examples=300, deadline=None)
@given(
    defect=st.sampled_from(list(Defect)),
    index=st.integers(min_value=0, max_value=10_000),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_any_defect_of_any_event_gets_the_intended_reason(
    valid_pool: list[Record], defect: Defect, index: int, seed: int
) -> None:
    factory = DefectFactory(
        max_event_bytes=SETTINGS.max_event_bytes, late_horizon=HORIZON, clock_skew=SKEW
    )
    source = valid_pool[index % len(valid_pool)]
    broken = factory.make(defect, source, random.Random(seed), wall_now_us())
    assert broken.event_id != source.event_id
    assert broken.key == source.key
    verdict = decode_event(broken.value, window=_window(), max_bytes=SETTINGS.max_event_bytes)
    assert isinstance(verdict, Rejection)
    assert verdict.reason == EXPECTED_REASON[defect], (defect, verdict, broken.value[:300])


def test_every_defect_kind_maps_to_a_reason() -> None:
    assert set(EXPECTED_REASON) == set(Defect)


def test_faults_are_off_by_default() -> None:
    records = _records(3_000, FaultPlan(defects={}))
    assert not any(r.defect or r.is_duplicate or r.is_late for r in records)


def test_ratios_hold_and_are_exclusive() -> None:
    plan = FaultPlan(
        defects={Defect.MISSING_FIELD: 0.1, Defect.OVERSIZED: 0.05}, duplicate=0.2, late=0.15
    )
    draw = FaultDraw(plan)
    rng = random.Random(5)
    counts = Counter(draw.draw(rng) for _ in range(100_000))
    assert counts[None] == pytest.approx(50_000, rel=0.03)
    assert counts[Defect.MISSING_FIELD] == pytest.approx(10_000, rel=0.05)
    assert counts[Defect.OVERSIZED] == pytest.approx(5_000, rel=0.07)
    assert counts[FaultDraw.DUPLICATE] == pytest.approx(20_000, rel=0.05)
    assert counts[FaultDraw.LATE] == pytest.approx(15_000, rel=0.05)


@pytest.mark.parametrize(
    ("defects", "duplicate", "late"),
    [({Defect.WRONG_TYPE: 1.5}, 0.0, 0.0), ({}, -0.1, 0.0), ({Defect.OVERSIZED: 0.6}, 0.3, 0.2)],
)
def test_impossible_plans_are_refused(
    defects: dict[Defect, float], duplicate: float, late: float
) -> None:
    with pytest.raises(ValueError, match="ratio"):
        FaultPlan(defects=defects, duplicate=duplicate, late=late)


def test_oversized_records_still_fit_in_a_kafka_request() -> None:
    records = _records(300, FaultPlan(defects={Defect.OVERSIZED: 0.5}))
    sizes = [len(r.value) for r in records if r.defect is Defect.OVERSIZED]
    assert min(sizes) > SETTINGS.max_event_bytes
    assert max(sizes) < SETTINGS.max_event_bytes + 4_096
