"""Reads the dead-letter topic from the beginning to the end it had when reading began.

No consumer group (group_id None): the commands read by assigning partitions and
seeking, so they never move anyone's committed offsets and never join a rebalance. The
end offsets are captured once, before the first record is read, so a command terminates
even while the consumer keeps dead-lettering, and every partition is read up to the same
instant. Partitions are read one after the other, each in offset order, so the output
order is stable from one run to the next.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from functools import partial
from types import TracebackType
from typing import Any

from kafka import KafkaConsumer
from kafka.errors import KafkaError
from kafka.structs import TopicPartition

from consumer.deadletters.errors import FilterError, TopicMissingError
from consumer.deadletters.filters import Selection
from consumer.deadletters.records import DeadLetterRecord, from_kafka
from consumer.ingest.records import SkippedOffsets
from consumer.ingest.records import install as install_record_reader
from pulse.errors import ServiceUnavailableError
from pulse.kafka_client import open_client

_POLL_MS = 500
_MAX_POLL_RECORDS = 500


class DeadLetterReader:
    def __init__(
        self,
        *,
        bootstrap_servers: str,
        topic: str,
        stall_timeout_s: float = 60.0,
        bootstrap_timeout_ms: int = 10_000,
        security: Mapping[str, Any] | None = None,
    ) -> None:
        self.topic = topic
        self._bootstrap_servers = bootstrap_servers
        self._stall_timeout_s = stall_timeout_s
        security = dict(security or {})
        try:
            self._consumer = open_client(
                partial(
                    KafkaConsumer,
                    bootstrap_servers=bootstrap_servers,
                    bootstrap_timeout_ms=bootstrap_timeout_ms,
                    group_id=None,
                    client_id="pulse-dlq",
                    enable_auto_commit=False,
                    # Reading must never create the topic it inspects (the broker may allow it).
                    allow_auto_create_topics=False,
                    # Retention may delete the head of a partition while we read it.
                    auto_offset_reset="earliest",
                    max_poll_records=_MAX_POLL_RECORDS,
                    fetch_max_bytes=52_428_800,
                    **security,
                ),
                bootstrap_servers=bootstrap_servers,
                security=security,
            )
        except KafkaError as exc:
            raise _unreachable(bootstrap_servers, exc) from None
        # Dead letters keep their producers' header keys, UTF-8 or not.
        install_record_reader(self._consumer)

    def __enter__(self) -> DeadLetterReader:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._consumer.close(autocommit=False)

    def has_topic(self, topic: str) -> bool:
        return bool(self._partitions_of(topic))

    def partitions(self) -> list[int]:
        found = self._partitions_of(self.topic)
        if not found:
            raise TopicMissingError(
                f"the dead-letter topic {self.topic!r} does not exist on "
                f"{self._bootstrap_servers}. Check KAFKA_DLQ_TOPIC (--dlq-topic); the "
                "consumer creates it with its first dead letter."
            )
        return sorted(found)

    def read(
        self,
        *,
        partitions: list[int] | None = None,
        start_offsets: Mapping[int, int] | None = None,
        last_offset: int | None = None,
    ) -> Iterator[DeadLetterRecord]:
        """Every record of the chosen partitions (default all) from `start_offsets`
        (default the beginning) up to the end captured now, or `last_offset` inclusive."""
        chosen = self.partitions() if partitions is None else partitions
        tps = [TopicPartition(self.topic, p) for p in chosen]
        try:
            beginnings = self._consumer.beginning_offsets(tps)
            ends = self._consumer.end_offsets(tps)
            for tp in tps:
                start = max((start_offsets or {}).get(tp.partition, 0), beginnings[tp])
                stop = ends[tp] if last_offset is None else min(ends[tp], last_offset + 1)
                yield from self._read_partition(tp, start, stop)
        except KafkaError as exc:
            raise _unreachable(self._bootstrap_servers, exc) from None

    def read_selection(self, selection: Selection) -> Iterator[DeadLetterRecord]:
        """The records a selection can match: its partition and offsets narrow the read."""
        chosen = self.partitions()
        if selection.partition is not None:
            if selection.partition not in chosen:
                raise FilterError(
                    f"--partition: {self.topic} has no partition {selection.partition} "
                    f"(it has {', '.join(map(str, chosen))})"
                )
            chosen = [selection.partition]
        first = selection.offsets.first if selection.offsets else 0
        last = selection.offsets.last if selection.offsets else None
        yield from self.read(
            partitions=chosen, start_offsets=dict.fromkeys(chosen, first), last_offset=last
        )

    def _read_partition(
        self, tp: TopicPartition, start: int, stop: int
    ) -> Iterator[DeadLetterRecord]:
        if start >= stop:
            return
        self._consumer.assign([tp])
        self._consumer.seek(tp, start)
        deadline = time.monotonic() + self._stall_timeout_s
        while self._consumer.position(tp) < stop:
            if time.monotonic() > deadline:
                raise ServiceUnavailableError(
                    f"reading {tp.topic} partition {tp.partition} made no progress for "
                    f"{self._stall_timeout_s:.0f} s (at offset {self._consumer.position(tp)}, "
                    f"end {stop}). Is the broker at {self._bootstrap_servers} healthy?"
                )
            polled: dict[Any, list[Any]] = self._consumer.poll(timeout_ms=_POLL_MS)
            batch = polled.get(tp, [])
            if batch:
                deadline = time.monotonic() + self._stall_timeout_s
            for record in batch:
                if record.offset >= stop:
                    return
                if not isinstance(record, SkippedOffsets):
                    yield from_kafka(record)

    def _partitions_of(self, topic: str) -> set[int]:
        try:
            return set(self._consumer.partitions_for_topic(topic) or ())
        except KafkaError as exc:
            raise _unreachable(self._bootstrap_servers, exc) from None


def _unreachable(bootstrap_servers: str, exc: Exception) -> ServiceUnavailableError:
    return ServiceUnavailableError(
        f"no Kafka broker answers at {bootstrap_servers} ({type(exc).__name__}). Is it "
        "running (`make up`), and is KAFKA_BOOTSTRAP_SERVERS (--bootstrap-servers) right?"
    )
