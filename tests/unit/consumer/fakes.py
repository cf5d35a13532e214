"""Fakes of Kafka, the writer thread and the offsets table for the delivery state
machine's unit tests: enough of each to drive `ConsumerLoop` in milliseconds."""

from __future__ import annotations

import json
import queue
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from kafka.consumer.fetcher import ConsumerRecord
from kafka.structs import OffsetAndMetadata, TopicPartition

from consumer.store.writer import WriteResult
from consumer.store.writer_thread import Done, Job, Outcome

TOPIC = "events"


def login(*, valid: bool = True) -> bytes:
    event = {
        "schema_version": 1,
        "event_id": str(uuid.uuid4()),
        "event_type": "login",
        "occurred_at": datetime.now(UTC).isoformat(),
        "user_id": "u1",
        "session_id": "s1",
        "device": "mobile",
        "location": {"country": "DE", "city": "Berlin"},
    }
    if not valid:
        del event["user_id"]
    return json.dumps(event).encode()


def record(partition: int, offset: int, value: bytes) -> Any:
    # Stamped when fetched, as a broker stamps a record when it arrives: the events'
    # times are checked against it (a module-level stamp goes stale in a long session).
    stamp_ms = int(datetime.now(UTC).timestamp() * 1000)
    return ConsumerRecord(
        TOPIC, partition, -1, offset, stamp_ms, 0, None, value, [], None, -1, len(value), -1
    )


class FakeKafka:
    """One topic's partitions in memory, a group of one, rebalances on demand."""

    def __init__(self, logs: dict[int, list[bytes]]) -> None:
        self.logs = logs
        self.positions: dict[int, int] = {}
        self.assigned: set[TopicPartition] = set()
        self.paused: set[TopicPartition] = set()
        self.commits: list[dict[TopicPartition, OffsetAndMetadata]] = []
        self.listener: Any = None
        # Called at the start of each poll with the poll's number: scenarios act there.
        self.on_poll: Callable[[int], None] = lambda _n: None
        self.polls = 0

    # -- the group ---------------------------------------------------------------
    def partitions_for_topic(self, _topic: str) -> set[int]:
        return set(self.logs)

    def subscribe(self, _topics: list[str], listener: Any) -> None:
        self.listener = listener
        self.assign(list(self.logs))

    def unsubscribe(self) -> None:
        self.revoke()

    def assign(self, partitions: list[int]) -> None:
        tps = [TopicPartition(TOPIC, p) for p in partitions]
        self.assigned = set(tps)
        self.listener.on_partitions_assigned(tps)

    def revoke(self) -> None:
        gone, self.assigned = list(self.assigned), set()
        self.listener.on_partitions_revoked(gone)

    def assignment(self) -> set[TopicPartition]:
        return set(self.assigned)

    # -- fetching ----------------------------------------------------------------
    def poll(self, timeout_ms: int = 0, max_records: int = 500) -> dict[TopicPartition, list[Any]]:  # noqa: ARG002
        self.polls += 1
        self.on_poll(self.polls)
        out: dict[TopicPartition, list[Any]] = {}
        for tp in sorted(self.assigned - self.paused):
            start = self.positions.get(tp.partition, 0)
            values = self.logs[tp.partition][start : start + max_records]
            if values:
                out[tp] = [record(tp.partition, start + i, v) for i, v in enumerate(values)]
                self.positions[tp.partition] = start + len(values)
        return out

    def seek(self, tp: TopicPartition, offset: int) -> None:
        self.positions[tp.partition] = offset

    def seek_to_beginning(self, tp: TopicPartition) -> None:
        self.positions[tp.partition] = 0

    def seek_to_end(self, tp: TopicPartition) -> None:
        self.positions[tp.partition] = len(self.logs[tp.partition])

    def pause(self, *tps: TopicPartition) -> None:
        self.paused |= set(tps)

    def resume(self, *tps: TopicPartition) -> None:
        self.paused -= set(tps)

    # -- offsets -----------------------------------------------------------------
    def end_offsets(self, tps: list[TopicPartition], **_: Any) -> dict[TopicPartition, int]:
        return {tp: len(self.logs[tp.partition]) for tp in tps}

    def beginning_offsets(self, tps: list[TopicPartition]) -> dict[TopicPartition, int]:
        return dict.fromkeys(tps, 0)

    def highwater(self, tp: TopicPartition) -> int:
        return len(self.logs[tp.partition])

    def commit_async(self, offsets: dict[TopicPartition, OffsetAndMetadata]) -> None:
        self.commits.append(offsets)

    def committed_offsets(self) -> dict[int, int]:
        latest: dict[int, int] = {}
        for commit in self.commits:
            latest |= {tp.partition: meta.offset for tp, meta in commit.items()}
        return latest


class FakeOffsets:
    """The partition_offsets table: what a committed batch leaves behind."""

    def __init__(self) -> None:
        self.stored: dict[int, int] = {}

    def load_offsets(self, _topic: str, partitions: list[int]) -> dict[int, int]:
        return {p: self.stored[p] for p in partitions if p in self.stored}

    def discard(self) -> None:
        pass


class FakeWriter:
    """Commits each batch at once into FakeOffsets, unless told to answer otherwise."""

    def __init__(self, offsets: FakeOffsets) -> None:
        self.done: queue.Queue[Done] = queue.Queue()
        self.offsets = offsets
        self.stored_rows: list[tuple[int, int]] = []  # (partition, offset) of every fact
        self.letters: list[tuple[int, int]] = []
        self.answers: list[Outcome] = []  # outcomes to give, before committing as usual
        self.invalid_before = 0

    def start(self) -> None:
        pass

    def close(self) -> None:
        pass

    def wait_idle(self) -> None:
        pass

    def is_free(self) -> bool:
        return True  # it writes each batch within submit()

    def invalidate_before(self, generation: int) -> None:
        self.invalid_before = generation

    def submit(self, job: Job) -> None:
        if job.generation < self.invalid_before:
            self.done.put(Done(job, Outcome.SKIPPED))
            return
        if self.answers:
            self.done.put(Done(job, self.answers.pop(0)))
            return
        batch = job.batch
        self.stored_rows += [(row[-2], row[-1]) for row in batch.rows]
        self.letters += [(letter.partition, letter.offset) for letter in batch.letters]
        for part in batch.slices:
            self.offsets.stored[part.partition] = part.next_offset
        self.done.put(Done(job, Outcome.COMMITTED, WriteResult(len(batch.rows), 0)))
