"""`python -m consumer reconcile` after each fault scenario: a plain run, duplicates, late
events, SIGKILL and restart, two consumers with one leaving; and that it does report drift
(exit 1) when an aggregate is wrong."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import pytest

from tests.commands import consumer_command, unique_group
from tests.databases import scratch_database
from tests.integration import activity, harness, reference

pytestmark = pytest.mark.integration


def _reconcile(database_url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        consumer_command("reconcile", database_url=database_url),
        cwd=harness.REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _assert_exact(database_url: str) -> str:
    result = _reconcile(database_url)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "all aggregates match the facts" in result.stdout
    return result.stdout


def _common(kafka: str, database_url: str, topic: str, dlq: str, tmp_path: Path) -> dict[str, Any]:
    return {
        "bootstrap": kafka,
        "database_url": database_url,
        "topic": topic,
        "dlq_topic": dlq,
        "group": unique_group(),
        "log_dir": tmp_path,
    }


def test_exact_after_a_plain_run(
    kafka_bootstrap: str, database_url: str, topic_factory: Callable[..., str], tmp_path: Path
) -> None:
    topic, dlq = topic_factory("events", 3), topic_factory("dlq", 1)
    simulation = activity.simulate(31, sessions=600, late_share=0.0, resend_share=0.0)
    harness.produce(kafka_bootstrap, topic, simulation.records())
    harness.run_consumer_to_idle(**_common(kafka_bootstrap, database_url, topic, dlq, tmp_path))

    report = _assert_exact(database_url)
    for table in ("user_history", "event_counts_per_minute", "session_funnels"):
        assert table in report


def test_exact_after_duplicates_and_late_events(
    kafka_bootstrap: str, database_url: str, topic_factory: Callable[..., str], tmp_path: Path
) -> None:
    topic, dlq = topic_factory("events", 3), topic_factory("dlq", 1)
    simulation = activity.simulate(32, sessions=800, late_share=0.1, resend_share=0.1)
    records = simulation.records()
    common = _common(kafka_bootstrap, database_url, topic, dlq, tmp_path)
    harness.produce(kafka_bootstrap, topic, records[: len(records) // 2])
    harness.run_consumer_to_idle(**common)
    # The second half, then a re-send of a third of everything: late and duplicate events
    # arriving after their neighbours were committed.
    harness.produce(kafka_bootstrap, topic, records[len(records) // 2 :] + records[::3])
    harness.run_consumer_to_idle(**common)

    assert harness.fact_count(database_url) == simulation.unique_events
    _assert_exact(database_url)


def test_drift_is_reported_with_exit_1(database_url: str) -> None:
    activity.write_directly(database_url, activity.simulate(33, sessions=150).events)
    with psycopg.connect(database_url) as conn:
        conn.execute(
            "update event_counts_per_hour set event_count = event_count + 1"
            " where hour_at = (select min(hour_at) from event_counts_per_hour)"
        )
        conn.execute(
            "delete from session_funnels where session_id in"
            " (select session_id from session_funnels order by session_id limit 2)"
        )
        conn.execute(
            "update user_history set city = 'Atlantis'"
            " where (user_id, valid_from) in (select user_id, min(valid_from) from user_history"
            " group by user_id order by user_id limit 1)"
        )

    result = _reconcile(database_url)

    assert result.returncode == 1, result.stdout
    lines = {line.split()[0]: line.split()[1:] for line in result.stdout.splitlines() if line}
    hours = int(lines["event_counts_per_hour"][1])
    assert hours >= 2  # the stored row and the recomputed one both show up
    assert int(lines["session_funnels"][1]) == 2
    # The daily funnels are reconciled against the sessions (exact under retention), so
    # the sessions' lost rows show there too: their days' stored counts no longer agree.
    assert int(lines["daily_session_funnels"][1]) >= 1
    assert int(lines["user_history"][1]) == 2
    assert int(lines["user_daily_activity"][1]) == 0
    assert "Atlantis" in result.stdout
    assert "drifting rows in 4 aggregates" in result.stdout


def test_an_unmigrated_database_is_a_clear_error(database_url: str) -> None:
    result = _reconcile(database_url)
    assert result.returncode == 1
    assert "python -m consumer migrate" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_exact_after_sigkill_and_restart_and_equal_to_a_clean_run(
    kafka_bootstrap: str,
    database_url: str,
    admin_database_url: str,
    topic_factory: Callable[..., str],
    tmp_path: Path,
) -> None:
    topic, dlq = topic_factory("events", 3), topic_factory("dlq", 1)
    simulation = activity.simulate(34, users=300, sessions=6000)
    harness.produce(kafka_bootstrap, topic, simulation.records())
    common = _common(kafka_bootstrap, database_url, topic, dlq, tmp_path)
    for threshold in (3_000, 15_000, 30_000):
        victim = harness.start_consumer(**common, exit_when_idle_s=None)
        harness.wait_for(
            lambda t=threshold: harness.fact_count(database_url) >= t, 120, f"{threshold} facts"
        )
        victim.kill()
    harness.run_consumer_to_idle(**common)

    _assert_exact(database_url)
    with scratch_database(admin_database_url, "pulse_ref") as clean:
        harness.run_consumer_to_idle(**_common(kafka_bootstrap, clean, topic, dlq, tmp_path))
        assert reference.stored_aggregates(database_url) == reference.stored_aggregates(clean)


@pytest.mark.slow
def test_exact_after_two_consumers_one_leaving_mid_run(
    kafka_bootstrap: str, database_url: str, topic_factory: Callable[..., str], tmp_path: Path
) -> None:
    topic, dlq = topic_factory("events", 6), topic_factory("dlq", 1)
    simulation = activity.simulate(35, users=300, sessions=6000, late_share=0.05)
    harness.produce(kafka_bootstrap, topic, simulation.records())
    common = _common(kafka_bootstrap, database_url, topic, dlq, tmp_path)
    leaver = harness.start_consumer(**common, exit_when_idle_s=None)
    stayer = harness.start_consumer(**common, exit_when_idle_s=4.0)
    harness.wait_for(lambda: harness.fact_count(database_url) >= 10_000, 120, "10000 facts")
    leaver.terminate()
    assert leaver.wait(30) == 0, leaver.log()[-3000:]
    assert stayer.wait(180) == 0, stayer.log()[-3000:]

    assert harness.fact_count(database_url) == simulation.unique_events
    _assert_exact(database_url)
