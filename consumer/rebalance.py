"""Hands the group's rebalances from kafka-python's IO thread to the loop thread.

kafka-python 3 calls a rebalance listener on its own IO thread, the one that also sends
heartbeats and fetches. Work done there races the loop thread and, while it blocks,
starves the heartbeats (a consumer was seen to wedge that way). So the listener only
queues what happened, and pauses newly assigned partitions so that none of their records
is handed out before the loop thread has sought them to PostgreSQL's offsets."""

from __future__ import annotations

import queue
from dataclasses import dataclass
from enum import Enum
from typing import Any

from kafka import ConsumerRebalanceListener, KafkaConsumer
from kafka.structs import TopicPartition


class Change(Enum):
    REVOKED = "revoked"
    ASSIGNED = "assigned"


@dataclass(frozen=True, slots=True)
class Rebalance:
    change: Change
    partitions: list[TopicPartition]


class RebalanceQueue(ConsumerRebalanceListener):  # type: ignore[misc]
    def __init__(self, kafka: KafkaConsumer) -> None:
        self._kafka = kafka
        self._events: queue.SimpleQueue[Rebalance | BaseException] = queue.SimpleQueue()

    # -- called on kafka-python's IO thread: quick, and never raising into it ------

    def on_partitions_revoked(self, revoked: Any) -> None:
        self._events.put(Rebalance(Change.REVOKED, list(revoked)))

    def on_partitions_assigned(self, assigned: Any) -> None:
        partitions = list(assigned)
        try:
            if partitions:
                self._kafka.pause(*partitions)
        except Exception as exc:  # handed to the loop thread, which stops with it
            self._events.put(exc)
        self._events.put(Rebalance(Change.ASSIGNED, partitions))

    # -- called on the loop thread ----------------------------------------------

    def take(self) -> list[Rebalance | BaseException]:
        """Everything that happened since the last call, oldest first."""
        events: list[Rebalance | BaseException] = []
        while True:
            try:
                events.append(self._events.get_nowait())
            except queue.Empty:
                return events
