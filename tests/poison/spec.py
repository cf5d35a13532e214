"""What a poison run sends: groups of records (plain, or one transaction that commits or
aborts), each record with what must become of it, and where each one landed."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum


class Mode(StrEnum):
    """How a group is sent: outside any transaction, or as one that commits or aborts."""

    NONE = "none"
    COMMIT = "commit"
    ABORT = "abort"


class Fate(StrEnum):
    """What the consumer must make of a record."""

    STORED = "stored"  # a new fact
    DUPLICATE = "duplicate"  # a re-send of a stored event: counted, not stored again
    DEAD = "dead"  # a dead letter with `reason`
    ABORTED = "aborted"  # in an aborted transaction: neither stored nor dead-lettered


@dataclass(frozen=True)
class Header:
    key: bytes
    value: bytes | None


@dataclass(frozen=True)
class PoisonRecord:
    label: str  # names the shape in failure messages
    key: bytes | None
    value: bytes | None
    fate: Fate
    reason: str | None = None  # the expected pulse.reason when fate is DEAD
    event_id: str | None = None  # for valid events
    headers: tuple[Header, ...] = ()
    partition: int | None = None  # None: the client's partitioner decides by key

    def aborted(self) -> PoisonRecord:
        """The same record sent inside a transaction that aborts."""
        return PoisonRecord(
            self.label, self.key, self.value, Fate.ABORTED, None, self.event_id,
            self.headers, self.partition,
        )  # fmt: skip


@dataclass(frozen=True)
class Group:
    mode: Mode
    records: tuple[PoisonRecord, ...]


@dataclass(frozen=True)
class Sent:
    """A record the broker acknowledged, and where it is."""

    record: PoisonRecord
    mode: Mode
    group: int  # index of its group in the run; -1 for records sent outside the spec
    partition: int
    offset: int


@dataclass
class Run:
    """Everything one client sent to one topic, in the order it was sent."""

    sent: list[Sent] = field(default_factory=list)
    # One entry per (transaction, partition it wrote to): each is one marker offset.
    markers: list[tuple[int, int]] = field(default_factory=list)

    def add_group(self, index: int, group: Group, places: Sequence[tuple[int, int]]) -> None:
        if len(places) != len(group.records):
            raise ValueError(f"group {index}: {len(places)} acks for {len(group.records)} records")
        for record, (partition, offset) in zip(group.records, places, strict=True):
            self.sent.append(Sent(record, group.mode, index, partition, offset))
        if group.mode is not Mode.NONE:
            self.markers.extend((index, p) for p in sorted({p for p, _ in places}))


def b64(data: bytes | None) -> str:
    return "-" if data is None else base64.b64encode(data).decode("ascii")


def spec_lines(groups: Sequence[Group]) -> list[str]:
    """The spec in the line format tests/poison/java/PoisonProducer.java reads."""
    lines: list[str] = []
    for group in groups:
        lines.append(f"begin\t{group.mode.value}")
        for record in group.records:
            headers = ",".join(f"{b64(h.key)}:{b64(h.value)}" for h in record.headers)
            partition = "-" if record.partition is None else str(record.partition)
            lines.append(f"record\t{partition}\t{b64(record.key)}\t{b64(record.value)}\t{headers}")
        lines.append("end")
    return lines
