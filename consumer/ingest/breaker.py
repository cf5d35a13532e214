"""The poison-pill circuit breaker: when too large a share of recent records is invalid
(a producer deployed with a broken serializer, say), stop and wait for a person instead
of moving the whole stream into the dead-letter topic."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field


@dataclass(slots=True)
class DeadLetterBreaker:
    max_share: float  # trip above this share of invalid records; 1.0 never trips
    window_records: int  # judged over (at least) this many of the latest records
    _batches: deque[tuple[int, int]] = field(default_factory=deque)
    _records: int = 0
    _invalid: int = 0
    _overridden: bool = False

    def trips_on(self, records: int, invalid: int) -> bool:
        """Would letting this batch through push the share over the limit?"""
        if self._overridden or self.max_share >= 1.0:
            return False
        total, bad = self._records + records, self._invalid + invalid
        return total >= self.window_records and bad / total > self.max_share

    def record(self, records: int, invalid: int) -> None:
        """Count a batch that was let through."""
        self._batches.append((records, invalid))
        self._records += records
        self._invalid += invalid
        # Keep just enough of the newest batches to cover the window.
        while self._batches and self._records - self._batches[0][0] >= self.window_records:
            old_records, old_invalid = self._batches.popleft()
            self._records -= old_records
            self._invalid -= old_invalid
        if self._overridden and self._records >= self.window_records:
            # The operator's word holds for the bad spell; a healthy window re-arms.
            self._overridden = self.share() > self.max_share

    def share(self) -> float:
        return self._invalid / self._records if self._records else 0.0

    def override(self) -> None:
        """An operator said the invalid records are to be dead-lettered: let them through
        until a full window is healthy again, then judge as before."""
        self._batches.clear()
        self._records = self._invalid = 0
        self._overridden = True
