"""Maps a validated catalog record (or a tombstone) onto a row of the staging table
`incoming_catalog` (column order of `sql/consumer/create_incoming_catalog.sql`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pulse.contract import (
    AgentRecord,
    AuthorRecord,
    CatalogRecord,
    EntityType,
    PostRecord,
    ProductRecord,
)

# (column, PostgreSQL type) in COPY order; the types let COPY use the binary format.
CATALOG_COLUMN_TYPES: tuple[tuple[str, str], ...] = (
    ("entity_type", "text"),
    ("entity_id", "text"),
    ("valid_from", "timestamptz"),
    ("is_deleted", "bool"),
    ("entity_name", "text"),
    ("category", "text"),
    ("unit_price", "numeric"),
    ("currency", "text"),
    ("title", "text"),
    ("tags", "text[]"),
    ("is_promoted", "bool"),
    ("author_id", "text"),
    ("published_at", "timestamptz"),
    ("home_category", "text"),
    ("team", "text"),
    ("source_topic", "text"),
    ("source_partition", "int4"),
    ("source_offset", "int8"),
)
CATALOG_COLUMNS = tuple(name for name, _ in CATALOG_COLUMN_TYPES)
CATALOG_TYPES = tuple(pg_type for _, pg_type in CATALOG_COLUMN_TYPES)
_ATTRIBUTES = CATALOG_COLUMNS[4:-3]


@dataclass(frozen=True, slots=True)
class CatalogChange:
    """One valid catalog record: a new version of an entity, or its deletion."""

    entity_type: EntityType
    entity_id: str
    valid_from: datetime  # updated_at; a tombstone's Kafka timestamp
    record: CatalogRecord | None  # None: a tombstone

    @property
    def is_deleted(self) -> bool:
        return self.record is None


def catalog_row(change: CatalogChange, topic: str, partition: int, offset: int) -> tuple[Any, ...]:
    """One COPY row, in CATALOG_COLUMNS order; ends with partition and offset, like a fact
    row, so that a row PostgreSQL refuses can be traced to its record."""
    attributes = attributes_of(change.record)
    return (
        change.entity_type.value,
        change.entity_id,
        change.valid_from,
        change.is_deleted,
        *(attributes.get(column) for column in _ATTRIBUTES),
        topic,
        partition,
        offset,
    )


def attributes_of(record: CatalogRecord | None) -> dict[str, Any]:
    """The staging columns a record fills; nothing for a tombstone."""
    if isinstance(record, ProductRecord):
        return {
            "entity_name": record.name,
            "category": record.category,
            "unit_price": record.unit_price,
            "currency": record.currency,
        }
    if isinstance(record, PostRecord):
        return {
            "title": record.title,
            "tags": list(record.tags),
            "is_promoted": record.promoted,
            "author_id": record.author_id,
            "category": record.category,
            "published_at": record.published_at,
        }
    if isinstance(record, AuthorRecord):
        return {"entity_name": record.name, "home_category": record.home_category}
    if isinstance(record, AgentRecord):
        return {"entity_name": record.name, "team": record.team}
    return {}
