"""`dlq show`: each selected record with its headers and a readable, truncated,
control-character-safe excerpt of its payload."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from consumer.deadletters.excerpt import payload_excerpt, safe_bytes, safe_text
from consumer.deadletters.filters import SelectionStats
from consumer.deadletters.records import DeadLetterRecord

HEADER_VALUE_CHARS = 300


def _time(timestamp_ms: int | None) -> str:
    if timestamp_ms is None:
        return "unknown"
    return datetime.fromtimestamp(timestamp_ms / 1000, UTC).isoformat(timespec="milliseconds")


def render_record(record: DeadLetterRecord, *, excerpt_chars: int) -> str:
    origin = (
        f"{record.origin} (produced {_time(record.origin_timestamp_ms)})"
        if record.origin
        else "unknown (no pulse.origin.* headers)"
    )
    claimed = safe_text(
        " ".join(part for part in (record.event_type, record.event_id) if part) or "-",
        limit_chars=120,
    )
    lines = [
        f"{record.address}  reason={record.reason}  failed_at={record.failed_at.isoformat()}",
        f"  origin:  {origin}",
        f"  key:     {safe_bytes(record.key, limit_chars=120)}",
        f"  claims:  {claimed}",
        f"  error:   {safe_text(_error_line(record), limit_chars=HEADER_VALUE_CHARS)}",
        f"  replays: {record.replay_count}",
        f"  payload: {payload_excerpt(record.value, limit_chars=excerpt_chars)}",
        "  headers:",
    ]
    for name, value in record.headers:
        shown = safe_bytes(value, limit_chars=HEADER_VALUE_CHARS)
        lines.append(f"    {safe_text(name, limit_chars=80)}: {shown}")
    return "\n".join(lines)


def _error_line(record: DeadLetterRecord) -> str:
    where = f"{record.field_path}: " if record.field_path else ""
    return f"{where}{record.error}" if record.error else "-"


def record_json(record: DeadLetterRecord, *, excerpt_chars: int) -> dict[str, Any]:
    return {
        "address": str(record.address),
        "partition": record.address.partition,
        "offset": record.address.offset,
        "failed_at": record.failed_at.isoformat(),
        "reason": record.reason,
        "error": record.error,
        "field": record.field_path,
        "errors": [
            {"path": d.path, "type": d.error_type, "message": d.message} for d in record.details
        ],
        "origin": str(record.origin) if record.origin else None,
        "origin_timestamp_ms": record.origin_timestamp_ms,
        "key": safe_bytes(record.key) if record.key is not None else None,
        "event_type": record.event_type,
        "event_id": record.event_id,
        "replay_count": record.replay_count,
        "consumer_group": record.consumer_group,
        "consumer_version": record.consumer_version,
        "schema_version": record.schema_version,
        "headers": [[name, safe_bytes(value)] for name, value in record.headers],
        "payload_bytes": record.payload_size,
        "payload_excerpt": safe_bytes(record.value, limit_chars=excerpt_chars),
    }


def render_footer(stats: SelectionStats, *, shown: int, topic: str) -> str:
    return (
        f"{shown} dead letters shown from {topic} ({stats.read} records read, "
        f"{stats.repeats} repeats of the same origin skipped)"
    )
