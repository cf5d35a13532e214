"""Times every example query of `sql/queries/` on one connection, in rotation, with the
parameters the tests use."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from psycopg.rows import dict_row

from bench.common import procfs
from pulse.sqlfiles import SQL_ROOT, load_sql

# The fixed parameters, as in tests/integration/test_queries.py.
FIXED_PARAMETERS: dict[str, Any] = {
    "limit": 10, "days": 30, "weeks": 8, "cohorts": 4, "per_category": 3,
    "include_shop": False,
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Timings:
    by_query: dict[str, tuple[int, list[float]]]  # rows returned, seconds of every run
    facts: int
    database_bytes: int
    busy_cores: float  # all cores' busy CPU s per wall s while the queries ran


def time_queries(url: str, *, runs: int, warmup: int) -> Timings:
    """Every query `warmup` times untimed, then `runs` timed rounds over all queries (one
    query after the other, so that noise from the machine spreads over all of them)."""
    queries = {path.stem: path.read_text(encoding="utf-8") for path in _query_files()}
    with psycopg.connect(url, autocommit=True) as conn:
        picked = conn.cursor(row_factory=dict_row).execute(load_sql("bench/query_parameters"))
        params = FIXED_PARAMETERS | (picked.fetchone() or {})
        rows: dict[str, int] = {}
        for _ in range(warmup):
            for stem, text in queries.items():
                rows[stem] = len(conn.execute(text, params).fetchall())
        seconds: dict[str, list[float]] = {stem: [] for stem in queries}
        began_all, busy_before = time.perf_counter(), procfs.machine_busy_s()
        for _ in range(runs):
            for stem, text in queries.items():
                began = time.perf_counter()
                rows[stem] = len(conn.execute(text, params).fetchall())
                seconds[stem].append(time.perf_counter() - began)
        busy = (procfs.machine_busy_s() - busy_before) / (time.perf_counter() - began_all)
        size = conn.execute(load_sql("bench/database_size")).fetchone()
    assert size is not None
    timings = {stem: (rows[stem], seconds[stem]) for stem in queries}
    return Timings(timings, facts=int(size[0]), database_bytes=int(size[1]), busy_cores=busy)


def _query_files() -> list[Path]:
    return sorted((SQL_ROOT / "queries").glob("*.sql"))
