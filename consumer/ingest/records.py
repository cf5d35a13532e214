"""Record decoding for one KafkaConsumer where kafka-python's own would stop Pulse or hide
offsets: header keys that are not UTF-8 are kept (their bytes come back when re-sent),
and the offsets the fetcher passes over (transaction markers, records of aborted
transactions) come out of poll() as `SkippedOffsets` items, in offset order with the
records, so that the ledger can count every offset.

Written against kafka-python 3.0: it replaces `PartitionRecords._unpack_records` on one
consumer's fetcher (never globally) and reads v2 record batches itself.
tests/integration/test_poison_isolation.py pins it against a real broker (every codec,
transactions, odd header keys).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, ClassVar

from kafka.consumer.fetcher import ConsumerRecord, Fetcher
from kafka.errors import CorruptRecordError
from kafka.record.default_records import DefaultRecordBatch
from kafka.record.util import decode_varint

from pulse.errors import PulseError


class SkipCause(StrEnum):
    """Why offsets of a partition hold nothing to store (the ledger's skipped columns)."""

    MARKER = "transaction_marker"  # commit/abort markers of transactional producers
    ABORTED = "aborted_transaction"  # records of transactions that aborted
    RETENTION = "retention_gap"  # deleted by retention before this group read them
    RESET = "offset_reset"  # jumped over by an offset reset (auto_offset_reset=latest)


@dataclass(frozen=True, slots=True)
class SkippedOffsets:
    """Offsets [offset, next_offset) of one partition that hold nothing to store."""

    topic: str
    partition: int
    offset: int
    next_offset: int
    cause: SkipCause
    # Sized like a record with no key and no value, for the batch's byte count.
    serialized_key_size: ClassVar[int] = 0
    serialized_value_size: ClassVar[int] = 0

    @property
    def count(self) -> int:
        return self.next_offset - self.offset


class HeaderKey(str):
    """A header key that was not UTF-8, decoded with surrogateescape. kafka-python encodes
    header keys with `key.encode("utf-8")` when it sends; this encodes back to the
    original bytes instead of raising, so a dead letter keeps the producer's headers."""

    __slots__ = ()

    def encode(self, encoding: str = "utf-8", errors: str = "strict") -> bytes:
        del errors  # always surrogateescape: the bytes must round-trip
        return str.encode(self, encoding, "surrogateescape")


def header_key(raw: bytes | bytearray | memoryview) -> str:
    """A header key as text: plain `str` when it is UTF-8, else a `HeaderKey`."""
    data = bytes(raw)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return HeaderKey(data.decode("utf-8", "surrogateescape"))


def install(consumer: Any) -> None:
    """Make `consumer` (a kafka.KafkaConsumer) read records the way this module says."""
    consumer._fetcher.PartitionRecords = _PulsePartitionRecords


def _read_record(buffer: Any, pos: int, decode_varint: Any = decode_varint) -> tuple[Any, ...]:
    """One v2 record at `pos`: (length, timestamp delta, offset delta, key, value,
    headers, position after it). Header keys need not be UTF-8."""
    length, pos = decode_varint(buffer, pos)
    start_pos = pos
    _, pos = decode_varint(buffer, pos)  # attributes: unused in v2 records
    ts_delta, pos = decode_varint(buffer, pos)
    offset_delta, pos = decode_varint(buffer, pos)
    # Key and value inline (not a helper): this runs for every record read.
    size, pos = decode_varint(buffer, pos)
    key = None if size < 0 else bytes(buffer[pos : pos + size])
    pos += max(size, 0)
    size, pos = decode_varint(buffer, pos)
    value = None if size < 0 else bytes(buffer[pos : pos + size])
    pos += max(size, 0)
    header_count, pos = decode_varint(buffer, pos)
    if header_count < 0:
        raise CorruptRecordError(f"Found invalid number of record headers {header_count}")
    headers = []
    for _ in range(header_count):
        key_len, pos = decode_varint(buffer, pos)
        if key_len < 0:
            raise CorruptRecordError(f"Invalid negative header key size {key_len}")
        h_key = header_key(buffer[pos : pos + key_len])
        pos += key_len
        size, pos = decode_varint(buffer, pos)
        headers.append((h_key, None if size < 0 else bytes(buffer[pos : pos + size])))
        pos += max(size, 0)
    if pos - start_pos != length:
        raise CorruptRecordError(
            f"Invalid record size: expected to read {length} bytes in record payload, "
            f"but instead read {pos - start_pos}"
        )
    return length, ts_delta, offset_delta, key, value, headers, pos


class _PulsePartitionRecords(Fetcher.PartitionRecords):  # type: ignore[misc]
    """The fetcher's parsed partition data, with the skipped offsets reported."""

    def _unpack_records(
        self, tp: Any, records: Any, key_deserializer: Any, value_deserializer: Any
    ) -> Iterator[Any]:
        if key_deserializer is not None or value_deserializer is not None:
            raise PulseError("Pulse reads raw bytes: configure no deserializers")
        read_committed = self.isolation_level.name == "READ_COMMITTED"
        batch = records.next_batch()
        last_batch = None
        while batch is not None:
            last_batch = batch
            if self.check_crcs and not batch.validate_crc():
                raise CorruptRecordError(
                    f"Record batch for partition {tp} at offset {batch.base_offset} "
                    "failed crc check"
                )
            if batch.magic == 2:
                self.leader_epoch = batch.leader_epoch
                skipped = self._skip_cause(batch, read_committed)
                if skipped is not None:
                    self.next_fetch_offset = batch.next_offset
                    first = max(batch.base_offset, self.fetch_offset)
                    if batch.next_offset > first:
                        yield SkippedOffsets(
                            tp.topic, tp.partition, first, batch.next_offset, skipped
                        )
                else:
                    yield from self._v2_records(tp, batch)
                batch = records.next_batch()
                continue
            for record in batch:  # message formats v0 and v1
                if self.check_crcs and not record.validate_crc():
                    raise CorruptRecordError(
                        f"Record for partition {tp} at offset {record.offset} failed crc check"
                    )
                yield self._consumer_record(tp, record)
            batch = records.next_batch()
        # Message format v2 keeps a batch's last offset even when compaction removed its
        # last record: resume after it, or the same batch is fetched again and again.
        if last_batch is not None and last_batch.magic == 2:
            self.next_fetch_offset = last_batch.next_offset
        self.drain()

    def _v2_records(self, tp: Any, batch: DefaultRecordBatch) -> Iterator[Any]:
        """The records of a v2 batch (never a control batch: those are skipped), as
        kafka-python's iterator gives them but in one loop: the iterator reads the batch's
        header fields again and builds an intermediate record for every record, which was
        half of the reading time. v2 records carry no CRC of their own."""
        batch._maybe_uncompress()
        buffer, pos = batch._buffer, batch._pos
        topic, partition, epoch = tp.topic, tp.partition, self.leader_epoch
        timestamp_type, base_offset = batch.timestamp_type, batch.base_offset
        append_time = batch.max_timestamp if timestamp_type == batch.LOG_APPEND_TIME else None
        first_timestamp = batch.first_timestamp
        for _ in range(batch._num_records):
            try:
                length, ts_delta, offset_delta, key, value, headers, pos = _read_record(buffer, pos)
            except (ValueError, IndexError) as err:
                raise CorruptRecordError(f"Found invalid record structure: {err!r}") from err
            offset = base_offset + offset_delta
            self.records_read += 1
            self.bytes_read += length
            self.next_fetch_offset = offset + 1
            yield ConsumerRecord(
                topic,
                partition,
                epoch,
                offset,
                first_timestamp + ts_delta if append_time is None else append_time,
                timestamp_type,
                key,
                value,
                headers,
                None,  # checksum: none per record in v2
                len(key) if key is not None else -1,
                len(value) if value is not None else -1,
                _header_size(headers),
            )
        if pos != len(buffer):
            raise CorruptRecordError(
                f"{len(buffer) - pos} unconsumed bytes after all records consumed"
            )

    def _skip_cause(self, batch: Any, read_committed: bool) -> SkipCause | None:
        """Why this whole batch yields no records, or None (kafka-python's rules)."""
        if read_committed and batch.has_producer_id():
            self._consume_aborted_transactions_up_to(batch.last_offset)
            if self._contains_abort_marker(batch):
                self.aborted_producer_ids.discard(batch.producer_id)
            elif self._is_batch_aborted(batch):
                return SkipCause.ABORTED
        if batch.is_control_batch:
            return SkipCause.MARKER
        return None

    def _consumer_record(self, tp: Any, record: Any) -> Any:
        key, value, headers = record.key, record.value, record.headers
        header_size = _header_size(headers)
        self.records_read += 1
        self.bytes_read += record.size_in_bytes
        self.next_fetch_offset = record.offset + 1
        return ConsumerRecord(
            tp.topic,
            tp.partition,
            self.leader_epoch,
            record.offset,
            record.timestamp,
            record.timestamp_type,
            key,
            value,
            headers,
            record.checksum,
            len(key) if key is not None else -1,
            len(value) if value is not None else -1,
            header_size,
        )


def _header_size(headers: list[tuple[str, bytes | None]]) -> int:
    if not headers:
        return -1
    return sum(len(k.encode("utf-8")) + (len(v) if v is not None else 0) for k, v in headers)
