"""Which dead letters a command looks at: the filter flags, parsed and checked before
Kafka is contacted, and the streaming selection that applies them.

Order of the selection: filter, then drop repeats of an origin already selected (the
dead-letter topic is at-least-once), then stop at the limit. So `--limit 10` gives ten
distinct rejected records, and a repeat never hides a record from a filter.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from consumer.deadletters.errors import FilterError
from consumer.deadletters.records import UNKNOWN_REASON, Coordinates, DeadLetterRecord
from pulse.contract import RejectReason

KNOWN_REASONS = frozenset(reason.value for reason in RejectReason) | {UNKNOWN_REASON}
_AGE = re.compile(r"^(\d+(?:\.\d+)?)\s*([smhd])$")
_AGE_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}
_OFFSETS = re.compile(r"^(\d+)(?:(-)(\d+)?)?$")


@dataclass(frozen=True, slots=True)
class OffsetRange:
    """Dead-letter topic offsets, both ends inclusive; `last` None means to the end."""

    first: int
    last: int | None

    def __contains__(self, offset: object) -> bool:
        if not isinstance(offset, int):
            return False
        return offset >= self.first and (self.last is None or offset <= self.last)


@dataclass(frozen=True, slots=True)
class Selection:
    """The filters; `since` is inclusive, `until` exclusive, both on `failed_at`."""

    reasons: frozenset[str] = frozenset()
    since: datetime | None = None
    until: datetime | None = None
    partition: int | None = None  # of the dead-letter topic
    offsets: OffsetRange | None = None  # of the dead-letter topic
    key: bytes | None = None
    limit: int | None = None

    def matches(self, record: DeadLetterRecord) -> bool:
        return (
            (not self.reasons or record.reason in self.reasons)
            and (self.since is None or record.failed_at >= self.since)
            and (self.until is None or record.failed_at < self.until)
            and (self.partition is None or record.address.partition == self.partition)
            and (self.offsets is None or record.address.offset in self.offsets)
            and (self.key is None or record.key == self.key)
        )


@dataclass(slots=True)
class SelectionStats:
    """What the selection saw: records read, and repeats of an origin dropped."""

    read: int = 0
    repeats: int = 0
    seen: set[Coordinates] = field(default_factory=set)


def select(
    records: Iterable[DeadLetterRecord], selection: Selection, stats: SelectionStats
) -> Iterator[DeadLetterRecord]:
    """The distinct records that pass the filters, up to the limit (streaming)."""
    if selection.limit is not None and selection.limit < 1:
        return
    selected = 0
    for record in records:
        stats.read += 1
        if not selection.matches(record):
            continue
        if record.identity in stats.seen:
            stats.repeats += 1
            continue
        stats.seen.add(record.identity)
        selected += 1
        yield record
        if selection.limit is not None and selected >= selection.limit:
            return


# -- parsing the flags --------------------------------------------------------------


def parse_reasons(values: Sequence[str] | None) -> frozenset[str]:
    """`--reason a --reason b` or `--reason a,b`; each must be a known reason code."""
    reasons = frozenset(
        part.strip() for value in values or () for part in value.split(",") if part.strip()
    )
    unknown = sorted(reasons - KNOWN_REASONS)
    if unknown:
        raise FilterError(
            f"--reason: unknown reason {', '.join(unknown)}; "
            f"use one of {', '.join(sorted(KNOWN_REASONS))}"
        )
    return reasons


def parse_time(text: str | None, *, flag: str, now: datetime) -> datetime | None:
    """An ISO 8601 time (UTC when no offset is given) or an age before now: 30m, 2h, 7d."""
    if text is None:
        return None
    age = _AGE.match(text.strip())
    if age:
        return now - timedelta(**{_AGE_UNITS[age.group(2)]: float(age.group(1))})
    try:
        parsed = datetime.fromisoformat(text.strip())
    except ValueError:
        raise FilterError(
            f"{flag}: cannot read {text!r} as a time; use ISO 8601 (2024-05-01T13:00Z) "
            "or an age such as 30m, 2h or 7d"
        ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def parse_offsets(text: str | None) -> OffsetRange | None:
    """`N` (one offset), `N-M` (inclusive) or `N-` (from N to the end)."""
    if text is None:
        return None
    match = _OFFSETS.match(text.strip())
    if match is None:
        raise FilterError(
            f"--offset: cannot read {text!r}; use N, N-M or N- (dead-letter topic offsets)"
        )
    first = int(match.group(1))
    if match.group(2) is None:
        return OffsetRange(first, first)
    last = int(match.group(3)) if match.group(3) is not None else None
    if last is not None and last < first:
        raise FilterError(f"--offset: {text!r} ends before it starts")
    return OffsetRange(first, last)


def build_selection(
    *,
    reasons: Sequence[str] | None,
    since: str | None,
    until: str | None,
    partition: int | None,
    offsets: str | None,
    key: str | None,
    limit: int | None,
    now: datetime | None = None,
) -> Selection:
    """Check every filter flag; raises FilterError naming the flag at fault."""
    now = now or datetime.now(UTC)
    if partition is not None and partition < 0:
        raise FilterError("--partition: must be 0 or more")
    if limit is not None and limit < 1:
        raise FilterError("--limit: must be 1 or more")
    selection = Selection(
        reasons=parse_reasons(reasons),
        since=parse_time(since, flag="--since", now=now),
        until=parse_time(until, flag="--until", now=now),
        partition=partition,
        offsets=parse_offsets(offsets),
        key=key.encode("utf-8") if key is not None else None,
        limit=limit,
    )
    if selection.since and selection.until and selection.until <= selection.since:
        raise FilterError("--until: must be later than --since")
    return selection
