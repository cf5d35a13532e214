"""Publishes a batch's dead letters and waits for Kafka's acknowledgement; a letter the
topic refuses as shaped goes again as a minimal one. The writer has them published on the
publisher's own thread while the batch's transaction runs (`start`), and commits only
once they are acknowledged."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, MutableSequence, Sequence
from functools import partial
from typing import Any

from kafka import KafkaProducer
from kafka.errors import KafkaError, KafkaTimeoutError

from consumer.deadletters.letters import DeadLetter, Outgoing, minimal, outgoing
from pulse.errors import PulseError

logger = logging.getLogger(__name__)


class DeadLetterTopicError(PulseError, RuntimeError):
    """The dead-letter topic refuses even a minimal record: a deployment problem."""


def _retriable(exc: BaseException) -> bool:
    return isinstance(exc, KafkaTimeoutError) or bool(getattr(exc, "retriable", False))


class LettersPendingError(PulseError, RuntimeError):
    """The letters were still unacknowledged when the transaction was ready to commit."""


class Sending:
    """A batch's dead letters being published, on a thread of their own, while its
    transaction runs. The thread is a daemon: a publish stuck on an absent broker never
    holds up the process's exit (its letters are unacknowledged: the batch is replayed)."""

    def __init__(self, publish: Callable[[], None] | None) -> None:
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None
        if publish is not None:
            self._thread = threading.Thread(
                target=self._run, args=(publish,), name="pulse-dead-letters", daemon=True
            )
            self._thread.start()

    def _run(self, publish: Callable[[], None]) -> None:
        try:
            publish()
        except BaseException as exc:  # handed to the writer thread by `wait`
            self._error = exc

    def wait(self, timeout_s: float | None = None) -> None:
        """Until every letter is acknowledged; raises what `publish` raised, or
        LettersPendingError when they are still on their way after `timeout_s`. The
        transaction calls it just before it commits (DESIGN.md, point 6)."""
        if self._thread is None:
            return
        self._thread.join(timeout_s)
        if self._thread.is_alive():
            raise LettersPendingError(f"dead letters not acknowledged within {timeout_s} s")
        if self._error is not None:
            raise self._error

    def settle(self) -> None:
        """Until the publishing has ended, whatever its outcome: the letters it could not
        send stay unacknowledged for the next try, and two tries never overlap."""
        if self._thread is not None:
            self._thread.join()


class DeadLetterPublisher:
    """Sends a batch's rejects and waits until Kafka acknowledged all of them (acks=all).

    The caller commits the database transaction that moves offsets past these records
    only after `publish` returned: a crash in between re-sends them (at-least-once into
    the dead-letter topic; duplicates there share their origin partition and offset).
    A letter Kafka refuses for itself (too large for the topic, say) is sent again as a
    minimal letter. Transient errors are raised for the caller to retry, and
    DeadLetterTopicError when the topic refuses even a minimal letter.
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
            # An idempotent producer's sequence breaks when the broker refuses one batch
            # (too large for the topic, say): every later send failed too (seen with
            # kafka-python 3.0). The dead-letter topic is at-least-once anyway.
            enable_idempotence=False,
            **kafka_config,
        )
        self._max_bytes = int(self._producer.config["max_request_size"])

    def start(self, letters: Sequence[DeadLetter], acked: MutableSequence[bool]) -> Sending:
        """`publish` on a thread of its own; `Sending.wait` for its outcome. kafka-python
        builds each record in the sending thread (about 50 µs per letter): this way that
        work overlaps the batch's transaction instead of preceding it (a sixth of the
        writer's time with 5% invalid records). The caller settles one `Sending` before
        starting the next, so two publishes never overlap."""
        if all(acked):
            return Sending(None)
        return Sending(partial(self.publish, letters, acked))

    def publish(
        self,
        letters: Sequence[DeadLetter],
        acked: MutableSequence[bool],
        *,
        timeout_s: float = 30.0,
    ) -> None:
        """Send every letter whose `acked` flag is False; set it once Kafka acknowledged.
        Raises the first transient error after the others were sent."""
        sent = []
        for index, letter in enumerate(letters):
            if not acked[index]:
                sent.append((index, letter, self._send_shaped(letter)))
        self._producer.flush(timeout=timeout_s)
        transient: BaseException | None = None
        refused = []
        for index, letter, future in sent:
            try:
                future.get(timeout=timeout_s)
            except KafkaError as exc:
                if _retriable(exc):
                    transient = transient or exc
                else:
                    refused.append((index, letter, exc))
            else:
                acked[index] = True
        for index, letter, error in refused:
            self._send_minimal(letter, error, timeout_s)
            acked[index] = True
        if transient is not None:
            raise transient

    def _send_shaped(self, letter: DeadLetter) -> Any:
        shaped = outgoing(letter, self._group_id, max_bytes=self._max_bytes)
        try:
            return self._send(shaped)
        except (KafkaError, ValueError, TypeError) as exc:
            if _retriable(exc):
                raise
            logger.warning(
                "dead letter refused by the client; sending a minimal one: %r",
                exc,
                extra={"partition": letter.partition, "offset": letter.offset},
            )
            return self._send(minimal(letter, self._group_id, exc))

    def _send_minimal(self, letter: DeadLetter, cause: BaseException, timeout_s: float) -> None:
        logger.warning(
            "dead letter refused by Kafka; sending a minimal one: %r",
            cause,
            extra={"partition": letter.partition, "offset": letter.offset},
        )
        future = self._send(minimal(letter, self._group_id, cause))
        self._producer.flush(timeout=timeout_s)
        try:
            future.get(timeout=timeout_s)
        except KafkaError as exc:
            if _retriable(exc):
                raise
            raise DeadLetterTopicError(
                f"the dead-letter topic {self._topic} refuses even a minimal record ({exc!r}): "
                "check that it exists, that the consumer may write to it, and its "
                "max.message.bytes."
            ) from None

    def _send(self, shaped: Outgoing) -> Any:
        return self._producer.send(
            self._topic, key=shaped.key, value=shaped.value, headers=shaped.headers
        )

    def close(self) -> None:
        self._producer.close(timeout=10)
