"""The dlq commands without a broker: summary counts, the show rendering, replay
verdicts and headers, mirror chunking, and flag errors that end before Kafka is called."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from kafka.consumer.fetcher import ConsumerRecord

from consumer.cli import build_parser, main
from consumer.deadletters.filters import SelectionStats
from consumer.deadletters.letters import EXCERPT_BYTES, DeadLetter, Outgoing, minimal, outgoing
from consumer.deadletters.mirror import CHUNK_RECORDS, _chunks, _row
from consumer.deadletters.records import Coordinates, DeadLetterRecord, from_kafka
from consumer.deadletters.replay import ReplayPolicy, Verdict, judge, replay_headers
from consumer.deadletters.replay_report import ReplayReport, render_report, report_json
from consumer.deadletters.show import record_json, render_record
from consumer.deadletters.summary import NOT_DECODABLE, render_summary, summarize, summary_json
from consumer.ingest.decode import Rejection
from pulse.contract import RejectReason, TimeWindow

NOW = datetime.now(UTC)


def _event(*, days_old: float = 0.0, pad: int = 0) -> bytes:
    event = {
        "schema_version": 1,
        "event_id": str(uuid.uuid4()),
        "event_type": "login",
        "occurred_at": (NOW - timedelta(days=days_old)).isoformat(),
        "user_id": "u1",
        "session_id": "s1",
        "device": "mobile",
        "location": {"country": "DE", "city": "Berlin"},
        "padding": "x" * pad,  # unknown fields are ignored by the contract
    }
    return json.dumps(event).encode()


def _letter(
    value: bytes | None,
    *,
    offset: int = 0,
    reason: str = "timestamp_too_old",
    key: bytes | None = b"u1",
    failed_at: datetime = NOW,
    replay_count: int = 0,
    headers: tuple[tuple[str, bytes], ...] = (),
) -> DeadLetterRecord:
    try:
        claimed = json.loads(value or b"")
    except ValueError:
        claimed = {}
    return DeadLetterRecord(
        address=Coordinates("events.dlq", 0, offset),
        timestamp_ms=int(failed_at.timestamp() * 1000),
        key=key,
        value=value,
        headers=headers,
        reason=reason,
        error="something",
        field_path="occurred_at",
        details=(),
        origin=Coordinates("events", 1, 100 + offset),
        origin_timestamp_ms=int(failed_at.timestamp() * 1000),
        failed_at=failed_at,
        consumer_group="pulse",
        consumer_version="0.1.0",
        schema_version="1",
        replay_count=replay_count,
        event_type=claimed.get("event_type"),
        event_id=claimed.get("event_id"),
    )


def _policy(
    *, horizon_days: float = 10, max_bytes: int = 2048, max_replays: int = 3
) -> ReplayPolicy:
    window = TimeWindow(NOW, timedelta(days=horizon_days), timedelta(minutes=5))
    return ReplayPolicy(window=window, max_bytes=max_bytes, max_replays=max_replays)


# -- summary -------------------------------------------------------------------------


def test_summary_counts_by_reason_type_key_and_hour() -> None:
    early = datetime(2024, 5, 1, 9, 59, tzinfo=UTC)
    late = datetime(2024, 5, 1, 11, 5, tzinfo=UTC)
    records = [
        _letter(_event(days_old=30), offset=0, failed_at=early),
        _letter(_event(days_old=30), offset=1, key=b"u2", failed_at=late),
        _letter(b"{nope", offset=2, reason="malformed_json", key=None, failed_at=late),
    ]
    summary = summarize(records)
    document = summary_json(summary, SelectionStats(read=4, repeats=1), topic="events.dlq")
    assert document["records"] == 3
    assert (document["records_read"], document["repeats_skipped"]) == (4, 1)
    assert document["by_reason"] == {"timestamp_too_old": 2, "malformed_json": 1}
    assert document["by_event_type"] == {"login": 2, NOT_DECODABLE: 1}
    assert document["by_key"] == {"(no key)": 1, "u1": 1, "u2": 1}
    assert document["by_hour"] == {"2024-05-01T09:00Z": 1, "2024-05-01T11:00Z": 2}
    assert document["oldest"]["address"] == "events.dlq/0/0"
    assert document["newest"]["failed_at"] == late.isoformat()


def test_summary_table_cuts_long_breakdowns_and_says_so() -> None:
    records = [_letter(_event(), offset=i, key=f"u{i}".encode()) for i in range(5)]
    text = render_summary(summarize(records), SelectionStats(read=5), topic="t", top=2)
    assert text.startswith("5 distinct dead letters in t (5 records read, 0 repeats")
    assert "(3 others)" in text


def test_an_empty_summary_is_one_line() -> None:
    text = render_summary(summarize([]), SelectionStats(), topic="t", top=5)
    assert (
        text
        == "0 distinct dead letters in t (0 records read, 0 repeats of the same origin skipped)"
    )


# -- show ----------------------------------------------------------------------------


def test_show_escapes_payload_and_headers() -> None:
    record = _letter(
        b"\x1b]0;owned\x07{bad json\n",
        reason="malformed_json",
        headers=(("pulse.error", b"line1\nline2"), ("x-\x1bname", b"\x9b31m")),
    )
    text = render_record(record, excerpt_chars=200)
    assert "\x1b" not in text
    assert "\x07" not in text
    assert "\\x1b]0;owned\\x07{bad json\\x0a (20 bytes)" in text
    assert "    pulse.error: line1\\x0aline2" in text
    assert "    x-\\x1bname: \\x9b31m" in text
    assert len(text.splitlines()) == 10


def test_show_json_carries_errors_and_a_safe_excerpt() -> None:
    record = _letter(b"\x00" * 500, reason="undecodable")
    document = record_json(record, excerpt_chars=8)
    assert document["payload_excerpt"] == "\\x00\\x00…"
    assert document["payload_bytes"] == 500
    assert document["origin"] == "events/1/100"


# -- replay --------------------------------------------------------------------------


def test_a_record_passing_the_current_bounds_is_replayed() -> None:
    decision = judge(_letter(_event(days_old=30)), _policy(horizon_days=60))
    assert decision.verdict is Verdict.REPLAY
    assert decision.message.startswith("login ")


def test_a_record_still_failing_reports_its_new_reason() -> None:
    oversized_and_old = _letter(_event(days_old=30, pad=3000), reason="oversized")
    decision = judge(oversized_and_old, _policy(horizon_days=10, max_bytes=8192))
    assert decision.verdict is Verdict.STILL_FAILS
    assert decision.new_reason == "timestamp_too_old"
    assert decision.message.startswith("occurred_at: ")


def test_a_record_replayed_too_often_is_refused_before_validation() -> None:
    decision = judge(_letter(_event(), replay_count=3), _policy(max_replays=3))
    assert decision.verdict is Verdict.REFUSED
    assert "replayed 3 times already (--max-replays 3)" in decision.message
    assert judge(_letter(_event(), replay_count=2), _policy()).verdict is Verdict.REPLAY


def _as_sent(shaped: Outgoing, offset: int = 0) -> DeadLetterRecord:
    """The dead letter the publisher shaped, as `dlq` reads it back from the topic."""
    return from_kafka(
        ConsumerRecord(
            "events.dlq", 0, -1, offset, 0, 0, shaped.key, shaped.value, shaped.headers,
            None, -1, len(shaped.value), -1,
        )
    )  # fmt: skip


def _rejected(value: bytes, headers: Sequence[tuple[str, bytes | None]]) -> DeadLetter:
    return DeadLetter(
        "events", 0, 5, 0, b"k", value, headers, Rejection(RejectReason.OVERSIZED, "too big")
    )


def test_a_cut_dead_letter_is_never_replayed_even_when_what_is_left_is_valid() -> None:
    # Valid JSON padded past the dead-letter topic's limit: the cut letter parses.
    padded = _event() + b" " * 40_000
    cut = _as_sent(outgoing(_rejected(padded, []), "pulse", max_bytes=30_000))
    decision = judge(cut, _policy(max_bytes=100_000))
    assert decision.verdict is Verdict.INCOMPLETE
    assert f"the payload holds {EXCERPT_BYTES} of {len(padded)} bytes" in decision.message
    assert judge(_as_sent(outgoing(_rejected(padded, []), "pulse", max_bytes=100_000)),
                 _policy(max_bytes=100_000)).verdict is Verdict.REPLAY  # fmt: skip


def test_dropped_payloads_and_dropped_headers_are_incomplete_too() -> None:
    dropped = _as_sent(minimal(_rejected(_event(), []), "pulse", ValueError("refused")))
    assert judge(dropped, _policy()).verdict is Verdict.INCOMPLETE
    assert dropped.missing_parts[0].startswith("the payload was dropped (")
    many = [(f"h{i}", b"v" * 1000) for i in range(100)]
    headless = _as_sent(outgoing(_rejected(_event(), many), "pulse", max_bytes=1_048_576))
    assert headless.missing_parts == ("the producer's 100 headers were dropped",)
    assert judge(headless, _policy()).verdict is Verdict.INCOMPLETE


def test_replay_headers_keep_the_producers_and_count_the_replay() -> None:
    record = _letter(
        _event(),
        offset=12,
        replay_count=1,
        headers=(("traceparent", b"00-1"), ("pulse.reason", b"x"), ("pulse.replay.count", b"1")),
    )
    assert replay_headers(record) == [
        ("traceparent", b"00-1"),
        ("pulse.replay.count", b"2"),
        ("pulse.replay.origin", b"events.dlq/0/12"),
    ]


def test_replay_headers_send_null_values_null_again() -> None:
    record = _letter(
        _event(),
        offset=3,
        headers=(("sampled", b""), ("tenant", b"acme"), ("pulse.headers.null", b"[0]")),
    )
    assert replay_headers(record)[:2] == [("sampled", None), ("tenant", b"acme")]


def test_the_replay_report_says_whether_anything_was_published() -> None:
    decisions = [
        judge(_letter(_event(days_old=30), offset=0), _policy(horizon_days=60)),
        judge(_letter(b"{", offset=1, reason="malformed_json"), _policy()),
    ]
    for applied in (False, True):
        report = ReplayReport(applied, "events.dlq", "events", settings_note="note: same settings")
        for decision in decisions:
            report.add(decision)
        text = render_report(report, SelectionStats(read=2))
        lines = text.splitlines()
        assert lines[0].startswith("replayed " if applied else "would replay ")
        assert lines[1].startswith("still fails   events.dlq/0/1  malformed_json -> malformed_json")
        assert ("Nothing was published" in text) is not applied
        assert lines[-1] == "note: same settings"
        document = report_json(report, SelectionStats(read=2))
        assert (document["replayable"], document["still_failing"], document["refused"]) == (1, 1, 0)
        assert document["applied"] is applied


# -- mirror --------------------------------------------------------------------------


def test_mirror_chunks_end_at_partition_boundaries_and_size() -> None:
    records = [_letter(b"{", offset=i) for i in range(CHUNK_RECORDS + 2)]
    records.append(replace(records[0], address=Coordinates("events.dlq", 1, 0)))
    sizes = [(len(chunk), chunk[0].address.partition) for chunk in _chunks(iter(records))]
    assert sizes == [(CHUNK_RECORDS, 0), (2, 0), (1, 1)]


def test_mirror_rows_hold_no_nul_characters() -> None:
    record = _letter(b"{", key=b"u\x00", headers=(("h\x00", b"v\x00"),))
    row = _row(record)
    assert row["record_key"] == "u\ufffd"
    assert row["headers"].obj == [["h\ufffd", "v\ufffd"]]
    assert (row["origin_topic"], row["origin_offset"]) == ("events", 100)


# -- command line --------------------------------------------------------------------


def test_the_dlq_commands_are_wired_into_the_consumer_cli() -> None:
    args = build_parser().parse_args(["dlq", "replay", "--apply", "--reason", "oversized"])
    assert (args.command, args.dlq_command, args.apply, args.reason) == (
        "dlq",
        "replay",
        True,
        ["oversized"],
    )


@pytest.fixture
def _keep_logging() -> Iterator[None]:
    """run_dlq configures the root logger for the process; put it back afterwards."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    kafka_level = logging.getLogger("kafka").level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    logging.getLogger("kafka").setLevel(kafka_level)


@pytest.mark.usefixtures("_keep_logging")
@pytest.mark.parametrize(
    ("argv", "phrase"),
    [
        (["show", "--reason", "nope"], "--reason: unknown reason nope"),
        (["summary", "--since", "yesterday"], "--since: cannot read 'yesterday'"),
        (["show", "--offset", "9-5"], "--offset: '9-5' ends before it starts"),
        (["show", "--limit", "0"], "--limit: must be 1 or more"),
        (["replay", "--max-replays", "0"], "--max-replays: must be 1 or more"),
        (["replay", "--max-event-bytes", "5"], "MAX_EVENT_BYTES"),
    ],
)
def test_bad_flags_end_as_one_line_before_kafka_is_called(
    argv: list[str], phrase: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # Port 1 answers nothing: reaching Kafka would print a different error, 10 s later.
    code = main(["dlq", *argv, "--bootstrap-servers", "127.0.0.1:1"])
    captured = capsys.readouterr()
    assert code == 1
    errors = [line for line in captured.err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, captured.err
    assert phrase in errors[0]
    assert captured.out == ""
