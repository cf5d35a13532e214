"""The consumer benchmark runs end to end on a tiny topic and writes its report with
every contender in it. No figure is checked: benchmarks are never tests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.peers.contenders import NOT_QUICK, contenders_by_key

pytestmark = [pytest.mark.integration, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]


def test_bench_writes_a_report_with_every_contender(
    kafka_bootstrap: str, admin_database_url: str, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
        "DATABASE_URL": admin_database_url,
    }
    command = [
        sys.executable, "-m", "bench.consumer", "--quick",
        "--events", "3000", "--runs", "1", "--naive-limit", "500",
        "--results-dir", str(tmp_path),
    ]  # fmt: skip
    done = subprocess.run(
        command, cwd=REPO, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]

    reports = list(tmp_path.glob("*-consumer.md"))
    assert len(reports) == 1
    markdown = reports[0].read_text(encoding="utf-8")
    # --quick leaves out the peers whose jars Maven would have to fetch (Kafka Connect).
    names = {c.name for key, c in contenders_by_key().items() if key not in NOT_QUICK}
    for name in names:
        assert f"| {name} |" in markdown
    assert markdown.strip() in done.stdout

    data = json.loads(reports[0].with_suffix(".json").read_text(encoding="utf-8"))
    assert {m["contender"] for m in data["measurements"]} == names
    assert all(m["complete"] for m in data["measurements"]), data["measurements"]
    machine = data["context"]["machine"]
    assert machine["cores"]
    assert machine["postgresql"]["version"].startswith("PostgreSQL")
