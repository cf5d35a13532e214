"""Cheap seeded sampling helpers: weighted choice by bisection over cumulative weights
(O(log n) per draw, no per-draw allocation) and a few heavy-tailed distributions."""

from __future__ import annotations

import math
import random
from bisect import bisect_right
from collections.abc import Sequence
from itertools import accumulate
from typing import Generic, TypeVar

T = TypeVar("T")


class WeightedPicker(Generic[T]):
    """Draws items with probability proportional to their weight.

    `limit` restricts a draw to the first `limit` items, which is how the simulator draws
    only among the users who have signed up so far (they are ordered by signup).
    """

    __slots__ = ("_cumulative", "_items")

    def __init__(self, items: Sequence[T], weights: Sequence[float]) -> None:
        if not items or len(items) != len(weights):
            raise ValueError("WeightedPicker needs as many positive weights as items, at least one")
        self._items = list(items)
        self._cumulative = list(accumulate(weights))

    def __len__(self) -> int:
        return len(self._items)

    @property
    def items(self) -> tuple[T, ...]:
        return tuple(self._items)

    def replace(self, old: T, new: T) -> None:
        """Put `new` where `old` is, with its weight (a product repriced, say)."""
        self._items[self._items.index(old)] = new

    def pick(self, rng: random.Random, limit: int | None = None) -> T:
        cumulative = self._cumulative
        hi = len(cumulative) if limit is None or limit > len(cumulative) else max(limit, 1)
        index = bisect_right(cumulative, rng.random() * cumulative[hi - 1], 0, hi)
        # random() < 1, so index < hi except through float rounding at the very top.
        return self._items[index if index < hi else hi - 1]


def pareto_weight(rng: random.Random, alpha: float) -> float:
    """A heavy-tailed positive weight (Pareto with minimum 1): few items get most draws."""
    return rng.paretovariate(alpha)


def geometric(rng: random.Random, mean: float, cap: int) -> int:
    """A count >= 0 with the given mean, capped; the shape of "how many more pages"."""
    if mean <= 0:
        return 0
    p = 1.0 / (1.0 + mean)
    count = int(math.log(1.0 - rng.random()) / math.log(1.0 - p))
    return min(count, cap)


def gap_us(rng: random.Random, mean_seconds: float, min_seconds: float = 1.0) -> int:
    """Think time between two actions of one session, in microseconds."""
    return int((min_seconds + rng.expovariate(1.0 / mean_seconds)) * 1_000_000)
