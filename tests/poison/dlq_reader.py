"""Reads a whole topic with a plain kafka-python consumer, keeping header keys as the bytes
they are. kafka-python decodes header keys as strict UTF-8 and raises on any other
(CorruptRecordError), and the dead letters of this corpus carry such keys; so while this
reader runs, record batches decode keys with surrogateescape, which gives the bytes back.
Independent of the consumer's own workaround on purpose: the test must not trust it."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from unittest import mock

from kafka import KafkaConsumer, TopicPartition
from kafka.errors import CorruptRecordError
from kafka.record.default_records import ControlRecord, DefaultRecord, DefaultRecordBatch
from kafka.record.util import decode_varint


@dataclass(frozen=True)
class Letter:
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: tuple[tuple[bytes, bytes | None], ...]

    def header(self, name: str) -> bytes | None:
        """The last value of header `name` (None when absent or null)."""
        found = [v for k, v in self.headers if k == name.encode()]
        return found[-1] if found else None

    @property
    def size_bytes(self) -> int:
        """Key, value and headers: what the dead-letter producer had to fit in a request."""
        return (
            len(self.key or b"")
            + len(self.value or b"")
            + sum(len(k) + len(v or b"") for k, v in self.headers)
        )


class _LenientKey(str):
    """A header key decoded with surrogateescape; encodes back to its original bytes
    (kafka-python encodes keys again to size the record)."""

    __slots__ = ()

    def encode(self, encoding: str = "utf-8", errors: str = "strict") -> bytes:
        del errors
        return str.encode(self, encoding, "surrogateescape")


def _bytes_at(buffer: bytearray, pos: int) -> tuple[bytes | None, int]:
    size, pos = decode_varint(buffer, pos)
    if size < 0:
        return None, pos
    return bytes(buffer[pos : pos + size]), pos + size


def _lenient_read_msg(self: Any, decode_varint: Any = decode_varint) -> Any:
    """kafka-python 3.0's DefaultRecordBatch._read_msg, header keys decoded leniently."""
    buffer, pos = self._buffer, self._pos
    length, pos = decode_varint(buffer, pos)
    start = pos
    _, pos = decode_varint(buffer, pos)  # attributes
    ts_delta, pos = decode_varint(buffer, pos)
    offset_delta, pos = decode_varint(buffer, pos)
    key, pos = _bytes_at(buffer, pos)
    value, pos = _bytes_at(buffer, pos)
    count, pos = decode_varint(buffer, pos)
    headers = []
    for _ in range(count):
        size, pos = decode_varint(buffer, pos)
        name = _LenientKey(bytes(buffer[pos : pos + size]).decode("utf-8", "surrogateescape"))
        header_value, pos = _bytes_at(buffer, pos + size)
        headers.append((name, header_value))
    if pos - start != length:
        raise CorruptRecordError(f"record of {length} bytes, read {pos - start}")
    self._pos = pos
    timestamp = (
        self.max_timestamp
        if self.timestamp_type == self.LOG_APPEND_TIME
        else self.first_timestamp + ts_delta
    )
    kind = ControlRecord if self.is_control_batch else DefaultRecord
    return kind(
        length, self.base_offset + offset_delta, timestamp, self.timestamp_type,
        key, value, headers,
    )  # fmt: skip


@contextmanager
def _lenient_header_keys() -> Iterator[None]:
    with mock.patch.object(DefaultRecordBatch, "_read_msg", _lenient_read_msg):
        yield


def read_letters(bootstrap: str, topic: str, timeout_s: float = 120.0) -> list[Letter]:
    """Every record of `topic` up to the end offsets seen at the start."""
    with _lenient_header_keys():
        consumer = KafkaConsumer(
            bootstrap_servers=bootstrap, enable_auto_commit=False, group_id=None,
            max_partition_fetch_bytes=4 * 1024 * 1024,
        )  # fmt: skip
        try:
            partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic)]
            consumer.assign(partitions)
            consumer.seek_to_beginning(*partitions)
            ends = consumer.end_offsets(partitions)
            records: list[Any] = []
            deadline = time.monotonic() + timeout_s
            while any(consumer.position(tp) < end for tp, end in ends.items()):
                if time.monotonic() > deadline:
                    raise AssertionError(f"{topic}: not read to its end in {timeout_s:.0f} s")
                for batch in consumer.poll(timeout_ms=500).values():
                    records.extend(batch)
        finally:
            consumer.close()
    return [_letter(r) for r in records]


def _letter(record: Any) -> Letter:
    headers = tuple((str.encode(k, "utf-8", "surrogateescape"), v) for k, v in record.headers)
    return Letter(record.partition, record.offset, record.key, record.value, headers)


def end_offsets(bootstrap: str, topic: str) -> dict[int, int]:
    """The log end offset of every partition (transaction markers included)."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, group_id=None)
    try:
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic)]
        return {tp.partition: int(o) for tp, o in consumer.end_offsets(partitions).items()}
    finally:
        consumer.close()
