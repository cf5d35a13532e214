"""Where a consumer loop's batches go: the events' facts and aggregates, or the catalog's
dimensions. The writer thread (`consumer.store.writer_thread`) is the same for both and
owns the order that makes delivery exactly-once; a sink only says how one batch is
written in one transaction, and how part of it is written while the records PostgreSQL
refuses are searched for."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import psycopg

from consumer.ingest.batch import ValidatedBatch
from consumer.store.catalog import write_catalog_batch, write_catalog_rows
from consumer.store.facts import fact_position
from consumer.store.partitions import EventPartitions
from consumer.store.staging import StagingTables
from consumer.store.writer import WriteResult, write_batch, write_rows


class Sink(Protocol):
    def write(
        self,
        conn: psycopg.Connection[Any],
        topic: str,
        batch: ValidatedBatch,
        before_commit: Callable[[], None] | None = None,
    ) -> WriteResult:
        """The batch's rows and the next offsets of its partitions, in one transaction;
        `before_commit` runs last inside it (the writer waits there for the dead letters)."""
        ...

    def write_part(
        self, conn: psycopg.Connection[Any], batch: ValidatedBatch, indexes: Sequence[int]
    ) -> None:
        """Only the rows at `indexes`, in the caller's transaction (no offsets)."""
        ...


@dataclass(frozen=True, slots=True)
class EventSink:
    """Facts, support calls and (unless benchmarking) every aggregate."""

    with_aggregates: bool = True
    # Which weekly partitions of `events` exist, kept across batches and reconnects.
    partitions: EventPartitions = field(default_factory=EventPartitions)
    staging: StagingTables = field(default_factory=StagingTables)

    def write(
        self,
        conn: psycopg.Connection[Any],
        topic: str,
        batch: ValidatedBatch,
        before_commit: Callable[[], None] | None = None,
    ) -> WriteResult:
        result = write_batch(
            conn,
            topic,
            batch.rows,
            batch.slices,
            call_rows=batch.call_rows,
            with_aggregates=self.with_aggregates,
            partitions=self.partitions,
            before_commit=before_commit,
        )
        self.staging.written(conn, len(batch.rows))
        return result

    def write_part(
        self, conn: psycopg.Connection[Any], batch: ValidatedBatch, indexes: Sequence[int]
    ) -> None:
        calls: dict[tuple[int, int], list[tuple[Any, ...]]] = {}
        for call in batch.call_rows:
            calls.setdefault((int(call[1]), int(call[2])), []).append(call)
        rows = [batch.rows[i] for i in indexes]
        write_rows(
            conn,
            rows,
            [call for row in rows for call in calls.get(fact_position(row), [])],
            with_aggregates=self.with_aggregates,
        )


@dataclass(frozen=True, slots=True)
class CatalogSink:
    """The versions of the catalog's dimensions."""

    staging: StagingTables = field(default_factory=StagingTables)

    def write(
        self,
        conn: psycopg.Connection[Any],
        topic: str,
        batch: ValidatedBatch,
        before_commit: Callable[[], None] | None = None,
    ) -> WriteResult:
        result = write_catalog_batch(
            conn, topic, batch.rows, batch.slices, before_commit=before_commit
        )
        self.staging.written(conn, len(batch.rows))
        return result

    def write_part(
        self, conn: psycopg.Connection[Any], batch: ValidatedBatch, indexes: Sequence[int]
    ) -> None:
        write_catalog_rows(conn, [batch.rows[i] for i in indexes])
