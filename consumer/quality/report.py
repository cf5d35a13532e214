"""The `consumer check` report: one table of checks, one of row counts with their deltas
since the previous stored run, and a verdict line."""

from __future__ import annotations

from collections.abc import Sequence

from consumer.quality.checks import DROPPED_FACTS, FACTS, MAY_SHRINK, QualityRun


def format_report(run: QualityRun) -> str:
    checks = [
        (r.check, r.table, str(r.checked_rows), str(r.failing_rows), "ok" if r.passed else "FAIL")
        for r in run.checks
    ]
    counts = []
    for count in run.counts:
        shrunk = run.count_check(count).failing_rows
        since = "" if count.previous_at is None else count.previous_at.strftime("%Y-%m-%d %H:%M:%S")
        delta = "" if count.delta is None else f"{count.delta:+d}"
        verdict = "FAIL (shrank)" if shrunk else "ok"
        if count.table in MAY_SHRINK and count.delta is not None and count.delta < 0:
            verdict = "ok (may shrink)"
        elif count.table == FACTS and not shrunk and (count.delta or 0) < 0:
            verdict = f"ok (retention: see {DROPPED_FACTS})"
        counts.append((count.table, str(count.rows), delta, since, verdict))
    lines = _table(("check", "table", "checked", "failing", "result"), checks, right=(2, 3))
    lines.append("")
    lines += _table(
        ("table", "rows", "delta", "previous run (UTC)", "result"), counts, right=(1, 2)
    )
    failed = run.failed
    lines.append("")
    if failed:
        names = ", ".join(f"{r.check} on {r.table}" for r in failed)
        lines.append(f"{len(failed)} of {len(run.results)} checks failed: {names}")
    else:
        lines.append(f"all {len(run.results)} checks passed ({run.duration_s:.2f} s)")
    return "\n".join(lines)


def _table(
    header: tuple[str, ...], rows: Sequence[tuple[str, ...]], *, right: tuple[int, ...]
) -> list[str]:
    widths = [max(len(line[i]) for line in [header, *rows]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            cell.rjust(width) if i in right else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return [line(header), "  ".join("-" * w for w in widths), *(line(row) for row in rows)]
