"""The calendar dimension and the data-quality checks against the real services: the
consumer fills `dim_date` and exports the checks on its /metrics; the calendar grows at
both ends without a gap and reconcile sees a missing day; `consumer check` passes on clean
data and fails, naming each check, on rows that break one."""

from __future__ import annotations

import subprocess
import sys
import urllib.request
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
from prometheus_client import CollectorRegistry
from prometheus_client.parser import text_string_to_metric_families

from consumer.quality.job import QualityJob, QualityMetrics
from consumer.store.reconcile import reconcile
from tests.databases import as_role
from tests.integration import activity, harness
from tests.integration.test_database_roles import CONSUMER_ROLE_URL

pytestmark = pytest.mark.integration

_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _consumer_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "consumer", *args],
        cwd=harness.REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _calendar(database_url: str) -> tuple[int, date, date]:
    with psycopg.connect(database_url) as conn:
        row = conn.execute(
            "select count(*), min(calendar_date), max(calendar_date) from dim_date"
        ).fetchone()
    assert row is not None
    return int(row[0]), row[1], row[2]


def _event_days(database_url: str) -> tuple[date, date]:
    with psycopg.connect(database_url) as conn:
        row = conn.execute(
            "select min((occurred_at at time zone 'UTC')::date),"
            " max((occurred_at at time zone 'UTC')::date) from events"
        ).fetchone()
    assert row is not None
    return row[0], row[1]


def _assert_calendar_covers_events(database_url: str) -> None:
    """No gap, from the first event's day through 31 December of the next year."""
    days, first, last = _calendar(database_url)
    first_event, last_event = _event_days(database_url)
    assert first == first_event
    assert last == date(last_event.year + 1, 12, 31)
    assert days == (last - first).days + 1


def _scrape(port: int) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of the consumer's /metrics; none while it does not serve yet."""
    try:
        with _NO_PROXY.open(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
            text = response.read().decode()
    except OSError:  # URLError included
        return {}
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def _event(day: datetime, **fields: Any) -> dict[str, Any]:
    return {
        "schema_version": 1,
        "event_id": str(uuid.uuid4()),
        "event_type": "login",
        "occurred_at": day.isoformat(),
        "user_id": "u-quality",
        "session_id": "s-quality",
        "device": "desktop",
        "location": {"country": "DE", "city": "Berlin"},
        **fields,
    }


def test_consumer_fills_the_calendar_and_exports_the_checks(
    kafka_bootstrap: str, database_url: str, topic_factory: Callable[..., str], tmp_path: Path
) -> None:
    topic, dlq = topic_factory("events", 3), topic_factory("dlq", 1)
    simulation = activity.simulate(41, sessions=300, days=60)
    harness.produce(kafka_bootstrap, topic, simulation.records())
    consumer = harness.start_consumer(
        bootstrap=kafka_bootstrap,
        database_url=database_url,
        topic=topic,
        dlq_topic=dlq,
        group=f"g-{uuid.uuid4().hex[:8]}",
        log_dir=tmp_path,
        exit_when_idle_s=None,
        extra=["--quality-check-interval-s", "1"],
    )
    events = ("pulse_table_rows", (("table", "events"),))
    try:
        harness.wait_for(
            lambda: _scrape(consumer.metrics_port).get(events) == simulation.unique_events,
            120,
            "the consumer's quality job to count every stored event",
        )
        metrics = _scrape(consumer.metrics_port)
    finally:
        consumer.terminate()
        consumer.wait(60)

    coverage = (("check", "dim_date_covers_events"), ("table", "dim_date"))
    assert metrics[("pulse_quality_check_failing_rows", coverage)] == 0
    assert metrics[("pulse_quality_check_checked_rows", coverage)] > 0
    failing = {k: v for k, v in metrics.items() if k[0] == "pulse_quality_check_failing_rows"}
    assert len(failing) == 50, failing  # 13 checks, 37 tables counted
    assert set(failing.values()) == {0.0}, failing
    _assert_calendar_covers_events(database_url)

    result = _consumer_cli("reconcile", "--database-url", database_url)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "dim_date" in result.stdout
    result = _consumer_cli("check", "--database-url", database_url)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "checks passed" in result.stdout.splitlines()[-1]


def test_the_calendar_grows_at_both_ends_without_a_gap(database_url: str) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    activity.write_directly(database_url, [_event(now - timedelta(days=3))])
    _assert_calendar_covers_events(database_url)
    # An older event extends the calendar backwards, a later-year one forwards.
    activity.write_directly(database_url, [_event(now - timedelta(days=200))])
    _assert_calendar_covers_events(database_url)
    activity.write_directly(database_url, [_event(now + timedelta(days=1), event_type="logout")])
    before = _calendar(database_url)
    activity.write_directly(database_url, [_event(now - timedelta(days=100))])
    assert _calendar(database_url) == before, "a covered day changed the calendar"

    with psycopg.connect(database_url, autocommit=True) as conn:
        drifts = {d.aggregate: d for d in reconcile(conn)}
        assert drifts["dim_date"].drift == 0
        assert drifts["dim_date"].rows == before[0]
        missing = (now - timedelta(days=50)).date()
        conn.execute("delete from dim_date where calendar_date = %s", (missing,))
        drift = {d.aggregate: d for d in reconcile(conn)}["dim_date"]
    assert drift.drift == 1
    assert drift.examples[0][:2] == ("recomputed only", missing)


def test_check_fails_on_each_broken_rule_and_on_a_shrinking_table(database_url: str) -> None:
    now = datetime.now(UTC)
    purchase = {"product_id": "p-1", "order_id": "o-1", "quantity": 2, "unit_price": "9.99",
                "currency": "EUR"}  # fmt: skip
    activity.write_directly(
        database_url,
        [_event(now - timedelta(days=d)) for d in range(5)]
        + [_event(now, event_type="purchase", **purchase)],
    )
    # As the consumer's least-privileged role, which stores and prunes the results.
    clean = _consumer_cli("check", "--database-url", as_role(database_url, CONSUMER_ROLE_URL))
    assert clean.returncode == 0, clean.stdout + clean.stderr

    # Rows the consumer's validation would have refused, written past it by the owner.
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(
            """
            insert into events (event_id, event_type, occurred_at, user_id, session_id, device,
                country, city, content_id, quantity, source_topic, source_partition,
                source_offset)
            values
                (gen_random_uuid(), 'teleport', now(), 'u', 's', 'desktop', 'DE', 'B', null,
                    null, 'direct', 9, 1),
                (gen_random_uuid(), 'login', now(), 'u', 's', 'fridge', 'DE', 'B', null,
                    null, 'direct', 9, 2),
                (gen_random_uuid(), 'login', now() + interval '1 day', 'u', 's', 'mobile',
                    'DE', 'B', null, null, 'direct', 9, 3),
                (gen_random_uuid(), 'page_view', now(), 'u', 's', 'mobile', 'DE', 'B', null,
                    null, 'direct', 9, 4),
                (gen_random_uuid(), 'login', '2020-01-01', 'u', 's', 'mobile', 'DE', 'B', null,
                    null, 'direct', 9, 5)
            """
        )
        conn.execute("update events set quantity = 0 where event_type = 'purchase'")
        conn.execute("delete from user_daily_activity")

    broken = _consumer_cli("check", "--database-url", database_url)
    assert broken.returncode == 1, broken.stdout + broken.stderr
    failed = {
        tuple(line.split()[:2])
        for line in broken.stdout.splitlines()
        if line.rstrip().endswith(("FAIL", "FAIL (shrank)"))
    }
    assert failed == {
        ("event_type_known", "events"),
        ("device_known", "events"),
        ("occurred_at_not_in_future", "events"),
        ("occurred_at_not_too_old", "events"),
        ("content_fields_present", "events"),
        ("quantity_in_range", "events"),
        ("dim_date_covers_events", "dim_date"),
        ("user_daily_activity", "0"),
    }, broken.stdout
    assert broken.stdout.splitlines()[-1].startswith("8 of 50 checks failed: ")
    with psycopg.connect(database_url) as conn:
        stored = conn.execute(
            "select check_name, table_name from quality_results where not is_passed"
        ).fetchall()
    assert ("row_count", "user_daily_activity") in stored
    assert len(stored) == 8


def test_consumers_export_a_recent_stored_run_instead_of_running_again(
    database_url: str,
) -> None:
    activity.write_directly(database_url, [_event(datetime.now(UTC))])
    window = {"clock_skew_seconds": 300.0, "late_horizon_days": 400.0}
    # The consumer's own role, as in `consumer run`.
    consumer_url = as_role(database_url, CONSUMER_ROLE_URL)
    first_metrics, second_metrics = CollectorRegistry(), CollectorRegistry()
    first = QualityJob(consumer_url, QualityMetrics(first_metrics), interval_s=600, **window)
    second = QualityJob(consumer_url, QualityMetrics(second_metrics), interval_s=600, **window)
    ran = first.run_once()
    reused = second.run_once()
    assert reused.checked_at == ran.checked_at
    assert set(reused.results) == set(ran.results)
    for registry in (first_metrics, second_metrics):
        assert registry.get_sample_value("pulse_table_rows", {"table": "events"}) == 1
        assert registry.get_sample_value(
            "pulse_quality_last_run_timestamp_seconds"
        ) == pytest.approx(ran.checked_at.timestamp())
    with psycopg.connect(database_url) as conn:
        runs = conn.execute("select count(distinct checked_at) from quality_results").fetchone()
    assert runs == (1,)
    assert second_metrics.get_sample_value("pulse_table_rows_delta", {"table": "events"}) is None

    # A job whose interval has passed runs again; the delta is against the run before,
    # also for a consumer that only reads the stored run back.
    activity.write_directly(database_url, [_event(datetime.now(UTC))])
    third_metrics = CollectorRegistry()
    third = QualityJob(consumer_url, QualityMetrics(third_metrics), interval_s=0.001, **window)
    again = third.run_once()
    assert again.checked_at > ran.checked_at
    assert second.run_once().checked_at == again.checked_at
    for registry in (second_metrics, third_metrics):
        assert registry.get_sample_value("pulse_table_rows", {"table": "events"}) == 2
        assert registry.get_sample_value("pulse_table_rows_delta", {"table": "events"}) == 1


def test_check_says_what_to_do_when_it_cannot_run(database_url: str) -> None:
    # An empty database: the migrations were never applied.
    unmigrated = _consumer_cli("check", "--database-url", database_url)
    harness.assert_one_clear_error(unmigrated, "python -m consumer migrate")
    assert unmigrated.stdout == ""
    nobody = _consumer_cli("check", "--database-url", "postgresql://pulse:secret@127.0.0.1:1/pulse")
    harness.assert_one_clear_error(nobody, "cannot connect to PostgreSQL", "DATABASE_URL")
    assert "secret" not in nobody.stderr
