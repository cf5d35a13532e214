"""`dlq replay`: re-validate dead letters against the current contract and settings, and
publish those that now pass back to the main topic.

Safe by construction rather than by bookkeeping:
- a replayed record keeps its original key and bytes, so it carries its original
  `event_id`; the consumer's event_id dedup stores it once however often it is replayed
  (a second `--apply` adds duplicates to the counters, never facts);
- `pulse.replay.count` grows by one per replay and survives a new rejection (deadletter.py
  carries it over), so `--max-replays` stops a record from cycling forever between the
  topics when the consumer runs with narrower settings than the replay;
- records that still fail are left where they are: the dead-letter topic is append-only,
  and nothing is deleted or rewritten;
- a dead letter holding only part of its record (the publisher cut or dropped a record too
  large to send whole, `pulse.payload.truncated` and the like) is never replayed: it would
  publish bytes that no producer sent.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from consumer.deadletters.letters import REPLAY_COUNT_HEADER, REPLAY_ORIGIN_HEADER
from consumer.deadletters.records import DeadLetterRecord
from consumer.ingest.catalog import decode_catalog
from consumer.ingest.decode import Rejection, decode_event
from consumer.store.catalog_rows import CatalogChange
from pulse.contract import TimeWindow


class Verdict(StrEnum):
    REPLAY = "replay"  # passes the current contract and settings
    STILL_FAILS = "still_fails"
    REFUSED = "refused"  # replayed --max-replays times already
    INCOMPLETE = "incomplete"  # the dead letter holds only part of the record


@dataclass(frozen=True, slots=True)
class ReplayPolicy:
    window: TimeWindow
    max_bytes: int
    max_replays: int
    catalog: bool = False  # judge against the catalog's contract (`dlq replay --catalog`)


@dataclass(frozen=True, slots=True)
class Decision:
    record: DeadLetterRecord
    verdict: Verdict
    new_reason: str | None  # why it still fails, under the current settings
    message: str


def judge(record: DeadLetterRecord, policy: ReplayPolicy) -> Decision:
    if missing := record.missing_parts:
        # Re-sending a cut record would publish something its producer never sent.
        return Decision(
            record,
            Verdict.INCOMPLETE,
            None,
            f"cannot be replayed: {'; '.join(missing)}. Re-send it from its source "
            "(`dlq show` prints what the dead letter kept, with the payload's sha256).",
        )
    if record.replay_count >= policy.max_replays:
        return Decision(
            record,
            Verdict.REFUSED,
            None,
            f"replayed {record.replay_count} times already (--max-replays {policy.max_replays})",
        )
    value, window, max_bytes = record.original_value, policy.window, policy.max_bytes
    outcome = (
        decode_catalog(record.key, value, window=window, max_bytes=max_bytes)
        if policy.catalog
        else decode_event(value, window=window, max_bytes=max_bytes)
    )
    if isinstance(outcome, Rejection):
        where = f"{outcome.field_path}: " if outcome.field_path else ""
        return Decision(
            record, Verdict.STILL_FAILS, outcome.reason.value, f"{where}{outcome.message}"
        )
    if isinstance(outcome, CatalogChange):
        what = "tombstone of" if outcome.is_deleted else "version of"
        return Decision(
            record, Verdict.REPLAY, None, f"{what} {outcome.entity_type}:{outcome.entity_id}"
        )
    return Decision(record, Verdict.REPLAY, None, f"{outcome.event_type} {outcome.event_id}")


def judge_all(records: Iterator[DeadLetterRecord], policy: ReplayPolicy) -> Iterator[Decision]:
    for record in records:
        yield judge(record, policy)


def replay_headers(record: DeadLetterRecord) -> list[tuple[str, bytes | None]]:
    """The producer's headers (null values restored), plus how often and from where this
    record was replayed."""
    return [
        *record.original_headers,
        (REPLAY_COUNT_HEADER, str(record.replay_count + 1).encode()),
        (REPLAY_ORIGIN_HEADER, str(record.address).encode()),
    ]
