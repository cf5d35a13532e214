"""Renders a benchmark as Markdown (printed and written to bench/results/) and writes the
full data, machine details included, as JSON next to it."""

from __future__ import annotations

import json
import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.consumer.summary import Row, Target, median_measurement
from bench.peers.measurement import Measurement

_MIB = 1024 * 1024


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
    mean_value_bytes: float | None
    machine: dict[str, Any]


def _rate(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}"


def _cpu(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _mib(value: int | None) -> str:
    return "-" if value is None else f"{value / _MIB:,.0f} MiB"


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _others_cpu_s(m: Measurement) -> float | None:
    """CPU seconds the rest of the machine (other users, other databases) spent while
    `m` ran: all busy CPU time minus what the contender, broker and PostgreSQL used."""
    busy = m.details.get("machine_busy_s")
    if not isinstance(busy, float):
        return None
    return max(busy - m.cpu_s - (m.broker_cpu_s or 0.0) - (m.postgres_cpu_s or 0.0), 0.0)


def _header(ctx: Context) -> list[str]:
    machine = ctx.machine
    postgres = str(machine.get("postgresql", {}).get("version", "?")).split(" on ")[0]
    size = f", values {ctx.mean_value_bytes:,.0f} bytes on average" if ctx.mean_value_bytes else ""
    return [
        f"# Consumer benchmark, {ctx.started_at:%Y-%m-%d %H:%M} UTC",
        "",
        f"{ctx.records:,} records pre-loaded once on a {ctx.partitions}-partition topic by "
        f"`python -m producer --seed {ctx.seed}` ({ctx.simulated_days:g} simulated days, "
        f"{ctx.invalid_share:.0%} invalid records of every defect kind, "
        f"{ctx.duplicate_share:.0%} exact duplicates, compression `{ctx.compression}`{size}). "
        f"{ctx.runs} run(s); in each run every contender drains the same topic in turn, "
        "the order rotating from run to run. Figures are medians over the runs; "
        '"vs raw" is the median of each run\'s ratio to raw consumption in that same run.',
        "",
        f"Machine: {machine.get('cpu_model')}, {machine.get('cores')} cores, "
        f"{(machine.get('memory_bytes') or 0) / 1024**3:.0f} GiB; Kafka {machine.get('kafka')} "
        f"and {postgres} on the same machine; Python {machine.get('python')}. "
        f"Pulse batches: at most {ctx.batch_max_records:,} records or "
        f"{ctx.batch_max_age_ms} ms.",
        "",
    ]


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
            f"| {row.contender}{flag} | {_rate(row.events_per_s)} "
            f"| {_rate(row.min_events_per_s)}-{_rate(row.max_events_per_s)} "
            f"| {_percent(row.ratio_to_raw)} | {_cpu(row.cpu_per_1k_s)} "
            f"| {_cpu(row.broker_cpu_per_1k_s)} | {_cpu(row.postgres_cpu_per_1k_s)} "
            f"| {_mib(row.peak_rss_bytes)} |"
        )
    return [*lines, ""]


def _targets(
    targets: Sequence[Target],
    rows: Sequence[Row],
    measurements: Sequence[Measurement],
    ceiling: str,
) -> list[str]:
    by_name = {row.contender: row for row in rows}
    lines = ["## Targets", "", "| target | measured | result |", "| --- | ---: | --- |"]
    for target in targets:
        row = by_name.get(target.contender)
        value = target.measured(row)
        shown = _percent(value) if target.min_ratio_to_raw is not None else _rate(value)
        verdict = {True: "**PASS**", False: "**FAIL**", None: "not measured"}[target.passed(row)]
        lines.append(f"| {target.contender}: {target.label} | {shown} | {verdict} |")
    return [*lines, "", *_context_of_targets(targets, rows, measurements, ceiling)]


def _context_of_targets(
    targets: Sequence[Target],
    rows: Sequence[Row],
    measurements: Sequence[Measurement],
    ceiling: str,
) -> list[str]:
    """Two figures that the machine's noise moves least: work per CPU second of the
    contender's own process, and how much CPU everything else on the machine took."""
    by_name = {row.contender: row for row in rows}
    raw = by_name.get(ceiling)
    lines = []
    for name in dict.fromkeys(t.contender for t in targets):
        row = by_name.get(name)
        if raw is None or row is None or not raw.cpu_per_1k_s or not row.cpu_per_1k_s:
            continue
        mine, theirs = 1000 / row.cpu_per_1k_s, 1000 / raw.cpu_per_1k_s
        lines.append(
            f"Per CPU second of its own process, {name} handles {mine:,.0f} events and raw "
            f"consumption {theirs:,.0f}: {mine / theirs:.0%}, a ratio that other load on "
            "the machine moves far less than the wall-clock one."
        )
        busy = [
            others / life
            for m in measurements
            if m.contender == name
            and (others := _others_cpu_s(m)) is not None
            and isinstance(life := m.details.get("process_s"), float)
            and life > 0
        ]
        if busy:
            lines.append(
                f"While {name} ran, the rest of the machine used {statistics.median(busy):.2f} "
                "CPU s per wall second (median): that much of the cores was not available to "
                "the consumer, the broker and PostgreSQL."
            )
    return [" ".join(lines), ""] if lines else []


def _memory(measurements: Sequence[Measurement]) -> list[str]:
    tracked = [m for m in measurements if m.rss_at_percent]
    if not tracked:
        return []
    lines = [
        "## Memory as the drain progresses",
        "",
        "Resident set size of the consumer process when 25/50/75/100 % of the records "
        "were committed (sampled every 0.5 s), and its peak over the whole run.",
        "",
        "| contender | run | 25 % | 50 % | 75 % | 100 % | peak |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for m in tracked:
        cells = " | ".join(_mib(m.rss_at_percent.get(p)) for p in (25, 50, 75, 100))
        lines.append(f"| {m.contender} | {m.run} | {cells} | {_mib(m.peak_rss_bytes)} |")
    return [*lines, ""]


def _time_split(
    measurements: Sequence[Measurement], names: Sequence[str], cores: int | None
) -> list[str]:
    lines = [
        "## Where Pulse's time goes",
        "",
        "For the median run of each. Pulse polls and validates on its main thread while a "
        'writer thread runs the PostgreSQL transaction of the batch before. "DB busy" is '
        "the share of the wall time the writer spent inside transactions (near 100 %: "
        "PostgreSQL sets the pace). The CPU columns are CPU seconds per wall second over "
        f"the consumer's life: a consumer near 1.0 is bound by its own (GIL-bound) process; "
        f"a total near {cores or '?'} (the cores) means the machine is saturated.",
        "",
        "| contender | wall s | first commit seen at s | DB busy | CPU: consumer "
        "| PostgreSQL | broker | rest of the machine | total |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    shown = False
    for name in names:
        m = median_measurement(measurements, name)
        life = m.details.get("process_s") if m else None
        if m is None or m.seconds <= 0 or not isinstance(life, float) or life <= 0:
            continue
        db_s = m.details.get("db_transaction_s")
        first = m.details.get("first_commit_s")
        others = _others_cpu_s(m)
        parts = [m.cpu_s, m.postgres_cpu_s or 0.0, m.broker_cpu_s or 0.0, others or 0.0]
        lines.append(
            f"| {name} | {m.seconds:.1f} "
            f"| {'-' if not isinstance(first, float) else f'{first:.1f}'} "
            f"| {_percent(db_s / m.seconds if isinstance(db_s, float) else None)} "
            f"| {m.cpu_s / life:.2f} | {_per(m.postgres_cpu_s, life)} "
            f"| {_per(m.broker_cpu_s, life)} | {_per(others, life)} | {sum(parts) / life:.2f} |"
        )
        shown = True
    return [*lines, ""] if shown else []


def _per(value: float | None, seconds: float) -> str:
    return "-" if value is None else f"{value / seconds:.2f}"


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
            f"| {_rate(m.events_per_s)} | {m.cpu_s:.1f} | {_seconds(m.broker_cpu_s)} "
            f"| {_seconds(m.postgres_cpu_s)} | {_seconds(_others_cpu_s(m))} | {m.note} |"
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
        *_targets(targets, rows, measurements, ceiling),
        *_memory(measurements),
        *_time_split(measurements, pulse_names, ctx.machine.get("cores")),
    ]
    if profile:
        lines += ["## Profile of Pulse, facts only (cProfile per thread, separate run)", "", "```",
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
    results_dir.mkdir(parents=True, exist_ok=True)
    stem = results_dir / f"{ctx.started_at:%Y-%m-%dT%H%M%SZ}-consumer"
    md_path, json_path = stem.with_suffix(".md"), stem.with_suffix(".json")
    md_path.write_text(markdown + "\n", encoding="utf-8")
    by_name = {row.contender: row for row in rows}
    payload = {
        "context": asdict(ctx) | {"started_at": ctx.started_at.isoformat()},
        "summary": [asdict(row) for row in rows],
        "targets": [asdict(t) | {"passed": t.passed(by_name.get(t.contender))} for t in targets],
        "measurements": [asdict(m) | {"events_per_s": m.events_per_s} for m in measurements],
        **extra,
    }
    json_path.write_text(json.dumps(payload, indent=2, default=str) + "\n", encoding="utf-8")
    return md_path, json_path
