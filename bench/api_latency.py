"""The HTTP API's latency next to its SQL's (issue 18): a real `python -m api` (uvicorn)
on the query benchmark's database, each endpoint asked over HTTP (httpx, one keep-alive
connection) in rotation, p50 / p95 per endpoint beside the p95 of the SQL file it runs.

Called by bench.query_bench after its own SQL timings; the target is each endpoint's p95
within 10 ms of its query's p95 at 10M facts (the HTTP layer adds little)."""

from __future__ import annotations

import os
import socket
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import psycopg
from psycopg.rows import dict_row

from bench.section import ms, percentile
from consumer.errors import PulseError
from consumer.sqlfiles import load_sql
from stack.process import spawn, stop

TARGET_EXTRA_P95_S = 0.010
READY_TIMEOUT_S = 30.0
# The support-call views have no file in sql/queries: their SQL (sql/api) is timed here.
API_ONLY_QUERIES = ("agent_leaderboard", "daily_call_summary", "agent_conversion_drops")


class ApiBenchError(PulseError, RuntimeError):
    """The API did not start, or answered an endpoint with an error."""


def endpoints(params: Mapping[str, Any]) -> dict[str, str]:
    """Query name -> the endpoint (path and parameters) that runs it with `params`. Lists
    ask for a page as large as the query's answer, so both carry the same rows."""
    paths = {
        "top_users": f"/users/top?limit={params['limit']}",
        "action_trends": f"/actions/trends?days={params['days']}&limit=1000",
        "live_counters": "/live",
        "top_pages": f"/pages/top?limit={params['limit']}",
        "top_authors": f"/authors/top?per_category={params['per_category']}&limit=1000",
        "coaching_opportunities": f"/authors/coaching?limit={params['limit']}",
        "engagement_patterns": f"/engagement-patterns?limit={params['limit']}",
        "top_categories": f"/categories/top?limit={params['limit']}",
        "active_users": f"/users/active?as_of={params['as_of']}",
        "weekly_retention": (
            f"/retention/weekly?cohorts={params['cohorts']}&weeks={params['weeks']}&limit=1000"
        ),
        "funnel_conversion": f"/funnel?days={params['days']}&limit=1000",
        "monthly_sales": "/sales/monthly?limit=1000",
        "weekly_sales": f"/sales/weekly?weeks={params['weeks']}&limit=1000",
        "product_popularity": f"/products/popular?top={params['limit']}&limit=1000",
        "agent_leaderboard": f"/calls/agents/leaderboard?limit={params['limit']}",
        "daily_call_summary": f"/calls/daily?days={params['days']}&limit=1000",
        "agent_conversion_drops": "/calls/agents/conversion-drops?weeks=4&limit=1000",
    }
    # These need an id picked from the data; an empty database has none.
    if params.get("post_id"):
        paths["post_engagement"] = f"/engagement/{params['post_id']}"
    if params.get("author_id"):
        paths["author_trends"] = f"/author/{params['author_id']}/trends"
    if params.get("user_id"):
        paths["user_history"] = f"/users/{params['user_id']}/history"
    return paths


def time_api_only_queries(
    url: str, params: Mapping[str, Any], *, runs: int, warmup: int
) -> dict[str, list[float]]:
    """The sql/api files of the support-call views, timed as query_bench times its own."""
    sql_params = {**params, "offset": 0, "weeks": 4}
    seconds: dict[str, list[float]] = {name: [] for name in API_ONLY_QUERIES}
    with psycopg.connect(url, autocommit=True) as conn:
        for round_number in range(warmup + runs):
            for name in API_ONLY_QUERIES:
                began = time.perf_counter()
                conn.execute(load_sql(f"api/{name}"), sql_params).fetchall()
                if round_number >= warmup:
                    seconds[name].append(time.perf_counter() - began)
    return seconds


def time_endpoints(
    url: str, params: Mapping[str, Any], *, runs: int, warmup: int
) -> dict[str, list[float]]:
    """Seconds of every timed request per query name, from a real API on `url`."""
    paths = endpoints(params)
    seconds: dict[str, list[float]] = {name: [] for name in paths}
    with _api(url) as base, httpx.Client(base_url=base, timeout=60) as client:
        for round_number in range(warmup + runs):
            for name, path in paths.items():
                began = time.perf_counter()
                response = client.get(path)
                elapsed = time.perf_counter() - began
                if response.status_code != 200:
                    raise RuntimeError(
                        f"GET {path} answered {response.status_code}: {response.text}"
                    )
                if round_number >= warmup:
                    seconds[name].append(elapsed)
    return seconds


@contextmanager
def _api(url: str) -> Iterator[str]:
    """A `python -m api` on a free port reading `url`, stopped afterwards (and with this
    process if it dies). Its sessions are read-only whatever role `url` names."""
    port = _free_port()
    log = Path(tempfile.mkdtemp(prefix="pulse-bench-api-")) / "api.log"
    env = {
        **os.environ, "READER_DATABASE_URL": url, "API_PORT": str(port),
        "API_CACHE_MAX_AGE_S": "0", "LOG_LEVEL": "WARNING",
    }  # fmt: skip
    process = spawn(
        [sys.executable, "-m", "api"], log_file=log, cwd=Path.cwd(), env=env, helper=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + READY_TIMEOUT_S
        while True:
            try:
                httpx.get(f"{base}/openapi.json", timeout=1)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"the API did not start: {log.read_text()[-2000:]}"
                    ) from None
                time.sleep(0.2)
        yield base
    finally:
        stop(process.pid, timeout_s=10)
        process.wait()


def render(
    sql_seconds: Mapping[str, list[float]], api_seconds: Mapping[str, list[float]]
) -> list[str]:
    """The endpoints table of the report, with the verdict against the target."""
    lines = [
        "## HTTP API",
        "",
        "Each endpoint of the HTTP API (`python -m api`, uvicorn, one keep-alive httpx "
        "connection, answers not cached) asked in rotation as often as its query ran; "
        "latency is the client's wall time of request + whole answer. Extra = endpoint p95 "
        "- query p95.",
        "",
        "| query | endpoint p50 ms | endpoint p95 ms | query p95 ms | extra p95 ms |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    worst = 0.0
    for name, seconds in api_seconds.items():
        api_p95 = percentile(seconds, 95) or 0.0
        sql_p95 = percentile(sql_seconds.get(name, []), 95)
        extra = None if sql_p95 is None else api_p95 - sql_p95
        worst = max(worst, extra or 0.0)
        lines.append(
            f"| `{name}` | {ms(percentile(seconds, 50))} | {ms(api_p95)} | {ms(sql_p95)} "
            f"| {ms(extra)} |"
        )
    verdict = "**PASS**" if worst <= TARGET_EXTRA_P95_S else "**FAIL**"
    return [
        *lines,
        "",
        f"Target (issue 18): every endpoint's p95 within 10 ms of its query's. Worst extra "
        f"here: {ms(worst)} ms: {verdict}.",
    ]


def parameters(url: str, fixed: Mapping[str, Any]) -> dict[str, Any]:
    """The benchmark's parameters: the fixed ones and those picked from the data."""
    with psycopg.connect(url, autocommit=True) as conn:
        picked = conn.cursor(row_factory=dict_row).execute(load_sql("bench/query_parameters"))
        return {**fixed, **(picked.fetchone() or {})}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def measure(
    url: str,
    fixed: Mapping[str, Any],
    *,
    runs: int,
    warmup: int,
    query_seconds: Mapping[str, list[float]],
) -> tuple[list[str], dict[str, Any]]:
    """The report's lines and JSON for the endpoints, given the query benchmark's own
    timings (`query_seconds`, per sql/queries file): the one call query_bench makes."""
    params = parameters(url, fixed)
    sql = {**query_seconds, **time_api_only_queries(url, params, runs=runs, warmup=warmup)}
    api = time_endpoints(url, params, runs=runs, warmup=warmup)
    payload = {
        name: {"path": path, "seconds": api[name], "query_seconds": sql.get(name)}
        for name, path in endpoints(params).items()
    }
    return render(sql, api), payload
