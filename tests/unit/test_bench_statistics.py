"""The percentile and histogram-quantile arithmetic that the freshness, scale and query
benchmarks report with."""

from __future__ import annotations

import math

import pytest

from bench.common.histogram import percentile, quantile


def test_percentile_interpolates_between_closest_ranks() -> None:
    values = [4.0, 1.0, 3.0, 2.0, 5.0]
    assert percentile(values, 0) == 1.0
    assert percentile(values, 50) == 3.0
    assert percentile(values, 100) == 5.0
    assert percentile(values, 95) == pytest.approx(4.8)


def test_percentile_of_nothing_is_none() -> None:
    assert percentile([], 50) is None


def test_quantile_is_linear_inside_the_bucket_that_holds_the_rank() -> None:
    # 10 observations up to 0.1 s, 10 more up to 0.5 s.
    buckets = [(0.1, 10.0), (0.5, 20.0), (math.inf, 20.0)]
    assert quantile(buckets, 0.5) == pytest.approx(0.1)
    assert quantile(buckets, 0.75) == pytest.approx(0.3)
    assert quantile(buckets, 0.25) == pytest.approx(0.05)


def test_quantile_above_the_last_finite_bound_answers_that_bound() -> None:
    buckets = [(1.0, 1.0), (math.inf, 10.0)]
    assert quantile(buckets, 0.99) == 1.0


def test_quantile_without_observations_is_none() -> None:
    assert quantile([], 0.5) is None
    assert quantile([(1.0, 0.0), (math.inf, 0.0)], 0.5) is None
