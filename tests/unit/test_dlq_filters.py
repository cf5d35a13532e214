"""The dlq filter flags: parsed strictly with errors naming the flag, applied before
repeats of an origin are dropped, and the limit counts distinct records."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from consumer.deadletters.errors import FilterError
from consumer.deadletters.filters import (
    OffsetRange,
    Selection,
    SelectionStats,
    build_selection,
    parse_offsets,
    parse_reasons,
    parse_time,
    select,
)
from consumer.deadletters.records import Coordinates, DeadLetterRecord

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def _record(
    offset: int,
    *,
    origin_offset: int | None = None,
    reason: str = "malformed_json",
    key: bytes | None = b"u1",
    partition: int = 0,
    failed_at: datetime = NOW,
) -> DeadLetterRecord:
    origin = Coordinates("events", 0, origin_offset) if origin_offset is not None else None
    return DeadLetterRecord(
        address=Coordinates("events.dlq", partition, offset),
        timestamp_ms=int(failed_at.timestamp() * 1000),
        key=key,
        value=b"{",
        headers=(),
        reason=reason,
        error="",
        field_path="",
        details=(),
        origin=origin,
        origin_timestamp_ms=None,
        failed_at=failed_at,
        consumer_group="pulse",
        consumer_version="0.1.0",
        schema_version="1",
        replay_count=0,
        event_type=None,
        event_id=None,
    )


def _build(**flags: object) -> Selection:
    given: dict[str, object] = {
        "reasons": None, "since": None, "until": None, "partition": None,
        "offsets": None, "key": None, "limit": None, "now": NOW,
    }  # fmt: skip
    given.update(flags)
    return build_selection(**given)  # type: ignore[arg-type]


def test_reasons_repeat_or_comma_separate() -> None:
    assert parse_reasons(["oversized,malformed_json", "oversized"]) == {
        "oversized",
        "malformed_json",
    }
    assert parse_reasons(None) == frozenset()


def test_an_unknown_reason_lists_the_known_ones() -> None:
    with pytest.raises(
        FilterError, match=r"--reason: unknown reason too_big; use one of .*oversized"
    ):
        parse_reasons(["too_big"])


def test_times_are_iso_or_ages() -> None:
    assert parse_time("2h", flag="--since", now=NOW) == NOW - timedelta(hours=2)
    assert parse_time("1.5d", flag="--since", now=NOW) == NOW - timedelta(hours=36)
    assert parse_time("2024-04-30T10:00Z", flag="--since", now=NOW) == datetime(
        2024, 4, 30, 10, tzinfo=UTC
    )
    assert parse_time("2024-04-30", flag="--since", now=NOW) == datetime(2024, 4, 30, tzinfo=UTC)
    assert parse_time("2024-04-30T12:00+02:00", flag="--until", now=NOW) == datetime(
        2024, 4, 30, 10, tzinfo=UTC
    )
    assert parse_time(None, flag="--since", now=NOW) is None


def test_a_bad_time_names_the_flag() -> None:
    with pytest.raises(FilterError, match=r"^--until: cannot read 'yesterday' as a time"):
        parse_time("yesterday", flag="--until", now=NOW)


def test_offsets_are_one_a_range_or_open_ended() -> None:
    assert parse_offsets("5") == OffsetRange(5, 5)
    assert parse_offsets("5-9") == OffsetRange(5, 9)
    assert parse_offsets("5-") == OffsetRange(5, None)
    assert 7 in OffsetRange(5, None)
    assert 10 not in OffsetRange(5, 9)
    for bad in ("x", "-3", "5-x", "9-5"):
        with pytest.raises(FilterError, match="--offset"):
            parse_offsets(bad)


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        ({"limit": 0}, "--limit: must be 1 or more"),
        ({"partition": -1}, "--partition: must be 0 or more"),
        ({"since": "1h", "until": "2h"}, "--until: must be later than --since"),
    ],
)
def test_inconsistent_flags_are_refused(flags: dict[str, object], message: str) -> None:
    with pytest.raises(FilterError, match=message):
        _build(**flags)


def test_since_is_inclusive_and_until_exclusive() -> None:
    selection = _build(since="2024-05-01T11:00Z", until="2024-05-01T12:00Z")
    assert selection.matches(_record(0, failed_at=datetime(2024, 5, 1, 11, tzinfo=UTC)))
    assert not selection.matches(_record(0, failed_at=NOW))


def test_every_filter_must_match() -> None:
    selection = _build(reasons=["oversized"], key="u2", partition=1, offsets="3-4")
    good = _record(3, reason="oversized", key=b"u2", partition=1)
    assert selection.matches(good)
    assert not selection.matches(replace(good, reason="malformed_json"))
    assert not selection.matches(replace(good, key=b"u1"))
    assert not selection.matches(replace(good, key=None))
    assert not selection.matches(replace(good, address=Coordinates("events.dlq", 0, 3)))
    assert not selection.matches(replace(good, address=Coordinates("events.dlq", 1, 5)))


def test_repeats_of_an_origin_are_dropped_and_counted() -> None:
    records = [
        _record(0, origin_offset=10),
        _record(1, origin_offset=11),
        _record(2, origin_offset=10),
    ]
    stats = SelectionStats()
    chosen = list(select(records, Selection(), stats))
    assert [r.address.offset for r in chosen] == [0, 1]
    assert (stats.read, stats.repeats) == (3, 1)


def test_records_without_origin_are_never_repeats() -> None:
    stats = SelectionStats()
    assert len(list(select([_record(0), _record(1)], Selection(), stats))) == 2
    assert stats.repeats == 0


def test_filters_apply_before_repeats_are_dropped() -> None:
    # The first copy is outside the filter: the second one is shown, not hidden as a repeat.
    records = [_record(0, origin_offset=10, key=b"u1"), _record(1, origin_offset=10, key=b"u2")]
    stats = SelectionStats()
    chosen = list(select(records, _build(key="u2"), stats))
    assert [r.address.offset for r in chosen] == [1]
    assert stats.repeats == 0


def test_the_limit_counts_distinct_records_and_stops_reading() -> None:
    records = [
        _record(0, origin_offset=1),
        _record(1, origin_offset=1),
        _record(2, origin_offset=2),
        _record(3, origin_offset=3),
    ]
    stats = SelectionStats()
    chosen = list(select(iter(records), _build(limit=2), stats))
    assert [r.address.offset for r in chosen] == [0, 2]
    assert (stats.read, stats.repeats) == (3, 1)
