"""Reconciliation: recomputes every incrementally maintained aggregate from the facts and
reports, per aggregate, how many stored rows differ from the recomputation; then checks
the offset ledger (`sql/ledger/drift.sql`) and the idempotency key
(`sql/ledger/event_ids.sql`) against the facts, and the history of each catalog dimension
(`sql/catalog/history_drift.sql`: every version ends where the next one starts).
`consumer.store.catalog_reconcile` compares the dimensions with the catalog topic.

Each aggregate table has one file `sql/reconcile/<table>.sql` that returns its drift:
the stored rows a full recomputation does not produce and the recomputed rows the table
lacks (a `side` column says which). All files run in one read-only REPEATABLE READ
transaction, so the facts and every aggregate are compared at the same instant even while
consumers keep writing (each batch commits facts and aggregates together).

Once FACTS_RETENTION_DAYS has dropped facts, only what the retained facts can prove is
compared: an aggregate row of a period (or a user, session, item) that reaches back before
them is history, counted by `sql/reconcile/history/<table>.sql` and reported as not
checkable, never as drift; the ledger adds the dropped facts (`dropped_facts`) back.
The rollups of issue 17 (all-time totals, the leaderboard, cohorts, gaps) are recomputed
from the aggregates they sum, which keep their history and are reconciled themselves, so
they are compared in full, retention or not.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import psycopg
from psycopg import sql

from consumer.store.catalog import DIMENSIONS, history_drift
from pulse.errors import PulseError, ServiceUnavailableError, first_line
from pulse.sqlfiles import SQL_ROOT, load_sql

RECONCILE_DIR = SQL_ROOT / "reconcile"
HISTORY_DIR = RECONCILE_DIR / "history"


class SchemaMissingError(PulseError, RuntimeError):
    """The database lacks the aggregate tables: migrations were not applied."""


@dataclass(frozen=True, slots=True)
class Drift:
    """One aggregate's comparison: its row count, how many rows differ, the first few of
    them (a `side` column first: "stored only" or "recomputed only"), and how many rows
    are history that the retained facts cannot prove (not compared)."""

    aggregate: str
    rows: int
    drift: int
    examples: tuple[tuple[Any, ...], ...]
    history: int = 0


@cache
def reconciled_aggregates() -> tuple[str, ...]:
    """Names of the reconciled aggregate tables (the file stems of `sql/reconcile/`)."""
    return tuple(path.stem for path in sorted(RECONCILE_DIR.glob("*.sql")))


def reconcile_database(url: str, *, examples: int = 5) -> list[Drift]:
    """Connect (without the consumer's staging tables: they need the schema) and reconcile."""
    try:
        conn = psycopg.connect(
            url, autocommit=True, connect_timeout=5, application_name="pulse-reconcile"
        )
    except psycopg.OperationalError as exc:
        raise ServiceUnavailableError(
            f"cannot connect to PostgreSQL ({first_line(exc)}). Is it running (`make up`), "
            "and is DATABASE_URL right?"
        ) from None
    with conn:
        return reconcile(conn, examples=examples)


def reconcile(conn: psycopg.Connection[Any], *, examples: int = 5) -> list[Drift]:
    """Compare every aggregate with a recomputation from `events`, at one snapshot."""
    results: list[Drift] = []
    try:
        with conn.transaction():
            conn.execute("set transaction isolation level repeatable read, read only")
            for name in reconciled_aggregates():
                results.append(_compare(conn, name, f"reconcile/{name}", examples))
            # The offset ledger: facts per partition, and counts that add up.
            results.append(_compare(conn, "partition_offsets", "ledger/drift", examples))
            # The idempotency key: one per fact, no fact twice.
            results.append(_compare(conn, "event_ids", "ledger/event_ids", examples))
            for dimension in DIMENSIONS:
                results.append(_compare(conn, dimension.table, history_drift(dimension), examples))
    except psycopg.errors.UndefinedTable as exc:
        raise SchemaMissingError(
            f"{exc.diag.message_primary}: the aggregate tables are missing. "
            "Apply the migrations first (`python -m consumer migrate`)."
        ) from None
    return results


def _compare(
    conn: psycopg.Connection[Any], name: str, statement: str | sql.Composed, examples: int
) -> Drift:
    """`statement`: a file of sql/ by name, or a composed query."""
    count = conn.execute(sql.SQL("select count(*) from {}").format(sql.Identifier(name)))
    row = count.fetchone()
    rows = int(row[0]) if row else 0
    # A server-side cursor: a badly drifted aggregate must not be pulled into memory.
    drift = 0
    first: list[tuple[Any, ...]] = []
    with conn.cursor(name=f"reconcile_{name}") as cursor:
        cursor.execute(load_sql(statement) if isinstance(statement, str) else statement)
        for drifting in cursor:
            drift += 1
            if len(first) < examples:
                first.append(tuple(drifting))
    history = 0
    if (HISTORY_DIR / f"{name}.sql").exists():
        row = conn.execute(load_sql(f"reconcile/history/{name}")).fetchone()
        history = int(row[0]) if row else 0
    return Drift(name, rows, drift, tuple(first), history)


def format_report(results: Sequence[Drift]) -> str:
    """A table of aggregates, row counts and drift (and, once retention dropped facts, the
    rows kept as history), then a few drifting rows of each."""
    header: tuple[str, ...] = ("aggregate", "rows", "drift")
    body: list[tuple[str, ...]] = [(r.aggregate, str(r.rows), str(r.drift)) for r in results]
    history = sum(r.history for r in results)
    if history:
        header = (*header, "not checkable (facts dropped)")
        body = [(*cells, str(r.history)) for cells, r in zip(body, results, strict=True)]
    widths = [max(len(line[i]) for line in [header, *body]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        name, *numbers = cells
        return "  ".join(
            [
                f"{name:<{widths[0]}}",
                *(f"{n:>{w}}" for n, w in zip(numbers, widths[1:], strict=True)),
            ]
        )

    lines = [line(header), "  ".join("-" * w for w in widths), *(line(b) for b in body)]
    for result in results:
        if result.examples:
            lines.append("")
            lines.append(f"{result.aggregate}: first {len(result.examples)} drifting rows")
            lines.extend(f"  {_cells(row)}" for row in result.examples)
    total = sum(r.drift for r in results)
    lines.append("")
    if history:
        lines.append(
            f"{history} rows of periods before the retained facts are kept as history: not "
            "checkable (FACTS_RETENTION_DAYS dropped the facts they came from)"
        )
    lines.append(
        ("all aggregates match the retained facts" if history else "all aggregates match the facts")
        if total == 0
        else f"{total} drifting rows in {sum(1 for r in results if r.drift)} aggregates"
    )
    return "\n".join(lines)


def _cells(row: Sequence[Any]) -> str:
    return " | ".join("null" if value is None else str(value) for value in row)
