"""The publish loop: sends the simulator's records at the asked rate, tracks every ack in
send order (for the truth file and the summary), shows progress, and stops cleanly."""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any, Protocol

from kafka.errors import KafkaError, KafkaTimeoutError
from tqdm import tqdm

from producer.records import Record
from producer.summary import Summary
from producer.truth import TruthWriter

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 2048
# Records are generated a chunk at a time, then sent: alternating between the simulator
# and the Kafka client record by record cost a third more CPU per record than running each
# for a while (measured with kafka-python: 35 vs 26 CPU-microseconds), caches staying warm.
CHUNK_RECORDS = 1000
# At a paced rate, a chunk is at most this much time's worth of records, so that live
# events are not sent long after their occurred_at.
CHUNK_SECONDS = 0.02
# Sleeping for less than this is not worth a syscall; the pacer catches up next time.
MIN_SLEEP_S = 0.002
# The client retries a send quietly until its delivery timeout (2 minutes): a broker
# that gives no acknowledgement for this long is said to be away, once.
ACK_SILENCE_WARN_S = 5.0
# The final flush waits in slices this long, to say so while the broker stays silent.
FLUSH_SLICE_S = 1.0


class Sender(Protocol):
    def send(self, key: bytes, value: bytes) -> Any: ...

    def flush(self, timeout_s: float | None = None) -> None: ...


@dataclass(frozen=True, slots=True)
class RunLimits:
    count: int | None = None
    duration_s: float | None = None
    rate: float = 0.0  # records per second; 0 means as fast as Kafka takes them
    # Longer than the publisher's delivery timeout (120 s): by then the client has
    # settled every record itself, acknowledged or failed for good, so none is left
    # unknown (a broker that restarts slowly still gets the records through).
    flush_timeout_s: float = 130.0


class _Pacer:
    __slots__ = ("_interval", "_sent", "_start")

    def __init__(self, rate: float) -> None:
        self._interval = 1.0 / rate
        self._start = time.monotonic()
        self._sent = 0

    def wait(self) -> None:
        self._sent += 1
        ahead = self._start + self._sent * self._interval - time.monotonic()
        if ahead > MIN_SLEEP_S:
            time.sleep(ahead)


class _AckWatch:
    """Says when Kafka stops acknowledging records while some are waiting, and when it
    acknowledges again: the sends themselves keep being queued and retried."""

    __slots__ = ("_last", "_silent_since")

    def __init__(self) -> None:
        self._last = time.monotonic()
        self._silent_since: float | None = None

    def acknowledged(self) -> None:
        now = time.monotonic()
        if self._silent_since is not None:
            logger.info("Kafka acknowledges records again after %.0f s", now - self._last)
            self._silent_since = None
        self._last = now

    def check(self, waiting: int) -> None:
        now = time.monotonic()
        if not waiting:
            self._last = now
        elif self._silent_since is None and now - self._last >= ACK_SILENCE_WARN_S:
            self._silent_since = now
            logger.warning(
                "Kafka has not acknowledged any record for %.0f s (%d waiting): the broker "
                "is away or slow; waiting and retrying until it answers",
                now - self._last,
                waiting,
            )


def chunk_size(rate: float) -> int:
    if rate <= 0:
        return CHUNK_RECORDS
    return max(1, min(CHUNK_RECORDS, int(rate * CHUNK_SECONDS)))


def run(
    *,
    records: Callable[[int | None, Callable[[], bool]], Iterator[Record]],
    sender: Sender,
    summary: Summary,
    limits: RunLimits,
    should_stop: Callable[[], bool],
    truth: TruthWriter | None = None,
    progress: bool = False,
    after_chunk: Callable[[], None] | None = None,
) -> Summary:
    """Publishes until the simulator stops (count reached, duration over, clock ended or
    `should_stop()`), then flushes and settles every future before returning.
    `after_chunk` runs after each chunk is queued (the catalog's changes go out there)."""
    started = time.monotonic()
    deadline = None if limits.duration_s is None else started + limits.duration_s

    def stop() -> bool:
        if should_stop():
            summary.interrupted = True
            return True
        return deadline is not None and time.monotonic() >= deadline

    inflight: deque[tuple[Record, Any]] = deque()
    bar = tqdm(total=limits.count, unit="ev", unit_scale=True, disable=not progress, smoothing=0.1)
    unreported = 0
    # Bound once: this loop runs once per record and every lookup shows in the profile.
    send, track, count = sender.send, inflight.append, summary.add
    pace = _Pacer(limits.rate).wait if limits.rate > 0 else None
    stream = records(limits.count, stop)
    size = chunk_size(limits.rate)
    acks = _AckWatch()
    try:
        while chunk := list(islice(stream, size)):
            for record in chunk:
                track((record, send(record.key, record.value)))
                count(record)
                # Settle from the front only: keeps the truth file in send order.
                if inflight[0][1].is_done:
                    while inflight and inflight[0][1].is_done:
                        _settle(*inflight.popleft(), summary, truth)
                    acks.acknowledged()
                if pace is not None:
                    pace()
            acks.check(len(inflight))
            if after_chunk is not None:
                after_chunk()
            unreported += len(chunk)
            if unreported >= PROGRESS_EVERY:
                bar.update(unreported)
                unreported = 0
    finally:
        bar.update(unreported)
        bar.close()
        try:
            _flush(sender, timeout_s=limits.flush_timeout_s, inflight=inflight, acks=acks,
                   summary=summary, truth=truth)  # fmt: skip
        except KafkaError as exc:
            # Reported per record below: every unsettled future counts as failed.
            summary.first_error = summary.first_error or f"flush: {exc}"
        finally:
            for record, future in inflight:
                _settle(record, future, summary, truth)
            summary.elapsed_s = time.monotonic() - started
    return summary


def _flush(
    sender: Sender,
    *,
    timeout_s: float,
    inflight: deque[tuple[Record, Any]],
    acks: _AckWatch,
    summary: Summary,
    truth: TruthWriter | None,
) -> None:
    """`sender.flush()` in slices, settling and watching the acks in between; raises the
    client's KafkaTimeoutError once `timeout_s` has passed."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            sender.flush(max(min(FLUSH_SLICE_S, deadline - time.monotonic()), 0.0))
        except KafkaTimeoutError:
            if time.monotonic() >= deadline:
                raise
        else:
            acks.acknowledged()
            return
        if inflight and inflight[0][1].is_done:
            while inflight and inflight[0][1].is_done:
                _settle(*inflight.popleft(), summary, truth)
            acks.acknowledged()
        acks.check(len(inflight))


def _settle(record: Record, future: Any, summary: Summary, truth: TruthWriter | None) -> None:
    if not future.is_done:
        error = "not acknowledged before the producer stopped"
        summary.settle(error)
        if truth is not None:
            truth.write(record, None, None, error)
        return
    if future.exception is None:
        metadata = future.value
        summary.settle(None)
        if truth is not None:
            truth.write(record, metadata.partition, metadata.offset)
        return
    error = f"{type(future.exception).__name__}: {future.exception}"
    summary.settle(error)
    if truth is not None:
        truth.write(record, None, None, error)
