"""Sends a whole corpus to a topic with one real client: the client's groups, with the
records whose header keys are not UTF-8 (kafka-python, the only one of the three that can
write them) before its last group, a committed transaction on every partition."""

from __future__ import annotations

import uuid
from enum import StrEnum
from pathlib import Path

from tests.poison import java_client, raw_header_keys, rdkafka_client
from tests.poison.corpus import Corpus
from tests.poison.spec import Group, Run

CODECS = ("none", "gzip", "snappy", "lz4", "zstd")


class Client(StrEnum):
    JAVA = "java"  # org.apache.kafka:kafka-clients, the official producer
    LIBRDKAFKA = "librdkafka"  # through confluent-kafka


def send_corpus(
    client: Client, corpus: Corpus, *, bootstrap: str, topic: str, codec: str, work_dir: Path
) -> Run:
    transactional_id = f"pulse-poison-{uuid.uuid4().hex[:12]}"

    def send(groups: tuple[Group, ...]) -> Run:
        if client is Client.JAVA:
            return java_client.send(
                bootstrap, topic, groups, compression=codec,
                transactional_id=transactional_id, work_dir=work_dir,
            )  # fmt: skip
        return rdkafka_client.send(
            bootstrap, topic, groups, compression=codec, transactional_id=transactional_id
        )

    first = send(corpus.groups[:-1])
    raw = raw_header_keys.send(bootstrap, topic, corpus.raw_key_records)
    last = send(corpus.groups[-1:])
    return Run(sent=[*first.sent, *raw.sent, *last.sent], markers=[*first.markers, *last.markers])
