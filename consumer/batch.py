"""A bounded batch of polled records: accumulated until full or old enough, then split
into fact rows and dead letters, with the offset range of every partition it covers."""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from consumer.calls.enrich import enrich
from consumer.calls.rows import call_row
from consumer.contract import SupportCall, TimeWindow
from consumer.deadletter import DeadLetter
from consumer.facts import fact_row
from consumer.validation import Rejection, decode_event
from consumer.writer import PartitionSlice


@dataclass(slots=True)
class ValidatedBatch:
    """What a batch becomes once every record has been decoded."""

    rows: list[tuple[Any, ...]]
    event_times: list[datetime]
    letters: list[DeadLetter]
    slices: list[PartitionSlice]
    dead_letters_published: bool = False
    # The enriched support calls among `rows` (`consumer.calls.rows`).
    call_rows: list[tuple[Any, ...]] = field(default_factory=list)


@dataclass(slots=True)
class Batch:
    topic: str
    max_records: int
    max_age_s: float
    records: list[Any] = field(default_factory=list)
    started_at: float = 0.0

    def __len__(self) -> int:
        return len(self.records)

    def add(self, records: Iterable[Any]) -> None:
        if not self.records:
            self.started_at = time.monotonic()
        self.records.extend(records)

    def room(self) -> int:
        return max(self.max_records - len(self.records), 0)

    def age_s(self) -> float:
        return time.monotonic() - self.started_at if self.records else 0.0

    def is_due(self) -> bool:
        return bool(self.records) and (
            len(self.records) >= self.max_records or self.age_s() >= self.max_age_s
        )

    def clear(self) -> None:
        self.records = []

    def validate(
        self, *, window: TimeWindow, max_bytes: int, expected: Mapping[int, int | None]
    ) -> ValidatedBatch:
        """Decode every record; `expected` is the offset PostgreSQL holds per partition."""
        rows: list[tuple[Any, ...]] = []
        event_times: list[datetime] = []
        letters: list[DeadLetter] = []
        call_rows: list[tuple[Any, ...]] = []
        slices: dict[int, PartitionSlice] = {}
        for record in self.records:
            part = slices.get(record.partition)
            if part is None:
                part = PartitionSlice(
                    partition=record.partition,
                    expected_offset=expected.get(record.partition),
                    first_offset=record.offset,
                    next_offset=record.offset + 1,
                )
                slices[record.partition] = part
            part.next_offset = record.offset + 1
            outcome = decode_event(record.value, window=window, max_bytes=max_bytes)
            if isinstance(outcome, Rejection):
                part.dead_lettered += 1
                letters.append(_dead_letter(record, outcome))
            else:
                part.valid += 1
                rows.append(fact_row(outcome, record.topic, record.partition, record.offset))
                event_times.append(outcome.occurred_at)
                if isinstance(outcome, SupportCall):  # only calls pay for enrichment
                    call_rows.append(
                        call_row(outcome.event_id, record.partition, record.offset, enrich(outcome))
                    )
        return ValidatedBatch(
            rows, event_times, letters, list(slices.values()), call_rows=call_rows
        )


def _dead_letter(record: Any, rejection: Rejection) -> DeadLetter:
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
