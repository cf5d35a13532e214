"""Finds the records PostgreSQL refuses, when it refused a whole batch for a value of one
of them: bisection with savepoints, so a batch of N rows with k bad ones costs about
2k·log2(N) attempts instead of a retry loop that never ends. The happy path never comes
here: only a batch that failed with a record fault (`consumer.store.faults`) is searched."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import psycopg

from consumer.store.faults import Fault, classify
from pulse.sqlfiles import load_sql

# Writes the rows at these indexes of the batch, in the caller's transaction, with the
# staging tables empty on entry (`consumer.store.sinks.Sink.write_part`).
WritePart = Callable[[Sequence[int]], None]


def find_refused(
    conn: psycopg.Connection[Any], count: int, write_part: WritePart
) -> dict[int, psycopg.Error]:
    """Index (of `count` rows) of every row PostgreSQL refuses, with its error. Runs in a
    transaction that is always rolled back: the caller writes the other rows the normal
    way afterwards.

    Accepted halves stay applied (released savepoints) while the search goes on, so a
    row refused only next to another one of the same batch (the same key twice, say)
    is found too. Transient and deployment faults are raised, not blamed on a row."""
    search = _Search(conn, write_part)
    with conn.transaction(force_rollback=True):
        search.bisect(list(range(count)))
    return search.refused


@dataclass
class _Search:
    conn: psycopg.Connection[Any]
    write_part: WritePart
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
            self.write_part(indexes)
