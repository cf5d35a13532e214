"""The event contract itself: the checked-in JSON Schema is current, amounts are exact,
unknown fields are tolerated but dropped, and every bound holds at its edge."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from consumer.contract import (
    EVENT_ADAPTER,
    SCHEMA_VERSION,
    AddToCart,
    EventType,
    PageView,
    Purchase,
    SupportCall,
    TimeWindow,
)
from consumer.schema_export import SCHEMA_PATH, render_schema

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
WINDOW = TimeWindow(NOW, timedelta(days=400), timedelta(minutes=5))


def _event(event_type: str = "add_to_cart", /, **changes: object) -> dict[str, Any]:
    event: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "event_id": str(uuid.UUID(int=42, version=4)),
        "event_type": event_type,
        "occurred_at": (NOW - timedelta(minutes=1)).isoformat(),
        "user_id": "u-1",
        "session_id": "s-1",
        "device": "desktop",
        "location": {"country": "SE", "city": "Malmö"},
        "product_id": "p-1",
        "quantity": 1,
        "unit_price": "1299.00",
        "currency": "USD",
    }
    event.update(changes)
    return event


def _validate(event: dict[str, Any]) -> Any:
    return EVENT_ADAPTER.validate_json(json.dumps(event), context={"window": WINDOW})


def _error_types(event: dict[str, Any]) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        _validate(event)
    return [error["type"] for error in caught.value.errors()]


def test_checked_in_json_schema_is_current() -> None:
    assert SCHEMA_PATH.read_text(encoding="utf-8") == render_schema(), (
        "schema/activity_event.schema.json is stale: run `python -m consumer.schema_export`"
    )


def test_schema_covers_every_event_type() -> None:
    schema = json.loads(render_schema())
    tags = set(schema["discriminator"]["mapping"])
    assert tags == {event_type.value for event_type in EventType}


@pytest.mark.parametrize("price", [19.99, 20.0, 0.1])
def test_amounts_as_json_floats_are_rejected(price: float) -> None:
    assert _error_types(_event(unit_price=price)) == ["decimal_not_float"]


@pytest.mark.parametrize(("price", "exact"), [("19.99", "19.99"), (20, "20"), ("0.10", "0.10")])
def test_amounts_as_strings_or_integers_stay_exact(price: object, exact: str) -> None:
    event = _validate(_event(unit_price=price))
    assert isinstance(event, AddToCart)
    assert event.unit_price == Decimal(exact)
    assert str(event.unit_price) == exact


@pytest.mark.parametrize("price", ["-0.01", "1.001", "12345678901.00", "NaN", "Infinity"])
def test_amounts_out_of_bounds_are_rejected(price: str) -> None:
    assert _error_types(_event(unit_price=price))


def test_unknown_fields_are_ignored_and_dropped() -> None:
    event = _validate(_event(coupon="SPRING", location={"country": "SE", "city": "Malmö", "x": 1}))
    assert "coupon" not in event.model_dump()
    assert event.model_dump()["location"] == {"country": "SE", "city": "Malmö"}


def test_purchase_needs_an_order_id() -> None:
    assert "missing" in _error_types(_event("purchase"))
    purchase = _validate(_event("purchase", order_id="o-1", quantity=3))
    assert isinstance(purchase, Purchase)
    assert purchase.quantity * purchase.unit_price == Decimal("3897.00")


@pytest.mark.parametrize(
    ("field", "ok", "too_far"),
    [
        ("user_id", "u" * 64, "u" * 65),
        ("session_id", "s-1", ""),
        ("quantity", 10_000, 10_001),
        ("quantity", 1, 0),
        ("currency", "EUR", "EURO"),
    ],
)
def test_bounds_hold_at_their_edges(field: str, ok: object, too_far: object) -> None:
    _validate(_event(**{field: ok}))
    assert _error_types(_event(**{field: too_far}))


def test_location_bounds() -> None:
    _validate(_event(location={"country": "JP", "city": "市" * 100}))
    assert _error_types(_event(location={"country": "JP", "city": "市" * 101}))
    assert _error_types(_event(location={"country": "jp", "city": "Tokyo"}))


def test_transcript_and_duration_bounds() -> None:
    call = {
        "call_id": "call-1",
        "agent_id": "agent-001",
        "agent_name": "Ann Lee",
        "duration_seconds": 86_400,
        "transcript": "x" * 20_000,
    }
    assert isinstance(_validate(_event("support_call", **call)), SupportCall)
    assert _error_types(_event("support_call", **{**call, "transcript": "x" * 20_001}))
    assert _error_types(_event("support_call", **{**call, "duration_seconds": 0}))


def test_time_window_bounds_both_ways() -> None:
    oldest = NOW - WINDOW.late_horizon
    newest = NOW + WINDOW.clock_skew
    for moment in (oldest, newest):
        _validate(_event(occurred_at=moment.isoformat()))
    assert _error_types(_event(occurred_at=(oldest - timedelta(seconds=1)).isoformat())) == [
        "timestamp_too_old"
    ]
    assert _error_types(_event(occurred_at=(newest + timedelta(seconds=1)).isoformat())) == [
        "timestamp_in_future"
    ]


def test_naive_timestamps_are_rejected_and_offsets_kept() -> None:
    assert _error_types(_event(occurred_at="2026-03-02T09:00:00")) == ["timezone_aware"]
    event = _validate(_event(occurred_at="2026-03-02T10:29:00+01:00"))
    assert event.occurred_at == NOW - timedelta(minutes=1)


def test_without_a_window_only_types_are_checked() -> None:
    event = EVENT_ADAPTER.validate_python(
        _event(
            "page_view",
            occurred_at="2001-01-01T00:00:00Z",
            content_id="c-1",
            author_id="u-2",
            category="Tech",
        )
    )
    assert isinstance(event, PageView)
