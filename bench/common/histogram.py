"""Percentiles of measured values, and the quantiles of a Prometheus histogram read from a
consumer's metrics endpoint, estimated the way PromQL's histogram_quantile does (linear
inside a bucket)."""

from __future__ import annotations

import math
import urllib.error
import urllib.request
from collections.abc import Sequence

from prometheus_client.parser import text_string_to_metric_families


def scrape_buckets(port: int, name: str, *, host: str = "127.0.0.1") -> list[tuple[float, float]]:
    """(upper bound, cumulative count) of histogram `name`, summed over its labels; []
    when the endpoint does not answer."""
    try:
        with urllib.request.urlopen(f"http://{host}:{port}/metrics", timeout=2.0) as response:
            text = response.read().decode("utf-8")
    except (urllib.error.URLError, OSError):
        return []
    counts: dict[float, float] = {}
    for family in text_string_to_metric_families(text):
        if family.name != name:
            continue
        for sample in family.samples:
            if sample.name == f"{name}_bucket":
                bound = float(sample.labels["le"])
                counts[bound] = counts.get(bound, 0.0) + sample.value
    return sorted(counts.items())


def quantile(buckets: list[tuple[float, float]], q: float) -> float | None:
    """The q-quantile (0-1), or None without observations. Above the last finite bound
    the answer is that bound, as in PromQL: read it as "at least"."""
    if not buckets or buckets[-1][1] <= 0:
        return None
    rank = q * buckets[-1][1]
    lower_bound, lower_count = 0.0, 0.0
    for bound, count in buckets:
        if count >= rank:
            if math.isinf(bound):
                return lower_bound
            share = (rank - lower_count) / (count - lower_count) if count > lower_count else 1.0
            return lower_bound + (bound - lower_bound) * share
        lower_bound, lower_count = bound, count
    return lower_bound


def percentile(values: Sequence[float], p: float) -> float | None:
    """The p-th percentile (0-100) by linear interpolation between closest ranks."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)
