"""Renders a benchmark as Markdown (printed and written to bench/results/) and writes the
full data, machine details included, as JSON next to it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.common.results import machine_line, write_results
from bench.consumer import cells
from bench.consumer.sections import grown_database, memory, targets_section, time_split
from bench.consumer.summary import Row, Target
from bench.peers.measurement import Measurement


@dataclass(frozen=True, slots=True)
class Context:
    """Everything about the invocation that a reader needs to trust the figures."""

    started_at: datetime
    records: int
    partitions: int
    invalid_share: float
    duplicate_share: float
    seed: int
    compression: str
    simulated_days: float
    runs: int
    naive_limit: int
    exit_when_idle_s: float
    batch_max_records: int
    batch_max_age_ms: int
    batch_min_age_ms: int
    mean_value_bytes: float | None
    machine: dict[str, Any]
    simulated_start: datetime | None = None  # None: the simulated days end now


def _header(ctx: Context) -> list[str]:
    size = f", values {ctx.mean_value_bytes:,.0f} bytes on average" if ctx.mean_value_bytes else ""
    return [
        f"# Consumer benchmark, {ctx.started_at:%Y-%m-%d %H:%M} UTC",
        "",
        f"{ctx.records:,} records pre-loaded once on a {ctx.partitions}-partition topic by "
        f"`python -m producer --seed {ctx.seed}` ({_period(ctx)}, "
        f"{ctx.invalid_share:.0%} invalid records of every defect kind, "
        f"{ctx.duplicate_share:.0%} exact duplicates, compression `{ctx.compression}`{size}). "
        f"{ctx.runs} run(s); in each run every contender drains the same topic in turn, "
        "the order rotating from run to run. Figures are medians over the runs; "
        '"vs raw" is the median of each run\'s ratio to raw consumption in that same run.',
        "",
        machine_line(ctx.machine) + " "
        f"Pulse batches: at most {ctx.batch_max_records:,} records or "
        f"{ctx.batch_max_age_ms} ms, written from {ctx.batch_min_age_ms} ms when the writer "
        "is free.",
        "",
    ]


def _period(ctx: Context) -> str:
    if ctx.simulated_start is None:
        return f"{ctx.simulated_days:g} simulated days ending at the run"
    return (
        f"{ctx.simulated_days:.1f} simulated days from {ctx.simulated_start:%Y-%m-%d %H:%M} UTC, "
        "just after the filled database's newest fact: no event is late for its history"
    )


def _main_table(rows: Sequence[Row]) -> list[str]:
    lines = [
        "| contender | events/s (median) | min-max | vs raw | CPU s / 1k events "
        "| broker CPU s / 1k | PostgreSQL CPU s / 1k | peak RSS |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        flag = (
            "" if row.complete_runs == row.runs else f" ({row.complete_runs}/{row.runs} complete)"
        )
        lines.append(
            f"| {row.contender}{flag} | {cells.rate(row.events_per_s)} "
            f"| {cells.rate(row.min_events_per_s)}-{cells.rate(row.max_events_per_s)} "
            f"| {cells.percent(row.ratio_to_raw)} | {cells.cpu(row.cpu_per_1k_s)} "
            f"| {cells.cpu(row.broker_cpu_per_1k_s)} | {cells.cpu(row.postgres_cpu_per_1k_s)} "
            f"| {cells.mib(row.peak_rss_bytes)} |"
        )
    return [*lines, ""]


def _runs(measurements: Sequence[Measurement]) -> list[str]:
    lines = [
        "## Every measurement",
        "",
        "| run | contender | records | seconds | events/s | CPU s: contender | broker "
        "| PostgreSQL | rest of the machine | note |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for m in measurements:
        lines.append(
            f"| {m.run} | {m.contender} | {m.records:,} | {m.seconds:.1f} "
            f"| {cells.rate(m.events_per_s)} | {m.cpu_s:.1f} | {cells.seconds(m.broker_cpu_s)} "
            f"| {cells.seconds(m.postgres_cpu_s)} | {cells.seconds(cells.others_cpu_s(m))} "
            f"| {m.note} |"
        )
    return [*lines, ""]


_NOTES = [
    "## How to read it",
    "",
    "- Raw and Pulse are timed from process start (interpreter start-up, migrations and "
    "the consumer-group join included) to their last record (raw) or last database commit "
    "(Pulse, from `pulse_last_commit_timestamp_seconds`); Pulse's 2 s idle wait before "
    "exiting is not included.",
    "- The naive consumer is timed from its first record to its last commit, over the first "
    "records only: at its rate a full drain would take far too long. Its rate is "
    "extrapolated to the whole topic.",
    "- CPU s / 1k events: the contender's process over its whole life, per 1,000 records it "
    "handled. Broker: the whole broker process during the same time. PostgreSQL: the "
    "backends of the contender's own database plus the server's shared background "
    "processes (WAL writer, checkpointer, ...). The broker also serves whatever else runs "
    'on the machine. "Rest of the machine" is the CPU time every other process used '
    "meanwhile: on a 2-core machine it is taken from the contenders.",
    "",
]


def render(
    ctx: Context,
    rows: Sequence[Row],
    measurements: Sequence[Measurement],
    targets: Sequence[Target],
    *,
    ceiling: str,
    profile: str | None = None,
) -> str:
    pulse_names = [r.contender for r in rows if r.contender.startswith("Pulse")]
    lines = [
        *_header(ctx),
        *_main_table(rows),
        *targets_section(targets, rows, measurements, ceiling),
        *memory(measurements),
        *time_split(measurements, pulse_names, ctx.machine.get("cores")),
        *grown_database(rows),
    ]
    if profile:
        lines += ["## Profile of Pulse with every aggregate (py-spy per thread, separate run)",
                  "", "```",
                  profile.rstrip(), "```", ""]  # fmt: skip
    lines += [*_runs(measurements), *_NOTES]
    return "\n".join(lines)


def write(
    results_dir: Path,
    *,
    ctx: Context,
    markdown: str,
    rows: Sequence[Row],
    measurements: Sequence[Measurement],
    targets: Sequence[Target],
    extra: dict[str, Any],
) -> tuple[Path, Path]:
    """`<UTC date-time>-consumer.md` and `.json` in results_dir; returns both paths."""
    by_name = {row.contender: row for row in rows}
    payload = {
        "context": asdict(ctx) | {"started_at": ctx.started_at.isoformat()},
        "summary": [asdict(row) for row in rows],
        "targets": [asdict(t) | {"passed": t.passed(by_name.get(t.contender))} for t in targets],
        "measurements": [asdict(m) | {"events_per_s": m.events_per_s} for m in measurements],
        **extra,
    }
    return write_results(
        results_dir, name="consumer", started_at=ctx.started_at, markdown=markdown,
        payload=payload,
    )  # fmt: skip
