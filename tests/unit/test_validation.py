"""Every kind of bad record gets the reason code the dead-letter headers promise."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from consumer.contract import Purchase, RejectReason, TimeWindow
from consumer.validation import Rejection, decode_event

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
            RejectReason.WRONG_TYPE,
            "occurred_at",
        ),
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


@pytest.mark.parametrize("value", [True, "2", 2.0])
def test_whole_numbers_are_strict(value: object) -> None:
    outcome = _decode(_purchase(quantity=value))
    assert isinstance(outcome, Rejection)
    assert (outcome.reason, outcome.field_path) == (RejectReason.WRONG_TYPE, "quantity")
