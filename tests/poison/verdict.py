"""What the consumer must have made of a poison run, checked against the database, the
dead-letter topic and the broker's log end offsets. Each check returns its problems as
sentences naming the record (shape, partition, offset), so one run reports all of them."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

import psycopg
from psycopg.rows import dict_row

from tests.poison.dlq_reader import Letter
from tests.poison.spec import Fate, Run, Sent

# The dead letter of a ~1 MB record is cut to an excerpt that fits comfortably.
DEAD_LETTER_LIMIT_BYTES = 1_000_000
COUNTERS = (
    "facts_stored", "duplicates", "dead_lettered", "skipped_markers", "skipped_aborted",
    "skipped_retention", "skipped_reset",
)  # fmt: skip


def _at(sent: Sent) -> str:
    where = f"{sent.partition}:{sent.offset}"
    return f"{sent.record.label!r} ({sent.record.fate.value}, {sent.mode.value}) at {where}"


def check_facts(run: Run, database_url: str) -> list[str]:
    """Every valid event outside aborted transactions is in `events` once, at the offset of
    its first copy; nothing else is."""
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "select event_id::text, source_partition, source_offset from events"
        ).fetchall()
    stored = {str(r[0]): (int(r[1]), int(r[2])) for r in rows}
    expected = {s.record.event_id: s for s in run.sent if s.record.fate is Fate.STORED}
    problems = [f"not stored: {_at(s)}" for i, s in expected.items() if i not in stored]
    problems += [
        f"stored from {stored[i]}, expected from {s.partition}:{s.offset}: {_at(s)}"
        for i, s in expected.items()
        if i in stored and stored[i] != (s.partition, s.offset)
    ]
    by_id = {s.record.event_id: s for s in run.sent if s.record.event_id}
    for event_id in stored.keys() - expected.keys():
        known = by_id.get(event_id)
        problems.append(f"stored but must not be: {_at(known) if known else event_id}")
    return problems


def check_dead_letters(
    run: Run, letters: Iterable[Letter], *, topic: str, exactly_once: bool
) -> list[str]:
    """Every invalid record outside aborted transactions is a dead letter with its reason,
    its key and its headers (null values and raw key bytes kept); no other record is.
    `exactly_once` is False after crashes: a dead letter may then be sent again."""
    problems: list[str] = []
    by_origin: dict[tuple[int, int], list[Letter]] = defaultdict(list)
    for letter in letters:
        source, partition, offset = (
            letter.header(f"pulse.origin.{n}") for n in ("topic", "partition", "offset")
        )
        if partition is None or offset is None:
            problems.append(f"dead letter {letter.partition}:{letter.offset} has no origin headers")
        elif source == topic.encode():
            by_origin[(int(partition), int(offset))].append(letter)
    expected = {(s.partition, s.offset): s for s in run.sent if s.record.fate is Fate.DEAD}
    for origin, sent in expected.items():
        copies = by_origin.get(origin, [])
        if not copies:
            problems.append(f"not dead-lettered: {_at(sent)}, reason {sent.record.reason}")
        elif exactly_once and len(copies) > 1:
            problems.append(f"dead-lettered {len(copies)} times: {_at(sent)}")
        for letter in copies:
            problems += [f"{p}: {_at(sent)}" for p in _letter_problems(sent, letter)]
    all_sent = {(s.partition, s.offset): s for s in run.sent}
    for origin in by_origin.keys() - expected.keys():
        known = all_sent.get(origin)
        reason = by_origin[origin][0].header("pulse.reason") or b""
        what = _at(known) if known else f"unknown record at {origin[0]}:{origin[1]}"
        problems.append(f"dead-lettered (reason {reason!r}) but must not be: {what}")
    return problems


def _letter_problems(sent: Sent, letter: Letter) -> list[str]:
    record = sent.record
    problems: list[str] = []
    reason = letter.header("pulse.reason")
    if reason != (record.reason or "").encode():
        problems.append(f"reason {reason!r}, expected {record.reason!r}")
    kept = _restored_nulls(letter)
    if kept != [(h.key, h.value) for h in record.headers]:
        problems.append(f"original headers not kept: {kept!r}")
    if letter.key != record.key:
        problems.append(f"key {letter.key!r:.60}, expected {record.key!r:.60}")
    truncated = letter.header("pulse.payload.truncated")
    if record.value is None:
        if letter.header("pulse.value.null") != b"true":
            problems.append("no header pulse.value.null = true for a null value")
    elif record.reason == "oversized":
        problems += _excerpt_problems(record.value, letter)
    elif truncated is not None or letter.value != record.value:
        problems.append(f"payload altered (truncated={truncated!r}): {letter.value!r:.80}")
    return problems


def _restored_nulls(letter: Letter) -> list[tuple[bytes, bytes | None]]:
    """The original headers of a dead letter. kafka-python cannot send a null header
    value: the consumer sends it empty and lists its position in pulse.headers.null
    (README, "When events are rejected"); a null must stay told apart from an empty."""
    kept: list[tuple[bytes, bytes | None]] = [
        (k, v) for k, v in letter.headers if not k.startswith(b"pulse.")
    ]
    nulls = letter.header("pulse.headers.null")
    for index in json.loads(nulls) if nulls else []:
        key, value = kept[index]
        kept[index] = (key, None if value == b"" else value)
    return kept


def _excerpt_problems(original: bytes, letter: Letter) -> list[str]:
    problems: list[str] = []
    if letter.header("pulse.payload.truncated") != b"true":
        problems.append("no header pulse.payload.truncated = true on a ~1 MB dead letter")
    if letter.header("pulse.payload.bytes") != str(len(original)).encode():
        problems.append(
            f"pulse.payload.bytes = {letter.header('pulse.payload.bytes')!r},"
            f" expected {len(original)}"
        )
    value = letter.value or b""
    if not value or len(value) >= len(original) or not original.startswith(value):
        problems.append(f"payload is not a bounded excerpt ({len(value)} of {len(original)} B)")
    if letter.size_bytes >= DEAD_LETTER_LIMIT_BYTES:
        problems.append(f"dead letter of {letter.size_bytes} bytes, not under 1 MB")
    return problems


def check_support_calls(event_ids: Iterable[str], database_url: str) -> list[str]:
    """Support calls with upsells no money column can hold: stored, amount NULL."""
    ids = sorted(event_ids)
    with psycopg.connect(database_url) as conn:
        rows: dict[str, Any] = dict(
            conn.execute(
                "select event_id::text, upsell_amount from support_calls"
                " where event_id = any(%s::uuid[])",
                (ids,),
            ).fetchall()
        )
    problems = [f"support call {i} has no support_calls row" for i in ids if i not in rows]
    problems += [
        f"support call {i} stored with upsell_amount {rows[i]}, expected NULL"
        for i in ids
        if i in rows and rows[i] is not None
    ]
    return problems


def expected_ledger(run: Run, ends: dict[int, int]) -> dict[int, dict[str, int]]:
    """Per partition: every counter of partition_offsets, as the run dictates."""
    fates = Counter((s.partition, s.record.fate) for s in run.sent)
    markers = Counter(p for _, p in run.markers)
    return {
        p: {
            "first_offset": 0,
            "next_offset": end,
            "facts_stored": fates[(p, Fate.STORED)],
            "duplicates": fates[(p, Fate.DUPLICATE)],
            "dead_lettered": fates[(p, Fate.DEAD)],
            "skipped_markers": markers[p],
            "skipped_aborted": fates[(p, Fate.ABORTED)],
            "skipped_retention": 0,
            "skipped_reset": 0,
        }
        for p, end in sorted(ends.items())
    }


def check_ledger(run: Run, database_url: str, *, topic: str, ends: dict[int, int]) -> list[str]:
    """partition_offsets explains every offset: next_offset is the log end, the counters add
    up to next - first, each counter is what was sent (markers: one per partition per
    transaction that wrote to it; aborted: the records sent in aborted transactions)."""
    problems: list[str] = []
    sent_per_partition = Counter(s.partition for s in run.sent)
    markers = Counter(p for _, p in run.markers)
    for p, end in ends.items():
        if end != sent_per_partition[p] + markers[p]:  # the corpus itself is off
            problems.append(
                f"partition {p}: log end {end} != {sent_per_partition[p]} records sent"
                f" + {markers[p]} markers"
            )
    with psycopg.connect(database_url, row_factory=dict_row) as conn:
        rows = {
            int(r["kafka_partition"]): r
            for r in conn.execute("select * from partition_offsets where topic = %s", (topic,))
        }
    for p, wanted in expected_ledger(run, ends).items():
        row: dict[str, Any] | None = rows.get(p)
        if row is None:
            problems.append(f"partition {p}: no partition_offsets row")
            continue
        for column, value in wanted.items():
            if column not in row:
                problems.append(f"partition {p}: partition_offsets has no column {column}")
            elif row[column] != value:
                problems.append(f"partition {p}: {column} = {row[column]}, expected {value}")
        if all(c in row for c in COUNTERS):
            read = row["next_offset"] - row["first_offset"]
            counted = sum(row[c] for c in COUNTERS)
            if read != counted:
                problems.append(
                    f"partition {p}: next - first = {read} but the counters add up to {counted}"
                    f" ({', '.join(f'{c} {row[c]}' for c in COUNTERS)})"
                )
    return problems
