"""A bounded batch of polled records: accumulated until full (in records or bytes), old
enough, or at least `min_age_s` old while the writer has nothing to do; then split into
fact rows and dead letters, with the offset ledger of every partition it covers."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from operator import attrgetter
from typing import Any

from consumer.calls.enrich import enrich
from consumer.calls.rows import call_row
from consumer.deadletters.letters import DeadLetter
from consumer.ingest.decode import Rejection, decode_event
from consumer.ingest.ledger import PartitionSlice, classify_gap
from consumer.ingest.limits import Limits
from consumer.ingest.records import SkippedOffsets
from consumer.store.facts import fact_position, fact_row
from pulse.contract import RejectReason, SupportCall
from pulse.settings import Settings

logger = logging.getLogger(__name__)

# The log start offset of a partition (None when Kafka cannot say): asked only when a
# batch finds offsets that nothing explains.
LogStart = Callable[[int], int | None]
# poll() returns at least this often with no batch open, and while the writer is busy.
EMPTY_POLL_WAIT_S = 0.2
WRITER_CHECK_S = 0.01
# Kafka's own sizes of a record's key and value (-1 when absent, close enough for a bound).
_KEY_AND_VALUE_BYTES = attrgetter("serialized_key_size", "serialized_value_size")


@dataclass(slots=True)
class Sources:
    """The batch's original records, to dead-letter a row that PostgreSQL refuses. Found by
    the partition and offset every fact row ends with, and only then: the common path pays
    nothing per row."""

    records: list[Any] = field(default_factory=list)
    _by_position: dict[tuple[int, int], Any] = field(default_factory=dict)

    def letter(self, row: tuple[Any, ...], rejection: Rejection) -> DeadLetter:
        if not self._by_position:
            self._by_position = {
                (r.partition, r.offset): r
                for r in self.records
                if not isinstance(r, SkippedOffsets)
            }
        return dead_letter(self._by_position[fact_position(row)], rejection)


@dataclass(slots=True)
class ValidatedBatch:
    """What a batch becomes once every record has been decoded."""

    rows: list[tuple[Any, ...]]
    event_times: list[datetime]
    letters: list[DeadLetter]
    slices: list[PartitionSlice]
    # The enriched support calls among `rows` (`consumer.calls.rows`).
    call_rows: list[tuple[Any, ...]] = field(default_factory=list)
    # Where each row came from, to dead-letter a row that PostgreSQL refuses.
    sources: Sources = field(default_factory=Sources)
    # letters[i] is acknowledged by Kafka: a retried batch does not send it again.
    acked: list[bool] = field(default_factory=list)

    def reject_rows(self, rejected: Mapping[int, Rejection]) -> None:
        """Turn the rows at these indexes into dead letters (PostgreSQL refused them)."""
        gone = {fact_position(self.rows[i]) for i in rejected}
        by_partition = {part.partition: part for part in self.slices}
        for index, rejection in rejected.items():
            row = self.rows[index]
            self.letters.append(self.sources.letter(row, rejection))
            self.acked.append(False)
            part = by_partition[fact_position(row)[0]]
            part.valid -= 1
            part.dead_lettered += 1
        keep = [i for i in range(len(self.rows)) if i not in rejected]
        self.rows = [self.rows[i] for i in keep]
        self.event_times = [self.event_times[i] for i in keep]
        self.call_rows = [row for row in self.call_rows if (row[1], row[2]) not in gone]


# Turns one record into a row of `out` (its slice counts it valid) or a dead letter (its
# slice counts it dead-lettered): `validate_event_record`, or the catalog's.
RecordValidator = Callable[[Any, "Limits", PartitionSlice, "ValidatedBatch"], None]


@dataclass(slots=True)
class Batch:
    topic: str
    max_records: int
    max_age_s: float
    max_bytes: int
    # Handed over this early when the writer is free (None: only when old or full). A busy
    # writer lets the batch grow instead, so batches are as large as the load needs.
    min_age_s: float | None = None
    records: list[Any] = field(default_factory=list)
    size_bytes: int = 0
    started_at: float = 0.0
    validate_record: RecordValidator | None = None  # None: validate_event_record
    # What `validate_pending` has decoded so far: records[:_checked] into _out and _slices.
    _checked: int = 0
    _out: ValidatedBatch | None = None
    _slices: dict[int, PartitionSlice] = field(default_factory=dict)

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        topic: str | None = None,
        validate_record: RecordValidator | None = None,
    ) -> Batch:
        return cls(
            topic or settings.kafka_topic,
            settings.batch_max_records,
            settings.batch_max_age_ms / 1000,
            settings.batch_max_bytes,
            min_age_s=settings.batch_min_age_ms / 1000,
            validate_record=validate_record,
        )

    def __len__(self) -> int:
        return len(self.records)

    def add(self, records: Iterable[Any]) -> None:
        if not self.records:
            self.started_at = time.monotonic()
        records = list(records)
        self.records.extend(records)
        self.size_bytes += sum(map(sum, map(_KEY_AND_VALUE_BYTES, records)))

    def room(self) -> int:
        return max(self.max_records - len(self.records), 0)

    def age_s(self) -> float:
        return time.monotonic() - self.started_at if self.records else 0.0

    def is_due(self, *, writer_free: bool = False) -> bool:
        return bool(self.records) and (
            len(self.records) >= self.max_records
            or self.size_bytes >= self.max_bytes
            or self.s_until_due(writer_free=writer_free) == 0.0
        )

    def s_until_due(self, *, writer_free: bool) -> float:
        """How long until age alone makes the batch due (0 when it is due already)."""
        due_at = self.max_age_s
        if writer_free and self.min_age_s is not None:
            due_at = min(due_at, self.min_age_s)
        return max(due_at - self.age_s(), 0.0)

    def poll_wait_s(self, *, writer_free: bool) -> float:
        """How long the next poll may wait for records before the batch needs a look."""
        if not self.records:
            return EMPTY_POLL_WAIT_S
        if writer_free:
            return self.s_until_due(writer_free=True)
        # The writer may finish any moment, which makes the batch due: look again soon
        # rather than sleep in poll() until the batch's maximum age.
        return min(self.s_until_due(writer_free=False), WRITER_CHECK_S)

    def clear(self) -> None:
        self.records = []
        self.size_bytes = 0
        self._checked = 0
        self._out = None
        self._slices = {}

    def validate_pending(
        self, *, limits: Limits, expected: Mapping[int, int | None], log_start: LogStart
    ) -> ValidatedBatch:
        """Decode the records added since the last call: done as they arrive, the batch is
        ready when the writer takes it, and decoding overlaps the previous batch's write.
        `expected` is the offset PostgreSQL holds per partition."""
        if self._out is None:
            self._out = ValidatedBatch([], [], [], [], sources=Sources(self.records))
        out, slices = self._out, self._slices
        validate_record = self.validate_record or validate_event_record
        for item in self.records[self._checked :]:
            part = slices.get(item.partition)
            if part is None:
                part = _new_slice(item, expected.get(item.partition))
                slices[item.partition] = part
            if item.offset < part.next_offset:
                continue  # already accounted (a re-fetched record)
            if item.offset > part.next_offset:
                for cause, start, end in classify_gap(
                    part.next_offset, item.offset, log_start(item.partition)
                ):
                    part.skip(cause, start, end)
            if isinstance(item, SkippedOffsets):
                part.skip(item.cause, item.offset, item.next_offset)
                continue
            part.next_offset = item.offset + 1
            validate_record(item, limits, part, out)
        self._checked = len(self.records)
        return out

    def validate(
        self, *, limits: Limits, expected: Mapping[int, int | None], log_start: LogStart
    ) -> ValidatedBatch:
        """Every record decoded (`validate_pending` on those not decoded yet)."""
        self.validate_pending(limits=limits, expected=expected, log_start=log_start)
        return self.validated()

    def validated(self) -> ValidatedBatch:
        """The decoded batch with the slices that cover it; `validate_pending` must have
        seen every record, and `clear()` must follow before the next one is added."""
        if self._checked != len(self.records):
            raise RuntimeError("Batch.validated() before validate_pending() saw every record")
        out = self._out or ValidatedBatch([], [], [], [], sources=Sources(self.records))
        out.slices = list(self._slices.values())
        out.acked = [False] * len(out.letters)
        return out


def _new_slice(item: Any, expected: int | None) -> PartitionSlice:
    return PartitionSlice(
        partition=item.partition,
        expected_offset=expected,
        first_offset=item.offset,
        next_offset=0 if expected is None else expected,
    )


def validate_event_record(
    record: Any, limits: Limits, part: PartitionSlice, out: ValidatedBatch
) -> None:
    """One record becomes a row (and maybe a call row) or a dead letter; whatever fails
    for this record alone fails it alone."""
    try:
        outcome = decode_event(
            record.value, window=limits.window(record.timestamp), max_bytes=limits.max_event_bytes
        )
    except Exception as exc:  # a contract bug must not stop the partition: isolate it
        logger.warning("validation raised; dead-lettering the record", exc_info=True)
        outcome = Rejection(RejectReason.INVALID_VALUE, f"validation failed: {exc!r}"[:500])
    if not isinstance(outcome, Rejection):
        try:
            row = fact_row(outcome, record.topic, record.partition, record.offset)
            call = (
                call_row(outcome.event_id, record.partition, record.offset, enrich(outcome))
                if isinstance(outcome, SupportCall)  # only calls pay for enrichment
                else None
            )
        except Exception as exc:
            logger.warning(
                "enrichment raised; dead-lettering the record",
                extra={"partition": record.partition, "offset": record.offset},
                exc_info=True,
            )
            outcome = Rejection(RejectReason.ENRICHMENT_FAILED, f"{exc!r}"[:500])
        else:
            part.valid += 1
            out.rows.append(row)
            out.event_times.append(outcome.occurred_at)
            if call is not None:
                out.call_rows.append(call)
            return
    part.dead_lettered += 1
    out.letters.append(dead_letter(record, outcome))


def dead_letter(record: Any, rejection: Rejection) -> DeadLetter:
    return DeadLetter(
        topic=record.topic,
        partition=record.partition,
        offset=record.offset,
        timestamp_ms=record.timestamp,
        key=record.key,
        value=record.value,
        headers=list(record.headers or ()),
        rejection=rejection,
    )
