"""The server's WAL counters around a Pulse run: how many full-page images it cost, which
is what a grown database adds after a checkpoint (`docs/benchmarks.md`)."""

from __future__ import annotations

from dataclasses import dataclass

import psycopg

from pulse.sqlfiles import load_sql


@dataclass(frozen=True, slots=True)
class WalTotals:
    full_page_images: int
    bytes: int

    def since(self, earlier: WalTotals) -> WalTotals:
        return WalTotals(
            self.full_page_images - earlier.full_page_images, self.bytes - earlier.bytes
        )


def wal_totals(database_url: str) -> WalTotals | None:
    """The server's totals (`pg_stat_wal`, PostgreSQL 14 and later); None where they cannot
    be read, so that the benchmark goes on without them."""
    try:
        with psycopg.connect(database_url) as conn:
            row = conn.execute(load_sql("bench/wal_totals")).fetchone()
    except psycopg.Error:
        return None
    return None if row is None else WalTotals(int(row[0]), int(row[1]))
