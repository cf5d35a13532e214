"""Bounded exponential back-off with jitter, for retrying calls to a service that is down."""

from __future__ import annotations

import random
from dataclasses import dataclass, field


@dataclass(slots=True)
class Backoff:
    initial_s: float
    max_s: float
    attempt: int = 0
    _random: random.Random = field(default_factory=random.Random)

    def next_delay(self) -> float:
        """The wait before the next attempt: doubles each time, never above max_s."""
        ceiling = min(self.max_s, self.initial_s * (2**self.attempt))
        self.attempt += 1
        # Full jitter keeps several consumers from retrying in lockstep after an outage.
        return self._random.uniform(ceiling / 2, ceiling)

    def reset(self) -> None:
        self.attempt = 0
