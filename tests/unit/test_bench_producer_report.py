"""The producer benchmark's results file, from figures written by hand."""

from __future__ import annotations

from datetime import UTC, datetime

from bench.producer.cli import render, report
from bench.producer.stages import Figure


def test_the_results_file_holds_the_console_lines_under_a_dated_title() -> None:
    figures = [
        Figure(
            stage="publish pre-generated", compression="auto=lz4", events_per_s=163_609.4,
            mb_per_s=54.4, cpu_ms_per_1k=5.7, runs=[155_408, 163_609, 212_780],
        )
    ]  # fmt: skip
    table = render(figures, 200_000, 3)
    text = report("cpu: Xeon | cores: 2", table, datetime(2026, 12, 7, 15, 19, tzinfo=UTC))
    lines = text.splitlines()
    assert lines[0] == "# Producer benchmark, 2026-12-07 15:19 UTC"
    body = lines[lines.index("```") + 1 : len(lines) - 1]
    assert body[0] == "cpu: Xeon | cores: 2"
    assert body[-1].split()[:5] == ["publish", "pre-generated", "auto=lz4", "163,609", "54.4"]
    assert lines[-1] == "```"
