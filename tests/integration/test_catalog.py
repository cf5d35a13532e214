"""The catalog against the real broker and database, with hand-written records sent by
librdkafka: changes reach the dimensions and their current views within one batch with
their history kept, tombstones delete, re-deliveries and late versions change nothing
they should not, poison goes to the catalog's dead-letter topic without stalling what
follows, transactional and compressed producers are read, a crash changes nothing, and
`consumer reconcile` sees a tampered dimension row."""

from __future__ import annotations

import json
import re
import subprocess
import time
import urllib.request
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
from confluent_kafka.admin import AdminClient

from tests.commands import consumer_command, unique_group
from tests.databases import scratch_database
from tests.integration import catalog_records as cat
from tests.integration import harness

pytestmark = pytest.mark.integration


@dataclass(frozen=True)
class Topics:
    events: str
    dlq: str
    catalog: str

    @property
    def catalog_dlq(self) -> str:
        return f"{self.catalog}.dlq"  # what tests/commands.py gives the consumer


@pytest.fixture
def topics(kafka_bootstrap: str, topic_factory: Callable[..., str]) -> Iterator[Topics]:
    names = Topics(
        topic_factory("events", 2),
        topic_factory("dlq", 1),
        cat.create_topic(kafka_bootstrap, "catalog"),
    )
    yield names
    cat.delete_topics(kafka_bootstrap, [names.catalog, names.catalog_dlq])


def _consume(kafka: str, url: str, topics: Topics, tmp: Path, **kw: Any) -> harness.ConsumerProcess:
    return harness.run_consumer_to_idle(
        bootstrap=kafka,
        database_url=url,
        topic=topics.events,
        dlq_topic=topics.dlq,
        catalog_topic=topics.catalog,
        group=kw.pop("group", None) or unique_group(),
        log_dir=tmp,
        **kw,
    )


def _start(kafka: str, url: str, topics: Topics, tmp: Path, **kw: Any) -> harness.ConsumerProcess:
    return harness.start_consumer(
        bootstrap=kafka,
        database_url=url,
        topic=topics.events,
        dlq_topic=topics.dlq,
        catalog_topic=topics.catalog,
        log_dir=tmp,
        exit_when_idle_s=None,
        **kw,
    )


def _metric(port: int, name: str) -> float:
    try:
        body = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read()
    except OSError:
        return -1.0
    match = re.search(rf"^{re.escape(name)} (\S+)$", body.decode(), re.MULTILINE)
    return float(match.group(1)) if match else 0.0


def _catalog_ledger(url: str, topic: str) -> tuple[int, int, int, int]:
    """(offsets read, versions stored, duplicates, dead letters) of the catalog topic."""
    ((read, stored, duplicates, dead),) = cat.rows(
        url,
        "select sum(next_offset - first_offset), sum(facts_stored), sum(duplicates),"
        " sum(dead_lettered) from partition_offsets where topic = %s",
        topic,
    )
    return int(read), int(stored), int(duplicates), int(dead)


def test_a_rename_and_changed_tags_reach_the_views_within_one_batch_with_history_kept(
    kafka_bootstrap: str, database_url: str, topics: Topics, tmp_path: Path
) -> None:
    cat.produce(kafka_bootstrap, topics.catalog, [
        cat.product("p-lamp", "Desk lamp", "2026-03-01T08:00:00Z"),
        cat.post("c-kafka", ["kafka"], "2026-03-01T08:00:00Z"),
    ], partition=0)  # fmt: skip
    consumer = _start(kafka_bootstrap, database_url, topics, tmp_path, group=unique_group())

    def first_versions_stored() -> bool:
        if _metric(consumer.metrics_port, "pulse_catalog_batch_records_count") <= 0:
            return False  # not serving metrics yet, or nothing committed
        return cat.rows(database_url, "select count(*) from dim_post_current") == [(1,)]

    try:
        harness.wait_for(first_versions_stored, 60, "the first versions")
        batches = _metric(consumer.metrics_port, "pulse_catalog_batch_records_count")
        # The rename and the new tags together, as one producer flush to one partition.
        cat.produce(kafka_bootstrap, topics.catalog, [
            cat.product("p-lamp", "Desk lamp Pro", "2026-03-02T08:00:00Z", price="24.99"),
            cat.post("c-kafka", ["kafka", "streaming"], "2026-03-02T09:00:00Z"),
        ], partition=0)  # fmt: skip
        harness.wait_for(
            lambda: _metric(consumer.metrics_port, "pulse_catalog_batch_records_count") > batches,
            30,
            "the next catalog batch",
        )
        renamed = cat.rows(database_url, "select product_name from dim_product_current")
        time.sleep(1)  # a second batch, had there been one, would be counted by now
        after = _metric(consumer.metrics_port, "pulse_catalog_batch_records_count")
    finally:
        consumer.terminate()
        assert consumer.wait(30) == 0, consumer.log()[-3000:]
    assert after - batches == 1  # both changes arrived in the one batch that followed
    assert renamed == [("Desk lamp Pro",)]
    assert cat.rows(database_url, "select post_id, tags from dim_post_current") == [
        ("c-kafka", ["kafka", "streaming"])
    ]
    # History: the old versions end where the new ones start.
    assert cat.rows(
        database_url,
        "select product_name, unit_price::text, valid_from::text, valid_to::text, is_current"
        " from dim_product order by valid_from",
    ) == [
        ("Desk lamp", "19.99", "2026-03-01 08:00:00+00", "2026-03-02 08:00:00+00", False),
        ("Desk lamp Pro", "24.99", "2026-03-02 08:00:00+00", None, True),
    ]
    assert cat.rows(database_url, "select tags, is_current from dim_post order by valid_from") == [
        (["kafka"], False),
        (["kafka", "streaming"], True),
    ]


def test_a_tombstone_deletes_and_a_later_version_brings_the_entity_back(
    kafka_bootstrap: str, database_url: str, topics: Topics, tmp_path: Path
) -> None:
    cat.produce(kafka_bootstrap, topics.catalog, [
        cat.author("u-ada", "Ada L.", "Science", "2026-01-01T00:00:00Z"),
        cat.agent("agent-007", "James", "Retention", "2026-01-01T00:00:00Z"),
        cat.tombstone("author", "u-ada"),
    ])  # fmt: skip
    _consume(kafka_bootstrap, database_url, topics, tmp_path)
    assert cat.rows(database_url, "select author_id from dim_author_current") == []
    assert cat.rows(database_url, "select agent_id, team from dim_agent_current") == [
        ("agent-007", "Retention")
    ]
    assert cat.rows(
        database_url,
        "select is_deleted, is_current, author_name from dim_author order by valid_from",
    ) == [(False, False, "Ada L."), (True, True, None)]
    # A version newer than the tombstone (whose time is its Kafka timestamp, a moment ago)
    # restores the author.
    cat.produce(kafka_bootstrap, topics.catalog, [
        cat.author("u-ada", "Ada Lovelace", "Science", _in(seconds=60)),
    ])  # fmt: skip
    _consume(kafka_bootstrap, database_url, topics, tmp_path)
    assert cat.rows(database_url, "select author_name from dim_author_current") == [
        ("Ada Lovelace",)
    ]
    assert _catalog_ledger(database_url, topics.catalog) == (4, 4, 0, 0)


def test_redelivered_and_late_versions_keep_the_history_exact(
    kafka_bootstrap: str, database_url: str, topics: Topics, tmp_path: Path
) -> None:
    v2 = cat.product("p-kettle", "Kettle 2", "2026-02-01T00:00:00Z", price="39.99")
    cat.produce(kafka_bootstrap, topics.catalog, [
        cat.product("p-kettle", "Kettle", "2026-01-01T00:00:00Z"),
        v2,
        v2,  # re-sent by a producer retry
        # An older version, delivered after the current one.
        cat.product("p-kettle", "Kettle (launch)", "2025-12-01T00:00:00Z", price="9.99"),
    ], partition=1)  # fmt: skip
    _consume(kafka_bootstrap, database_url, topics, tmp_path)
    first = cat.rows(database_url, "select * from dim_product order by valid_from")
    # A new group re-reads everything: the same versions again change nothing.
    _consume(kafka_bootstrap, database_url, topics, tmp_path)
    assert cat.rows(database_url, "select * from dim_product order by valid_from") == first
    assert [(r[5], r[2] is None, r[3]) for r in first] == [
        ("Kettle (launch)", False, False),
        ("Kettle", False, False),
        ("Kettle 2", True, True),
    ]
    # No gap, no overlap: each version ends where the next one starts.
    assert first[0][2] == first[1][1]
    assert first[1][2] == first[2][1]
    assert _catalog_ledger(database_url, topics.catalog) == (4, 3, 1, 0)


def _in(*, seconds: float) -> str:
    """A time this far from now, RFC 3339."""
    return (datetime.now(UTC) + timedelta(seconds=seconds)).isoformat().replace("+00:00", "Z")


def _poison() -> list[tuple[cat.Record, str]]:
    """Bad catalog records and the reason each must be dead-lettered with."""
    key, value = cat.product("p-x", "X", "2026-01-01T00:00:00Z")
    assert value is not None
    float_price = json.dumps({**json.loads(value), "unit_price": 12.5}).encode()
    return [
        ((key, b"\xff\xfe\x00garbage"), "undecodable"),
        ((key, b"{not json"), "malformed_json"),
        (cat.product("p-x", "X", "2026-01-01T00:00:00Z", price="12.5.1"), "invalid_value"),
        ((key, float_price), "wrong_type"),
        ((b"shoe:s-1", b'{"entity_type": "shoe"}'), "unknown_entity_type"),
        ((b"product:p-other", value), "key_mismatch"),
        # (A compacted topic refuses a record without a key: the broker keeps that out.)
        ((b"p-x", value), "invalid_key"),
        # An hour ahead of the record's time: past the default clock-skew allowance.
        (cat.product("p-x", "X", _in(seconds=3600)), "timestamp_in_future"),
    ]


def test_poison_goes_to_the_catalogs_dead_letter_topic_and_what_follows_is_stored(
    kafka_bootstrap: str,
    database_url: str,
    topics: Topics,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    poison = _poison()
    valid = [cat.product(f"p-{i}", f"Thing {i}", "2026-01-01T00:00:00Z") for i in range(5)]
    cat.produce(kafka_bootstrap, topics.catalog, [r for r, _ in poison] + valid, partition=0)
    _consume(kafka_bootstrap, database_url, topics, tmp_path)
    assert cat.rows(database_url, "select count(*) from dim_product_current") == [(5,)]
    assert _catalog_ledger(database_url, topics.catalog) == (13, 5, 0, 8)
    letters = harness.read_topic(kafka_bootstrap, topics.catalog_dlq, len(poison))
    headers = [dict(letter.headers) for letter in letters]
    assert Counter(h["pulse.reason"].decode() for h in headers) == Counter(r for _, r in poison)
    assert {h["pulse.origin.topic"].decode() for h in headers} == {topics.catalog}
    assert sorted(int(h["pulse.origin.offset"]) for h in headers) == list(range(len(poison)))
    assert {h["pulse.consumer.group"] for h in headers} == {headers[0]["pulse.consumer.group"]}
    assert headers[0]["pulse.consumer.group"].decode().endswith(".catalog")
    # Nothing of the events' dead-letter topic: it stays empty.
    assert harness.read_topic(kafka_bootstrap, topics.dlq, 0, timeout=2) == []

    # The dlq tools read the catalog's dead letters, and replay what a wider clock-skew
    # allowance accepts back to the catalog topic, where the consumer then stores it.
    dlq = ["--bootstrap-servers", kafka_bootstrap, "--catalog", "--dlq-topic", topics.catalog_dlq]
    summary = _cli("dlq", "summary", *dlq, "--json")
    assert json.loads(summary)["by_reason"]["key_mismatch"] == 1
    replay = _cli("dlq", "replay", *dlq, "--topic", topics.catalog, "--clock-skew-seconds",
                  "7200", "--apply", "--json")  # fmt: skip
    report = json.loads(replay)
    assert (report["replayable"], report["still_failing"]) == (1, 7), report
    # The consumer must allow as much skew, or the record returns to the dead letters.
    monkeypatch.setenv("CLOCK_SKEW_SECONDS", "7200")
    _consume(kafka_bootstrap, database_url, topics, tmp_path)
    assert cat.rows(database_url, "select product_name from dim_product_current"
                    " where product_id = 'p-x'") == [("X",)]  # fmt: skip
    assert _catalog_ledger(database_url, topics.catalog) == (14, 6, 0, 8)


def test_versions_postgresql_refuses_are_dead_lettered_and_the_rest_is_stored(
    kafka_bootstrap: str, database_url: str, topics: Topics, tmp_path: Path
) -> None:
    # A rule the database enforces and the contract does not (a check added by hand): the
    # refused records are found inside their batch, as for events.
    harness.migrate(database_url)
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(
            "alter table dim_product add constraint no_poison check (product_name !~ '^poison')"
        )
    records = [
        cat.product(f"p-{i}", f"poison {i}" if i in (3, 40, 41) else f"Thing {i}",
                    "2026-01-01T00:00:00Z")
        for i in range(60)
    ]  # fmt: skip
    cat.produce(kafka_bootstrap, topics.catalog, records, partition=0)
    _consume(kafka_bootstrap, database_url, topics, tmp_path)
    assert cat.rows(database_url, "select count(*) from dim_product") == [(57,)]
    assert _catalog_ledger(database_url, topics.catalog) == (60, 57, 0, 3)
    letters = harness.read_topic(kafka_bootstrap, topics.catalog_dlq, 3)
    assert sorted(letter.key for letter in letters) == [b"product:p-3", b"product:p-40",
                                                         b"product:p-41"]  # fmt: skip
    for letter in letters:
        headers = dict(letter.headers)
        assert headers["pulse.reason"] == b"db_rejected"
        assert headers["pulse.sqlstate"] == b"23514"


def _cli(*args: str) -> str:
    result = subprocess.run(
        consumer_command(*args), cwd=harness.REPO, capture_output=True, text=True, timeout=120,
        check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return result.stdout


def test_transactional_and_zstd_producers_are_read_aborted_records_never_stored(
    kafka_bootstrap: str, database_url: str, topics: Topics, tmp_path: Path
) -> None:
    cat.produce(kafka_bootstrap, topics.catalog, [
        cat.product("p-zstd", "Squeezed", "2026-01-01T00:00:00Z"),
    ], compression="zstd")  # fmt: skip
    txn = f"catalog-{unique_group()}"
    cat.produce(kafka_bootstrap, topics.catalog, [
        cat.product("p-committed", "Committed", "2026-01-01T00:00:00Z"),
    ], compression="lz4", transactional_id=txn)  # fmt: skip
    cat.produce(kafka_bootstrap, topics.catalog, [
        cat.product("p-aborted", "Aborted", "2026-01-01T00:00:00Z"),
    ], transactional_id=txn, abort=True)  # fmt: skip
    _consume(kafka_bootstrap, database_url, topics, tmp_path)
    assert cat.rows(database_url, "select product_id from dim_product order by 1") == [
        ("p-committed",),
        ("p-zstd",),
    ]
    ((markers, aborted),) = cat.rows(
        database_url,
        "select sum(skipped_markers), sum(skipped_aborted) from partition_offsets where topic = %s",
        topics.catalog,
    )
    assert (markers, aborted) == (2, 1)


def _history(rounds: int, entities: int) -> list[cat.Record]:
    """Versions of many entities of every type, some out of order, some re-sent, some
    deleted: what a catalog topic looks like before compaction."""
    records: list[cat.Record] = []
    for day in range(rounds):
        for i in range(entities):
            at = f"2026-01-{(day * 7 + i) % 28 + 1:02d}T{i % 24:02d}:00:00Z"
            kind = i % 4
            if kind == 0:
                records.append(
                    cat.product(f"p-{i}", f"Product {i} v{day}", at, price=f"{day + 1}.99")
                )
            elif kind == 1:
                records.append(cat.post(f"c-{i}", [f"t{day}", f"t{i % 5}"], at))
            elif kind == 2:
                records.append(cat.author(f"u-{i}", f"Author {i}", f"Cat{day}", at))
            else:
                records.append(cat.agent(f"a-{i}", f"Agent {i}", f"Team {day}", at))
            if i % 50 == 0:
                records.append(records[-1])  # a re-send
            if i % 97 == 0 and day == rounds - 1:
                records.append(cat.tombstone("product", f"p-{i - i % 4}"))
    return records


@pytest.mark.slow
def test_a_consumer_killed_mid_way_and_restarted_applies_every_version_once(
    kafka_bootstrap: str,
    database_url: str,
    admin_database_url: str,
    topics: Topics,
    tmp_path: Path,
) -> None:
    records = _history(rounds=8, entities=2500)
    cat.produce(kafka_bootstrap, topics.catalog, records)
    group = unique_group()
    small = ["--batch-max-records", "300"]
    at_kill = []
    for threshold in (2_000, 9_000):
        victim = _start(kafka_bootstrap, database_url, topics, tmp_path, group=group, extra=small)
        harness.wait_for(
            lambda t=threshold: _versions(database_url) >= t, 120, f"{threshold} versions"
        )
        victim.kill()
        at_kill.append(_versions(database_url))
    _consume(kafka_bootstrap, database_url, topics, tmp_path, group=group, extra=small)
    assert at_kill[-1] < _versions(database_url)  # killed mid-way, with work left
    with scratch_database(admin_database_url, "pulse_ref") as reference:
        _consume(kafka_bootstrap, reference, topics, tmp_path)
        for query in _DIMENSIONS:
            assert cat.rows(database_url, query) == cat.rows(reference, query), query
        killed = cat.rows(database_url, _LEDGER, topics.catalog)
        clean = cat.rows(reference, _LEDGER, topics.catalog)
    assert killed == clean
    read, stored, duplicates, dead = _catalog_ledger(database_url, topics.catalog)
    assert (read, dead) == (len(records), 0)
    assert stored + duplicates == len(records)
    assert duplicates >= len(records) // 50  # the re-sends, counted once as stored


_DIMENSIONS = (
    "select * from dim_product order by 1, 2",
    "select * from dim_post order by 1, 2",
    "select * from dim_author order by 1, 2",
    "select * from dim_agent order by 1, 2",
)
_LEDGER = (
    "select kafka_partition, first_offset, next_offset, facts_stored, duplicates,"
    " dead_lettered from partition_offsets where topic = %s order by kafka_partition"
)


def _versions(url: str) -> int:
    """Versions stored so far in the four dimensions; 0 before the schema exists."""
    if cat.rows(url, "select to_regclass('dim_agent') is not null") != [(True,)]:
        return 0
    return sum(
        int(n)
        for (n,) in cat.rows(
            url,
            "select count(*) from dim_product union all select count(*) from dim_post"
            " union all select count(*) from dim_author union all select count(*) from dim_agent",
        )
    )


def _event(kind: str, **fields: Any) -> harness.Record:
    event = {
        "schema_version": 1,
        "event_id": str(uuid.uuid4()),
        "event_type": kind,
        "occurred_at": _in(seconds=-600),
        "user_id": "u-early",
        "session_id": "s-early",
        "device": "mobile",
        "location": {"country": "SE", "city": "Malmö"},
        **fields,
    }
    return harness.Record(b"u-early", json.dumps(event).encode(), event["event_id"])


def test_events_before_their_dimension_count_and_show_its_name_once_it_arrives(
    kafka_bootstrap: str, database_url: str, topics: Topics, tmp_path: Path
) -> None:
    cart = {"product_id": "p-late", "quantity": 2, "unit_price": "5.00", "currency": "USD"}
    page = {"content_id": "c-late", "author_id": "u-late", "category": "Tech"}
    harness.produce(kafka_bootstrap, topics.events, [
        _event("page_view", **page),
        _event("like", **page),
        _event("add_to_cart", **cart),
        _event("purchase", order_id="o-late", **cart),
    ])  # fmt: skip
    _consume(kafka_bootstrap, database_url, topics, tmp_path)
    popularity = "select units_sold, product_name, product_category from product_popularity"
    pages = "select actions, title, author_name from top_pages where content_id = 'c-late'"
    assert cat.rows(database_url, popularity) == [(2, None, None)]  # counted, not named yet
    assert cat.rows(database_url, pages) == [(2, None, None)]
    cat.produce(kafka_bootstrap, topics.catalog, [
        cat.product("p-late", "Late lamp", "2026-01-01T00:00:00Z"),
        cat.post("c-late", ["late"], "2026-01-01T00:00:00Z", title="Better late",
                 author_id="u-late"),
        cat.author("u-late", "Lou Late", "Tech", "2026-01-01T00:00:00Z"),
    ])  # fmt: skip
    _consume(kafka_bootstrap, database_url, topics, tmp_path)
    assert cat.rows(database_url, popularity) == [(2, "Late lamp", "Home")]
    assert cat.rows(database_url, pages) == [(2, "Better late", "Lou Late")]


def test_reconcile_reports_a_tampered_dimension_row(
    kafka_bootstrap: str, database_url: str, topics: Topics, tmp_path: Path
) -> None:
    cat.produce(kafka_bootstrap, topics.catalog, [
        cat.product("p-1", "Honest", "2026-01-01T00:00:00Z"),
        cat.product("p-1", "Honest v2", "2026-01-02T00:00:00Z"),
        cat.post("c-1", ["a"], "2026-01-01T00:00:00Z"),
    ])  # fmt: skip
    _consume(kafka_bootstrap, database_url, topics, tmp_path)
    reconcile = consumer_command(
        "reconcile", bootstrap_servers=kafka_bootstrap, database_url=database_url,
        catalog_topic=topics.catalog,
    )  # fmt: skip

    def run() -> subprocess.CompletedProcess[str]:
        return subprocess.run(reconcile, cwd=harness.REPO, capture_output=True, text=True,
                              timeout=120, check=False)  # fmt: skip

    clean = run()
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert re.search(rf"dim_product vs {re.escape(topics.catalog)} +1 +0", clean.stdout)
    cat.rows(database_url, "update dim_product set product_name = 'Forged' where is_current"
             " returning 1")  # fmt: skip
    tampered = run()
    assert tampered.returncode == 1, tampered.stdout
    assert "differs | p-1 | 2026-01-02 00:00:00+00:00 | product_name: stored 'Forged', " \
        "topic 'Honest v2'" in tampered.stdout  # fmt: skip
    # A broken history (two current versions) is drift of its own.
    cat.rows(database_url, "update dim_product set valid_to = null, is_current = true"
             " where product_name = 'Honest' returning 1")  # fmt: skip
    broken = run()
    assert broken.returncode == 1
    assert re.search(r"^dim_product +2 +1$", broken.stdout, re.MULTILINE), broken.stdout


def test_a_subscribed_catalog_topic_that_does_not_exist_is_not_created(
    kafka_bootstrap: str, database_url: str, topic_factory: Callable[..., str], tmp_path: Path
) -> None:
    # Created by the broker on subscription, it would get the default cleanup policy.
    events, dlq = topic_factory("events", 1), topic_factory("dlq", 1)
    harness.run_consumer_to_idle(
        bootstrap=kafka_bootstrap, database_url=database_url, topic=events, dlq_topic=dlq,
        group=unique_group(), log_dir=tmp_path,
    )  # fmt: skip
    admin = AdminClient({"bootstrap.servers": kafka_bootstrap})
    assert f"{events}.catalog" not in admin.list_topics(timeout=10).topics


def test_with_the_catalog_off_only_the_events_are_read(
    kafka_bootstrap: str, database_url: str, topics: Topics, tmp_path: Path
) -> None:
    cat.produce(
        kafka_bootstrap, topics.catalog, [cat.product("p-off", "Unread", "2026-01-01T00:00:00Z")]
    )
    harness.produce(
        kafka_bootstrap,
        topics.events,
        [_event("page_view", content_id="c-off", author_id="u-off", category="Tech")],
    )
    consumer = _consume(kafka_bootstrap, database_url, topics, tmp_path, extra=["--no-catalog"])
    log = consumer.log()
    assert log.count("msg=consuming ") == 1, log[-2000:]
    assert cat.rows(database_url, "select count(*) from events") == [(1,)]
    assert cat.rows(database_url, "select count(*) from dim_product") == [(0,)]
    ledger = "select count(*) from partition_offsets where topic = %s"
    assert cat.rows(database_url, ledger, topics.catalog) == [(0,)]
