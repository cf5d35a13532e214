"""Shared fixtures: where the real Kafka broker and PostgreSQL server are, and a fresh
topic and database for every test so that tests never see each other's data.

Services come from KAFKA_BOOTSTRAP_SERVERS / DATABASE_URL when set, else from
testcontainers when a Docker engine answers, else from the local stack (started if needed).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from kafka.admin import KafkaAdminClient, NewTopic
from testcontainers.community.kafka import KafkaContainer
from testcontainers.community.postgres import PostgresContainer

from pulse.settings import Settings
from tests.databases import scratch_database

REPO = Path(__file__).resolve().parent.parent


def _docker_engine_answers() -> bool:
    if shutil.which("docker") is None:
        return False
    probe = subprocess.run(["docker", "info"], capture_output=True, timeout=20, check=False)
    return probe.returncode == 0


def _start_local_stack() -> None:
    result = subprocess.run([sys.executable, "-m", "stack", "up"], cwd=REPO, check=False)
    if result.returncode != 0:
        pytest.fail("the local stack did not start: see the output above, or run `make up`")


@pytest.fixture(scope="session")
def services() -> Iterator[tuple[str, str]]:
    """(Kafka bootstrap servers, PostgreSQL URL of a role allowed to create databases: the
    owner role of MIGRATIONS_DATABASE_URL, or DATABASE_URL when the environment sets it)."""
    env_kafka = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    env_db = os.environ.get("DATABASE_URL")
    if env_kafka and env_db:
        yield env_kafka, env_db
        return
    if _docker_engine_answers():
        with ExitStack() as stack:
            yield _containers(stack)
        return
    _start_local_stack()
    defaults = Settings()
    yield (
        env_kafka or defaults.kafka_bootstrap_servers,
        env_db or defaults.migrations_database_url.get_secret_value(),
    )


def _containers(stack: ExitStack) -> tuple[str, str]:
    kafka = stack.enter_context(KafkaContainer("apache/kafka:4.3.1").with_kraft())
    postgres = stack.enter_context(PostgresContainer("postgres:15", driver=None))
    return kafka.get_bootstrap_server(), postgres.get_connection_url()


@pytest.fixture(scope="session")
def kafka_bootstrap(services: tuple[str, str]) -> str:
    return services[0]


@pytest.fixture(scope="session")
def admin_database_url(services: tuple[str, str]) -> str:
    return services[1]


@pytest.fixture
def topic_factory(kafka_bootstrap: str) -> Iterator[Callable[..., str]]:
    """Creates topics with unique names (and the topic configs given); deletes them when
    the test ends."""
    admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap, client_id="pulse-tests")
    created: list[str] = []

    def create(prefix: str = "test", partitions: int = 3, **configs: str) -> str:
        name = f"{prefix}.{uuid.uuid4().hex[:12]}"
        admin.create_topics([NewTopic(name, partitions, 1, topic_configs=configs)])
        created.append(name)
        return name

    yield create
    if created:
        admin.delete_topics(created)
    admin.close()


@pytest.fixture
def database_url(admin_database_url: str) -> Iterator[str]:
    """A new, empty database for this test, dropped afterwards."""
    with scratch_database(admin_database_url) as url:
        yield url
