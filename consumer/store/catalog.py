"""Writes one batch of valid catalog records into the dimensions `dim_product`, `dim_post`,
`dim_author` and `dim_agent` (SCD type 2, see sql/migrations/100_catalog_dimensions.sql),
in the same transaction as the next offset and ledger of each catalog partition."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import psycopg
from psycopg import sql

from consumer.ingest.ledger import PartitionSlice
from consumer.store.catalog_rows import CATALOG_COLUMNS, CATALOG_TYPES
from consumer.store.staging import emptying_statement
from consumer.store.writer import WriteResult, copy_rows, write_ledgered
from pulse.contract import EntityType
from pulse.sqlfiles import load_sql

_COPY_CATALOG = f"copy incoming_catalog ({', '.join(CATALOG_COLUMNS)}) from stdin (format binary)"


@dataclass(frozen=True, slots=True)
class Dimension:
    """One catalog dimension: the entity type it holds, its table and its key column."""

    entity_type: EntityType
    table: str
    key: str
    # (column of the table, column of the staging table `incoming_catalog`)
    attributes: tuple[tuple[str, str], ...]

    @property
    def insert_statement(self) -> str:
        return load_sql(f"catalog/insert_{self.entity_type.value}s")


# In a fixed order: two transactions touching the same dimensions lock them alike.
DIMENSIONS: tuple[Dimension, ...] = (
    Dimension(
        EntityType.PRODUCT, "dim_product", "product_id",
        (("product_name", "entity_name"), ("category", "category"),
         ("unit_price", "unit_price"), ("currency", "currency")),
    ),
    Dimension(
        EntityType.POST, "dim_post", "post_id",
        (("title", "title"), ("tags", "tags"), ("is_promoted", "is_promoted"),
         ("author_id", "author_id"), ("category", "category"),
         ("published_at", "published_at")),
    ),
    Dimension(
        EntityType.AUTHOR, "dim_author", "author_id",
        (("author_name", "entity_name"), ("home_category", "home_category")),
    ),
    Dimension(
        EntityType.AGENT, "dim_agent", "agent_id",
        (("agent_name", "entity_name"), ("team", "team")),
    ),
)  # fmt: skip


@cache
def close_versions(dimension: Dimension) -> sql.Composed:
    """sql/catalog/close_versions.sql for one dimension's table and key column."""
    return _for(dimension, "catalog/close_versions")


def history_drift(dimension: Dimension) -> sql.Composed:
    """sql/catalog/history_drift.sql (for `consumer reconcile`) for one dimension."""
    return _for(dimension, "catalog/history_drift")


def _for(dimension: Dimension, name: str) -> sql.Composed:
    return sql.SQL(load_sql(name)).format(
        table=sql.Identifier(dimension.table), key=sql.Identifier(dimension.key)
    )


def write_catalog_batch(
    conn: psycopg.Connection[Any],
    topic: str,
    rows: Sequence[tuple[Any, ...]],
    slices: Sequence[PartitionSlice],
    *,
    before_commit: Callable[[], None] | None = None,
) -> WriteResult:
    """One transaction; raises StaleOffsetsError (rolled back) if offsets moved under us.
    The ledger's facts of a catalog partition are the versions it stored; a re-delivered
    version counts as a duplicate. `before_commit` as in `write_ledgered`."""
    return write_ledgered(
        conn, topic, slices, lambda: write_catalog_rows(conn, rows), before_commit=before_commit
    )


def write_catalog_rows(
    conn: psycopg.Connection[Any], rows: Sequence[tuple[Any, ...]]
) -> tuple[dict[int, int], dict[str, int]]:
    """The versions of `rows`, inside the caller's transaction, with the staging table
    empty on entry and on return; returns the versions inserted by partition and by entity type."""
    if not rows:
        return {}, {}
    copy_rows(conn, _COPY_CATALOG, CATALOG_TYPES, rows)
    present = {row[0] for row in rows}
    by_partition: Counter[int] = Counter()
    by_type: Counter[str] = Counter()
    for dimension in DIMENSIONS:
        if dimension.entity_type.value not in present:
            continue
        for partition, count in conn.execute(dimension.insert_statement):
            by_partition[int(partition)] += int(count)
            by_type[dimension.entity_type.value] += int(count)
        conn.execute(close_versions(dimension), {"entity_type": dimension.entity_type.value})
    conn.execute(emptying_statement(len(rows)))
    return dict(by_partition), dict(by_type)
