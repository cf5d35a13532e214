"""The vocabulary shared by the simulator's modules: one record to publish, the defects
that can be injected into it, and the ground truth of a support call."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple

from pulse.contract import RejectReason


class Defect(StrEnum):
    """A fault injected on purpose; each maps to the reason the consumer must give."""

    MALFORMED_JSON = "malformed_json"
    NON_UTF8 = "non_utf8"
    NOT_AN_OBJECT = "not_an_object"
    UNSUPPORTED_SCHEMA_VERSION = "unsupported_schema_version"
    MISSING_FIELD = "missing_field"
    WRONG_TYPE = "wrong_type"
    INVALID_VALUE = "invalid_value"
    UNKNOWN_EVENT_TYPE = "unknown_event_type"
    FUTURE_TIMESTAMP = "future_timestamp"
    OLD_TIMESTAMP = "old_timestamp"
    OVERSIZED = "oversized"


EXPECTED_REASON: dict[Defect, RejectReason] = {
    Defect.MALFORMED_JSON: RejectReason.MALFORMED_JSON,
    Defect.NON_UTF8: RejectReason.UNDECODABLE,
    Defect.NOT_AN_OBJECT: RejectReason.NOT_AN_OBJECT,
    Defect.UNSUPPORTED_SCHEMA_VERSION: RejectReason.UNSUPPORTED_SCHEMA_VERSION,
    Defect.MISSING_FIELD: RejectReason.MISSING_FIELD,
    Defect.WRONG_TYPE: RejectReason.WRONG_TYPE,
    Defect.INVALID_VALUE: RejectReason.INVALID_VALUE,
    Defect.UNKNOWN_EVENT_TYPE: RejectReason.UNKNOWN_EVENT_TYPE,
    Defect.FUTURE_TIMESTAMP: RejectReason.TIMESTAMP_IN_FUTURE,
    Defect.OLD_TIMESTAMP: RejectReason.TIMESTAMP_TOO_OLD,
    Defect.OVERSIZED: RejectReason.OVERSIZED,
}


class Sentiment(StrEnum):
    POSITIVE = "positive"
    NEUTRAL = "neutral"
    NEGATIVE = "negative"


class CallTruth(NamedTuple):
    """What a support call's transcript really says, for scoring the consumer's rules."""

    agent_id: str
    converted: bool
    upsell_amount: Decimal | None
    upsell_product: str | None
    sentiment: Sentiment
    # How the transcript is laid out (see producer/transcripts.py), for per-format scores.
    transcript_format: str = "lines"


class Record(NamedTuple):
    """One Kafka record and what the simulator knows about it.

    A NamedTuple because the simulator makes one per event on the hot path and tuple
    construction is the cheapest way to carry eight fields.
    """

    key: bytes
    value: bytes
    event_id: str
    event_type: str
    occurred_at_us: int
    defect: Defect | None = None
    is_duplicate: bool = False
    is_late: bool = False
    call: CallTruth | None = None
