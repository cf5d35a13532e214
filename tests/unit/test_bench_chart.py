"""The benchmark chart renders a real PNG from a results file and refuses an empty one."""

from __future__ import annotations

import json
from pathlib import Path

from bench.consumer import chart

_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _row(name: str, rate: float, ratio: float | None, complete: int = 3) -> dict[str, object]:
    return {
        "contender": name,
        "complete_runs": complete,
        "events_per_s": rate,
        "min_events_per_s": rate * 0.9,
        "max_events_per_s": rate * 1.1,
        "ratio_to_raw": ratio,
    }


def test_renders_a_png_of_every_complete_contender(tmp_path: Path) -> None:
    payload = {
        "context": {"records": 1000, "partitions": 3, "runs": 3, "machine": {"cores": 2}},
        "summary": [_row("raw", 80_000, 1.0), _row("pulse", 30_000, 0.37), _row("x", 1, None, 0)],
    }
    results = tmp_path / "r.json"
    results.write_text(json.dumps(payload))
    out = tmp_path / "docs" / "chart.png"
    assert chart.main([str(results), "-o", str(out)]) == 0
    assert out.read_bytes().startswith(_PNG_MAGIC)
    assert [row["contender"] for row in chart._rows(payload)] == ["pulse", "raw"]


def test_a_results_file_without_complete_runs_is_a_clear_error(tmp_path: Path) -> None:
    results = tmp_path / "r.json"
    results.write_text(json.dumps({"summary": [_row("raw", 1.0, None, complete=0)]}))
    assert chart.main([str(results), "-o", str(tmp_path / "c.png")]) == 2
    assert not (tmp_path / "c.png").exists()
