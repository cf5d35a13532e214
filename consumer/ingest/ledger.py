"""The offset ledger of one batch: for every partition it covers, which offsets became
facts or dead letters and which were skipped, and why. PostgreSQL stores the sums in
`partition_offsets`, whose check constraint makes the ledger add up at every commit:
next_offset - first_offset = facts + duplicates + dead letters + skipped."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from consumer.ingest.records import SkipCause


@dataclass(slots=True)
class PartitionSlice:
    """The part of a batch that came from one partition."""

    partition: int
    expected_offset: int | None  # what PostgreSQL holds now; None if nothing yet
    first_offset: int  # first offset this batch read: the circuit breaker rewinds here
    next_offset: int
    valid: int = 0
    dead_lettered: int = 0
    skipped: Counter[SkipCause] = field(default_factory=Counter)

    @property
    def ledger_start(self) -> int:
        """Where this slice's accounting starts: the stored offset, or 0 for a partition
        never stored (what lies before its first record is accounted as skipped)."""
        return 0 if self.expected_offset is None else self.expected_offset

    def skip(self, cause: SkipCause, offset: int, next_offset: int) -> None:
        count = next_offset - max(offset, self.next_offset)
        if count > 0:
            self.skipped[cause] += count
            self.next_offset = next_offset

    def skipped_of(self, cause: SkipCause) -> int:
        return self.skipped.get(cause, 0)


def classify_gap(
    offset: int, next_offset: int, log_start: int | None
) -> list[tuple[SkipCause, int, int]]:
    """Split the offsets [offset, next_offset) that Kafka returned nothing for, and no
    marker or aborted batch explains: below the log start, retention deleted them; from
    the log start on, an offset reset jumped over them. Unknown log start: all reset."""
    if log_start is None or log_start <= offset:
        return [(SkipCause.RESET, offset, next_offset)]
    if log_start >= next_offset:
        return [(SkipCause.RETENTION, offset, next_offset)]
    return [(SkipCause.RETENTION, offset, log_start), (SkipCause.RESET, log_start, next_offset)]
