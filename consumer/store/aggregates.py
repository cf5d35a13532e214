"""The one place where aggregates are maintained: every `sql/aggregates/*.sql` statement
runs, in file-name order, inside the batch transaction, reading only `inserted_events`
(the facts this transaction actually inserted), so duplicates never count twice."""

from __future__ import annotations

from functools import cache
from typing import Any

import psycopg

from pulse.sqlfiles import SQL_ROOT, load_sql

AGGREGATES_DIR = SQL_ROOT / "aggregates"


@cache
def aggregate_statements() -> tuple[str, ...]:
    """Names of the aggregate statements, e.g. `aggregates/010_events_per_minute`."""
    return tuple(f"aggregates/{path.stem}" for path in sorted(AGGREGATES_DIR.glob("*.sql")))


def apply_aggregates(conn: psycopg.Connection[Any]) -> None:
    for name in aggregate_statements():
        conn.execute(load_sql(name))
