"""The consumer's periodic INFO line: throughput, outcomes and lag every few seconds."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

logger = logging.getLogger("consumer.observe.progress")


@dataclass(slots=True)
class ProgressLog:
    interval_s: float = 5.0
    records: int = 0
    stored: int = 0
    duplicates: int = 0
    dead_lettered: int = 0
    _window_records: int = 0
    _window_start: float = field(default_factory=time.monotonic)

    def add(self, records: int, stored: int, duplicates: int, dead_lettered: int) -> None:
        self.records += records
        self.stored += stored
        self.duplicates += duplicates
        self.dead_lettered += dead_lettered
        self._window_records += records

    def maybe_log(self, lag: int | None) -> None:
        elapsed = time.monotonic() - self._window_start
        if elapsed < self.interval_s:
            return
        if self._window_records or lag:
            logger.info(
                "progress",
                extra={
                    "records_per_s": round(self._window_records / elapsed),
                    "stored": self.stored,
                    "duplicates": self.duplicates,
                    "dead_lettered": self.dead_lettered,
                    "lag": "unknown" if lag is None else lag,
                },
            )
        self._window_records = 0
        self._window_start = time.monotonic()
