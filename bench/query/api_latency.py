"""The HTTP API's latency next to its SQL's (issue 18): a real `python -m api` (uvicorn)
on the query benchmark's database; for each endpoint in rotation, the SQL file it runs is
timed on a direct connection and then the endpoint over HTTP (httpx, one keep-alive
connection), so that both see the same moment's load on a shared machine. Reports p50 /
p95 of both and the difference.

Called once by bench.query_bench after its own timings; the target is each endpoint's p95
within 10 ms of its query's p95 at 10M facts (the HTTP layer adds little)."""

from __future__ import annotations

import os
import socket
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import psycopg
from psycopg.rows import dict_row

from bench.common.histogram import percentile
from bench.common.results import ms
from pulse.errors import PulseError
from pulse.sqlfiles import load_sql
from stack.process import spawn, stop

TARGET_EXTRA_P95_S = 0.010
READY_TIMEOUT_S = 30.0
# The support-call views have no file in sql/queries: their SQL (sql/api) is timed here.
API_ONLY_QUERIES = (
    "agent_leaderboard",
    "daily_call_summary",
    "team_daily_calls",
    "agent_conversion_drops",
)


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
        "posting_times": f"/posting-times?limit={params['limit']}",
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
        "team_daily_calls": f"/calls/teams/daily?days={params['days']}&limit=1000",
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


def query_files(names: Sequence[str]) -> dict[str, str]:
    """Each query's SQL: its file in sql/queries, or in sql/api for the support-call views."""
    return {
        name: load_sql(f"{'api' if name in API_ONLY_QUERIES else 'queries'}/{name}")
        for name in names
    }


def time_pairs(
    url: str, params: Mapping[str, Any], *, runs: int, warmup: int
) -> dict[str, tuple[list[float], list[float]]]:
    """Per query name: (seconds of its SQL, seconds of its endpoint), timed back to back."""
    paths = endpoints(params)
    queries = query_files(list(paths))
    # The support-call files take the page (limit, offset) and the weeks the endpoint asks.
    sql_params = {**params, "offset": 0, "weeks": 4}
    timed: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name in paths}
    with (
        _api(url) as base,
        httpx.Client(base_url=base, timeout=60) as client,
        psycopg.connect(url, autocommit=True) as conn,
    ):
        for round_number in range(warmup + runs):
            for name, path in paths.items():
                began = time.perf_counter()
                conn.execute(queries[name], sql_params).fetchall()
                sql_s = time.perf_counter() - began
                began = time.perf_counter()
                response = client.get(path)
                api_s = time.perf_counter() - began
                if response.status_code != 200:
                    raise ApiBenchError(
                        f"GET {path} answered {response.status_code}: {response.text}"
                    )
                if round_number >= warmup:
                    timed[name][0].append(sql_s)
                    timed[name][1].append(api_s)
    return timed


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


def render(timed: Mapping[str, tuple[list[float], list[float]]]) -> list[str]:
    """The endpoints table of the report, with the verdict against the target."""
    lines = [
        "## HTTP API",
        "",
        "Each endpoint of the HTTP API (`python -m api`, uvicorn, answers not cached) right "
        "after its SQL on a direct connection, in rotation, as many rounds as above; latency "
        "is the client's wall time of execute + fetch, and of request + whole answer over "
        "one keep-alive httpx connection. Extra = endpoint p95 - SQL p95.",
        "",
        "| query | SQL p50 ms | SQL p95 ms | endpoint p50 ms | endpoint p95 ms | extra p95 ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    worst = 0.0
    for name, (sql_seconds, api_seconds) in timed.items():
        sql_p95, api_p95 = percentile(sql_seconds, 95) or 0.0, percentile(api_seconds, 95) or 0.0
        worst = max(worst, api_p95 - sql_p95)
        lines.append(
            f"| `{name}` | {ms(percentile(sql_seconds, 50))} | {ms(sql_p95)} "
            f"| {ms(percentile(api_seconds, 50))} | {ms(api_p95)} | {ms(api_p95 - sql_p95)} |"
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
    url: str, fixed: Mapping[str, Any], *, runs: int, warmup: int
) -> tuple[list[str], dict[str, Any]]:
    """The report's lines and JSON for the endpoints: the one call query_bench makes."""
    params = parameters(url, fixed)
    timed = time_pairs(url, params, runs=runs, warmup=warmup)
    paths = endpoints(params)
    payload = {
        name: {"path": paths[name], "query_seconds": sql_s, "seconds": api_s}
        for name, (sql_s, api_s) in timed.items()
    }
    return render(timed), payload
