"""The query benchmark's Markdown report: latency per query against the target, and how
the fill went as the database grew."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from bench.common.histogram import percentile
from bench.common.results import machine_line, ms
from bench.query.fill import FillResult, Segment
from bench.query.timing import Timings

TARGET_P95_S = 0.050
# PostgreSQL's CPU per fact at 10M facts against an empty database's (issue 17).
GROWTH_TARGET = 0.15
# Where issue 17 reads the fill's curve: 0, 2.5M, 5M, 7.5M and 10M of a 10M fill.
CURVE_POINTS = (0.0, 0.25, 0.5, 0.75, 1.0)


def render(
    started_at: datetime,
    details: dict[str, Any],
    timings: Timings,
    *,
    filled: FillResult | None,
    runs: int,
) -> str:
    facts, database_bytes = timings.facts, timings.database_bytes
    lines = [
        f"# Query benchmark, {started_at:%Y-%m-%d %H:%M} UTC",
        "",
        f"Every example query of `sql/queries/` ({len(timings.by_query)} files, the README's "
        f"included) run {runs} times in rotation on one connection, at {facts:,} facts "
        f"({database_bytes / 1024**3:.2f} GiB database). Latency is the client's wall time "
        "of execute + fetch. " + machine_line(details) + f" While the queries ran, the "
        f"machine's cores were busy {timings.busy_cores:.2f} CPU s per wall second (2.0 = "
        "saturated; other work on the machine counts).",
        "",
        *_fill_lines(filled),
        "| query | rows | p50 ms | p95 ms | max ms |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    worst = 0.0
    for stem, (rows, seconds) in timings.by_query.items():
        p95 = percentile(seconds, 95) or 0.0
        worst = max(worst, p95)
        lines.append(
            f"| `{stem}` | {rows:,} | {ms(percentile(seconds, 50))} | {ms(p95)} "
            f"| {ms(max(seconds))} |"
        )
    verdict = "**PASS**" if worst < TARGET_P95_S else "**FAIL**"
    lines += [
        "",
        f"Target (issue 9): every query p95 < 50 ms at 10M facts. Worst p95 here: "
        f"{ms(worst)} ms at {facts:,} facts: {verdict}"
        + ("" if facts >= 10_000_000 else " (at this size; the target is for 10M facts)")
        + ".",
    ]
    return "\n".join(lines)


def _fill_lines(filled: FillResult | None) -> list[str]:
    if filled is None:
        return ["The database was filled by an earlier run (`--database`).", ""]
    lines = [
        f"Filled by `bench.query.fill` (the consumer's Batch and writer with every aggregate, no "
        f"Kafka): {filled.records:,} simulated events, {filled.facts:,} facts, in "
        f"{filled.seconds:,.0f} s, then `vacuum analyze` (what autovacuum would have done). "
        "CPU per 1,000 facts as the database grew:",
        "",
        "| facts before | facts/s | filler CPU s / 1k | PostgreSQL CPU s / 1k |",
        "| ---: | ---: | ---: | ---: |",
    ]
    for s in filled.segments:
        lines.append(
            f"| {s.facts_before:,} | {s.facts / s.seconds:,.0f} "
            f"| {s.filler_cpu_s * 1000 / s.facts:.3f} | {s.postgres_cpu_s * 1000 / s.facts:.3f} |"
        )
    return [*lines, "", *_curve_lines(filled), *_growth_line(filled.segments)]


def curve_segments(filled: FillResult) -> list[tuple[int, Segment]]:
    """The stretch measured at each of `CURVE_POINTS` of the fill: the one that starts at
    the point (the last one ends there), so "at 0" is the empty database's."""
    segments = filled.segments
    if not segments:
        return []
    picked: list[tuple[int, Segment]] = []
    for fraction in CURVE_POINTS:
        point = round(filled.facts * fraction)
        if fraction >= 1.0:
            picked.append((point, segments[-1]))
            continue
        starting = min(segments, key=lambda s: abs(s.facts_before - point))
        picked.append((point, starting))
    return picked


def _curve_lines(filled: FillResult) -> list[str]:
    if len(filled.segments) < 2:
        return []
    picked = curve_segments(filled)
    base = picked[0][1].postgres_cpu_s / picked[0][1].facts
    lines = [
        "PostgreSQL CPU per 1,000 facts at the points issue 17 names (each the stretch "
        "that starts there; the last, the stretch that ends there):",
        "",
        "| facts | stretch | PostgreSQL CPU s / 1k | against empty |",
        "| ---: | --- | ---: | ---: |",
    ]
    for point, s in picked:
        per_fact = s.postgres_cpu_s / s.facts
        change = per_fact / base - 1 if base > 0 else 0.0
        lines.append(
            f"| {point:,} | {s.facts_before:,}-{s.facts_before + s.facts:,} "
            f"| {per_fact * 1000:.3f} | {change:+.0%} |"
        )
    return [*lines, ""]


def _growth_line(segments: list[Segment]) -> list[str]:
    """The issue-17 target: the last stretch's PostgreSQL CPU per fact within 15 % of the
    first's (the first stretch starts on an empty database)."""
    if len(segments) < 2:
        return []
    first, last = (s.postgres_cpu_s / s.facts for s in (segments[0], segments[-1]))
    change = last / first - 1 if first > 0 else 0.0
    verdict = "**PASS**" if change <= GROWTH_TARGET else "**FAIL**"
    return [
        f"PostgreSQL CPU per 1,000 facts in the last stretch against the first: {change:+.0%} "
        f"(target within {GROWTH_TARGET:.0%}, issue 17): {verdict}.",
        "",
    ]


def fill_payload(filled: FillResult | None) -> dict[str, Any] | None:
    if filled is None:
        return None
    return {
        "records": filled.records,
        "facts": filled.facts,
        "seconds": filled.seconds,
        "segments": [asdict(s) for s in filled.segments],
    }
