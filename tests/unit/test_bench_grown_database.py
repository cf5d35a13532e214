"""The consumer benchmark's comparison of an empty database with a filled one, on rows
written by hand."""

from __future__ import annotations

from bench.consumer.sections import grown_database
from bench.consumer.summary import Row


def _row(name: str, events_per_s: float, postgres_cpu: float | None) -> Row:
    return Row(
        contender=name, runs=3, complete_runs=3, events_per_s=events_per_s,
        min_events_per_s=events_per_s, max_events_per_s=events_per_s, ratio_to_raw=None,
        cpu_per_1k_s=0.05, broker_cpu_per_1k_s=0.01, postgres_cpu_per_1k_s=postgres_cpu,
        peak_rss_bytes=1, notes=(),
    )  # fmt: skip


def test_each_filled_run_sits_beside_its_empty_one_with_the_cpu_change() -> None:
    rows = [
        _row("raw kafka-python", 50_000, None),
        _row("Pulse, every aggregate", 14_000, 0.040),
        _row("Pulse, facts only", 20_000, 0.020),
        _row("Pulse, every aggregate, on 10,000,000 facts", 12_000, 0.046),
    ]
    lines = grown_database(rows)
    table = [line for line in lines if line.startswith("| Pulse,")]
    assert table == [
        "| Pulse, every aggregate, on 10,000,000 facts | 14,000 | 12,000 | 0.040 | 0.046 | +15% |"
    ]


def test_nothing_is_written_without_a_filled_run() -> None:
    assert grown_database([_row("Pulse, every aggregate", 14_000, 0.04)]) == []
