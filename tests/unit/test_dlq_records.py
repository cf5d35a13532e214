"""Dead-letter records as the dlq commands read them: the headers that deadletter.py
writes parse back into typed fields, garbled ones never raise, and untrusted bytes are
printed safely."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from kafka.consumer.fetcher import ConsumerRecord

from consumer.deadletters.excerpt import ELLIPSIS, payload_excerpt, safe_bytes, safe_text
from consumer.deadletters.letters import DeadLetter, dead_letter_headers
from consumer.deadletters.records import Coordinates, from_kafka
from consumer.ingest.decode import Rejection, decode_event
from pulse.contract import TimeWindow

NOW = datetime.now(UTC)
WINDOW = TimeWindow(NOW, timedelta(days=1), timedelta(minutes=5))


def _kafka_record(
    value: bytes | None, headers: list[tuple[str, bytes]], *, offset: int = 7, key: bytes = b"u1"
) -> Any:
    return ConsumerRecord(
        "events.dlq", 1, -1, offset, 1_700_000_001_000, 0, key, value, headers,
        None, len(key), len(value or b""), -1,
    )  # fmt: skip


def _letter_headers(
    value: bytes, original: list[tuple[str, bytes | None]]
) -> list[tuple[str, bytes]]:
    rejection = decode_event(value, window=WINDOW, max_bytes=4096)
    assert isinstance(rejection, Rejection)
    letter = DeadLetter("events", 2, 41, 1_700_000_000_000, b"u1", value, original, rejection)
    return dead_letter_headers(letter, "pulse")


def _old_login() -> bytes:
    return json.dumps(
        {
            "schema_version": 1,
            "event_id": str(uuid.uuid4()),
            "event_type": "login",
            "occurred_at": (NOW - timedelta(days=3)).isoformat(),
            "user_id": "u1",
            "session_id": "s1",
            "device": "mobile",
            "location": {"country": "DE", "city": "Berlin"},
        }
    ).encode()


def test_the_headers_deadletter_writes_parse_back() -> None:
    value = _old_login()
    headers = _letter_headers(value, [("traceparent", b"00-abc-01")])
    record = from_kafka(_kafka_record(value, headers))

    assert record.address == Coordinates("events.dlq", 1, 7)
    assert record.origin == Coordinates("events", 2, 41)
    assert record.identity == record.origin
    assert record.origin_timestamp_ms == 1_700_000_000_000
    assert record.reason == "timestamp_too_old"
    assert record.field_path == "occurred_at"
    assert [d.error_type for d in record.details] == ["timestamp_too_old"]
    assert record.details[0].path == "occurred_at"
    assert (record.consumer_group, record.schema_version) == ("pulse", "1")
    assert abs(record.failed_at - datetime.now(UTC)) < timedelta(minutes=1)
    assert record.replay_count == 0
    assert record.event_type == "login"
    assert record.event_id == json.loads(value)["event_id"]
    assert record.original_headers == [("traceparent", b"00-abc-01")]
    assert record.payload_size == len(value)


def test_a_carried_replay_count_is_read_and_not_an_original_header() -> None:
    value = _old_login()
    headers = _letter_headers(value, [("pulse.replay.count", b"2"), ("h", b"v")])
    record = from_kafka(_kafka_record(value, headers))
    assert record.replay_count == 2
    assert record.original_headers == [("h", b"v")]


def test_a_record_without_pulse_headers_is_its_own_identity() -> None:
    record = from_kafka(_kafka_record(b"{not json", []))
    assert record.reason == "unknown"
    assert record.origin is None
    assert record.identity == record.address
    assert record.failed_at == datetime.fromtimestamp(1_700_000_001, UTC)
    assert record.event_type is None


def test_garbled_headers_never_raise() -> None:
    headers = [
        ("pulse.reason", b"oversized"),
        ("pulse.origin.topic", b"events"),
        ("pulse.origin.partition", b"two"),
        ("pulse.origin.offset", b"5"),
        ("pulse.errors", b"[not json"),
        ("pulse.failed_at", b"yesterday"),
        ("pulse.replay.count", b"-4"),
        ("pulse.error", b"\xff\xfe"),
    ]
    record = from_kafka(_kafka_record(b"[1, 2]", headers))
    assert record.reason == "oversized"
    assert record.origin is None
    assert record.details == ()
    assert record.replay_count == 0
    assert record.failed_at == datetime.fromtimestamp(1_700_000_001, UTC)
    assert record.event_type is None  # a JSON array claims nothing


def test_claimed_type_and_id_only_when_they_are_strings() -> None:
    odd = from_kafka(_kafka_record(b'{"event_type": 5, "event_id": "e1"}', []))
    assert (odd.event_type, odd.event_id) == (None, "e1")
    assert from_kafka(_kafka_record(b"\xff\xfe{", [])).event_type is None
    assert from_kafka(_kafka_record(None, [])).event_type is None
    deep = b"[" * 100_000 + b"]" * 100_000
    assert from_kafka(_kafka_record(deep, [])).event_type is None


def test_control_characters_are_escaped() -> None:
    text = "a\x1b[31mred\nnext\ttab\x00nul\x7fdel\x85nel\u202eevil\u2028ls"
    shown = safe_text(text)
    for raw in ("\x1b", "\n", "\t", "\x00", "\x7f", "\x85", "\u202e", "\u2028"):
        assert raw not in shown
    assert shown == ("a\\x1b[31mred\\x0anext\\x09tab\\x00nul\\x7fdel\\x85nel\\u202eevil\\u2028ls")


def test_printable_unicode_is_kept() -> None:
    assert safe_text("café 日本 ✓") == "café 日本 ✓"


def test_truncation_never_splits_an_escape() -> None:
    assert safe_text("\x1b" * 10, limit_chars=5) == "\\x1b" + ELLIPSIS
    assert safe_text("abcdef", limit_chars=6) == "abcdef"
    assert safe_text("abcdefg", limit_chars=6) == "abcdef" + ELLIPSIS


def test_invalid_utf8_is_shown_as_escaped_bytes() -> None:
    assert safe_bytes(b"ok\xff\xfe") == "ok\\xff\\xfe"
    assert safe_bytes(None) == "(none)"


def test_payload_excerpt_is_short_and_gives_the_size() -> None:
    huge = b'{"pad": "' + b"x" * 10_000_000 + b'"}'
    excerpt = payload_excerpt(huge, limit_chars=50)
    assert excerpt.endswith(f"{ELLIPSIS} ({len(huge)} bytes)")
    assert len(excerpt) < 100
    assert payload_excerpt(None, limit_chars=50) == "(no value: tombstone)"
    # A multi-byte character cut by the byte window never shows as a broken escape.
    assert (
        payload_excerpt("é".encode() * 100, limit_chars=10) == "é" * 10 + ELLIPSIS + " (200 bytes)"
    )


def test_null_header_values_the_dead_letter_sent_empty_are_null_again() -> None:
    value = _old_login()
    original: list[tuple[str, bytes | None]] = [("a", None), ("b", b""), ("c", None)]
    headers = _letter_headers(value, original)
    assert [v for k, v in headers if k in ("a", "c")] == [b"", b""]
    record = from_kafka(_kafka_record(value, headers))
    assert record.original_headers == original


def test_a_garbled_null_header_list_restores_nothing() -> None:
    value = _old_login()
    for listed in (b"not json", b'{"0": 1}', b'[true, -1, 7, "0"]'):
        headers = [("a", b""), ("pulse.headers.null", listed)]
        record = from_kafka(_kafka_record(value, headers))
        assert record.original_headers == [("a", b"")]
