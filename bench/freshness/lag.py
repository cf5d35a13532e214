"""Samples a consumer's lag while a benchmark runs: the topic's end offsets (what has
been produced) minus the offsets PostgreSQL holds (what has been committed), and so the
rate the producer really achieved."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import psycopg
from kafka import KafkaConsumer
from kafka.errors import KafkaError
from kafka.structs import TopicPartition

from pulse.sqlfiles import load_sql


@dataclass(frozen=True, slots=True)
class LagSample:
    at: float  # time.monotonic()
    produced: int  # sum of the end offsets
    committed: int  # sum of the next offsets stored in PostgreSQL

    @property
    def lag(self) -> int:
        return max(self.produced - self.committed, 0)


class LagSampler:
    def __init__(
        self,
        *,
        bootstrap_servers: str,
        topic: str,
        partitions: int,
        database_url: str,
        interval_s: float = 1.0,
    ) -> None:
        self._topic = topic
        self._partitions = list(range(partitions))
        self._database_url = database_url
        self._interval_s = interval_s
        self._consumer = KafkaConsumer(bootstrap_servers=bootstrap_servers, group_id=None)
        self.samples: list[LagSample] = []
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="lag-sampler", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join(timeout=10)
        self._consumer.close()

    def latest(self) -> LagSample | None:
        return self.samples[-1] if self.samples else None

    def _loop(self) -> None:
        # A server that goes away (restarted by someone else) leaves a gap in the samples.
        while not self._stopped.is_set():
            try:
                self._sample_until_stopped()
            except (psycopg.OperationalError, KafkaError):
                self._stopped.wait(self._interval_s)

    def _sample_until_stopped(self) -> None:
        parts = [TopicPartition(self._topic, p) for p in self._partitions]
        query = load_sql("consumer/load_offsets")
        params = {"topic": self._topic, "partitions": self._partitions}
        with psycopg.connect(self._database_url, autocommit=True) as conn:
            while not self._stopped.is_set():
                produced = sum(self._consumer.end_offsets(parts).values())
                try:
                    committed = sum(int(row[1]) for row in conn.execute(query, params))
                except psycopg.errors.UndefinedTable:  # not migrated yet
                    committed = 0
                self.samples.append(LagSample(time.monotonic(), int(produced), committed))
                self._stopped.wait(self._interval_s)


def rate_between(samples: list[LagSample], start: float, end: float) -> float | None:
    """Records produced per second between two instants, from the samples inside them."""
    inside = [s for s in samples if start <= s.at <= end]
    if len(inside) < 2 or inside[-1].at <= inside[0].at:
        return None
    return (inside[-1].produced - inside[0].produced) / (inside[-1].at - inside[0].at)
