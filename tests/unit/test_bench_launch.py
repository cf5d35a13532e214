"""The one launcher of the consumer benchmark's contenders (bench/peers/launch.py), with
real child processes: what it hands back of the child's JSON line and of the process, and
that a child still running at the workload's time limit is stopped."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from bench.peers.launch import launch
from bench.peers.measurement import Workload
from pulse.settings import Settings


def _workload(tmp_path: Path, *, max_seconds: float = 60.0) -> Workload:
    return Workload(
        settings=Settings(),
        topic="unused",
        partitions=1,
        records=3,
        admin_database_url="postgresql://unused@127.0.0.1/unused",
        workdir=tmp_path,
        max_seconds=max_seconds,
    )


def _python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def test_the_json_line_the_log_and_the_process_figures_reach_the_measurement(
    tmp_path: Path,
) -> None:
    child = (
        "import json, sys; print('started', file=sys.stderr); "
        "print('not the result'); print(json.dumps({'records': 3, 'done_at': 1.0}))"
    )
    launched = launch(
        _python(child), _workload(tmp_path), stem=tmp_path / "peer-1", database=None, expected=3
    )

    assert launched.result() == {"records": 3, "done_at": 1.0}
    assert launched.log == tmp_path / "peer-1.log"
    assert launched.log_tail() == "started"
    measurement = launched.measurement(
        "peer", 1, records=3, seconds=1.5, complete=True, note="", details={"own": 7}
    )
    assert measurement.contender == "peer"
    assert measurement.events_per_s == 2.0
    assert measurement.cpu_s == launched.child.cpu_s > 0
    assert measurement.peak_rss_bytes > 0
    # Without a database the contender is not charged PostgreSQL's CPU, and its details
    # carry no PostgreSQL figure; its own details come first, the process's after.
    assert measurement.postgres_cpu_s is None
    assert list(measurement.details) == [
        "own", "machine_busy_s", "process_s", "exit_code", "stopped_because",
    ]  # fmt: skip
    assert measurement.details["exit_code"] == 0
    assert measurement.details["stopped_because"] is None


def test_a_child_with_a_database_is_charged_postgres_and_may_report_its_own_cpu(
    tmp_path: Path,
) -> None:
    launched = launch(
        _python("pass"), _workload(tmp_path), stem=tmp_path / "db-1", database="db", expected=1
    )

    measurement = launched.measurement(
        "peer", 1, records=0, seconds=0.0, complete=False, note="x", details={}, cpu_s=12.5
    )
    assert launched.result() is None  # it printed nothing
    assert measurement.cpu_s == 12.5
    assert measurement.postgres_cpu_s is not None
    assert "postgres_server_cpu_s" in measurement.details


@pytest.mark.slow
def test_a_child_still_running_at_the_time_limit_is_stopped(tmp_path: Path) -> None:
    workload = _workload(tmp_path, max_seconds=1.0)
    launched = launch(
        _python("import time; time.sleep(60)"),
        workload,
        stem=tmp_path / "slow-1",
        database=None,
        expected=1,
    )

    assert launched.child.stopped_because == "still running after 1 s"
    assert launched.child.exit_code != 0
    assert launched.child.ended_at - launched.child.spawned_at < 30
