"""Pure pieces of poison isolation: the ledger of a batch, gap causes, the fault taxonomy
by SQLSTATE, dead letters shaped so they can always be sent, lenient header keys, and
verdicts that do not depend on when a record is read."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest
from kafka.consumer.fetcher import ConsumerRecord
from pydantic import ValidationError

from consumer.deadletters.letters import (
    EXCERPT_BYTES,
    MAX_ERRORS_JSON_BYTES,
    DeadLetter,
    minimal,
    outgoing,
)
from consumer.ingest.batch import Batch
from consumer.ingest.decode import FieldError, Rejection
from consumer.ingest.ledger import classify_gap
from consumer.ingest.limits import Limits
from consumer.ingest.records import HeaderKey, SkipCause, SkippedOffsets, header_key
from consumer.store.facts import fact_position
from consumer.store.faults import Fault, classify, deployment_error
from pulse.contract import RejectReason
from pulse.settings import Settings

LIMITS = Limits(65_536, timedelta(days=400), timedelta(minutes=5))
STAMP = datetime(2025, 3, 1, 12, tzinfo=UTC)
STAMP_MS = int(STAMP.timestamp() * 1000)


def _record(offset: int, value: bytes | None, *, partition: int = 0, ts: int = STAMP_MS) -> Any:
    return ConsumerRecord(
        "events", partition, -1, offset, ts, 0, b"k", value, [], None, 1,
        len(value or b""), -1,
    )  # fmt: skip


def _login(occurred_at: datetime = STAMP) -> bytes:
    return json.dumps(
        {
            "schema_version": 1,
            "event_id": str(uuid.uuid4()),
            "event_type": "login",
            "occurred_at": occurred_at.isoformat(),
            "user_id": "u1",
            "session_id": "s1",
            "device": "mobile",
            "location": {"country": "DE", "city": "Berlin"},
        }
    ).encode()


def _batch(*items: Any) -> Batch:
    batch = Batch("events", max_records=100, max_age_s=60, max_bytes=10_000_000)
    batch.add(items)
    return batch


def test_markers_and_aborted_records_are_counted_in_the_slice() -> None:
    batch = _batch(
        _record(10, _login()),
        SkippedOffsets("events", 0, 11, 14, SkipCause.ABORTED),
        SkippedOffsets("events", 0, 14, 15, SkipCause.MARKER),
        _record(15, b"{bad"),
        SkippedOffsets("events", 0, 16, 17, SkipCause.MARKER),
    )
    validated = batch.validate(limits=LIMITS, expected={0: 10}, log_start=lambda _: 0)
    [part] = validated.slices
    assert (part.first_offset, part.next_offset, part.valid, part.dead_lettered) == (10, 17, 1, 1)
    assert part.skipped == {SkipCause.ABORTED: 3, SkipCause.MARKER: 2}
    assert part.next_offset - part.ledger_start == 1 + 1 + 3 + 2


def test_an_unexplained_gap_is_split_at_the_log_start() -> None:
    assert classify_gap(10, 20, 15) == [
        (SkipCause.RETENTION, 10, 15),
        (SkipCause.RESET, 15, 20),
    ]
    assert classify_gap(10, 20, 25) == [(SkipCause.RETENTION, 10, 20)]
    assert classify_gap(10, 20, 3) == [(SkipCause.RESET, 10, 20)]
    assert classify_gap(10, 20, None) == [(SkipCause.RESET, 10, 20)]


def test_a_new_partition_accounts_for_what_lies_before_its_first_record() -> None:
    validated = _batch(_record(40, _login())).validate(
        limits=LIMITS, expected={}, log_start=lambda _: 30
    )
    [part] = validated.slices
    assert part.ledger_start == 0
    assert part.skipped == {SkipCause.RETENTION: 30, SkipCause.RESET: 10}
    assert part.first_offset == 40  # where the circuit breaker would rewind


def test_a_batch_is_due_when_its_bytes_reach_the_bound() -> None:
    batch = Batch("events", max_records=1000, max_age_s=60, max_bytes=1000)
    batch.add([_record(0, b"x" * 600)])
    assert not batch.is_due()
    batch.add([_record(1, b"x" * 600)])
    assert batch.is_due()
    batch.clear()
    assert batch.size_bytes == 0


def test_the_verdict_depends_on_the_record_timestamp_not_the_clock() -> None:
    old = STAMP - timedelta(days=399)
    too_old = STAMP - timedelta(days=401)
    validated = _batch(_record(0, _login(old)), _record(1, _login(too_old))).validate(
        limits=LIMITS, expected={0: 0}, log_start=lambda _: 0
    )
    assert len(validated.rows) == 1
    assert [letter.rejection.reason for letter in validated.letters] == [
        RejectReason.TIMESTAMP_TOO_OLD
    ]


def test_an_enrichment_that_raises_dead_letters_that_record_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def explode(*_args: Any) -> Any:
        raise ArithmeticError("boom")

    monkeypatch.setattr("consumer.ingest.batch.fact_row", explode)
    validated = _batch(_record(0, _login())).validate(
        limits=LIMITS, expected={0: 0}, log_start=lambda _: 0
    )
    [letter] = validated.letters
    assert letter.rejection.reason is RejectReason.ENRICHMENT_FAILED
    assert "boom" in letter.rejection.message
    assert validated.slices[0].dead_lettered == 1


def test_rows_postgresql_refuses_become_dead_letters() -> None:
    records = [_record(offset, _login()) for offset in range(3)]
    validated = _batch(*records).validate(limits=LIMITS, expected={0: 0}, log_start=lambda _: 0)
    validated.reject_rows({1: Rejection(RejectReason.DB_REJECTED, "no", sqlstate="22003")})
    assert [fact_position(row) for row in validated.rows] == [(0, 0), (0, 2)]
    assert len(validated.rows) == len(validated.event_times) == 2
    [letter] = validated.letters
    assert (letter.offset, letter.rejection.sqlstate) == (1, "22003")
    assert letter.value == records[1].value  # the original record
    assert validated.acked == [False]
    assert (validated.slices[0].valid, validated.slices[0].dead_lettered) == (2, 1)


@pytest.mark.parametrize(
    ("error", "fault"),
    [
        (psycopg.errors.NumericValueOutOfRange, Fault.RECORD),
        (psycopg.errors.CheckViolation, Fault.RECORD),
        (psycopg.errors.CharacterNotInRepertoire, Fault.RECORD),
        (psycopg.errors.ProgramLimitExceeded, Fault.RECORD),
        (psycopg.errors.SerializationFailure, Fault.TRANSIENT),
        (psycopg.errors.DeadlockDetected, Fault.TRANSIENT),
        (psycopg.errors.AdminShutdown, Fault.TRANSIENT),
        (psycopg.errors.QueryCanceled, Fault.TRANSIENT),
        (psycopg.errors.TooManyConnections, Fault.TRANSIENT),
        (psycopg.errors.InsufficientPrivilege, Fault.DEPLOYMENT),
        (psycopg.errors.UndefinedTable, Fault.DEPLOYMENT),
        (psycopg.errors.DiskFull, Fault.DEPLOYMENT),
    ],
)
def test_faults_are_classified_by_sqlstate(error: type[psycopg.Error], fault: Fault) -> None:
    assert classify(error("message text is never read")) is fault


def test_a_lost_connection_is_transient_and_deployment_errors_say_what_to_do() -> None:
    assert classify(psycopg.OperationalError("server closed the connection")) is Fault.TRANSIENT
    text = str(deployment_error(psycopg.errors.InsufficientPrivilege("permission denied")))
    assert "SQLSTATE 42501" in text
    assert "migrate" in text


def _letter(**fields: Any) -> DeadLetter:
    base: dict[str, Any] = {
        "topic": "events",
        "partition": 1,
        "offset": 7,
        "timestamp_ms": STAMP_MS,
        "key": b"k",
        "value": b"{bad",
        "headers": [],
        "rejection": Rejection(RejectReason.MALFORMED_JSON, "bad json"),
    }
    return DeadLetter(**(base | fields))


def _sent_headers(letter: DeadLetter, max_bytes: int = 1_048_576) -> dict[str, bytes]:
    return dict(outgoing(letter, "pulse", max_bytes=max_bytes).headers)


def test_a_record_with_neither_key_nor_value_can_be_dead_lettered() -> None:
    shaped = outgoing(_letter(key=None, value=None), "pulse", max_bytes=1_048_576)
    assert shaped.value == b""
    assert dict(shaped.headers)["pulse.value.null"] == b"true"


def test_null_header_values_are_sent_empty_and_named() -> None:
    headers = _sent_headers(_letter(headers=[("a", None), ("b", b"x"), ("c", None)]))
    assert (headers["a"], headers["b"], headers["c"]) == (b"", b"x", b"")
    assert json.loads(headers["pulse.headers.null"]) == [0, 2]


def test_a_header_key_that_is_not_utf8_comes_back_byte_for_byte() -> None:
    key = header_key(b"trace-\xff")
    assert isinstance(key, HeaderKey)
    assert key.encode("utf-8") == b"trace-\xff"
    assert type(header_key(b"plain")) is str
    shaped = outgoing(_letter(headers=[(key, b"v")]), "pulse", max_bytes=1_048_576)
    assert (b"trace-\xff", b"v") in [(k.encode("utf-8"), v) for k, v in shaped.headers]


def test_an_oversized_dead_letter_keeps_an_excerpt_and_says_so() -> None:
    value = b"y" * 2_000_000
    shaped = outgoing(_letter(value=value, key=b"k" * 100_000), "pulse", max_bytes=1_048_576)
    headers = dict(shaped.headers)
    assert headers["pulse.payload.truncated"] == b"true"
    assert headers["pulse.payload.bytes"] == b"2000000"
    assert headers["pulse.key.truncated"] == b"true"
    assert shaped.value == value[:EXCERPT_BYTES]
    assert shaped.size_bytes() < 1_048_576


def test_pulse_headers_are_bounded_whatever_the_rejection_holds() -> None:
    details = tuple(FieldError("x" * 300, "type", "m" * 2000) for _ in range(200))
    rejection = Rejection(RejectReason.INVALID_VALUE, "e" * 100_000, "f" * 5000, details)
    headers = _sent_headers(_letter(rejection=rejection))
    assert len(headers["pulse.error"]) <= 1000 * 3
    assert len(headers["pulse.errors"]) <= MAX_ERRORS_JSON_BYTES
    assert json.loads(headers["pulse.errors"])


def test_huge_original_headers_are_dropped_and_counted() -> None:
    headers = _sent_headers(_letter(headers=[(f"h{i}", b"z" * 10_000) for i in range(10)]))
    assert headers["pulse.headers.dropped"] == b"10"
    assert "h0" not in headers


def test_a_minimal_dead_letter_has_no_payload_but_its_origin() -> None:
    shaped = minimal(_letter(value=b"q" * 50), "pulse", ValueError("refused"))
    headers = dict(shaped.headers)
    assert (shaped.key, shaped.value) == (None, b"")
    assert headers["pulse.payload.dropped"] == b"true"
    assert headers["pulse.payload.bytes"] == b"50"
    assert headers["pulse.origin.offset"] == b"7"


@pytest.mark.parametrize("days", ["1e300", "36501", "0", "-3"])
def test_an_absurd_late_horizon_is_refused_at_start(days: str) -> None:
    with pytest.raises(ValidationError, match="late_horizon_days"):
        Settings(late_horizon_days=days)
