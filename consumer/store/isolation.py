"""Finds the records PostgreSQL refuses, when it refused a whole batch for a value of one
of them: bisection with savepoints, so a batch of N rows with k bad ones costs about
2k·log2(N) attempts instead of a retry loop that never ends. The happy path never comes
here: only a batch that failed with a record fault (`consumer.store.faults`) is searched."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import psycopg

from consumer.store.faults import Fault, classify
from consumer.store.writer import write_rows
from pulse.sqlfiles import load_sql


def find_refused(
    conn: psycopg.Connection[Any],
    rows: Sequence[tuple[Any, ...]],
    call_rows_by_row: Sequence[Sequence[tuple[Any, ...]]],
    *,
    with_aggregates: bool,
) -> dict[int, psycopg.Error]:
    """Index of every row PostgreSQL refuses, with its error. Runs in a transaction that
    is always rolled back: the caller writes the other rows the normal way afterwards.

    Accepted halves stay applied (released savepoints) while the search goes on, so a
    row refused only next to another one of the same batch (the same key twice, say)
    is found too. Transient and deployment faults are raised, not blamed on a row."""
    search = _Search(conn, rows, call_rows_by_row, with_aggregates)
    with conn.transaction(force_rollback=True):
        search.bisect(list(range(len(rows))))
    return search.refused


@dataclass
class _Search:
    conn: psycopg.Connection[Any]
    rows: Sequence[tuple[Any, ...]]
    call_rows_by_row: Sequence[Sequence[tuple[Any, ...]]]
    with_aggregates: bool
    refused: dict[int, psycopg.Error] = field(default_factory=dict)
    attempts: int = 0

    def bisect(self, indexes: list[int]) -> None:
        if not indexes:
            return
        try:
            self._attempt(indexes)
        except psycopg.Error as exc:
            if classify(exc) is not Fault.RECORD:
                raise
            if len(indexes) == 1:
                self.refused[indexes[0]] = exc
                return
            middle = len(indexes) // 2
            self.bisect(indexes[:middle])
            self.bisect(indexes[middle:])

    def _attempt(self, indexes: list[int]) -> None:
        self.attempts += 1
        with self.conn.transaction():  # a savepoint
            self.conn.execute(load_sql("consumer/clear_staging"))
            write_rows(
                self.conn,
                [self.rows[i] for i in indexes],
                [call for i in indexes for call in self.call_rows_by_row[i]],
                with_aggregates=self.with_aggregates,
            )
