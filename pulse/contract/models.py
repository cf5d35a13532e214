"""The event models: one per event type, sharing an envelope, and the discriminated union
every record is validated against."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
)

from pulse.contract.rules import Device
from pulse.contract.types import (
    CommentText,
    Country,
    Currency,
    DurationSeconds,
    EventId,
    Identifier,
    Money,
    Name,
    Quantity,
    ResultsCount,
    SchemaVersion,
    SearchQuery,
    ShortText,
    Timestamp,
    Transcript,
)


class _Model(BaseModel):
    # extra="ignore": unknown fields are tolerated for forward compatibility and dropped,
    # so they can never reach a typed column.
    model_config = ConfigDict(extra="ignore", frozen=True, str_strip_whitespace=False)


class Location(_Model):
    country: Country
    city: Name


class _Envelope(_Model):
    schema_version: SchemaVersion
    event_id: EventId
    occurred_at: Timestamp
    user_id: Identifier
    session_id: Identifier
    device: Device
    location: Location


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
    results_count: ResultsCount = 0


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
    duration_seconds: DurationSeconds
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
