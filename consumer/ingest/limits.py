"""What a record may be (its size, and its event time against the record's own Kafka
timestamp), with the time windows that judge the event times."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from pulse.contract import TimeWindow
from pulse.settings import Settings

_WINDOWS_KEPT = 4096


@dataclass(frozen=True, slots=True)
class Limits:
    """What a record may be: its size, and how far its event time may lie from the
    record's own Kafka timestamp (not the clock, so that reading a record again after a
    crash or an outage gives the same verdict)."""

    max_event_bytes: int
    late_horizon: timedelta
    clock_skew: timedelta
    # Producers stamp many records with the same millisecond: one window serves them all.
    _windows: dict[int, TimeWindow] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        return cls(
            max_event_bytes=settings.max_event_bytes,
            late_horizon=timedelta(days=settings.late_horizon_days),
            clock_skew=timedelta(seconds=settings.clock_skew_seconds),
        )

    def window(self, timestamp_ms: int | None) -> TimeWindow:
        if timestamp_ms is None or timestamp_ms < 0:
            # Message format v2 always carries a timestamp; without one, the clock.
            return TimeWindow(datetime.now(UTC), self.late_horizon, self.clock_skew)
        window = self._windows.get(timestamp_ms)
        if window is None:
            if len(self._windows) >= _WINDOWS_KEPT:
                self._windows.clear()
            window = TimeWindow(_record_time(timestamp_ms), self.late_horizon, self.clock_skew)
            self._windows[timestamp_ms] = window
        return window


def _record_time(timestamp_ms: int) -> datetime:
    """The record's Kafka timestamp as the validation's "now"."""
    try:
        return datetime.fromtimestamp(timestamp_ms / 1000, UTC)
    except (OverflowError, OSError, ValueError):
        return datetime.max.replace(tzinfo=UTC)
