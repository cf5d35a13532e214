"""The contract's rules: bounds, patterns, reasons, the time window, and the validators
pydantic-core calls back into for what its own constraints cannot say."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from enum import StrEnum
from typing import Any
from uuid import UUID

from pydantic import (
    ValidationInfo,
)
from pydantic_core import PydanticCustomError

SCHEMA_VERSION = 1

# Bounds. Each fits its PostgreSQL column: `integer` columns are int4, `unit_price` is
# numeric(12, 2). Widening one past its column makes PostgreSQL refuse the whole value.
INT4_MAX = 2**31 - 1
MIN_QUANTITY, MAX_QUANTITY = 1, 10_000
MIN_RESULTS_COUNT, MAX_RESULTS_COUNT = 0, 1_000_000
MIN_DURATION_SECONDS, MAX_DURATION_SECONDS = 1, 86_400
UNIT_PRICE_MAX_DIGITS, UNIT_PRICE_DECIMAL_PLACES = 12, 2  # numeric(12, 2)
MIN_UNIT_PRICE = Decimal(0)
MAX_UNIT_PRICE = Decimal("9999999999.99")
MAX_ID_LENGTH = 64
MAX_SHORT_TEXT_LENGTH = 64
MAX_NAME_LENGTH = 100
MAX_QUERY_LENGTH = 256
MAX_COMMENT_LENGTH = 2_000
MAX_TRANSCRIPT_LENGTH = 20_000

# Regular expressions shared by the consumer (re.fullmatch) and the JSON Schema (pattern).
# Only ASCII classes: `\d` and `\s` differ between regex engines.
ID_ALPHABET = "A-Za-z0-9_.:-"
ID_PATTERN = f"^[{ID_ALPHABET}]+$"
UUID_PATTERN = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
TIMESTAMP_PATTERN = (
    "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
    "T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,9})?"
    "(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$"
)
MONEY_PATTERN = "^(0|[1-9][0-9]{0,9})(\\.[0-9]{1,2})?$"
NOT_BLANK_PATTERN = "[^ \\t\\n\\r]"  # somewhere, a character that is not JSON whitespace
NUL_PATTERN = "\\u0000"
# Both text rules as one pattern for pydantic-core's own (Rust) regex engine, so that valid
# text never calls back into Python; `explain_text` says which rule a failure broke.
TEXT_PATTERN = "^[^\\x00]*[^\\x00 \\t\\n\\r][^\\x00]*$"


class EventType(StrEnum):
    PAGE_VIEW = "page_view"
    CLICK = "click"
    SEARCH = "search"
    PAGE_CREATE = "page_create"
    PAGE_EDIT = "page_edit"
    COMMENT = "comment"
    LIKE = "like"
    SHARE = "share"
    ADD_TO_CART = "add_to_cart"
    REMOVE_FROM_CART = "remove_from_cart"
    PURCHASE = "purchase"
    LOGIN = "login"
    LOGOUT = "logout"
    SIGNUP = "signup"
    SUPPORT_CALL = "support_call"


class Device(StrEnum):
    DESKTOP = "desktop"
    MOBILE = "mobile"
    TABLET = "tablet"


class RejectReason(StrEnum):
    """Machine-readable reasons a record is dead-lettered (the `pulse.reason` header)."""

    OVERSIZED = "oversized"
    UNDECODABLE = "undecodable"
    MALFORMED_JSON = "malformed_json"
    NOT_AN_OBJECT = "not_an_object"
    UNSUPPORTED_SCHEMA_VERSION = "unsupported_schema_version"
    UNKNOWN_EVENT_TYPE = "unknown_event_type"
    MISSING_FIELD = "missing_field"
    WRONG_TYPE = "wrong_type"
    INVALID_VALUE = "invalid_value"
    TIMESTAMP_TOO_OLD = "timestamp_too_old"
    TIMESTAMP_IN_FUTURE = "timestamp_in_future"
    # Catalog records (pulse/contract/catalog.py): keyed `<entity_type>:<id>`.
    UNKNOWN_ENTITY_TYPE = "unknown_entity_type"
    INVALID_KEY = "invalid_key"  # no key, or not `<entity_type>:<id>`
    KEY_MISMATCH = "key_mismatch"  # the key names another entity than the value
    # Found after decoding: the record is valid, but one step of storing it fails for
    # this record alone (the rest of its batch is stored).
    ENRICHMENT_FAILED = "enrichment_failed"
    DB_REJECTED = "db_rejected"  # PostgreSQL refused its values (SQLSTATE in pulse.sqlstate)


@dataclass(frozen=True, slots=True)
class TimeWindow:
    """The accepted range of `occurred_at`, passed as validation context.

    It is context rather than model config because it moves with the clock and the
    settings; without it only the types are checked (as in the JSON Schema).
    """

    now: datetime
    late_horizon: timedelta
    clock_skew: timedelta
    # The bounds themselves, worked out once per window rather than once per event.
    earliest: datetime = field(init=False, repr=False, compare=False)
    latest: datetime = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "earliest", _shifted(self.now, -self.late_horizon))
        object.__setattr__(self, "latest", _shifted(self.now, self.clock_skew))


def _shifted(moment: datetime, delta: timedelta) -> datetime:
    # A horizon wider than the calendar (LATE_HORIZON_DAYS=1e6) means no bound that way.
    try:
        return moment + delta
    except OverflowError:
        return (datetime.min if delta < timedelta(0) else datetime.max).replace(tzinfo=UTC)


_UUID = re.compile(UUID_PATTERN)
_TIMESTAMP = re.compile(TIMESTAMP_PATTERN)
_OFFSET_PATTERN = "(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$"
# The same without the offset, told apart so that the error says what is missing.
_NAIVE_TIMESTAMP = re.compile(TIMESTAMP_PATTERN.removesuffix(_OFFSET_PATTERN) + "$")
_MONEY = re.compile(MONEY_PATTERN)
_CENT = Decimal("0.01")


def _integral(value: Any) -> Any:
    # JSON Schema's integer is any number with a zero fraction: 12.0 is the integer 12.
    if type(value) is float and value.is_integer():
        return int(value)
    return value


def explain_text(value: str) -> tuple[str, str]:
    """(error type, message) for text that failed TEXT_PATTERN."""
    # PostgreSQL text cannot hold NUL; rejecting beats silently altering the user's data.
    if "\x00" in value:
        return "string_nul", "text must not contain NUL characters"
    return "string_blank", "text must not be blank"


def _known_version(value: int) -> int:
    if value != SCHEMA_VERSION:
        raise PydanticCustomError(
            "unsupported_schema_version",
            "schema_version {version} is not supported, this consumer reads {supported}",
            {"version": value, "supported": SCHEMA_VERSION},
        )
    return value


def _uuid(value: Any) -> UUID | str:
    if type(value) is not str:
        if isinstance(value, UUID):  # Python callers building models
            return value
        raise PydanticCustomError("uuid_type", "event_id must be a string")
    if _UUID.fullmatch(value) is None:
        raise PydanticCustomError(
            "uuid_parsing", "event_id must be a UUID in its hyphenated 8-4-4-4-12 hex form"
        )
    return value  # pydantic-core makes the UUID: a third of the cost of uuid.UUID(value)


def _timestamp(value: Any) -> datetime:
    if type(value) is not str:
        if not isinstance(value, datetime):
            raise PydanticCustomError(
                "datetime_type",
                "occurred_at must be an RFC 3339 string like 2026-03-02T09:30:00Z",
            )
        if value.utcoffset() is None:  # Python callers building models
            raise PydanticCustomError("timezone_aware", "occurred_at must have a UTC offset")
        return value
    if _TIMESTAMP.fullmatch(value) is None:
        if _NAIVE_TIMESTAMP.fullmatch(value) is not None:
            raise PydanticCustomError("timezone_aware", "occurred_at must end in Z or +hh:mm")
        raise PydanticCustomError(
            "datetime_parsing", "occurred_at must be RFC 3339, like 2026-03-02T09:30:00Z"
        )
    return _parse_timestamp(value)


def _parse_timestamp(value: str) -> datetime:
    """A string that matched TIMESTAMP_PATTERN, as an aware datetime with its offset."""
    try:
        # The C parser reads every RFC 3339 form the pattern lets through (fractions cut
        # to microseconds, as below) at a tenth of the cost; what it refuses (year 0, a
        # day that does not exist, a moment outside years 1-9999 in UTC) is explained below.
        moment = datetime.fromisoformat(value)
        moment.astimezone(UTC)
    except (ValueError, OverflowError):
        return _parse_timestamp_slowly(value)
    return moment


def _parse_timestamp_slowly(value: str) -> datetime:
    year, month, day = int(value[0:4]), int(value[5:7]), int(value[8:10])
    zone_length = 1 if value.endswith("Z") else 6
    fraction = value[20 : len(value) - zone_length]  # "" or the digits after the point
    offset = timedelta(0)
    if zone_length == 6:
        sign = -1 if value[-6] == "-" else 1
        offset = sign * timedelta(hours=int(value[-5:-3]), minutes=int(value[-2:]))
    try:
        # Year 0 exists in RFC 3339 but not in Python; 2000 is a leap year as 0 is.
        date(year or 2000, month, day)
    except ValueError:
        raise PydanticCustomError(
            "datetime_parsing", "occurred_at names a day that does not exist"
        ) from None
    try:
        moment = datetime(
            year,
            month,
            day,
            int(value[11:13]),
            int(value[14:16]),
            int(value[17:19]),
            int(fraction[:6].ljust(6, "0")),  # truncated to microseconds
            tzinfo=UTC if zone_length == 1 else timezone(offset),
        )
        moment.astimezone(UTC)
    except (ValueError, OverflowError):
        if year <= 1:
            raise PydanticCustomError(
                RejectReason.TIMESTAMP_TOO_OLD.value, "occurred_at is before year 1 in UTC"
            ) from None
        raise PydanticCustomError(
            RejectReason.TIMESTAMP_IN_FUTURE.value, "occurred_at is after year 9999 in UTC"
        ) from None
    return moment


def _money(value: Any) -> Decimal:
    value = _integral(value)
    if isinstance(value, str):
        if _MONEY.fullmatch(value) is None:
            raise PydanticCustomError(
                "money_format",
                "amounts are decimal text with at most 10 digits before the point and 2 "
                'after it, like "19.99"',
            )
        return Decimal(value)
    if isinstance(value, float):
        raise PydanticCustomError(
            "decimal_not_float", 'amounts must be strings like "19.99" or integers, never floats'
        )
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise PydanticCustomError("decimal_type", 'amounts must be strings like "19.99"')
    amount = Decimal(value)
    if not (amount.is_finite() and MIN_UNIT_PRICE <= amount <= MAX_UNIT_PRICE):
        raise PydanticCustomError(
            "money_range", "amounts must be between {low} and {high}",
            {"low": str(MIN_UNIT_PRICE), "high": str(MAX_UNIT_PRICE)},
        )  # fmt: skip
    if amount % _CENT:
        raise PydanticCustomError("money_format", "amounts have at most 2 decimal places")
    return amount


def _moment_in_window(value: Any, info: ValidationInfo) -> datetime:
    """Parse occurred_at and check it against the time window in the validation context.

    One validator for both, because every call from pydantic-core into Python costs as much
    as the check itself; without a window (Python callers) only the type is checked."""
    moment = _timestamp(value)
    context = info.context
    window = context.get("window") if type(context) is dict else None
    if window is None:
        return moment
    if moment < window.earliest:
        raise PydanticCustomError(
            RejectReason.TIMESTAMP_TOO_OLD.value,
            "occurred_at is older than the late horizon ({horizon})",
            {"horizon": str(window.late_horizon)},
        )
    if moment > window.latest:
        raise PydanticCustomError(
            RejectReason.TIMESTAMP_IN_FUTURE.value,
            "occurred_at is further in the future than the clock-skew allowance ({skew})",
            {"skew": str(window.clock_skew)},
        )
    return moment
