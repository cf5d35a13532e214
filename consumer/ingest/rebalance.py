"""Hands the group's rebalances from kafka-python's IO thread to the loop thread.

kafka-python 3 calls a rebalance listener on its own IO thread, the one that also sends
heartbeats and fetches. Work done there races the loop thread and, while it blocks,
starves the heartbeats (a consumer was seen to wedge that way). So the listener only
queues what happened, and pauses newly assigned partitions so that none of their records
is handed out before the loop thread has sought them to PostgreSQL's offsets."""

from __future__ import annotations

import logging
import queue
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any

from kafka import ConsumerRebalanceListener, KafkaConsumer
from kafka.structs import TopicPartition

logger = logging.getLogger(__name__)

# A revocation not followed by an assignment within this many session timeouts is a
# stalled rebalance (see StallWatch).
STALLED_REBALANCE_SESSIONS = 2


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


class StallWatch:
    """Rejoins the group when a rebalance never finishes. kafka-python 3.0 can lose the
    end of a rejoin its own metadata check started, when poll()'s timeout expires while
    the SyncGroup request is in flight: it then neither heartbeats nor assigns, and
    nothing would ever wake it. Leaving and subscribing again starts a new join."""

    def __init__(
        self,
        kafka: KafkaConsumer,
        *,
        topic: str,
        listener: RebalanceQueue,
        limit_s: float,
        on_rejoin: Callable[[], None],
    ) -> None:
        self._kafka = kafka
        self._topic = topic
        self._listener = listener
        self._limit_s = limit_s
        self._on_rejoin = on_rejoin
        self._revoked_at: float | None = None  # set while a rebalance is under way

    def revoked(self) -> None:
        self._revoked_at = time.monotonic()

    def assigned(self) -> None:
        self._revoked_at = None

    def rejoin_if_stalled(self) -> None:
        if self._revoked_at is None:
            return
        stalled_s = time.monotonic() - self._revoked_at
        if stalled_s < self._limit_s:
            return
        logger.warning(
            "rebalance stalled: no assignment since the partitions were revoked; rejoining",
            extra={"stalled_s": round(stalled_s, 1)},
        )
        self._on_rejoin()
        self._kafka.unsubscribe()
        self._kafka.subscribe([self._topic], listener=self._listener)
        self._revoked_at = time.monotonic()
