"""A dead-letter record as the dlq commands see it: where it sits, where it came from,
why it was rejected (parsed from the `pulse.*` headers that `consumer.deadletters.letters` writes)
and, when the payload is JSON, the event type and id it claims.

Parsing never raises: records written by hand or by another version of Pulse may lack
headers or carry garbled ones, and a tool for inspecting poison must not choke on it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from consumer.deadletters.letters import (
    HEADER_PREFIX,
)

UNKNOWN_REASON = "unknown"


@dataclass(frozen=True, slots=True, order=True)
class Coordinates:
    """A record's address in Kafka, printed as `topic/partition/offset`."""

    topic: str
    partition: int
    offset: int

    def __str__(self) -> str:
        return f"{self.topic}/{self.partition}/{self.offset}"


@dataclass(frozen=True, slots=True)
class FieldDetail:
    """One entry of the `pulse.errors` header (pydantic's error list)."""

    path: str
    error_type: str
    message: str


@dataclass(frozen=True, slots=True)
class DeadLetterRecord:
    address: Coordinates  # in the dead-letter topic
    timestamp_ms: int  # the dead-letter record's Kafka timestamp
    key: bytes | None
    value: bytes | None
    headers: tuple[tuple[str, bytes], ...]
    reason: str
    error: str
    field_path: str
    details: tuple[FieldDetail, ...]
    origin: Coordinates | None
    origin_timestamp_ms: int | None
    failed_at: datetime
    consumer_group: str
    consumer_version: str
    schema_version: str
    replay_count: int
    # As claimed by the payload, when it is a JSON object: an event's event_type, or a
    # catalog record's entity_type.
    event_type: str | None
    event_id: str | None
    value_was_null: bool = False  # the record had no value (pulse.value.null)

    @property
    def identity(self) -> Coordinates:
        """What makes two dead letters the same: the origin record (a re-send after a
        crash repeats it); records without origin headers are identified by themselves."""
        return self.origin or self.address

    @property
    def original_headers(self) -> list[tuple[str, bytes | None]]:
        """The producer's own headers, as the record carried them on the main topic: the
        dead-letter publisher sent null values empty and listed their positions in
        `pulse.headers.null`, so they are null again here."""
        kept: list[tuple[str, bytes | None]] = [
            (k, v) for k, v in self.headers if not k.startswith(HEADER_PREFIX)
        ]
        for position in _null_positions(_pulse_headers(self.headers).get("headers.null")):
            if position < len(kept) and kept[position][1] == b"":
                kept[position] = (kept[position][0], None)
        return kept

    @property
    def original_value(self) -> bytes | None:
        """The value as the record carried it on the main topic (None: a tombstone)."""
        return None if self.value_was_null else self.value

    @property
    def payload_size(self) -> int:
        return len(self.value) if self.value is not None else 0

    @property
    def missing_parts(self) -> tuple[str, ...]:
        """What of the original record this dead letter does not hold (the dead-letter
        publisher cut a record too large to send whole, or sent none of it when even that
        failed); empty when it holds the whole record."""
        pulse = _pulse_headers(self.headers)
        size = pulse.get("payload.bytes", "?")
        missing = []
        if pulse.get("payload.dropped") == "true":
            missing.append(f"the payload was dropped ({size} bytes)")
        elif pulse.get("payload.truncated") == "true":
            missing.append(f"the payload holds {self.payload_size} of {size} bytes")
        if pulse.get("key.truncated") == "true":
            missing.append("the key was cut")
        if "headers.dropped" in pulse:
            missing.append(f"the producer's {pulse['headers.dropped']} headers were dropped")
        return tuple(missing)


def from_kafka(record: Any) -> DeadLetterRecord:
    """Build a typed record from a kafka-python ConsumerRecord of the dead-letter topic."""
    headers = tuple((str(k), bytes(v or b"")) for k, v in (record.headers or ()))
    pulse = _pulse_headers(headers)
    event_type, event_id = _claimed_identity(record.value)
    return DeadLetterRecord(
        address=Coordinates(record.topic, record.partition, record.offset),
        timestamp_ms=record.timestamp,
        key=record.key,
        value=record.value,
        headers=headers,
        reason=pulse.get("reason") or UNKNOWN_REASON,
        error=pulse.get("error", ""),
        field_path=pulse.get("field", ""),
        details=_details(pulse.get("errors", "")),
        origin=_origin(pulse),
        origin_timestamp_ms=_int(pulse.get("origin.timestamp_ms")),
        failed_at=_failed_at(pulse.get("failed_at"), record.timestamp),
        consumer_group=pulse.get("consumer.group", ""),
        consumer_version=pulse.get("consumer.version", ""),
        schema_version=pulse.get("schema_version", ""),
        replay_count=max(_int(pulse.get("replay.count")) or 0, 0),
        event_type=event_type,
        event_id=event_id,
        value_was_null=pulse.get("value.null") == "true",
    )


def _pulse_headers(headers: Sequence[tuple[str, bytes]]) -> dict[str, str]:
    # The last value wins, as in deadletter.py, should a header appear twice.
    return {
        k.removeprefix(HEADER_PREFIX): v.decode("utf-8", errors="replace")
        for k, v in headers
        if k.startswith(HEADER_PREFIX)
    }


def _null_positions(listed: str | None) -> list[int]:
    """The positions `pulse.headers.null` lists (a JSON array of integers); none when the
    header is absent or not such an array."""
    if listed is None:
        return []
    try:
        positions = json.loads(listed)
    except ValueError:
        return []
    if not isinstance(positions, list):
        return []
    return [p for p in positions if isinstance(p, int) and not isinstance(p, bool) and p >= 0]


def _int(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def _origin(pulse: dict[str, str]) -> Coordinates | None:
    topic = pulse.get("origin.topic")
    partition = _int(pulse.get("origin.partition"))
    offset = _int(pulse.get("origin.offset"))
    if not topic or partition is None or offset is None:
        return None
    return Coordinates(topic, partition, offset)


def _failed_at(text: str | None, timestamp_ms: int) -> datetime:
    if text:
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            parsed = None
        if parsed is not None:
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return datetime.fromtimestamp(max(timestamp_ms, 0) / 1000, UTC)


def _details(text: str) -> tuple[FieldDetail, ...]:
    try:
        items = json.loads(text) if text else []
    except ValueError:
        return ()
    if not isinstance(items, list):
        return ()
    return tuple(
        FieldDetail(
            str(item.get("path", "")), str(item.get("type", "")), str(item.get("message", ""))
        )
        for item in items
        if isinstance(item, dict)
    )


def _claimed_identity(value: bytes | None) -> tuple[str | None, str | None]:
    """The payload's `event_type` (or a catalog record's `entity_type`) and `event_id` when
    it is a JSON object carrying strings."""
    if value is None:
        return None, None
    try:
        payload = json.loads(value)
    except (ValueError, RecursionError):
        return None, None
    if not isinstance(payload, dict):
        return None, None
    event_type = payload.get("event_type", payload.get("entity_type"))
    event_id = payload.get("event_id")
    return (
        event_type if isinstance(event_type, str) else None,
        event_id if isinstance(event_id, str) else None,
    )
