"""What a dead letter is and how it is shaped: the original key, bytes and headers, plus
the `pulse.*` headers that let each record explain itself. This module owns every
`pulse.*` header name and its encoding. Every rejected record can be published: what Kafka
or kafka-python would refuse to re-send as it is (no key and no value, null header
values, a record too large with our headers added) is shaped so that it can be, and the
headers say how."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from consumer.ingest.decode import Rejection
from pulse import __version__
from pulse.contract import SCHEMA_VERSION

logger = logging.getLogger(__name__)

HEADER_PREFIX = "pulse."
# Set by `dlq replay` on the records it sends back to the source topic.
REPLAY_COUNT_HEADER = f"{HEADER_PREFIX}replay.count"
REPLAY_ORIGIN_HEADER = f"{HEADER_PREFIX}replay.origin"
# Bounds that keep a dead letter's own headers small whatever the record held.
MAX_ERROR_CHARS = 1000
MAX_ERRORS_JSON_BYTES = 8192
MAX_ORIGINAL_HEADERS_BYTES = 65_536
# A dead letter too large to send keeps this much of its payload (and of its key).
EXCERPT_BYTES = 16_384
# Record and batch framing on top of key, value and headers (generous: varints, CRC).
RECORD_OVERHEAD_BYTES = 1024
TRUE = b"true"


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """A rejected record and where it came from."""

    topic: str
    partition: int
    offset: int
    timestamp_ms: int
    key: bytes | None
    value: bytes | None
    headers: Sequence[tuple[str, bytes | None]]
    rejection: Rejection


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A dead letter as it is sent."""

    key: bytes | None
    value: bytes
    headers: list[tuple[str, bytes]]

    def size_bytes(self) -> int:
        return (
            (len(self.key) if self.key is not None else 0)
            + len(self.value)
            + sum(len(k.encode("utf-8")) + len(v) + 2 for k, v in self.headers)
            + RECORD_OVERHEAD_BYTES
        )


def dead_letter_headers(letter: DeadLetter, group_id: str) -> list[tuple[str, bytes]]:
    """The record's own headers (bounded, null values as empty ones) and the pulse.* ones."""
    return _original_headers(letter) + _pulse_headers(letter, group_id)


def outgoing(letter: DeadLetter, group_id: str, *, max_bytes: int) -> Outgoing:
    """The dead letter to send: as the record was, unless that cannot be sent."""
    headers = dead_letter_headers(letter, group_id)
    key, value = letter.key, letter.value
    if value is None:
        # Kafka allows a record with neither; kafka-python refuses to send one. And a
        # keyed record without a value is a tombstone (a catalog deletion): sent with an
        # empty value, and named, so that `dlq replay` sends a tombstone again.
        value = b""
        headers.append((f"{HEADER_PREFIX}value.null", TRUE))
    sized = Outgoing(key, value or b"", headers)
    if sized.size_bytes() <= max_bytes:
        return sized
    return _truncated(letter, sized)


def minimal(letter: DeadLetter, group_id: str, cause: BaseException) -> Outgoing:
    """The smallest dead letter: where the record is and why it was rejected, no payload."""
    headers = [
        *_pulse_headers(letter, group_id),
        (f"{HEADER_PREFIX}payload.dropped", TRUE),
        (f"{HEADER_PREFIX}payload.bytes", str(_size(letter.value)).encode()),
        (f"{HEADER_PREFIX}publish.error", _bounded(repr(cause), MAX_ERROR_CHARS).encode()),
    ]
    return Outgoing(None, b"", headers)


def _truncated(letter: DeadLetter, sized: Outgoing) -> Outgoing:
    value = letter.value or b""
    headers = [
        *sized.headers,
        (f"{HEADER_PREFIX}payload.truncated", TRUE),
        (f"{HEADER_PREFIX}payload.bytes", str(len(value)).encode()),
        (f"{HEADER_PREFIX}payload.sha256", hashlib.sha256(value).hexdigest().encode()),
    ]
    key = sized.key
    if key is not None and len(key) > EXCERPT_BYTES:
        key = key[:EXCERPT_BYTES]
        headers.append((f"{HEADER_PREFIX}key.truncated", TRUE))
    return Outgoing(key, value[:EXCERPT_BYTES], headers)


def _original_headers(letter: DeadLetter) -> list[tuple[str, bytes]]:
    # The producer's own headers ride along, minus any stale pulse.* ones from a replay.
    kept = [(k, v) for k, v in letter.headers if not k.startswith(HEADER_PREFIX)]
    replays = [v for k, v in letter.headers if k == f"{HEADER_PREFIX}replay.count"]
    size = sum(len(k.encode("utf-8")) + _size(v) for k, v in kept)
    if size > MAX_ORIGINAL_HEADERS_BYTES:
        out = [(f"{HEADER_PREFIX}headers.dropped", str(len(kept)).encode())]
    else:
        nulls = [i for i, (_, v) in enumerate(kept) if v is None]
        out = [(k, b"" if v is None else v) for k, v in kept]
        if nulls:
            # kafka-python sends no null header value: sent empty, and named here.
            out.append((f"{HEADER_PREFIX}headers.null", json.dumps(nulls).encode()))
    if replays and replays[-1] is not None:
        out.append((f"{HEADER_PREFIX}replay.count", replays[-1]))
    return out


def _pulse_headers(letter: DeadLetter, group_id: str) -> list[tuple[str, bytes]]:
    rejection = letter.rejection
    pulse_headers = {
        "reason": rejection.reason.value,
        "error": _bounded(rejection.message, MAX_ERROR_CHARS),
        "field": _bounded(rejection.field_path, MAX_ERROR_CHARS),
        "errors": _errors_json(rejection),
        "origin.topic": letter.topic,
        "origin.partition": str(letter.partition),
        "origin.offset": str(letter.offset),
        "origin.timestamp_ms": str(letter.timestamp_ms),
        "consumer.group": group_id,
        "consumer.version": __version__,
        "schema_version": str(SCHEMA_VERSION),
        "failed_at": datetime.now(UTC).isoformat(),
    }
    if rejection.sqlstate:
        pulse_headers["sqlstate"] = rejection.sqlstate
    return [(HEADER_PREFIX + k, v.encode("utf-8", "replace")) for k, v in pulse_headers.items()]


def _errors_json(rejection: Rejection) -> str:
    details = [
        {
            "path": _bounded(d.path, 200),
            "type": d.error_type,
            "message": _bounded(d.message, 500),
        }
        for d in rejection.details
    ]
    while details:
        text = json.dumps(details, ensure_ascii=False)
        if len(text.encode("utf-8", "replace")) <= MAX_ERRORS_JSON_BYTES:
            return text
        details.pop()
    return "[]"


def _bounded(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _size(data: bytes | None) -> int:
    return 0 if data is None else len(data)
