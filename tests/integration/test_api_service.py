"""The API as a service: its role is refused every write, its pool and statement timeout
bound what a slow or busy database costs, a database or broker that is away is answered
in one sentence, requests are measured, and `python -m api` says in one line why it
cannot start."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest
from prometheus_client import CollectorRegistry
from prometheus_client.parser import text_string_to_metric_families

from api.app import create_app
from api.database import Database
from api.settings import ApiSettings
from tests.databases import as_role, scratch_database
from tests.integration import harness
from tests.integration.api_server import api_server
from tests.integration.test_database_roles import READER_ROLE_URL, refused_writes

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def migrated(admin_database_url: str) -> Iterator[str]:
    """An empty migrated database (owner URL)."""
    with scratch_database(admin_database_url, "pulse_api_service") as url:
        harness.migrate(url)
        yield url


@pytest.fixture(scope="module")
def reader_url(migrated: str) -> str:
    return as_role(migrated, READER_ROLE_URL)


def _ask(settings: ApiSettings, *paths: str) -> list[httpx.Response]:
    """GET each path of an in-process app (httpx over ASGI), its pool opened as the
    lifespan would."""
    db = Database(
        settings.reader_database_url.get_secret_value(),
        min_size=settings.api_pool_min_size,
        max_size=settings.api_pool_max_size,
        timeout_s=settings.api_pool_timeout_s,
        statement_timeout_ms=settings.api_statement_timeout_ms,
    )
    app = create_app(settings, database=db, registry=CollectorRegistry())

    async def ask() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        await db.open()
        try:
            async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:
                return [await client.get(path) for path in paths]
        finally:
            await db.close()

    try:
        return asyncio.run(ask())
    finally:
        app.state.kafka_offsets.close()


def _closed_port() -> int:
    return harness.free_port()  # bound and released: nothing listens there now


# -- the read-only role --------------------------------------------------------------------


def test_the_api_role_is_refused_every_write(reader_url: str) -> None:
    # insert, update, delete and truncate on every table and view: none may pass.
    assert refused_writes(reader_url, allowed={}) == []
    with psycopg.connect(reader_url) as conn:
        for statement in (
            "create table sneaky (id integer)",
            "create temp table sneaky (id integer)",
            "drop table events",
            "alter table content_items add column sneaky integer",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)
            conn.rollback()


def test_the_api_sessions_are_read_only_with_a_statement_timeout(migrated: str) -> None:
    # Even logged in as the owner (a wrong READER_DATABASE_URL), the API cannot write.
    db = Database(migrated, min_size=0, max_size=1, timeout_s=5, statement_timeout_ms=1234)

    async def try_to_write() -> None:
        await db.open()
        try:
            async with db.connection() as conn:
                shown = await (await conn.execute("show statement_timeout")).fetchone()
                assert shown == ("1234ms",)
                with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
                    await conn.execute("delete from partition_offsets")
        finally:
            await db.close()

    asyncio.run(try_to_write())


# -- pool and statement timeout -----------------------------------------------------------


def test_a_connection_the_server_dropped_is_replaced_without_an_error(migrated: str) -> None:
    # The owner's URL, so that the owner may end the pool's session (as a restart would).
    db = Database(migrated, min_size=1, max_size=1, timeout_s=5, statement_timeout_ms=5000)

    async def drop_then_ask() -> tuple[list[dict[str, object]], int, int]:
        await db.open()
        try:
            async with db.connection() as conn:
                first = await (await conn.execute("select pg_backend_pid()")).fetchone()
            assert first is not None
            with psycopg.connect(migrated, autocommit=True) as owner:
                owner.execute("select pg_terminate_backend(%s)", (first[0],))
            rows = await db.rows("api/newest_event")
            async with db.connection() as conn:
                second = await (await conn.execute("select pg_backend_pid()")).fetchone()
            assert second is not None
            return rows, first[0], second[0]
        finally:
            await db.close()

    rows, before, after = asyncio.run(drop_then_ask())
    assert len(rows) == 1
    assert before != after


def test_a_slow_query_is_cancelled_and_a_full_pool_answers_503(
    migrated: str, reader_url: str, kafka_bootstrap: str, tmp_path: Path
) -> None:
    env = {
        "API_STATEMENT_TIMEOUT_MS": "1500", "API_POOL_MIN_SIZE": "1", "API_POOL_MAX_SIZE": "1",
        "API_POOL_TIMEOUT_S": "0.3",
    }  # fmt: skip
    with (
        api_server(
            reader_url=reader_url, kafka_bootstrap=kafka_bootstrap, topic="api.none",
            log_dir=tmp_path, env=env,
        ) as server,
        httpx.Client(base_url=server.url, timeout=10) as client,
        psycopg.connect(migrated) as owner,
    ):  # fmt: skip
        # The owner holds a lock that /pages/top must wait for, so its query stays busy.
        owner.execute("lock table content_items in access exclusive mode")
        slow: list[httpx.Response] = []
        waiting = threading.Thread(target=lambda: slow.append(client.get("/pages/top")))
        started = time.monotonic()
        waiting.start()
        time.sleep(0.5)  # the one pooled connection is now stuck behind the lock
        busy = client.get("/users/top")
        waiting.join()
        owner.rollback()
        assert busy.status_code == 503, busy.text
        assert busy.json()["error"] == "database_busy"
        assert "every database connection stayed busy for 0.3 s" in busy.json()["message"]
        assert slow[0].status_code == 504, slow[0].text
        assert "statement timeout of 1500 ms" in slow[0].json()["message"]
        assert 1.4 <= time.monotonic() - started < 5
        # The lock is gone and the connection back in the pool: answers again.
        assert client.get("/pages/top").status_code == 200
        samples = _samples(client.get("/metrics").text)
    assert (
        samples[("pulse_api_errors_total", (("kind", "query_timeout"), ("route", "/pages/top")))]
        == 1
    )
    assert (
        samples[("pulse_api_errors_total", (("kind", "database_busy"), ("route", "/users/top")))]
        == 1
    )
    ok = (("method", "GET"), ("route", "/pages/top"), ("status", "200"))
    assert samples[("pulse_api_requests_total", ok)] == 1
    count = (("method", "GET"), ("route", "/pages/top"))
    assert samples[("pulse_api_request_duration_seconds_count", count)] == 2


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


# -- a dependency away --------------------------------------------------------------------


def test_a_database_that_is_away_is_a_503_with_a_sentence(kafka_bootstrap: str) -> None:
    settings = ApiSettings(
        reader_database_url=f"postgresql://pulse_reader:x@127.0.0.1:{_closed_port()}/pulse",
        kafka_bootstrap_servers=kafka_bootstrap,
        api_pool_timeout_s=0.5,
    )
    health, answer = _ask(settings, "/health", "/pages/top")
    assert health.status_code == 503
    assert health.json()["status"] == "down"
    assert "no connection to PostgreSQL within 0.5 s" in health.json()["database"]["error"]
    assert answer.status_code == 503
    assert answer.json()["error"] == "database_unavailable"


def test_a_broker_that_is_away_leaves_the_health_degraded(reader_url: str, tmp_path: Path) -> None:
    # In the server's own process: kafka-python leaks the sockets of a failed bootstrap.
    away = f"127.0.0.1:{_closed_port()}"
    with api_server(
        reader_url=reader_url, kafka_bootstrap=away, topic="api.none", log_dir=tmp_path
    ) as server:
        health = httpx.get(f"{server.url}/health", timeout=10)
    assert health.status_code == 200
    body = health.json()
    assert (body["status"], body["database"]["ok"], body["consumer"]["lag"]) == (
        "degraded", True, None,
    )  # fmt: skip
    assert f"Kafka at {away} did not answer" in body["consumer"]["kafka_error"]


# -- python -m api: one line when it cannot start ----------------------------------------


def _start(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "api"], cwd=harness.REPO, env={**os.environ, **env},
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


def test_a_port_in_use_is_one_clear_line(reader_url: str) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = _start({"READER_DATABASE_URL": reader_url, "API_PORT": str(port)})
    harness.assert_one_clear_error(result, f"API port {port}", "is in use by", "API_PORT")


def test_a_database_that_is_down_is_one_clear_line() -> None:
    url = f"postgresql://pulse_reader:secret-pw@127.0.0.1:{_closed_port()}/pulse"
    result = _start({"READER_DATABASE_URL": url, "API_PORT": str(harness.free_port())})
    harness.assert_one_clear_error(result, "cannot connect to PostgreSQL", "READER_DATABASE_URL")
    assert "secret-pw" not in result.stderr


def test_a_bad_setting_is_one_clear_line() -> None:
    result = _start({"API_PORT": "eighty"})
    harness.assert_one_clear_error(result, "API_PORT", "valid integer")
