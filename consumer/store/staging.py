"""The writer connection's staging tables (`sql/consumer/create_incoming*.sql`): each
batch empties them before it commits, and they are vacuumed once enough rows have
passed through them."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import psycopg

from pulse.sqlfiles import load_sql

logger = logging.getLogger(__name__)

# Plain temporary tables, not ON COMMIT DELETE ROWS: that truncation rebuilt their indexes
# at every commit, which invalidated the cached plans of every statement reading them.
# Measured on 20-event batches: 20.3 ms per batch with it, 15.1 ms with plain tables
# emptied by DELETE (commit 3.4 ms -> 0.8; the content statements replanned no more).
# Deleted rows stay until a VACUUM (autovacuum never visits temporary tables) and every
# statement of a batch scans them; a vacuum of the four costs about 2 ms, so it runs
# once this many rows have passed through. A batch at least that large is truncated
# instead: deleting and vacuuming cost per row, a truncation (and the next batch's
# planning) does not.
VACUUM_AFTER_ROWS = 5_000


def _truncated(rows: int) -> bool:
    """Whether a batch of `rows` truncates the staging tables rather than deleting."""
    return rows >= VACUUM_AFTER_ROWS


def emptying_statement(rows: int) -> str:
    """What empties the staging tables at the end of a batch of `rows`, inside its
    transaction."""
    return load_sql("consumer/truncate_staging" if _truncated(rows) else "consumer/clear_staging")


@dataclass(slots=True)
class StagingTables:
    """Counts the rows staged since the last vacuum of the staging tables."""

    rows_since_vacuum: int = 0

    def written(self, conn: psycopg.Connection[Any], rows: int) -> None:
        """After a batch of `rows` committed: vacuum the staging tables when due."""
        if _truncated(rows):
            return  # truncated (`emptying_statement`): no deleted rows left behind
        self.rows_since_vacuum += rows
        if self.rows_since_vacuum < VACUUM_AFTER_ROWS:
            return
        self.rows_since_vacuum = 0
        try:
            conn.execute(load_sql("consumer/vacuum_staging"))
        except psycopg.Error as exc:
            # The batch is committed: a failed vacuum loses nothing, and a broken
            # connection is found, and replaced, by the next batch.
            logger.warning("could not vacuum the staging tables: %s", exc)
