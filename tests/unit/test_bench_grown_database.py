"""The consumer benchmark's comparison of an empty database with a filled one, on rows
written by hand."""

from __future__ import annotations

from bench.consumer.sections import grown_database
from bench.consumer.summary import Row, summarize
from bench.peers.measurement import Measurement


def _row(
    name: str, events_per_s: float, postgres_cpu: float | None, images: float | None = None
) -> Row:
    return Row(
        contender=name, runs=3, complete_runs=3, events_per_s=events_per_s,
        min_events_per_s=events_per_s, max_events_per_s=events_per_s, ratio_to_raw=None,
        cpu_per_1k_s=0.05, broker_cpu_per_1k_s=0.01, postgres_cpu_per_1k_s=postgres_cpu,
        peak_rss_bytes=1, notes=(), wal_full_page_images_per_1k=images,
    )  # fmt: skip


def test_each_filled_run_sits_beside_its_empty_one_with_the_cpu_change() -> None:
    rows = [
        _row("raw kafka-python", 50_000, None),
        _row("Pulse, every aggregate", 14_000, 0.040, 3.4),
        _row("Pulse, facts only", 20_000, 0.020),
        _row("Pulse, every aggregate, on 10,000,000 facts", 12_000, 0.046, 1_950.0),
    ]
    lines = grown_database(rows)
    table = [line for line in lines if line.startswith("| Pulse,")]
    assert table == [
        "| Pulse, every aggregate, on 10,000,000 facts | 14,000 | 12,000 | 0.040 | 0.046 | +15% "
        "| 3 | 1,950 |"
    ]


def test_full_page_images_unknown_are_written_as_such() -> None:
    rows = [
        _row("Pulse, facts only", 20_000, 0.020),
        _row("Pulse, facts only, on 10,000,000 facts", 19_000, 0.021),
    ]
    table = [line for line in grown_database(rows) if line.startswith("| Pulse,")]
    assert table == [
        "| Pulse, facts only, on 10,000,000 facts | 20,000 | 19,000 | 0.020 | 0.021 | +5% | - | - |"
    ]


def test_nothing_is_written_without_a_filled_run() -> None:
    assert grown_database([_row("Pulse, every aggregate", 14_000, 0.04)]) == []


def _run(run: int, images: int | None) -> Measurement:
    return Measurement(
        contender="Pulse, every aggregate", run=run, records=2_000, seconds=1.0, cpu_s=1.0,
        peak_rss_bytes=1, broker_cpu_s=None, postgres_cpu_s=None, complete=True,
        details={"wal_full_page_images": images},
    )  # fmt: skip


def test_full_page_images_per_1k_records_are_the_median_of_the_runs_that_read_them() -> None:
    (row,) = summarize([_run(1, 100), _run(2, 900), _run(3, 300), _run(4, None)], ceiling="raw")
    assert row.wal_full_page_images_per_1k == 150.0  # median of 50, 450 and 150 per 1,000
