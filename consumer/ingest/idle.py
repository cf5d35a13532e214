"""How long the consumer has had nothing to do, for `--exit-when-idle`: the benchmarks and
the tests drain a topic and stop once it is caught up."""

from __future__ import annotations

import time
from collections.abc import Callable

# Records behind the log ends over every assigned partition, given fresh log ends or
# (None) the last fetch's; None when not known.
LagTotal = Callable[[dict[int, int] | None], int | None]


class IdleClock:
    def __init__(self, limit_s: float | None) -> None:
        self._limit_s = limit_s
        self._last_activity = time.monotonic()
        self._joined = False  # idle time only counts once the group assigned us

    def active(self) -> None:
        self._last_activity = time.monotonic()

    def joined(self, joined: bool) -> None:
        # Between a revocation and the next assignment the group is rebalancing: not idle.
        self._joined = joined
        self.active()

    def idle_s(self) -> float:
        return time.monotonic() - self._last_activity

    def long_enough(
        self,
        *,
        busy: bool,
        lag_total: LagTotal,
        fresh_ends: Callable[[], dict[int, int] | None],
    ) -> bool:
        if self._limit_s is None or not self._joined or busy:
            return False
        if self.idle_s() < self._limit_s or lag_total(None) != 0:
            return False
        # The last fetch's log ends go stale when the broker stops answering (nothing is
        # fetched, which looks idle): exit only on fresh ones, never while it is away.
        ends = fresh_ends()
        return ends is not None and lag_total(ends) == 0
