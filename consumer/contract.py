"""The event contract: pydantic models of every activity event Pulse accepts.

The consumer owns this module and the producer imports it, so the simulator cannot drift
from what the consumer accepts. `schema/activity_event.schema.json` is generated from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

SCHEMA_VERSION = 1


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


def _reject_float(value: Any) -> Any:
    # JSON numbers with a fraction arrive as binary floats and have already lost
    # exactness, so amounts must be sent as strings ("19.99") or integers.
    if isinstance(value, float):
        raise PydanticCustomError(
            "decimal_not_float", "amounts must be strings or integers, never floats"
        )
    return value


Identifier = Annotated[
    str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:\-]+$")
]


def _reject_nul(value: str) -> str:
    # PostgreSQL text cannot hold NUL; rejecting beats silently altering the user's data.
    if "\x00" in value:
        raise PydanticCustomError("string_nul", "text must not contain NUL characters")
    return value


NoNul = AfterValidator(_reject_nul)
ShortText = Annotated[str, StringConstraints(min_length=1, max_length=64), NoNul]
Name = Annotated[str, StringConstraints(min_length=1, max_length=100), NoNul]
SearchQuery = Annotated[str, StringConstraints(min_length=1, max_length=256), NoNul]
CommentText = Annotated[str, StringConstraints(min_length=1, max_length=2000), NoNul]
Transcript = Annotated[str, StringConstraints(min_length=1, max_length=20_000), NoNul]
Money = Annotated[
    Decimal,
    BeforeValidator(_reject_float),
    Field(ge=0, max_digits=12, decimal_places=2, allow_inf_nan=False),
]
Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
Quantity = Annotated[int, Field(strict=True, ge=1, le=10_000)]


class _Model(BaseModel):
    # extra="ignore": unknown fields are tolerated for forward compatibility and dropped,
    # so they can never reach a typed column.
    model_config = ConfigDict(extra="ignore", frozen=True, str_strip_whitespace=False)


class Location(_Model):
    country: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
    city: Name


class _Envelope(_Model):
    schema_version: Literal[1]
    event_id: UUID
    occurred_at: AwareDatetime
    user_id: Identifier
    session_id: Identifier
    device: Device
    location: Location

    @field_validator("occurred_at")
    @classmethod
    def _inside_time_window(cls, value: datetime, info: ValidationInfo) -> datetime:
        window = info.context.get("window") if isinstance(info.context, dict) else None
        if not isinstance(window, TimeWindow):
            return value
        if value < window.now - window.late_horizon:
            raise PydanticCustomError(
                RejectReason.TIMESTAMP_TOO_OLD.value,
                "occurred_at is older than the late horizon ({horizon})",
                {"horizon": str(window.late_horizon)},
            )
        if value > window.now + window.clock_skew:
            raise PydanticCustomError(
                RejectReason.TIMESTAMP_IN_FUTURE.value,
                "occurred_at is further in the future than the clock-skew allowance ({skew})",
                {"skew": str(window.clock_skew)},
            )
        return value


class _ContentEvent(_Envelope):
    """An action on a page or post, which has an id, an author and a category."""

    content_id: Identifier
    author_id: Identifier
    category: ShortText


class PageView(_ContentEvent):
    event_type: Literal["page_view"]


class Click(_ContentEvent):
    event_type: Literal["click"]
    element: ShortText | None = None


class PageCreate(_ContentEvent):
    event_type: Literal["page_create"]


class PageEdit(_ContentEvent):
    event_type: Literal["page_edit"]


class Comment(_ContentEvent):
    event_type: Literal["comment"]
    text: CommentText | None = None


class Like(_ContentEvent):
    event_type: Literal["like"]


class Share(_ContentEvent):
    event_type: Literal["share"]
    channel: ShortText | None = None


class Search(_Envelope):
    event_type: Literal["search"]
    query: SearchQuery
    results_count: Annotated[int, Field(strict=True, ge=0, le=1_000_000)] = 0


class _CartEvent(_Envelope):
    product_id: Identifier
    quantity: Quantity
    unit_price: Money
    currency: Currency


class AddToCart(_CartEvent):
    event_type: Literal["add_to_cart"]


class RemoveFromCart(_CartEvent):
    event_type: Literal["remove_from_cart"]


class Purchase(_CartEvent):
    """One order of one product: `quantity` x `unit_price` is the order's revenue."""

    event_type: Literal["purchase"]
    order_id: Identifier


class Login(_Envelope):
    event_type: Literal["login"]


class Logout(_Envelope):
    event_type: Literal["logout"]


class Signup(_Envelope):
    event_type: Literal["signup"]
    referral_source: ShortText | None = None


class SupportCall(_Envelope):
    event_type: Literal["support_call"]
    call_id: Identifier
    agent_id: Identifier
    agent_name: Name
    duration_seconds: Annotated[int, Field(strict=True, ge=1, le=86_400)]
    transcript: Transcript


Event = Annotated[
    PageView
    | Click
    | Search
    | PageCreate
    | PageEdit
    | Comment
    | Like
    | Share
    | AddToCart
    | RemoveFromCart
    | Purchase
    | Login
    | Logout
    | Signup
    | SupportCall,
    Field(discriminator="event_type"),
]

EVENT_ADAPTER: TypeAdapter[Event] = TypeAdapter(Event)


def json_schema() -> dict[str, Any]:
    """The contract as JSON Schema, for producers written in other languages."""
    schema = EVENT_ADAPTER.json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = f"Pulse activity event, schema_version {SCHEMA_VERSION}"
    return schema
