"""The query benchmark runs end to end on a tiny database and writes its report. No
figure is checked: benchmarks are never tests. (The freshness and scale benchmarks have
no test here: even on tiny inputs they take over 30 s, consumer start-up and group
rebalances included.)"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]


def _run(module: str, *args: str, kafka: str, database_url: str, out: Path) -> str:
    env = {
        **os.environ,
        "KAFKA_BOOTSTRAP_SERVERS": kafka,
        "DATABASE_URL": database_url,
        "MIGRATIONS_DATABASE_URL": database_url,  # the benchmark creates databases with it
    }
    command = [sys.executable, "-m", module, *args, "--results-dir", str(out)]
    done = subprocess.run(
        command, cwd=REPO, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _report(out: Path, name: str) -> tuple[str, dict[str, Any]]:
    reports = list(out.glob(f"*-{name}.md"))
    assert len(reports) == 1
    data = json.loads(reports[0].with_suffix(".json").read_text(encoding="utf-8"))
    assert data["machine"]["postgresql"]["version"].startswith("PostgreSQL")
    return reports[0].read_text(encoding="utf-8"), data


def test_query_bench_times_every_example_query(
    kafka_bootstrap: str, admin_database_url: str, tmp_path: Path
) -> None:
    args = ("--facts", "3000", "--runs", "2", "--warmup", "1")
    stdout = _run("bench.query", *args, kafka=kafka_bootstrap,
                  database_url=admin_database_url, out=tmp_path)  # fmt: skip

    markdown, data = _report(tmp_path, "queries")
    assert markdown.strip() in stdout
    queries = sorted(p.stem for p in (REPO / "sql" / "queries").glob("*.sql"))
    assert sorted(data["queries"]) == queries
    assert all(len(q["seconds"]) == 2 for q in data["queries"].values())
    assert data["facts"] == data["fill"]["facts"] == 3000
    # The HTTP API was asked for every query's endpoint as often (bench/query/api_latency.py).
    assert "## HTTP API" in markdown
    assert set(queries) <= set(data["endpoints"])
    assert all(len(e["seconds"]) == 2 for e in data["endpoints"].values())
