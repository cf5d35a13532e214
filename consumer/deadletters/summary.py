"""`dlq summary`: what was rejected, why, for whom and when, counted over the distinct
records of a selection (repeats of an origin are counted apart, not in the totals)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC
from typing import Any

from consumer.deadletters.excerpt import safe_bytes, safe_text
from consumer.deadletters.filters import SelectionStats
from consumer.deadletters.records import DeadLetterRecord
from consumer.deadletters.table import format_table

NOT_DECODABLE = "(not decodable)"
NO_KEY = "(no key)"
EMPTY = "(empty)"


@dataclass(slots=True)
class Summary:
    records: int = 0
    by_reason: Counter[str] = field(default_factory=Counter)
    by_event_type: Counter[str] = field(default_factory=Counter)
    by_key: Counter[str] = field(default_factory=Counter)
    by_hour: Counter[str] = field(default_factory=Counter)  # failed_at, UTC, "YYYY-MM-DDTHH:00Z"
    oldest: DeadLetterRecord | None = None
    newest: DeadLetterRecord | None = None

    def add(self, record: DeadLetterRecord) -> None:
        self.records += 1
        self.by_reason[record.reason] += 1
        self.by_event_type[_event_type(record)] += 1
        self.by_key[_key(record)] += 1
        self.by_hour[hour_of(record)] += 1
        if self.oldest is None or record.failed_at < self.oldest.failed_at:
            self.oldest = record
        if self.newest is None or record.failed_at > self.newest.failed_at:
            self.newest = record


def _event_type(record: DeadLetterRecord) -> str:
    if record.event_type is None:
        return NOT_DECODABLE
    return safe_text(record.event_type, limit_chars=64) or EMPTY


def _key(record: DeadLetterRecord) -> str:
    return NO_KEY if record.key is None else safe_bytes(record.key, limit_chars=64) or EMPTY


def hour_of(record: DeadLetterRecord) -> str:
    return record.failed_at.astimezone(UTC).strftime("%Y-%m-%dT%H:00Z")


def summarize(records: Iterable[DeadLetterRecord]) -> Summary:
    summary = Summary()
    for record in records:
        summary.add(record)
    return summary


def _top(counter: Counter[str], top: int) -> list[tuple[str, int]]:
    ranked = sorted(counter.items(), key=lambda item: (-item[1], item[0]))
    shown = ranked[:top]
    rest = ranked[top:]
    if rest:
        shown.append((f"({len(rest)} others)", sum(count for _, count in rest)))
    return shown


def _landmark(record: DeadLetterRecord | None) -> dict[str, Any] | None:
    if record is None:
        return None
    return {
        "failed_at": record.failed_at.isoformat(),
        "address": str(record.address),
        "origin": str(record.origin) if record.origin else None,
        "reason": record.reason,
    }


def summary_json(summary: Summary, stats: SelectionStats, *, topic: str) -> dict[str, Any]:
    """Every count, nothing cut (scripts want all of it)."""
    return {
        "topic": topic,
        "records_read": stats.read,
        "records": summary.records,
        "repeats_skipped": stats.repeats,
        "by_reason": dict(_top(summary.by_reason, len(summary.by_reason))),
        "by_event_type": dict(_top(summary.by_event_type, len(summary.by_event_type))),
        "by_key": dict(_top(summary.by_key, len(summary.by_key))),
        "by_hour": dict(sorted(summary.by_hour.items())),
        "oldest": _landmark(summary.oldest),
        "newest": _landmark(summary.newest),
    }


def render_summary(summary: Summary, stats: SelectionStats, *, topic: str, top: int) -> str:
    lines = [
        f"{summary.records} distinct dead letters in {topic} "
        f"({stats.read} records read, {stats.repeats} repeats of the same origin skipped)",
    ]
    if not summary.records:
        return lines[0]
    for title, landmark in (("oldest", summary.oldest), ("newest", summary.newest)):
        if landmark is not None:
            lines.append(
                f"{title}: {landmark.failed_at.isoformat()} at {landmark.address} "
                f"({landmark.reason})"
            )
    sections = (
        ("reason", _top(summary.by_reason, top)),
        ("event type", _top(summary.by_event_type, top)),
        ("key", _top(summary.by_key, top)),
        ("hour (UTC, failed at)", sorted(summary.by_hour.items())[-top:]),
    )
    for title, rows in sections:
        lines += ["", format_table([title, "count"], rows)]
    hidden = len(summary.by_hour) - top
    if hidden > 0:
        lines.append(f"({hidden} earlier hours not shown; --top or --json shows more)")
    return "\n".join(lines)
