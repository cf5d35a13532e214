"""Where a scenario runs: the broker and database addresses, a work folder for truth files
and consumer logs, fresh topics and fresh databases (dropped again afterwards)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from kafka.admin import KafkaAdminClient, NewTopic

from tests.databases import scratch_database


@dataclass
class ChaosContext:
    bootstrap: str
    admin_database_url: str
    work_dir: Path
    cleanup: ExitStack = field(default_factory=ExitStack)

    def topic(self, prefix: str, partitions: int) -> str:
        """A new topic, deleted when the context closes."""
        name = f"chaos.{prefix}.{uuid.uuid4().hex[:10]}"
        admin = KafkaAdminClient(bootstrap_servers=self.bootstrap, client_id="pulse-chaos")
        try:
            admin.create_topics([NewTopic(name, partitions, 1)])
        finally:
            admin.close()
        self.cleanup.callback(self._delete_topic, name)
        return name

    def _delete_topic(self, name: str) -> None:
        admin = KafkaAdminClient(bootstrap_servers=self.bootstrap, client_id="pulse-chaos")
        try:
            admin.delete_topics([name])
        finally:
            admin.close()

    def database(self) -> str:
        """A new, empty database, dropped when the context closes."""
        return self.cleanup.enter_context(scratch_database(self.admin_database_url, "chaos"))

    def close(self) -> None:
        self.cleanup.close()


@contextmanager
def chaos_context(
    bootstrap: str, admin_database_url: str, work_dir: Path
) -> Iterator[ChaosContext]:
    work_dir.mkdir(parents=True, exist_ok=True)
    context = ChaosContext(bootstrap, admin_database_url, work_dir)
    try:
        yield context
    finally:
        context.close()
