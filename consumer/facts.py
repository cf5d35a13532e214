"""Maps a validated event onto a row of the `events` facts table (column order of
`sql/migrations/001_facts.sql`, minus `ingested_at`)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from consumer.contract import Event

FACT_COLUMNS: tuple[str, ...] = (
    "event_id",
    "event_type",
    "occurred_at",
    "user_id",
    "session_id",
    "device",
    "country",
    "city",
    "content_id",
    "author_id",
    "category",
    "click_element",
    "comment_text",
    "share_channel",
    "search_query",
    "results_count",
    "product_id",
    "order_id",
    "quantity",
    "unit_price",
    "currency",
    "referral_source",
    "call_id",
    "agent_id",
    "agent_name",
    "duration_seconds",
    "transcript",
    "source_topic",
    "source_partition",
    "source_offset",
)

# Fact column -> attribute of the event model, for the columns only some types carry.
_OPTIONAL_ATTRIBUTES: tuple[tuple[str, str], ...] = (
    ("content_id", "content_id"),
    ("author_id", "author_id"),
    ("category", "category"),
    ("click_element", "element"),
    ("comment_text", "text"),
    ("share_channel", "channel"),
    ("search_query", "query"),
    ("results_count", "results_count"),
    ("product_id", "product_id"),
    ("order_id", "order_id"),
    ("quantity", "quantity"),
    ("unit_price", "unit_price"),
    ("currency", "currency"),
    ("referral_source", "referral_source"),
    ("call_id", "call_id"),
    ("agent_id", "agent_id"),
    ("agent_name", "agent_name"),
    ("duration_seconds", "duration_seconds"),
    ("transcript", "transcript"),
)


def fact_row(event: Event, topic: str, partition: int, offset: int) -> tuple[Any, ...]:
    """One COPY row, in FACT_COLUMNS order."""
    optional = _optional_values(type(event))(event)
    return (
        event.event_id,
        event.event_type,
        event.occurred_at,
        event.user_id,
        event.session_id,
        event.device.value,
        event.location.country,
        event.location.city,
        *optional,
        topic,
        partition,
        offset,
    )


@cache
def _optional_values(model: type[Any]) -> Callable[[Any], list[Any]]:
    """Per model class, a getter of the optional columns: asking a pydantic model for an
    attribute it lacks goes through a slow __getattr__, so absent ones are known upfront."""
    present = [attribute in model.model_fields for _, attribute in _OPTIONAL_ATTRIBUTES]
    names = [attribute for _, attribute in _OPTIONAL_ATTRIBUTES]

    def values(event: Any) -> list[Any]:
        fields = event.__dict__
        return [fields[n] if has else None for n, has in zip(names, present, strict=True)]

    return values
