"""Summarizes the per-thread cProfile files of a profiled Pulse run (see bench/common/profiled.py):
where each busy thread spends its time. py-spy and pyinstrument are not installed here;
cProfile ships with Python but slows Python-heavy code down, so the profiled run is never
one of the measured ones and its shares, not its seconds, are what to read."""

from __future__ import annotations

import io
import pstats
from pathlib import Path

_MIN_THREAD_S = 0.5  # threads that spent less than this are left out


def _table(stats: pstats.Stats, out: io.StringIO, limit: int) -> str:
    out.seek(0)
    out.truncate()
    stats.print_stats(limit)
    lines = out.getvalue().splitlines()
    # Keep the column header and the rows; drop pstats' preamble (file, totals, order).
    start = next((i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls")), 0)
    return "\n".join(line for line in lines[start:] if line.strip())


def top_functions(stats_dir: Path, *, limit: int = 20) -> str:
    """For the main thread, then every other thread by total time: the `limit` functions
    with the most time of their own, and the `limit` with the most cumulative time."""
    parts: list[str] = []
    files = sorted(stats_dir.glob("*.prof"), key=lambda p: (p.stem != "main", p.stem))
    for path in files:
        out = io.StringIO()
        stats = pstats.Stats(str(path), stream=out)
        total_s = float(getattr(stats, "total_tt", 0.0))
        if total_s < _MIN_THREAD_S:
            continue
        stats.strip_dirs()
        parts.append(f"thread {path.stem}: {total_s:.1f} s profiled")
        parts.append("by own time:")
        parts.append(_table(stats.sort_stats(pstats.SortKey.TIME), out, limit))
        parts.append("by cumulative time:")
        parts.append(_table(stats.sort_stats(pstats.SortKey.CUMULATIVE), out, limit))
        parts.append("")
    return "\n".join(parts)
