"""Query benchmark (issue 9, item 6): the README's analytics queries (every file of
`sql/queries/`) run many times each on a database filled to a given number of facts by
the consumer's own batch path (`bench.fill`: real facts and real aggregates, no Kafka);
reports p50 / p95 / max latency per query.

Run from the repository root with the stack up (`make up`):
`.venv/bin/python -m bench.query_bench [--facts 1000000] [--runs 30] [--quick]`
(10M facts: `--facts 10000000`; the fill then takes a long time, see the report.)
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from psycopg.rows import dict_row

from bench import api_latency, machine, procfs
from bench.fill import FillResult, fill
from bench.scratch import drop_database, unique_name
from bench.section import (
    RESULTS_DIR,
    machine_line,
    ms,
    percentile,
    run_reporting_errors,
    write_results,
)
from consumer.settings import Settings, load_settings
from consumer.sqlfiles import SQL_ROOT, load_sql

QUICK_FACTS, QUICK_RUNS = 20_000, 5
TARGET_P95_S = 0.050
# The fixed parameters, as in tests/integration/test_queries.py.
FIXED_PARAMETERS: dict[str, Any] = {
    "limit": 10, "days": 30, "weeks": 8, "cohorts": 4, "per_category": 3,
}  # fmt: skip


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench.query_bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--facts", type=int, help="events to write (default 1,000,000)")
    parser.add_argument("--runs", type=int, help="timed runs of every query (default 30)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed runs first (default 2)")
    parser.add_argument(
        "--quick", action="store_true", help=f"{QUICK_FACTS:,} facts, {QUICK_RUNS} runs"
    )
    parser.add_argument("--users", type=int, help="simulated population (default facts / 100)")
    parser.add_argument("--days", type=float, default=364.0, help="simulated days of history")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--database",
        help="query this already filled database (a name) instead of filling a new one",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the filled database (its name is printed)"
    )
    parser.add_argument("--results-dir", type=Path, default=RESULTS_DIR)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return run_reporting_errors(lambda: _bench(args, load_settings()))


def _bench(args: argparse.Namespace, settings: Settings) -> int:
    started_at = datetime.now(UTC)
    facts = args.facts or (QUICK_FACTS if args.quick else 1_000_000)
    runs = args.runs or (QUICK_RUNS if args.quick else 30)
    admin_url = settings.migrations_database_url.get_secret_value()  # creates databases
    details = machine.describe(admin_url)
    name = args.database or unique_name("pulse_bench_queries_")
    filled: FillResult | None = None
    with _database(admin_url, name, create=args.database is None, keep=args.keep) as url:
        if args.database is None:
            users = args.users or max(facts // 100, 1000)
            print(f"filling {name} with {facts:,} events ...", file=sys.stderr, flush=True)
            filled = fill(
                url, name, settings=settings, records=facts, users=users, seed=args.seed,
                days=args.days,
            )  # fmt: skip
            print(f"filled in {filled.seconds:.0f} s; vacuum analyze ...", file=sys.stderr)
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute("vacuum analyze")
        timings = _time_queries(url, runs=runs, warmup=args.warmup)
        # The HTTP API over the same database, each endpoint beside its query (issue 18).
        api_lines, api_payload = api_latency.measure(
            url, FIXED_PARAMETERS, runs=runs, warmup=args.warmup
        )
    markdown = "\n".join(
        [render(started_at, details, timings, filled=filled, runs=runs), "", *api_lines]
    )
    payload = {
        "started_at": started_at.isoformat(),
        "machine": details,
        "facts": timings.facts,
        "database_bytes": timings.database_bytes,
        "machine_busy_cores": timings.busy_cores,
        "runs": runs,
        "fill": _fill_payload(filled),
        "queries": {
            query: {"rows": rows, "seconds": seconds}
            for query, (rows, seconds) in timings.by_query.items()
        },
        "endpoints": api_payload,
    }
    md_path, json_path = write_results(
        args.results_dir, name="queries", started_at=started_at, markdown=markdown,
        payload=payload,
    )  # fmt: skip
    print(markdown)
    print(f"written: {md_path} and {json_path}", file=sys.stderr)
    if args.keep and args.database is None:
        print(f"kept database {name}: rerun with --database {name}", file=sys.stderr)
    return 0


@contextmanager
def _database(admin_url: str, name: str, *, create: bool, keep: bool) -> Iterator[str]:
    """The URL of database `name`: created first unless it exists already (`create`
    false), dropped afterwards unless kept or not ours."""
    if create:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
    try:
        yield make_conninfo("", **(conninfo_to_dict(admin_url) | {"dbname": name}))
    finally:
        if create and not keep:
            drop_database(admin_url, name)


@dataclass(frozen=True, slots=True)
class Timings:
    by_query: dict[str, tuple[int, list[float]]]  # rows returned, seconds of every run
    facts: int
    database_bytes: int
    busy_cores: float  # all cores' busy CPU s per wall s while the queries ran


def _time_queries(url: str, *, runs: int, warmup: int) -> Timings:
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


def render(
    started_at: datetime,
    details: dict[str, Any],
    timings: Timings,
    *,
    filled: FillResult | None,
    runs: int,
) -> str:
    facts, database_bytes = timings.facts, timings.database_bytes
    lines = [
        f"# Query benchmark, {started_at:%Y-%m-%d %H:%M} UTC",
        "",
        f"Every example query of `sql/queries/` ({len(timings.by_query)} files, the README's "
        f"included) run {runs} times in rotation on one connection, at {facts:,} facts "
        f"({database_bytes / 1024**3:.2f} GiB database). Latency is the client's wall time "
        "of execute + fetch. " + machine_line(details) + f" While the queries ran, the "
        f"machine's cores were busy {timings.busy_cores:.2f} CPU s per wall second (2.0 = "
        "saturated; other work on the machine counts).",
        "",
        *_fill_lines(filled),
        "| query | rows | p50 ms | p95 ms | max ms |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    worst = 0.0
    for stem, (rows, seconds) in timings.by_query.items():
        p95 = percentile(seconds, 95) or 0.0
        worst = max(worst, p95)
        lines.append(
            f"| `{stem}` | {rows:,} | {ms(percentile(seconds, 50))} | {ms(p95)} "
            f"| {ms(max(seconds))} |"
        )
    verdict = "**PASS**" if worst < TARGET_P95_S else "**FAIL**"
    lines += [
        "",
        f"Target (issue 9): every query p95 < 50 ms at 10M facts. Worst p95 here: "
        f"{ms(worst)} ms at {facts:,} facts: {verdict}"
        + ("" if facts >= 10_000_000 else " (at this size; the target is for 10M facts)")
        + ".",
    ]
    return "\n".join(lines)


def _fill_lines(filled: FillResult | None) -> list[str]:
    if filled is None:
        return ["The database was filled by an earlier run (`--database`).", ""]
    lines = [
        f"Filled by `bench.fill` (the consumer's Batch and writer with every aggregate, no "
        f"Kafka): {filled.records:,} simulated events, {filled.facts:,} facts, in "
        f"{filled.seconds:,.0f} s, then `vacuum analyze` (what autovacuum would have done). "
        "CPU per 1,000 facts as the database grew:",
        "",
        "| facts before | facts/s | filler CPU s / 1k | PostgreSQL CPU s / 1k |",
        "| ---: | ---: | ---: | ---: |",
    ]
    for s in filled.segments:
        lines.append(
            f"| {s.facts_before:,} | {s.facts / s.seconds:,.0f} "
            f"| {s.filler_cpu_s * 1000 / s.facts:.3f} | {s.postgres_cpu_s * 1000 / s.facts:.3f} |"
        )
    return [*lines, ""]


def _fill_payload(filled: FillResult | None) -> dict[str, Any] | None:
    if filled is None:
        return None
    return {
        "records": filled.records,
        "facts": filled.facts,
        "seconds": filled.seconds,
        "segments": [asdict(s) for s in filled.segments],
    }


if __name__ == "__main__":
    raise SystemExit(main())
