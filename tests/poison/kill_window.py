"""Finds the instant a SIGKILL tests at-least-once dead letters: Kafka has acknowledged a
batch's dead letters, PostgreSQL has not yet committed the offsets past them. Then the
dead-letter topic holds more letters than the ledger has counted since the last look."""

from __future__ import annotations

import time

import psycopg
from kafka import KafkaConsumer, TopicPartition


class DeadLetterWindow:
    def __init__(self, *, bootstrap: str, dlq_topic: str, database_url: str, topic: str) -> None:
        self._kafka = KafkaConsumer(
            bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False
        )
        partitions = self._kafka.partitions_for_topic(dlq_topic) or {0}
        self._dlq = [TopicPartition(dlq_topic, p) for p in sorted(partitions)]
        self._database_url = database_url
        self._topic = topic

    def _letters(self) -> int:
        return sum(int(o) for o in self._kafka.end_offsets(self._dlq).values())

    def _counted(self) -> int:
        try:
            with psycopg.connect(self._database_url) as conn:
                row = conn.execute(
                    "select coalesce(sum(dead_lettered), 0) from partition_offsets"
                    " where topic = %s",
                    (self._topic,),
                ).fetchone()
        except psycopg.errors.UndefinedTable:  # the consumer has not migrated yet
            return 0
        return int(row[0]) if row else 0

    def surplus(self) -> int:
        """Dead letters sent but not (yet) counted; re-sent ones stay in it for good."""
        return self._letters() - self._counted()

    def wait_for_open(self, timeout_s: float) -> bool:
        """Until a batch's dead letters are acknowledged and its commit is still due."""
        baseline = self.surplus()
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.surplus() > baseline:
                return True
            time.sleep(0.002)
        return False

    def close(self) -> None:
        self._kafka.close()
