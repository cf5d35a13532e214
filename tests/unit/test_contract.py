"""The event contract itself: the checked-in JSON Schema is current, amounts are exact,
unknown fields are tolerated but dropped, and every bound holds at its edge."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from consumer.ingest.decode import Rejection, decode_event
from pulse.contract import (
    EVENT_ADAPTER,
    INT4_MAX,
    MAX_DURATION_SECONDS,
    MAX_QUANTITY,
    MAX_RESULTS_COUNT,
    MAX_UNIT_PRICE,
    MIN_DURATION_SECONDS,
    MIN_QUANTITY,
    MIN_RESULTS_COUNT,
    MIN_UNIT_PRICE,
    SCHEMA_VERSION,
    UNIT_PRICE_DECIMAL_PLACES,
    UNIT_PRICE_MAX_DIGITS,
    AddToCart,
    EventType,
    PageView,
    Purchase,
    RejectReason,
    SupportCall,
    TimeWindow,
)
from pulse.schema_export import SCHEMA_PATH, main, render_schema

README = Path(__file__).resolve().parents[2] / "README.md"
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
        "schema/activity_event.schema.json is stale: run `python -m pulse.schema_export`"
    )


def test_schema_covers_every_event_type() -> None:
    schema = json.loads(render_schema())
    tags = {event_type.value for event_type in EventType}
    assert set(schema["properties"]["event_type"]["enum"]) == tags
    for rule in schema["allOf"]:
        tag = rule["if"]["properties"]["event_type"]["const"]
        branch = schema["$defs"][rule["then"]["$ref"].rsplit("/", 1)[1]]
        assert branch["properties"]["event_type"]["const"] == tag
        assert "event_type" in branch["required"]
        tags.remove(tag)
    assert not tags


@pytest.mark.parametrize("price", [19.99, 20.5, 0.1])
def test_amounts_as_fractional_json_numbers_are_rejected(price: float) -> None:
    assert _error_types(_event(unit_price=price)) == ["decimal_not_float"]


@pytest.mark.parametrize(
    ("price", "exact"),
    [("19.99", "19.99"), (20, "20"), ("0.10", "0.10"), (20.0, "20"), ("9999999999.99", None)],
)
def test_amounts_as_strings_or_integers_stay_exact(price: object, exact: str) -> None:
    event = _validate(_event(unit_price=price))
    assert isinstance(event, AddToCart)
    exact = exact or str(MAX_UNIT_PRICE)
    assert event.unit_price == Decimal(exact)
    assert str(event.unit_price) == exact


@pytest.mark.parametrize(
    "price",
    ["-0.01", "1.001", "12345678901.00", "NaN", "Infinity", "1e2", " 1.00", ".5", "1.", "+1"],
)
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


def test_every_bound_fits_its_postgresql_column() -> None:
    for low, high in (
        (MIN_QUANTITY, MAX_QUANTITY),
        (MIN_RESULTS_COUNT, MAX_RESULTS_COUNT),
        (MIN_DURATION_SECONDS, MAX_DURATION_SECONDS),
    ):
        assert -INT4_MAX - 1 <= low <= high <= INT4_MAX
    # numeric(12, 2): the largest value with 12 digits, 2 of them after the point.
    largest = Decimal(10) ** (UNIT_PRICE_MAX_DIGITS - UNIT_PRICE_DECIMAL_PLACES) - Decimal("0.01")
    assert (UNIT_PRICE_MAX_DIGITS, UNIT_PRICE_DECIMAL_PLACES) == (12, 2)
    assert MIN_UNIT_PRICE == 0
    assert largest == MAX_UNIT_PRICE


def test_timestamps_keep_their_offset_and_truncate_to_microseconds() -> None:
    event = _validate(_event(occurred_at="2026-03-02T10:29:00.123456789+01:00"))
    assert event.occurred_at == NOW - timedelta(minutes=1) + timedelta(microseconds=123_456)
    assert event.occurred_at.utcoffset() == timedelta(hours=1)
    assert _validate(_event(occurred_at="2026-03-02T09:29:00Z")).occurred_at.tzinfo is UTC


def test_upper_case_uuids_are_the_same_uuid() -> None:
    event = _validate(_event(event_id="6F9619FF-8B86-D011-B42D-00C04FC964FF"))
    assert event.event_id == uuid.UUID("6f9619ff-8b86-d011-b42d-00c04fc964ff")


def test_schema_version_is_the_integer_one() -> None:
    assert _validate(_event(schema_version=1.0)).schema_version == 1
    for version in (True, "1", 2, 0):
        assert _error_types(_event(schema_version=version))


def test_blank_and_nul_text_is_rejected() -> None:
    call = {
        "call_id": "call-1",
        "agent_id": "agent-001",
        "agent_name": "Ann Lee",
        "duration_seconds": 60,
        "transcript": " x ",
    }
    assert isinstance(_validate(_event("support_call", **call)), SupportCall)
    blank = decode_event(
        json.dumps(_event("support_call", **{**call, "transcript": " \n\t\r "})).encode(),
        window=WINDOW,
        max_bytes=1_000_000,
    )
    assert isinstance(blank, Rejection)
    assert (blank.reason, blank.field_path) == (RejectReason.INVALID_VALUE, "transcript")
    assert [(d.error_type, d.message) for d in blank.details] == [
        ("string_blank", "text must not be blank")
    ]
    nul = decode_event(
        json.dumps(_event("support_call", **{**call, "agent_name": "A\x00"})).encode(),
        window=WINDOW,
        max_bytes=1_000_000,
    )
    assert isinstance(nul, Rejection)
    assert (nul.reason, nul.field_path) == (RejectReason.INVALID_VALUE, "agent_name")
    assert [(d.error_type, d.message) for d in nul.details] == [
        ("string_nul", "text must not contain NUL characters")
    ]


def test_a_window_wider_than_the_calendar_bounds_nothing() -> None:
    wide = TimeWindow(NOW, timedelta(days=9_999_999), timedelta(days=9_999_999))
    for moment in ("0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z"):
        raw = json.dumps(_event(occurred_at=moment))
        assert EVENT_ADAPTER.validate_json(raw, context={"window": wide})


def test_python_callers_may_pass_uuid_datetime_and_decimal_objects() -> None:
    event = EVENT_ADAPTER.validate_python(
        _event(event_id=uuid.UUID(int=7), occurred_at=NOW, unit_price=Decimal("2.50"))
    )
    assert isinstance(event, AddToCart)
    assert (event.event_id, event.occurred_at, event.unit_price) == (
        uuid.UUID(int=7),
        NOW,
        Decimal("2.50"),
    )
    with pytest.raises(ValidationError):
        EVENT_ADAPTER.validate_python(_event(occurred_at=NOW.replace(tzinfo=None)))
    with pytest.raises(ValidationError):
        EVENT_ADAPTER.validate_python(_event(unit_price=Decimal("2.505")))


def test_serialized_events_validate_again_unchanged() -> None:
    event = _validate(_event(occurred_at="2026-03-02T10:29:00.5+01:00", unit_price="0.10"))
    again = EVENT_ADAPTER.validate_json(EVENT_ADAPTER.dump_json(event), context={"window": WINDOW})
    assert again == event


def test_schema_check_fails_on_a_stale_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stale = tmp_path / "activity_event.schema.json"
    stale.write_text(render_schema().replace('"maxLength": 64', '"maxLength": 65'))
    monkeypatch.setattr("pulse.schema_export.SCHEMA_PATH", stale)
    assert main(["--check"]) == 1
    assert "python -m pulse.schema_export" in capsys.readouterr().err
    stale.write_text(render_schema())
    assert main(["--check"]) == 0


def test_limits_the_schema_cannot_express_are_documented() -> None:
    description = json.loads(render_schema())["description"]
    readme = README.read_text(encoding="utf-8").split("## Producers in other languages", 1)[1]
    for word in (
        "MAX_EVENT_BYTES", "LATE_HORIZON_DAYS", "CLOCK_SKEW_SECONDS", "oversized",
        "timestamp_too_old", "timestamp_in_future", "malformed_json", "I-JSON",
    ):  # fmt: skip
        assert word in description, word
        assert word in readme.split("\n## ", 1)[0], word
