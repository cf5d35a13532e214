"""Topic settings the corpus needs: its ~1 MB records (plus a batch's framing) must land,
so the source topic takes batches of up to 4 MiB. The dead-letter topic keeps the broker's
default (1 MiB): a dead letter must fit the ordinary limits."""

from __future__ import annotations

from kafka.admin import ConfigResource, ConfigResourceType, KafkaAdminClient

MAX_MESSAGE_BYTES = 4 * 1024 * 1024


def allow_large_records(bootstrap: str, topic: str) -> None:
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="pulse-poison")
    try:
        admin.alter_configs(
            [
                ConfigResource(
                    ConfigResourceType.TOPIC, topic,
                    configs={"max.message.bytes": str(MAX_MESSAGE_BYTES)},
                )
            ]
        )  # fmt: skip
    finally:
        admin.close()
