"""Checks the offset ledger against the topic it covers: a stored offset past the end of
its partition (or a partition the topic lacks) means the database belongs to another life
of the topic; one short of the end is lag, reported, not an error."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import psycopg
from kafka import KafkaConsumer, TopicPartition
from kafka.errors import KafkaError

from pulse.sqlfiles import load_sql


@dataclass(frozen=True, slots=True)
class TopicCheck:
    problems: list[str]
    lag: int  # records on the topic that the ledger does not cover yet
    checked: bool  # False when no broker answered


def check_ledger_against_topic(
    database_url: str, bootstrap_servers: str, **security: Any
) -> TopicCheck:
    with psycopg.connect(database_url, connect_timeout=5) as conn:
        stored = [
            (str(topic), int(partition), int(offset))
            for topic, partition, offset in conn.execute(load_sql("ledger/stored_offsets"))
        ]
    if not stored:
        return TopicCheck([], 0, checked=True)
    try:
        consumer = KafkaConsumer(
            bootstrap_servers=bootstrap_servers,
            group_id=None,
            bootstrap_timeout_ms=5000,
            isolation_level="read_committed",
            **security,
        )
    except KafkaError:
        return TopicCheck([], 0, checked=False)
    try:
        return _compare(consumer, stored)
    except KafkaError:
        return TopicCheck([], 0, checked=False)
    finally:
        consumer.close()


def _compare(consumer: KafkaConsumer, stored: list[tuple[str, int, int]]) -> TopicCheck:
    problems: list[str] = []
    known = {topic: set(consumer.partitions_for_topic(topic) or ()) for topic, _, _ in stored}
    present = [TopicPartition(t, p) for t, p, _ in stored if p in known[t]]
    ends = consumer.end_offsets(present) if present else {}
    lag = 0
    for topic, partition, offset in stored:
        end = ends.get(TopicPartition(topic, partition))
        if end is None:
            problems.append(f"{topic} partition {partition}: in the ledger, not on the broker")
        elif offset > end:
            problems.append(
                f"{topic} partition {partition}: the ledger is at offset {offset}, "
                f"past the partition's end {end}"
            )
        else:
            lag += end - offset
    return TopicCheck(problems, lag, checked=True)
