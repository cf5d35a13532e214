"""One maintenance run over the facts' partitions, and the consumer's thread that repeats it
every FACTS_MAINTENANCE_INTERVAL_S: create this week's partition and the next ones ahead
of need, then, with FACTS_RETENTION_DAYS, drop the weeks older than the retention and
prune their idempotency keys. Every consumer runs it; the SQL functions serialize them
(migration 120), so N consumers do the work once and the others find nothing to do."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg

from consumer.store.partitions import EventPartitions, PartitionSpan
from pulse.errors import first_line
from pulse.secrets import redact
from pulse.sqlfiles import load_sql

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Status:
    retained_from: datetime | None  # None until a drop
    dropped_at: datetime | None
    weekly_partitions: int
    oldest_partition: str | None
    newest_partition: str | None


@dataclass(frozen=True, slots=True)
class MaintenanceRun:
    """What one run did: partitions created ahead, tables emptied (name, facts), keys
    pruned, and the cutoff it applied (None: no retention set)."""

    created: int
    dropped: tuple[tuple[str, int], ...]
    keys_pruned: int
    cutoff: datetime | None

    @property
    def facts_dropped(self) -> int:
        return sum(facts for _, facts in self.dropped)


def run_maintenance(
    conn: psycopg.Connection[Any],
    *,
    retention_days: float | None,
    now: datetime | None = None,
    partitions: EventPartitions | None = None,
) -> MaintenanceRun:
    """Each step in a transaction of its own (the drop holds an exclusive lock of `events`
    while it runs: the key pruning, the longest step, comes after it, without that lock).
    Keys are kept while an exact re-send of their event could still pass validation (the
    span's oldest time: LATE_HORIZON_DAYS before now), even when the fact is dropped."""
    now = now or datetime.now(UTC)
    partitions = partitions or EventPartitions()
    created = partitions.ensure_ahead(conn, now)
    if retention_days is None:
        return MaintenanceRun(created, (), 0, None)
    cutoff = now - timedelta(days=retention_days)
    with conn.transaction():
        rows = conn.execute(load_sql("retention/drop_partitions"), {"cutoff": cutoff})
        dropped = tuple((str(name), int(facts)) for name, facts in rows)
    keep_from, _ = partitions.span.bounds(now)
    with conn.transaction():
        row = conn.execute(load_sql("retention/prune_keys"), {"keep_from": keep_from}).fetchone()
    pruned = int(row[0]) if row else 0
    if dropped or pruned:
        logger.info(
            "retention dropped %d facts (%s) and pruned %d keys",
            sum(facts for _, facts in dropped),
            ", ".join(name for name, _ in dropped) or "no table",
            pruned,
        )
    return MaintenanceRun(created, dropped, pruned, cutoff)


def read_status(conn: psycopg.Connection[Any]) -> Status:
    with conn.transaction():
        row = conn.execute(load_sql("retention/status")).fetchone()
    assert row is not None  # facts_retention holds its one row from migration 120 on
    retained_from, dropped_at, weekly, oldest, newest = row
    return Status(retained_from, dropped_at, int(weekly), oldest, newest)


class MaintenanceJob:
    """A daemon thread with its own connection; a failed run (a lock busy past its
    timeout, PostgreSQL away) is logged and tried again at the next interval, never
    stopping the consumer."""

    def __init__(
        self,
        url: str,
        *,
        interval_s: float,
        retention_days: float | None,
        span: PartitionSpan,
    ) -> None:
        self._url = url
        self._interval_s = interval_s
        self._retention_days = retention_days
        self._partitions = EventPartitions(span)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="pulse-retention", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                with psycopg.connect(
                    self._url,
                    autocommit=True,
                    connect_timeout=5,
                    application_name="pulse-retention",
                ) as conn:
                    run_maintenance(
                        conn, retention_days=self._retention_days, partitions=self._partitions
                    )
            except (psycopg.Error, OSError) as exc:
                logger.warning(
                    "partition maintenance failed; retrying in %.0f s: %s",
                    self._interval_s,
                    redact(first_line(exc), [self._url]),
                )
            self._stop.wait(self._interval_s)
