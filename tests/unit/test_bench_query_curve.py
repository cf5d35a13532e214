"""The query benchmark reads its fill's cost curve at the points issue 17 names."""

from __future__ import annotations

from bench.query.fill import FillResult, Segment
from bench.query.report import _fill_lines, curve_segments


def _fill(facts: int, stretches: int, cpu_per_fact: list[float]) -> FillResult:
    size = facts // stretches
    segments = [
        Segment(
            facts_before=i * size,
            facts=size,
            seconds=1.0,
            filler_cpu_s=0.0,
            postgres_cpu_s=cpu_per_fact[i] * size,
        )
        for i in range(stretches)
    ]
    return FillResult(records=facts, facts=facts, seconds=20.0, segments=segments)


def test_a_10m_fill_in_20_stretches_is_read_at_0_2_5_5_7_5_and_10m() -> None:
    filled = _fill(10_000_000, 20, [0.00003 + i * 0.000001 for i in range(20)])

    picked = curve_segments(filled)

    assert [point for point, _ in picked] == [0, 2_500_000, 5_000_000, 7_500_000, 10_000_000]
    assert [s.facts_before for _, s in picked] == [0, 2_500_000, 5_000_000, 7_500_000, 9_500_000]


def test_the_curve_table_gives_each_point_against_the_empty_database() -> None:
    filled = _fill(10_000_000, 20, [0.00004] * 10 + [0.00005] * 10)

    lines = _fill_lines(filled)

    assert "| 0 | 0-500,000 | 0.040 | +0% |" in lines
    assert "| 5,000,000 | 5,000,000-5,500,000 | 0.050 | +25% |" in lines
    assert "| 10,000,000 | 9,500,000-10,000,000 | 0.050 | +25% |" in lines


def test_a_fill_with_one_stretch_has_no_curve() -> None:
    filled = _fill(1_000, 1, [0.00004])

    assert not any("points issue 17" in line for line in _fill_lines(filled))
