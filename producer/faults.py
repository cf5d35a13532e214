"""Fault injection: per valid event, one draw decides late, duplicate or a defect copy that
the contract rejects for one known reason. Every ratio is off by default."""

from __future__ import annotations

import json
import random
from bisect import bisect_right
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from itertools import accumulate
from typing import Any

from producer.encoding import TimestampFormatter, new_uuid
from producer.records import Defect, Record

# Required fields of every event, and of the event families that have more.
_ENVELOPE_FIELDS = ("schema_version", "event_id", "occurred_at", "user_id", "session_id",
                    "device", "location", "event_type")  # fmt: skip
_TYPE_FIELDS = {
    "content": ("content_id", "author_id", "category"),
    "cart": ("product_id", "quantity", "unit_price", "currency"),
    "purchase": ("order_id",),
    "search": ("query",),
    "support_call": ("call_id", "agent_id", "agent_name", "duration_seconds", "transcript"),
}
UNKNOWN_TYPES = ("page_teleport", "video_play", "checkout_started", "PageView", "")

Payload = dict[str, Any]


@dataclass(frozen=True, slots=True)
class FaultPlan:
    """Per valid event, the probability of each fault. They are exclusive draws, so their
    sum must be at most 1. Late and duplicate records are valid; defects are not."""

    defects: Mapping[Defect, float]
    duplicate: float = 0.0
    late: float = 0.0
    # A late event is held back for a log-uniform number of later records in this range.
    late_delay_records: tuple[int, int] = (10, 20_000)

    def __post_init__(self) -> None:
        ratios = [*self.defects.values(), self.duplicate, self.late]
        if any(not 0.0 <= r <= 1.0 for r in ratios):
            raise ValueError("fault ratios must be between 0 and 1")
        if sum(ratios) > 1.0:
            raise ValueError("fault ratios add up to more than 1; each event gets at most one")

    @property
    def total(self) -> float:
        return sum(self.defects.values()) + self.duplicate + self.late

    @property
    def extra_share(self) -> float:
        """Records added per valid event (defect copies and duplicates; late events are
        the valid events themselves, only sent later)."""
        return sum(self.defects.values()) + self.duplicate


class FaultDraw:
    """One uniform draw per event picks none or exactly one fault (cheap: no draw at all
    when every ratio is zero)."""

    LATE = "late"
    DUPLICATE = "duplicate"

    def __init__(self, plan: FaultPlan) -> None:
        kinds: list[Defect | str] = [self.LATE, self.DUPLICATE]
        weights = [plan.late, plan.duplicate]
        for defect, ratio in plan.defects.items():
            if ratio > 0:
                kinds.append(defect)
                weights.append(ratio)
        self._kinds = kinds
        self._cumulative = list(accumulate(weights))
        self.total = self._cumulative[-1]

    def draw(self, rng: random.Random) -> Defect | str | None:
        roll = rng.random()
        if roll >= self.total:
            return None
        return self._kinds[min(bisect_right(self._cumulative, roll), len(self._kinds) - 1)]


class DefectFactory:
    """Builds the defect records; the time-based ones are relative to the wall clock,
    since that is what the consumer's time window is relative to."""

    def __init__(
        self, *, max_event_bytes: int, late_horizon: timedelta, clock_skew: timedelta
    ) -> None:
        self._max_event_bytes = max_event_bytes
        self._horizon_us = int(late_horizon.total_seconds() * 1_000_000)
        self._skew_us = int(clock_skew.total_seconds() * 1_000_000)
        self._formatter = TimestampFormatter()
        self._now_us = 0  # wall clock of the record being broken, set by make()
        self._mutators: dict[Defect, Callable[[random.Random, Payload], bytes]] = {
            Defect.MALFORMED_JSON: self._malformed,
            Defect.NON_UTF8: self._non_utf8,
            Defect.NOT_AN_OBJECT: self._not_an_object,
            Defect.UNSUPPORTED_SCHEMA_VERSION: self._schema_version,
            Defect.MISSING_FIELD: self._missing_field,
            Defect.WRONG_TYPE: self._wrong_type,
            Defect.INVALID_VALUE: self._invalid_value,
            Defect.UNKNOWN_EVENT_TYPE: self._unknown_type,
            Defect.FUTURE_TIMESTAMP: self._future,
            Defect.OLD_TIMESTAMP: self._old,
            Defect.OVERSIZED: self._oversized,
        }

    def make(self, defect: Defect, source: Record, rng: random.Random, now_us: int) -> Record:
        """A new record (fresh event_id) that is `source` broken in the way `defect` says."""
        payload: Payload = json.loads(source.value)
        event_id = new_uuid(rng)
        payload["event_id"] = event_id
        # Floored to the hour so that a seed replays the same bytes within the hour.
        self._now_us = now_us - now_us % 3_600_000_000
        value = self._mutators[defect](rng, payload)
        return source._replace(value=value, event_id=event_id, defect=defect, call=None)

    @staticmethod
    def _dump(payload: object) -> bytes:
        return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()

    def _malformed(self, rng: random.Random, payload: Payload) -> bytes:
        raw = self._dump(payload)
        style = rng.randrange(3)
        if style == 0:  # truncated, as by a crashed writer; cut on a character boundary
            cut = rng.randrange(1, len(raw) - 1)
            while raw[cut] & 0xC0 == 0x80:
                cut -= 1
            return raw[:cut]
        if style == 1:  # trailing garbage after the object
            return raw + b"}garbage"
        return raw.replace(b'":', b'" ', 1)  # a missing colon

    def _non_utf8(self, rng: random.Random, payload: Payload) -> bytes:
        # Latin-1 inside a string value: a client that did not encode as UTF-8.
        city = payload["location"]["city"]
        raw = self._dump(payload)
        marker = json.dumps(city, ensure_ascii=False).encode()
        broken = b'"' + rng.choice((b"M\xfcnchen", b"S\xe3o Paulo", b"\xff\xfe")) + b'"'
        return raw.replace(marker, broken, 1)

    def _not_an_object(self, rng: random.Random, payload: Payload) -> bytes:
        return self._dump(rng.choice(([payload], payload["event_type"], 42, None)))

    def _schema_version(self, rng: random.Random, payload: Payload) -> bytes:
        payload["schema_version"] = rng.choice((0, 2, 99, "1"))
        return self._dump(payload)

    def _missing_field(self, rng: random.Random, payload: Payload) -> bytes:
        fields = list(_ENVELOPE_FIELDS) + [f for f in _required_extras(payload) if f in payload]
        field = rng.choice(fields)
        del payload[field]
        return self._dump(payload)

    def _wrong_type(self, rng: random.Random, payload: Payload) -> bytes:
        choices: list[tuple[str, object]] = [
            ("user_id", 12345),
            ("session_id", {"id": payload["session_id"]}),
            ("location", payload["location"]["city"]),
            ("occurred_at", [payload["occurred_at"]]),
            ("event_id", rng.randrange(1, 10**9)),
        ]
        if "quantity" in payload:
            # A JSON number with a fraction: 20.0 would be the integer 20, which is valid.
            price = int(float(payload["unit_price"])) + 0.5
            choices += [("quantity", "two"), ("unit_price", price)]
        if "duration_seconds" in payload:
            choices.append(("duration_seconds", "long"))
        field, value = rng.choice(choices)
        payload[field] = value
        return self._dump(payload)

    def _invalid_value(self, rng: random.Random, payload: Payload) -> bytes:
        choices: list[tuple[str, object]] = [
            ("device", "smartwatch"),
            ("location", {"country": "Germany", "city": payload["location"]["city"]}),
            ("user_id", "user id with spaces"),
            ("session_id", ""),
        ]
        if "quantity" in payload:
            choices += [("quantity", 0), ("unit_price", "-5.00"), ("currency", "usd")]
        if "duration_seconds" in payload:
            choices.append(("duration_seconds", 0))
        field, value = rng.choice(choices)
        payload[field] = value
        return self._dump(payload)

    def _unknown_type(self, rng: random.Random, payload: Payload) -> bytes:
        payload["event_type"] = rng.choice(UNKNOWN_TYPES)
        return self._dump(payload)

    def _future(self, rng: random.Random, payload: Payload) -> bytes:
        # At least two hours past the floored now plus the skew allowance, so the record
        # is still "in the future" when a consumer that lags by up to an hour reads it.
        ahead = self._skew_us + int(rng.uniform(7200, 30 * 86_400) * 1_000_000)
        payload["occurred_at"] = self._formatter.format(self._now_us + ahead)
        return self._dump(payload)

    def _old(self, rng: random.Random, payload: Payload) -> bytes:
        behind = self._horizon_us + int(rng.uniform(86_400, 365 * 86_400) * 1_000_000)
        payload["occurred_at"] = self._formatter.format(self._now_us - behind)
        return self._dump(payload)

    def _oversized(self, rng: random.Random, payload: Payload) -> bytes:
        # Padding in an unknown field: valid JSON, valid event, only too big.
        size = len(self._dump(payload))
        payload["padding"] = "x" * max(0, self._max_event_bytes - size + rng.randrange(16, 2048))
        return self._dump(payload)


def _required_extras(payload: Payload) -> tuple[str, ...]:
    event_type = payload.get("event_type")
    if "content_id" in payload:
        return _TYPE_FIELDS["content"]
    if event_type == "purchase":
        return _TYPE_FIELDS["cart"] + _TYPE_FIELDS["purchase"]
    if "product_id" in payload:
        return _TYPE_FIELDS["cart"]
    if event_type in ("search", "support_call"):
        return _TYPE_FIELDS[event_type]
    return ()
