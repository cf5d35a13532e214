"""Where every benchmark's report goes: `bench/results/<UTC time>-<name>.md` with its JSON
(machine details included) next to it, and the pieces of text every report shares."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

RESULTS_DIR = Path(__file__).resolve().parents[1] / "results"  # bench/results


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
