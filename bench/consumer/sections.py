"""The analysis sections of the consumer benchmark's report: the targets and the figures
that put them in context, memory as the drain progresses, and where Pulse's time goes."""

from __future__ import annotations

import statistics
from collections.abc import Sequence

from bench.consumer import cells
from bench.consumer.summary import Row, Target, median_measurement
from bench.peers.measurement import Measurement


def targets_section(
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
        shown = cells.percent(value) if target.min_ratio_to_raw is not None else cells.rate(value)
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
            and (others := cells.others_cpu_s(m)) is not None
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


def memory(measurements: Sequence[Measurement]) -> list[str]:
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
        at = " | ".join(cells.mib(m.rss_at_percent.get(p)) for p in (25, 50, 75, 100))
        lines.append(f"| {m.contender} | {m.run} | {at} | {cells.mib(m.peak_rss_bytes)} |")
    return [*lines, ""]


def time_split(
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
        others = cells.others_cpu_s(m)
        parts = [m.cpu_s, m.postgres_cpu_s or 0.0, m.broker_cpu_s or 0.0, others or 0.0]
        lines.append(
            f"| {name} | {m.seconds:.1f} "
            f"| {'-' if not isinstance(first, float) else f'{first:.1f}'} "
            f"| {cells.percent(db_s / m.seconds if isinstance(db_s, float) else None)} "
            f"| {m.cpu_s / life:.2f} | {cells.per(m.postgres_cpu_s, life)} "
            f"| {cells.per(m.broker_cpu_s, life)} | {cells.per(others, life)} "
            f"| {sum(parts) / life:.2f} |"
        )
        shown = True
    return [*lines, ""] if shown else []


def grown_database(rows: Sequence[Row]) -> list[str]:
    """Markdown lines: each Pulse configuration on an empty database beside the same on a
    filled one (`--filled-database`), same topic, same invocation; none if not run."""
    by_name = {row.contender: row for row in rows}
    pairs = [
        (by_name[row.contender.partition(", on ")[0]], row)
        for row in rows
        if ", on " in row.contender and row.contender.partition(", on ")[0] in by_name
    ]
    if not pairs:
        return []
    lines = [
        "## On an empty database and on a filled one (issue 17)",
        "",
        "The same topic drained into a fresh database and into a copy of one already "
        "holding facts. The target: PostgreSQL's CPU per 1,000 facts within 15 % of the "
        "empty database's. Full-page images: pages the run wrote whole to the WAL, per "
        "1,000 records (the first change of each page after a checkpoint; the copy of the "
        "filled database checkpoints just before its run).",
        "",
        "| Pulse configuration | events/s empty | events/s filled | PostgreSQL CPU s / 1k "
        "empty | filled | change | full-page images / 1k empty | filled |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for empty, filled in pairs:
        before, after = empty.postgres_cpu_per_1k_s, filled.postgres_cpu_per_1k_s
        change = f"{after / before - 1:+.0%}" if before and after else "-"
        lines.append(
            f"| {filled.contender} | {empty.events_per_s:,.0f} | {filled.events_per_s:,.0f} "
            f"| {cells.cpu(before)} | {cells.cpu(after)} | {change} "
            f"| {cells.count(empty.wal_full_page_images_per_1k)} "
            f"| {cells.count(filled.wal_full_page_images_per_1k)} |"
        )
    return [*lines, ""]
