"""The weekly partitions of `events` (migration 120): which weeks a batch needs, and their
creation just before the batch's transaction when this process has not seen them yet.
Creation never fails a batch: a week that cannot get its partition now sends its rows to
`events_default`, and a later creation of that week moves them out."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg

from pulse.errors import first_line
from pulse.settings import Settings
from pulse.sqlfiles import load_sql

logger = logging.getLogger(__name__)

WEEK = timedelta(days=7)
# How many weeks ahead of the current one the periodic job keeps partitions for.
WEEKS_AHEAD = 2
# After a creation failed (its lock was busy), batches do not try again for this long: each
# try may wait the function's lock timeout, and the rows are safe in events_default.
_RETRY_AFTER_S = 30.0
_OCCURRED_AT = 2  # index of occurred_at in a fact row (consumer.store.facts)


def week_start(moment: datetime) -> datetime:
    """Monday 00:00 UTC of the ISO week holding `moment` (the partition's lower bound)."""
    utc = moment.astimezone(UTC)
    day = utc.replace(hour=0, minute=0, second=0, microsecond=0)
    return day - timedelta(days=day.weekday())


def weeks_between(first: datetime, last: datetime) -> list[datetime]:
    """The week starts of every week from the one holding `first` to the one holding `last`."""
    weeks = []
    week = week_start(first)
    while week <= last:
        weeks.append(week)
        week += WEEK
    return weeks


@dataclass(frozen=True, slots=True)
class PartitionSpan:
    """Which event times get a partition of their own: those the contract accepts from a
    producer whose clock is right (LATE_HORIZON_DAYS before now to CLOCK_SKEW_SECONDS
    after, a week of slack either side). An event outside it passed validation only
    because its record's timestamp is far from now (a replayed old topic, a producer
    with a wrong clock): it goes to events_default, so that no producer can make Pulse
    create partitions for arbitrary years."""

    late_horizon: timedelta = timedelta(days=400)
    clock_skew: timedelta = timedelta(seconds=300)

    @classmethod
    def from_settings(cls, settings: Settings) -> PartitionSpan:
        return cls(
            late_horizon=timedelta(days=settings.late_horizon_days),
            clock_skew=timedelta(seconds=settings.clock_skew_seconds),
        )

    def bounds(self, now: datetime) -> tuple[datetime, datetime]:
        return now - self.late_horizon - WEEK, now + self.clock_skew + WEEK


@dataclass(slots=True)
class EventPartitions:
    """The weeks this process knows to have a partition (or to need none: older than the
    retained facts), for one database. Only a batch holding another week costs a round
    trip; the common batch, whose weeks are known, costs two passes over its event times."""

    span: PartitionSpan = field(default_factory=PartitionSpan)
    known: set[datetime] = field(default_factory=set)
    _failed_at: float | None = None

    def ensure_for_rows(
        self, conn: psycopg.Connection[Any], rows: Sequence[tuple[Any, ...]]
    ) -> None:
        """Before the batch transaction of `rows` (fact rows): create the partitions of
        the weeks between its earliest and latest event times, within the span."""
        if not rows:
            return
        times = [row[_OCCURRED_AT] for row in rows]
        lowest, highest = self.span.bounds(datetime.now(UTC))
        first, last = max(min(times), lowest), min(max(times), highest)
        if first > last:
            return  # every event lies outside the span: events_default takes them
        missing = [week for week in weeks_between(first, last) if week not in self.known]
        if missing and self._may_try():
            self.create(conn, missing)

    def ensure_ahead(self, conn: psycopg.Connection[Any], now: datetime) -> int:
        """The periodic job's part: this week's partition and the next WEEKS_AHEAD."""
        return self.create(conn, weeks_between(now, now + WEEKS_AHEAD * WEEK), quiet=False)

    def create(
        self, conn: psycopg.Connection[Any], weeks: Iterable[datetime], *, quiet: bool = True
    ) -> int:
        """Create the partitions of `weeks` in a transaction of their own; returns how many
        were created. A failure is logged and leaves the weeks unknown (tried again later),
        unless `quiet` is False: then it is raised."""
        wanted = sorted(set(weeks))
        try:
            with conn.transaction():
                cursor = conn.execute(load_sql("consumer/create_partitions"), {"weeks": wanted})
                row = cursor.fetchone()
            created = int(row[0]) if row else 0
        except psycopg.Error as exc:
            if not quiet or classify_busy(exc) is None:
                raise
            self._failed_at = time.monotonic()
            logger.warning(
                "could not create partitions of events now (%s); the batch's rows of %s go "
                "to events_default until a later try",
                first_line(exc),
                ", ".join(f"{week:%Y-%m-%d}" for week in wanted),
            )
            return 0
        self.known.update(wanted)
        self._failed_at = None
        if created:
            logger.info("created %d weekly partitions of events", created)
        return created

    def _may_try(self) -> bool:
        return self._failed_at is None or time.monotonic() - self._failed_at > _RETRY_AFTER_S


def classify_busy(exc: psycopg.Error) -> str | None:
    """The SQLSTATE when `exc` says a lock was busy (lock timeout, deadlock, serialization),
    else None: those the batch can do without, anything else is the batch's business."""
    state = exc.sqlstate
    if state is not None and (state == "55P03" or state.startswith("40")):
        return state
    return None
