"""Sends a whole corpus to a topic with one real client: first the records with non-UTF-8
header keys (kafka-python, the only one of the three that can), then the client's groups."""

from __future__ import annotations

import uuid
from enum import StrEnum
from pathlib import Path

from tests.poison import java_client, raw_header_keys, rdkafka_client
from tests.poison.corpus import Corpus
from tests.poison.spec import Run

CODECS = ("none", "gzip", "snappy", "lz4", "zstd")


class Client(StrEnum):
    JAVA = "java"  # org.apache.kafka:kafka-clients, the official producer
    LIBRDKAFKA = "librdkafka"  # through confluent-kafka


def send_corpus(
    client: Client, corpus: Corpus, *, bootstrap: str, topic: str, codec: str, work_dir: Path
) -> Run:
    raw = raw_header_keys.send(bootstrap, topic, corpus.raw_key_records)
    transactional_id = f"pulse-poison-{uuid.uuid4().hex[:12]}"
    if client is Client.JAVA:
        sent = java_client.send(
            bootstrap, topic, corpus.groups, compression=codec,
            transactional_id=transactional_id, work_dir=work_dir,
        )  # fmt: skip
    else:
        sent = rdkafka_client.send(
            bootstrap, topic, corpus.groups, compression=codec, transactional_id=transactional_id
        )
    return Run(sent=[*raw.sent, *sent.sent], markers=sent.markers)
