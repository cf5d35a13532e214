"""Renders a consumer benchmark's JSON (bench/results/*-consumer.json) as a PNG bar chart:
events/s per contender (median, with the min-max of its runs) and its ratio to raw.

    python -m bench.consumer.chart bench/results/<stamp>-consumer.json -o docs/benchmarks.png
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display here or in CI; must precede pyplot's import
import matplotlib.pyplot as plt


def _rows(payload: dict[str, Any]) -> list[dict[str, Any]]:
    rows = [row for row in payload.get("summary", []) if row.get("complete_runs")]
    if not rows:
        raise ValueError("the results file has no contender with a complete run")
    return sorted(rows, key=lambda row: row["events_per_s"])


def _label(row: dict[str, Any]) -> str:
    ratio = row.get("ratio_to_raw")
    return f"{row['events_per_s']:,.0f}/s" + (f"  ({ratio:.0%} of raw)" if ratio else "")


def _title(payload: dict[str, Any]) -> str:
    ctx = payload.get("context", {})
    machine = ctx.get("machine", {})
    cpu = machine.get("cpu_model") or "unknown CPU"
    cores = machine.get("cores") or "?"
    return (
        f"Draining {ctx.get('records', 0):,} events ({ctx.get('partitions', '?')} partitions), "
        f"median of {ctx.get('runs', '?')} runs\n{cpu}, {cores} cores, {ctx.get('started_at', '')}"
    )


def render(payload: dict[str, Any], out: Path) -> Path:
    """Write the chart to `out` (PNG) and return it."""
    rows = _rows(payload)
    names = [row["contender"] for row in rows]
    medians = [row["events_per_s"] for row in rows]
    low = [row["events_per_s"] - row["min_events_per_s"] for row in rows]
    high = [row["max_events_per_s"] - row["events_per_s"] for row in rows]
    fig, ax = plt.subplots(figsize=(9, 0.7 * len(rows) + 1.8))
    bars = ax.barh(names, medians, xerr=[low, high], color="#3b7dd8", capsize=3)
    ax.bar_label(bars, labels=[_label(row) for row in rows], padding=6, fontsize=9)
    ax.set_xlabel("events per second (higher is better)")
    ax.set_xlim(0, max(row["max_events_per_s"] for row in rows) * 1.45)
    ax.set_title(_title(payload), fontsize=9)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=120)
    plt.close(fig)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.consumer.chart", description=__doc__)
    parser.add_argument("results", type=Path, help="a *-consumer.json from bench/results/")
    parser.add_argument("-o", "--out", type=Path, default=Path("docs/benchmarks.png"))
    args = parser.parse_args(argv)
    try:
        payload = json.loads(args.results.read_text(encoding="utf-8"))
        print(f"written: {render(payload, args.out)}")
    except (OSError, ValueError, KeyError) as exc:
        print(f"cannot chart {args.results}: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
