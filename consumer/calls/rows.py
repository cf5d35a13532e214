"""The enriched support calls of a batch as COPY rows of the staging table
`incoming_calls` (`sql/consumer/create_incoming_calls.sql`). The columns the facts already
carry (call, agent, time, duration) are not repeated: `sql/aggregates/140_support_calls.sql`
joins them from the facts actually inserted, on (event_id, partition, offset)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from consumer.calls.enrich import CallAnalysis, analyse
from consumer.store.facts import FACT_COLUMNS

# (column, PostgreSQL type) in COPY order; the types let COPY use the binary format.
CALL_COLUMN_TYPES: tuple[tuple[str, str], ...] = (
    ("event_id", "uuid"),
    ("source_partition", "int4"),
    ("source_offset", "int8"),
    ("agent_name", "text"),
    ("transcript_clean", "text"),
    ("conversion_kind", "text"),
    ("upsell_amount", "numeric"),
    ("upsell_product", "text"),
    ("sentiment", "text"),
    ("sentiment_score", "int4"),
    ("rules_version", "int4"),
)
CALL_COLUMNS = tuple(name for name, _ in CALL_COLUMN_TYPES)
CALL_TYPES = tuple(pg_type for _, pg_type in CALL_COLUMN_TYPES)

_FACT = {name: index for index, name in enumerate(FACT_COLUMNS)}


def call_row(event_id: UUID, partition: int, offset: int, found: CallAnalysis) -> tuple[Any, ...]:
    """One COPY row, in CALL_COLUMNS order."""
    return (
        event_id,
        partition,
        offset,
        found.agent_name,
        found.transcript_clean,
        None if found.conversion_kind is None else found.conversion_kind.value,
        found.upsell_amount,
        found.upsell_product,
        found.sentiment.value,
        found.sentiment_score,
        found.rules_version,
    )


def call_rows_from_facts(rows: Iterable[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """The call rows of fact rows (`consumer.store.facts.fact_row`), for writers that were not
    handed them (`Batch.validate` computes them while the previous batch is written)."""
    i_type, i_name, i_text = _FACT["event_type"], _FACT["agent_name"], _FACT["transcript"]
    i_id, i_part, i_off = _FACT["event_id"], _FACT["source_partition"], _FACT["source_offset"]
    return [
        call_row(row[i_id], row[i_part], row[i_off], analyse(row[i_name], row[i_text]))
        for row in rows
        if row[i_type] == "support_call"
    ]
