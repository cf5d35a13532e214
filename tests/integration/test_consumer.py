"""The consumer against the real broker and database: facts equal the unique valid
events, rejects land in the dead-letter topic with their reason, and crashes, rebalances
and database restarts change nothing in the final tables."""

from __future__ import annotations

import shutil
import subprocess
import time
import urllib.request
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.commands import unique_group
from tests.databases import scratch_database
from tests.integration import harness
from tests.integration.harness import Record

pytestmark = pytest.mark.integration


def _unique_valid(records: list[Record]) -> set[str]:
    return {r.event_id for r in records if r.event_id}


def _topics(topic_factory: Callable[..., str], partitions: int = 3) -> tuple[str, str]:
    return topic_factory("events", partitions), topic_factory("dlq", 1)


def _consumer_on(kafka: str, db: str, topic: str, dlq: str, tmp: Path) -> dict[str, Any]:
    """The harness's arguments for a consumer of the test's topics, in a group of its own."""
    return {
        "bootstrap": kafka,
        "database_url": db,
        "topic": topic,
        "dlq_topic": dlq,
        "group": unique_group(),
        "log_dir": tmp,
    }


def _run(kafka: str, db: str, topic: str, dlq: str, tmp: Path, **kw: Any) -> None:
    harness.run_consumer_to_idle(**_consumer_on(kafka, db, topic, dlq, tmp), **kw)


def _start(
    kafka: str, db: str, topic: str, dlq: str, tmp: Path, **kw: Any
) -> harness.ConsumerProcess:
    """A consumer that runs until stopped (no idle exit)."""
    consumer_on = _consumer_on(kafka, db, topic, dlq, tmp)
    return harness.start_consumer(**consumer_on, exit_when_idle_s=None, **kw)


def test_facts_are_the_unique_valid_events_and_rejects_are_dead_lettered(
    kafka_bootstrap: str, database_url: str, topic_factory: Callable[..., str], tmp_path: Path
) -> None:
    topic, dlq = _topics(topic_factory)
    records = harness.make_records(1, 3000, duplicate_every=17, invalid_every=23)
    harness.produce(kafka_bootstrap, topic, records)

    _run(kafka_bootstrap, database_url, topic, dlq, tmp_path)

    stored = {row[0] for row in harness.facts(database_url)}
    assert stored == _unique_valid(records)
    invalid = [r for r in records if r.event_id is None]
    duplicates = sum(1 for r in records if r.event_id) - len(_unique_valid(records))
    counters = harness.offsets(database_url)
    assert sum(row[3] for row in counters) == len(stored)
    assert sum(row[4] for row in counters) == duplicates
    assert sum(row[5] for row in counters) == len(invalid)
    assert sum(row[2] - row[1] for row in counters) == len(records)

    letters = harness.read_topic(kafka_bootstrap, dlq, len(invalid))
    assert len(letters) == len(invalid)
    headers = [dict(letter.headers) for letter in letters]
    assert Counter(h["pulse.reason"].decode() for h in headers) == Counter(
        r.reason for r in invalid
    )
    origins = {(h["pulse.origin.topic"].decode(), h["pulse.origin.offset"]) for h in headers}
    assert len(origins) == len(invalid)
    assert all(h["pulse.origin.topic"].decode() == topic for h in headers)
    assert {letter.value for letter in letters} == {r.value for r in invalid}


def test_rerun_over_the_same_topic_adds_nothing(
    kafka_bootstrap: str, database_url: str, topic_factory: Callable[..., str], tmp_path: Path
) -> None:
    topic, dlq = _topics(topic_factory)
    harness.produce(kafka_bootstrap, topic, harness.make_records(2, 1000, duplicate_every=5))
    _run(kafka_bootstrap, database_url, topic, dlq, tmp_path)
    first = (harness.facts(database_url), harness.offsets(database_url))
    # A new group id: Kafka's committed offsets are empty, PostgreSQL's are not.
    _run(kafka_bootstrap, database_url, topic, dlq, tmp_path)
    assert (harness.facts(database_url), harness.offsets(database_url)) == first


def _reference_run(
    kafka: str, admin_url: str, topic: str, dlq: str, tmp: Path
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    with scratch_database(admin_url, "pulse_ref") as url:
        _run(kafka, url, topic, dlq, tmp)
        return harness.facts(url), harness.offsets(url)


@pytest.mark.slow
def test_sigkill_mid_run_then_restart_gives_identical_tables(
    kafka_bootstrap: str,
    database_url: str,
    admin_database_url: str,
    topic_factory: Callable[..., str],
    tmp_path: Path,
) -> None:
    topic, dlq = _topics(topic_factory)
    records = harness.make_records(3, 40_000, duplicate_every=31, invalid_every=97)
    harness.produce(kafka_bootstrap, topic, records)
    group = unique_group()
    common: dict[str, Any] = {
        "bootstrap": kafka_bootstrap,
        "database_url": database_url,
        "topic": topic,
        "dlq_topic": dlq,
        "group": group,
        "log_dir": tmp_path,
    }
    kills = 0
    for threshold in (2_000, 12_000, 25_000):
        victim = harness.start_consumer(**common, exit_when_idle_s=None)
        harness.wait_for(
            lambda t=threshold: harness.fact_count(database_url) >= t, 120, f"{threshold} facts"
        )
        victim.kill()
        kills += 1
    harness.run_consumer_to_idle(**common)

    assert kills == 3
    assert {row[0] for row in harness.facts(database_url)} == _unique_valid(records)
    reference = _reference_run(kafka_bootstrap, admin_database_url, topic, dlq, tmp_path)
    assert (harness.facts(database_url), harness.offsets(database_url)) == reference


@pytest.mark.slow
def test_two_consumers_one_leaving_mid_run_give_identical_tables(
    kafka_bootstrap: str,
    database_url: str,
    admin_database_url: str,
    topic_factory: Callable[..., str],
    tmp_path: Path,
) -> None:
    topic, dlq = _topics(topic_factory, partitions=6)
    records = harness.make_records(4, 40_000, duplicate_every=13, invalid_every=101)
    harness.produce(kafka_bootstrap, topic, records)
    common: dict[str, Any] = {
        "bootstrap": kafka_bootstrap,
        "database_url": database_url,
        "topic": topic,
        "dlq_topic": dlq,
        "group": unique_group(),
        "log_dir": tmp_path,
    }
    leaver = harness.start_consumer(**common, exit_when_idle_s=None)
    stayer = harness.start_consumer(**common, exit_when_idle_s=4.0)
    harness.wait_for(lambda: harness.fact_count(database_url) >= 8_000, 120, "8000 facts")
    leaver.terminate()
    assert leaver.wait(30) == 0, leaver.log()[-3000:]
    assert stayer.wait(180) == 0, stayer.log()[-3000:]

    reference = _reference_run(kafka_bootstrap, admin_database_url, topic, dlq, tmp_path)
    assert (harness.facts(database_url), harness.offsets(database_url)) == reference


def _local_postgres_cluster() -> str:
    if shutil.which("pg_ctlcluster") is None:
        pytest.fail("pg_ctlcluster is missing: this test restarts the local PostgreSQL")
    return "15 main"


@pytest.mark.slow
def test_postgres_restart_mid_run_loses_nothing(
    kafka_bootstrap: str, database_url: str, topic_factory: Callable[..., str], tmp_path: Path
) -> None:
    cluster = _local_postgres_cluster().split()
    topic, dlq = _topics(topic_factory)
    records = harness.make_records(5, 30_000, duplicate_every=19, invalid_every=89)
    harness.produce(kafka_bootstrap, topic, records)
    consumer = harness.start_consumer(
        bootstrap=kafka_bootstrap,
        database_url=database_url,
        topic=topic,
        dlq_topic=dlq,
        group=unique_group(),
        log_dir=tmp_path,
        exit_when_idle_s=4.0,
    )
    harness.wait_for(lambda: harness.fact_count(database_url) >= 3_000, 120, "3000 facts")
    subprocess.run(["pg_ctlcluster", *cluster, "stop", "-m", "fast"], check=True)
    time.sleep(3)
    subprocess.run(["pg_ctlcluster", *cluster, "start"], check=True)
    assert consumer.wait(180) == 0, consumer.log()[-3000:]

    assert {row[0] for row in harness.facts(database_url)} == _unique_valid(records)
    assert "postgresql unavailable, retrying" in consumer.log()


def test_metrics_are_served_and_move(
    kafka_bootstrap: str, database_url: str, topic_factory: Callable[..., str], tmp_path: Path
) -> None:
    topic, dlq = _topics(topic_factory)
    harness.produce(kafka_bootstrap, topic, harness.make_records(6, 500, invalid_every=10))
    consumer = _start(kafka_bootstrap, database_url, topic, dlq, tmp_path)
    url = f"http://127.0.0.1:{consumer.metrics_port}/metrics"
    scraped: list[str] = []

    def stored_all() -> bool:
        try:
            scraped.append(urllib.request.urlopen(url, timeout=5).read().decode())
        except OSError:  # not listening yet
            return False
        return 'pulse_records_total{outcome="stored"} 450.0' in scraped[-1]

    try:
        harness.wait_for(stored_all, 60, "the metrics to count 450 stored events")
        body = scraped[-1]
    finally:
        consumer.terminate()
        exit_code = consumer.wait(30)
    assert exit_code == 0, consumer.log()[-3000:]
    assert 'pulse_records_total{outcome="dead_lettered"} 50.0' in body
    assert "pulse_batch_duration_seconds_count" in body
    assert 'pulse_consumer_lag_records{partition="0"' in body


def test_a_free_writer_takes_a_batch_at_its_minimum_age_not_its_maximum(
    kafka_bootstrap: str, database_url: str, topic_factory: Callable[..., str], tmp_path: Path
) -> None:
    # Batches of up to a minute and 2,000 records: 20 records fill neither, so only the
    # minimum age with a free writer can make them visible within the waits below.
    topic, dlq = _topics(topic_factory)
    harness.produce(kafka_bootstrap, topic, harness.make_records(7, 20))
    consumer = _start(
        kafka_bootstrap, database_url, topic, dlq, tmp_path,
        extra=("--batch-max-age-ms", "60000", "--batch-min-age-ms", "50"),
    )  # fmt: skip
    try:
        harness.wait_for(lambda: harness.fact_count(database_url) == 20, 30, "20 facts")
        # And again once running: a single event, alone in its batch.
        harness.produce(kafka_bootstrap, topic, harness.make_records(8, 1))
        harness.wait_for(lambda: harness.fact_count(database_url) == 21, 15, "the 21st fact")
    finally:
        consumer.terminate()
        exit_code = consumer.wait(30)
    assert exit_code == 0, consumer.log()[-3000:]
