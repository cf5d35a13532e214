"""The Connect peer's own copy of the benchmark topic: the same records, each JSON object
wrapped in the JsonConverter's schema envelope `{"schema": ..., "payload": ...}`.

The Debezium JDBC sink maps only records that carry a Connect schema, and the events are
schemaless JSON. Without Schema Registry (not on Maven Central) the one way open to a
user is a producer that embeds the schema in every record, which is what this copy is.
The payload bytes are kept verbatim; a record that is not a JSON object (broken JSON,
broken UTF-8, an array, ...) is copied as it is and left to the converter to refuse.
Type and required-field checks are the JsonConverter's own, against the schema below."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from kafka import KafkaConsumer, KafkaProducer

_REQUIRED_STRINGS = ("event_id", "occurred_at", "user_id", "session_id", "device", "event_type")
_OPTIONAL = {
    "string": ("content_id", "author_id", "category", "element", "text", "channel", "query",
               "product_id", "order_id", "unit_price", "currency", "referral_source",
               "call_id", "agent_id", "agent_name", "transcript"),
    "int32": ("results_count", "quantity", "duration_seconds"),
}  # fmt: skip


def event_schema() -> dict[str, object]:
    """The Connect schema of an event, in the JsonConverter's JSON form: the envelope
    fields required, the fields of single event families optional (as in the contract)."""
    fields: list[dict[str, object]] = [{"field": "schema_version", "type": "int32"}]
    fields += [{"field": name, "type": "string"} for name in _REQUIRED_STRINGS]
    location = [{"field": name, "type": "string"} for name in ("country", "city")]
    fields.append({"field": "location", "type": "struct", "fields": location})
    for kind, names in _OPTIONAL.items():
        fields += [{"field": name, "type": kind, "optional": True} for name in names]
    return {"type": "struct", "name": "pulse.Event", "fields": fields}


_SCHEMA = json.dumps(event_schema(), separators=(",", ":")).encode()
_PREFIX = b'{"schema":' + _SCHEMA + b',"payload":'


def wrap(value: bytes) -> bytes:
    """`value` inside the schema envelope when it is a JSON object, else unchanged."""
    try:
        decoded = json.loads(value)
    except ValueError:  # broken JSON and broken UTF-8 alike
        return value
    if not isinstance(decoded, dict):
        return value
    return _PREFIX + value + b"}"


def sentinel(event_id: str) -> bytes:
    """A valid event, enveloped, that ends one partition of the copy: once its row is in
    the table, every record before it on that partition has been handled (the sink
    writes a partition in offset order), even when the last records were refused and
    the sink's committed offset therefore never reaches the end."""
    event = {
        "schema_version": 1, "event_id": event_id, "occurred_at": "2026-01-01T00:00:00Z",
        "user_id": "u-bench-sentinel", "session_id": "s-bench-sentinel", "device": "desktop",
        "location": {"country": "US", "city": "Sentinel"}, "event_type": "login",
    }  # fmt: skip
    return wrap(json.dumps(event, separators=(",", ":")).encode())


@dataclass(frozen=True, slots=True)
class Copied:
    records: int  # copied from the source, sentinels not included
    wrapped: int
    value_bytes: int
    sentinels: tuple[str, ...]  # event_id of the sentinel ending each partition


def copy_topic(
    *, bootstrap_servers: str, source: str, target: str, partitions: int, records: int
) -> Copied:
    """Copies all `records` of `source` into `target` (created beforehand with the same
    partitions), record by record into the same partition with the same key, then one
    sentinel at the end of each partition."""
    consumer = KafkaConsumer(
        source, bootstrap_servers=bootstrap_servers, group_id=None,
        auto_offset_reset="earliest", enable_auto_commit=False,
        max_poll_records=5_000, fetch_max_bytes=52_428_800,
    )  # fmt: skip
    producer = KafkaProducer(
        bootstrap_servers=bootstrap_servers, acks="all", linger_ms=20,
        batch_size=1_048_576, max_request_size=2_097_152,
    )  # fmt: skip
    wrapped = value_bytes = copied = 0
    try:
        for record in _records(consumer, records):
            value = wrap(record.value)
            wrapped += value is not record.value
            value_bytes += len(value)
            producer.send(target, key=record.key, value=value, partition=record.partition)
            copied += 1
        sentinels = tuple(str(uuid.uuid4()) for _ in range(partitions))
        for partition, event_id in enumerate(sentinels):
            producer.send(target, value=sentinel(event_id), partition=partition)
        producer.flush()
    finally:
        producer.close()
        consumer.close()
    return Copied(copied, wrapped, value_bytes, sentinels)


def _records(consumer: KafkaConsumer, records: int) -> Iterator[Any]:
    read = 0
    while read < records:
        for batch in consumer.poll(timeout_ms=500).values():
            read += len(batch)
            yield from batch
