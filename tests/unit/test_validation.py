"""Every kind of bad record gets the reason code the dead-letter headers promise."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from consumer.ingest.decode import Rejection, decode_event
from pulse.contract import Purchase, RejectReason, TimeWindow

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
WINDOW = TimeWindow(NOW, timedelta(days=30), timedelta(minutes=5))


def _purchase(**changes: Any) -> dict[str, Any]:
    event: dict[str, Any] = {
        "schema_version": 1,
        "event_id": str(uuid.UUID(int=7)),
        "event_type": "purchase",
        "occurred_at": (NOW - timedelta(hours=1)).isoformat(),
        "user_id": "u-1",
        "session_id": "s-1",
        "device": "mobile",
        "location": {"country": "DE", "city": "Berlin"},
        "product_id": "p-9",
        "order_id": "o-1",
        "quantity": 2,
        "unit_price": "19.99",
        "currency": "EUR",
    }
    event.update(changes)
    return event


def _decode(raw: bytes | dict[str, Any], max_bytes: int = 65_536) -> Any:
    data = raw if isinstance(raw, bytes) else json.dumps(raw).encode()
    return decode_event(data, window=WINDOW, max_bytes=max_bytes)


def test_valid_purchase_keeps_exact_amounts_and_drops_unknown_fields() -> None:
    event = _decode(_purchase(coupon="SPRING", unit_price="0.10"))
    assert isinstance(event, Purchase)
    assert str(event.unit_price) == "0.10"
    assert not hasattr(event, "coupon")


@pytest.mark.parametrize(
    ("raw", "reason", "field"),
    [
        (b"\xff\xfe{}", RejectReason.UNDECODABLE, ""),
        (b'{"event_type": ', RejectReason.MALFORMED_JSON, ""),
        (b"[" * 10_000 + b"]" * 10_000, RejectReason.MALFORMED_JSON, ""),
        (b"[1, 2]", RejectReason.NOT_AN_OBJECT, ""),
        (b"null", RejectReason.NOT_AN_OBJECT, ""),
        (_purchase(schema_version=2), RejectReason.UNSUPPORTED_SCHEMA_VERSION, "schema_version"),
        (_purchase(event_type="teleport"), RejectReason.UNKNOWN_EVENT_TYPE, "event_type"),
        (_purchase(event_type=None), RejectReason.UNKNOWN_EVENT_TYPE, "event_type"),
        (_purchase(user_id=None), RejectReason.WRONG_TYPE, "user_id"),
        (_purchase(quantity="two"), RejectReason.WRONG_TYPE, "quantity"),
        (_purchase(unit_price=19.99), RejectReason.WRONG_TYPE, "unit_price"),
        (_purchase(occurred_at="2026-06-01T11:00:00"), RejectReason.WRONG_TYPE, "occurred_at"),
        (_purchase(quantity=0), RejectReason.INVALID_VALUE, "quantity"),
        (_purchase(unit_price="1.999"), RejectReason.INVALID_VALUE, "unit_price"),
        (_purchase(user_id="x" * 65), RejectReason.INVALID_VALUE, "user_id"),
        (
            _purchase(user_id="robert'); drop table events;--"),
            RejectReason.INVALID_VALUE,
            "user_id",
        ),
        (_purchase(device="fridge"), RejectReason.INVALID_VALUE, "device"),
        (
            _purchase(location={"country": "DE", "city": "Ber\x00lin"}),
            RejectReason.INVALID_VALUE,
            "location.city",
        ),
        (
            _purchase(occurred_at="2020-01-01T00:00:00+00:00"),
            RejectReason.TIMESTAMP_TOO_OLD,
            "occurred_at",
        ),
        (
            _purchase(occurred_at="9999-12-31T00:00:00+00:00"),
            RejectReason.TIMESTAMP_IN_FUTURE,
            "occurred_at",
        ),
        (
            _purchase(occurred_at="0000-01-01T00:00:00+00:00"),
            RejectReason.TIMESTAMP_TOO_OLD,
            "occurred_at",
        ),
        (
            _purchase(occurred_at="0001-01-01T00:30:00+01:00"),
            RejectReason.TIMESTAMP_TOO_OLD,
            "occurred_at",
        ),
        (
            _purchase(occurred_at="9999-12-31T23:30:00-01:00"),
            RejectReason.TIMESTAMP_IN_FUTURE,
            "occurred_at",
        ),
        (_purchase(schema_version=True), RejectReason.UNSUPPORTED_SCHEMA_VERSION, "schema_version"),
        (_purchase(schema_version="1"), RejectReason.UNSUPPORTED_SCHEMA_VERSION, "schema_version"),
        (_purchase(schema_version=1.5), RejectReason.UNSUPPORTED_SCHEMA_VERSION, "schema_version"),
        (_purchase(unit_price="-1.00"), RejectReason.INVALID_VALUE, "unit_price"),
        (_purchase(unit_price="01.00"), RejectReason.INVALID_VALUE, "unit_price"),
        (_purchase(unit_price=10_000_000_000), RejectReason.INVALID_VALUE, "unit_price"),
        (_purchase(unit_price=0.5), RejectReason.WRONG_TYPE, "unit_price"),
        (_purchase(unit_price=True), RejectReason.WRONG_TYPE, "unit_price"),
        (_purchase(user_id="u-1\n"), RejectReason.INVALID_VALUE, "user_id"),
        (
            _purchase(location={"country": "DE", "city": " \t\r\n"}),
            RejectReason.INVALID_VALUE,
            "location.city",
        ),
        (_purchase(quantity=2.5), RejectReason.WRONG_TYPE, "quantity"),
    ],
)
def test_bad_records_are_rejected_with_their_reason(
    raw: bytes | dict[str, Any], reason: RejectReason, field: str
) -> None:
    outcome = _decode(raw)
    assert isinstance(outcome, Rejection)
    assert (outcome.reason, outcome.field_path) == (reason, field)
    assert outcome.message


def test_missing_field_names_the_field() -> None:
    event = _purchase()
    del event["order_id"]
    outcome = _decode(event)
    assert isinstance(outcome, Rejection)
    assert (outcome.reason, outcome.field_path) == (RejectReason.MISSING_FIELD, "order_id")
    assert outcome.details[0].error_type == "missing"


def test_oversized_payload_is_rejected_before_parsing() -> None:
    outcome = _decode(_purchase(padding="x" * 2000), max_bytes=1024)
    assert isinstance(outcome, Rejection)
    assert outcome.reason is RejectReason.OVERSIZED


def test_tombstone_is_rejected() -> None:
    outcome = decode_event(None, window=WINDOW, max_bytes=1024)
    assert isinstance(outcome, Rejection)
    assert outcome.reason is RejectReason.MALFORMED_JSON


@pytest.mark.parametrize("value", [True, "2", 2.5, None])
def test_whole_numbers_are_json_integers(value: object) -> None:
    outcome = _decode(_purchase(quantity=value))
    assert isinstance(outcome, Rejection)
    assert (outcome.reason, outcome.field_path) == (RejectReason.WRONG_TYPE, "quantity")


@pytest.mark.parametrize("raw", [b"2.0", b"2", b"0.2e1", b"2.000"])
def test_integral_numbers_are_integers_as_in_json_schema(raw: bytes) -> None:
    text = json.dumps(_purchase(quantity=0)).replace('"quantity": 0', f'"quantity": {raw.decode()}')
    outcome = _decode(text.encode())
    assert isinstance(outcome, Purchase)
    assert outcome.quantity == 2
    assert type(outcome.quantity) is int


@pytest.mark.parametrize(
    "occurred_at",
    [
        1_780_000_000,
        "1780000000",
        "2026-06-01 11:00:00Z",
        "2026-06-01T11:00Z",
        "2026-06-01T11:00:00+0000",
        "2026-06-01t11:00:00z",
        "2026-06-01T11:00:00.1234567890Z",
        "2026-06-01T11:00:60Z",
        "2026-02-30T11:00:00Z",
        "2026-06-01T11:00:00Z\n",
    ],
)
def test_only_rfc3339_timestamps(occurred_at: object) -> None:
    outcome = _decode(_purchase(occurred_at=occurred_at))
    assert isinstance(outcome, Rejection)
    assert (outcome.reason, outcome.field_path) == (RejectReason.WRONG_TYPE, "occurred_at")


@pytest.mark.parametrize(
    "event_id",
    [
        "0123456789abcdef0123456789abcdef",
        "{01234567-89ab-cdef-0123-456789abcdef}",
        "urn:uuid:01234567-89ab-cdef-0123-456789abcdef",
        "01234567-89ab-cdef-0123-456789abcdef\n",
        1234,
    ],
)
def test_only_hyphenated_uuids(event_id: object) -> None:
    outcome = _decode(_purchase(event_id=event_id))
    assert isinstance(outcome, Rejection)
    assert (outcome.reason, outcome.field_path) == (RejectReason.WRONG_TYPE, "event_id")
