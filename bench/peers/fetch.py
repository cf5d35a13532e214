"""The Kafka consumer configuration Pulse runs with, so that the raw and naive peers fetch
exactly as Pulse does. It mirrors `_connect_kafka` in consumer/cli.py: keep the two in step."""

from __future__ import annotations

from typing import Any

from pulse.kafka_security import kafka_security
from pulse.settings import Settings


def pulse_fetch_config(settings: Settings, *, group_id: str) -> dict[str, Any]:
    return {
        "bootstrap_servers": settings.kafka_bootstrap_servers,
        "group_id": group_id,
        "client_id": f"{group_id}-consumer",
        "enable_auto_commit": False,
        "auto_offset_reset": "earliest",
        "max_poll_records": settings.batch_max_records,
        "session_timeout_ms": settings.kafka_session_timeout_ms,
        "heartbeat_interval_ms": max(settings.kafka_session_timeout_ms // 4, 500),
        "fetch_max_bytes": 52_428_800,
        **kafka_security(settings),
    }
