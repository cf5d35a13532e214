"""The ground-truth file (`--truth FILE`): one JSON line per record sent, in send order,
saying where it landed and what the consumer must make of it."""

from __future__ import annotations

import json
from pathlib import Path
from types import TracebackType
from typing import IO, NotRequired, TypedDict

from producer.records import EXPECTED_REASON, Record


class CallLine(TypedDict):
    agent_id: str
    converted: bool
    upsell_amount: str | None  # exact decimal as a string, e.g. "49.00"
    upsell_product: str | None
    sentiment: str


class TruthLine(TypedDict):
    """One record. Exactly one of these holds for the consumer: `valid` and not
    `duplicate` -> a new fact; `duplicate` -> a counted duplicate (same event_id and bytes
    as an earlier record); not `valid` -> a dead letter with reason `expected_reason`."""

    event_id: str
    event_type: str
    user_id: str
    partition: int | None  # None when the record was not acknowledged
    offset: int | None
    acked: bool
    valid: bool
    defect: str | None
    expected_reason: str | None
    duplicate: bool
    late: bool
    bytes: int
    call: NotRequired[CallLine]
    error: NotRequired[str]


def truth_line(
    record: Record, partition: int | None, offset: int | None, error: str | None = None
) -> TruthLine:
    line: TruthLine = {
        "event_id": record.event_id,
        "event_type": record.event_type,
        "user_id": record.key.decode(),
        "partition": partition,
        "offset": offset,
        "acked": error is None,
        "valid": record.defect is None,
        "defect": None if record.defect is None else record.defect.value,
        "expected_reason": None if record.defect is None else EXPECTED_REASON[record.defect].value,
        "duplicate": record.is_duplicate,
        "late": record.is_late,
        "bytes": len(record.value),
    }
    if record.call is not None:
        call = record.call
        line["call"] = {
            "agent_id": call.agent_id,
            "converted": call.converted,
            "upsell_amount": None if call.upsell_amount is None else str(call.upsell_amount),
            "upsell_product": call.upsell_product,
            "sentiment": call.sentiment.value,
        }
    if error is not None:
        line["error"] = error
    return line


class TruthWriter:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: IO[str] = path.open("w", encoding="utf-8", buffering=1 << 20)

    def write(
        self, record: Record, partition: int | None, offset: int | None, error: str | None = None
    ) -> None:
        line = truth_line(record, partition, offset, error)
        self._file.write(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n")

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> TruthWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def read_truth(path: Path) -> list[TruthLine]:
    """Every line of a truth file, for tests and tools that check the consumer."""
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]
