"""How big each scenario is: `short` for `make test`, `long` for `make chaos`."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    name: str
    crash_events: int
    crash_kills: int
    outage_events: int
    outage_s: float
    scale_events: int
    hostile_records: int
    broker_events: int
    broker_down_s: float
    # Producer rate (records/s) for scenarios that need the stream to still be flowing
    # while the fault happens; 0 = as fast as Kafka takes them.
    stream_rate: int
    # Circuit breaker: good events per stream, broken records per burst (two of each).
    breaker_events: int
    breaker_broken: int
    # Long run: how long the steady stream lasts, at what rate (records/s).
    long_run_s: float
    long_run_rate: int
    # Multi-broker: events, and how long the SIGKILLed broker of the 3 stays down.
    cluster_events: int
    cluster_down_s: float


SHORT = Profile(
    name="short",
    crash_events=20_000,
    crash_kills=5,
    outage_events=20_000,
    outage_s=5.0,
    scale_events=20_000,
    hostile_records=10_000,
    broker_events=20_000,
    broker_down_s=5.0,
    stream_rate=2_000,
    breaker_events=5_000,
    breaker_broken=3_000,
    long_run_s=60.0,
    long_run_rate=1_000,
    cluster_events=20_000,
    cluster_down_s=8.0,
)
LONG = Profile(
    name="long",
    crash_events=200_000,
    crash_kills=20,
    outage_events=100_000,
    outage_s=30.0,
    scale_events=100_000,
    hostile_records=100_000,
    broker_events=100_000,
    broker_down_s=15.0,
    stream_rate=4_000,
    breaker_events=50_000,
    breaker_broken=20_000,
    long_run_s=1_800.0,
    long_run_rate=1_000,
    cluster_events=100_000,
    cluster_down_s=30.0,
)
PROFILES = {p.name: p for p in (SHORT, LONG)}
