"""Writes one batch of valid events into PostgreSQL in a single transaction: facts
(deduplicated on event_id), every aggregate from the newly inserted facts, and the next
offset and ledger of each partition (`write_ledgered`, which the catalog's batches use
too: `consumer.store.catalog`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import psycopg

from consumer.calls.rows import CALL_COLUMNS, CALL_TYPES, call_rows_from_facts
from consumer.ingest.ledger import PartitionSlice
from consumer.ingest.records import SkipCause
from consumer.store.aggregates import apply_aggregates
from consumer.store.facts import FACT_COLUMNS, FACT_TYPES
from consumer.store.partitions import EventPartitions
from consumer.store.staging import emptying_statement
from pulse.errors import PulseError
from pulse.sqlfiles import load_sql

_COPY_FACTS = f"copy inserted_events ({', '.join(FACT_COLUMNS)}) from stdin (format binary)"
_COPY_CALLS = f"copy incoming_calls ({', '.join(CALL_COLUMNS)}) from stdin (format binary)"

__all__ = [
    "PartitionSlice",
    "StaleOffsetsError",
    "WriteResult",
    "copy_rows",
    "write_batch",
    "write_ledgered",
    "write_rows",
]


class StaleOffsetsError(PulseError, RuntimeError):
    """PostgreSQL holds other offsets than this consumer expected: another consumer owns
    (or owned) the partition. The transaction was rolled back; re-seek and carry on."""


@dataclass(frozen=True, slots=True)
class WriteResult:
    facts_stored: int
    duplicates: int
    stored_by_type: Mapping[str, int] = field(default_factory=dict)


def prepare_connection(conn: psycopg.Connection[Any]) -> None:
    """Set up the session (settings, staging tables); call once after connecting."""
    with conn.transaction():
        conn.execute(load_sql("consumer/session_settings"))
        conn.execute(load_sql("consumer/create_incoming"))
        conn.execute(load_sql("consumer/create_incoming_calls"))
        conn.execute(load_sql("consumer/create_incoming_catalog"))


def load_offsets(
    conn: psycopg.Connection[Any], topic: str, partitions: Sequence[int]
) -> dict[int, int]:
    with conn.transaction():
        rows = conn.execute(
            load_sql("consumer/load_offsets"), {"topic": topic, "partitions": list(partitions)}
        ).fetchall()
    return {int(partition): int(offset) for partition, offset in rows}


def write_batch(
    conn: psycopg.Connection[Any],
    topic: str,
    rows: Sequence[tuple[Any, ...]],
    slices: Sequence[PartitionSlice],
    *,
    call_rows: Sequence[tuple[Any, ...]] | None = None,
    with_aggregates: bool = True,
    partitions: EventPartitions | None = None,
    before_commit: Callable[[], None] | None = None,
) -> WriteResult:
    """One transaction; raises StaleOffsetsError (rolled back) if offsets moved under us.

    `call_rows` are the enriched support calls among `rows` (`Batch.validate` makes them);
    None derives them here, so no writer can store a call without its enrichment.
    `partitions` knows which weeks of `events` exist (None: ask the database each time).
    `before_commit` runs last inside the transaction (see `write_ledgered`)."""
    if call_rows is None:
        call_rows = call_rows_from_facts(rows) if with_aggregates else ()
    calls = call_rows
    # Before the transaction, in one of its own: creating a partition locks events_default
    # exclusively, which the batch transaction must not hold while it writes.
    (partitions or EventPartitions()).ensure_for_rows(conn, rows)
    return write_ledgered(
        conn,
        topic,
        slices,
        lambda: write_rows(conn, rows, calls, with_aggregates=with_aggregates),
        before_commit=before_commit,
    )


def write_ledgered(
    conn: psycopg.Connection[Any],
    topic: str,
    slices: Sequence[PartitionSlice],
    write: Callable[[], tuple[dict[int, int], dict[str, int]]],
    *,
    before_commit: Callable[[], None] | None = None,
) -> WriteResult:
    """One transaction: lock and check the offsets this consumer expects, `write` the
    batch's rows (returning what it stored by partition and by type), and store the next
    offsets with the ledger. Raises StaleOffsetsError (rolled back) if offsets moved.

    `before_commit` runs last, inside the transaction: the writer waits there for the
    batch's dead letters to be acknowledged, and what it raises rolls the batch back."""
    ordered = sorted(slices, key=lambda s: s.partition)
    with conn.transaction():
        _check_expected_offsets(conn, topic, ordered)
        stored_by_partition, stored_by_type = write()
        _store_offsets(conn, topic, ordered, stored_by_partition)
        if before_commit is not None:
            before_commit()
    stored = sum(stored_by_partition.values())
    valid = sum(s.valid for s in ordered)
    return WriteResult(stored, valid - stored, stored_by_type)


def write_rows(
    conn: psycopg.Connection[Any],
    rows: Sequence[tuple[Any, ...]],
    call_rows: Sequence[tuple[Any, ...]],
    *,
    with_aggregates: bool,
) -> tuple[dict[int, int], dict[str, int]]:
    """Facts and aggregates of `rows`, inside the caller's transaction, with the staging
    tables empty on entry and on return; returns the facts inserted by partition and by
    event type."""
    if not rows:
        return {}, {}
    copy_rows(conn, _COPY_FACTS, FACT_TYPES, rows)
    conn.execute(load_sql("consumer/keep_new_facts"))
    conn.execute(load_sql("consumer/insert_facts"))
    if with_aggregates:
        copy_rows(conn, _COPY_CALLS, CALL_TYPES, call_rows)
        apply_aggregates(conn)
    counts = _inserted_counts(conn)
    conn.execute(emptying_statement(len(rows)))
    return counts


def copy_rows(
    conn: psycopg.Connection[Any],
    statement: str,
    types: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
) -> None:
    if not rows:
        return
    with conn.cursor().copy(statement) as copy:
        copy.set_types(types)
        for row in rows:
            copy.write_row(row)


def _check_expected_offsets(
    conn: psycopg.Connection[Any], topic: str, slices: Sequence[PartitionSlice]
) -> None:
    rows = conn.execute(
        load_sql("consumer/lock_offsets"),
        {"topic": topic, "partitions": [s.partition for s in slices]},
    ).fetchall()
    stored = {int(partition): int(offset) for partition, offset in rows}
    for part in slices:
        if stored.get(part.partition) != part.expected_offset:
            raise StaleOffsetsError(
                f"partition {part.partition}: PostgreSQL holds offset "
                f"{stored.get(part.partition)}, this consumer expected {part.expected_offset}"
            )


def _inserted_counts(conn: psycopg.Connection[Any]) -> tuple[dict[int, int], dict[str, int]]:
    by_partition: Counter[int] = Counter()
    by_type: Counter[str] = Counter()
    for partition, event_type, count in conn.execute(load_sql("consumer/facts_by_partition")):
        by_partition[int(partition)] += int(count)
        by_type[str(event_type)] += int(count)
    return dict(by_partition), dict(by_type)


def _store_offsets(
    conn: psycopg.Connection[Any],
    topic: str,
    slices: Sequence[PartitionSlice],
    stored_by_partition: Mapping[int, int],
) -> None:
    known = [s for s in slices if s.expected_offset is not None]
    new = [s for s in slices if s.expected_offset is None]
    if known:
        params = _offset_params(topic, known, stored_by_partition)
        params["expected_offsets"] = [s.expected_offset for s in known]
        _expect_rows(conn.execute(load_sql("consumer/advance_offsets"), params), known)
    if new:
        params = _offset_params(topic, new, stored_by_partition)
        params["first_offsets"] = [s.ledger_start for s in new]
        _expect_rows(conn.execute(load_sql("consumer/insert_offsets"), params), new)


def _offset_params(
    topic: str, slices: Sequence[PartitionSlice], stored_by_partition: Mapping[int, int]
) -> dict[str, Any]:
    facts = [stored_by_partition.get(s.partition, 0) for s in slices]
    return {
        "topic": topic,
        "partitions": [s.partition for s in slices],
        "next_offsets": [s.next_offset for s in slices],
        "facts_stored": facts,
        "duplicates": [s.valid - stored for s, stored in zip(slices, facts, strict=True)],
        "dead_lettered": [s.dead_lettered for s in slices],
        "skipped_markers": [s.skipped_of(SkipCause.MARKER) for s in slices],
        "skipped_aborted": [s.skipped_of(SkipCause.ABORTED) for s in slices],
        "skipped_retention": [s.skipped_of(SkipCause.RETENTION) for s in slices],
        "skipped_reset": [s.skipped_of(SkipCause.RESET) for s in slices],
    }


def _expect_rows(cursor: psycopg.Cursor[Any], slices: Sequence[PartitionSlice]) -> None:
    if cursor.rowcount != len(slices):
        raise StaleOffsetsError(
            f"another consumer stored offsets for partitions {[s.partition for s in slices]} "
            "while this batch was being written"
        )
