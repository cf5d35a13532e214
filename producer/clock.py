"""Where event time comes from: the live clock (now, for a demo) or the simulated clock
(a span of history compressed into minutes, with a daily and weekly rhythm)."""

from __future__ import annotations

import random
import time
from typing import Protocol

SECOND_US = 1_000_000
HOUR_US = 3600 * SECOND_US
DAY_US = 24 * HOUR_US

# Relative traffic per UTC hour: quiet nights, busiest mid-morning, a lunch bump.
HOURLY_SHAPE: tuple[float, ...] = (
    0.10, 0.07, 0.05, 0.05, 0.07, 0.14,  # 00-05
    0.30, 0.55, 0.85, 1.00, 1.00, 0.95,  # 06-11
    0.85, 0.90, 0.85, 0.75, 0.70, 0.65,  # 12-17
    0.60, 0.55, 0.50, 0.40, 0.28, 0.16,  # 18-23
)  # fmt: skip
# Monday first; weekends see well under half the weekday traffic.
WEEKDAY_SHAPE: tuple[float, ...] = (1.0, 1.05, 1.05, 1.0, 0.9, 0.4, 0.35)
# 1970-01-01 was a Thursday (Monday = 0).
_EPOCH_WEEKDAY = 3
WEEK_SHAPE: tuple[float, ...] = tuple(
    WEEKDAY_SHAPE[day] * HOURLY_SHAPE[hour] for day in range(7) for hour in range(24)
)


def shape_at(epoch_us: int) -> float:
    """Relative traffic intensity of the UTC hour containing `epoch_us`."""
    hours = epoch_us // HOUR_US
    weekday = (hours // 24 + _EPOCH_WEEKDAY) % 7
    return WEEK_SHAPE[weekday * 24 + hours % 24]


def wall_now_us() -> int:
    return time.time_ns() // 1000


class Clock(Protocol):
    @property
    def simulated(self) -> bool: ...

    @property
    def start_us(self) -> int: ...

    def next_session_start(
        self, rng: random.Random, events_per_session: float, committed_events: float = 0.0
    ) -> int | None:
        """Virtual time at which the next session starts, or None when the clock is done.
        `committed_events` is how many events the sessions opened so far will make."""
        ...

    def event_time(self, planned_us: int) -> int:
        """The `occurred_at` of an event planned at virtual time `planned_us`."""
        ...


class SimulatedClock:
    """Sessions start as a Poisson process whose rate follows the week's rhythm.

    With a target number of events, the rate is re-aimed at every session so that what
    remains of the target fills what remains of the period: the count then ends near
    the period's end whatever the noise, instead of a few percent early or late (which,
    with a weekend at the end, is days of missing or cut-off history)."""

    simulated = True

    def __init__(
        self,
        *,
        start_us: int,
        end_us: int,
        target_events: float | None = None,
        events_per_day: float | None = None,
    ) -> None:
        if end_us <= start_us:
            raise ValueError("the simulated period must end after it starts")
        if (target_events is None) == (events_per_day is None):
            raise ValueError("give exactly one of target_events and events_per_day")
        self._start_us = start_us
        self.end_us = end_us
        self._now_us = start_us
        self._first_hour_us = start_us - start_us % HOUR_US
        # Shape-microseconds of each hour inside the period, and what remains after it.
        weights: list[float] = []
        hour = self._first_hour_us
        while hour < end_us:
            overlap = min(hour + HOUR_US, end_us) - max(hour, start_us)
            weights.append(shape_at(hour) * overlap)
            hour += HOUR_US
        self._after: list[float] = [0.0] * (len(weights) + 1)
        for index in range(len(weights) - 1, -1, -1):
            self._after[index] = self._after[index + 1] + weights[index]
        self._target = target_events
        if events_per_day is not None:
            if events_per_day <= 0:
                raise ValueError("events_per_day must be positive")
            # events_per_day is an average over a week; a shape-hour is an hour at shape 1.
            mean_shape = sum(WEEK_SHAPE) / len(WEEK_SHAPE)
            self._per_shape_us = events_per_day / (24 * mean_shape) / HOUR_US
        else:
            assert target_events is not None
            self._per_shape_us = target_events / self._after[0]
        self._floor_per_shape_us = self._per_shape_us / 100

    @property
    def start_us(self) -> int:
        return self._start_us

    def _remaining_shape_us(self, now_us: int) -> float:
        index = (now_us - self._first_hour_us) // HOUR_US
        hour_end = min(self._first_hour_us + (index + 1) * HOUR_US, self.end_us)
        return shape_at(now_us) * max(hour_end - now_us, 0) + self._after[index + 1]

    def next_session_start(
        self, rng: random.Random, events_per_session: float, committed_events: float = 0.0
    ) -> int | None:
        now = self._now_us
        if now >= self.end_us:
            return None
        if self._target is not None:
            remaining = self._target - committed_events
            self._per_shape_us = max(
                remaining / max(self._remaining_shape_us(now), 1.0), self._floor_per_shape_us
            )
        # Exp(1) "expected sessions" of work, consumed hour by hour at each hour's rate:
        # the standard way to sample a piecewise-constant non-homogeneous Poisson process.
        work = rng.expovariate(1.0)
        per_session = max(events_per_session, 1.0)
        while now < self.end_us:
            rate = self._per_shape_us * shape_at(now) / per_session
            hour_end = now - now % HOUR_US + HOUR_US
            capacity = rate * (hour_end - now)
            if work <= capacity:
                self._now_us = now + int(work / rate)
                return self._now_us
            work -= capacity
            now = hour_end
        self._now_us = now
        return None

    def event_time(self, planned_us: int) -> int:
        return planned_us


def total_shape_days(start_us: int, end_us: int) -> float:
    """How many average days of traffic fit in [start, end), given the rhythm."""
    mean_shape = sum(WEEK_SHAPE) / len(WEEK_SHAPE)
    total = 0.0
    hour = start_us - start_us % HOUR_US
    while hour < end_us:
        overlap = min(hour + HOUR_US, end_us) - max(hour, start_us)
        total += shape_at(hour) * overlap
        hour += HOUR_US
    return total / (mean_shape * DAY_US)


class LiveClock:
    """Events happen now. Sessions are still scheduled on a virtual timeline paced at
    `virtual_rate` events per second, which decides how many sessions are open at once
    and so how their events interleave; `occurred_at` is the wall clock at emission."""

    simulated = False

    def __init__(self, *, virtual_rate: float) -> None:
        if virtual_rate <= 0:
            raise ValueError("virtual_rate must be positive")
        self._start_us = wall_now_us()
        self._now_us = self._start_us
        self._virtual_rate = virtual_rate

    @property
    def start_us(self) -> int:
        return self._start_us

    def next_session_start(
        self, rng: random.Random, events_per_session: float, committed_events: float = 0.0
    ) -> int | None:
        del committed_events  # a live clock has no target to aim at
        mean_gap_s = max(events_per_session, 1.0) / self._virtual_rate
        self._now_us += int(rng.expovariate(1.0 / mean_gap_s) * SECOND_US)
        return self._now_us

    def event_time(self, planned_us: int) -> int:
        del planned_us  # live events happen when they are emitted
        return wall_now_us()
