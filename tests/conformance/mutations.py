"""Hand-made mutations of every field of every event type: JSON type, bounds, format,
null, missing, unknown field, NUL, blank, and length counted in characters and in bytes.

Each mutation says nothing about the expected verdict: the suite only checks that the
consumer and the schema validators reach the same one. The few mutations that hit a
documented limit the schema cannot express carry that limit's reason.
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pulse.contract import (
    MAX_COMMENT_LENGTH,
    MAX_DURATION_SECONDS,
    MAX_ID_LENGTH,
    MAX_NAME_LENGTH,
    MAX_QUANTITY,
    MAX_QUERY_LENGTH,
    MAX_RESULTS_COUNT,
    MAX_SHORT_TEXT_LENGTH,
    MAX_TRANSCRIPT_LENGTH,
    MIN_DURATION_SECONDS,
    MIN_QUANTITY,
    MIN_RESULTS_COUNT,
    EventType,
    RejectReason,
)

# A JSON value written as raw text (number spellings that json.dumps cannot produce).
RAW = "\x00raw:"


@dataclass(frozen=True, slots=True)
class Mutation:
    note: str
    value: bytes
    limit: RejectReason | None = None


_TYPES: dict[str, object] = {
    "null": None, "true": True, "zero": 0, "fraction": 1.5, "string": "x", "array": [],
    "object": {},
}  # fmt: skip
_IDS = ["a", "A-z_0.9:x", "x" * MAX_ID_LENGTH, "x" * (MAX_ID_LENGTH + 1), "", "a b", "a\n",
        "é", "a/b", "a\x00", "\n"]  # fmt: skip
_FOUR_BYTES = "😀"
# (UTC offset in minutes, how it is written): the local time is computed for the offset,
# so every well-formed one names an instant three minutes ago.
_ZONES = [(0, "Z"), (60, "+01:00"), (-330, "-05:30"), (0, "+00:00"), (0, "-00:00"),
          (1439, "+23:59"), (-1439, "-23:59"), (60, "+0100"), (60, "+01"), (0, ""), (0, "z"),
          (1440, "+24:00"), (0, "Z\n"), (0, "UTC"), (0, " Z")]  # fmt: skip
_FRACTIONS = ["", ".5", ".123456", ".123456789", ".1234567890", ".", ","]
_BAD_TIMESTAMPS = ["lower", "space", "minutes", "epoch", "day30", "leap", "hour24", "leading",
                   "date", "week"]  # fmt: skip
# Envelope mutations are the same for every type: a few types carry them.
_ENVELOPE_TYPES = {EventType.PURCHASE, EventType.SUPPORT_CALL, EventType.CLICK, EventType.LOGIN}
_UUID_FORMS = ["lower", "upper", "mixed", "hex", "braces", "urn", "newline", "short"]
_MONEY = ["19.99", "0", "0.00", "0.1", "20", "9999999999.99", "10000000000.00", "-1.00",
          "1.999", "01.00", "1.", ".5", "+1", "1e2", " 1", "1,00", "NaN", "Infinity", "",
          "1.00\n", "١٢"]  # fmt: skip
_MONEY_NUMBERS = [f"{RAW}19.99", f"{RAW}20.0", f"{RAW}0", f"{RAW}20", f"{RAW}2e1", f"{RAW}-0",
                  f"{RAW}9999999999", f"{RAW}10000000000", f"{RAW}-1", f"{RAW}0.5",
                  f"{RAW}1e400"]  # fmt: skip


def base_event(event_type: EventType, now: datetime) -> dict[str, Any]:
    """A valid event of `event_type` with every optional field set."""
    event: dict[str, Any] = {
        "schema_version": 1,
        "event_id": str(uuid.uuid4()),
        "event_type": event_type.value,
        "occurred_at": _stamp(now - timedelta(minutes=5)),
        "user_id": "u-1",
        "session_id": "s-1",
        "device": "mobile",
        "location": {"country": "SE", "city": "Malmö"},
    }
    content = {"content_id": "c-1", "author_id": "a-1", "category": "Tech"}
    cart = {"product_id": "p-1", "quantity": 2, "unit_price": "19.99", "currency": "EUR"}
    extra: dict[EventType, dict[str, Any]] = {
        EventType.PAGE_VIEW: content,
        EventType.CLICK: {**content, "element": "buy-button"},
        EventType.PAGE_CREATE: content,
        EventType.PAGE_EDIT: content,
        EventType.COMMENT: {**content, "text": "Nice post"},
        EventType.LIKE: content,
        EventType.SHARE: {**content, "channel": "email"},
        EventType.SEARCH: {"query": "kafka", "results_count": 3},
        EventType.ADD_TO_CART: cart,
        EventType.REMOVE_FROM_CART: cart,
        EventType.PURCHASE: {**cart, "order_id": "o-1"},
        EventType.SIGNUP: {"referral_source": "ads"},
        EventType.SUPPORT_CALL: {
            "call_id": "call-1",
            "agent_id": "agent-1",
            "agent_name": "Ann Lee",
            "duration_seconds": 300,
            "transcript": "Agent: Hello.\nCustomer: Hi.",
        },
    }
    return event | extra.get(event_type, {})


def mutations(now: datetime, rng: random.Random) -> Iterator[tuple[EventType, Mutation]]:
    """Every mutation of every event type, each on its own fresh base event."""
    for event_type in EventType:
        for note, change in _changes(event_type, now):
            event = base_event(event_type, now)
            change(event)
            yield event_type, Mutation(f"{event_type.value}: {note}", encode(event, rng))
        yield from _limits(event_type, now, rng)


def encode(event: Any, rng: random.Random) -> bytes:
    """JSON as producers write it: raw UTF-8 or \\u escapes, with RAW values spliced in."""
    text = json.dumps(event, ensure_ascii=rng.random() < 0.3)
    while (start := text.find(json.dumps(RAW)[:-1])) != -1:
        end = text.index('"', start + 1)
        literal = json.loads(text[start : end + 1])
        text = text[:start] + literal.removeprefix(RAW) + text[end + 1 :]
    return text.encode()


Change = Any  # a callable that edits an event in place


def _changes(event_type: EventType, now: datetime) -> Iterator[tuple[str, Change]]:
    event = base_event(event_type, now)
    yield "as is", lambda _: None
    yield "unknown field", lambda e: e.update(coupon="SPRING", nested={"a": [1, None]})
    yield "unknown field with NUL", lambda e: e.update(note="a\x00b")
    yield "unknown location field", lambda e: e["location"].update(zip="21120")
    for field in event:
        yield f"{field} missing", _delete(field)
        for name, value in _TYPES.items():
            yield f"{field} as {name}", _set(field, value)
    if event_type in _ENVELOPE_TYPES:
        yield from _envelope(now)
    yield from _text_fields(event)
    yield from _numbers(event)
    yield "event_type unknown", _set("event_type", "teleport")
    yield "event_type in capitals", _set("event_type", event_type.value.upper())
    for other in EventType:
        if other is not event_type:
            yield f"event_type {other.value}", _set("event_type", other.value)


def _envelope(now: datetime) -> Iterator[tuple[str, Change]]:
    for version in (1.0, 2, 0, -1, "1", True, f"{RAW}1e0", f"{RAW}1.0"):
        yield f"schema_version {version!r}", _set("schema_version", version)
    for form in _UUID_FORMS:
        yield f"event_id {form}", _set("event_id", _uuid_form(form))
    for minutes, zone in _ZONES:
        for fraction in _FRACTIONS:
            stamp = _local(now, minutes) + fraction + zone
            yield f"occurred_at {stamp!r}", _set("occurred_at", stamp)
    for shape in _BAD_TIMESTAMPS:
        yield f"occurred_at {shape}", _set("occurred_at", _timestamp_form(shape, now))
    yield "occurred_at epoch number", _set("occurred_at", int(now.timestamp()) - 60)
    for field in ("user_id", "session_id"):
        for value in _IDS:
            yield f"{field} {value!r}", _set(field, value)
    for device in ("DESKTOP", "fridge", "", "desktop "):
        yield f"device {device!r}", _set("device", device)
    for country in ("se", "SWE", "S", "S1", "SE\n", "ÅÄ"):
        yield f"country {country!r}", _location(country=country)
    longest = MAX_NAME_LENGTH
    for city in ("", " ", "\t\r\n", "a\x00", "x" * longest, "x" * (longest + 1),
                 _FOUR_BYTES * longest, _FOUR_BYTES * (longest + 1), " x "):  # fmt: skip
        yield f"city of {len(city)} chars {city[:3]!r}", _location(city=city)
    yield "location without city", lambda e: e["location"].pop("city")
    yield "location null", _set("location", None)


def _text_fields(event: dict[str, Any]) -> Iterator[tuple[str, Change]]:
    limits = {
        "category": MAX_SHORT_TEXT_LENGTH, "element": MAX_SHORT_TEXT_LENGTH,
        "channel": MAX_SHORT_TEXT_LENGTH, "referral_source": MAX_SHORT_TEXT_LENGTH,
        "text": MAX_COMMENT_LENGTH, "query": MAX_QUERY_LENGTH, "agent_name": MAX_NAME_LENGTH,
        "transcript": MAX_TRANSCRIPT_LENGTH,
    }  # fmt: skip
    for field, longest in limits.items():
        if field not in event:
            continue
        for value in ("", " ", "\n\t", "\x00", "a\x00b", " a ", "\u00a0", "\u2028",
                      "x" * longest, "x" * (longest + 1), "é" * longest, "é" * (longest + 1),
                      _FOUR_BYTES * min(longest, 10_000), _FOUR_BYTES * (longest + 1)):  # fmt: skip
            yield f"{field} of {len(value)} chars {value[:3]!r}", _set(field, value)
    for field in ("content_id", "author_id", "product_id", "order_id", "call_id", "agent_id"):
        if field in event:
            for value in _IDS:
                yield f"{field} {value!r}", _set(field, value)
    if "currency" in event:
        for currency in ("USD", "usd", "US", "USDX", "US1", "USD\n"):
            yield f"currency {currency!r}", _set("currency", currency)


def _numbers(event: dict[str, Any]) -> Iterator[tuple[str, Change]]:
    bounds = {
        "quantity": (MIN_QUANTITY, MAX_QUANTITY),
        "results_count": (MIN_RESULTS_COUNT, MAX_RESULTS_COUNT),
        "duration_seconds": (MIN_DURATION_SECONDS, MAX_DURATION_SECONDS),
    }
    for field, (low, high) in bounds.items():
        if field not in event:
            continue
        values: list[object] = [low, high, low - 1, high + 1, float(low), float(high),
                                f"{RAW}{high}.0", f"{RAW}{low}e0", f"{RAW}{high}.5",
                                f"{RAW}{low}.000", f"{RAW}1e400", 2**31, 2**63, -(2**31) - 1,
                                str(low), True, False]  # fmt: skip
        for value in values:
            yield f"{field} {value!r}", _set(field, value)
    if "unit_price" in event:
        for price in [*_MONEY, *_MONEY_NUMBERS, 20.0, True]:
            yield f"unit_price {price!r}", _set("unit_price", price)


def _limits(
    event_type: EventType, now: datetime, rng: random.Random
) -> Iterator[tuple[EventType, Mutation]]:
    """Mutations that only a documented limit rejects: the schema cannot see them."""
    note = event_type.value + ": "
    cases: list[tuple[str, Change, RejectReason]] = [
        ("401 days old", _set("occurred_at", _stamp(now - timedelta(days=401))),
         RejectReason.TIMESTAMP_TOO_OLD),
        ("an hour ahead", _set("occurred_at", _stamp(now + timedelta(hours=1))),
         RejectReason.TIMESTAMP_IN_FUTURE),
        ("year 0000", _set("occurred_at", "0000-03-01T00:00:00Z"), RejectReason.TIMESTAMP_TOO_OLD),
        ("year 1 east of UTC", _set("occurred_at", "0001-01-01T00:30:00+01:00"),
         RejectReason.TIMESTAMP_TOO_OLD),
        ("year 9999 west of UTC", _set("occurred_at", "9999-12-31T23:30:00-01:00"),
         RejectReason.TIMESTAMP_IN_FUTURE),
        ("70 kB unknown field", lambda e: e.update(padding="x" * 70_000), RejectReason.OVERSIZED),
    ]  # fmt: skip
    if event_type is EventType.SUPPORT_CALL:
        cases.append((
            f"transcript of {MAX_TRANSCRIPT_LENGTH} 4-byte characters",
            _set("transcript", _FOUR_BYTES * MAX_TRANSCRIPT_LENGTH),
            RejectReason.OVERSIZED,
        ))  # fmt: skip
    for what, change, reason in cases:
        event = base_event(event_type, now)
        change(event)
        yield event_type, Mutation(note + what, encode(event, rng), reason)
    # I-JSON: a lone surrogate escape is valid JSON text to Python and JavaScript, not to
    # the consumer's parser.
    event = base_event(event_type, now)
    event["location"]["city"] = "Malm\ud800"
    lone = json.dumps(event).encode()
    yield event_type, Mutation(note + "lone surrogate", lone, RejectReason.MALFORMED_JSON)


def _set(field: str, value: object) -> Change:
    return lambda event: event.__setitem__(field, value)


def _delete(field: str) -> Change:
    return lambda event: event.pop(field)


def _location(**changes: str) -> Change:
    return lambda event: event["location"].update(changes)


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _uuid_form(form: str) -> object:
    value = uuid.uuid4()
    forms = {
        "lower": str(value), "upper": str(value).upper(),
        "mixed": str(value)[:18] + str(value)[18:].upper(), "hex": value.hex,
        "braces": "{" + str(value) + "}", "urn": value.urn, "newline": str(value) + "\n",
        "short": str(value)[:-1],
    }  # fmt: skip
    return forms[form]


def _local(now: datetime, offset_minutes: int) -> str:
    """Three minutes ago as the wall clock at `offset_minutes` east of UTC shows it."""
    moment = now - timedelta(minutes=3) + timedelta(minutes=offset_minutes)
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


def _timestamp_form(shape: str, now: datetime) -> str:
    moment = now - timedelta(minutes=3)
    t = moment.strftime("%Y-%m-%dT%H:%M:%S")
    forms = {
        "lower": t.replace("T", "t") + "z", "space": t.replace("T", " ") + "Z",
        "minutes": t[:16] + "Z", "epoch": str(int(moment.timestamp())),
        "day30": f"{moment.year}-02-30T10:00:00Z", "leap": t[:17] + "60Z",
        "hour24": t[:11] + "24" + t[13:] + "Z", "leading": " " + t + "Z", "date": t[:10],
        "week": moment.strftime("%G-W%V-%uT%H:%M:%SZ"),
    }  # fmt: skip
    return forms[shape]
