"""Turns the measurements of several runs into one row per contender (medians, spread,
ratio to the ceiling measured in the same run) and checks the targets."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from bench.peers.measurement import Measurement


@dataclass(frozen=True, slots=True)
class Row:
    contender: str
    runs: int
    complete_runs: int
    events_per_s: float  # median
    min_events_per_s: float
    max_events_per_s: float
    ratio_to_raw: float | None  # median of the per-run ratios
    cpu_per_1k_s: float | None
    broker_cpu_per_1k_s: float | None
    postgres_cpu_per_1k_s: float | None
    peak_rss_bytes: int  # the highest of all runs
    notes: tuple[str, ...]
    wal_full_page_images_per_1k: float | None = None  # median; Pulse runs only


@dataclass(frozen=True, slots=True)
class Target:
    contender: str
    label: str
    min_ratio_to_raw: float | None = None
    min_events_per_s: float | None = None

    def measured(self, row: Row | None) -> float | None:
        if row is None:
            return None
        if self.min_ratio_to_raw is not None:
            return row.ratio_to_raw
        return row.events_per_s

    def passed(self, row: Row | None) -> bool | None:
        """None when it cannot be judged (contender not run, or no complete run)."""
        value = self.measured(row)
        if row is None or value is None or row.complete_runs == 0:
            return None
        if self.min_ratio_to_raw is not None:
            return value >= self.min_ratio_to_raw
        return self.min_events_per_s is not None and value >= self.min_events_per_s


def _median(values: Sequence[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return statistics.median(known) if known else None


def summarize(measurements: Sequence[Measurement], *, ceiling: str) -> list[Row]:
    """One row per contender, in the order first measured. `ceiling` names the contender
    that ratios are taken against, run by run (each run's contenders share the machine's
    mood of the moment)."""
    ceiling_by_run = {m.run: m.events_per_s for m in measurements if m.contender == ceiling}
    names = list(dict.fromkeys(m.contender for m in measurements))
    rows = []
    for name in names:
        mine = [m for m in measurements if m.contender == name]
        # Incomplete runs (stopped, crashed) still have a rate over what they did; they
        # count only when no run completed, and the notes say so.
        complete = [m for m in mine if m.complete]
        used = complete or mine
        rates = [m.events_per_s for m in used]
        ratios = [
            m.events_per_s / ceiling_by_run[m.run]
            for m in used
            if ceiling_by_run.get(m.run) and name != ceiling
        ]
        rows.append(
            Row(
                contender=name,
                runs=len(mine),
                complete_runs=len(complete),
                events_per_s=statistics.median(rates),
                min_events_per_s=min(rates),
                max_events_per_s=max(rates),
                ratio_to_raw=1.0 if name == ceiling else _median(ratios),
                cpu_per_1k_s=_median([m.per_thousand(m.cpu_s) for m in used]),
                broker_cpu_per_1k_s=_median([m.per_thousand(m.broker_cpu_s) for m in used]),
                postgres_cpu_per_1k_s=_median([m.per_thousand(m.postgres_cpu_s) for m in used]),
                peak_rss_bytes=max(m.peak_rss_bytes for m in mine),
                notes=tuple(dict.fromkeys(m.note for m in mine if m.note)),
                wal_full_page_images_per_1k=_median([_full_page_images_per_1k(m) for m in used]),
            )
        )
    return rows


def _full_page_images_per_1k(m: Measurement) -> float | None:
    images = m.details.get("wal_full_page_images")
    return m.per_thousand(images) if isinstance(images, int) else None


def median_measurement(measurements: Sequence[Measurement], contender: str) -> Measurement | None:
    """The run of `contender` with the median rate (the lower middle one for even counts)."""
    mine = sorted(
        (m for m in measurements if m.contender == contender), key=lambda m: m.events_per_s
    )
    return mine[(len(mine) - 1) // 2] if mine else None
