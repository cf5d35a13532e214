"""Secrets never reach the output: a distinctive database password (and a Kafka SASL
password) is grepped for in everything the consumer prints through a normal run at DEBUG,
/metrics, failing connections, bad configuration, and repr(settings)."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict

from consumer.store.migrations import migrate
from pulse.settings import Settings, load_settings
from tests.commands import unique_group
from tests.databases import as_role, scratch_database
from tests.integration import harness
from tests.integration.harness import REPO

pytestmark = pytest.mark.integration

DB_SECRET = "Zq7xPulseS3cretVv9k"
KAFKA_SECRET = "Kf4wSaslS3cretQp2m"
SECRETS = (DB_SECRET, KAFKA_SECRET)

# A throwaway login role with the distinctive password, a member of the consumer's group
# role. Values travel as psql variables and the environment, never pasted into SQL.
_CREATE_ROLE = r"""
\set ON_ERROR_STOP on
\getenv password PULSE_TEST_SECRET
select format('create role %I login password %L in role pulse_writer', :'role', :'password')
\gexec
"""
_DROP_ROLE = r"""
\set ON_ERROR_STOP on
select format('drop role if exists %I', :'role') \gexec
"""


def _as_postgres(script: str, role: str) -> None:
    """psql as the cluster's superuser (the local stack runs as root, like `make up`)."""
    owner = conninfo_to_dict(load_settings().migrations_database_url.get_secret_value())
    port = str(owner.get("port") or 5432)
    result = subprocess.run(
        ["runuser", "-u", "postgres", "--", "psql", "-X", "-q", "-p", port, "-d", "postgres",
         "-v", f"role={role}"],
        input=script, capture_output=True, text=True, timeout=60, check=False,
        env={**os.environ, "PULSE_TEST_SECRET": DB_SECRET}, cwd="/",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="module")
def secret_role() -> Iterator[str]:
    if os.geteuid() != 0:
        pytest.fail("creating a login role needs the postgres superuser: run the tests as root")
    role = f"pulse_secret_{uuid.uuid4().hex[:8]}"
    _as_postgres(_CREATE_ROLE, role)
    yield role
    _as_postgres(_DROP_ROLE, role)


@pytest.fixture(scope="module")
def secret_url(admin_database_url: str, secret_role: str) -> Iterator[str]:
    """A migrated database, reached as the secret role (a least-privileged consumer)."""
    with scratch_database(admin_database_url, "pulse_secrets") as owner_url:
        with psycopg.connect(owner_url) as conn:
            migrate(conn)
        yield as_role(owner_url, f"postgresql://{secret_role}:{DB_SECRET}@x/y")


@pytest.fixture
def secret_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """The Kafka SASL password is set (unused by the PLAINTEXT local broker), so every
    output below is also checked for it."""
    monkeypatch.setenv("KAFKA_SASL_USERNAME", "pulse-secret-test")
    monkeypatch.setenv("KAFKA_SASL_PASSWORD", KAFKA_SECRET)
    monkeypatch.setenv("PYTHONUNBUFFERED", "1")


def _cli(*args: str, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        [sys.executable, "-m", *args],
        cwd=REPO, capture_output=True, text=True, timeout=90, check=False,
        env={**os.environ, **(env or {})},
    )  # fmt: skip
    return result.stdout + result.stderr  # (the command line holds the secret: not shown)


def _assert_no_secret(output: str) -> None:
    for secret in SECRETS:
        assert secret not in output, f"{secret} leaked:\n{output[-3000:]}"


def test_a_normal_run_at_debug_and_its_metrics_never_show_a_secret(
    kafka_bootstrap: str,
    secret_url: str,
    secret_env: None,
    topic_factory: Callable[..., str],
    tmp_path: Path,
) -> None:
    topic, dlq = topic_factory("secret", 2), topic_factory("secret-dlq", 1)
    harness.produce(kafka_bootstrap, topic, harness.make_records(5, 300, invalid_every=10))
    consumer = harness.start_consumer(
        bootstrap=kafka_bootstrap,
        database_url=secret_url,
        topic=topic,
        dlq_topic=dlq,
        group=unique_group(),
        log_dir=tmp_path,
        exit_when_idle_s=None,
        extra=("--log-level", "DEBUG"),
    )
    url = f"http://127.0.0.1:{consumer.metrics_port}/metrics"
    scraped: list[str] = []

    def stored_all() -> bool:
        try:
            scraped.append(urllib.request.urlopen(url, timeout=5).read().decode())
        except OSError:
            return False
        return 'pulse_records_total{outcome="stored"} 270.0' in scraped[-1]

    try:
        harness.wait_for(stored_all, 60, "270 stored events in the metrics")
    finally:
        consumer.terminate()
        exit_code = consumer.wait(30)
    log = consumer.log()
    assert exit_code == 0, log[-3000:]
    assert "level=DEBUG" in log  # the most talkative level was really on
    _assert_no_secret(log)
    _assert_no_secret(scraped[-1])


def test_failing_connections_never_show_a_secret(
    kafka_bootstrap: str, secret_url: str, secret_env: None
) -> None:
    down = f"postgresql://pulse:{DB_SECRET}@127.0.0.1:1/pulse"
    nowhere = f"postgresql://pulse:{DB_SECRET}@no-such-host.invalid:5432/pulse"
    wrong = f"postgresql://pulse:{DB_SECRET}@127.0.0.1:5432/pulse"  # not pulse's password
    kafka = {"KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap, "METRICS_PORT": "0"}
    outputs = [
        _cli("consumer", "run", env=kafka | {"DATABASE_URL": down}),
        _cli("consumer", "run", env=kafka | {"DATABASE_URL": nowhere}),
        _cli("consumer", "run", env=kafka | {"DATABASE_URL": wrong}),
        _cli("consumer", "migrate", env={"MIGRATIONS_DATABASE_URL": down}),
        _cli("consumer", "migrate", env={"MIGRATIONS_DATABASE_URL": wrong}),
        _cli("consumer", "reconcile", env={"DATABASE_URL": down}),
        _cli("consumer", "dlq", "mirror", env=kafka | {"DATABASE_URL": wrong}),
        # Reachable, but the consumer's role may not migrate an empty database.
        _cli("consumer", "run", env=kafka | {"DATABASE_URL": _unmigrated(secret_url)}),
        # Kafka down while the database answers.
        _cli("consumer", "run", env={"KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:1",
                                     "DATABASE_URL": secret_url, "METRICS_PORT": "0"}),
    ]  # fmt: skip
    for output in outputs:
        assert "error:" in output, output  # each one really failed, with a message
        assert "Traceback" not in output, output
        _assert_no_secret(output)
    assert 'password authentication failed for user "pulse"' in outputs[2]
    assert "run `python -m consumer migrate`" in outputs[7]


def _unmigrated(secret_url: str) -> str:
    return as_role("postgresql://127.0.0.1:5432/postgres", secret_url)


# (command, environment): each must fail on its configuration with one message.
BAD_CONFIGURATION = {
    "bad-number": ("consumer run", {"BATCH_MAX_RECORDS": "lots"}),
    "bad-url-option": (
        "consumer run",
        {"DATABASE_URL": f"postgresql://pulse:{DB_SECRET}@127.0.0.1:5432/pulse?bogus=1"},
    ),
    "bad-port": (
        "consumer run",
        {"DATABASE_URL": f"postgresql://pulse:{DB_SECRET}@127.0.0.1:notaport/pulse"},
    ),
    "bad-keyword-string": (
        "consumer run",
        {"DATABASE_URL": f"host=127.0.0.1 password={DB_SECRET} dbname"},
    ),
    "quoted-keyword-password": (
        "consumer run",
        {"DATABASE_URL": f"host=127.0.0.1 password='{DB_SECRET} x' dbname=pulse port=1"},
    ),
    "bad-migrations-url": (
        "consumer migrate",
        {"MIGRATIONS_DATABASE_URL": f"postgresql://pulse:{DB_SECRET}@127.0.0.1/pulse?x=1"},
    ),
    "sasl-without-user": (
        "consumer run",
        {"KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT", "KAFKA_SASL_USERNAME": ""},
    ),
    "metrics-host-elsewhere": ("consumer run", {"METRICS_HOST": "192.0.2.1"}),
    "stack-two-databases": ("stack status", {}),  # DATABASE_URL names the test database
    # libpq quotes the whole URL in this error: only the masking keeps the password out.
    "url-quoted-by-libpq": (
        "consumer run",
        {"DATABASE_URL": f"postgresql://pulse:{DB_SECRET}@[::1/pulse"},
    ),
    "url-quoted-by-libpq-migrate": (
        "consumer migrate",
        {"MIGRATIONS_DATABASE_URL": f"postgresql://pulse:{DB_SECRET}@[::1/pulse"},
    ),
    "url-quoted-by-libpq-stack": (
        "stack status",
        {"MIGRATIONS_DATABASE_URL": f"postgresql://pulse:{DB_SECRET}@[::1/pulse"},
    ),
}


@pytest.mark.parametrize("case", BAD_CONFIGURATION.values(), ids=BAD_CONFIGURATION.keys())
def test_bad_configuration_errors_never_show_a_secret(
    case: tuple[str, dict[str, str]], kafka_bootstrap: str, secret_url: str, secret_env: None
) -> None:
    command, env = case
    base = {
        "DATABASE_URL": secret_url,
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
        "KAFKA_TOPIC": f"secret.unused.{uuid.uuid4().hex[:8]}",
        "METRICS_PORT": "0",
    }
    output = _cli(*command.split(), env=base | env)
    assert "error" in output, output  # it really failed on the configuration
    assert "Traceback" not in output, output
    _assert_no_secret(output)


def test_repr_and_dumps_of_the_settings_hide_every_secret(
    secret_url: str, secret_env: None
) -> None:
    settings = load_settings(database_url=secret_url, migrations_database_url=secret_url)
    texts = [repr(settings), str(settings), settings.model_dump_json(), str(settings.model_dump())]
    for text in texts:
        _assert_no_secret(text)
    assert "**********" in repr(settings)
    assert isinstance(settings, Settings)
