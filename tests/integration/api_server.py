"""Runs the real API (`python -m api`, uvicorn) as a subprocess for the tests, on a free
port, and waits until it answers; `consumed_and_served` puts hand-written events through
the real broker and consumer first."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from kafka.admin import KafkaAdminClient, NewTopic

from tests.databases import as_role, scratch_database
from tests.integration import catalog_records, harness
from tests.integration.harness import REPO, Record, free_port
from tests.integration.test_database_roles import READER_ROLE_URL


@dataclass(frozen=True)
class ApiServer:
    url: str
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@contextmanager
def api_server(
    *, reader_url: str, kafka_bootstrap: str, topic: str, log_dir: Path,
    env: Mapping[str, str] | None = None,
) -> Iterator[ApiServer]:  # fmt: skip
    port = free_port()
    log_path = log_dir / f"api-{port}.log"
    environment = {
        **os.environ,
        "READER_DATABASE_URL": reader_url,
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
        "KAFKA_TOPIC": topic,
        "API_PORT": str(port),
        "API_CACHE_MAX_AGE_S": "0",
        **(env or {}),
    }
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "api"], cwd=REPO, env=environment,
            stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_answering(url, process, log_path)
        yield ApiServer(url, log_path)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_answering(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the API exited {process.returncode}:\n{log.read_text()}")
        try:
            httpx.get(f"{url}/openapi.json", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError(f"the API did not answer within 30 s:\n{log.read_text()}")


@dataclass(frozen=True)
class Served:
    client: httpx.Client  # the API's, logged in as the read-only role
    url: str  # the database's, as its owner

    def get(self, path: str, **params: Any) -> Any:
        """The JSON answer of a GET that must succeed."""
        response = self.client.get(path, params=params)
        assert response.status_code == 200, response.text
        return response.json()


@contextmanager
def consumed_and_served(
    *, kafka_bootstrap: str, admin_database_url: str, records: Sequence[Record],
    log_dir: Path, prefix: str, catalog: Sequence[catalog_records.Record] = (),
) -> Iterator[Served]:  # fmt: skip
    """`records` on a fresh topic of two partitions (and `catalog` on its catalog topic),
    consumed to idle by the real consumer into a scratch database, served by the real API
    logged in as the read-only role."""
    topic, dlq = f"{prefix}.{uuid.uuid4().hex[:12]}", f"{prefix}-dlq.{uuid.uuid4().hex[:12]}"
    admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap, client_id="pulse-tests")
    admin.create_topics([NewTopic(topic, 2, 1), NewTopic(dlq, 1, 1)])
    try:
        harness.produce(kafka_bootstrap, topic, records)
        if catalog:  # the consumer reads `<topic>.catalog` (tests/commands.py)
            catalog_records.create_topic(kafka_bootstrap, "", name=f"{topic}.catalog")
            catalog_records.produce(kafka_bootstrap, f"{topic}.catalog", catalog)
        with scratch_database(admin_database_url, f"pulse_{prefix}") as url:
            harness.run_consumer_to_idle(
                timeout=120, bootstrap=kafka_bootstrap, database_url=url, topic=topic,
                dlq_topic=dlq, group=f"g-{uuid.uuid4().hex[:8]}", log_dir=log_dir,
            )  # fmt: skip
            reader = as_role(url, READER_ROLE_URL)
            with (
                api_server(
                    reader_url=reader, kafka_bootstrap=kafka_bootstrap, topic=topic,
                    log_dir=log_dir,
                ) as server,
                httpx.Client(base_url=server.url, timeout=10) as client,
            ):  # fmt: skip
                yield Served(client, url)
    finally:
        admin.delete_topics([topic, dlq])
        admin.close()
        if catalog:
            catalog_records.delete_topics(kafka_bootstrap, [f"{topic}.catalog"])
