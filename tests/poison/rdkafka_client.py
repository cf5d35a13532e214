"""librdkafka (through confluent-kafka) as a poison client: the same groups as the Java
client, with librdkafka's own idempotent and transactional producer and every codec it
has. librdkafka cannot send a header key that is not UTF-8 from Python: confluent-kafka
turns a bytes key into its repr ("b'\\xff'"), so tests/poison/raw_header_keys.py sends
those records."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from confluent_kafka import KafkaError, Message, Producer

from tests.poison.spec import Group, Mode, Run

MAX_MESSAGE_BYTES = 2 * 1024 * 1024
TIMEOUT_S = 120.0


def _producer(bootstrap: str, compression: str, transactional_id: str | None) -> Producer:
    config: dict[str, Any] = {
        "bootstrap.servers": bootstrap,
        "acks": "all",
        "enable.idempotence": True,
        "compression.type": compression,
        "message.max.bytes": MAX_MESSAGE_BYTES,
        "linger.ms": 20,
    }
    if transactional_id is not None:
        config["transactional.id"] = transactional_id
    return Producer(config)


def _send_group(producer: Producer, topic: str, group: Group) -> list[tuple[int, int]]:
    places: list[tuple[int, int] | None] = [None] * len(group.records)
    errors: list[str] = []

    def delivered(index: int) -> Any:
        def report(error: KafkaError | None, message: Message) -> None:
            if error is not None:
                errors.append(f"record {index}: {error}")
            else:
                places[index] = (int(message.partition() or 0), int(message.offset() or 0))

        return report

    for index, record in enumerate(group.records):
        headers: Any = [(h.key.decode("utf-8"), h.value) for h in record.headers]
        producer.produce(
            topic,
            value=record.value,
            key=record.key,
            partition=-1 if record.partition is None else record.partition,
            headers=headers,
            on_delivery=delivered(index),
        )
        producer.poll(0)
    # Flushed before the transaction ends: aborted records are written, then aborted.
    left = producer.flush(TIMEOUT_S)
    if left or errors or None in places:
        raise AssertionError(f"librdkafka did not deliver: {left} left, errors {errors}")
    return [place for place in places if place is not None]


def send(
    bootstrap: str,
    topic: str,
    groups: Sequence[Group],
    *,
    compression: str,
    transactional_id: str,
) -> Run:
    """Send `groups` in order with librdkafka; where each record landed."""
    plain = _producer(bootstrap, compression, None)
    txn = _producer(bootstrap, compression, transactional_id)
    txn.init_transactions(TIMEOUT_S)
    run = Run()
    for index, group in enumerate(groups):
        if group.mode is Mode.NONE:
            places = _send_group(plain, topic, group)
        else:
            txn.begin_transaction()
            places = _send_group(txn, topic, group)
            if group.mode is Mode.COMMIT:
                txn.commit_transaction(TIMEOUT_S)
            else:
                txn.abort_transaction(TIMEOUT_S)
        run.add_group(index, group, places)
    return run
