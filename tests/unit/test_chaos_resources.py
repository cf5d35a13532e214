"""The long-run scenario's rule for "flat": memory, descriptors and connections after warm-up."""

from __future__ import annotations

import os
from collections.abc import Sequence

from tests.chaos.resources import (
    MIB,
    Sample,
    flatness_problems,
    open_fds,
    rss_bytes,
    summary,
)


def _series(
    rss_mib: Sequence[float],
    fds: Sequence[int] | None = None,
    conns: Sequence[int] | None = None,
) -> list[Sample]:
    n = len(rss_mib)
    fds = fds or [14] * n
    conns = conns or [1] * n
    return [
        Sample(at_s=5.0 * i, rss_bytes=int(r * MIB), fds=f, connections=c)
        for i, (r, f, c) in enumerate(zip(rss_mib, fds, conns, strict=True))
    ]


def test_a_warm_up_then_a_plateau_is_flat() -> None:
    rss = [10, 40, 60, 70] + [72, 73, 71, 74] * 3  # the first quarter climbs, then steady
    assert flatness_problems(_series(rss)) == []


def test_steady_growth_after_warm_up_is_a_leak() -> None:
    rss = [70 + 4 * i for i in range(16)]  # 70 -> 130 MiB
    problems = flatness_problems(_series(rss))
    assert len(problems) == 1
    assert problems[0].startswith("RSS grew")


def test_small_noise_within_the_slack_passes() -> None:
    rss = [70.0] * 8 + [85.0] * 8  # +15 MiB: under 10% + 20 MiB
    assert flatness_problems(_series(rss)) == []


def test_growing_descriptors_and_connections_are_named() -> None:
    fds = [14] * 8 + [14, 15, 16, 17, 18, 19, 20, 21]
    conns = [1] * 12 + [2] * 4
    problems = flatness_problems(_series([70.0] * 16, fds, conns))
    assert [p.split(":")[0] for p in problems] == [
        "open file descriptors grew",
        "PostgreSQL connections grew",
    ]


def test_too_few_samples_cannot_pass() -> None:
    assert flatness_problems(_series([70.0] * 3)) != []


def test_summary_gives_first_median_and_max() -> None:
    text = summary(_series([10.0, 70.0, 72.0], [3, 14, 14], [0, 1, 1]))
    assert "3 samples over 10 s" in text
    assert "RSS 10.0 / 70.0 / 72.0 MiB" in text
    assert "open fds 3 / 14 / 14" in text
    assert "PostgreSQL connections 0 / 1 / 1" in text


def test_this_process_can_be_measured() -> None:
    assert rss_bytes(os.getpid()) > MIB
    assert open_fds(os.getpid()) >= 3
