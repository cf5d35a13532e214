"""Records whose header keys are not UTF-8, which neither the Java client (header keys are
Strings, always sent as UTF-8) nor confluent-kafka (a bytes key is sent as its repr) can
write. kafka-python's KafkaProducer builds them: its DefaultRecordBatchBuilder writes a
header key as `key.encode("utf-8")`, and RawKey.encode returns the raw bytes instead.
They go uncompressed: the header bytes are the point, the codecs are the clients' job."""

from __future__ import annotations

from collections.abc import Sequence

from kafka import KafkaProducer

from tests.poison.spec import Mode, PoisonRecord, Run, Sent

TIMEOUT_S = 60.0


class RawKey(str):
    """A header key that encodes to the given bytes, whatever they are."""

    raw: bytes

    def __new__(cls, raw: bytes) -> RawKey:
        key = super().__new__(cls, raw.decode("utf-8", "backslashreplace"))
        key.raw = raw
        return key

    def encode(self, encoding: str = "utf-8", errors: str = "strict") -> bytes:
        del encoding, errors
        return self.raw


def send(bootstrap: str, topic: str, records: Sequence[PoisonRecord]) -> Run:
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=20)
    try:
        futures = []
        for record in records:
            if any(h.value is None for h in record.headers):
                raise ValueError(f"{record.label}: kafka-python sends no null header values")
            headers = [(RawKey(h.key), h.value) for h in record.headers]
            futures.append(
                producer.send(
                    topic, key=record.key, value=record.value, headers=headers,
                    partition=record.partition,
                )
            )  # fmt: skip
        producer.flush(timeout=TIMEOUT_S)
        metadata = [future.get(timeout=TIMEOUT_S) for future in futures]
    finally:
        producer.close(timeout=10)
    run = Run()
    for record, meta in zip(records, metadata, strict=True):
        run.sent.append(Sent(record, Mode.NONE, -1, int(meta.partition), int(meta.offset)))
    return run
