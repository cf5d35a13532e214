"""Stop one real service for a while and always start it again, using the local stack's
own functions so that the stack's pid files and markers stay right.

Other people's tests share these services: every outage is a context manager whose exit
restarts the service even when the scenario fails, and waits until it answers."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager

from pulse.settings import Settings
from stack import postgres
from stack.config import from_settings
from stack.kafka import broker
from stack.paths import POSTGRES_CLUSTER, POSTGRES_MAJOR, Layout

_CLUSTER = [POSTGRES_MAJOR, POSTGRES_CLUSTER]


def _pg_ctlcluster(action: str, *extra: str) -> None:
    subprocess.run(
        ["pg_ctlcluster", *_CLUSTER, action, *extra], check=True, capture_output=True, timeout=120
    )


@contextmanager
def postgres_down(admin_database_url: str) -> Iterator[None]:
    """PostgreSQL 15/main stopped (fast mode: clients are disconnected) for the body."""
    _pg_ctlcluster("stop", "-m", "fast")
    try:
        yield
    finally:
        _pg_ctlcluster("start")
        deadline = time.monotonic() + postgres.READY_TIMEOUT_S
        while not postgres.select_one(admin_database_url) and time.monotonic() < deadline:
            time.sleep(0.2)


@contextmanager
def kafka_down() -> Iterator[None]:
    """The stack's Kafka broker stopped (SIGTERM: a controlled shutdown) for the body."""
    layout = Layout.default()
    config = from_settings(Settings())
    broker.down(layout=layout)
    try:
        yield
    finally:
        broker.up(host=config.kafka_host, port=config.kafka_port, layout=layout)
