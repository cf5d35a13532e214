"""Maps a validated event onto a row of the `events` facts table (column order of
`sql/migrations/001_facts.sql`, minus `ingested_at`)."""

from __future__ import annotations

from typing import Any

from pulse.contract import Event

# (column, PostgreSQL type) in COPY order; the types let COPY use the binary format.
FACT_COLUMN_TYPES: tuple[tuple[str, str], ...] = (
    ("event_id", "uuid"),
    ("event_type", "text"),
    ("occurred_at", "timestamptz"),
    ("user_id", "text"),
    ("session_id", "text"),
    ("device", "text"),
    ("country", "text"),
    ("city", "text"),
    ("content_id", "text"),
    ("author_id", "text"),
    ("category", "text"),
    ("click_element", "text"),
    ("comment_text", "text"),
    ("share_channel", "text"),
    ("search_query", "text"),
    ("results_count", "int4"),
    ("product_id", "text"),
    ("order_id", "text"),
    ("quantity", "int4"),
    ("unit_price", "numeric"),
    ("currency", "text"),
    ("referral_source", "text"),
    ("call_id", "text"),
    ("agent_id", "text"),
    ("agent_name", "text"),
    ("duration_seconds", "int4"),
    ("transcript", "text"),
    ("source_topic", "text"),
    ("source_partition", "int4"),
    ("source_offset", "int8"),
)
FACT_COLUMNS = tuple(name for name, _ in FACT_COLUMN_TYPES)
FACT_TYPES = tuple(pg_type for _, pg_type in FACT_COLUMN_TYPES)

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
_OPTIONAL_NAMES = tuple(attribute for _, attribute in _OPTIONAL_ATTRIBUTES)


def fact_row(event: Event, topic: str, partition: int, offset: int) -> tuple[Any, ...]:
    """One COPY row, in FACT_COLUMNS order."""
    fields = event.__dict__  # pydantic keeps a model's fields there, and only its own
    location = event.location
    return (
        fields["event_id"],
        fields["event_type"],
        fields["occurred_at"],
        fields["user_id"],
        fields["session_id"],
        fields["device"].value,
        location.country,
        location.city,
        # A C-level loop: a model without one of these fields gets None for its column.
        *map(fields.get, _OPTIONAL_NAMES),
        topic,
        partition,
        offset,
    )


def fact_position(row: tuple[Any, ...]) -> tuple[int, int]:
    """(partition, offset) of the record a fact row came from: its last two columns."""
    return row[-2], row[-1]
