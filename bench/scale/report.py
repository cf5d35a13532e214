"""The scale benchmark's Markdown report: one row per level of processes = partitions."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bench.common.results import machine_line
from bench.scale.group import GroupRun


def render(
    started_at: datetime,
    details: dict[str, Any],
    runs: Sequence[GroupRun],
    *,
    events: int,
    batch: int,
) -> str:
    lines = [
        f"# Scale benchmark, {started_at:%Y-%m-%d %H:%M} UTC",
        "",
        f"For each level, {events:,} records (5% invalid, 2% duplicates, `python -m producer`) "
        "pre-loaded on a topic with that many partitions, drained by as many `python -m "
        "consumer run` processes (every aggregate) in one group into one fresh database. "
        "Timed from the first spawn (start-up, migrations and the group's rebalances count) "
        "until PostgreSQL holds the offsets of every record (sampled every 0.5 s). Figures "
        f"are medians over the runs. Batches of up to {batch:,} records. " + machine_line(details),
        "",
        "| processes = partitions | events/s | vs 1 | CPU s / 1k: consumers | broker "
        "| PostgreSQL | machine busy (cores) | complete |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    by_level: dict[int, list[GroupRun]] = {}
    for run in runs:
        by_level.setdefault(run.processes, []).append(run)
    base = _median(r.events_per_s for r in by_level.get(1, []))
    for level, group in by_level.items():
        rate = _median(r.events_per_s for r in group)
        ratio = f"{rate / base:.2f}x" if base and rate else "-"
        lines.append(
            f"| {level} | {rate:,.0f} | {ratio} "
            f"| {_median(_per_1k(r.cpu_s, r) for r in group):.3f} "
            f"| {_median(_per_1k(r.broker_cpu_s or 0.0, r) for r in group):.3f} "
            f"| {_median(_per_1k(r.postgres_cpu_s, r) for r in group):.3f} "
            f"| {_median(r.machine_busy_s / r.process_s for r in group):.2f} "
            f"| {sum(r.complete for r in group)}/{len(group)} |"
        )
    lines += [
        "",
        "The machine has 2 cores shared by the consumers, the broker, PostgreSQL (and "
        'whoever else is using it): "machine busy" is all cores\' busy CPU seconds per '
        "wall second during the run; near 2.0 nothing more can scale, and more processes "
        "then only add start-up, rebalancing and contention on the shared aggregate rows.",
    ]
    return "\n".join(lines)


def _per_1k(cpu_s: float, run: GroupRun) -> float:
    return cpu_s * 1000 / run.accounted if run.accounted else 0.0


def _median(values: Any) -> float:
    items = list(values)
    return statistics.median(items) if items else 0.0
