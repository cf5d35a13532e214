"""Assembles one producer run from plain arguments: the clock, the world, the simulator
with its fault plan, the Kafka publisher and the truth file; handles Ctrl-C."""

from __future__ import annotations

import random
import signal
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from types import FrameType
from typing import Any

from producer.catalog_feed import CatalogFeed
from producer.catalog_publisher import CatalogSender
from producer.clock import (
    DAY_US,
    HOUR_US,
    Clock,
    LiveClock,
    SimulatedClock,
    wall_now_us,
)
from producer.faults import DefectFactory, FaultPlan
from producer.publisher import Publisher, check_reachable, ensure_topic, resolve_compression
from producer.records import Defect
from producer.runner import RunLimits, run
from producer.simulator import Simulator
from producer.summary import Summary
from producer.truth import TruthWriter
from producer.world import build_world
from pulse.collector import settle_for_streaming
from pulse.errors import ConfigError
from pulse.kafka_security import kafka_security
from pulse.settings import Settings

# Without --count, a simulated day holds this many events per user (on average).
EVENTS_PER_USER_DAY = 4.0
# Live sessions interleave as if events came at most this fast (see LiveClock): about
# 36 s of think time per event makes ~36 x rate sessions open at once, which should stay
# near a tenth of the users.
USERS_PER_VIRTUAL_EVENT_PER_S = 360.0
COUNT_OVERSHOOT = 1.01
# Simulated time ends this long before now, so that no event is in the future.
SIMULATED_END_MARGIN_US = HOUR_US
# The first simulated day stays this far inside the late horizon, so that a consumer
# reading a day later still accepts it.
HORIZON_MARGIN_US = DAY_US


@dataclass(frozen=True, slots=True)
class ClockChoice:
    live: bool
    start: datetime | None = None
    days: float | None = None


def simulated_period(choice: ClockChoice, late_horizon: timedelta, now_us: int) -> tuple[int, int]:
    """[start, end) in epoch microseconds, checked against the consumer's time window."""
    latest = now_us - SIMULATED_END_MARGIN_US
    if choice.start is None:
        days = choice.days or 0.0
        start_us = latest - int(days * DAY_US)
    else:
        start_us = int(choice.start.timestamp() * 1_000_000)
    end_us = latest if choice.days is None else min(latest, start_us + int(choice.days * DAY_US))
    oldest = now_us - int(late_horizon.total_seconds() * 1_000_000) + HORIZON_MARGIN_US
    if start_us < oldest:
        raise ConfigError(
            f"the simulated period starts before the late horizon ({late_horizon.days} days), "
            "so the consumer would reject every event as too old. Use a later --start, "
            "fewer --days, or raise LATE_HORIZON_DAYS."
        )
    if end_us <= start_us:
        raise ConfigError("the simulated period is empty or in the future: check --start/--days.")
    return start_us, end_us


# What signal.signal() takes and returns.
SignalHandler = Callable[[int, FrameType | None], Any] | int | signal.Handlers | None


class StopFlag:
    """First Ctrl-C (or SIGTERM) asks for a clean stop; a second one interrupts."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._previous: dict[int, SignalHandler] = {}

    def is_set(self) -> bool:
        return self._event.is_set()

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        del frame
        self._event.set()
        signal.signal(signum, signal.default_int_handler)

    def install(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return  # signals can only be handled in the main thread
        for signum in (signal.SIGINT, signal.SIGTERM):
            self._previous[signum] = signal.signal(signum, self._handle)

    def restore(self) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)


@dataclass(slots=True)
class Run:
    settings: Settings
    simulator: Simulator
    connect: Callable[[], Publisher]  # deferred so that bad options fail before the network
    limits: RunLimits
    seed: int
    partitions: int
    replication_factor: int
    connect_timeout_ms: int
    # The catalog's publisher, on KAFKA_CATALOG_TOPIC (None: events only).
    connect_catalog: Callable[[], Publisher] | None = None

    def execute(self, *, truth_path: Path | None, progress: bool) -> Summary:
        check_reachable(self.settings.kafka_bootstrap_servers, self.connect_timeout_ms)
        self._ensure_topic(self.settings.kafka_topic)
        publisher = self.connect()
        summary = Summary(topic=self.settings.kafka_topic, seed=self.seed)
        catalog = self._open_catalog(summary)
        # The world is built and lives until the end: moving it out of the collector's
        # sight spares every collection from scanning it again (a tenth of the run time).
        settle_for_streaming()
        stop = StopFlag()
        truth = TruthWriter(truth_path) if truth_path is not None else None
        stop.install()
        try:
            run(
                records=lambda limit, should_stop: self.simulator.records(
                    limit=limit, should_stop=should_stop
                ),
                sender=publisher,
                summary=summary,
                limits=self.limits,
                should_stop=stop.is_set,
                truth=truth,
                progress=progress,
                after_chunk=catalog.send_changes if catalog is not None else None,
            )
        finally:
            stop.restore()
            if truth is not None:
                truth.close()
            publisher.close(timeout_s=5)
            if catalog is not None:
                catalog.finish(timeout_s=self.limits.flush_timeout_s)
                catalog.close()
        stats = self.simulator.stats
        summary.sessions, summary.signups = stats.sessions, stats.signups
        summary.scd_changes = stats.scd_changes
        return summary

    def _ensure_topic(self, topic: str, configs: dict[str, str] | None = None) -> None:
        ensure_topic(
            bootstrap_servers=self.settings.kafka_bootstrap_servers,
            topic=topic,
            partitions=self.partitions,
            replication_factor=self.replication_factor,
            timeout_ms=self.connect_timeout_ms,
            security=kafka_security(self.settings),
            configs=configs,
        )

    def _open_catalog(self, summary: Summary) -> CatalogSender | None:
        """Create the compacted catalog topic if needed and send the catalog's snapshot, so
        that the dimensions exist before (most of) the events that name them."""
        feed = self.simulator.catalog
        if self.connect_catalog is None or feed is None:
            return None
        topic = self.settings.kafka_catalog_topic
        self._ensure_topic(topic, {"cleanup.policy": "compact"})
        summary.catalog_topic = topic
        sender = CatalogSender(self.connect_catalog(), feed, summary)
        sender.send_snapshot()
        return sender


def build_run(
    *,
    settings: Settings,
    clock: ClockChoice,
    seed: int,
    population_seed: int,
    users: int,
    count: int | None,
    duration_s: float | None,
    rate: float,
    defects: Mapping[Defect, float],
    duplicate: float,
    late: float,
    partitions: int,
    replication_factor: int,
    compression: str,
    linger_ms: int,
    batch_size: int,
    connect_timeout_ms: int = 10_000,
    catalog: bool = True,
) -> Run:
    """Everything but the network: fails fast on bad options before touching Kafka."""
    if rate < 0:
        raise ConfigError("--rate must be 0 (as fast as possible) or positive.")
    try:
        plan = FaultPlan(defects=dict(defects), duplicate=duplicate, late=late)
    except ValueError as exc:
        raise ConfigError(f"{exc}.") from None
    late_horizon = timedelta(days=settings.late_horizon_days)
    simulator = make_simulator(
        settings=settings, clock=clock, seed=seed, population_seed=population_seed, users=users,
        count=count, rate=rate, plan=plan, late_horizon=late_horizon, catalog=catalog,
    )  # fmt: skip
    publisher = partial(
        Publisher,
        bootstrap_servers=settings.kafka_bootstrap_servers,
        compression=resolve_compression(compression),
        linger_ms=linger_ms,
        batch_size=batch_size,
        max_event_bytes=settings.max_event_bytes,
        bootstrap_timeout_ms=connect_timeout_ms,
        security=kafka_security(settings),
    )
    connect = partial(publisher, topic=settings.kafka_topic)
    return Run(
        settings=settings,
        simulator=simulator,
        connect=connect,
        limits=RunLimits(count=count, duration_s=duration_s, rate=rate),
        seed=seed,
        partitions=partitions,
        replication_factor=replication_factor,
        connect_timeout_ms=connect_timeout_ms,
        connect_catalog=partial(publisher, topic=settings.kafka_catalog_topic) if catalog else None,
    )


def make_simulator(
    *,
    settings: Settings,
    clock: ClockChoice,
    seed: int,
    population_seed: int,
    users: int,
    count: int | None,
    rate: float,
    plan: FaultPlan,
    late_horizon: timedelta,
    catalog: bool = False,
) -> Simulator:
    """The record stream alone (no Kafka): what the tests and the benchmark drive. With
    `catalog`, it also keeps the catalog's changes for `CatalogSender` to send."""
    the_clock: Clock
    end_us: int | None = None
    if clock.live:
        ceiling = max(1.0, users / USERS_PER_VIRTUAL_EVENT_PER_S)
        the_clock = LiveClock(virtual_rate=min(rate, ceiling) if rate else ceiling)
    else:
        start_us, end_us = simulated_period(clock, late_horizon, wall_now_us())
        if count is not None:
            # Aimed a little past the count: the count is met just before the end rather
            # than the period ending just short of the count.
            target = COUNT_OVERSHOOT * count / (1.0 + plan.extra_share)
            the_clock = SimulatedClock(start_us=start_us, end_us=end_us, target_events=target)
        else:
            the_clock = SimulatedClock(
                start_us=start_us, end_us=end_us, events_per_day=users * EVENTS_PER_USER_DAY
            )
    defects = DefectFactory(
        max_event_bytes=settings.max_event_bytes,
        late_horizon=late_horizon,
        clock_skew=timedelta(seconds=settings.clock_skew_seconds),
    )
    world = build_world(users=users, seed=population_seed)
    feed = (
        CatalogFeed(world, seed=seed, population_seed=population_seed, start_us=the_clock.start_us)
        if catalog
        else None
    )
    return Simulator(
        world=world,
        clock=the_clock,
        rng=random.Random(f"events:{seed}"),
        plan=plan,
        defects=defects,
        end_us=end_us,
        catalog=feed,
    )
