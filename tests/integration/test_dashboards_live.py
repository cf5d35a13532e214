"""Every dashboard query against live data: the producer feeds a topic, the real consumer
stores it and serves /metrics where the stack's Prometheus scrapes it (prometheus.yml's
pulse-consumer target), and then each Prometheus panel query must evaluate to at least one
series and each PostgreSQL panel query, macros expanded as Grafana does and run as the
read-only role Grafana's data source logs in as (pulse_reader), must return rows.

The Prometheus scrape target is fixed (127.0.0.1:9108), so this test runs the consumer
on that port; if another consumer holds it (a `make demo`), the test waits for it."""

from __future__ import annotations

import json
import math
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
import yaml
from kafka.admin import KafkaAdminClient, NewTopic
from prometheus_client.parser import text_string_to_metric_families
from psycopg.conninfo import conninfo_to_dict

from stack.ports import is_listening
from stack.process import die_with_parent
from tests import grafana
from tests.commands import consumer_run, unique_group
from tests.databases import as_role, scratch_database
from tests.integration.test_database_roles import READER_ROLE_URL

pytestmark = [pytest.mark.integration, pytest.mark.slow]

PROMETHEUS_URL = os.environ.get("PROMETHEUS_URL", "http://127.0.0.1:9090")
PROMETHEUS_CONFIG = grafana.REPO / "prometheus" / "prometheus.yml"
ALERTS = grafana.REPO / "prometheus" / "alerts.yml"
JOB = "pulse-consumer"
# Grafana's $__rate_interval is at least 4 scrape intervals (20 s here); a minute gives
# every rate a dozen samples.
PROMETHEUS_VALUES = {"__rate_interval": "1m", "__interval": "15s"}
PORT_WAIT_S = 300.0
CATCH_UP_WAIT_S = 300.0
# Support calls are 2% of sessions: with 6,000 records the week-over-week calls panel
# once found no agent with calls in two weeks running (CI, 2026-12-02).
HISTORY_RECORDS = 20_000
LIVE_RECORDS = 800  # 20 s at the live producer's rate
SCRAPE_WAIT_S = 180.0

# Talk to the local Prometheus and consumer directly, even behind an HTTP proxy.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass(frozen=True)
class Live:
    database_url: str
    topic: str
    instance: str


def _http(url: str, *, data: bytes | None = None, timeout_s: float = 30.0) -> bytes:
    with _opener.open(urllib.request.Request(url, data=data), timeout=timeout_s) as response:
        body: bytes = response.read()
        return body


def _prometheus(path: str, **params: str) -> Any:
    url = f"{PROMETHEUS_URL}{path}?{urllib.parse.urlencode(params)}"
    try:
        body = _http(url)
    except urllib.error.HTTPError as exc:  # 400/422: the answer says what is wrong
        body = exc.read()
    answer = json.loads(body)
    if answer.get("status") != "success":
        raise AssertionError(f"{path} {params}: {answer.get('errorType')}: {answer.get('error')}")
    return answer["data"]


def _query(expr: str) -> list[dict[str, Any]]:
    data = _prometheus("/api/v1/query", query=expr, time=f"{time.time():.3f}")
    assert data["resultType"] == "vector", f"{expr}: {data['resultType']}"
    result: list[dict[str, Any]] = data["result"]
    return result


def _records_done(instance: str) -> float:
    """Records the consumer at `instance` has committed (stored, duplicate or dead-lettered),
    read from its own /metrics; 0 while it is not serving yet."""
    try:
        text = _http(f"http://{instance}/metrics", timeout_s=10).decode()
    except (urllib.error.URLError, OSError):
        return 0.0
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "pulse_records_total"
    )


def _scrape_target() -> str:
    """host:port that prometheus.yml scrapes for the consumer."""
    config = yaml.safe_load(PROMETHEUS_CONFIG.read_text(encoding="utf-8"))
    job = next(job for job in config["scrape_configs"] if job["job_name"] == JOB)
    target: str = job["static_configs"][0]["targets"][0]
    return target


def _wait(predicate: Any, timeout_s: float, what: str, *, every_s: float = 1.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(every_s)
    raise AssertionError(f"timed out after {timeout_s:.0f} s waiting for {what}")


def _require_prometheus() -> None:
    try:
        _http(f"{PROMETHEUS_URL}/-/ready", timeout_s=5)
    except (urllib.error.URLError, OSError) as exc:
        pytest.fail(
            f"Prometheus does not answer on {PROMETHEUS_URL} ({exc}): start the stack with "
            "`make up` (or set PROMETHEUS_URL), then rerun."
        )


def _promtool() -> str:
    found = shutil.which("promtool")
    if found is None:
        pytest.fail(
            "promtool is missing: run `make up` (it installs Debian's prometheus package, "
            "which ships promtool) or `apt-get install -y prometheus`, then rerun the tests."
        )
    return found


def _producer(args: list[str]) -> list[str]:
    return [sys.executable, "-m", "producer", *args, "--no-progress"]


def _spawn(argv: list[str], log: Path) -> subprocess.Popen[bytes]:
    # Its own process group, and dead with this test process however it ends: a consumer
    # left behind would hold the fixed metrics port that the next run waits for.
    with log.open("wb") as out:
        return subprocess.Popen(
            die_with_parent(argv),
            cwd=grafana.REPO,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            start_new_session=True,
        )


def _terminate_backends(database_url: str) -> int:
    """Cuts every connection to the test database but this one: the consumer's next write
    fails and is retried, which puts its retry and error counters on the dashboard."""
    name = conninfo_to_dict(database_url)["dbname"]
    with psycopg.connect(database_url, autocommit=True) as conn:
        rows = conn.execute(
            "select pg_terminate_backend(pid) from pg_stat_activity"
            " where datname = %s and pid <> pg_backend_pid()",
            (name,),
        ).fetchall()
    return len(rows)


def _stop(process: subprocess.Popen[bytes], timeout_s: float = 60.0) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="module")
def live(
    kafka_bootstrap: str, admin_database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Live]:
    _require_prometheus()
    instance = _scrape_target()
    host, port = instance.rsplit(":", 1)
    _wait(
        lambda: not is_listening(host, int(port)),
        PORT_WAIT_S,
        f"port {port} to be free (another consumer, e.g. a `make demo`, serves metrics there)",
        every_s=2.0,
    )
    logs = tmp_path_factory.mktemp("dashboards")
    topic, dlq = f"dash.{uuid.uuid4().hex[:12]}", f"dash-dlq.{uuid.uuid4().hex[:12]}"
    admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap, client_id="pulse-tests")
    admin.create_topics([NewTopic(topic, 3, 1), NewTopic(dlq, 1, 1)])
    # The consumer reads `<topic>.catalog` (tests/commands.py); the producer creates it.
    common = ["--topic", topic, "--catalog-topic", f"{topic}.catalog",
              "--bootstrap-servers", kafka_bootstrap]  # fmt: skip
    faults = ["--defects-ratio", "0.002", "--duplicate-ratio", "0.02"]
    processes: list[subprocess.Popen[bytes]] = []
    try:
        # Five weeks of history (signup cohorts, days, funnels, sales) ...
        start = (datetime.now(UTC) - timedelta(days=34)).date().isoformat()
        history_args = [*common, *faults, "--count", str(HISTORY_RECORDS), "--start", start,
                        "--seed", "21", "--users", "400", "--late-ratio", "0.01"]  # fmt: skip
        history = subprocess.run(
            _producer(history_args),
            cwd=grafana.REPO,
            capture_output=True,
            timeout=300,
            check=False,
        )
        assert history.returncode == 0, history.stderr.decode(errors="replace")[-3000:]
        with scratch_database(admin_database_url, "pulse_dashboards") as url:
            consumer_args = consumer_run(
                bootstrap=kafka_bootstrap,
                database_url=url,
                topic=topic,
                dlq_topic=dlq,
                group=unique_group(),
                metrics_host=host,
                metrics_port=port,
                batch_max_records=500,
                # Two data-quality runs at least, for the row-count change panel.
                extra=["--quality-check-interval-s", "5"],
            )
            consumer = _spawn(consumer_args, logs / "consumer.log")
            processes.append(consumer)

            def consumer_log_tail() -> str:
                return (logs / "consumer.log").read_text(errors="replace")[-3000:]

            def done(records: int) -> bool:
                assert consumer.poll() is None, f"consumer exited:\n{consumer_log_tail()}"
                return _records_done(instance) >= records

            # History first, so that the live phase's rates and freshness are live ones.
            _wait(
                lambda: done(HISTORY_RECORDS),
                CATCH_UP_WAIT_S,
                "the consumer to store the history",
                every_s=2.0,
            )
            # ... then live traffic for the minute panels, the rates and the lag.
            live_args = [*common, *faults, "--live", "--rate", "40", "--duration", "600",
                         "--seed", "22", "--users", "400"]  # fmt: skip
            processes.append(_spawn(_producer(live_args), logs / "producer.log"))

            def scraped(expr: str, samples: int) -> bool:
                assert consumer.poll() is None, f"consumer exited:\n{consumer_log_tail()}"
                return any(float(s["value"][1]) >= samples for s in _query(expr))

            _wait(
                lambda: done(HISTORY_RECORDS + LIVE_RECORDS),
                CATCH_UP_WAIT_S,
                f"the consumer to store {LIVE_RECORDS} live records",
                every_s=2.0,
            )
            mine = f'job="{JOB}", instance="{instance}"'
            _wait(
                lambda: scraped(
                    f'count_over_time(pulse_records_consumed_total{{{mine}, topic="{topic}"}}[1m])',
                    6,
                ),
                SCRAPE_WAIT_S,
                f"Prometheus to scrape this test's consumer on {instance} six times",
            )
            assert _terminate_backends(url) >= 1, "the consumer holds no database connection"
            _wait(
                lambda: scraped(f"count_over_time(pulse_retries_total{{{mine}}}[1m])", 4),
                SCRAPE_WAIT_S,
                "the consumer's database retries to be scraped four times",
            )
            yield Live(url, topic, instance)
    finally:
        for process in reversed(processes):
            _stop(process)
        admin.delete_topics([topic, dlq, f"{topic}.catalog"])
        admin.close()


def _prometheus_values(live: Live) -> dict[str, str]:
    return {
        **PROMETHEUS_VALUES,
        "instance": grafana.prometheus_regex(live.instance),
        "topic": grafana.prometheus_regex(live.topic),
    }


def test_every_prometheus_panel_query_returns_series(live: Live) -> None:
    targets = [t for t in grafana.all_targets() if t.datasource_type == grafana.PROMETHEUS_TYPE]
    assert targets
    failures: list[str] = []
    for target in targets:
        expr = grafana.substitute_variables(target.text, _prometheus_values(live))
        try:
            series = _query(expr)
        except AssertionError as exc:
            failures.append(f"{target.name}: invalid: {exc}")
            continue
        values = [float(s["value"][1]) for s in series]
        if not series:
            failures.append(f"{target.name}: no series for {expr}")
        elif not any(math.isfinite(v) for v in values):
            failures.append(f"{target.name}: only NaN/Inf {values} for {expr}")
    assert not failures, "\n".join(failures)


def test_every_template_variable_offers_this_consumer_and_topic(live: Live) -> None:
    board = grafana.load_dashboards()["operations.json"]
    expected = {"instance": live.instance, "topic": live.topic}
    values = {"instance": grafana.prometheus_regex(live.instance)}
    for variable in board["templating"]["list"]:
        definition = grafana.substitute_variables(variable["definition"], values)
        assert definition.startswith("label_values("), definition
        assert definition.endswith(")"), definition
        selector, label = definition[len("label_values(") : -1].rsplit(",", 1)
        now = time.time()
        offered = _prometheus(
            f"/api/v1/label/{label.strip()}/values",
            **{"match[]": selector, "start": f"{now - 600:.0f}", "end": f"{now:.0f}"},
        )
        assert expected[variable["name"]] in offered, (variable["name"], offered)


def test_every_postgres_panel_query_returns_rows(live: Live) -> None:
    targets = [t for t in grafana.all_targets() if t.datasource_type == grafana.POSTGRES_TYPE]
    assert targets
    now = datetime.now(UTC)
    # A live view and the business dashboard's default range, each with the interval
    # Grafana would pick for it.
    ranges = [
        (now - timedelta(minutes=15), now, "1s", "1000"),
        (now - timedelta(days=7), now, "10m", "600000"),
    ]
    failures: list[str] = []
    # As Grafana's provisioned data source: the read-only role, never the owner.
    datasource = grafana.provisioned_datasources()["pulse-postgres"]
    reader_url = as_role(live.database_url, READER_ROLE_URL)
    with psycopg.connect(reader_url, autocommit=True) as conn:
        role = conn.execute("select current_user").fetchone()
        assert role == (datasource["user"],), (role, datasource["user"])
        for target in targets:
            for time_from, time_to, interval, interval_ms in ranges:
                values = {"__interval": interval, "__interval_ms": interval_ms}
                sql = grafana.expand_sql_macros(
                    grafana.substitute_variables(target.text, values),
                    time_from=time_from,
                    time_to=time_to,
                )
                where = f"{target.name} over {time_to - time_from}"
                try:
                    cursor = conn.execute(sql.encode())
                    rows = cursor.fetchall()
                except psycopg.Error as exc:
                    failures.append(f"{where}: {type(exc).__name__}: {exc}\n{sql}")
                    continue
                columns = [column.name for column in cursor.description or []]
                if not rows:
                    failures.append(f"{where}: no rows")
                elif all(value is None for row in rows for value in row):
                    failures.append(f"{where}: only nulls")
                elif target.format == "time_series" and "time" not in columns:
                    failures.append(f"{where}: no time column in {columns}")
    assert not failures, "\n\n".join(failures)


def test_promtool_check_metrics_on_a_scrape_of_the_consumer(live: Live) -> None:
    promtool = _promtool()
    scrape = _http(f"http://{live.instance}/metrics")
    assert b"pulse_records_consumed_total" in scrape
    result = subprocess.run(
        [promtool, "check", "metrics"], input=scrape, capture_output=True, timeout=60, check=False
    )
    output = (result.stdout + result.stderr).decode(errors="replace")
    assert result.returncode == 0, output
    assert not output.strip(), f"promtool check metrics reports problems:\n{output}"


def test_prometheus_loads_and_evaluates_every_alert_rule(live: Live) -> None:
    """The stack's Prometheus, reloaded from the repo's config, evaluates every rule of
    alerts.yml without error against the live metrics."""
    try:
        _http(f"{PROMETHEUS_URL}/-/reload", data=b"")
    except urllib.error.HTTPError as exc:
        raise AssertionError(
            f"Prometheus refused to reload its config ({exc.code}: {exc.read()!r}): it needs "
            "--web.enable-lifecycle, and prometheus.yml must be valid"
        ) from exc
    groups = yaml.safe_load(ALERTS.read_text(encoding="utf-8"))["groups"]
    expected = {rule["alert"] for group in groups for rule in group["rules"]}

    def evaluated() -> bool:
        rules = [
            rule
            for group in _prometheus("/api/v1/rules", type="alert")["groups"]
            for rule in group["rules"]
        ]
        loaded = {rule["name"]: rule for rule in rules}
        if not expected <= set(loaded):
            return False
        errors = {n: loaded[n].get("lastError") for n in expected if loaded[n]["health"] == "err"}
        assert not errors, errors
        return all(loaded[name]["health"] == "ok" for name in expected)

    _wait(evaluated, 60, "Prometheus to load and evaluate every rule of alerts.yml")
