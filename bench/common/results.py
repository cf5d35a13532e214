"""What the freshness, scale and query benchmarks share: percentiles, the machine line of
a report, and writing `bench/results/<UTC time>-<name>.md` with its JSON (machine details
included) next to it."""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import psycopg
from kafka.errors import KafkaError

from consumer.errors import PulseError

RESULTS_DIR = Path(__file__).resolve().parents[1] / "results"  # bench/results


def percentile(values: Sequence[float], p: float) -> float | None:
    """The p-th percentile (0-100) by linear interpolation between closest ranks."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def machine_line(machine: dict[str, Any]) -> str:
    postgres = str(machine.get("postgresql", {}).get("version", "?")).split(" on ")[0]
    return (
        f"Machine: {machine.get('cpu_model')}, {machine.get('cores')} cores, "
        f"{(machine.get('memory_bytes') or 0) / 1024**3:.0f} GiB; Kafka {machine.get('kafka')} "
        f"and {postgres} on the same machine; Python {machine.get('python')}."
    )


def write_results(
    results_dir: Path,
    *,
    name: str,
    started_at: datetime,
    markdown: str,
    payload: dict[str, Any],
) -> tuple[Path, Path]:
    """`<UTC date-time>-<name>.md` and `.json` in results_dir; returns both paths."""
    results_dir.mkdir(parents=True, exist_ok=True)
    stem = results_dir / f"{started_at:%Y-%m-%dT%H%M%SZ}-{name}"
    md_path, json_path = stem.with_suffix(".md"), stem.with_suffix(".json")
    md_path.write_text(markdown + "\n", encoding="utf-8")
    json_path.write_text(json.dumps(payload, indent=2, default=str) + "\n", encoding="utf-8")
    return md_path, json_path


def ms(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds * 1000:,.1f}"


def run_reporting_errors(bench: Callable[[], int]) -> int:
    """Runs a benchmark; bad settings or a service that is down end it with one line
    on stderr and exit code 1, not a traceback."""
    try:
        return bench()
    except (PulseError, KafkaError, psycopg.OperationalError) as exc:
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(f"error: {detail}{_hint(exc)}", file=sys.stderr)
        return 1


def _hint(exc: Exception) -> str:
    if isinstance(exc, KafkaError):
        return " (is Kafka up, `make up`, and KAFKA_BOOTSTRAP_SERVERS right?)"
    if isinstance(exc, psycopg.OperationalError):
        return " (is PostgreSQL up, `make up`, and MIGRATIONS_DATABASE_URL right?)"
    return ""
