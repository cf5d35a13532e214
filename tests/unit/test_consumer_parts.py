"""Pure pieces of the consumer: back-off bounds, log lines, batch slicing, dead-letter
headers and migration discovery."""

from __future__ import annotations

import json
import logging
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from kafka.consumer.fetcher import ConsumerRecord

from consumer.deadletters.letters import DeadLetter, dead_letter_headers
from consumer.ingest.batch import Batch
from consumer.ingest.decode import Rejection, decode_event
from consumer.ingest.limits import Limits
from consumer.store.migrations import MigrationError, discover
from pulse.backoff import Backoff
from pulse.contract import TimeWindow
from pulse.logs import KeyValueFormatter

NOW = datetime.now(UTC)
WINDOW = TimeWindow(NOW, timedelta(days=1), timedelta(minutes=5))
LIMITS = Limits(10_000, timedelta(days=1), timedelta(minutes=5))
NOW_MS = int(NOW.timestamp() * 1000)


def _record(partition: int, offset: int, value: bytes, headers: Any = ()) -> Any:
    return ConsumerRecord(
        "events", partition, -1, offset, NOW_MS, 0, b"key", value, list(headers),
        None, 3, len(value), -1,
    )  # fmt: skip


def _login(user: str = "u1") -> bytes:
    event = {
        "schema_version": 1,
        "event_id": str(uuid.uuid4()),
        "event_type": "login",
        "occurred_at": NOW.isoformat(),
        "user_id": user,
        "session_id": "s1",
        "device": "tablet",
        "location": {"country": "FR", "city": "Lyon"},
    }
    return json.dumps(event).encode()


def test_backoff_doubles_and_stays_within_its_bound() -> None:
    backoff = Backoff(initial_s=0.1, max_s=1.0)
    delays = [backoff.next_delay() for _ in range(10)]
    assert 0.05 <= delays[0] <= 0.1
    assert all(delay <= 1.0 for delay in delays)
    assert delays[-1] >= 0.5
    backoff.reset()
    assert backoff.next_delay() <= 0.1


def test_log_lines_are_key_value_with_context() -> None:
    record = logging.makeLogRecord(
        {
            "name": "consumer.ingest.loop",
            "levelname": "INFO",
            "msg": "partitions assigned",
            "count": 3,
        }
    )
    line = KeyValueFormatter().format(record)
    assert 'msg="partitions assigned"' in line
    assert "count=3" in line
    assert "level=INFO" in line


def test_batch_slices_cover_each_partition_offset_range() -> None:
    batch = Batch("events", max_records=10, max_age_s=60, max_bytes=1_000_000)
    batch.add(
        [_record(0, 5, _login()), _record(1, 40, b"{bad"), _record(0, 6, _login()),
         _record(1, 41, _login())]
    )  # fmt: skip
    validated = batch.validate(limits=LIMITS, expected={0: 5, 1: None}, log_start=lambda _: 40)
    slices = {s.partition: s for s in validated.slices}
    assert (slices[0].expected_offset, slices[0].first_offset, slices[0].next_offset) == (5, 5, 7)
    assert (slices[1].expected_offset, slices[1].first_offset, slices[1].next_offset) == (
        None, 40, 42,
    )  # fmt: skip
    assert (slices[0].valid, slices[0].dead_lettered) == (2, 0)
    assert (slices[1].valid, slices[1].dead_lettered) == (1, 1)
    assert len(validated.rows) == 3
    assert [letter.offset for letter in validated.letters] == [40]


def test_batch_is_due_when_full() -> None:
    batch = Batch("events", max_records=2, max_age_s=60, max_bytes=1_000_000)
    batch.add([_record(0, 1, b"x")])
    assert not batch.is_due()
    batch.add([_record(0, 2, b"y")])
    assert batch.is_due()
    assert batch.room() == 0


def test_a_young_batch_is_due_only_when_the_writer_is_free() -> None:
    batch = Batch("events", max_records=10, max_age_s=60, max_bytes=1_000_000, min_age_s=0.0)
    assert not batch.is_due(writer_free=True)  # empty
    batch.add([_record(0, 1, b"x")])
    assert batch.is_due(writer_free=True)
    assert not batch.is_due(writer_free=False)
    assert batch.s_until_due(writer_free=True) == 0.0
    assert 59 < batch.s_until_due(writer_free=False) <= 60


def test_without_a_minimum_age_a_batch_waits_for_its_maximum_age() -> None:
    batch = Batch("events", max_records=10, max_age_s=60, max_bytes=1_000_000)
    batch.add([_record(0, 1, b"x")])
    assert not batch.is_due(writer_free=True)
    assert 59 < batch.s_until_due(writer_free=True) <= 60


def test_a_minimum_age_above_the_maximum_changes_nothing() -> None:
    batch = Batch("events", max_records=10, max_age_s=0.0, max_bytes=1_000_000, min_age_s=5.0)
    batch.add([_record(0, 1, b"x")])
    assert batch.is_due(writer_free=False)
    assert batch.s_until_due(writer_free=True) == 0.0


def test_dead_letter_headers_explain_the_record() -> None:
    value = b'{"schema_version": 1}'
    rejection = decode_event(value, window=WINDOW, max_bytes=1000)
    assert isinstance(rejection, Rejection)
    letter = DeadLetter(
        topic="events", partition=2, offset=99, timestamp_ms=123, key=b"k", value=value,
        headers=[("trace", b"abc"), ("pulse.reason", b"stale")],
        rejection=rejection,
    )  # fmt: skip
    headers = dict(dead_letter_headers(letter, "pulse"))
    assert headers["pulse.reason"] == b"missing_field"
    assert headers["pulse.origin.partition"] == b"2"
    assert headers["pulse.origin.offset"] == b"99"
    assert headers["pulse.consumer.group"] == b"pulse"
    assert headers["trace"] == b"abc"
    assert json.loads(headers["pulse.errors"])[0]["type"]
    names = [name for name, _ in dead_letter_headers(letter, "pulse")]
    assert names.count("pulse.reason") == 1


def test_migrations_are_discovered_in_order_and_misnamed_files_refused(tmp_path: Path) -> None:
    (tmp_path / "002_second.sql").write_text("select 2;")
    (tmp_path / "001_first.sql").write_text("select 1;")
    assert [m.name for m in discover(tmp_path)] == ["001_first.sql", "002_second.sql"]
    (tmp_path / "3_bad.sql").write_text("select 3;")
    with pytest.raises(MigrationError, match="NNN_lower_snake"):
        discover(tmp_path)
