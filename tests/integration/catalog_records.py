"""Hand-written catalog records (not the simulator's), produced with librdkafka through
confluent-kafka, and a reader of what the consumer made of them."""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import Iterable, Sequence
from typing import Any, LiteralString

import psycopg
from confluent_kafka import KafkaError, KafkaException, Message, Producer
from confluent_kafka.admin import AdminClient
from confluent_kafka.cimpl import NewTopic  # not re-exported for mypy

Record = tuple[bytes | None, bytes | None]
TIMEOUT_S = 60.0


def product(
    product_id: str,
    name: str,
    updated_at: str,
    *,
    price: str = "19.99",
    category: str = "Home",
) -> Record:
    return _record(
        "product",
        product_id,
        {"name": name, "category": category, "unit_price": price, "currency": "USD"},
        updated_at,
    )


def post(
    post_id: str,
    tags: Sequence[str],
    updated_at: str,
    *,
    title: str = "Streaming, explained",
    promoted: bool = False,
    author_id: str = "u-writer",
    category: str = "Tech",
) -> Record:
    attributes = {
        "title": title,
        "tags": list(tags),
        "promoted": promoted,
        "author_id": author_id,
        "category": category,
        "published_at": "2026-01-05T09:00:00Z",
    }
    return _record("post", post_id, attributes, updated_at)


def author(author_id: str, name: str, home_category: str, updated_at: str) -> Record:
    return _record("author", author_id, {"name": name, "home_category": home_category}, updated_at)


def agent(agent_id: str, name: str, team: str, updated_at: str) -> Record:
    return _record("agent", agent_id, {"name": name, "team": team}, updated_at)


def tombstone(entity_type: str, entity_id: str) -> Record:
    return f"{entity_type}:{entity_id}".encode(), None


def _record(entity_type: str, entity_id: str, attributes: dict[str, Any], at: str) -> Record:
    value = {
        "schema_version": 1,
        "entity_type": entity_type,
        f"{entity_type}_id": entity_id,
        **attributes,
        "updated_at": at,
    }
    return f"{entity_type}:{entity_id}".encode(), json.dumps(value).encode()


def create_topic(
    bootstrap: str, prefix: str, partitions: int = 2, *, name: str | None = None
) -> str:
    """A compacted topic, as the producer creates the catalog's: `name`, or a unique one."""
    name = name or f"{prefix}.{uuid.uuid4().hex[:12]}"
    admin = AdminClient({"bootstrap.servers": bootstrap})
    topic = NewTopic(name, partitions, 1, config={"cleanup.policy": "compact"})
    for future in admin.create_topics([topic]).values():
        future.result(TIMEOUT_S)
    return name


def delete_topics(bootstrap: str, names: Iterable[str]) -> None:
    admin = AdminClient({"bootstrap.servers": bootstrap})
    for future in admin.delete_topics(list(names)).values():
        with contextlib.suppress(KafkaException):  # a topic the consumer never created
            future.result(TIMEOUT_S)


def produce(
    bootstrap: str,
    topic: str,
    records: Iterable[Record],
    *,
    partition: int | None = None,
    compression: str = "none",
    transactional_id: str | None = None,
    abort: bool = False,
) -> None:
    """Send with librdkafka and wait for every delivery; in one transaction (committed,
    or aborted with `abort`) when a transactional id is given."""
    config: dict[str, Any] = {
        "bootstrap.servers": bootstrap,
        "acks": "all",
        "compression.type": compression,
        "linger.ms": 5,
    }
    if transactional_id is not None:
        config["transactional.id"] = transactional_id
    producer = Producer(config)
    errors: list[str] = []

    def delivered(error: KafkaError | None, _message: Message) -> None:
        if error is not None:
            errors.append(str(error))

    if transactional_id is not None:
        producer.init_transactions(TIMEOUT_S)
        producer.begin_transaction()
    for key, value in records:
        producer.produce(
            topic,
            key=key,
            value=value,
            partition=-1 if partition is None else partition,
            on_delivery=delivered,
        )
        producer.poll(0)
    left = producer.flush(TIMEOUT_S)
    if transactional_id is not None:
        if abort:
            producer.abort_transaction(TIMEOUT_S)
        else:
            producer.commit_transaction(TIMEOUT_S)
    assert not left, f"librdkafka did not deliver {left} records"
    assert not errors, f"librdkafka did not deliver: {errors}"


def rows(url: str, query: LiteralString, *params: Any) -> list[tuple[Any, ...]]:
    with psycopg.connect(url) as conn:
        return conn.execute(query, params).fetchall()
