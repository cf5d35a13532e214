"""The publish loop and the command line without a broker: acks tracked in send order into
the truth file, failures counted, rate held, bad options and no Kafka as one line."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any, cast

import pytest
from confluent_kafka import KafkaError, KafkaException
from kafka.errors import KafkaTimeoutError

from producer.app import ClockChoice, make_simulator
from producer.cli import EXIT_FAILED, EXIT_USAGE, _defect_ratio, build_parser, main
from producer.faults import FaultPlan
from producer.publisher import Publisher
from producer.records import Defect, Record
from producer.runner import RunLimits, run
from producer.summary import Summary
from producer.truth import TruthWriter, read_truth
from pulse.errors import ConfigError, ServiceUnavailableError
from pulse.librdkafka import ClientErrors
from pulse.settings import Settings


class _Metadata:
    def __init__(self, partition: int, offset: int) -> None:
        self.partition = partition
        self.offset = offset


class _Future:
    """Quacks like kafka-python's FutureRecordMetadata."""

    def __init__(self) -> None:
        self.is_done = False
        self.value: _Metadata | None = None
        self.exception: Exception | None = None


class FakeSender:
    """Acknowledges in batches of `ack_every`, failing the records whose key is in `fail`."""

    def __init__(self, *, ack_every: int = 7, fail: frozenset[bytes] = frozenset()) -> None:
        self.sent: list[tuple[bytes, bytes]] = []
        self._open: list[tuple[bytes, _Future]] = []
        self._ack_every = ack_every
        self._fail = fail
        self._offsets = [0, 0]

    def send(self, key: bytes, value: bytes) -> _Future:
        future = _Future()
        self.sent.append((key, value))
        self._open.append((key, future))
        if len(self._open) >= self._ack_every:
            self.flush()
        return future

    def flush(self, timeout_s: float | None = None) -> None:
        del timeout_s  # a fake broker answers at once
        for key, future in self._open:
            if key in self._fail:
                future.exception = TimeoutError("broker gone")
            else:
                partition = len(key) % 2
                future.value = _Metadata(partition, self._offsets[partition])
                self._offsets[partition] += 1
            future.is_done = True
        self._open.clear()


def _stream(count: int, plan: FaultPlan | None = None) -> Callable[..., Iterator[Record]]:
    sim = make_simulator(
        settings=Settings(),
        clock=ClockChoice(live=False, days=10),
        seed=2,
        population_seed=2,
        users=500,
        count=count,
        rate=0.0,
        plan=plan or FaultPlan(defects={}),
        late_horizon=timedelta(days=400),
    )
    return lambda limit, stop: sim.records(limit=limit, should_stop=stop)


def test_truth_file_has_one_line_per_record_in_send_order(tmp_path: Path) -> None:
    plan = FaultPlan(defects={Defect.MALFORMED_JSON: 0.05}, duplicate=0.05, late=0.05)
    sender = FakeSender()
    summary = Summary(topic="t", seed=2)
    with TruthWriter(tmp_path / "truth.jsonl") as truth:
        run(records=_stream(1_000, plan), sender=sender, summary=summary,
            limits=RunLimits(count=1_000), should_stop=lambda: False, truth=truth)  # fmt: skip
    lines = read_truth(tmp_path / "truth.jsonl")
    assert len(lines) == len(sender.sent) == summary.records == summary.acked == 1_000
    for line, (key, value) in zip(lines, sender.sent, strict=True):
        assert line["user_id"].encode() == key
        assert line["bytes"] == len(value)
        assert line["acked"]
        if line["valid"]:
            assert json.loads(value)["event_id"] == line["event_id"]
        else:
            assert line["expected_reason"] == "malformed_json"
    positions = {(line["partition"], line["offset"]) for line in lines}
    assert len(positions) == 1_000
    assert any(line["duplicate"] for line in lines)
    assert any(line["late"] for line in lines)
    assert (
        summary.duplicates + sum(summary.defects.values()) + sum(summary.sent_by_type.values())
        == 1_000
    )


def test_failures_are_counted_and_written(tmp_path: Path) -> None:
    first = next(iter(_stream(10)(10, lambda: False)))
    sender = FakeSender(fail=frozenset({first.key}))
    summary = Summary(topic="t", seed=2)
    with TruthWriter(tmp_path / "truth.jsonl") as truth:
        run(records=_stream(300), sender=sender, summary=summary, limits=RunLimits(count=300),
            should_stop=lambda: False, truth=truth)  # fmt: skip
    failed = [line for line in read_truth(tmp_path / "truth.jsonl") if not line["acked"]]
    assert summary.failed == len(failed) > 0
    assert summary.acked + summary.failed == 300
    assert all(line["partition"] is None and "broker gone" in line["error"] for line in failed)
    assert "first failure: TimeoutError: broker gone" in summary.render()


def test_rate_is_held() -> None:
    stream = _stream(150)
    started = time.monotonic()
    summary = run(records=stream, sender=FakeSender(), summary=Summary(topic="t", seed=2),
                  limits=RunLimits(count=150, rate=500.0), should_stop=lambda: False)  # fmt: skip
    elapsed = time.monotonic() - started
    assert summary.records == 150
    assert 0.28 < elapsed < 3.0  # 0.3 s at 500/s; generous above for a busy machine


def test_a_silent_broker_is_said_once_and_its_return_too(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # Acks come only every 40 records: at 400/s that is 0.1 s of silence, above 0.03 s.
    monkeypatch.setattr("producer.runner.ACK_SILENCE_WARN_S", 0.03)
    caplog.set_level("INFO", logger="producer.runner")
    summary = run(records=_stream(120), sender=FakeSender(ack_every=40),
                  summary=Summary(topic="t", seed=2), limits=RunLimits(count=120, rate=400.0),
                  should_stop=lambda: False)  # fmt: skip
    assert summary.acked == 120
    messages = [r.getMessage() for r in caplog.records if r.name == "producer.runner"]
    silent = [m for m in messages if m.startswith("Kafka has not acknowledged any record")]
    back = [m for m in messages if m.startswith("Kafka acknowledges records again")]
    assert silent
    assert back
    assert len(silent) == len(back) <= 3  # once per silence, not once per record


class _SilentAtFlush(FakeSender):
    """Acks nothing while sending; the first `silent` flushes time out, then all is acked."""

    def __init__(self, silent: int) -> None:
        super().__init__(ack_every=10**9)
        self.silent = silent

    def flush(self, timeout_s: float | None = None) -> None:
        if self.silent > 0:
            self.silent -= 1
            time.sleep(timeout_s or 0.0)
            raise KafkaTimeoutError("Timeout waiting for future")
        super().flush(timeout_s)


def test_a_broker_silent_during_the_final_flush_is_said_too(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr("producer.runner.ACK_SILENCE_WARN_S", 0.03)
    monkeypatch.setattr("producer.runner.FLUSH_SLICE_S", 0.02)
    caplog.set_level("INFO", logger="producer.runner")
    summary = run(records=_stream(50), sender=_SilentAtFlush(silent=5),
                  summary=Summary(topic="t", seed=2), limits=RunLimits(count=50),
                  should_stop=lambda: False)  # fmt: skip
    assert summary.acked == 50
    messages = [r.getMessage() for r in caplog.records if r.name == "producer.runner"]
    assert len(messages) == 2
    assert messages[0].startswith("Kafka has not acknowledged any record")
    assert messages[1].startswith("Kafka acknowledges records again")


def test_a_stop_request_ends_the_run_cleanly() -> None:
    sender = FakeSender()
    calls = 0

    def stop() -> bool:
        nonlocal calls
        calls += 1
        return calls > 100

    summary = run(records=_stream(10_000), sender=sender, summary=Summary(topic="t", seed=2),
                  limits=RunLimits(count=10_000), should_stop=stop)  # fmt: skip
    assert summary.interrupted
    assert summary.acked == len(sender.sent) < 10_000
    assert "interrupted after" in summary.render()


def test_summary_table_counts_by_type_and_fault() -> None:
    summary = Summary(topic="activity.events", seed=9)
    sender = FakeSender()
    plan = FaultPlan(defects={Defect.OVERSIZED: 0.1}, duplicate=0.1)
    run(records=_stream(500, plan), sender=sender, summary=summary, limits=RunLimits(count=500),
        should_stop=lambda: False)  # fmt: skip
    table = summary.render()
    assert table.startswith("sent 500 records to activity.events in ")
    assert "seed 9" in table
    assert "oversized -> oversized" in table
    assert "page_view" in table
    assert summary.bytes == sum(len(v) for _, v in sender.sent)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--count", "5", "--wrong-type-ratio", "2"], "must be between 0 and 1"),
        (
            ["--count", "5", "--late-ratio", "0.6", "--duplicate-ratio", "0.6"],
            "add up to more than 1",
        ),
        (["--count", "5", "--start", "2001-01-01", "--days", "3"], "late horizon"),
        (["--count", "5", "--days", "5000"], "late horizon"),
        (["--count", "5", "--start", "not a date"], "YYYY-MM-DD"),
        (["--count", "5", "--live", "--days", "3"], "exclude each other"),
        (["--count", "0"], "at least 1"),
    ],
)
def test_bad_options_end_in_one_line(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    try:
        code = main(argv)
    except SystemExit as exit_:  # argparse's own errors
        code = exit_.code  # type: ignore[assignment]
    err = capsys.readouterr().err
    assert code == EXIT_USAGE
    assert message in err
    assert "Traceback" not in err


def test_unreachable_kafka_is_one_line_not_a_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--count", "5", "--bootstrap-servers", "127.0.0.1:1",
                 "--connect-timeout-ms", "1000", "--topic", "nowhere"])  # fmt: skip
    err = capsys.readouterr().err.strip()
    assert code == EXIT_FAILED
    assert err.startswith("error: Kafka is not reachable at 127.0.0.1:1")
    assert len(err.splitlines()) == 1


def test_defaults_come_from_the_settings(monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:2")
    code = main(["--count", "5", "--connect-timeout-ms", "500"])
    assert code == EXIT_FAILED
    assert "127.0.0.1:2" in capsys.readouterr().err


def test_one_defect_ratio_overrides_the_default_for_all() -> None:
    args = build_parser().parse_args(["--defects-ratio", "0.01", "--oversized-ratio", "0"])
    assert _defect_ratio(args, Defect.OVERSIZED) == 0.0
    assert _defect_ratio(args, Defect.WRONG_TYPE) == 0.01


def test_a_broker_that_stops_taking_records_is_one_error() -> None:
    class FullQueue:
        """A librdkafka producer whose send queue stays full (the broker took nothing)."""

        def produce(self, *record: object, **callback: object) -> None:
            del record, callback
            raise BufferError("Local: Queue full")

        def poll(self, timeout: float) -> int:
            del timeout
            return 0

    publisher = _publisher_on(FullQueue())
    with pytest.raises(ServiceUnavailableError, match="stopped taking records"):
        publisher.send(b"u-1", b"{}")


@pytest.mark.parametrize(
    ("flag", "value"),
    [("--linger-ms", "-1"), ("--linger-ms", "120000"), ("--batch-size", "0")],
)
def test_a_client_setting_out_of_librdkafka_range_is_refused_by_the_cli(
    flag: str, value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        build_parser().parse_args([flag, value])
    assert exited.value.code == 2
    assert f"argument {flag}: must be between" in capsys.readouterr().err


def test_settings_librdkafka_refuses_are_a_config_error_before_any_connection() -> None:
    refused = r'the Kafka producer refused its settings: .*"batch\.size"'
    with pytest.raises(ConfigError, match=refused):
        Publisher(
            bootstrap_servers="127.0.0.1:1",  # never reached: the settings fail first
            topic="t",
            compression="lz4",
            linger_ms=20,
            batch_size=-5,
            max_event_bytes=65_536,
        )


class _Refusing:
    """A librdkafka producer that refuses every record at once with `error`."""

    def __init__(self, error: KafkaError) -> None:
        self.error = error

    def produce(self, *record: object, **callback: object) -> None:
        del record, callback
        raise KafkaException(self.error)

    def poll(self, timeout: float) -> int:
        del timeout
        return 0


def _publisher_on(producer: object) -> Publisher:
    publisher = Publisher.__new__(Publisher)  # no network: only send() is under test
    publisher.topic, publisher.bootstrap_servers, publisher.partitions = "t", "here:9092", 3
    publisher.max_block_s = 0.2
    publisher._partition_of = {}
    publisher._errors = ClientErrors()
    publisher._producer = cast(Any, producer)
    return publisher


def test_a_record_librdkafka_refuses_fails_alone_and_the_run_goes_on() -> None:
    # What confluent-kafka's produce() raises for a record above message.max.bytes.
    too_large = KafkaError(
        KafkaError.MSG_SIZE_TOO_LARGE, "Unable to produce message: Broker: Message size too large"
    )
    publisher = _publisher_on(_Refusing(too_large))
    delivery = publisher.send(b"u-1", b"x" * 10)
    assert delivery.is_done
    assert delivery.value is None
    assert str(delivery.exception) == (
        "MSG_SIZE_TOO_LARGE: Unable to produce message: Broker: Message size too large"
    )


def test_a_fatal_producer_error_ends_the_run_with_one_error() -> None:
    # produce() reports a fatal error as a plain _FATAL error: its fatal() is False.
    publisher = _publisher_on(_Refusing(KafkaError(KafkaError._FATAL, "fenced")))
    with pytest.raises(ServiceUnavailableError, match=r"stopped for good \(_FATAL: fenced\)"):
        publisher.send(b"u-1", b"{}")


def test_a_fatal_error_librdkafka_reports_on_its_own_ends_the_run_at_the_next_send() -> None:
    class Fenced(_Refusing):
        """Takes the record, then reports a fatal error through error_cb on poll."""

        def __init__(self, publisher: Publisher) -> None:
            self.publisher = publisher

        def produce(self, *record: object, **callback: object) -> None:
            del record, callback

        def poll(self, timeout: float) -> int:
            del timeout
            self.publisher._errors(KafkaError(KafkaError._FATAL, "epoch fenced", fatal=True))
            return 0

    publisher = _publisher_on(None)
    publisher._producer = cast(Any, Fenced(publisher))
    with pytest.raises(ServiceUnavailableError, match=r"\(_FATAL: epoch fenced\)"):
        publisher.send(b"u-1", b"{}")
