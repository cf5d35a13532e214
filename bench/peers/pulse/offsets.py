"""What a Pulse run has accounted for, read from its offset ledger in PostgreSQL: the
consumer benchmark's record count for Pulse, and the scale benchmark's progress."""

from __future__ import annotations

import psycopg

from pulse.sqlfiles import load_sql


def offset_totals(database_url: str, topic: str) -> tuple[int, int, int, int]:
    """(offsets accounted for, facts, duplicates, dead letters) on `topic`; zeros when the
    consumer never got as far as migrating."""
    try:
        with psycopg.connect(database_url) as conn:
            row = conn.execute(load_sql("bench/offset_totals"), {"topic": topic}).fetchone()
    except psycopg.errors.UndefinedTable:
        return (0, 0, 0, 0)
    if row is None:
        return (0, 0, 0, 0)
    accounted, facts, duplicates, dead_lettered = (int(value) for value in row)
    return accounted, facts, duplicates, dead_lettered
