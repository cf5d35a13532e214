"""Pulse against the peer tools measured in the same invocation: the ratio of events/s,
run by run (both figures from the same run, so the machine's noise hits both), and the
issue's target of at least twice the Kafka Connect rate."""

from __future__ import annotations

import statistics
from collections.abc import Sequence

from bench.measurement import Measurement

MIN_RATIO_TO_CONNECT = 2.0


def ratios_by_run(measurements: Sequence[Measurement], mine: str, peer: str) -> list[float]:
    """mine / peer events/s for every run in which both completed."""
    rates: dict[tuple[str, int], float] = {
        (m.contender, m.run): m.events_per_s
        for m in measurements
        if m.complete and m.events_per_s > 0
    }
    return [
        rates[(mine, run)] / rates[(peer, run)]
        for run in sorted({run for _, run in rates})
        if (mine, run) in rates and (peer, run) in rates
    ]


def peer_section(measurements: Sequence[Measurement], pulse: Sequence[str], peer: str) -> list[str]:
    """Markdown lines: one row per Pulse configuration against `peer`; none if not run."""
    lines = [
        f"## Pulse against {peer}",
        "",
        f"| Pulse configuration | events/s ratio (median of runs) | runs | target >= "
        f"{MIN_RATIO_TO_CONNECT:.0f}x |",
        "| --- | ---: | ---: | --- |",
    ]
    for name in pulse:
        ratios = ratios_by_run(measurements, name, peer)
        if not ratios:
            continue
        median = statistics.median(ratios)
        verdict = "**PASS**" if median >= MIN_RATIO_TO_CONNECT else "**FAIL**"
        lines.append(f"| {name} | {median:.2f}x | {len(ratios)} | {verdict} |")
    if len(lines) == 4:
        return []
    return [*lines, ""]
