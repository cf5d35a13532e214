"""Publishes rejected records to the dead-letter topic: the original key and bytes
untouched, plus headers that let each record explain itself."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from kafka import KafkaProducer

from consumer import __version__
from consumer.contract import SCHEMA_VERSION
from consumer.validation import Rejection

HEADER_PREFIX = "pulse."


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """A rejected record and where it came from."""

    topic: str
    partition: int
    offset: int
    timestamp_ms: int
    key: bytes | None
    value: bytes | None
    headers: Sequence[tuple[str, bytes]]
    rejection: Rejection


def dead_letter_headers(letter: DeadLetter, group_id: str) -> list[tuple[str, bytes]]:
    rejection = letter.rejection
    details = [
        {"path": d.path, "type": d.error_type, "message": d.message} for d in rejection.details
    ]
    pulse_headers = {
        "reason": rejection.reason.value,
        "error": rejection.message,
        "field": rejection.field_path,
        "errors": json.dumps(details, ensure_ascii=False),
        "origin.topic": letter.topic,
        "origin.partition": str(letter.partition),
        "origin.offset": str(letter.offset),
        "origin.timestamp_ms": str(letter.timestamp_ms),
        "consumer.group": group_id,
        "consumer.version": __version__,
        "schema_version": str(SCHEMA_VERSION),
        "failed_at": datetime.now(UTC).isoformat(),
    }
    # The producer's own headers ride along, minus any stale pulse.* ones from a replay.
    kept = [(k, v) for k, v in letter.headers if not k.startswith(HEADER_PREFIX)]
    replays = [v for k, v in letter.headers if k == f"{HEADER_PREFIX}replay.count"]
    if replays:
        kept.append((f"{HEADER_PREFIX}replay.count", replays[-1]))
    return kept + [(HEADER_PREFIX + k, v.encode("utf-8")) for k, v in pulse_headers.items()]


class DeadLetterPublisher:
    """Sends a batch's rejects and waits until Kafka acknowledged all of them (acks=all).

    The caller commits the database transaction that moves offsets past these records
    only after `publish` returned: a crash in between re-sends them (at-least-once into
    the dead-letter topic; duplicates there share their origin partition and offset).
    """

    def __init__(
        self, *, bootstrap_servers: str, topic: str, group_id: str, **kafka_config: Any
    ) -> None:
        self._topic = topic
        self._group_id = group_id
        self._producer = KafkaProducer(
            bootstrap_servers=bootstrap_servers,
            acks="all",
            # publish() ends with flush(), which sends at once; a long linger and large
            # batches only stop each send() from waking the I/O thread (measured: most
            # of the dead-lettering time went to those wake-ups).
            linger_ms=1000,
            batch_size=1_048_576,
            client_id=f"{group_id}-dlq",
            **kafka_config,
        )

    def publish(self, letters: Sequence[DeadLetter], *, timeout_s: float = 30.0) -> None:
        futures = [
            self._producer.send(
                self._topic,
                key=letter.key,
                value=letter.value,
                headers=dead_letter_headers(letter, self._group_id),
            )
            for letter in letters
        ]
        self._producer.flush(timeout=timeout_s)
        for future in futures:
            # Raises the send's error (e.g. KafkaTimeoutError) so the batch is retried.
            future.get(timeout=timeout_s)

    def close(self) -> None:
        self._producer.close(timeout=10)
